"""The scrape command."""

from __future__ import annotations

from pathlib import Path

import click

from policytext.cli._base import (
    db_option,
    main,
    quiet_option,
    reports_errors,
    show_progress,
)


@main.command("scrape")
@click.option(
    "--catalogue",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Catalogue of documents to fetch (TOML, [[document]] tables with url).",
)
@click.option("--source", "sources", multiple=True, help="Crawl a whole source by its recipe (repeatable).")
@click.option(
    "--base-url",
    "base_urls",
    multiple=True,
    metavar="SOURCE=URL",
    help="Point a source's recipe at another origin, paths unchanged (repeatable).",
)
@click.option("--since", default=None, metavar="DATE", help="Earliest date (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--until", default=None, metavar="DATE", help="Latest date, inclusive.")
@click.option("--limit", type=int, default=None, help="Stop after storing this many documents.")
@click.option(
    "--archive",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="WARC file for the raw responses [default: archive/scrape-TIME.warc.gz beside --db].",
)
@click.option(
    "--from-archive",
    "from_archive",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Re-extract from this WARC file instead of fetching (no network).",
)
@click.option("--delay", type=float, default=None, help="Seconds between requests to one host [default: 1].")
@click.option(
    "--dry-run",
    "dry_run",
    is_flag=True,
    help="With --catalogue: list each entry's recipe and URL to fetch and check its URL; fetch nothing.",
)
@click.option(
    "--refresh",
    is_flag=True,
    help="Re-fetch stored pages whose server gave no ETag/Last-Modified; a new version is stored "
    "only when the content changed.",
)
@click.option(
    "--member",
    default=None,
    metavar="NAME",
    help="With --source hansard: the member to crawl, by name (looked up in the Parliament "
    "Members API), e.g. 'Ed Miliband'.",
)
@click.option(
    "--check",
    "check",
    is_flag=True,
    help="With --catalogue: print each entry's recipe, the URL that will be fetched (archive "
    "route included) and what is uncertain; fetch nothing (same as --dry-run).",
)
@db_option
@quiet_option
@reports_errors
def scrape_command(
    catalogue: Path | None,
    sources: tuple[str, ...],
    base_urls: tuple[str, ...],
    since: str | None,
    until: str | None,
    limit: int | None,
    archive: Path | None,
    from_archive: Path | None,
    delay: float | None,
    dry_run: bool,
    refresh: bool,
    member: str | None,
    check: bool,
    db: Path,
    quiet: bool,
) -> None:
    """Fetch documents politely into the corpus, archiving every response.

    Give a catalogue of URLs or crawl whole sources (govuk, hansard, bps, sayit,
    ukgwa). robots.txt is obeyed, one request at a time per host with a delay,
    hosts in parallel. Ends with a summary: fetched, unchanged, skipped by
    robots.txt, failed with reasons. --from-archive re-runs the extraction from
    a WARC file with no network.

    \b
    Example:
        policytext scrape --catalogue corpus/catalogue.toml
        policytext scrape --source govuk --since 2011 --until 2011 --limit 50
        policytext scrape --from-archive corpus/archive/scrape-20250101T000000Z.warc.gz
        policytext scrape --catalogue corpus/catalogue.toml --check
        policytext scrape --source hansard --member "Ed Miliband" --since 2012 --until 2012
        policytext scrape --catalogue corpus/catalogue.toml --refresh
    """
    from policytext.collect.fetch import FetchSettings
    from policytext.collect.recipes import load_recipes, parse_base_urls
    from policytext.collect.scrape import default_archive_path, scrape, scrape_archive
    from policytext.store.corpus import Corpus

    recipes = load_recipes()
    overrides = parse_base_urls(base_urls, recipes)
    if from_archive is not None and (catalogue or sources):
        raise click.UsageError(
            "--from-archive replays an archive; do not combine it with --catalogue or --source"
        )
    if refresh and from_archive is not None:
        raise click.UsageError("--refresh re-fetches from the sites; do not combine it with --from-archive")
    dry_run = dry_run or check
    if dry_run:
        import pandas as pd

        from policytext.collect.scrape import plan_catalogue
        from policytext.report import format_table

        if catalogue is None:
            raise click.UsageError("--dry-run checks a catalogue: give --catalogue PATH")
        rows = plan_catalogue(catalogue, recipes=recipes)
        columns = ["id", "recipe", "url", "fetch_url", "check"]
        click.echo(format_table(pd.DataFrame(rows, columns=columns), fmt="md"), nl=False)
        return
    settings = FetchSettings() if delay is None else FetchSettings(delay=delay)
    with Corpus.open(db) as corpus:
        if from_archive is not None:
            summary = scrape_archive(
                corpus, from_archive, since=since, until=until, limit=limit, progress=show_progress(quiet)
            )
        else:
            summary = scrape(
                corpus,
                catalogue=catalogue,
                sources=sources,
                base_urls=overrides,
                since=since,
                until=until,
                limit=limit,
                archive=archive or default_archive_path(db),
                settings=settings,
                recipes=recipes,
                progress=show_progress(quiet),
                refresh=refresh,
                member=member,
            )
    click.echo(summary.report(), err=True)
