"""Table writers, the run manifest, charts and the HTML report."""

from __future__ import annotations

import functools
import io
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from conftest import EMP, FILL, SMALL_CORPUS, TEST_CODEBOOK_HASH, store_tagged
from policytext.errors import InputError
from policytext.report import (
    PALETTE,
    format_table,
    latex_escape,
    plot_frame_heatmap,
    plot_government_shares,
    plot_rates_over_time,
    run_manifest,
    write_report,
    write_table,
)
from policytext.run import run_pipeline
from policytext.store.corpus import Corpus, Document
from policytext.tables import frequency_table

SCORES = {
    "frames": {"empowerment": {"precision": 0.8, "recall": 0.6, "f1": 0.6857, "support": 20}},
    "micro": {"precision": 0.75, "recall": 0.5, "f1": 0.6},
    "macro": {"precision": 0.7, "recall": 0.45, "f1": 0.55},
}


def add_evaluation(corpus: Corpus, codebook_hash: str = TEST_CODEBOOK_HASH) -> None:
    """The tagger branch's evaluations table, as described to this branch."""
    corpus.conn.execute(
        "CREATE TABLE IF NOT EXISTS evaluations (pk INTEGER PRIMARY KEY, "
        "codebook_hash TEXT NOT NULL, "
        "gold TEXT NOT NULL, scores TEXT NOT NULL, created_at TEXT NOT NULL)"
    )
    corpus.conn.execute(
        "INSERT INTO evaluations (codebook_hash, gold, scores, created_at) VALUES (?, ?, ?, ?)",
        (codebook_hash, "eval/dev.jsonl", json.dumps(SCORES), "2026-02-01T00:00:00+00:00"),
    )


# -- writers and manifest -------------------------------------------------------------------


def test_report_latex_escapes_special_characters() -> None:
    assert latex_escape("R&D 50% top_up") == r"R\&D 50\% top\_up"
    frame = pd.DataFrame({"speaker": ["Smith & Jones", "100% local", "big_society"], "tokens": [1, 2, 3]})
    text = format_table(frame, fmt="latex")
    assert "Smith \\& Jones & 1 \\\\\n" in text
    assert "100\\% local & 2 \\\\\n" in text
    assert "big\\_society & 3 \\\\\n" in text
    assert "\\toprule" in text and "\\midrule" in text and "\\bottomrule" in text
    assert "\\begin{tabular}{lr}" in text


AWKWARD = pd.DataFrame(
    {
        "title": ["Speech | Part one\nThe sequel\r\n\n# not a comment", "back\\slash | pipe"],
        "match": ["big\nsociety", "x"],
        "tokens": [1, 2],
    }
)


def _markdown_cells(line: str) -> list[str]:
    """Split a GFM table row on the pipes that are not escaped (as a GFM renderer does)."""
    assert line.startswith("| ") and line.endswith(" |"), line
    cells, cell, i = [], "", 1
    body = line[1:-1]
    while i <= len(body):
        ch = body[i - 1]
        if ch == "\\" and i < len(body):
            cell += ch + body[i]
            i += 2
            continue
        if ch == "|":
            cells.append(cell)
            cell = ""
        else:
            cell += ch
        i += 1
    cells.append(cell)
    return [c.strip() for c in cells]


def test_report_markdown_cells_stay_on_one_line_and_escape_pipes() -> None:
    text = format_table(AWKWARD, fmt="md")
    lines = text.splitlines()
    assert len(lines) == 2 + len(AWKWARD)  # header, rule, one line per row
    first, second = (_markdown_cells(line) for line in lines[2:])
    assert first == ["Speech \\| Part one The sequel # not a comment", "big society", "1"]
    # A backslash is escaped too, so "back\slash" does not swallow the escape of the pipe.
    assert second == ["back\\\\slash \\| pipe", "x", "2"]


