"""Importing local files: .txt, .html, .pdf, .jsonl, folders, the --meta CSV, and bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from _pdf import make_pdf
from conftest import FIXTURES
from policytext.cli import main
from policytext.collect.importing import import_paths, read_jsonl, read_meta_csv
from policytext.collect.readers.presets import ukpol_record
from policytext.errors import ImportFormatError
from policytext.store.corpus import Corpus, Document

LOCAL = FIXTURES / "local"
# The original fixtures, by name (a folder import would also list the README as skipped).
LOCAL_FILES = [LOCAL / "neighbourhoods.txt", LOCAL / "speeches.jsonl", LOCAL / "town-hall.html"]
FORMATS = FIXTURES / "import_formats"


def test_importing_jsonl_fields(corpus: Corpus) -> None:
    summary = import_paths(corpus, [LOCAL / "speeches.jsonl"])
    assert (summary.added, summary.unchanged) == (3, 0)
    fx1, fx2, fx3 = (corpus.get(i) for i in ("fx-1", "fx-2", "fx-3"))
    assert fx1 is not None and fx2 is not None and fx3 is not None
    assert (fx1.speaker, fx1.party, fx1.date, fx1.date_precision, fx1.venue) == (
        "Hazel Blears",
        "Labour",
        "2008-07",
        "month",
        "London",
    )
    assert (fx2.speaker, fx2.party, fx2.year, fx2.government) == (
        "Eric Pickles",
        "Conservative",
        2011,
        "Cameron-Clegg coalition",
    )
    assert (fx3.speaker, fx3.doc_type, fx3.source) == ("Ed Miliband", "lecture", None)


def test_importing_twice_stores_once(corpus: Corpus) -> None:
    import_paths(corpus, LOCAL_FILES, meta=LOCAL / "meta.csv")
    again = import_paths(corpus, LOCAL_FILES, meta=LOCAL / "meta.csv")
    assert again.added == 0 and again.new_version == 0
    assert again.unchanged == 5
    assert corpus.count(all_versions=True) == 5


def test_importing_folder_with_meta_csv(corpus: Corpus) -> None:
    import_paths(corpus, LOCAL_FILES, meta=LOCAL / "meta.csv", doc_type="other")
    text_doc = corpus.get("neighbourhoods")
    assert text_doc is not None
    assert (
        text_doc.speaker,
        text_doc.party,
        text_doc.date,
        text_doc.title,
        text_doc.doc_type,
        text_doc.venue,
    ) == (
        "Hazel Blears",
        "Labour",
        "2008-07-09",
        "Neighbourhoods in charge",
        "speech",
        "Somewhere",
    )
    assert text_doc.source == "local"
    html_doc = corpus.get("town-hall")
    assert html_doc is not None
    assert html_doc.speaker == "Gordon Brown"  # "Prime Minister" on 2009-03-01
    assert html_doc.title == "Town hall speech"
    assert "power should move from the centre to the town hall." in html_doc.text
    for furniture in ("cookies", "Home", "Share on", "Related content", "Copyright"):
        assert furniture not in html_doc.text
    assert html_doc.text.count("\n\n") == 1  # two paragraphs kept


def test_importing_pdf_cleans_running_heads(tmp_path: Path, corpus: Corpus) -> None:
    pages = [
        [
            "Strong and prosperous communities",
            "We will devolve budgets to neighbour-",
            "hoods and parishes.",
            "Page 1",
        ],
        ["Strong and prosperous communities", "Councils gain new freedoms.", "Page 2"],
        ["Strong and prosperous communities", "Citizens get a stronger voice.", "Page 3"],
    ]
    path = tmp_path / "white-paper.pdf"
    path.write_bytes(make_pdf(pages, title="Strong and prosperous communities"))
    import_paths(corpus, [path], doc_type="white_paper")
    doc = corpus.get("white-paper")
    assert doc is not None
    assert doc.title == "Strong and prosperous communities"
    assert doc.doc_type == "white_paper"
    assert "neighbourhoods and parishes" in doc.text
    assert "Page" not in doc.text
    assert "Strong and prosperous" not in doc.text
    assert doc.extractor_version == "pdf/1"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"text": "ok", "date": "2010-02-30"}', r"bad.jsonl:2: date: '2010-02-30' is not a calendar date"),
        ('{"text": "ok", "date": "sometime in 2010"}', r"bad.jsonl:2: date: cannot read 'sometime in 2010'"),
        ('{"text": "ok", "doc_type": "tweet"}', r"bad.jsonl:2: doc_type 'tweet'"),
        ('{"title": "no text"}', r"bad.jsonl:2: missing 'text'"),
        ('{"text": "ok", "speakr": "typo"}', r"bad.jsonl:2: unknown field 'speakr'"),
        ('{"text": "ok",', r"bad.jsonl:2: invalid JSON"),
        ('["a list"]', r"bad.jsonl:2: expected a JSON object, got list"),
        ('{"text": ["a", "list"]}', r"bad.jsonl:2: field 'text' must be a string"),
        ('{"id": "a", "text": "duplicate"}', r"bad.jsonl:2: id 'a' already used on line 1"),
    ],
)
def test_importing_bad_jsonl_line_names_file_and_line(
    tmp_path: Path, corpus: Corpus, line: str, message: str
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "a", "text": "A good first line."}\n' + line + "\n")
    with pytest.raises(ImportFormatError, match=message):
        import_paths(corpus, [path])
    assert corpus.count() == 0  # nothing from the file is half-imported


def test_importing_folder_skips_and_reports_a_file_it_cannot_read(
    tmp_path: Path, corpus: Corpus, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.jsonl").write_text('{"id": "a", "text": "Fine."}\n')
    (folder / "b.jsonl").write_text('{"id": "b", "text": "Fine."}\n{"id": "c"}\n')
    (folder / "c.txt").write_text("After the bad file.")
    (folder / "d.pdf").write_bytes(b"<html>not a pdf</html>")
    with caplog.at_level("WARNING", logger="policytext.collect.importing"):
        summary = import_paths(corpus, [folder])
    assert sorted(d.id for d in corpus.query()) == ["a", "c"]  # files after the bad one too
    assert [reason for _, reason in summary.skipped] == [
        f"{folder / 'b.jsonl'}:2: missing 'text'",
        f"{folder / 'd.pdf'}: not a PDF (no %PDF header)",
    ]
    assert [Path(p).name for p, _ in summary.skipped] == ["b.jsonl", "d.pdf"]
    assert str(summary).endswith("; 2 files skipped (listed above)")
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert (
        len(warnings) == 2
        and warnings[0].startswith("skipped ")
        and "b.jsonl:2: missing 'text'" in warnings[0]
    )


def test_importing_strict_refuses_before_writing(tmp_path: Path, corpus: Corpus) -> None:
    (tmp_path / "a.jsonl").write_text('{"id": "a", "text": "Fine."}\n')
    (tmp_path / "b.jsonl").write_text('{"id": "c"}\n')
    with pytest.raises(ImportFormatError, match=r"b.jsonl:1: missing 'text'.*--strict: nothing imported"):
        import_paths(corpus, [tmp_path], strict=True)
    assert corpus.count() == 0


def test_importing_named_bad_file_stores_nothing_from_any_file(tmp_path: Path, corpus: Corpus) -> None:
    (tmp_path / "a.jsonl").write_text('{"id": "a", "text": "Fine."}\n')
    (tmp_path / "b.jsonl").write_text('{"id": "c"}\n')
    with pytest.raises(ImportFormatError, match=r"b.jsonl:1: missing 'text'"):
        import_paths(corpus, [tmp_path / "a.jsonl", tmp_path / "b.jsonl"])
    assert corpus.count() == 0  # validated before anything was written


def test_importing_invalid_utf8(tmp_path: Path, corpus: Corpus) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("Caf\u00e9 society and the Big Society.".encode("latin-1"))
    with pytest.raises(ImportFormatError, match=r"latin.txt: not valid UTF-8 \(byte 0xe9 at offset 3\)"):
        import_paths(corpus, [path])
    jsonl = tmp_path / "latin.jsonl"
    jsonl.write_bytes(b'{"text": "ok"}\n{"text": "Caf\xe9"}\n')
    with pytest.raises(ImportFormatError, match=r"latin.jsonl:2: not valid UTF-8"):
        import_paths(corpus, [jsonl])
    assert corpus.count() == 0


def test_importing_broken_pdf(tmp_path: Path, corpus: Corpus) -> None:
    good = make_pdf([["Some text on a page."]])
    path = tmp_path / "broken.pdf"
    path.write_bytes(good[: len(good) // 2])
    with pytest.raises(ImportFormatError, match=r"broken.pdf: broken PDF"):
        import_paths(corpus, [path])
    fake = tmp_path / "fake.pdf"
    fake.write_bytes(b"<html>not a pdf</html>")
    with pytest.raises(ImportFormatError, match=r"fake.pdf: not a PDF"):
        import_paths(corpus, [fake])
    empty = tmp_path / "scan.pdf"
    empty.write_bytes(make_pdf([[]]))
    with pytest.raises(ImportFormatError, match=r"scan.pdf: the PDF has no extractable text"):
        import_paths(corpus, [empty])
    assert corpus.count() == 0


def test_importing_unknown_date_in_meta(tmp_path: Path, corpus: Corpus) -> None:
    shutil.copy(LOCAL / "neighbourhoods.txt", tmp_path)
    meta = tmp_path / "meta.csv"
    shutil.copy(LOCAL / "town-hall.html", tmp_path)
    meta = tmp_path / "meta.csv"
    # The bad row is for the second file: the whole CSV is checked before anything is written.
    meta.write_text("file,date\ntown-hall.html,2009\nneighbourhoods.txt,the summer of 2008\n")
    with pytest.raises(ImportFormatError, match=r"meta.csv:3: date: cannot read 'the summer of 2008'"):
        import_paths(corpus, [tmp_path], meta=meta)
    assert corpus.count() == 0


def test_importing_warns_about_files_without_a_meta_row(
    tmp_path: Path, corpus: Corpus, caplog: pytest.LogCaptureFixture
) -> None:
    # A metadata CSV that covers only some files (as the BPS leaders' set does) must not
    # leave the rest without speaker and date silently.
    folder = tmp_path / "texts"
    folder.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (folder / name).write_text(f"Text of {name}.", encoding="utf-8")
    meta = tmp_path / "meta.csv"
    meta.write_text("file,speaker\na.txt,Tony Blair\n", encoding="utf-8")
    with caplog.at_level("WARNING", logger="policytext.collect.importing"):
        summary = import_paths(corpus, [folder], meta=meta)
    assert summary.added == 3
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert warnings == [
        f"{meta}: 2 imported files have no row in it (imported without its metadata), e.g. b.txt"
    ]


def test_importing_meta_csv_errors(tmp_path: Path) -> None:
    meta = tmp_path / "meta.csv"
    meta.write_text("name,date\na.txt,2001\n")
    with pytest.raises(ImportFormatError, match=r"meta.csv:1: no 'file' column"):
        read_meta_csv(meta)
    meta.write_text("file,date\na.txt,2001\na.txt,2002\n")
    with pytest.raises(ImportFormatError, match=r"meta.csv:3: file 'a.txt' is listed twice"):
        read_meta_csv(meta)
    meta.write_text("file,year,location\na.txt,2001,Brighton\n")
    assert read_meta_csv(meta) == {"a.txt": {"date": "2001", "venue": "Brighton"}}


def test_importing_missing_and_unsupported_paths(tmp_path: Path, corpus: Corpus) -> None:
    with pytest.raises(ImportFormatError, match=r"nowhere.txt: no such file or folder"):
        import_paths(corpus, [tmp_path / "nowhere.txt"])
    doc = tmp_path / "notes.docx"
    doc.write_bytes(b"PK")
    with pytest.raises(ImportFormatError, match=r"notes.docx: unsupported file type '.docx'"):
        import_paths(corpus, [doc])
    (tmp_path / "empty").mkdir()
    with pytest.raises(
        ImportFormatError, match=r"no .txt, .html, .htm, .pdf, .jsonl, .json, .csv, .tsv, .md.* files found"
    ):
        import_paths(corpus, [tmp_path / "empty"])
    # In a folder, a file of unknown type is listed as skipped, never passed over silently.
    (tmp_path / "empty" / "notes.docx").write_bytes(b"PK")
    (tmp_path / "empty" / ".hidden.txt").write_text("Hidden files are not imported.")
    (tmp_path / "empty" / "speech.txt").write_text("A speech.")
    summary = import_paths(corpus, [tmp_path / "empty"])
    assert summary.added == 1
    assert summary.skipped == [
        (
            str(tmp_path / "empty" / "notes.docx"),
            f"{tmp_path / 'empty' / 'notes.docx'}: unsupported file type '.docx'",
        )
    ]
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    with pytest.raises(ImportFormatError, match=r"empty.jsonl: no documents"):
        read_jsonl(empty)


def _sample(folder: Path, into: Path, names: list[str]) -> Path:
    for name in names:
        (into / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(folder / name, into / name)
    return into


@pytest.mark.realdata
def test_importing_real_shared_data_twice_stores_each_once(tmp_path: Path, shared_data: Path) -> None:
    """Samples of the real texts of ../shared/data (the whole set took ~96 s; the properties
    are the same on a sample): BPS leaders' speeches with their metadata CSV, the ukpol dump
    through its preset, and quanteda's manifestos with theirs. Each is stored once, re-importing
    stores nothing, and the CSV's metadata reaches the store normalised."""
    bps = shared_data / "bps-leader-speeches"
    blair = [
        line.split(",")[0]
        for line in (bps / "metadata.csv").read_text("utf-8-sig").splitlines()[1:]
        if ",Tony Blair," in line
    ][:6]
    others = sorted(p.name for p in (bps / "texts").glob("*.txt"))[::25]
    bps_texts = _sample(bps / "texts", tmp_path / "bps", sorted(set(blair + others)))
    ukpol_data = shared_data / "ukpol_speeches" / "data"
    ukpol = _sample(
        ukpol_data,
        tmp_path / "ukpol",
        [p.relative_to(ukpol_data).as_posix() for p in sorted(ukpol_data.rglob("*.json"))[::60]],
    )
    store = Corpus.open(tmp_path / "real.db")
    first = import_paths(store, [bps_texts], meta=bps / "metadata.csv", source="bps")
    first_ukpol = import_paths(store, [ukpol], preset="ukpol")
    documents = store.count()
    assert first.added + first_ukpol.added == documents >= 25
    assert first.skipped == first_ukpol.skipped == []
    second = import_paths(store, [bps_texts], meta=bps / "metadata.csv", source="bps")
    second_ukpol = import_paths(store, [ukpol], preset="ukpol")
    assert second.added == second.new_version == second_ukpol.added == second_ukpol.new_version == 0
    assert store.count(all_versions=True) == documents
    # Manifestos: quanteda's texts with their metadata CSV (party codes, election years).
    manifestos = shared_data / "quanteda_ukmanifestos"
    texts = sorted(p.name for p in (manifestos / "texts").glob("*.txt"))
    sample = _sample(
        manifestos / "texts",
        tmp_path / "manifestos" / "texts",
        sorted({"UK_natl_1997_en_Lab.txt", "UK_natl_1997_en_Con.txt", *texts[::20]}),
    )
    options = {"meta": manifestos / "metadata.csv", "source": "quanteda", "doc_type": "manifesto"}
    added = import_paths(store, [sample], **options)  # type: ignore[arg-type]
    assert added.added == len(list(sample.iterdir())) >= 8
    again = import_paths(store, [sample], **options)  # type: ignore[arg-type]
    assert (again.added, again.new_version, again.unchanged) == (0, 0, added.added)
    assert store.count(party="Labour", doc_type="manifesto", year=1997) >= 1
    # Metadata from the CSV reached the store, normalised.
    assert store.count(speaker="Tony Blair", source="bps") == 6
    assert store.count(source="ukpol") == first_ukpol.added
    assert store.summary("year")[0]["value"] is not None
    store.close()


