"""Commands of validation: evaluate, sample, train, codebook suggest."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from policytext.cli._base import (
    _open_corpus,
    _pop_filters,
    _require_db,
    db_option,
    filter_options,
    format_option,
    main,
    out_option,
    reports_errors,
    seed_option,
    write_output,
)
from policytext.cli._codebook_option import codebook_option
from policytext.cli.tagging import codebook_group
from policytext.errors import PolicytextError


@main.command("evaluate")
@click.option(
    "--gold",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Gold file (JSON Lines) or a filled coding sheet from `policytext sample` (.csv or .jsonl).",
)
@click.option(
    "--codebook", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Codebook to score."
)
@click.option(
    "--against",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="A second coder's gold file: print Cohen's kappa per frame instead of scores.",
)
@click.option(
    "--errors", is_flag=True, help="Also list false positives (with the patterns) and false negatives."
)
@click.option("--no-negated", "no_negated", is_flag=True, help="Do not count matches in negated clauses.")
@format_option("json", "md", default="json")
@out_option
@db_option
@reports_errors
def evaluate_command(
    gold: Path,
    codebook: Path | None,
    against: Path | None,
    errors: bool,
    no_negated: bool,
    fmt: str,
    out: Path | None,
    db: Path,
) -> None:
    """Score a codebook on a gold file: precision, recall, F1 per frame, micro and macro.

    With --against, compares two coders' gold files instead (Cohen's kappa per
    frame). Given a filled coding sheet (from `policytext sample`), it also
    estimates corpus-level precision and recall of the sheet's frame with 95%
    intervals from the recorded sampling design ("corpus_estimates"). When the
    --db file exists, the scores are recorded there so tables and the report can
    say which validation backs the codebook.

    \b
    Example:
        policytext evaluate --gold dev.jsonl --format md --errors
        policytext evaluate --gold coder1.jsonl --against coder2.jsonl
        policytext evaluate --gold sheets/devolution.csv
    """
    from policytext import evaluate, validation

    if against is not None:
        result = evaluate.agreement(gold, against)
        write_output(evaluate.format_agreement(result, fmt=fmt), out)
        return
    if validation.is_sheet(gold):
        _evaluate_sheet(gold, codebook, fmt, out, db)
        return
    evaluation = evaluate.evaluate_codebook(gold, codebook, count_negated=not no_negated)
    if fmt == "json" and errors:
        # One JSON document: the scores plus an "errors" key, so the output still parses.
        text = json.dumps({**evaluation.scores, "errors": evaluate.frame_errors(evaluation)}, indent=2)
    else:
        text = evaluate.format_scores(evaluation.scores, fmt=fmt)
        if errors:
            text = text.rstrip("\n") + "\n\n" + evaluate.format_errors(evaluation)
    write_output(text, out)
    if db.exists():
        with _open_corpus(db) as corpus:
            evaluate.record_evaluation(corpus, evaluation)


def _evaluate_sheet(sheet: Path, codebook_path: Path | None, fmt: str, out: Path | None, db: Path) -> None:
    from policytext import evaluate, validation
    from policytext.codebook import load_codebook
    from policytext.store import evaluations

    rows = validation.read_sheet(sheet)
    codebook = None
    if db.exists():  # the sheet's frame is checked against its codebook before anything is scored
        with _open_corpus(db) as corpus:
            codebook = _sheet_codebook(corpus, rows[0]["codebook_hash"], codebook_path, load_codebook)
    scores = validation.sheet_scores(rows, codebook=codebook)
    frame = rows[0]["frame"]
    if fmt == "json":
        text = json.dumps(scores, indent=2)
    else:
        text = evaluate.format_scores(scores, fmt="md")
        text += "\n" + validation.format_estimate(frame, scores["corpus_estimates"][frame]) + "\n"
    write_output(text, out)
    if codebook is None:
        return
    with _open_corpus(db) as corpus:
        evaluations.record_evaluation(corpus, codebook, str(sheet), scores)


def _tagged_codebook(corpus: Any, codebook: str | None = None) -> Any:
    """The codebook of the tags analyses read (see :func:`policytext.store.tags.current_tagging`)."""
    from policytext.store.tags import current_tagging

    tagging = current_tagging(corpus, codebook)
    if tagging is None:
        raise PolicytextError(f"{corpus.path}: not tagged yet; run 'policytext tag' first")
    return tagging.codebook


def _sheet_codebook(corpus: Any, wanted: str, path: Path | None, load: Any) -> Any:
    """The codebook the sheet was drawn with: --codebook, else the stored one with the sheet's hash
    (a codebook combined with a model included), else the one analyses read."""
    from policytext.store.tags import stored_codebook

    if path is not None:
        return load(path)
    if wanted:
        try:
            return stored_codebook(corpus, wanted)
        except PolicytextError:
            pass
    stored = _tagged_codebook(corpus)
    if wanted and stored.hash != wanted:
        click.echo(
            f"warning: the sheet was drawn with codebook {wanted[:12]}, the corpus is tagged with "
            f"{stored.hash[:12]}; estimates are recorded for {stored.hash[:12]}",
            err=True,
        )
    return stored


@main.command("sample")
@click.option("--frame", required=True, help="The frame to validate.")
@click.option("--n", "n", type=click.IntRange(min=0), required=True, help="Sentences the codebook matched.")
@click.option(
    "--unmatched",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Sentences it did not match.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Sheet path without extension (writes .csv and .jsonl); default: sheet-FRAME in the current folder.",
)
@seed_option("Random seed of the sample.")
@codebook_option
@filter_options
@db_option
@reports_errors
def sample_command(
    frame: str,
    n: int,
    unmatched: int,
    out: Path | None,
    seed: int,
    codebook: str | None,
    db: Path,
    **kwargs: Any,
) -> None:
    """Draw a stratified random sample of tagged sentences into a coding sheet.

    The sheet (CSV and JSON Lines, same rows, shuffled) has an empty `label`
    column for a coder to fill with 1 or 0 under the coding manual; each row
    records its stratum (matched / unmatched), the stratum's size in the corpus
    and the sample size, so `policytext evaluate --gold SHEET` can estimate
    corpus-level precision and recall. With --codebook, the sample is of that
    stored codebook's tags (e.g. policytext-default+frames, tagged with a model).

    \b
    Example:
        policytext sample --frame devolution --n 100 --unmatched 200 --out sheets/devolution
        policytext sample --frame devolution --n 100 --unmatched 300 --codebook policytext-default+frames
    """
    from policytext.validation import draw_sample, write_sheet

    documents = _pop_filters(kwargs)
    _require_db(db)
    with _open_corpus(db) as corpus:
        tagged = _tagged_codebook(corpus, codebook)
        rows = draw_sample(corpus, frame, n, unmatched=unmatched, random_state=seed, codebook=tagged,
                           documents=documents)  # fmt: skip
    csv_path, jsonl_path = write_sheet(rows, out if out is not None else Path(f"sheet-{frame}"))
    matched = sum(1 for r in rows if r.stratum == "matched")
    click.echo(
        f"wrote {csv_path} and {jsonl_path}: {matched} matched, {len(rows) - matched} unmatched sentences",
        err=True,
    )


@main.command("train")
@click.option(
    "--gold",
    "gold",
    multiple=True,
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Gold file (JSON Lines); repeatable, or list more files after it.",
)
@click.argument("more_gold", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", "name", default="frames", show_default=True, help="Model name.")
@click.option(
    "--codebook",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Codebook whose hits are features.",
)
@click.option("--plain", is_flag=True, help="Text features only (no codebook hits).")
@click.option(
    "--threshold", type=click.FloatRange(0.0, 1.0, min_open=True, max_open=True), default=0.5,
    show_default=True, help="Probability from which the model predicts a frame (higher: more precise).",
)  # fmt: skip
@click.option(
    "--cv", "folds", type=click.IntRange(min=0), default=0, show_default=True,
    help="Also print k-fold scores of codebook, model, union and stacked (0: skip).",
)  # fmt: skip
@click.option(
    "--cv-by-file", "by_file", is_flag=True,
    help="Also print leave-one-file-out scores: each gold file is a fold (a new source).",
)  # fmt: skip
@click.option(
    "--classifier", "classifier_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="Instead of a model, write a sentence classifier for a codebook's [classifier] table "
    "(a .npz file) and print that table.",
)  # fmt: skip
@seed_option("Random seed of the classifier and the folds.")
@db_option
@reports_errors
def train_command(
    gold: tuple[Path, ...],
    more_gold: tuple[Path, ...],
    name: str,
    codebook: Path | None,
    plain: bool,
    threshold: float,
    folds: int,
    by_file: bool,
    classifier_path: Path | None,
    seed: int,
    db: Path,
) -> None:
    """Fit a sentence classifier per frame on gold files, a complement to the codebook.

    The model (tf-idf word and character n-grams, plus the codebook's hits unless
    --plain, into logistic regression) is written to models/NAME.model beside the
    --db file, with NAME.json recording its sha256 and the codebook's hash.

    \b
    Example:
        policytext train --gold gold/build/train.jsonl gold/build/dev.jsonl --cv 5
        policytext train --gold round_a.jsonl round_b.jsonl round_c.jsonl --cv-by-file
        policytext train --gold coded.jsonl --classifier mine.npz --threshold 0.8

    With --classifier, the file is the kind a codebook carries in its [classifier]
    table (see docs/codebook.md): put it beside your codebook and paste the table
    printed here into the codebook; `tag` then uses it without --model.
    """
    from policytext.evaluate import format_scores
    from policytext.training import check_folds, cross_validate, models_folder, save_model, train_model

    gold = (*gold, *more_gold)
    if folds == 1:
        raise click.BadParameter("k-fold cross-validation needs k >= 2 (0: none)", param_hint="--cv")
    if classifier_path is not None:
        from policytext._io import check_output_path
        from policytext.training import train_classifier_file

        check_output_path(classifier_path, protect=[db])  # before the training, not after
        if classifier_path.suffix != ".npz":
            raise PolicytextError(
                f"{classifier_path}: a classifier file is a .npz file; give a name ending in .npz"
            )

        digest, count = train_classifier_file(list(gold), classifier_path, codebook, threshold=threshold)
        click.echo(f"wrote {classifier_path} (trained on {count} sentences)", err=True)
        table = f'file = "{classifier_path.name}"\nsha256 = "{digest}"\nthreshold = {threshold}'
        click.echo(f"[classifier]\n{table}")
        return
    if by_file and len(gold) < 2:
        raise PolicytextError("train --cv-by-file: give at least two --gold files (each is a fold)")
    if folds:
        check_folds(list(gold), folds)  # before a model is written
    model = train_model(list(gold), codebook, stacked=not plain, random_state=seed, threshold=threshold)
    path = save_model(model, name, models_folder(db))
    click.echo(f"wrote {path} ({len(model.classifiers)} frames)", err=True)
    if folds or by_file:
        results = cross_validate(
            list(gold), codebook, folds=folds, random_state=seed, by_file=by_file, threshold=threshold
        )
        for mode, scores in results.items():
            click.echo(f"## {mode}\n\n{format_scores(scores, fmt='md')}")


@codebook_group.command("suggest")
@click.argument("frame")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="Terms to propose.")
@click.option(
    "--min-count", type=click.IntRange(min=1), default=3, show_default=True, help="Fewest hits in matches."
)
@format_option("md", "json", default="md")
@out_option
@codebook_option
@filter_options
@db_option
@reports_errors
def codebook_suggest_command(
    frame: str,
    limit: int,
    min_count: int,
    fmt: str,
    out: Path | None,
    codebook: str | None,
    db: Path,
    **kwargs: Any,
) -> None:
    """Propose candidate terms for FRAME from the tagged corpus.

    Words and bigrams over-represented around the frame's matches (in the sentences
    it matches, leaving out the matched words, which the codebook has already)
    against the rest of the corpus (Dunning's G2, log ratio), each with its counts
    and up to three concordance lines from sentences the codebook does not yet
    match, for you to accept or reject. With --codebook, the suggestions come from
    that stored codebook's tags.

    \b
    Example:
        policytext codebook suggest devolution --limit 30
    """
    from policytext.validation import format_suggestions, suggest_terms

    documents = _pop_filters(kwargs)
    _require_db(db)
    with _open_corpus(db) as corpus:
        tagged = _tagged_codebook(corpus, codebook)
        suggestions = suggest_terms(
            corpus, frame, limit=limit, min_count=min_count, codebook=tagged, documents=documents
        )
    write_output(format_suggestions(frame, suggestions, fmt=fmt), out)
