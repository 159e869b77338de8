"""Commands of the tagger: tag, codebook (evaluate, sample, train and codebook suggest: cli/validation.py)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from policytext.cli._base import (
    _open_corpus,
    _require_db,
    db_option,
    format_option,
    main,
    quiet_option,
    reports_errors,
    show_progress,
)
from policytext.cli._codebook_option import codebook_option
from policytext.errors import CodebookError


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
    the same codebook (an interrupted run resumes). Tags of several codebooks
    live side by side: another codebook adds its tags and never replaces the
    others'; an edited codebook (same name, changed content) replaces its own
    old tags. See them with `policytext codebook list`.

    \b
    Example:
        policytext tag --workers 2
        policytext tag --codebook my-codebook.toml
    """
    from policytext.store.corpus import Corpus
    from policytext.tagging import tag_corpus

    _require_db(db)
    with Corpus.open(db) as corpus:
        summary = tag_corpus(corpus, codebook, workers=workers, model=model, progress=show_progress(quiet))
    click.echo(f"{db}: {summary}", err=True)


@main.group("codebook")
def codebook_group() -> None:
    """Check, show and list codebooks.

    \b
    Example:
        policytext codebook check my-codebook.toml
        policytext codebook list
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
    help="Show a codebook stored with the tags at --db (see --codebook) instead of a file.",
)
@codebook_option
@db_option
@reports_errors
def codebook_show_command(path: Path | None, fmt: str, tagged: bool, codebook: str | None, db: Path) -> None:
    """Show a codebook (default: the shipped one): frames, patterns and exclusions.

    \b
    Example:
        policytext codebook show --format json
        policytext codebook show --tagged --db corpus/policytext.db
        policytext codebook show --tagged --codebook my-codebook
    """
    from policytext.codebook import describe_codebook, load_codebook

    if tagged:
        if path is not None:
            raise click.UsageError("give a codebook PATH or --tagged, not both")
        from policytext.store.tags import current_tagging

        _require_db(db)
        with _open_corpus(db) as corpus:
            tagging = current_tagging(corpus, codebook)
            if tagging is None:
                raise CodebookError(f"{db}: not tagged yet; run 'policytext tag' first")
            loaded = tagging.codebook
    else:
        if codebook is not None:
            raise click.UsageError("--codebook goes with --tagged; give a file as PATH")
        loaded = load_codebook(path)
    click.echo(describe_codebook(loaded, fmt=fmt))


@codebook_group.command("list")
@format_option("md", "json", default="md")
@db_option
@reports_errors
def codebook_list_command(fmt: str, db: Path) -> None:
    """List the codebooks the store holds: name, version, hash, documents tagged, validation.

    The default codebook is marked with *; the validation columns are the
    latest `policytext evaluate` scores recorded for that codebook (micro
    precision, recall and F1).

    \b
    Example:
        policytext codebook list
        policytext codebook list --format json
    """
    from policytext.store.tags import codebook_records

    _require_db(db)
    with _open_corpus(db) as corpus:
        records = codebook_records(corpus)
    if fmt == "json":
        click.echo(json.dumps([r.to_record() for r in records], indent=2))
        return
    lines = [
        "| name | version | hash | documents | tagged at | precision | recall | F1 |",
        "|---|---|---|---:|---|---:|---:|---:|",
    ]
    for record in records:
        micro = (record.scores or {}).get("micro", {})
        scores = [f"{micro[k]:.2f}" if isinstance(micro.get(k), (int, float)) else "" for k in
                  ("precision", "recall", "f1")]  # fmt: skip
        name = f"{record.name} *" if record.is_default else record.name
        lines.append(
            f"| {name} | {record.version} | {record.hash[:12]} | {record.documents} | "
            f"{record.tagged_at or ''} | {' | '.join(scores)} |"
        )
    click.echo("\n".join(lines))
