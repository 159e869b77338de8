"""Importing local files: .txt, .html, .pdf, .jsonl, folders, the --meta CSV, and bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from _pdf import make_pdf
from conftest import FIXTURES
from policytext.collect.importing import import_paths, read_jsonl, read_meta_csv
from policytext.errors import ImportFormatError
from policytext.store.corpus import Corpus, Document

LOCAL = FIXTURES / "local"
# The original fixtures (the folder also holds its README.md and formats/, which import too).
LOCAL_FILES = [LOCAL / "neighbourhoods.txt", LOCAL / "speeches.jsonl", LOCAL / "town-hall.html"]
FORMATS = LOCAL / "formats"


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


def test_importing_bad_file_keeps_files_before_it(tmp_path: Path, corpus: Corpus) -> None:
    (tmp_path / "a.jsonl").write_text('{"id": "a", "text": "Fine."}\n')
    (tmp_path / "b.jsonl").write_text('{"id": "b", "text": "Fine."}\n{"id": "c"}\n')
    with pytest.raises(ImportFormatError, match=r"b.jsonl:2: missing 'text'"):
        import_paths(corpus, [tmp_path])
    assert [d.id for d in corpus.query()] == ["a"]


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
    meta.write_text("file,date\nneighbourhoods.txt,the summer of 2008\n")
    with pytest.raises(
        ImportFormatError, match=r"neighbourhoods.txt: date: cannot read 'the summer of 2008'"
    ):
        import_paths(corpus, [tmp_path], meta=meta)


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
    with pytest.raises(ImportFormatError, match=r"no .txt, .html, .htm, .pdf, .jsonl files found"):
        import_paths(corpus, [tmp_path / "empty"])
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    with pytest.raises(ImportFormatError, match=r"empty.jsonl: no documents"):
        read_jsonl(empty)


@pytest.mark.realdata
def test_importing_real_shared_data_twice_stores_each_once(tmp_path: Path, shared_data: Path) -> None:
    """The real texts of ../shared/data: BPS leaders' speeches with their metadata CSV,
    ukpol speeches (JSON converted to JSON Lines here), 2015 manifestos (markdown read as text)."""
    ukpol = tmp_path / "ukpol.jsonl"
    with ukpol.open("w", encoding="utf-8") as out:
        for path in sorted((shared_data / "ukpol_speeches" / "data").rglob("*.json")):
            record = json.loads(path.read_text("utf-8"))
            text = "\n\n".join(p for p in record.get("content", []) if p.strip())
            if not text.strip():
                continue
            out.write(
                json.dumps(
                    {
                        "id": f"ukpol-{path.stem}",
                        "text": text,
                        "title": record.get("title"),
                        "url": record.get("url"),
                        "source": "ukpol",
                        "doc_type": "speech",
                    }
                )
                + "\n"
            )
    bps = shared_data / "bps-leader-speeches"
    store = Corpus.open(tmp_path / "real.db")
    first = import_paths(store, [bps / "texts", ukpol], meta=bps / "metadata.csv", source="bps")
    documents = store.count()
    assert first.added == documents >= 800
    second = import_paths(store, [bps / "texts", ukpol], meta=bps / "metadata.csv", source="bps")
    assert second.added == second.new_version == 0
    assert store.count(all_versions=True) == documents
    # Manifestos: quanteda's texts with their metadata CSV (party codes, election years).
    manifestos = shared_data / "quanteda_ukmanifestos"
    added = import_paths(
        store,
        [manifestos / "texts"],
        meta=manifestos / "metadata.csv",
        source="quanteda",
        doc_type="manifesto",
    )
    assert added.added == 101
    again = import_paths(
        store,
        [manifestos / "texts"],
        meta=manifestos / "metadata.csv",
        source="quanteda",
        doc_type="manifesto",
    )
    assert (again.added, again.new_version, again.unchanged) == (0, 0, 101)
    assert store.count(party="Labour", doc_type="manifesto", year=1997) >= 1
    # Metadata from the CSV reached the store, normalised.
    assert store.count(speaker="Tony Blair", source="bps") > 5
    assert store.summary("year")[0]["value"] is not None
    store.close()


def test_importing_same_stem_in_one_import_is_an_error_not_a_version(tmp_path: Path, corpus: Corpus) -> None:
    (tmp_path / "a.txt").write_text("A plain text speech.")
    (tmp_path / "a.html").write_text("<p>An HTML speech.</p>")
    with pytest.raises(
        ImportFormatError, match=r"a.txt: document id 'a' is also the id of a document in .*a.html"
    ):
        import_paths(corpus, [tmp_path])
    assert corpus.count(all_versions=True) == 1  # the first file, whole; no version flip-flop


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