def test_importing_same_stem_in_one_import_is_an_error_not_a_version(tmp_path: Path, corpus: Corpus) -> None:
    (tmp_path / "a.txt").write_text("A plain text speech.")
    (tmp_path / "a.html").write_text("<p>An HTML speech.</p>")
    with pytest.raises(
        ImportFormatError,
        match=r"a.txt: document id 'a' is also the id of a document in .*a.html; .*nothing was imported",
    ):
        import_paths(corpus, [tmp_path])
    assert corpus.count(all_versions=True) == 0  # found before anything is written


def test_importing_nested_folders_give_distinct_ids(tmp_path: Path, corpus: Corpus) -> None:
    for year in ("2001", "2002"):
        (tmp_path / year).mkdir()
        (tmp_path / year / "speech.txt").write_text(f"The {year} speech.")
    meta = tmp_path / "meta.csv"
    meta.write_text("file,date\n2001/speech.txt,2001\n2002/speech.txt,2002\n")
    import_paths(corpus, [tmp_path], meta=meta)
    assert [(d.id, d.date) for d in corpus.query()] == [("2001/speech", "2001"), ("2002/speech", "2002")]
    again = import_paths(corpus, [tmp_path], meta=meta)
    assert (again.added, again.new_version, again.unchanged) == (0, 0, 2)


