"""Tag the corpus store: run the rhetoric pipeline over every current document.

Matches are stored per document in the ``matches`` table (sentence index,
sentence and match character offsets in ``documents.text``, frame, pattern id,
matched text, negation flag) with the codebook's hash; ``tagged_documents``
records which codebook tagged each document, its sentence count and its token
count (``_text.count_doc_tokens``). Documents are written in batches, each in
one transaction, so an interrupted run keeps every finished batch and the next
run resumes with the rest. Tags of several codebooks live side by side: tagging
with a codebook adds its tags and leaves other codebooks' alone, except that a
codebook with the same name and changed content (an edited file) replaces its
predecessor's tags. All SQL is in :mod:`policytext.store.tags`.

With ``workers > 1`` the worker processes die with their parent, even when it is
killed with SIGKILL: on Linux each asks the kernel for SIGTERM when its parent
dies (``prctl(PR_SET_PDEATHSIG)``), and every worker also watches its parent's
pid, so none lives on holding the store open.

Example::

    >>> from policytext.store.corpus import Corpus, Document
    >>> with Corpus.open(":memory:") as corpus:
    ...     _ = corpus.add(Document(text="We will devolve power to councils.", id="d1"))
    ...     tag_corpus(corpus).documents
    1
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_all_start_methods, get_context
from typing import TYPE_CHECKING, Any

from policytext._text import count_doc_tokens, split_for_spacy
from policytext.codebook import Codebook, codebook_from_dict, load_codebook
from policytext.errors import InputError
from policytext.rhetoric import Match, RhetoricTagger, build_pipeline, doc_matches, sentence_starts
from policytext.store import tags

if TYPE_CHECKING:
    from pathlib import Path

    from spacy.language import Language

    from policytext.store.corpus import Corpus

__all__ = ["TagSummary", "store_codebook", "tag_corpus", "tag_text"]

logger = logging.getLogger(__name__)

_ROW = tuple[int, int, int, int, int, str, str, str, int]


@dataclass(frozen=True)
class TagSummary:
    """What :func:`tag_corpus` did."""

    codebook_hash: str
    codebook_version: str
    documents: int
    skipped: int
    matches: int
    tokens: int

    def __str__(self) -> str:
        return (
            f"tagged {self.documents} documents ({self.tokens} tokens, {self.matches} matches) with codebook "
            f"{self.codebook_version} [{self.codebook_hash[:12]}]; {self.skipped} already tagged"
        )


def tag_text(nlp: Language, text: str) -> tuple[list[Match], int, int]:
    """Tag one text (split in pieces when longer than the pipeline allows).

    Parameters
    ----------
    nlp:
        A pipeline with the rhetoric tagger.
    text:
        The text.

    Returns
    -------
    tuple
        ``(matches, sentences, tokens)`` with offsets into ``text``.

    Example::

        >>> from policytext.rhetoric import build_pipeline
        >>> matches, sentences, tokens = tag_text(build_pipeline(), "Localism works. Really.")
        >>> (len(matches), sentences, tokens)
        (1, 2, 3)
    """
    results = list(_tag_pieces(nlp, [(0, text)]))
    _, matches, sentences, tokens = results[0]
    return matches, sentences, tokens


def _pieces(text: str, limit: int) -> list[tuple[int, str]]:
    if len(text) < limit:
        return [(0, text)]
    out, offset = [], 0
    for piece in split_for_spacy(text, limit // 2):
        out.append((offset, piece))
        offset += len(piece)
    return out


def _tag_pieces(
    nlp: Language, documents: list[tuple[int, str]], *, batch_size: int = 16, count: bool = True
) -> Iterator[tuple[int, list[Match], int, int]]:
    """Tag ``(pk, text)`` pairs; yield ``(pk, matches, sentences, tokens)`` per document.

    With ``count=False`` tokens are not counted (0): the store already holds
    ``documents.tokens``, computed with the same definition at import.
    """
    work: list[tuple[str, tuple[int, int, int]]] = []
    counts: dict[int, int] = {}
    for pk, text in documents:
        pieces = _pieces(text, nlp.max_length)
        counts[pk] = len(pieces)
        for index, (offset, piece) in enumerate(pieces):
            work.append((piece, (pk, index, offset)))
    state: dict[int, tuple[list[Match], int, int]] = {}
    for doc, (pk, _index, offset) in nlp.pipe(work, as_tuples=True, batch_size=batch_size):
        matches, sentences, tokens = state.get(pk, ([], 0, 0))
        matches.extend(doc_matches(doc, offset=offset, first_sentence=sentences))
        n_sentences = len(sentence_starts(doc))
        n_tokens = count_doc_tokens(doc) if count else 0
        state[pk] = (matches, sentences + n_sentences, tokens + n_tokens)
        counts[pk] -= 1
        if counts[pk] == 0:
            found, total_sentences, total_tokens = state.pop(pk)
            yield pk, found, total_sentences, total_tokens


# -- worker processes -----------------------------------------------------------------

_WORKER_NLP: Any = None
_WORKER_KEY: tuple[str, str | None] | None = None
_PR_SET_PDEATHSIG = 1
_PARENT_POLL_SECONDS = 0.5


def _die_with_parent(parent: int) -> None:
    """Make this worker end when process ``parent`` ends, however it ends (SIGKILL included)."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        except (OSError, AttributeError):  # no prctl: the watcher thread below still works
            logger.debug("prctl(PR_SET_PDEATHSIG) unavailable")
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)

    def watch() -> None:
        # Portable fallback (and a second line on Linux): a re-parented worker exits.
        while os.getppid() == parent:
            threading.Event().wait(_PARENT_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="policytext-parent-watch", daemon=True).start()


