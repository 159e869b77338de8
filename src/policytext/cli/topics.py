"""The topics command."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from policytext.cli._base import (
    _pop_filters,
    _require_db,
    db_option,
    filter_options,
    format_option,
    main,
    reports_errors,
    seed_option,
    write_output,
)
from policytext.store.filters import GROUP_FIELDS


class _StopShare(click.ParamType):  # type: ignore[type-arg]
    """A share of documents above 0 and at most 1, or ``none`` (no corpus stop terms)."""

    name = "share"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float | None:
        if value is None or isinstance(value, float):
            return value
        if str(value).strip().lower() == "none":
            return None
        try:
            share = float(value)
        except ValueError:
            share = -1.0
        if not 0.0 < share <= 1.0:
            self.fail(f"{value!r}: give a share above 0 and at most 1 (0.5: half the documents) or 'none'")
        return share


@main.command("topics")
@click.option("--k", "k", type=click.IntRange(min=1), default=10, show_default=True, help="Number of topics.")
@click.option(
    "--method",
    type=click.Choice(["nmf", "lda"]),
    default="nmf",
    show_default=True,
    help="NMF on TF-IDF or LDA on counts.",
)
@click.option(
    "--by",
    "by",
    type=click.Choice(list(GROUP_FIELDS)),
    default="year",
    show_default=True,
    help="Group (or period) for prevalence and dynamic windows.",
)
@click.option("--dynamic", is_flag=True, help="Also fit dynamic topics, one window per --by value.")
@click.option(
    "--effects",
    default=None,
    metavar="FORMULA",
    help="Regress each topic's prevalence on document covariates: 'party + s(year)' or 'party,year'; "
    "'party * period(2009-2013)' for those years against the rest, per party "
    "(estimates with bootstrap intervals; effects.* tables and charts with --out).",
)
@click.option(
    "--seeded", is_flag=True, help="Seed topics on the codebook frames (topics keep the frame ids)."
)
@click.option(
    "--unit",
    type=click.Choice(["passage", "document"]),
    default="passage",
    show_default=True,
    help="Model paragraph-window passages or whole documents.",
)
@click.option(
    "--passage-size",
    type=click.IntRange(min=1),
    default=150,
    show_default=True,
    help="Terms per passage (about).",
)
@click.option(
    "--stop-share",
    type=_StopShare(),
    default="0.5",
    show_default=True,
    metavar="SHARE|none",
    help="Leave out as corpus stop terms the terms in at least this share of the documents "
    "(corpora of 20 or more); 'none' keeps every term.",
)
@click.option("--online", is_flag=True, help="MiniBatchNMF / online LDA, for large corpora.")
@seed_option("Random seed (0 or more).")
@click.option(
    "--bootstrap",
    "bootstrap",
    type=click.IntRange(min=0),
    default=200,
    show_default=True,
    help="Bootstrap resamples.",
)
@click.option(
    "--smooth",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Opt-in moving average of prevalence over N periods (1: none; labelled in every output).",
)
@click.option(
    "--choose-k",
    "choose_k",
    default=None,
    metavar="KS",
    help="Instead of fitting one model, report coherence and stability for each k in KS "
    "('5,10,20' or '5:30:5').",
)
@format_option("json", "md", "csv", default="md")
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for topics.json, prevalence.csv, tables and charts.",
)
@filter_options
@db_option
@reports_errors
def topics_command(
    k: int,
    method: str,
    by: str,
    dynamic: bool,
    effects: str | None,
    seeded: bool,
    unit: str,
    passage_size: int,
    stop_share: float | None,
    online: bool,
    seed: int,
    bootstrap: int,
    smooth: int,
    choose_k: str | None,
    fmt: str,
    out: Path | None,
    db: Path,
    **filters: Any,
) -> None:
    """Fit topic models and show topic prevalence over time or by group.

    Prints the topics (top terms, NPMI coherence) and, as Markdown, the
    prevalence table. With --out DIR also writes topics.json, prevalence.csv
    (rows sum to 1), intervals, drift and charts (heatmap, stacked area,
    and a term-rank bump chart per dynamic topic with --dynamic).

    \b
    Example:
        policytext topics --choose-k 5:30:5
        policytext topics --k 12 --by government --dynamic --out results/topics
        policytext topics --since 1997 --party Labour --party Conservative --effects "party + s(year)"
    """
    from policytext._io import check_output_folder
    from policytext.report import format_table
    from policytext.store.corpus import Corpus
    from policytext.topics import analyse_topics, choose_k_table, format_topics, write_topic_outputs

    _require_db(db)
    documents = _pop_filters(filters)
    if out is not None:
        check_output_folder(out)  # before the fit, not after its results are printed
    if choose_k is not None:
        with Corpus.open(db) as corpus:
            table = choose_k_table(
                corpus,
                choose_k,
                method=method,
                unit=unit,
                passage_size=passage_size,
                stop_share=stop_share,
                random_state=seed,
                documents=documents,
            )
        write_output(format_table(table, fmt=fmt), None)
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
            table.to_csv(out / "choose_k.csv", index=False)
            click.echo(f"wrote {out / 'choose_k.csv'}", err=True)
        return
    with Corpus.open(db) as corpus:
        analysis = analyse_topics(
            corpus,
            k=k,
            method=method,
            by=by,
            dynamic=dynamic,
            effects=effects,
            seeded=seeded,
            unit=unit,
            passage_size=passage_size,
            stop_share=stop_share,
            online=online,
            random_state=seed,
            bootstrap=bootstrap,
            smooth=smooth,
            documents=documents,
        )
    click.echo(format_topics(analysis, fmt=fmt), nl=False)
    if out is not None:
        written = write_topic_outputs(analysis, out)
        click.echo(f"wrote {len(written)} files to {out}", err=True)