def test_importing_meta_csv_extra_field_and_real_line_numbers(tmp_path: Path) -> None:
    meta = tmp_path / "meta.csv"
    meta.write_text('file,title\na.txt,"A title\nover two lines"\n\nb.txt,B,extra\n')
    with pytest.raises(ImportFormatError, match=r"meta.csv:5: more fields than the header has columns"):
        read_meta_csv(meta)


def test_importing_export_with_line_separators_round_trips(tmp_path: Path) -> None:
    first = Corpus.open(tmp_path / "1.db")
    first.add(Document(id="ls", text="Line one\u2028still one.\u2029And\x85more."))
    exported = tmp_path / "e.jsonl"
    exported.write_text(first.export_text(), encoding="utf-8")
    assert len(exported.read_text("utf-8").split("\n")) == 2
    second = Corpus.open(tmp_path / "2.db")
    import_paths(second, [exported])
    assert second.get("ls").text == first.get("ls").text  # type: ignore[union-attr]


def test_importing_jsonl_year_stands_in_for_date(tmp_path: Path, corpus: Corpus) -> None:
    path = tmp_path / "y.jsonl"
    path.write_text(
        '{"id": "y", "text": "A speech.", "year": 1997}\n{"id": "z", "text": "B.", "warc_offset": "abc"}\n'
    )
    with pytest.raises(ImportFormatError, match=r"y.jsonl:2: field 'warc_offset' must be an integer"):
        import_paths(corpus, [path])
    path.write_text('{"id": "y", "text": "A speech.", "year": 1997}\n')
    import_paths(corpus, [path])
    assert corpus.get("y").date == "1997"  # type: ignore[union-attr]


