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
@click.option("--gold", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Gold file (JSON Lines).")
@click.option("--codebook", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Codebook to score.")
@click.option(
    "--against",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="A second coder's gold file: print Cohen's kappa per frame instead of scores.",
)
@click.option("--errors", is_flag=True, help="Also list false positives (with the patterns) and false negatives.")
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
@reports_errors
def codebook_check_command(path: Path) -> None:
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
@reports_errors
def codebook_show_command(path: Path | None, fmt: str) -> None:
    """Show a codebook (default: the shipped one): frames, patterns and exclusions.

    \b
    Example:
        policytext codebook show --format json
    """
    from policytext.codebook import describe_codebook, load_codebook

    click.echo(describe_codebook(load_codebook(path), fmt=fmt))


def _require_db(db: Path) -> None:
    if not db.exists():
        raise PolicytextError(f"{db}: no corpus database here; create one with 'policytext import' or 'policytext scrape'")


if __name__ == "__main__":  # pragma: no cover
    main()
