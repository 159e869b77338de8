"""The main job, stage by stage: scrape the catalogue, tag, tables, report.

Each stage reads what the one before stored, so any of them can also be run
alone from the command line.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from pathlib import Path

from policytext.collect.fetch import FetchSettings
from policytext.store.corpus import Corpus

__all__ = ["run_pipeline"]

logger = logging.getLogger(__name__)

DEFAULT_CATALOGUE = Path("corpus/catalogue.toml")


def _scrape_stage(
    corpus: Corpus,
    db: str | Path,
    *,
    offline: bool,
    progress: bool,
    echo: Callable[[str], None],
    catalogue: str | Path,
    base_urls: Mapping[str, str] | None,
    fetch_settings: FetchSettings | None,
) -> None:
    """Scrape the catalogue unless offline; one line when the network is unreachable."""
    from policytext.collect.scrape import default_archive_path, scrape

    if offline:
        echo("offline: not fetching; using the documents stored")
        return
    if not Path(catalogue).is_file():
        echo(f"no catalogue at {catalogue}: nothing to fetch")
        return
    summary = scrape(
        corpus,
        catalogue=catalogue,
        base_urls=base_urls,
        archive=default_archive_path(db),
        settings=fetch_settings,
        progress=progress,
    )
    if summary.unreachable:
        echo(
            f"network unreachable: {summary.unreachable_message()}; carrying on with the "
            f"{corpus.count()} documents stored"
        )
    first = summary.report().splitlines()[0]
    echo(f"scrape {catalogue}: {first}")


def run_pipeline(
    db: str | Path,
    *,
    offline: bool = False,
    progress: bool = False,
    echo: Callable[[str], None] = print,
    report_dir: str | Path | None = None,
    catalogue: str | Path | None = None,
    base_urls: Mapping[str, str] | None = None,
    fetch_settings: FetchSettings | None = None,
) -> Path | None:
    """Run every stage on the corpus at ``db`` and say what happened at each.

    Parameters
    ----------
    db:
        The corpus database (created when missing).
    offline:
        Skip fetching; work with what is stored.
    progress:
        Progress bars on stderr.
    echo:
        Where one-line stage messages go.
    catalogue:
        The catalogue scraped first (default ``corpus/catalogue.toml``; the
        scrape is skipped when the file is absent).
    base_urls:
        Source name -> origin overrides for the scrape (``--base-url``).
    fetch_settings:
        Politeness settings for the scrape.
    report_dir:
        Where the final stage writes the HTML report (default: ``report/``
        beside the database, i.e. ``corpus/report``).

    Returns
    -------
    Path or None
        The report's ``index.html``, or ``None`` when there was nothing to report.
    """
    with Corpus.open(db) as corpus:
        _scrape_stage(
            corpus,
            db,
            offline=offline,
            progress=progress,
            echo=echo,
            catalogue=DEFAULT_CATALOGUE if catalogue is None else catalogue,
            base_urls=base_urls,
            fetch_settings=fetch_settings,
        )
        documents = corpus.count()
        echo(f"corpus {db}: {documents} documents")
        if documents == 0:
            echo(
                "nothing to analyse yet: import documents with 'policytext import PATH' "
                "(see README), then run again"
            )
            return None
        from policytext.tagging import tag_corpus

        summary = tag_corpus(corpus, progress=progress)
        echo(f"tag: {summary}")
        _topics_stage(corpus, echo)
        # Final stage: the report, from whatever the earlier stages stored.
        from policytext.report import write_report

        out_dir = Path(report_dir) if report_dir else Path(db).parent / "report"
        report = write_report(corpus, out_dir, command="policytext run")
        echo(f"report: {report}")
        return report


def _topics_stage(corpus: Corpus, echo: Callable[[str], None]) -> None:
    """Fit the default topic model once; the report reuses its outputs (same fingerprint)."""
    from policytext.topics import default_topics_dir, run_topics_stage

    echo(run_topics_stage(corpus, default_topics_dir(corpus)))