# -- bad input that used to slip through (issue 11) ------------------------------------------


def test_importing_deeply_nested_json_is_one_line_error(tmp_path: Path, corpus: Corpus) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    (tmp_path / "deep.json").write_text(deep)
    with pytest.raises(ImportFormatError, match=r"^\S*deep.json:1: JSON nested too deeply to read$"):
        import_paths(corpus, [tmp_path / "deep.json"])
    (tmp_path / "deep.jsonl").write_text('{"text": "ok"}\n{"text": ' + deep + "}\n")
    with pytest.raises(ImportFormatError, match=r"^\S*deep.jsonl:2: JSON nested too deeply to read$"):
        import_paths(corpus, [tmp_path / "deep.jsonl"])
    assert corpus.count() == 0


def test_importing_jsonl_nul_is_refused_like_a_text_file(tmp_path: Path, corpus: Corpus) -> None:
    path = tmp_path / "nul.jsonl"
    path.write_text('{"id": "a", "text": "fine"}\n{"id": "b", "text": "bin\\u0000ary"}\n')
    with pytest.raises(
        ImportFormatError,
        match=r"nul.jsonl:2: field 'text' contains a NUL character \(binary data, not text\)",
    ):
        import_paths(corpus, [path])
    (tmp_path / "nul.txt").write_bytes(b"bin\x00ary")
    with pytest.raises(ImportFormatError, match=r"nul.txt: binary data, not text"):
        import_paths(corpus, [tmp_path / "nul.txt"])
    assert corpus.count() == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        # The quote opened on line 2 swallows the rest of the file: it used to end up in the speaker.
        (
            'file,speaker,date\na.txt,"Tony Blair,1997\nb.txt,Gordon Brown,2001\n',
            r"meta.csv:2: unbalanced quote",
        ),
        (
            'file,speaker,date\na.txt,"Tony Blair,1997\nb.txt,"Gordon Brown",2001\n',
            r"meta.csv:2: unbalanced quote",
        ),
        (
            "file,speaker,date\na.txt,Tony Blair,1997\nb.txt,Gordon Brown,2001-13-01\n",
            r"meta.csv:3: date: '2001-13-01'",
        ),
        ("file,speaker,doc_type\na.txt,Tony Blair,tweet\n", r"meta.csv:2: doc_type 'tweet'"),
    ],
)
def test_importing_meta_csv_checked_whole_before_writing(
    tmp_path: Path, corpus: Corpus, content: str, message: str
) -> None:
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "a.txt").write_text("The first speech.")
    (folder / "b.txt").write_text("The second speech.")
    meta = tmp_path / "meta.csv"
    meta.write_text(content)
    with pytest.raises(ImportFormatError, match=message):
        import_paths(corpus, [folder], meta=meta)
    assert corpus.count() == 0


def test_importing_meta_csv_inside_the_folder_is_not_a_document(tmp_path: Path, corpus: Corpus) -> None:
    (tmp_path / "a.txt").write_text("A speech.")
    (tmp_path / "meta.csv").write_text("file,speaker\na.txt,Tony Blair\n")
    summary = import_paths(corpus, [tmp_path], meta=tmp_path / "meta.csv")
    assert (summary.added, summary.skipped) == (1, [])
    assert corpus.get("a").speaker == "Tony Blair"  # type: ignore[union-attr]


# -- CSV / TSV ---------------------------------------------------------------------------------


def test_importing_csv_with_text_column_and_field_mapping(corpus: Corpus) -> None:
    summary = import_paths(
        corpus,
        [FORMATS / "speeches.csv"],
        text_column="Speech",
        fields=["speaker=Speaker", "date=Delivered", "venue=Where"],
        doc_type="speech",
    )
    assert summary.added == 2
    first, second = corpus.get("speeches/1"), corpus.get("speeches/2")
    assert first is not None and second is not None
    assert first.text == "We will hand power to neighbourhoods.\n\nCouncils will be free to act."
    assert (first.speaker, first.party, first.date, first.venue, first.doc_type, first.source) == (
        "Hazel Blears",
        "Labour",
        "2008-07-09",
        "Somewhere",
        "speech",
        "local",
    )
    assert (second.speaker, second.date, second.venue) == ("Eric Pickles", "2011", None)
    assert first.extractor_version == "csv/1"


def test_importing_tsv_with_ids_and_default_field_names(corpus: Corpus) -> None:
    import_paths(corpus, [FORMATS / "speeches.tsv"], text_column="body")
    doc = corpus.get("tsv-1")
    assert doc is not None
    assert (doc.speaker, doc.date, doc.text) == (
        "David Cameron",
        "2010-07-19",
        "The Big Society is about people.",
    )
    assert corpus.get("tsv-2").date == "2014-02"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("content", "options", "message"),
    [
        (
            "speech,speaker\nHello.,Tony Blair\n",
            {},
            r"t.csv:1: no text column 'text' \(name it with --text-column\)",
        ),
        (
            "text,who\nHello.,Tony Blair\n",
            {"fields": ["speaker=Speaker"]},
            r"t.csv:1: --field speaker=speaker: no column 'speaker'",
        ),
        ("text,date\nHello.,2001\nAgain.,someday\n", {}, r"t.csv:3: date: cannot read 'someday'"),
        ('text,speaker\nHello.,"Tony Blair\nAgain.,Gordon Brown\n', {}, r"t.csv:2: unbalanced quote"),
        ("text,speaker\nHello.,Tony Blair,extra\n", {}, r"t.csv:2: more fields than the header has columns"),
        ("text,speaker\n,Tony Blair\n", {}, r"t.csv:2: 'text' is empty"),
        ("text,text\nA,B\n", {}, r"t.csv:1: column 'text' appears twice"),
        ("text\n", {}, r"t.csv: no documents"),
        ("id,text\na,One.\na,Two.\n", {}, r"t.csv:3: id 'a' already used on line 2"),
        ("text\nHello.\n", {"fields": ["speakr=x"]}, r"--field 'speakr=x': 'speakr' is not a field"),
        ("text\nHello.\n", {"fields": ["speaker"]}, r"--field 'speaker': expected FIELD=KEY"),
    ],
)
def test_importing_bad_csv_names_file_and_line(
    tmp_path: Path, corpus: Corpus, content: str, options: dict[str, Any], message: str
) -> None:
    path = tmp_path / "t.csv"
    path.write_text(content)
    with pytest.raises(ImportFormatError, match=message):
        import_paths(corpus, [path], **options)
    assert corpus.count() == 0


