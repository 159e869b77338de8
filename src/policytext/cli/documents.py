"""Commands that bring documents in and out: import, export, corpus."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from policytext.cli._base import (
    _open_corpus,
    _pop_filters,
    db_option,
    filter_options,
    format_option,
    main,
    out_option,
    quiet_option,
    reports_errors,
    show_progress,
    write_output,
)
from policytext.errors import StoreError
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
        # Duplicates are recomputed now (signatures of the new documents only), so the
        # analyses that follow count each duplicate cluster once.
        try:
            corpus.refresh_duplicates()
        except StoreError as exc:
            click.echo(
                f"warning: duplicate clusters not brought up to date ({exc}); run 'policytext duplicates'",
                err=True,
            )
        clusters = corpus.duplicate_clusters()
    if clusters:
        folded = sum(len(c.members) - 1 for c in clusters)
        click.echo(
            f"{db}: {len(clusters)} duplicate clusters ({folded} documents counted once with their "
            "cluster; see 'policytext duplicates')",
            err=True,
        )


@main.command("export")
@format_option("jsonl", "csv", default="jsonl")
@out_option
@filter_options(duplicates=False)
@db_option
@reports_errors
def export_command(fmt: str, out: Path | None, db: Path, **kwargs: Any) -> None:
    """Export the current documents with their metadata and provenance.

    Each record has the import fields (id, text, speaker, party, date, title,
    doc_type, source, url, venue), so the output imports back, plus version,
    date_precision, year, government, tokens, status, sha256, retrieved_at,
    extractor_version, imported_at, warc_file and warc_offset. Every copy of a
    duplicated document is exported. --out is written whole or not at all, and
    never onto the store or another SQLite database.

    \b
    Example:
        policytext export --format csv --out corpus.csv
        policytext export --speaker "Gordon Brown" --since 2007 --out brown.jsonl
    """
    documents = _pop_filters(kwargs)
    with _open_corpus(db) as corpus:
        corpus.check_filter(documents)
        if out is None:
            corpus.export(sys.stdout, documents, fmt=fmt)
            return
        count = corpus.export_to(out, documents, fmt=fmt)
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

    with _open_corpus(db) as corpus:
        click.echo(format_summary(corpus, fmt=fmt))


@main.command("duplicates")
@format_option("txt", "json", default="txt")
@click.option(
    "--threshold",
    type=click.FloatRange(0.5, 1.0),
    default=None,
    help="Share of the shorter text's word 5-grams found in the longer one for two texts "
    "to be the same document (0.5 to 1; default 0.8, or the last one used).",
)
@out_option
@db_option
@reports_errors
def duplicates_command(fmt: str, threshold: float | None, out: Path | None, db: Path) -> None:
    """Find exact and near-duplicate documents and group them into clusters.

    Recomputes the clusters when documents changed (or --threshold is given) and
    lists each with its canonical member (most complete text, best metadata) first.
    Analyses count each cluster once unless given --keep-duplicates; nothing is
    deleted. JSON: a list of {"canonical", "members", "similarity"}.

    \b
    Example:
        policytext duplicates
        policytext duplicates --threshold 0.9 --format json --out duplicates.json
    """
    with _open_corpus(db) as corpus:
        if corpus.read_only:
            clusters = corpus.duplicate_clusters()
            click.echo(f"{db}: read-only store; listing the clusters as last computed", err=True)
        else:
            corpus.refresh_duplicates(threshold=threshold, force=threshold is not None)
            clusters = corpus.duplicate_clusters()
    if fmt == "json":
        text = json.dumps([c.to_dict() for c in clusters], ensure_ascii=False, indent=1) + "\n"
    else:
        lines = [
            f"{c.canonical}\t{len(c.members)} documents\tsimilarity {c.similarity:.3f}\t"
            + ", ".join(c.members[1:])
            for c in clusters
        ]
        folded = sum(len(c.members) - 1 for c in clusters)
        lines.append(f"{len(clusters)} clusters; {folded} documents counted once with their canonical one")
        text = "\n".join(lines) + "\n"
    write_output(text, out, protect=(db,))