def test_report_markdown_missing_numbers_are_empty_missing_groups_none(small_tagged: Corpus) -> None:
    # tables.md: a group without a value reads "(none)"; `--bootstrap 0` leaves the
    # interval columns empty (not "(none)", which reads as a group label).
    table = frequency_table(small_tagged, by=["speaker", "year"], frames=["empowerment"], bootstrap=0)
    text = format_table(table, fmt="md", columns="all")
    rows = [_markdown_cells(line) for line in text.splitlines()[2:]]
    header = _markdown_cells(text.splitlines()[0])
    low, high = header.index("empowerment_per_10k_low"), header.index("empowerment_per_10k_high")
    assert rows and all(row[low] == "" and row[high] == "" for row in rows)
    assert any(row[header.index("year")] == "(none)" for row in rows)  # the undated document
    # A group column with no value at all still reads "(none)"; a missing rate is empty.
    only_missing = pd.DataFrame({"speaker": [None], "rate": [float("nan")]})
    assert _markdown_cells(format_table(only_missing, fmt="md").splitlines()[2]) == ["(none)", ""]


def test_report_latex_cells_stay_on_one_line() -> None:
    text = format_table(AWKWARD, fmt="latex")
    body = text.split("\\midrule\n")[1].split("\\bottomrule")[0]
    rows = body.splitlines()
    assert len(rows) == len(AWKWARD)
    assert rows[0].startswith("Speech \\textbar{} Part one The sequel \\# not a comment & big society")
    assert rows[1].startswith("back\\textbackslash{}slash \\textbar{} pipe & x & 2")


def test_report_csv_cells_with_hash_read_back_whole_with_comment_option(small_tagged: Corpus) -> None:
    # tables.md: CSV reads back with pandas.read_csv(path, comment="#"); a "#" inside a
    # text cell (a hashtag in a kwic line) must not be taken for the start of a comment.
    import io

    frame = pd.DataFrame({"left": ["on the way to the bank. #downgradedChancellor"], "n": [3]})
    text = format_table(frame, fmt="csv", manifest=run_manifest(small_tagged, command="t"))
    back = pd.read_csv(io.StringIO(text), comment="#")
    assert back["left"].tolist() == ["on the way to the bank. #downgradedChancellor"]
    assert back["n"].tolist() == [3]


def test_report_csv_round_trips_cells_with_line_breaks() -> None:
    import io

    text = format_table(AWKWARD, fmt="csv", caption="a caption")
    back = pd.read_csv(io.StringIO(text), comment="#")
    two_line = format_table(AWKWARD, fmt="csv", caption="first\nsecond")
    assert two_line.startswith("# first second\ntitle,match,tokens\n")
    # RFC 4180: a field with a line break is quoted, and read back whole.
    assert back["title"].tolist() == AWKWARD["title"].tolist()


def test_report_kwic_markdown_with_awkward_title(corpus: Corpus) -> None:
    from policytext.store.corpus import Document
    from policytext.tables import concordance

    corpus.add(
        Document(
            id="t1",
            text="We will build the Big Society together.",
            title="Big Society | speech\nLiverpool, 2010",
            date="2010",
        )
    )
    lines = concordance(corpus, "big society", window=3)
    text = format_table(lines, fmt="md")
    rows = text.splitlines()
    assert len(rows) == 3
    cells = _markdown_cells(rows[2])
    assert len(cells) == len(lines.columns)
    assert cells[list(lines.columns).index("title")] == "Big Society \\| speech Liverpool, 2010"


def test_report_small_numbers_never_print_as_zero() -> None:
    frame = pd.DataFrame(
        {
            "item": ["a", "b", "c", "d"],
            "rate": [0.001, 0.0, 12.345, 1234.5],
            "p": [1e-300, 1.5e-12, 0.0004, 0.3],
            "p_adjusted": [1e-300, 6e-12, 0.0008, 0.3],
        }
    )
    md = format_table(frame, fmt="md").splitlines()[2:]
    assert md[0] == "| a | 1.00e-03 | <1e-300 | <1e-300 |"
    assert md[1] == "| b | 0.00 | 1.50e-12 | 6.00e-12 |"
    assert md[2] == "| c | 12.35 | 4.00e-04 | 8.00e-04 |"
    assert md[3] == "| d | 1,234.50 | 0.300 | 0.300 |"
    latex = format_table(frame, fmt="latex")
    assert "a & 1.00e-03 & $<$1e-300 & $<$1e-300 \\\\" in latex
    assert "b & 0.00 & 1.50e-12 & 6.00e-12 \\\\" in latex
    # JSON and CSV keep full precision (pandas' to_json rounds to 10 decimals by default).
    records = json.loads(format_table(frame, fmt="json"))
    assert [r["p"] for r in records] == [1e-300, 1.5e-12, 0.0004, 0.3]
    assert "1.5e-12" in format_table(frame, fmt="csv")