# -- JSON --------------------------------------------------------------------------------------

JSON_FIELDS = ["text=paragraphs", "title=headline", "speaker=meta.speaker", "date=meta.delivered"]


def test_importing_json_object_and_array_join_paragraphs(corpus: Corpus) -> None:
    summary = import_paths(
        corpus, [FORMATS / "speech-object.json", FORMATS / "speech-array.json"], fields=JSON_FIELDS
    )
    assert summary.added == 3
    single = corpus.get("speech-object")
    assert single is not None
    assert single.text == "Localism is about trust.\n\nWe will give councils a general power of competence."
    assert (single.title, single.speaker, single.date, single.source) == (
        "A written speech on localism",
        "Greg Clark",
        "2010-11-11",
        "local",
    )
    second = corpus.get("speech-array/2")
    assert second is not None
    assert (second.title, second.speaker, second.date, second.text) == (
        "Second of two",
        "Gordon Brown",
        "2008-03",
        "Another.\n\nAnd another.",
    )
    assert single.extractor_version == "json/1"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            '[\n  {"paragraphs": ["ok"]},\n  {"paragraphs": ["ok"], "meta": {"delivered": "2010-02-30"}}\n]',
            r"t.json:3: date: '2010-02-30'",
        ),
        (
            '[\n  {"paragraphs": ["ok"]},\n\n  {"headline": "no text"}\n]',
            r"t.json:4: missing 'text' \(key 'paragraphs'\)",
        ),
        ('[\n  {"paragraphs": ["ok"]},\n  "a string"\n]', r"t.json:3: expected a JSON object, got str"),
        (
            '[\n  {"paragraphs": [1, 2]}\n]',
            r"t.json:2: field 'text' \(key 'paragraphs'\) must be a string, got list with non-string items",
        ),
        (
            '[\n  {"paragraphs": ["ok"]}\n  {"paragraphs": ["ok"]}\n]',
            r"t.json:3: invalid JSON \(expected ',' or '\]'\)",
        ),
        ('{"paragraphs": ["ok"]}\n{"paragraphs": ["again"]}', r"t.json:2: invalid JSON \(extra data"),
        ('{"paragraphs": ["ok",\n\n]}', r"t.json:3: invalid JSON"),
        ('{"paragraphs": ["bin\\u0000ary"]}', r"t.json:1: field 'text' contains a NUL character"),
        ("[]", r"t.json: no documents \(an empty array\)"),
        ("  \n", r"t.json: no documents \(the file is empty\)"),
    ],
)
def test_importing_bad_json_names_file_and_line(
    tmp_path: Path, corpus: Corpus, content: str, message: str
) -> None:
    path = tmp_path / "t.json"
    path.write_text(content)
    with pytest.raises(ImportFormatError, match=message):
        import_paths(corpus, [path], fields=JSON_FIELDS)
    assert corpus.count() == 0


def test_importing_jsonl_with_field_mapping(tmp_path: Path, corpus: Corpus) -> None:
    path = tmp_path / "m.jsonl"
    path.write_text('{"id": "m1", "body": ["One.", "Two."], "who": "Tony Blair", "extra": 1}\n')
    import_paths(corpus, [path], fields=["text=body", "speaker=who"])
    doc = corpus.get("m1")
    assert doc is not None and (doc.text, doc.speaker) == ("One.\n\nTwo.", "Tony Blair")


# -- Markdown ----------------------------------------------------------------------------------


def test_importing_markdown_renders_text_and_reads_front_matter(corpus: Corpus) -> None:
    import_paths(corpus, [FORMATS / "manifesto.md", FORMATS / "notes.md"])
    doc = corpus.get("manifesto")
    assert doc is not None
    assert (doc.title, doc.speaker, doc.party, doc.date, doc.doc_type) == (
        "A people's manifesto",
        "Ed Miliband",
        "Labour",
        "2015-04-13",
        "manifesto",
    )
    assert doc.text.split("\n\n") == [
        "Britain can be better",
        "We will devolve power to cities and regions. This line is the same paragraph.",
        "People-powered public services",
        "A stronger voice for communities",
        "Pledge | Year",
        "Devolution | 2015",
    ]
    notes = corpus.get("notes")
    assert notes is not None and notes.title == "Notes on the Big Society"
    assert notes.extractor_version == "md/1"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("---\ntitle: [unclosed\n---\nText.\n", r"t.md:\d+: front matter is not valid YAML"),
        ("---\n- a list\n---\nText.\n", r"t.md:2: front matter must be a mapping of fields, got list"),
        ("---\ndate: someday\n---\nText.\n", r"t.md:2: date: cannot read 'someday'"),
        ("---\ntitle: Empty\n---\n\n![only an image](x.png)\n", r"t.md:4: no text"),
    ],
)
def test_importing_bad_markdown_names_file_and_line(
    tmp_path: Path, corpus: Corpus, content: str, message: str
) -> None:
    path = tmp_path / "t.md"
    path.write_text(content)
    with pytest.raises(ImportFormatError, match=message):
        import_paths(corpus, [path])


def test_importing_markdown_in_a_folder_is_imported_not_skipped(tmp_path: Path, corpus: Corpus) -> None:
    (tmp_path / "a.md").write_text("# A\n\nSome text.\n")
    (tmp_path / "b.markdown").write_text("More text.\n")
    summary = import_paths(corpus, [tmp_path])
    assert (summary.added, summary.skipped) == (2, [])


@pytest.mark.parametrize(
    ("date", "problem"),
    [
        ("2012-13-45", "'2012-13-45' is not a calendar date"),
        ("2012-02-30", "'2012-02-30' is not a calendar date"),
        ("2010-07-19T25:00:00", "'2010-07-19T25:00:00' is not a valid time of day"),
    ],
)
def test_importing_markdown_impossible_date_is_a_one_line_error(
    runner: CliRunner, tmp_path: Path, date: str, problem: str
) -> None:
    # PyYAML made these timestamps with datetime() and its ValueError was a traceback.
    path = tmp_path / "x.md"
    path.write_text(f"---\ntitle: A speech\ndate: {date}\n---\nWe will devolve power.\n")
    db = tmp_path / "c.db"
    result = runner.invoke(main, ["import", str(path), "--db", str(db)])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [f"Error: {path}:3: date: {problem}"]
    if db.exists():
        store = Corpus.open(db)
        assert store.count(all_versions=True) == 0
        store.close()


