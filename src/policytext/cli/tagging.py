"""Commands of the tagger: tag, codebook (evaluate, sample, train and codebook suggest: cli/validation.py)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

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
from policytext.errors import CodebookError, InputError


class WorkersType(click.ParamType):  # type: ignore[type-arg]
    """``--workers``: a whole number, or ``auto`` for the CPUs this process may run on."""

    name = "N|auto"

    def convert(self, value: Any, param: Any, ctx: Any) -> int:
        if isinstance(value, int):
            return value
        if str(value).strip().lower() == "auto":
            return available_cpus()
        try:
            return int(value)
        except ValueError:
            self.fail(f"{value!r} is not a whole number or 'auto'", param, ctx)


def available_cpus() -> int:
    """The CPUs this process may run on (its affinity, as Slurm and taskset set it), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # no sched_getaffinity (macOS, Windows)
        return max(1, os.cpu_count() or 1)


@main.command("tag")
@click.option(
    "--codebook",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Codebook (.toml, quanteda .yml, LIWC .dic); default: the shipped one.",
)
@click.option(
    "--workers",
    type=WorkersType(),
    default="1",
    show_default=True,
    help="Processes to tag in (N, or auto: the CPUs this process may use).",
)
@click.option(
    "--model",
    "model",
    default=None,
    help="A frame model from `policytext train` (name in models/ beside --db, or a .model file).",
)
@click.option(
    "--combine",
    type=click.Choice(["codebook", "model", "union", "stacked"]),
    default=None,
    help="Tags from the codebook, the model, or both (union; stacked: the model fed the codebook's "
    "hits). Default with --model: union.",
)
@click.option(
    "--pipeline",
    "spacy_pipeline",
    default=None,
    help="A trained spaCy pipeline to start from (e.g. en_core_web_sm).",
)
@db_option
@quiet_option
@reports_errors
def tag_command(
    codebook: Path | None,
    workers: int,
    model: str | None,
    combine: str | None,
    spacy_pipeline: str | None,
    db: Path,
    quiet: bool,
) -> None:
    """Tag every current document with the rhetoric codebook (and a trained model).

    Matches (sentence, offsets, frame, pattern, negation) are stored with the
    codebook's hash and version. Re-running skips documents already tagged with
    the same codebook (an interrupted run resumes). Tags of several codebooks
    live side by side: another codebook adds its tags and never replaces the
    others'; an edited codebook (same name, changed content) replaces its own
    old tags. See them with `policytext codebook list`.

    With --model NAME (trained on this codebook with `policytext train`), the
    tags combine codebook and model (--combine) and are stored under their own
    key, the codebook named CODEBOOK+NAME (e.g. policytext-default+frames;
    CODEBOOK+NAME:model and :stacked for those modes): read them with
    `policytext table --codebook policytext-default+frames`. A model's match
    spans its sentence and records its source as pattern `model:NAME@SHA12`.

    \b
    Example:
        policytext tag --workers 2
        policytext tag --workers auto
        policytext tag --codebook my-codebook.toml
        policytext tag --model frames --combine union
        policytext tag --pipeline en_core_web_sm
    """
    from policytext.store.corpus import Corpus
    from policytext.tagging import is_spacy_pipeline, tag_corpus
    from policytext.training import models_folder

    _require_db(db)
    if model is not None and spacy_pipeline is None and _is_old_pipeline_option(model, db, is_spacy_pipeline):
        click.echo(
            f"warning: --model {model} is a spaCy pipeline; spell it --pipeline {model} "
            "(--model now names a model trained with `policytext train`)",
            err=True,
        )
        model, spacy_pipeline = None, model
    if spacy_pipeline is not None and not is_spacy_pipeline(spacy_pipeline):
        raise InputError(
            f"--pipeline: {spacy_pipeline!r} is not an installed spaCy pipeline or pipeline folder "
            f"(python -m spacy download {spacy_pipeline})"
        )
    with Corpus.open(db) as corpus:
        summary = tag_corpus(
            corpus, codebook, workers=workers, model=model, combine=combine, spacy_model=spacy_pipeline,
            models_dir=models_folder(db), progress=show_progress(quiet),
        )  # fmt: skip
    click.echo(f"{db}: {summary}", err=True)


def _is_old_pipeline_option(model: str, db: Path, is_spacy_pipeline: Any) -> bool:
    """``--model en_core_web_sm`` from before ``--pipeline``: no such frame model, a spaCy pipeline."""
    from policytext.training import models_folder

    if Path(model).suffix == ".model" or (models_folder(db) / f"{model}.model").exists():
        return False
    return bool(is_spacy_pipeline(model))


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
