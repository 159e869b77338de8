"""The ``policytext`` command: parses arguments, calls the library, prints.

No logic lives here: each command is a thin shell over a library function.
Errors derived from :class:`~policytext.errors.PolicytextError` become one
``Error: ...`` line on stderr and exit status 1; usage errors exit with 2.
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from policytext import __version__
from policytext.errors import PolicytextError

F = TypeVar("F", bound=Callable[..., Any])

logger = logging.getLogger("policytext")


# -- shared options, defined once ---------------------------------------------


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
        help="Corpus database file.",
    )(func)


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


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="policytext")
@click.option("-v", "--verbose", count=True, help="More log output on stderr (-v info, -vv debug).")
def main(verbose: int) -> None:
    """Collect, tag and measure British governing rhetoric about empowerment and devolution.

    \b
    Example:
        policytext import speeches/ --meta speeches.csv
        policytext corpus
    """
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


@main.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--meta",
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV of metadata keyed by file name (column 'file').",
)
@click.option("--source", default=None, help="Source name for documents that do not give one.")
@click.option("--doc-type", "doc_type", default=None, help="doc_type for documents that do not give one.")
@db_option
@quiet_option
@reports_errors
def import_command(
    paths: tuple[Path, ...], meta: Path | None, source: str | None, doc_type: str | None, db: Path, quiet: bool
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
    from policytext.importing import import_paths

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
    year, government, tokens, status, sha256, retrieved_at and extractor version.

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
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.name + ".part")
        with tmp.open("w", encoding="utf-8", newline="") as handle:
            count = corpus.export(handle, fmt=fmt)
        tmp.replace(out)
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


@main.command("topics")
@click.option("--k", "k", type=int, default=10, show_default=True, help="Number of topics.")
@click.option(
    "--method", type=click.Choice(["nmf", "lda"]), default="nmf", show_default=True,
    help="NMF on TF-IDF or LDA on counts.",
)
@click.option(
    "--by", "by", type=click.Choice(["year", "government", "speaker", "party", "doc_type", "source"]),
    default="year", show_default=True, help="Group (or period) for prevalence and dynamic windows.",
)
@click.option("--dynamic", is_flag=True, help="Also fit dynamic topics, one window per --by value.")
@click.option("--seeded", is_flag=True, help="Seed topics on the codebook frames (topics keep the frame ids).")
@click.option(
    "--unit", type=click.Choice(["passage", "document"]), default="passage", show_default=True,
    help="Model paragraph-window passages or whole documents.",
)
@click.option("--passage-size", type=int, default=150, show_default=True, help="Terms per passage (about).")
@click.option("--online", is_flag=True, help="MiniBatchNMF / online LDA, for large corpora.")
@click.option("--seed", "seed", type=int, default=0, show_default=True, help="Random seed.")
@click.option("--bootstrap", "n_boot", type=int, default=200, show_default=True, help="Bootstrap resamples.")
@click.option(
    "--smooth", type=int, default=1, show_default=True,
    help="Opt-in moving average of prevalence over N periods (1: none; labelled in every output).",
)
@click.option(
    "--choose-k", "choose_k", default=None, metavar="KS",
    help="Instead of fitting one model, report coherence and stability for each k in KS "
    "('5,10,20' or '5:30:5').",
)
@format_option("json", "md", "csv", default="md")
@click.option(
    "--out", "out", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Folder for topics.json, prevalence.csv, tables and charts.",
)
@db_option
@reports_errors
def topics_command(
    k: int, method: str, by: str, dynamic: bool, seeded: bool, unit: str, passage_size: int, online: bool,
    seed: int, n_boot: int, smooth: int, choose_k: str | None, fmt: str, out: Path | None, db: Path,
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
            corpus, k=k, method=method, by=by, dynamic=dynamic, seeded=seeded, unit=unit,
            passage_size=passage_size, online=online, random_state=seed, n_boot=n_boot, smooth=smooth,
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


def _require_db(db: Path) -> None:
    if not db.exists():
        raise PolicytextError(f"{db}: no corpus database here; create one with 'policytext import' or 'policytext scrape'")


if __name__ == "__main__":  # pragma: no cover
    main()