def test_importing_folder_skips_markdown_with_impossible_date(tmp_path: Path, corpus: Corpus) -> None:
    (tmp_path / "x.md").write_text("---\ntitle: A speech\ndate: 2012-13-45\n---\nWe will devolve power.\n")
    (tmp_path / "ok.txt").write_text("Fine text.\n")
    summary = import_paths(corpus, [tmp_path])
    assert summary.added == 1
    assert summary.skipped == [
        (str(tmp_path / "x.md"), f"{tmp_path / 'x.md'}:3: date: '2012-13-45' is not a calendar date")
    ]
    assert corpus.get("x") is None and corpus.get("ok") is not None
    with pytest.raises(ImportFormatError, match=r"x.md:3: date: '2012-13-45' is not a calendar date"):
        import_paths(corpus, [tmp_path], strict=True)


@pytest.mark.parametrize(
    ("date", "stored"),
    [
        ("2012-02-29", "2012-02-29"),
        ("'19 July 2010'", "2010-07-19"),
        ("2010-07-19 23:30:00 -05:00", "2010-07-19"),  # the date as stated, not shifted to UTC
        ("2010-7-9t8:00:00Z", "2010-07-09"),
        ("!!timestamp 2011-05-01", "2011-05-01"),
        ("2015", "2015"),
    ],
)
def test_importing_markdown_valid_front_matter_date(
    tmp_path: Path, corpus: Corpus, date: str, stored: str
) -> None:
    path = tmp_path / "x.md"
    path.write_text(f"---\ntitle: A speech\ndate: {date}\n---\nWe will devolve power.\n")
    import_paths(corpus, [path])
    doc = corpus.get("x")
    assert doc is not None and (doc.date, doc.title) == (stored, "A speech")


@pytest.mark.parametrize(
    ("front", "message"),
    [
        ("title: T\nspeaker: X\ndate: yesterday\n", r"t.md:4: date: cannot read 'yesterday'"),
        ("title: T\nyear: 2012-13-45\n", r"t.md:3: date: '2012-13-45' is not a calendar date"),
        ("title: T\ndoc_type: sermon\n", r"t.md:3: doc_type 'sermon' is not one of"),
        ("title: T\nspeaker: [1, 2]\n", r"t.md:3: field 'speaker' \(key 'speaker'\) must be a string"),
        (
            "title: T\ndate: !!int abc\n",
            r"t.md:3: front matter is not valid YAML \(cannot read 'abc' as !!int\)",
        ),
        (
            "title: T\nx:\n  y: !!bool maybe\n",
            r"t.md:4: front matter is not valid YAML \(cannot read 'maybe' as !!bool\)",
        ),
        ("title: T\ndate: !!timestamp 2012-13-45\n", r"t.md:3: date: '2012-13-45' is not a calendar date"),
        ("title: T\ndate: 2010-07-19T10:00:00+99:00\n", r"t.md:3: date: .* has an impossible UTC offset"),
    ],
)
def test_importing_markdown_front_matter_error_names_the_key_line(
    tmp_path: Path, corpus: Corpus, front: str, message: str
) -> None:
    path = tmp_path / "t.md"
    path.write_text(f"---\n{front}---\nText.\n")
    with pytest.raises(ImportFormatError, match=message):
        import_paths(corpus, [path])
    assert corpus.count(all_versions=True) == 0


def test_importing_markdown_text_key_in_front_matter_names_its_line(tmp_path: Path, corpus: Corpus) -> None:
    path = tmp_path / "t.md"
    path.write_text("---\ntitle: T\nbody: Words.\n---\nText.\n")
    with pytest.raises(ImportFormatError, match=r"t.md:3: front matter key 'body' would replace"):
        import_paths(corpus, [path], fields=["text=body"])


# -- TEI ---------------------------------------------------------------------------------------


def test_importing_tei_one_document_per_speech(corpus: Corpus) -> None:
    summary = import_paths(corpus, [FORMATS / "tei"])
    assert summary.skipped == []  # the person and party lists are read as metadata
    assert summary.added == 3
    ask, answer, switched = (corpus.get(i) for i in ("Test.u1", "Test.u2", "Test.u3"))
    assert ask is not None and answer is not None and switched is not None
    assert (ask.speaker, ask.party, ask.date, ask.doc_type, ask.title, ask.venue) == (
        "Anna Member",
        "Labour",
        "2012-05-01",
        "debate",
        "Localism (Neighbourhood Plans)",
        "Commons Chamber",
    )
    assert (answer.speaker, answer.party) == ("Greg Clark", "Conservative")  # "Gregory David Clark"
    assert answer.text == (
        "Neighbourhood plans give communities real power. We will go further.\n\n"
        "Councils will have a general power of competence."
    )  # the interjection (<vocal>) and the <note> are not words of the speech
    assert switched.party == "Conservative"  # the affiliation on the day of the sitting
    assert switched.title == "Minutes of the House of Commons, Daily Session 2012-05-01"
    assert ask.url == "https://hansard.example/debates/test.xml"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "<TEI xmlns='http://www.tei-c.org/ns/1.0'><text><u>unclosed</text></TEI>",
            r"t.xml:1: not well-formed XML",
        ),
        ("<html><body>Not TEI</body></html>", r"t.xml:1: not a TEI document \(root <html>\)"),
        (
            "<TEI xmlns='http://www.tei-c.org/ns/1.0'><text><body><p>No speeches.</p></body></text></TEI>",
            r"t.xml: no speeches",
        ),
        (
            "<!DOCTYPE TEI [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><TEI xmlns='http://www.tei-c.org/ns/1.0'><text><u>&x;</u></text></TEI>",
            r"t.xml: no speeches",
        ),
    ],
)
def test_importing_bad_tei(tmp_path: Path, corpus: Corpus, content: str, message: str) -> None:
    path = tmp_path / "t.xml"
    path.write_text(content)
    with pytest.raises(ImportFormatError, match=message):
        import_paths(corpus, [path])


