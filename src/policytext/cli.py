"""The ``policytext`` command: parses arguments, calls the library, prints.

No logic lives here: each command is a thin shell over a library function.
Errors derived from :class:`~policytext.errors.PolicytextError` become one
``Error: ...`` line on stderr and exit status 1; usage errors exit with 2.
"""

from __future__ import annotations

import functools
import json
import logging
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from policytext import __version__
from policytext.corpus import DOC_TYPES
from policytext.errors import PolicytextError

F = TypeVar("F", bound=Callable[..., Any])

logger = logging.getLogger("policytext")


# -- shared options, defined once ---------------------------------------------


_ROOT_DB = "policytext.db"


def _db_from_root(ctx: click.Context, param: click.Parameter, value: Path) -> Path:
    """A command's ``--db`` given on the command wins; otherwise ``policytext --db PATH CMD``
    (before the command) wins over ``$POLICYTEXT_DB`` and the default."""
    root_db = ctx.find_root().meta.get(_ROOT_DB)
    source = ctx.get_parameter_source(param.name or "db")
    if root_db is not None and source in (
        click.core.ParameterSource.DEFAULT,
        click.core.ParameterSource.ENVIRONMENT,
    ):
        return Path(root_db)
    return value


def db_option(func: F) -> F:
    """``--db PATH``: the corpus database (default ``$POLICYTEXT_DB`` or corpus/policytext.db)."""
    return click.option(
        "--db",
        "db",
        type=click.Path(dir_okay=False, path_type=Path),
        envvar="POLICYTEXT_DB",
        default=Path("corpus/policytext.db"),
        show_default=True,
        show_envvar=True,
        callback=_db_from_root,
        help="Corpus database file.",
    )(func)


def seed_option(help_text: str) -> Callable[[F], F]:
    """``--seed N``: a random seed, 0 or more (a negative one is a usage error)."""
    return click.option(
        "--seed", type=click.IntRange(min=0), default=0, show_default=True, help=help_text
    )


def out_option(func: F) -> F:
    """``--out PATH``: where to write (stdout when omitted)."""
    return click.option(
        "--out",
        "out",
        type=click.Path(path_type=Path),
        default=None,
        help="Write to this file instead of standard output.",
    )(func)


def format_option(*choices: str, default: str) -> Callable[[F], F]:
    """``--format``: one of ``choices``."""

    def decorate(func: F) -> F:
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(choices),
            default=default,
            show_default=True,
            help="Output format.",
        )(func)

    return decorate


def quiet_option(func: F) -> F:
    """``--quiet``: no progress bars."""
    return click.option("--quiet", "-q", is_flag=True, help="No progress bars.")(func)


def reports_errors(func: F) -> F:
    """Turn library errors into one ``Error: ...`` line and exit status 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except PolicytextError as exc:
            message = " ".join(str(exc).split())
            click.echo(f"Error: {message}", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("Error: interrupted; everything stored before the interruption is kept", err=True)
            sys.exit(130)
        except BrokenPipeError:
            sys.exit(0)
        except sqlite3.Error as exc:
            click.echo(f"Error: database: {' '.join(str(exc).split())}", err=True)
            sys.exit(1)
        except OSError as exc:
            where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
            click.echo(f"Error: {where}{exc.strerror or exc}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def write_output(text: str, out: Path | None) -> None:
    """Print ``text`` or write it to ``out`` (its folder created)."""
    if out is None:
        click.echo(text, nl=not text.endswith("\n"))
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    click.echo(f"wrote {out}", err=True)


def show_progress(quiet: bool) -> bool:
    """Progress bars only on a terminal and without --quiet."""
    return not quiet and sys.stderr.isatty()


# -- the command group -----------------------------------------------------------


class _Group(click.Group):
    """A command group whose usage errors are one ``Error: ...`` line (exit status 2)."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        try:
            return super().main(*args, **kwargs)
        except click.UsageError as exc:
            where = f"{exc.ctx.command_path}: " if exc.ctx is not None else ""
            click.echo(f"Error: {where}{' '.join(exc.format_message().split())} (see --help)", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            click.echo(f"Error: {' '.join(exc.format_message().split())}", err=True)
            sys.exit(exc.exit_code)
        except click.exceptions.Abort:
            click.echo("Error: aborted", err=True)
            sys.exit(1)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="policytext")