def _init_worker(parent: int, codebook_data: dict[str, Any], model: str | None) -> None:
    global _WORKER_NLP, _WORKER_KEY
    _die_with_parent(parent)
    codebook = codebook_from_dict(codebook_data)
    if (codebook.hash, model) == _WORKER_KEY:
        return  # forked from a parent that already built this pipeline
    _WORKER_NLP = build_pipeline(codebook, model=model)
    _WORKER_KEY = (codebook.hash, model)


def _work(documents: list[tuple[int, str]]) -> list[tuple[int, list[Match], int, int]]:
    return list(_tag_pieces(_WORKER_NLP, documents, count=False))


# -- the store ----------------------------------------------------------------------------


def store_codebook(corpus: Corpus, codebook: Codebook) -> None:
    """Record ``codebook`` (hash, name, version, canonical content) in the store.

    Example::

        >>> store_codebook(corpus, load_codebook())  # doctest: +SKIP
    """
    tags.store_codebook(corpus, codebook)


def _pipeline_codebook(pipeline: Language, codebook: Codebook | str | Path | None) -> Codebook:
    """The codebook of ``pipeline``'s rhetoric tagger, checked against ``codebook`` when given."""
    taggers = [pipe for _, pipe in pipeline.pipeline if isinstance(pipe, RhetoricTagger)]
    if not taggers:
        raise InputError("pipeline: has no policytext_rhetoric component")
    used = taggers[0].codebook
    if codebook is not None:
        wanted = codebook if isinstance(codebook, Codebook) else load_codebook(codebook)
        if wanted.hash != used.hash:
            raise InputError(
                f"pipeline: its tagger uses codebook {used.name} {used.version} "
                f"[{used.hash[:12]}], not {wanted.name} {wanted.version} [{wanted.hash[:12]}]"
            )
    return used