@pytest.mark.realdata
def test_importing_real_parlamint_sample(tmp_path: Path, shared_data: Path) -> None:
    """ParlaMint-GB, Commons 2015-01-06: speakers and parties from the -meta.tsv beside it."""
    store = Corpus.open(tmp_path / "p.db")
    summary = import_paths(store, [shared_data / "parlamint_gb_sample" / "ParlaMint-GB"])
    assert (summary.added, summary.skipped) == (4, [])
    answer = store.get("ParlaMint-GB_2015-01-06-commons.u2")
    assert answer is not None
    assert (answer.speaker, answer.party, answer.date, answer.title) == (
        "Nick Clegg",
        "Liberal Democrat",
        "2015-01-06",
        "Devolution of Power (Cities)",
    )
    assert "devolution deal" in answer.text
    last = store.get("ParlaMint-GB_2015-01-06-commons.u323")
    assert last is not None and last.party == "Conservative" and last.text.count("\n\n") == 2
    store.close()


# -- the ukpol dump, through its preset ---------------------------------------------------------


def test_importing_ukpol_preset(corpus: Corpus) -> None:
    summary = import_paths(corpus, [FORMATS / "ukpol"], preset="ukpol")
    assert summary.added == 2
    brown = corpus.get("B/brown-gordon-2009-speech-on-test-fixtures")
    assert brown is not None
    assert (brown.speaker, brown.date, brown.source, brown.doc_type) == (
        "Gordon Brown",
        "2009-03-03",
        "ukpol",
        "speech",
    )
    assert (
        brown.text == "We will put communities in control.\n\nThe IMF agrees with us."
    )  # no abbreviation lines, no image
    assert brown.title == "Gordon Brown \u2013 2009 Speech on Test Fixtures"
    blair = corpus.get("B/blair-tony-2002-speech-with-a-typo-in-its-summary")
    assert blair is not None
    assert (blair.speaker, blair.date) == ("Tony Blair", "2002")  # the summary's 2022 is a typo
    with pytest.raises(ImportFormatError, match=r"--preset 'nope': unknown; presets are ukpol"):
        import_paths(corpus, [FORMATS / "ukpol"], preset="nope")


@pytest.mark.realdata
def test_importing_real_ukpol_sample_with_preset(tmp_path: Path, shared_data: Path) -> None:
    """A sample of the real dump, imported as a folder with --preset ukpol (no converter)."""
    data = shared_data / "ukpol_speeches" / "data"
    names = ["B/balls-ed-2014-speech-on-the-new-third-way.json"]
    names += [p.relative_to(data).as_posix() for p in sorted(data.rglob("*.json"))[::40]]
    sample = tmp_path / "data"
    for name in names:
        (sample / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(data / name, sample / name)
    store = Corpus.open(tmp_path / "u.db")
    summary = import_paths(store, [sample], preset="ukpol")
    assert summary.skipped == [] and summary.added == len(set(names))
    balls = store.get("B/balls-ed-2014-speech-on-the-new-third-way")
    assert balls is not None
    assert (balls.speaker, balls.date, balls.source) == ("Ed Balls", "2014-06-30", "ukpol")
    assert not balls.text.startswith("[") and "London Business School" in balls.text
    # The joint press conference is in the dump twice (same URL and text): each file's speaker
    # comes from its own file name. (Storing both is the store's identity rule, tested there.)
    twins = [
        ukpol_record(json.loads((data / name).read_text("utf-8")), data / name)
        for name in (
            "C/cameron-david-2010-joint-press-conference-with-nick-clegg.json",
            "C/clegg-nick-2010-joint-press-conference-with-david-cameron.json",
        )
    ]
    assert [t["speaker"] for t in twins] == ["David Cameron", "Nick Clegg"]
    for doc in store.query():
        assert "*[" not in doc.text and doc.speaker and doc.date
    store.close()


def test_importing_folder_readme_is_listed_not_imported(tmp_path: Path, corpus: Corpus) -> None:
    (tmp_path / "README.md").write_text("# About this folder\n\nWhere the texts came from.\n")
    (tmp_path / "speech.md").write_text("# A speech\n\nWords.\n")
    summary = import_paths(corpus, [tmp_path])
    assert summary.added == 1
    assert summary.skipped == [
        (str(tmp_path / "README.md"), f"{tmp_path / 'README.md'}: a folder's README, not a document")
    ]
    named = import_paths(corpus, [tmp_path / "README.md"])  # named, it is a document like any other
    assert named.added == 1


# -- the command line ------------------------------------------------------------------------


def test_importing_cli_mapping_preset_and_skips(
    runner: CliRunner, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = str(tmp_path / "c.db")
    result = runner.invoke(
        main,
        [
            "import",
            str(FORMATS / "speeches.csv"),
            "--text-column",
            "Speech",
            "--field",
            "speaker=Speaker",
            "--field",
            "date=Delivered",
            "--db",
            db,
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.stderr.strip().endswith("2 added, 0 new versions, 0 updated, 0 unchanged")
    result = runner.invoke(main, ["import", str(FORMATS / "ukpol"), "--preset", "ukpol", "--db", db])
    assert result.exit_code == 0 and "2 added" in result.stderr
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("A speech.")
    (folder / "bad.jsonl").write_text("{not json\n")
    (folder / "notes.docx").write_bytes(b"PK")
    with caplog.at_level("WARNING", logger="policytext.collect.importing"):
        result = runner.invoke(main, ["import", str(folder), "--db", db])
    assert result.exit_code == 0
    # The CLI shows WARNING lines on stderr (logging); here pytest's handler captures them.
    assert [r.getMessage() for r in caplog.records] == [
        f"skipped {folder / 'notes.docx'}: unsupported file type '.docx'",
        f"skipped {folder / 'bad.jsonl'}:1: invalid JSON (Expecting property name enclosed in double quotes at column 2)",
    ]
    assert result.stderr.strip().endswith(
        "1 added, 0 new versions, 0 updated, 0 unchanged; 2 files skipped (listed above)"
    )
    result = runner.invoke(main, ["import", str(folder), "--strict", "--db", str(tmp_path / "strict.db")])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"Error: {folder / 'bad.jsonl'}:1: invalid JSON (Expecting property name enclosed in double quotes "
        "at column 2) (--strict: nothing imported)"
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--field", "speakr=Speaker"],
            "Error: --field 'speakr=Speaker': 'speakr' is not a field; fields are id, text,",
        ),
        (["--preset", "nope"], "Error: --preset 'nope': unknown; presets are ukpol"),
        (["--text-column", "Body"], "Error: {csv}:1: no text column 'body'"),
    ],
)
def test_importing_cli_bad_options_are_one_line(
    runner: CliRunner, tmp_path: Path, args: list[str], message: str
) -> None:
    csv_path = FORMATS / "speeches.csv"
    result = runner.invoke(main, ["import", str(csv_path), *args, "--db", str(tmp_path / "c.db")])
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith(message.format(csv=csv_path))


def test_importing_tei_corpus_root_gives_speakers_and_is_not_a_document(
    tmp_path: Path, corpus: Corpus
) -> None:
    # ParlaMint's layout: the corpus root (teiCorpus, with the person and party lists inline in
    # older releases) above a folder of sittings.
    root = tmp_path / "ParlaMint-XX"
    (root / "2012").mkdir(parents=True)
    shutil.copy(FORMATS / "tei" / "sitting.xml", root / "2012" / "sitting.xml")
    persons = (FORMATS / "tei" / "Test-listPerson.xml").read_text("utf-8").split("<listPerson", 1)[1]
    orgs = (FORMATS / "tei" / "Test-listOrg.xml").read_text("utf-8").split("<listOrg", 1)[1]
    (root / "ParlaMint-XX.xml").write_text(
        '<teiCorpus xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><profileDesc><particDesc>'
        f"<listPerson{persons}<listOrg{orgs}"
        "</particDesc></profileDesc></teiHeader></teiCorpus>",
        encoding="utf-8",
    )
    summary = import_paths(corpus, [root])
    assert (summary.added, summary.skipped) == (3, [])
    assert (corpus.get("Test.u1").speaker, corpus.get("Test.u1").party) == ("Anna Member", "Labour")  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "deep.md",
            "---\ntitle: " + "[" * 100_000 + "]" * 100_000 + "\n---\nText\n",
            r"deep.md:1: front matter nested too deeply to read$",
        ),
        (
            "deep.xml",
            "<TEI xmlns='http://www.tei-c.org/ns/1.0'>" + "<div>" * 100_000 + "</div>" * 100_000 + "</TEI>",
            r"deep.xml:1: not well-formed XML \(Excessive depth",
        ),
    ],
)
def test_importing_deep_nesting_in_other_formats(
    tmp_path: Path, corpus: Corpus, name: str, content: str, message: str
) -> None:
    (tmp_path / name).write_text(content)
    with pytest.raises(ImportFormatError, match=message):
        import_paths(corpus, [tmp_path / name])


