"""Commands that bring documents in and out: import, export, corpus."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from policytext.cli._base import (
    _require_db,
    db_option,
    format_option,
    main,
    out_option,
    quiet_option,
    reports_errors,
    show_progress,
)
from policytext.errors import PolicytextError
from policytext.store.corpus import DOC_TYPES


@main.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--meta",
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV of metadata keyed by file name (column 'file'), for .txt/.html/.pdf/.md files.",
)
@click.option("--source", default=None, help="Source name for documents that do not give one.")
@click.option(
    "--doc-type",
    "doc_type",
    type=click.Choice(DOC_TYPES),
    default=None,
    help="doc_type for documents that do not give one.",
)
@click.option(
    "--text-column",
    "text_column",
    default=None,
    metavar="NAME",
    help="Column (CSV/TSV) or key (JSON) holding the text; default 'text'.",
)
@click.option(
    "--field",
    "fields",
    multiple=True,
    metavar="FIELD=KEY",
    help="Map a column or JSON key to a field (repeatable): --field speaker=Speaker, "
    "--field text=paragraphs (a list is joined with blank lines), --field speaker=meta.name.",
)
@click.option(
    "--preset",
    default=None,
    metavar="NAME",
    help="Read a known dump: 'ukpol' (UK Political Speech archive JSON files).",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Import nothing if any file in a folder cannot be read (default: skip and list it).",
)
@db_option
@quiet_option
@reports_errors
def import_command(
    paths: tuple[Path, ...],
    meta: Path | None,
    source: str | None,
    doc_type: str | None,
    text_column: str | None,
    fields: tuple[str, ...],
    preset: str | None,
    strict: bool,
    db: Path,
    quiet: bool,
) -> None:
    """Import .txt .html .pdf .jsonl .json .csv .tsv .md and TEI .xml files, or folders of them.

    A JSON Lines file has one document a line with the fields id, text, speaker,
    party, date, title, doc_type, source, url, venue (text required). CSV/TSV
    files hold one document a row, JSON files one object or an array of
    objects: name their keys with --text-column and --field. Markdown front
    matter gives metadata; a TEI file gives one document per speech. .txt,
    .html and .pdf files take metadata from a --meta CSV with a 'file' column.
    Everything is read and checked before anything is written; a file in a
    folder that cannot be read is skipped and listed. Re-importing stores
    nothing twice. See docs/import.md.

    \b
    Example:
        policytext import speeches.jsonl
        policytext import texts/ --meta metadata.csv --doc-type speech
        policytext import speeches.csv --text-column Speech --field speaker=Speaker --field date=Date
        policytext import ukpol_speeches/data --preset ukpol
    """
    from policytext.collect.importing import collect_files, import_paths
    from policytext.store.corpus import Corpus

    collect_files(paths)  # a missing or unsupported path is reported before the store is touched
    with Corpus.open(db) as corpus:
        summary = import_paths(
            corpus,
            paths,
            meta=meta,
            source=source,
            doc_type=doc_type,
            text_column=text_column,
            fields=fields,
            preset=preset,
            strict=strict,
            progress=show_progress(quiet),
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
    from policytext.store.corpus import Corpus

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
    from policytext.report import format_summary
    from policytext.store.corpus import Corpus

    _require_db(db)
    with Corpus.open(db) as corpus:
        click.echo(format_summary(corpus, fmt=fmt))
