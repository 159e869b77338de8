"""Corpus-level estimates printed beside the rates: table, keyness, kwic manifests and the report."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from policytext.cli import main
from policytext.report import run_manifest, write_report
from policytext.store.corpus import Corpus, Document
from policytext.tagging import tag_corpus
from policytext.validation import NOT_VALIDATED, estimate_lines, format_estimate

CODEBOOK = """\
[codebook]
name = "tiny"
version = "1"
[[frames]]
id = "devolution"
[[frames]]
id = "empowerment"
[[patterns]]
id = "dev-localism"
frame = "devolution"
phrase = "localism"
[[patterns]]
id = "emp-empower"
frame = "empowerment"
phrase = "empower"
"""

# Sentences written for these tests.
LOCAL = "Localism means neighbourhood councils decide."
MISS = "Neighbourhood councils should decide more."
FILL = "The weather was mild all week."
EMPOWER = "We empower parents."


@pytest.fixture
def tagged(corpus: Corpus, tmp_path: Path) -> tuple[Corpus, Path]:
    book = tmp_path / "cb.toml"
    book.write_text(CODEBOOK, encoding="utf-8")
    for i in range(6):
        sentences = [LOCAL, FILL, MISS if i % 2 else FILL, EMPOWER if i < 2 else FILL]
        corpus.add(
            Document(
                id=f"d{i}",
                text=" ".join(sentences),
                source="test",
                speaker="A Speaker" if i < 3 else "B Speaker",
                date=f"200{i}-05-01",
            )
        )
    tag_corpus(corpus, book)
    return corpus, book


def _sample_and_code(runner: CliRunner, db_path: Path, out: Path) -> tuple[Path, int, dict[str, Any]]:
    """`policytext sample`, then the test codes the sheet as a coder would, then `evaluate`."""
    args = ["sample", "--frame", "devolution", "--n", "3", "--unmatched", "6", "--seed", "2"]
    result = runner.invoke(main, [*args, "--out", str(out), "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    sheet = out.with_suffix(".csv")
    with sheet.open(encoding="utf-8", newline="") as handle:
        records = list(csv.DictReader(handle))
    for record in records:  # every "neighbourhood councils" sentence carries devolution
        record["label"] = "1" if record["text"] in (LOCAL, MISS) else "0"
    with sheet.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(records[0]))
        writer.writeheader()
        writer.writerows(records)
    result = runner.invoke(main, ["evaluate", "--gold", str(sheet), "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    return sheet, len(records), json.loads(result.stdout)["corpus_estimates"]["devolution"]


def test_format_estimate_reads_like_the_issue() -> None:
    estimate = {"precision": [0.86, 0.78, 0.92], "recall": [0.58, 0.44, 0.71], "coded": 120,
                "drawn_at": "2026-11-30", "created_at": "2026-12-01T10:00:00+00:00"}  # fmt: skip
    assert format_estimate("devolution", estimate) == (
        "devolution: precision 0.86 [0.78, 0.92], recall 0.58 [0.44, 0.71] "
        "(corpus estimate from 120 coded sentences, sample of 2026-11-30)"
    )
    # A sheet from before the drawn_at column: the coded count comes from the design.
    old = {"precision": [0.5, 0.2, 0.8], "recall": None, "created_at": "2026-12-01T10:00:00+00:00",
           "design": {"matched": {"sample": 10}, "unmatched": {"sample": 30}}}  # fmt: skip
    assert format_estimate("devolution", old).endswith(
        "recall n/a (corpus estimate from 40 coded sentences, evaluated 2026-12-01)"
    )


def test_estimate_lines_name_every_frame_or_say_not_validated() -> None:
    assert estimate_lines({}, ["devolution", "empowerment"]) == [NOT_VALIDATED]
    assert "policytext sample" in NOT_VALIDATED and "evaluate --gold" in NOT_VALIDATED
    lines = estimate_lines(
        {"devolution": {"precision": [1.0, 0.5, 1.0], "coded": 9}}, ["devolution", "empowerment"]
    )
    assert lines[0].startswith("devolution: precision 1.00 [0.50, 1.00], recall n/a (corpus estimate from 9")
    assert lines[1] == "empowerment: not validated on this corpus (no coding sheet evaluated for it)"


def test_table_manifest_says_not_validated_then_shows_the_estimate(
    runner: CliRunner, tagged: tuple[Corpus, Path], db_path: Path, tmp_path: Path
) -> None:
    before = runner.invoke(main, ["table", "--by", "speaker", "--format", "csv", "--db", str(db_path)])
    assert before.exit_code == 0, before.output
    assert f"# corpus_estimate: {NOT_VALIDATED}\n" in before.stdout
    sheet, coded, estimate = _sample_and_code(runner, db_path, tmp_path / "sheets" / "devolution")
    line = format_estimate("devolution", estimate)
    today = dt.datetime.now(dt.UTC).date().isoformat()
    assert line.startswith("devolution: precision 1.00 [")
    assert line.endswith(f"(corpus estimate from {coded} coded sentences, sample of {today})")
    out = tmp_path / "by_speaker.csv"
    after = runner.invoke(
        main, ["table", "--by", "speaker", "--format", "csv", "--out", str(out), "--db", str(db_path)]
    )
    assert after.exit_code == 0, after.output
    text = out.read_text(encoding="utf-8")
    assert f"# corpus_estimate: {line}\n" in text
    assert "# corpus_estimate: empowerment: not validated on this corpus" in text
    assert NOT_VALIDATED not in text
    assert "# tags: " not in text  # a codebook's own tags: no model in the manifest
    sidecar = json.loads((tmp_path / "by_speaker.csv.manifest.json").read_text(encoding="utf-8"))
    stored = sidecar["corpus_estimates"]["devolution"]
    assert stored["coded"] == coded and stored["sheet"] == str(sheet)
    assert stored["precision"][0] == 1.0
    # The sheet's own scores are not passed off as gold-set validation.
    assert sidecar["validation"] is None
    markdown = runner.invoke(main, ["table", "--by", "speaker", "--format", "md", "--db", str(db_path)])
    assert f"corpus_estimate: {line}" in markdown.stdout
    # ... and, outside the manifest's HTML comment, where a rendered page shows it
    comment_end = markdown.stdout.index("-->")
    assert markdown.stdout.index(f"- {line}") > comment_end
    assert "Validation on this corpus:" in markdown.stdout[comment_end:]


def test_keyness_and_kwic_manifests_carry_the_estimate(
    runner: CliRunner, tagged: tuple[Corpus, Path], db_path: Path, tmp_path: Path
) -> None:
    _sample_and_code(runner, db_path, tmp_path / "sheet")
    keyness = runner.invoke(
        main,
        ["keyness", "--by", "speaker", "--target", "A Speaker", "--min-freq", "0", "--format", "csv",
         "--db", str(db_path)],
    )  # fmt: skip
    assert keyness.exit_code == 0, keyness.output
    assert "# corpus_estimate: devolution: precision 1.00 [" in keyness.stdout
    kwic = runner.invoke(main, ["kwic", "--frame", "devolution", "--format", "json", "--db", str(db_path)])
    assert kwic.exit_code == 0, kwic.output
    manifest_line = next(x for x in kwic.stderr.splitlines() if x.startswith("manifest: "))
    manifest = json.loads(manifest_line.removeprefix("manifest: "))
    assert manifest["corpus_estimates"]["devolution"]["precision"][0] == 1.0
    assert manifest["frames"] == ["devolution", "empowerment"]
    out = tmp_path / "lines.txt"
    text_kwic = runner.invoke(
        main, ["kwic", "--frame", "devolution", "--out", str(out), "--db", str(db_path)]
    )
    assert text_kwic.exit_code == 0, text_kwic.output
    sidecar = json.loads((tmp_path / "lines.txt.manifest.json").read_text(encoding="utf-8"))
    assert set(sidecar["corpus_estimates"]) == {"devolution"}


def test_manifest_of_an_untagged_corpus_has_no_estimate_lines(corpus: Corpus) -> None:
    manifest = run_manifest(corpus, command="test")
    assert manifest.corpus_estimates is None
    assert not any(line.startswith("corpus_estimate") for line in manifest.comment_lines())


def test_report_shows_estimates_or_says_not_validated(
    runner: CliRunner, tagged: tuple[Corpus, Path], db_path: Path, tmp_path: Path
) -> None:
    corpus, _ = tagged
    index = write_report(corpus, tmp_path / "before", bootstrap=0, topics=False)
    html = index.read_text(encoding="utf-8")
    assert 'id="corpus-estimates"' in html
    assert "The rates are not validated on this corpus" in html
    assert "<code>policytext sample --frame FRAME" in html
    assert "These rates are not validated on this corpus" in html
    _, coded, estimate = _sample_and_code(runner, db_path, tmp_path / "sheet")
    index = write_report(corpus, tmp_path / "after", bootstrap=0, topics=False)
    html = index.read_text(encoding="utf-8")
    precision = "{:.2f} [{:.2f}, {:.2f}]".format(*estimate["precision"])
    assert f"precision {precision}" in html
    assert f"corpus estimate from {coded} coded sentences" in html
    assert 'id="estimates-table"' in html
    assert "empowerment</b>: not validated on this corpus" in html
    assert "The rates are not validated on this corpus" not in html
    assert f"devolution precision {precision}" in html  # beside the frame tables too
    manifest = json.loads((tmp_path / "after" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["corpus_estimates"]["devolution"]["precision"] == estimate["precision"]
    tables = sorted((tmp_path / "after" / "tables").glob("*.csv"))
    assert tables
    assert all("# corpus_estimate: devolution: precision" in t.read_text(encoding="utf-8") for t in tables)


@pytest.mark.browser
def test_browser_report_shows_the_corpus_estimate(
    runner: CliRunner, tagged: tuple[Corpus, Path], db_path: Path, tmp_path: Path
) -> None:
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
    chromium = Path(os.environ.get("POLICYTEXT_CHROMIUM", "/usr/bin/chromium"))
    if not chromium.is_file():
        pytest.skip(f"no Chromium at {chromium}: apt-get install chromium (or set POLICYTEXT_CHROMIUM)")
    corpus, _ = tagged
    _sample_and_code(runner, db_path, tmp_path / "sheet")
    index = write_report(corpus, tmp_path / "report", bootstrap=0, topics=False)
    with sync_api.sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(
                executable_path=str(chromium), args=["--headless", "--no-sandbox", "--disable-gpu"]
            )
        except Exception as exc:  # a browser that cannot start here is a skip, not a failure
            pytest.skip(f"Chromium at {chromium} did not start: {str(exc).splitlines()[0]}")
        page = browser.new_page()
        page.goto(index.as_uri())
        page.wait_for_selector("body[data-ready=true]", timeout=30_000)
        card = page.locator("#corpus-estimates")
        assert card.is_visible()
        assert "devolution: precision 1.00 [" in card.inner_text()
        assert "empowerment: not validated on this corpus" in card.inner_text()
        rows = page.locator("#estimates-table tbody tr")
        assert rows.count() == 2
        browser.close()