def test_importing_folder_with_nothing_importable_is_an_error(tmp_path: Path, corpus: Corpus) -> None:
    shutil.copytree(FORMATS / "ukpol", tmp_path / "ukpol")
    (tmp_path / "ukpol" / "README.md").write_text("About the dump.")
    with pytest.raises(
        ImportFormatError,
        match=r"ukpol: nothing to import; all 3 files were skipped, e.g. .*README.md: a folder's README",
    ):
        import_paths(corpus, [tmp_path / "ukpol"])
    with pytest.raises(
        ImportFormatError,
        match=r"blair-tony-2002.*json:1: missing 'text'; this looks like the ukpol dump: use --preset ukpol",
    ):
        import_paths(
            corpus, [tmp_path / "ukpol" / "B" / "blair-tony-2002-speech-with-a-typo-in-its-summary.json"]
        )


def test_importing_broken_link_in_a_folder_is_listed(tmp_path: Path, corpus: Corpus) -> None:
    (tmp_path / "a.txt").write_text("A speech.")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    summary = import_paths(corpus, [tmp_path])
    assert summary.added == 1
    assert summary.skipped == [
        (str(tmp_path / "gone.txt"), f"{tmp_path / 'gone.txt'}: cannot read (a broken symbolic link)")
    ]


def test_importing_markdown_takes_meta_csv_row_where_front_matter_is_silent(
    tmp_path: Path, corpus: Corpus
) -> None:
    (tmp_path / "a.md").write_text("---\nspeaker: Ed Miliband\n---\n# Heading\n\nText.\n")
    (tmp_path / "b.md").write_text("# Heading of b\n\nText of b.\n")
    meta = tmp_path / "meta.csv"
    meta.write_text("file,speaker,date,title\na.md,Tony Blair,2014,From the CSV\nb.md,Gordon Brown,2009,\n")
    import_paths(corpus, [tmp_path], meta=meta)
    a, b = corpus.get("a"), corpus.get("b")
    assert a is not None and b is not None
    assert (a.speaker, a.date, a.title) == ("Ed Miliband", "2014", "From the CSV")  # front matter first
    assert (b.speaker, b.date, b.title) == ("Gordon Brown", "2009", "Heading of b")


def test_importing_same_name_in_two_folders_named_one_by_one(
    tmp_path: Path, corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Issue 11: `import 2010/labour/html.html` then `import 2010/tory/html.html` made the
    # Conservative manifesto a new version of the Labour one.
    for party in ("labour", "tory"):
        (tmp_path / "2010" / party).mkdir(parents=True)
        (tmp_path / "2010" / party / "html.html").write_text(f"<p>The {party} manifesto.</p>")
    monkeypatch.chdir(tmp_path)
    import_paths(corpus, [Path("2010/labour/html.html")])
    import_paths(corpus, [Path("./2010/tory/html.html")])
    assert sorted(d.id for d in corpus.query()) == ["2010/labour/html", "2010/tory/html"]
    assert corpus.count(all_versions=True) == 2
    import_paths(corpus, [tmp_path / "2010" / "tory" / "html.html"])  # an absolute path: known by its name
    assert corpus.get("html") is not None


def test_importing_text_file_with_nul_after_the_first_kilobytes_is_refused(
    tmp_path: Path, corpus: Corpus
) -> None:
    path = tmp_path / "late.txt"
    path.write_bytes(b"Words. " * 1000 + b"\x00tail")
    with pytest.raises(
        ImportFormatError, match=r"late.txt: binary data, not text \(a NUL character in the text\)"
    ):
        import_paths(corpus, [path])