def test_report_manifest_fields(small_tagged: Corpus) -> None:
    add_evaluation(small_tagged)
    manifest = run_manifest(small_tagged, command="policytext table --by year")
    assert manifest.documents == 6 and manifest.tokens == 220
    assert len(manifest.corpus_hash) == 64
    assert (manifest.codebook_name, manifest.codebook_version, manifest.codebook_hash) == (
        "test codebook",
        "1.0",
        TEST_CODEBOOK_HASH,
    )
    assert manifest.spacy_version and manifest.policytext_version
    assert manifest.validation["micro"]["f1"] == 0.6
    assert manifest.validation["gold"] == "eval/dev.jsonl"
    lines = manifest.comment_lines()
    assert any("micro P=0.750 R=0.500 F1=0.600" in line for line in lines)
    assert any(line == "command: policytext table --by year" for line in lines)
    # The hash follows the content: a new document changes it.
    small_tagged.add(Document(text="Another text entirely.", id="new"))
    assert run_manifest(small_tagged, command="x").corpus_hash != manifest.corpus_hash


def test_report_manifest_without_evaluations_table(small_tagged: Corpus) -> None:
    manifest = run_manifest(small_tagged, command="x")
    assert manifest.validation is None
    assert any("no gold-file evaluation stored" in line for line in manifest.comment_lines())


@pytest.mark.parametrize("fmt", ["csv", "md", "latex", "json"])
def test_report_table_formats_carry_the_manifest(small_tagged: Corpus, tmp_path: Path, fmt: str) -> None:
    table = frequency_table(small_tagged, by="speaker", bootstrap=0)
    manifest = run_manifest(small_tagged, command="policytext table --by speaker")
    out = write_table(table, tmp_path / f"t.{fmt}", fmt=fmt, manifest=manifest)
    text = out.read_text(encoding="utf-8")
    sidecar = json.loads((tmp_path / f"t.{fmt}.manifest.json").read_text(encoding="utf-8"))
    assert sidecar["corpus_hash"] == manifest.corpus_hash
    assert sidecar["codebook_hash"] == TEST_CODEBOOK_HASH
    if fmt == "json":
        rows = json.loads(text)
        assert isinstance(rows, list) and len(rows) == 3
        assert {
            "speaker",
            "tokens",
            "documents",
            "empowerment_count",
            "empowerment_sentences",
            "empowerment_per_10k",
        } <= set(rows[0])
        return
    assert manifest.corpus_hash in text and TEST_CODEBOOK_HASH in text
    if fmt == "csv":
        assert text.startswith("# policytext run manifest\n")
        back = pd.read_csv(out, comment="#")
        assert list(back.columns) == list(table.columns) and len(back) == 3
    if fmt == "md":
        assert text.startswith("<!--\n") and "-->" in text
        assert "| speaker | documents | tokens |" in text
    if fmt == "latex":
        assert all(line.startswith("%") for line in text.split("\\begin{tabular}")[0].splitlines())


def test_report_unknown_format() -> None:
    with pytest.raises(InputError, match="format: 'xlsx'"):
        format_table(pd.DataFrame({"a": [1]}), fmt="xlsx")


# -- charts ------------------------------------------------------------------------------------


def assert_png_and_svg(paths: list[Path]) -> ET.Element:
    png, svg = paths
    assert png.suffix == ".png" and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert svg.suffix == ".svg"
    return ET.parse(svg).getroot()


