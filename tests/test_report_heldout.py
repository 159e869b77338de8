"""The default codebook's held-out gold scores travel with its tags: manifest lines and the report."""

from __future__ import annotations

from pathlib import Path

from policytext.codebook import load_codebook
from policytext.report import write_report
from policytext.report.manifest import DEFAULT_HELDOUT, _default_heldout, heldout_line, run_manifest
from policytext.store.corpus import Corpus, Document
from policytext.tagging import tag_corpus

TEXTS = [
    "We will devolve power to local councils and give communities a real say over their services.",
    "The weather was fine and the trains ran on time all week.",
    "Volunteers and charities are the heart of the big society, and we will back them.",
]


def _default_tagged(path: Path) -> Corpus:
    corpus = Corpus.open(path)
    corpus.add_many(
        Document(text=text, id=f"d{n}", speaker="A Speaker", date=f"201{n}-05-0{n + 1}")
        for n, text in enumerate(TEXTS)
    )
    tag_corpus(corpus)
    return corpus


def test_figures_belong_to_the_shipped_default_codebook() -> None:
    # A new default codebook needs its own held-out figures in DEFAULT_HELDOUT.
    assert DEFAULT_HELDOUT["version"] == load_codebook().version
    for frame in ("micro", "empowerment", "devolution"):
        assert 0 < DEFAULT_HELDOUT[frame]["recall"] < 1 and 0 < DEFAULT_HELDOUT[frame]["precision"] < 1


def test_default_codebook_tags_carry_the_heldout_line(tmp_path: Path) -> None:
    with _default_tagged(tmp_path / "c.db") as corpus:
        manifest = run_manifest(corpus, command="policytext table --by year")
    assert manifest.heldout == DEFAULT_HELDOUT
    lines = manifest.comment_lines()
    heldout = [line for line in lines if line.startswith("heldout_gold: ")]
    assert heldout == [f"heldout_gold: {heldout_line(DEFAULT_HELDOUT)}"]
    assert "recall 0.62" in heldout[0] and "likely undercount" in heldout[0]
    # It comes after the stored validation and before the corpus estimates.
    assert (
        lines.index(heldout[0]) == lines.index(next(x for x in lines if x.startswith("validated_with"))) + 1
    )
    assert manifest.to_dict()["heldout"]["micro"]["recall"] == DEFAULT_HELDOUT["micro"]["recall"]


def test_other_codebooks_and_model_tags_carry_none(small_tagged: Corpus) -> None:
    manifest = run_manifest(small_tagged, command="x")
    assert manifest.heldout is None
    assert not any(line.startswith("heldout_gold") for line in manifest.comment_lines())
    default_hash = load_codebook().hash
    assert _default_heldout(default_hash, None) == DEFAULT_HELDOUT
    assert _default_heldout(default_hash, {"combine": "union", "model": "frames"}) is None
    assert _default_heldout(None, None) is None


def test_heldout_line_says_undercount_only_when_recall_is_below_precision() -> None:
    over = {**DEFAULT_HELDOUT, "micro": {"precision": 0.6, "recall": 0.8}}
    assert "undercount" not in heldout_line(over)
    assert "undercount" in heldout_line(DEFAULT_HELDOUT)


def test_report_says_how_far_default_rates_undercount(tmp_path: Path) -> None:
    with _default_tagged(tmp_path / "c.db") as corpus:
        index = write_report(corpus, tmp_path / "report", bootstrap=0)
    page = index.read_text(encoding="utf-8")
    assert 'id="heldout-gold"' in page
    assert "On held-out gold the default codebook found 62% of the frame sentences at precision 0.73" in page
    assert "so they likely undercount" in page
    assert "<code>policytext sample</code>" in page  # the backticks of the line become code


def test_markdown_table_shows_the_heldout_line_below_the_table(tmp_path: Path) -> None:
    from policytext.report import write_table
    from policytext.tables import frequency_table

    with _default_tagged(tmp_path / "c.db") as corpus:
        table = frequency_table(corpus, by="year", bootstrap=0)
        manifest = run_manifest(corpus, command="policytext table --by year --format md")
    text = write_table(table, tmp_path / "t.md", fmt="md", manifest=manifest).read_text(encoding="utf-8")
    comment, rendered = text.split("-->", 1)
    assert "heldout_gold: default codebook 1.9" in comment
    assert "\nOn held-out gold: default codebook 1.9" in rendered
    assert rendered.index("Validation on this corpus:") < rendered.index("On held-out gold:")