@click.option("-v", "--verbose", count=True, help="More log output on stderr (-v info, -vv debug).")
@click.option(
    "--db",
    "db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Corpus database file for the command that follows (same as that command's --db).",
)
@click.pass_context
def main(ctx: click.Context, verbose: int, db: Path | None) -> None:
    """Collect, tag and measure British governing rhetoric about empowerment and devolution.

    \b
    Example:
        policytext import speeches/ --meta speeches.csv
        policytext corpus
    """
    if db is not None:
        ctx.meta[_ROOT_DB] = db
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    # pypdf reports repairs of damaged files as warnings; our error line says what matters.
    logging.getLogger("pypdf").setLevel(logging.ERROR if verbose < 2 else logging.DEBUG)


@main.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--meta",
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV of metadata keyed by file name (column 'file').",
)
@click.option("--source", default=None, help="Source name for documents that do not give one.")
@click.option(
    "--doc-type",
    "doc_type",
    type=click.Choice(DOC_TYPES),
    default=None,
    help="doc_type for documents that do not give one.",
)
@db_option
@quiet_option
@reports_errors
def import_command(
    paths: tuple[Path, ...],
    meta: Path | None,
    source: str | None,
    doc_type: str | None,
    db: Path,
    quiet: bool,
) -> None:
    """Import .txt, .html, .pdf and .jsonl files, or folders of them.

    A JSON Lines file has one document a line with the fields id, text, speaker,
    party, date, title, doc_type, source, url, venue (text required). Other files
    take metadata from a --meta CSV with a 'file' column and any of those fields.
    Each file is imported whole or not at all; re-importing stores nothing twice.

    \b
    Example:
        policytext import speeches.jsonl
        policytext import texts/ --meta metadata.csv --doc-type speech
    """
    from policytext.corpus import Corpus
    from policytext.importing import collect_files, import_paths

    collect_files(paths)  # a missing or unsupported path is reported before the store is touched
    with Corpus.open(db) as corpus:
        summary = import_paths(
            corpus, paths, meta=meta, source=source, doc_type=doc_type, progress=show_progress(quiet)
        )
    click.echo(f"{db}: {summary}", err=True)


@main.command("export")
@format_option("jsonl", "csv", default="jsonl")
@out_option
@db_option
@reports_errors
def export_command(fmt: str, out: Path | None, db: Path) -> None:
    """Export the current documents with their metadata and provenance.

    Each record has the import fields (id, text, speaker, party, date, title,
    doc_type, source, url, venue), so the output imports back, plus version,
    date_precision, year, government, tokens, status, sha256, retrieved_at,
    extractor_version, imported_at, warc_file and warc_offset.

    \b
    Example:
        policytext export --format csv --out corpus.csv
    """
    from policytext.corpus import Corpus

    _require_db(db)
    with Corpus.open(db) as corpus:
        if out is None:
            corpus.export(sys.stdout, fmt=fmt)
            return
        if out.is_dir():
            raise PolicytextError(f"{out}: is a folder; give a file name for --out")
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.name + ".part")
        try:
            with tmp.open("w", encoding="utf-8", newline="") as handle:
                count = corpus.export(handle, fmt=fmt)
            tmp.replace(out)
        finally:
            tmp.unlink(missing_ok=True)
    click.echo(f"wrote {count} documents to {out}", err=True)


@main.command("corpus")
@format_option("md", "csv", "json", default="md")
@db_option
@reports_errors
def corpus_command(fmt: str, db: Path) -> None:
    """Summarise the corpus: documents and tokens by source, speaker and year.

    \b
    Example:
        policytext corpus --format csv
    """
    from policytext.corpus import Corpus
    from policytext.report import format_summary

    _require_db(db)
    with Corpus.open(db) as corpus:
        click.echo(format_summary(corpus, fmt=fmt))


# -- tables, concordance, keyness, report --------------------------------------------------