def test_report_charts(small_tagged: Corpus, tmp_path: Path) -> None:
    over_time = frequency_table(small_tagged, by="party,year", bootstrap=100)
    root = assert_png_and_svg(plot_rates_over_time(over_time, tmp_path / "rates", group="party"))
    svg = ET.tostring(root, encoding="unicode").lower()
    assert PALETTE[0].lower() in svg and PALETTE[1].lower() in svg  # the two parties' colours
    assert "mentions per 10,000 tokens" in svg and "year" in svg  # axes labelled, text kept as text
    heat = frequency_table(small_tagged, by="speaker", bootstrap=0)
    assert_png_and_svg(plot_frame_heatmap(heat, tmp_path / "heat"))
    gov = frequency_table(small_tagged, by="government", bootstrap=0)
    assert_png_and_svg(plot_government_shares(gov, tmp_path / "gov"))
    assert not list(tmp_path.glob("*.part*"))


def _svg_texts(root: ET.Element) -> list[str]:
    return [t.strip() for t in root.itertext() if t.strip()]


def test_report_rates_chart_with_one_year(corpus: Corpus, tmp_path: Path) -> None:
    # Regression: with a single year matplotlib widened the x axis to 1900-2100.
    store_tagged(
        corpus,
        [
            {
                "id": "a",
                "speaker": "Tony Blair",
                "date": "1998",
                "sentences": [EMP],
                "tags": [(0, "empowerment", "empower")],
            },
            {"id": "b", "speaker": "Gordon Brown", "date": "1998", "sentences": [FILL, FILL]},
        ],
    )
    table = frequency_table(corpus, by="speaker,year", bootstrap=20)
    texts = _svg_texts(assert_png_and_svg(plot_rates_over_time(table, tmp_path / "r", group="speaker")))
    assert "1998" in texts, texts
    assert not {"1900", "1925", "1950", "2000", "2100"} & set(texts), texts
    assert not any(t.startswith(("1997.", "1998.")) for t in texts), texts


def test_report_rates_chart_without_mentions(corpus: Corpus, tmp_path: Path) -> None:
    # No frame is mentioned at all: the y axis is 0-1, not a meaningless 0-0.05.
    store_tagged(
        corpus,
        [
            {"id": "a", "speaker": "Tony Blair", "date": "1998", "sentences": [FILL]},
            {"id": "b", "speaker": "Tony Blair", "date": "2001", "sentences": [FILL]},
        ],
    )
    table = frequency_table(corpus, by="speaker,year", frames=["empowerment"], bootstrap=0)
    texts = _svg_texts(assert_png_and_svg(plot_rates_over_time(table, tmp_path / "r", group="speaker")))
    assert "0.05" not in texts and "1.0" in texts, texts
    assert {"1998", "2001"} <= set(texts)


# -- the HTML report -----------------------------------------------------------------------------


class _PageParser(HTMLParser):
    VOID = {"meta", "img", "br", "hr", "link", "input"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.images: list[str] = []
        self.assets: list[str] = []
        self.links: list[str] = []
        self.ids: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "img":
            self.images.append(values["src"] or "")
        if tag in ("script", "link") and (values.get("src") or values.get("href")):
            self.assets.append(values.get("src") or values.get("href") or "")
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        if values.get("id"):
            self.ids.append(values["id"] or "")
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1:]}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_page(path: Path) -> _PageParser:
    parser = _PageParser()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    assert parser.stack == [], f"unclosed tags: {parser.stack}"
    return parser