class _Progress:
    """Stores finished batches and keeps the counts (and the optional bar) up to date."""

    def __init__(self, corpus: Corpus, codebook_hash: str, total: int, *, progress: bool,
                 on_batch: Callable[[int], None] | None) -> None:  # fmt: skip
        self.corpus, self.codebook_hash, self.on_batch = corpus, codebook_hash, on_batch
        self.documents = self.matches = self.tokens = 0
        self.known_tokens: dict[int, int] = {}
        self.bar: Any = None
        if progress:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="doc", desc="tag", leave=False)

    def texts(self, pks: list[int]) -> list[tuple[int, str]]:
        out = []
        for pk, text, count in tags.document_texts(self.corpus, pks):
            self.known_tokens[pk] = count
            out.append((pk, text))
        return out

    def store(self, results: list[tuple[int, list[Match], int, int]]) -> None:
        # documents.tokens was counted at import with _text.count_doc_tokens: the one definition.
        rows = [(pk, found, sents, self.known_tokens.pop(pk)) for pk, found, sents, _ in results]
        self.matches += tags.write_tags(self.corpus, self.codebook_hash, rows)
        self.documents += len(rows)
        self.tokens += sum(r[3] for r in rows)
        if self.bar is not None:
            self.bar.update(len(rows))
        if self.on_batch is not None:
            self.on_batch(len(rows))

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def tag_corpus(
    corpus: Corpus,
    codebook: Codebook | str | Path | None = None,
    *,
    workers: int = 1,
    batch_docs: int = 20,
    model: str | None = None,
    progress: bool = False,
    on_batch: Callable[[int], None] | None = None,
    pipeline: Language | None = None,
) -> TagSummary:
    """Tag every current document not yet tagged with ``codebook``.

    Tags of other codebooks stay; those of an earlier codebook with the same
    name (an edited file) are replaced.

    Parameters
    ----------
    corpus:
        The store.
    codebook:
        A codebook, a path, or ``None`` for the default one.
    workers:
        Processes to tag in (1: in this process). They end when this process ends.
    batch_docs:
        Documents per batch; each batch is written in one transaction.
    model:
        A trained spaCy pipeline to start from instead of a blank one.
    progress:
        Show a progress bar on stderr.
    on_batch:
        Called with the number of documents after each batch is stored.
    pipeline:
        A pipeline with the rhetoric tagger to reuse (e.g. across calls in a
        notebook, whose tokenizer has warmed up); by default a new one is built.
        Its codebook is the one used (``codebook``, if given, must be the same).

    Returns
    -------
    TagSummary

    Raises
    ------
    InputError
        When ``workers`` is below 1, or ``pipeline`` has no rhetoric tagger or
        another codebook than ``codebook``.

    Example::

        >>> tag_corpus(corpus, workers=2)  # doctest: +SKIP
    """
    if workers < 1:
        raise InputError(f"--workers: must be at least 1, not {workers}")
    if pipeline is not None:
        loaded = _pipeline_codebook(pipeline, codebook)
    else:
        loaded = codebook if isinstance(codebook, Codebook) else load_codebook(codebook)
    tags.store_codebook(corpus, loaded)
    tags.replace_same_name(corpus, loaded)
    tags.drop_superseded_tags(corpus)
    todo, total_current = tags.untagged_documents(corpus, loaded.hash)
    if workers > 1:
        # Small enough batches that every worker stays busy to the end.
        batch_docs = max(1, min(batch_docs, -(-len(todo) // (workers * 6))))
    batches = [todo[i : i + batch_docs] for i in range(0, len(todo), batch_docs)]
    state = _Progress(corpus, loaded.hash, len(todo), progress=progress, on_batch=on_batch)
    try:
        if workers == 1 or len(batches) <= 1:
            nlp = pipeline if pipeline is not None else build_pipeline(loaded, model=model)
            for pks in batches:
                state.store(list(_tag_pieces(nlp, state.texts(pks), count=False)))
        else:
            _tag_in_workers(state, batches, loaded, workers=workers, model=model, pipeline=pipeline)
    finally:
        state.close()
    summary = TagSummary(
        loaded.hash, loaded.version, state.documents, total_current - len(todo), state.matches, state.tokens
    )
    logger.info("%s", summary)
    return summary


def _tag_in_workers(
    state: _Progress,
    batches: list[list[int]],
    codebook: Codebook,
    *,
    workers: int,
    model: str | None,
    pipeline: Language | None,
) -> None:
    # fork (Linux) lets workers inherit the compiled pipeline; spawn elsewhere.
    method = "fork" if "fork" in get_all_start_methods() else "spawn"
    if method == "fork":
        global _WORKER_NLP, _WORKER_KEY
        if pipeline is not None:
            _WORKER_NLP, _WORKER_KEY = pipeline, (codebook.hash, model)
        elif (codebook.hash, model) != _WORKER_KEY:
            _WORKER_NLP = build_pipeline(codebook, model=model)
            _WORKER_KEY = (codebook.hash, model)
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=get_context(method),
        initargs=(os.getpid(), codebook.to_dict(), model),
        initializer=_init_worker,
    ) as pool:
        pending: list[Future[list[tuple[int, list[Match], int, int]]]] = []
        for pks in batches:
            pending.append(pool.submit(_work, state.texts(pks)))
            # Keep a bounded number of batches in flight so memory stays flat.
            while len(pending) >= workers * 2:
                state.store(pending.pop(0).result())
        for future in pending:
            state.store(future.result())