def filter_options(func: F) -> F:
    """Document filters shared by table, kwic and keyness (each option may repeat)."""
    options = [
        click.option("--speaker", multiple=True, help="Only this speaker (repeatable)."),
        click.option("--party", multiple=True, help="Only this party (repeatable)."),
        click.option("--doc-type", "doc_type", multiple=True, help="Only this doc_type (repeatable)."),
        click.option("--source", multiple=True, help="Only this source (repeatable)."),
        click.option("--government", multiple=True, help="Only this government (repeatable)."),
        click.option("--year", multiple=True, type=int, help="Only this year (repeatable)."),
        click.option("--since", default=None, help="Only documents dated on or after (YYYY[-MM[-DD]])."),
        click.option("--until", default=None, help="Only documents dated on or before (YYYY[-MM[-DD]])."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


_FILTER_NAMES = ("speaker", "party", "doc_type", "source", "government", "year", "since", "until")


def _pop_filters(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Take the filter options out of ``kwargs``, dropping those not given."""
    filters = {name: kwargs.pop(name) for name in _FILTER_NAMES}
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in filters.items() if v not in (None, ())}


def _command_line() -> str:
    """The command as typed (from the click context), for the run manifest."""
    import shlex

    ctx = click.get_current_context()
    parts = ["policytext", *ctx.command_path.split()[1:]]
    for param in ctx.command.params:
        value = ctx.params.get(param.name or "")
        # Identity checks: 0 is a real value (--bootstrap 0), not "not given".
        if param.name == "db" or value is None or value is False or value == ():
            continue
        if value == param.default and type(value) is type(param.default):
            continue
        flag = param.opts[0] if isinstance(param, click.Option) else None
        values = value if isinstance(value, tuple) else (value,)
        for item in values:
            if flag is None:
                parts.append(str(item))
            elif value is True:
                parts.append(flag)
            else:
                parts += [flag, str(item)]
    return shlex.join(parts)


def _emit_table(frame: Any, *, fmt: str, out: Path | None, manifest: Any, caption: str) -> None:
    from policytext.report import format_table, write_table

    if out is not None:
        write_table(frame, out, fmt=fmt, manifest=manifest, caption=caption)
        click.echo(f"wrote {out} and {out.name}.manifest.json", err=True)
        return
    click.echo(format_table(frame, fmt=fmt, manifest=manifest, caption=caption), nl=False)
    if fmt == "json":
        # The JSON on stdout stays a bare list of rows; its manifest goes to stderr.
        click.echo("manifest: " + json.dumps(manifest.to_dict(), ensure_ascii=False, default=str), err=True)


@main.command("table")
@click.option(
    "--by",
    default=None,
    help="Group by these fields, comma-separated: speaker, party, "
    "government, year, decade, doc_type, source, venue.",
)
@click.option("--frames", default=None, help="Only these frames, comma-separated (default: all).")
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
@format_option("csv", "md", "latex", "json", default="md")
@out_option
@db_option
@reports_errors
def table_command(
    by: str | None,
    frames: str | None,
    bootstrap: int,
    seed: int,
    include_negated: bool,
    fmt: str,
    out: Path | None,
    db: Path,
    **kwargs: Any,
) -> None:
    """Frame frequencies per group: mentions, sentences, documents, rates per 10,000 tokens.

    For each frame: F_count (mentions), F_sentences (frame-bearing sentences),
    F_documents and F_share (documents using the frame), F_per_10k (mentions per
    10,000 tokens of the group's documents) and its 95% bootstrap interval over
    documents (F_per_10k_low, F_per_10k_high). Every output carries the run
    manifest (a comment header; with --out also FILE.manifest.json; for JSON on
    stdout, one 'manifest: {...}' line on stderr).

    \b
    Example:
        policytext table --by speaker,year --frames empowerment,devolution
        policytext table --by party --since 1997 --until 2010 --format latex --out party.tex
    """
    from policytext.corpus import Corpus
    from policytext.report import RATE_NOTE, run_manifest
    from policytext.tables import frequency_table

    filters = _pop_filters(kwargs)
    _require_db(db)
    frame_list = [f.strip() for f in frames.split(",") if f.strip()] if frames else None
    with Corpus.open(db) as corpus:
        table = frequency_table(
            corpus,
            by=by,
            frames=frame_list,
            include_negated=include_negated,
            bootstrap=bootstrap,
            seed=seed,
            **filters,
        )
        manifest = run_manifest(
            corpus,
            command=_command_line(),
            parameters={
                "by": by,
                "frames": frame_list,
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
    caption = f"Frame frequencies by {by or 'corpus'}; {RATE_NOTE}; {intervals}"
    _emit_table(table, fmt=fmt, out=out, manifest=manifest, caption=caption)


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
    from policytext.corpus import Corpus
    from policytext.errors import InputError
    from policytext.report import run_manifest
    from policytext.tables import concordance

    filters = _pop_filters(kwargs)
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
            limit=limit,
            **filters,
        )
        manifest = run_manifest(
            corpus,
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
        text = _kwic_text(lines)
        if out is not None:
            write_output(text, out)
            manifest_path = out.with_name(out.name + ".manifest.json")
            manifest_path.write_text(manifest.to_json(), encoding="utf-8")
        else:
            click.echo(text, nl=False)
            click.echo("manifest: " + json.dumps(manifest.to_dict(), default=str), err=True)
        click.echo(f"{len(lines)} lines", err=True)
        return
    _emit_table(lines, fmt=fmt, out=out, manifest=manifest, caption=f"{len(lines)} concordance lines")


def _kwic_text(lines: Any) -> str:
    rows = []
    for line in lines.itertuples(index=False):
        where = " ".join(str(v) for v in (line.doc_id, line.speaker, line.date) if v is not None)
        left = line.left if len(line.left) <= 60 else "..." + line.left[-57:]
        right = line.right if len(line.right) <= 60 else line.right[:57] + "..."
        rows.append(f"{where:<40.40} {left:>60} [{line.match}] {right}")
    return "\n".join(rows) + ("\n" if rows else "")


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
    fmt: str,
    out: Path | None,
    db: Path,
    **kwargs: Any,
) -> None:
    """What one group says more (or less) than another: G2, log ratio, corrected p.

    Log-likelihood G2 with Williams' correction, Hardie's log ratio (log2 of the
    ratio of relative frequencies) and p-values corrected for the number of
    items tested; over-used items first, strongest first.

    \b
    Example:
        policytext keyness --by speaker --target "David Cameron" --reference "Gordon Brown"
        policytext keyness --by year --target 2010 --unit phrase --min-freq 10 --top 30
    """
    from policytext.corpus import Corpus
    from policytext.report import run_manifest
    from policytext.tables import keyness

    filters = _pop_filters(kwargs)
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
            top=top,
            words_only=not all_tokens,
            **filters,
        )
        manifest = run_manifest(
            corpus,
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
                "filters": filters,
            },
        )
    caption = (
        f"Keyness of {unit}s, {by} = {target} against {reference or 'all other documents'}: "
        f"G2 (Williams-corrected), log ratio, p adjusted by {correction}"
    )
    _emit_table(table, fmt=fmt, out=out, manifest=manifest, caption=caption)


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
@db_option
@reports_errors
def report_command(out: Path | None, bootstrap: int, seed: int, db: Path) -> None:
    """Write the HTML report: corpus summary, tables, charts, codebook, validation.

    One static page (index.html) with its charts (PNG and SVG) and tables (CSV)
    beside it; it opens offline. Prints the path of index.html.

    \b
    Example:
        policytext report --out corpus/report
    """
    from policytext.corpus import Corpus
    from policytext.report import write_report

    _require_db(db)
    with Corpus.open(db) as corpus:
        path = write_report(
            corpus,
            out or db.parent / "report",
            command=_command_line(),
            bootstrap=bootstrap,
            seed=seed,
        )
    click.echo(str(path))


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
        policytext scrape --catalogue corpus/catalogue.toml --dry-run
        policytext scrape --catalogue corpus/catalogue.toml --refresh
    """
    from policytext.corpus import Corpus
    from policytext.fetch import FetchSettings
    from policytext.recipes import load_recipes, parse_base_urls
    from policytext.scraping import default_archive_path, scrape, scrape_archive

    recipes = load_recipes()
    overrides = parse_base_urls(base_urls, recipes)
    if from_archive is not None and (catalogue or sources):
        raise click.UsageError(
            "--from-archive replays an archive; do not combine it with --catalogue or --source"
        )
    if refresh and from_archive is not None:
        raise click.UsageError("--refresh re-fetches from the sites; do not combine it with --from-archive")
    if dry_run:
        import pandas as pd

        from policytext.report import format_table
        from policytext.scraping import plan_catalogue

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
            )
    click.echo(summary.report(), err=True)


@main.command("topics")
@click.option("--k", "k", type=int, default=10, show_default=True, help="Number of topics.")
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
    type=click.Choice(["year", "government", "speaker", "party", "doc_type", "source"]),
    default="year",
    show_default=True,
    help="Group (or period) for prevalence and dynamic windows.",
)
@click.option("--dynamic", is_flag=True, help="Also fit dynamic topics, one window per --by value.")
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
@click.option("--online", is_flag=True, help="MiniBatchNMF / online LDA, for large corpora.")
@seed_option("Random seed (0 or more).")
@click.option(
    "--bootstrap",
    "n_boot",
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
@db_option
@reports_errors
def topics_command(
    k: int,
    method: str,
    by: str,
    dynamic: bool,
    seeded: bool,
    unit: str,
    passage_size: int,
    online: bool,
    seed: int,
    n_boot: int,
    smooth: int,
    choose_k: str | None,
    fmt: str,
    out: Path | None,
    db: Path,
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
    """
    from policytext.corpus import Corpus
    from policytext.report import format_table
    from policytext.topics import analyse_topics, choose_k_table, format_topics, write_topic_outputs

    _require_db(db)
    if choose_k is not None:
        with Corpus.open(db) as corpus:
            table = choose_k_table(
                corpus, choose_k, method=method, unit=unit, passage_size=passage_size, random_state=seed
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
            seeded=seeded,
            unit=unit,
            passage_size=passage_size,
            online=online,
            random_state=seed,
            n_boot=n_boot,
            smooth=smooth,
        )
    click.echo(format_topics(analysis, fmt=fmt, format_table=format_table), nl=False)
    if out is not None:
        written = write_topic_outputs(analysis, out)
        click.echo(f"wrote {len(written)} files to {out}", err=True)


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
    from policytext.pipeline import run_pipeline

    run_pipeline(db, offline=offline, progress=show_progress(quiet), echo=lambda m: click.echo(m, err=True))


@main.command("tag")
@click.option(
    "--codebook",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Codebook (.toml, quanteda .yml, LIWC .dic); default: the shipped one.",
)
@click.option("--workers", type=int, default=1, show_default=True, help="Processes to tag in.")
@click.option("--model", default=None, help="A trained spaCy pipeline to use (e.g. en_core_web_sm).")
@db_option
@quiet_option
@reports_errors
def tag_command(codebook: Path | None, workers: int, model: str | None, db: Path, quiet: bool) -> None:
    """Tag every current document with the rhetoric codebook.

    Matches (sentence, offsets, frame, pattern, negation) are stored with the
    codebook's hash and version. Re-running skips documents already tagged with
    the same codebook (an interrupted run resumes); a changed codebook replaces
    the old tags.

    \b
    Example:
        policytext tag --workers 2
        policytext tag --codebook my-codebook.toml
    """
    from policytext.corpus import Corpus
    from policytext.tagging import tag_corpus

    _require_db(db)
    with Corpus.open(db) as corpus:
        summary = tag_corpus(corpus, codebook, workers=workers, model=model, progress=show_progress(quiet))
    click.echo(f"{db}: {summary}", err=True)


@main.command("evaluate")
@click.option(
    "--gold", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Gold file (JSON Lines)."
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
    frame). When the --db file exists, the scores are recorded there so tables
    can say which validation backs the codebook.

    \b
    Example:
        policytext evaluate --gold dev.jsonl --format md --errors
        policytext evaluate --gold coder1.jsonl --against coder2.jsonl
    """
    from policytext import evaluate

    if against is not None:
        result = evaluate.agreement(gold, against)
        write_output(evaluate.format_agreement(result, fmt=fmt), out)
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
        from policytext.corpus import Corpus

        with Corpus.open(db) as corpus:
            evaluate.record_evaluation(corpus, evaluation)


@main.group("codebook")
def codebook_group() -> None:
    """Check and show codebooks.

    \b
    Example:
        policytext codebook check my-codebook.toml
        policytext codebook show
    """


@codebook_group.command("check")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@db_option
@reports_errors
def codebook_check_command(path: Path, db: Path) -> None:
    """Validate a codebook; report FILE:LINE: problem, including patterns that can never match.

    Exits with status 1 when there are errors (warnings alone pass).

    \b
    Example:
        policytext codebook check my-codebook.toml
    """
    from policytext.codebook import check_codebook

    problems = check_codebook(path)
    for problem in problems:
        click.echo(str(problem), err=True)
    if any(p.is_error for p in problems):
        sys.exit(1)
    click.echo(f"{path}: ok", err=True)


@codebook_group.command("show")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@format_option("md", "json", default="md")
@click.option(
    "--tagged",
    is_flag=True,
    help="Show the codebook the corpus at --db was last tagged with, instead of a file.",
)
@db_option
@reports_errors
def codebook_show_command(path: Path | None, fmt: str, tagged: bool, db: Path) -> None:
    """Show a codebook (default: the shipped one): frames, patterns and exclusions.

    \b
    Example:
        policytext codebook show --format json
        policytext codebook show --tagged --db corpus/policytext.db
    """
    from policytext.codebook import describe_codebook, load_codebook

    if tagged:
        if path is not None:
            raise click.UsageError("give a codebook PATH or --tagged, not both")
        from policytext.codebook import codebook_from_stored

        _require_db(db)
        with _open_corpus(db) as corpus:
            codebook = codebook_from_stored(corpus)
    else:
        codebook = load_codebook(path)
    click.echo(describe_codebook(codebook, fmt=fmt))


def _open_corpus(db: Path) -> Any:
    from policytext.corpus import Corpus

    return Corpus.open(db)


def _require_db(db: Path) -> None:
    if not db.exists():
        raise PolicytextError(
            f"{db}: no corpus database here; create one with 'policytext import' or 'policytext scrape'"
        )


if __name__ == "__main__":  # pragma: no cover
    main()
