"""Commands that count and read: table, kwic, keyness."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from policytext.cli._base import (
    _command_line,
    _emit_table,
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


@main.command("table")
@click.option(
    "--by",
    default=None,
    help="Group by these fields, comma-separated: speaker, party, "
    "government, year, decade, doc_type, source, venue.",
)
@click.option(
    "--frames",
    default=None,
    help="Only these frames, comma-separated (default: all; with --terms, none unless named).",
)
@click.option(
    "--terms",
    default=None,
    help="Count these words or phrases, comma-separated, matched as 'kwic TERM' matches "
    "(a final '*' for any ending); columns named by the term lower-cased, each run of other "
    "characters as one '_', none at either end ('localis*': localis_count).",
)
@codebook_option
@filter_options
@click.option(
    "--bootstrap",
    type=click.IntRange(min=0),
    default=1000,
    show_default=True,
    help="Bootstrap resamples for the 95% intervals (0: none).",
)
@seed_option("Seed of the bootstrap (0 or more).")
@click.option("--include-negated", is_flag=True, help="Count matches the tagger flagged as negated.")
@click.option(
    "--columns",
    default="compact",
    show_default=True,
    help="Markdown and LaTeX columns: 'compact' (documents, tokens, one 'rate [low, high]' cell per "
    "frame or term), 'all', or a comma-separated list. CSV and JSON always keep every column.",
)
@format_option("csv", "md", "latex", "json", default="md")
@out_option
@db_option
@reports_errors
def table_command(
    by: str | None,
    frames: str | None,
    terms: str | None,
    bootstrap: int,
    seed: int,
    include_negated: bool,
    columns: str,
    fmt: str,
    out: Path | None,
    db: Path,
    **kwargs: Any,
) -> None:
    """Frame and term frequencies per group: mentions, documents, rates per 10,000 tokens.

    For each frame: F_count (mentions), F_sentences (frame-bearing sentences),
    F_documents and F_share (documents using the frame), F_per_10k (mentions per
    10,000 tokens of the group's documents) and its 95% bootstrap interval over
    documents (F_per_10k_low, F_per_10k_high). With --terms, each term gets the
    same columns except F_sentences (big_society_count, ...), counted exactly as
    'kwic TERM' finds lines; terms alone need no tagging. Every output carries the run
    manifest (a comment header; with --out also FILE.manifest.json; for JSON on
    stdout, one 'manifest: {...}' line on stderr).

    \b
    Example:
        policytext table --by speaker,year --frames empowerment,devolution
        policytext table --by party --since 1997 --until 2010 --format latex --out party.tex
        policytext table --terms "big society,localis*" --by year --speaker "David Cameron"
    """
    from policytext.report import RATE_NOTE, run_manifest
    from policytext.store.corpus import Corpus
    from policytext.tables import frequency_table

    documents = _pop_filters(kwargs)
    codebook = kwargs.pop("codebook")
    filters = documents.as_kwargs()
    _require_db(db)
    frame_list = _split_list(frames)
    term_list = _split_list(terms)
    with Corpus.open(db) as corpus:
        table = frequency_table(
            corpus,
            by=by,
            frames=frame_list,
            terms=term_list,
            include_negated=include_negated,
            codebook=codebook,
            bootstrap=bootstrap,
            random_state=seed,
            documents=documents,
        )
        manifest = run_manifest(
            corpus,
            codebook=codebook,
            command=_command_line(),
            parameters={
                "by": by,
                "frames": frame_list,
                "terms": term_list,
                "filters": filters,
                "bootstrap": bootstrap,
                "seed": seed,
                "include_negated": include_negated,
            },
        )
    intervals = (
        f"intervals: 95% bootstrap over documents ({bootstrap} resamples, seed {seed})"
        if bootstrap
        else "no intervals (--bootstrap 0)"
    )
    what = "Frame and term" if frame_list and term_list else "Term" if term_list else "Frame"
    caption = f"{what} frequencies by {by or 'corpus'}; {RATE_NOTE}; {intervals}"
    _emit_table(table, fmt=fmt, out=out, manifest=manifest, caption=caption, columns=columns)


def _split_list(text: str | None) -> list[str] | None:
    return [item.strip() for item in text.split(",") if item.strip()] if text else None


@main.command("kwic")
@click.argument("term", required=False)
@click.option("--frame", default=None, help="Lines for this frame's stored matches.")
@click.option(
    "--window",
    type=click.IntRange(min=0),
    default=10,
    show_default=True,
    help="Words of context each side.",
)
@click.option("--sentence", is_flag=True, help="Whole sentence as context instead of a word window.")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most this many lines.")
@click.option("--include-negated", is_flag=True, help="With --frame, include negated matches.")
@codebook_option
@filter_options
@format_option("txt", "csv", "json", default="txt")
@out_option
@db_option
@reports_errors
def kwic_command(
    term: str | None,
    frame: str | None,
    window: int,
    sentence: bool,
    limit: int | None,
    include_negated: bool,
    fmt: str,
    out: Path | None,
    db: Path,
    **kwargs: Any,
) -> None:
    """Keyword in context: every line a table counts, or every use of a term.

    With --frame F the lines are exactly the matches counted in F_count by
    'policytext table' with the same filters. With TERM, every case-insensitive
    occurrence of the words (a final '*' matches any ending). JSON: a list of
    objects with doc_id, left, match, right and the document's metadata.

    \b
    Example:
        policytext kwic --frame devolution --speaker "David Cameron" --year 2010
        policytext kwic "big society" --sentence --format csv --out big-society.csv
    """
    from policytext.errors import InputError
    from policytext.report import run_manifest
    from policytext.store.corpus import Corpus
    from policytext.tables import concordance

    documents = _pop_filters(kwargs)
    codebook = kwargs.pop("codebook")
    filters = documents.as_kwargs()
    if frame is not None and term is not None:
        raise InputError("kwic: give a TERM or --frame F, not both")
    if frame is None and term is None:
        raise InputError("kwic: give a TERM or --frame F")
    _require_db(db)
    with Corpus.open(db) as corpus:
        lines = concordance(
            corpus,
            term,
            frame=frame,
            window=window,
            sentence=sentence,
            include_negated=include_negated,
            codebook=codebook,
            limit=limit,
            documents=documents,
        )
        manifest = run_manifest(
            corpus,
            codebook=codebook,
            command=_command_line(),
            parameters={
                "term": term,
                "frame": frame,
                "window": window,
                "sentence": sentence,
                "limit": limit,
                "include_negated": include_negated,
                "filters": filters,
            },
        )
    if fmt == "txt":
        _emit_kwic_text(lines, out=out, manifest=manifest)
        return
    _emit_table(lines, fmt=fmt, out=out, manifest=manifest, caption=f"{len(lines)} concordance lines")


def _emit_kwic_text(lines: Any, *, out: Path | None, manifest: Any) -> None:
    text = _kwic_text(lines)
    if out is not None:
        write_output(text, out)
        manifest_path = out.with_name(out.name + ".manifest.json")
        manifest_path.write_text(manifest.to_json(), encoding="utf-8")
    else:
        click.echo(text, nl=False)
        click.echo("manifest: " + json.dumps(manifest.to_dict(), default=str), err=True)
    click.echo(f"{len(lines)} lines", err=True)


def _kwic_text(lines: Any) -> str:
    rows = []
    for line in lines.itertuples(index=False):
        # A document without a speaker or date shows nothing there (never "nan" or "None").
        where = " ".join(str(v) for v in (line.doc_id, line.speaker, line.date) if _is_given(v))
        left = line.left if len(line.left) <= 60 else "..." + line.left[-57:]
        right = line.right if len(line.right) <= 60 else line.right[:57] + "..."
        rows.append(f"{where:<40.40} {left:>60} [{line.match}] {right}")
    return "\n".join(rows) + ("\n" if rows else "")


def _is_given(value: Any) -> bool:
    import pandas as pd

    return value is not None and not (pd.api.types.is_scalar(value) and pd.isna(value)) and value != ""


@main.command("keyness")
@click.option("--by", required=True, help="The field that defines the groups (speaker, party, year, ...).")
@click.option("--target", required=True, help="The target group's value.")
@click.option("--reference", default=None, help="The reference group's value (default: all others).")
@click.option(
    "--unit",
    type=click.Choice(["frame", "word", "lemma", "phrase"]),
    default="frame",
    show_default=True,
    help="What to compare.",
)
@click.option(
    "--min-freq",
    "min_freq",
    type=click.IntRange(min=0),
    default=5,
    show_default=True,
    help="Leave out items seen fewer times in both groups together.",
)
@click.option("--top", type=click.IntRange(min=1), default=None, help="Keep the top N of each direction.")
@click.option(
    "--correction",
    type=click.Choice(["fdr_bh", "holm", "bonferroni", "none"]),
    default="fdr_bh",
    show_default=True,
    help="Multiple-comparison correction of p-values.",
)
@click.option("--include-negated", is_flag=True, help="For frames, count negated matches.")
@click.option(
    "--all-tokens",
    "all_tokens",
    is_flag=True,
    help="For words, lemmas and phrases, keep every token as an item (clitics such as "
    "'ve, numbers, symbols); by default only word-like items.",
)
@click.option(
    "--stopwords/--no-stopwords",
    "stopwords",
    default=None,
    help="Leave spaCy's English stop words (i, you, it, this, ...) out of the items "
    "(default: on for word and lemma units; phrases never start or end with one). "
    "They still count in the denominators.",
)
@click.option(
    "--direction",
    type=click.Choice(["over", "under", "both"]),
    default="both",
    show_default=True,
    help="Items used more in the target (over), less (under), or both.",
)
@codebook_option
@filter_options
@format_option("md", "csv", "latex", "json", default="md")
@out_option
@db_option
@reports_errors
def keyness_command(
    by: str,
    target: str,
    reference: str | None,
    unit: str,
    min_freq: int,
    top: int | None,
    correction: str,
    include_negated: bool,
    all_tokens: bool,
    stopwords: bool | None,
    direction: str,
    fmt: str,
    out: Path | None,
    db: Path,
    **kwargs: Any,
) -> None:
    """What one group says more (or less) than another: G2, log ratio, corrected p.

    Log-likelihood G2 with Williams' correction, Hardie's log ratio (log2 of the
    ratio of relative frequencies) and p-values corrected for the number of
    items tested. Order: items the target uses more (direction 'over') first,
    largest G2 first; then items it uses less ('under'), smallest G2 first, so
    the most under-used item is the last row. --top N keeps the N strongest of
    each direction.

    \b
    Example:
        policytext keyness --by speaker --target "David Cameron" --reference "Gordon Brown"
        policytext keyness --by year --target 2010 --unit phrase --min-freq 10 --top 30
    """
    from policytext.report import run_manifest
    from policytext.store.corpus import Corpus
    from policytext.tables import keyness

    documents = _pop_filters(kwargs)
    codebook = kwargs.pop("codebook")
    filters = documents.as_kwargs()
    _require_db(db)
    with Corpus.open(db) as corpus:
        table = keyness(
            corpus,
            by,
            target,
            reference=reference,
            unit=unit,  # type: ignore[arg-type]
            min_freq=min_freq,
            correction=correction,
            include_negated=include_negated,
            codebook=codebook,
            top=top,
            words_only=not all_tokens,
            stopwords=stopwords,
            direction=direction,  # type: ignore[arg-type]
            documents=documents,
        )
        manifest = run_manifest(
            corpus,
            codebook=codebook,
            command=_command_line(),
            parameters={
                "by": by,
                "target": target,
                "reference": reference,
                "unit": unit,
                "min_freq": min_freq,
                "top": top,
                "correction": correction,
                "include_negated": include_negated,
                "words_only": not all_tokens,
                "stopwords": table.attrs.get("stopwords"),
                "direction": direction,
                "filters": filters,
            },
        )
    caption = (
        f"Keyness of {unit}s, {by} = {target} against {reference or 'all other documents'}: "
        f"G2 (Williams-corrected), log ratio, p adjusted by {correction}"
    )
    _emit_table(table, fmt=fmt, out=out, manifest=manifest, caption=caption)
