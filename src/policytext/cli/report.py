"""Commands that write the report and run the main job: report, run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from policytext.cli._base import (
    _command_line,
    _pop_filters,
    _require_db,
    db_option,
    filter_options,
    main,
    quiet_option,
    reports_errors,
    seed_option,
    show_progress,
)
from policytext.cli._codebook_option import codebook_option


@main.command("report")
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Report folder (default: report/ beside the database, e.g. corpus/report).",
)
@click.option(
    "--bootstrap",
    type=click.IntRange(min=0),
    default=1000,
    show_default=True,
    help="Bootstrap resamples for the intervals (0: none).",
)
@seed_option("Seed of the bootstrap (0 or more).")
@click.option(
    "--topics/--no-topics",
    default=True,
    show_default=True,
    help="Include the topics section (reuses the fit of 'policytext run' when it matches).",
)
@click.option(
    "--static-charts/--no-static-charts",
    default=True,
    show_default=True,
    help="Also write PNG and SVG charts for papers in charts/ (most of the report's time).",
)
@codebook_option
@filter_options
@db_option
@reports_errors
def report_command(
    out: Path | None,
    bootstrap: int,
    seed: int,
    topics: bool,
    static_charts: bool,
    db: Path,
    **kwargs: Any,
) -> None:
    """Write the interactive report: summary, tables, charts, codebook, validation, topics.

    One folder with index.html and its assets; it opens from file:// with no
    network. Every count and rate opens the sentences behind it; charts show
    values on hover, toggle series from the legend and zoom. CSV tables and
    PNG/SVG charts for papers sit beside it. Prints the path of index.html.

    \b
    Example:
        policytext report --out corpus/report --since 1997
    """
    from policytext.report import write_report
    from policytext.store.corpus import Corpus

    documents = _pop_filters(kwargs)
    codebook = kwargs.pop("codebook")
    _require_db(db)
    with Corpus.open(db) as corpus:
        corpus.check_filter(documents)
        path = write_report(
            corpus,
            out or db.parent / "report",
            command=_command_line(),
            bootstrap=bootstrap,
            random_state=seed,
            topics=topics,
            static_charts=static_charts,
            codebook=codebook,
            documents=documents,
        )
    click.echo(str(path))


@main.command("run")
@click.option("--offline", is_flag=True, help="Do not fetch anything; use what is stored.")
@db_option
@quiet_option
@reports_errors
def run_command(offline: bool, db: Path, quiet: bool) -> None:
    """The main job: scrape the catalogue, tag, tables, report.

    Runs every stage that this version has, in order, on the corpus at --db.

    \b
    Example:
        policytext run --offline
    """
    from policytext.run import run_pipeline

    run_pipeline(db, offline=offline, progress=show_progress(quiet), echo=lambda m: click.echo(m, err=True))