@pytest.fixture(scope="module")
def small_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One report of the small tagged corpus (with an evaluation) for the tests that only read it."""
    folder = tmp_path_factory.mktemp("small-report")
    with Corpus.open(folder / "policytext.db") as store:
        store_tagged(store, SMALL_CORPUS)
        add_evaluation(store)
        index = write_report(store, folder / "report", bootstrap=50)
    assert index == folder / "report" / "index.html"
    return index


def test_report_html_parses_and_references_existing_files(small_report: Path) -> None:
    index = small_report
    page = parse_page(index)
    # The static charts for papers, then the topic charts: six documents get topics (k reduced).
    assert len(page.images) == 5
    assert page.images[-2:] == ["topics/prevalence_heatmap.svg", "topics/prevalence_area.svg"]
    for src in page.images:
        assert not src.startswith(("http:", "https:", "/")), src
        assert (index.parent / src).is_file(), src
    assert page.assets == ["assets/report.css", "assets/plotly.min.js", "assets/data.js", "assets/report.js"]
    for src in page.assets:
        assert (index.parent / src).stat().st_size > 0, src
    local = [h for h in page.links if not h.startswith("#")]
    assert any(h.endswith("by_year.csv") for h in local)
    for href in local:
        assert (index.parent / href).is_file(), href
    for anchor in (h[1:] for h in page.links if h.startswith("#")):
        assert anchor in page.ids
    text = " ".join(page.text)
    assert TEST_CODEBOOK_HASH in text and "test codebook" in text
    assert "0.686" in text  # empowerment F1 from the evaluation
    assert "Tony Blair" in text and "Cameron-Clegg coalition" in text
    assert "<NA>" not in text and "nan" not in text.split()  # missing values read "(none)"
    assert "http" not in index.read_text(encoding="utf-8")  # opens offline: nothing fetched
    by_year = pd.read_csv(index.parent / "tables" / "by_year.csv", comment="#")
    assert list(by_year["year"][:5]) == [1998, 1999, 2010, 2011, 2012]
    assert by_year["year"][5:].isna().all()  # the undated document
    assert json.loads((index.parent / "manifest.json").read_text())["codebook_hash"] == TEST_CODEBOOK_HASH


def test_report_codebook_and_validation_of_a_real_tagging_run(corpus: Corpus, tmp_path: Path) -> None:
    # tables.md: the page shows the codebook's frames with their number of patterns and
    # the validation scores. The tagger stores the codebook as Codebook.to_json
    # ("frame_defs", top-level "patterns"); support is a count, micro/macro included.
    from policytext.evaluate import evaluate_codebook, record_evaluation
    from policytext.tagging import tag_corpus

    book = tmp_path / "mini.toml"
    book.write_text(
        '[codebook]\nname = "mini"\nversion = "1"\n'
        '[[frames]]\nid = "localism"\ndefinition = "Talk of localism."\n'
        '[[frames]]\nid = "rare"\ndefinition = "Rare words."\n'
        '[[patterns]]\nid = "loc"\nframe = "localism"\nphrase = "=localism"\n'
        '[[patterns]]\nid = "r1"\nframe = "rare"\nphrase = "=zyzzyva"\n'
        '[[patterns]]\nid = "r2"\nframe = "rare"\nphrase = "=quokka"\n',
        encoding="utf-8",
    )
    corpus.add(Document(text="Localism is our creed. The weather was fine.", id="d1", date="2011"))
    tag_corpus(corpus, book)
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        json.dumps({"id": "1", "text": "Localism works.", "labels": ["localism"]})
        + "\n"
        + json.dumps({"id": "2", "text": "Nothing here.", "labels": []})
        + "\n",
        encoding="utf-8",
    )
    record_evaluation(corpus, evaluate_codebook(gold, book))
    page = parse_page(write_report(corpus, tmp_path / "report", bootstrap=0))
    text = " ".join(" ".join(page.text).split())
    print(text)
    assert "localism Localism 1 Talk of localism." in text
    assert "rare Rare 2 Rare words." in text
    assert "localism 1.000 1.000 1.000 1 " in text
    assert "micro 1.000 1.000 1.000 1 " in text and "macro 0.500 0.500 0.500 1 " in text


def test_report_untagged_corpus_has_summary_and_advice(corpus: Corpus, tmp_path: Path) -> None:
    corpus.add(Document(text="Power to the people.", id="d1", speaker="Tony Blair", date="1998"))
    index = write_report(corpus, tmp_path / "r")
    page = parse_page(index)
    text = " ".join(page.text)
    assert "policytext tag" in text and "Tony Blair" in text
    assert page.images == []


def test_report_out_must_be_a_folder(small_tagged: Corpus, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputError, match="is a file"):
        write_report(small_tagged, tmp_path / "file")


def test_report_run_pipeline_ends_with_report(db_path: Path) -> None:
    with Corpus.open(db_path) as corpus:
        store_tagged(corpus, SMALL_CORPUS)
    messages: list[str] = []
    path = run_pipeline(db_path, offline=True, echo=messages.append)
    assert path == db_path.parent / "report" / "index.html"
    assert path.is_file()
    assert messages[-1] == f"report: {path}"


def read_payload(index: Path) -> dict:
    text = (index.parent / "assets" / "data.js").read_text(encoding="utf-8")
    assert text.startswith("window.POLICYTEXT = ")
    return json.loads(text[len("window.POLICYTEXT = ") :].rstrip().rstrip(";"))


def test_report_evidence_equals_every_table_count(small_report: Path) -> None:
    # Every count cell opens the mentions behind it: the evidence grouped as each table is
    # grouped gives the table's count, cell for cell (zeros included).
    index = small_report
    evidence = read_payload(index)["evidence"]
    fields = {name: i for i, name in enumerate(evidence["doc_fields"])}
    assert len(evidence["mentions"]) == 10
    rows = 0
    for by in ("year", "party", "speaker", "government"):
        table = pd.read_csv(index.parent / "tables" / f"by_{by}.csv", comment="#")
        rows += len(table)
        for _, row in table.iterrows():
            value = None if pd.isna(row[by]) else (int(row[by]) if by == "year" else row[by])
            for f_index, frame in enumerate(evidence["frames"]):
                found = [
                    m
                    for m in evidence["mentions"]
                    if m[1] == f_index and evidence["docs"][m[0]][fields[by]] == value
                ]
                assert len(found) == row[f"{frame}_count"], (by, value, frame)
    # Each mention carries its sentence with the matched words at its offset.
    for doc, _, sentence, match, _, offset in evidence["mentions"]:
        text = evidence["sentences"][sentence]
        assert text[offset : offset + len(match)] == match
        assert evidence["docs"][doc][fields["doc_id"]]
    html = index.read_text(encoding="utf-8")
    cells = re.findall(
        r"data-frame=\"(\w+)\" data-by='([^']*)' data-key='([^']*)' data-count=\"(\d+)\"", html
    )
    assert len(cells) == 8 * rows  # a cell per frame and row of the four tables
    assert sum(int(c[3]) for c in cells) == 4 * 10  # each table counts every mention once


def test_report_single_document_groups_are_marked(small_report: Path, small_tagged: Corpus) -> None:
    html = small_report.read_text(encoding="utf-8")
    assert 'title="a group of one document has no bootstrap interval">1 doc</span>' in html
    table = frequency_table(small_tagged, by="year", frames=["empowerment"], bootstrap=20)
    text = format_table(table, fmt="md")
    assert "| 1998 | 1 | 40 | 750.0 (1 document) |" in text


def test_report_topics_section_says_why_it_is_missing(corpus: Corpus, tmp_path: Path) -> None:
    # A corpus too small for a topic model still gets a report; the section gives the reason.
    store_tagged(
        corpus, [{"id": "a", "date": "1998", "sentences": [EMP], "tags": [(0, "empowerment", "empower")]}]
    )
    index = write_report(corpus, tmp_path / "r", bootstrap=0)
    page = parse_page(index)
    assert "topics-missing" in page.ids
    text = " ".join(" ".join(page.text).split())
    assert "No topic model in this report: topics: need at least 2 passages with text" in text
    assert "topics" in [h[1:] for h in page.links if h.startswith("#")]


def test_report_topics_section_reuses_the_topic_stage_outputs(
    small_tagged: Corpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from policytext import topics

    stage = topics.default_topics_dir(small_tagged)
    stage.mkdir(parents=True)
    records = [{"id": "t0", "terms": [["school", 0.5], ["teacher", 0.25]], "coherence": 0.12345}]
    (stage / "topics.json").write_text(json.dumps(records), encoding="utf-8")
    (stage / "prevalence.csv").write_text("year,t0\n1998,1.0\n2010,1.0\n", encoding="utf-8")
    for name in ("prevalence_heatmap.svg", "prevalence_area.svg"):
        (stage / name).write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", encoding="utf-8")
    settings = {
        "method": "nmf",
        "k": 1,
        "by": "year",
        "documents": 6,
        "unit_description": "passages of 150 tokens",
        "coherence": "NPMI",
        "prevalence": "token-weighted",
        "notes": ["unit"],
        "files": ["topics.json", "prevalence.csv", "prevalence_heatmap.svg", "prevalence_area.svg"],
        **topics.topics_fingerprint(small_tagged),
    }
    (stage / "settings.json").write_text(json.dumps(settings), encoding="utf-8")

    @functools.wraps(topics.analyse_topics)  # same signature: the fingerprint reads it
    def no_refit(*args: object, **kwargs: object) -> None:
        raise AssertionError("the report refitted topics it could reuse")

    monkeypatch.setattr(topics, "analyse_topics", no_refit)
    index = write_report(small_tagged, tmp_path / "r", bootstrap=0)
    page = parse_page(index)
    text = " ".join(" ".join(page.text).split())
    assert "t0 0.123 school, teacher" in text and "Reused from the topics stage" in text
    assert (index.parent / "topics" / "topics.json").is_file()
    figure = read_payload(index)["figures"]["topics"]
    assert figure["data"][0]["x"] == [1998, 2010] and figure["data"][0]["name"] == "t0: school, teacher"


def test_report_filters_select_documents(small_tagged: Corpus, tmp_path: Path) -> None:
    from policytext.store.filters import DocumentFilter

    index = write_report(
        small_tagged,
        tmp_path / "r",
        bootstrap=0,
        topics=False,
        documents=DocumentFilter(speaker="Tony Blair"),
    )
    manifest = json.loads((index.parent / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["filter"] == {"speaker": ["Tony Blair"]}
    by_speaker = pd.read_csv(index.parent / "tables" / "by_speaker.csv", comment="#")
    assert list(by_speaker["speaker"]) == ["Tony Blair"]
    evidence = read_payload(index)["evidence"]
    speaker = evidence["doc_fields"].index("speaker")
    assert {d[speaker] for d in evidence["docs"]} == {"Tony Blair"}
    assert manifest["documents"] == int(by_speaker["documents"].sum())


def test_report_cli_writes_the_folder(small_tagged: Corpus, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from policytext.cli import main

    db = Path(small_tagged.path)
    small_tagged.close()
    result = CliRunner().invoke(
        main,
        [
            "report",
            "--db",
            str(db),
            "--out",
            str(tmp_path / "r"),
            "--bootstrap",
            "0",
            "--no-topics",
            "--party",
            "Labour",
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(tmp_path / "r" / "index.html")
    html = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    assert (
        'id="topics"' not in html
        and "Tony Blair" in html
        and "David Cameron" not in html.split('id="corpus"')[0]
    )


# -- compact tables ---------------------------------------------------------------------------


def test_report_markdown_and_latex_are_compact_by_default(small_tagged: Corpus) -> None:
    table = frequency_table(small_tagged, by="speaker", bootstrap=50)
    md = format_table(table, fmt="md")
    header = _markdown_cells(md.splitlines()[0])
    assert header == ["speaker", "documents", "tokens", *table.attrs["frames"]]
    blair = next(_markdown_cells(line) for line in md.splitlines() if "Tony Blair" in line)
    assert re.fullmatch(r"\d+\.\d \[\d+\.\d, \d+\.\d\]", blair[3]), blair
    latex = format_table(table, fmt="latex")
    assert "per\\_10k" not in latex and "empowerment" in latex
    full = format_table(table, fmt="md", columns="all")
    assert "empowerment_per_10k_low" in full and "empowerment_sentences" in full
    chosen = format_table(table, fmt="md", columns=["speaker", "empowerment_count"])
    assert _markdown_cells(chosen.splitlines()[0]) == ["speaker", "empowerment_count"]
    assert _markdown_cells(format_table(table, fmt="md", columns="speaker,tokens").splitlines()[0]) == [
        "speaker",
        "tokens",
    ]


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_report_csv_and_json_keep_every_column(small_tagged: Corpus, fmt: str) -> None:
    table = frequency_table(small_tagged, by="speaker", bootstrap=0)
    text = format_table(table, fmt=fmt)
    if fmt == "csv":
        assert list(pd.read_csv(io.StringIO(text)).columns) == list(table.columns)
    else:
        assert list(json.loads(text)[0]) == list(table.columns)


def test_report_unknown_column_is_an_error(small_tagged: Corpus) -> None:
    table = frequency_table(small_tagged, by="speaker", bootstrap=0)
    with pytest.raises(InputError, match="columns: no column 'nope'"):
        format_table(table, fmt="md", columns=["speaker", "nope"])


def test_report_compact_view_leaves_other_tables_alone() -> None:
    frame = pd.DataFrame({"term": ["a"], "count": [3]})
    assert format_table(frame, fmt="md") == format_table(frame, fmt="md", columns="all")
    # Term rates of the tables stage (<slug>_count, <slug>_per_10k) are compacted like frames.
    terms = pd.DataFrame(
        {
            "year": [2010],
            "documents": [3],
            "tokens": [900],
            "big_society_count": [2],
            "big_society_per_10k": [22.22],
        }
    )
    assert _markdown_cells(format_table(terms, fmt="md").splitlines()[2]) == ["2010", "3", "900", "22.2"]


def test_report_without_static_charts(small_tagged: Corpus, tmp_path: Path) -> None:
    index = write_report(small_tagged, tmp_path / "r", bootstrap=0, topics=False, static_charts=False)
    page = parse_page(index)
    assert page.images == [] and not (index.parent / "charts").exists()
    assert "headline" in read_payload(index)["figures"]  # the interactive charts stay


def test_report_years_stay_whole_numbers_when_every_document_is_dated(corpus: Corpus, tmp_path: Path) -> None:
    # A by-year table without an undated group has only numeric columns: a row read as
    # floats must not turn 1998 into "1998.0" (label) or 1998.0 (evidence key).
    store_tagged(
        corpus,
        [
            {"id": "a", "date": "1998", "sentences": [EMP], "tags": [(0, "empowerment", "empower")]},
            {"id": "b", "date": "2001", "sentences": [FILL]},
        ],
    )
    index = write_report(corpus, tmp_path / "r", bootstrap=0, topics=False, static_charts=False)
    html = index.read_text(encoding="utf-8")
    assert "1998.0" not in html and "data-key='[1998]'" in html
    headline = read_payload(index)["figures"]["headline"]
    assert headline["data"][0]["x"] == [1998, 2001]
    assert headline["data"][0]["customdata"][0][4] == [1998]


def test_report_topics_section_survives_a_model_that_raises_value_error(
    small_tagged: Corpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # scikit-learn's own errors are ValueErrors (e.g. init='nndsvda' with fewer units than k):
    # the report is still written and names the reason.
    from policytext import topics

    @functools.wraps(topics.analyse_topics)
    def failing(*args: object, **kwargs: object) -> None:
        raise ValueError("init = 'nndsvda' can only be used when n_components <= min(n_samples, n_features)")

    # The topic stage's own fit-or-reuse (topics.outputs) is what the report calls.
    monkeypatch.setattr(topics.outputs, "analyse_topics", failing)
    index = write_report(small_tagged, tmp_path / "r", bootstrap=0, static_charts=False)
    text = " ".join(" ".join(parse_page(index).text).split())
    assert "No topic model in this report: init = 'nndsvda' can only be used" in text
    assert "Frame frequencies" in text
