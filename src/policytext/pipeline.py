"""The main job, stage by stage: scrape the catalogue, tag, tables, report.

Each stage reads what the one before stored, so any of them can also be run
alone from the command line.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from policytext.corpus import Corpus

__all__ = ["run_pipeline"]

logger = logging.getLogger(__name__)


def run_pipeline(
    db: str | Path,
    *,
    offline: bool = False,
    progress: bool = False,
    echo: Callable[[str], None] = print,
) -> None:
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
    """
    with Corpus.open(db) as corpus:
        documents = corpus.count()
        echo(f"corpus {db}: {documents} documents")
        if documents == 0:
            echo(
                "nothing to analyse yet: import documents with 'policytext import PATH' "
                "(see README), then run again"
            )
            return
        from policytext.tagging import tag_corpus

        summary = tag_corpus(corpus, progress=progress)
        echo(f"tag: {summary}")
