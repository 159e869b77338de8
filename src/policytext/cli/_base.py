"""Shared pieces of the command line: the group, options defined once, error handling."""

from __future__ import annotations

import dataclasses
import functools
import json
import logging
import sqlite3
import sys
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from policytext import __version__
from policytext._io import atomic_write, check_output_path
from policytext.errors import PolicytextError
from policytext.store.filters import FILTER_FIELDS, DocumentFilter

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
    return click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True, help=help_text)


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
        except RecursionError:
            # A file nested thousands of levels deep (JSON): one line, not a 48-line traceback.
            click.echo("Error: input nested too deeply to read (RecursionError)", err=True)
            sys.exit(1)
        except sqlite3.Error as exc:
            click.echo(f"Error: database: {' '.join(str(exc).split())}", err=True)
            sys.exit(1)
        except OSError as exc:
            where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
            click.echo(f"Error: {where}{exc.strerror or exc}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def write_output(text: str, out: Path | None, *, protect: tuple[Path, ...] = ()) -> None:
    """Print ``text`` or write it to ``out`` whole (its folder created); an SQLite database
    (the store above all, and any of ``protect``) is never overwritten."""
    if out is None:
        click.echo(text, nl=not text.endswith("\n"))
        return
    with atomic_write(out, protect=protect) as handle:
        handle.write(text)
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


# -- tables, concordance, keyness, report --------------------------------------------------


def _filter_option(spec: dataclasses.Field[Any], hints: dict[str, Any]) -> Callable[[F], F]:
    """The click option of one :class:`DocumentFilter` field: repeatable for tuple fields."""
    hint = hints[spec.name]
    flag = "--" + spec.name.replace("_", "-")
    help_text = spec.metadata.get("help", f"Only documents with this {spec.name}.")
    if hint is bool:
        return click.option(flag, spec.name, is_flag=True, default=False, help=help_text)
    if typing.get_origin(hint) is tuple:
        kind = typing.get_args(hint)[0]
        return click.option(flag, spec.name, multiple=True, type=kind, help=help_text)
    return click.option(flag, spec.name, default=None, help=help_text)


@typing.overload
def filter_options(func: F, /) -> F: ...


@typing.overload
def filter_options(*, duplicates: bool = True) -> Callable[[F], F]: ...


def filter_options(func: F | None = None, /, *, duplicates: bool = True) -> Any:
    """The document filters, one option per :class:`DocumentFilter` field (generated from the
    dataclass, so every analysis command takes the same filters); tuple fields repeat.
    ``@filter_options(duplicates=False)`` leaves out ``--keep-duplicates`` (for ``export``,
    which writes every copy)."""

    def decorate(inner: F) -> F:
        hints = typing.get_type_hints(DocumentFilter)
        for spec in reversed(dataclasses.fields(DocumentFilter)):
            if spec.name == "keep_duplicates" and not duplicates:
                continue
            inner = _filter_option(spec, hints)(inner)
        return inner

    return decorate if func is None else decorate(func)


def _pop_filters(kwargs: dict[str, Any]) -> DocumentFilter:
    """Take the filter options out of ``kwargs`` as one :class:`DocumentFilter`."""
    return DocumentFilter.from_options(**{name: kwargs.pop(name) for name in FILTER_FIELDS if name in kwargs})


def check_filter(corpus: Any, documents: DocumentFilter) -> None:
    """Fail with the closest stored values when a filter value matches no document."""
    corpus.check_filter(documents)


def report_folded(corpus: Any, documents: DocumentFilter) -> int:
    """Say on stderr how many duplicate documents an analysis folded; return the number."""
    if documents.keep_duplicates:
        return 0
    folded = int(corpus.folded_count(documents))
    if folded:
        click.echo(
            f"{folded} duplicate documents folded (each duplicate cluster counted once; "
            "--keep-duplicates counts all)",
            err=True,
        )
    return folded


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


def _emit_table(
    frame: Any, *, fmt: str, out: Path | None, manifest: Any, caption: str, columns: str | None = None
) -> None:
    """Print a table (or write it with its manifest to ``out``); ``columns`` selects the
    Markdown/LaTeX view (``format_table``'s ``columns``)."""
    from policytext.report import format_table, write_table

    if out is not None:
        check_output_path(out)  # never onto the store or another SQLite database
        write_table(frame, out, fmt=fmt, manifest=manifest, caption=caption, columns=columns)
        click.echo(f"wrote {out} and {out.name}.manifest.json", err=True)
        return
    click.echo(format_table(frame, fmt=fmt, manifest=manifest, caption=caption, columns=columns), nl=False)
    if fmt == "json":
        # The JSON on stdout stays a bare list of rows; its manifest goes to stderr.
        click.echo("manifest: " + json.dumps(manifest.to_dict(), ensure_ascii=False, default=str), err=True)


def _open_corpus(db: Path) -> Any:
    """The store at ``db`` for reading (it must exist; read-only files and folders are fine)."""
    from policytext.store.corpus import Corpus

    _require_db(db)
    return Corpus.open(db)


def _require_db(db: Path) -> None:
    if not db.exists():
        raise PolicytextError(
            f"{db}: no corpus database here; create one with 'policytext import' or 'policytext scrape'"
        )
    if db.is_file() and db.stat().st_size == 0:  # a reading command must not make it one
        raise PolicytextError(f"{db}: an empty file, not a corpus database")
