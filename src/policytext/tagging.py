"""Tag the corpus store: run the rhetoric pipeline over every current document.

Matches are stored per document in the ``matches`` table (sentence index,
sentence and match character offsets in ``documents.text``, frame, pattern id,
matched text, negation flag) with the codebook's hash; ``tagged_documents``
records which codebook tagged each document, its sentence count and its token
count (``_text.count_doc_tokens``). Documents are written in batches, each in
one transaction, so an interrupted run keeps every finished batch and the next
run resumes with the rest. A document already tagged with another codebook is
re-tagged and its old matches replaced.

Example::

    >>> from policytext.store.corpus import Corpus, Document
    >>> with Corpus.open(":memory:") as corpus:
    ...     _ = corpus.add(Document(text="We will devolve power to councils.", id="d1"))
    ...     tag_corpus(corpus).documents
    1
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_all_start_methods, get_context
from typing import TYPE_CHECKING, Any

from policytext._text import count_doc_tokens, split_for_spacy
from policytext.codebook import Codebook, codebook_from_dict, load_codebook
from policytext.errors import InputError

if TYPE_CHECKING:
    from pathlib import Path

    from spacy.language import Language

    from policytext.rhetoric import Match
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
    from policytext.rhetoric import doc_matches, sentence_starts

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


def _init_worker(codebook_data: dict[str, Any], model: str | None) -> None:
    global _WORKER_NLP, _WORKER_KEY
    from policytext.rhetoric import build_pipeline

    codebook = codebook_from_dict(codebook_data)
    if (codebook.hash, model) == _WORKER_KEY:
        return  # forked from a parent that already built this pipeline
    _WORKER_NLP = build_pipeline(codebook, model=model)
    _WORKER_KEY = (codebook.hash, model)


def _work(documents: list[tuple[int, str]]) -> list[tuple[int, list[Match], int, int]]:
    return list(_tag_pieces(_WORKER_NLP, documents, count=False))


# -- the store ----------------------------------------------------------------------------


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def store_codebook(corpus: Corpus, codebook: Codebook) -> None:
    """Record ``codebook`` (hash, name, version, canonical content) in the store.

    Example::

        >>> store_codebook(corpus, load_codebook())  # doctest: +SKIP
    """
    with corpus.transaction() as conn:
        conn.execute(
            "INSERT OR IGNORE INTO codebooks (hash, name, version, content, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (codebook.hash, codebook.name, codebook.version, codebook.to_json(), _now()),
        )


def _write(corpus: Corpus, codebook_hash: str, results: list[tuple[int, list[Match], int, int]]) -> int:
    written = 0
    now = _now()
    with corpus.transaction() as conn:
        for pk, matches, sentences, tokens in results:
            conn.execute("DELETE FROM matches WHERE doc_pk = ?", (pk,))
            conn.executemany(
                "INSERT INTO matches (doc_pk, codebook_hash, sentence, sent_start, sent_end, start_char, "
                "end_char, frame, pattern_id, text, negated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        pk,
                        codebook_hash,
                        m.sentence,
                        m.sent_start,
                        m.sent_end,
                        m.start_char,
                        m.end_char,
                        m.frame,
                        m.pattern_id,
                        m.text,
                        int(m.negated),
                    )  # fmt: skip
                    for m in matches
                ],
            )
            conn.execute(
                "INSERT OR REPLACE INTO tagged_documents "
                "(doc_pk, codebook_hash, sentences, tokens, tagged_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (pk, codebook_hash, sentences, tokens, now),
            )
            written += len(matches)
    return written


def _pipeline_codebook(pipeline: Language, codebook: Codebook | str | Path | None) -> Codebook:
    """The codebook of ``pipeline``'s rhetoric tagger, checked against ``codebook`` when given."""
    from policytext.rhetoric import RhetoricTagger

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

    Parameters
    ----------
    corpus:
        The store.
    codebook:
        A codebook, a path, or ``None`` for the default one.
    workers:
        Processes to tag in (1: in this process).
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
    store_codebook(corpus, loaded)
    conn = corpus.conn
    with corpus.transaction():
        # Tags of superseded document versions are no longer current.
        conn.execute("DELETE FROM matches WHERE doc_pk IN (SELECT pk FROM documents WHERE is_current = 0)")
        conn.execute(
            "DELETE FROM tagged_documents WHERE doc_pk IN (SELECT pk FROM documents WHERE is_current = 0)"
        )
    todo = [
        int(row[0])
        for row in conn.execute(
            "SELECT d.pk FROM documents d LEFT JOIN tagged_documents t ON t.doc_pk = d.pk "
            "WHERE d.is_current = 1 AND (t.doc_pk IS NULL OR t.codebook_hash != ?) ORDER BY d.pk",
            (loaded.hash,),
        )
    ]
    total_current = int(conn.execute("SELECT count(*) FROM documents WHERE is_current = 1").fetchone()[0])
    if workers > 1:
        # Small enough batches that every worker stays busy to the end.
        batch_docs = max(1, min(batch_docs, -(-len(todo) // (workers * 6))))
    batches = [todo[i : i + batch_docs] for i in range(0, len(todo), batch_docs)]

    known_tokens: dict[int, int] = {}

    def texts(pks: list[int]) -> list[tuple[int, str]]:
        marks = ", ".join("?" for _ in pks)
        rows = conn.execute(f"SELECT pk, text, tokens FROM documents WHERE pk IN ({marks}) ORDER BY pk", pks)
        out = []
        for pk, text, count in rows:
            known_tokens[int(pk)] = int(count)
            out.append((int(pk), str(text)))
        return out

    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(todo), unit="doc", desc="tag", leave=False)
    documents = matches = tokens = 0

    def store(results: list[tuple[int, list[Match], int, int]]) -> None:
        nonlocal documents, matches, tokens
        # documents.tokens was counted at import with _text.count_doc_tokens: the one definition.
        results = [(pk, found, sents, known_tokens.pop(pk)) for pk, found, sents, _ in results]
        matches += _write(corpus, loaded.hash, results)
        documents += len(results)
        tokens += sum(r[3] for r in results)
        if bar is not None:
            bar.update(len(results))
        if on_batch is not None:
            on_batch(len(results))

    try:
        if workers == 1 or len(batches) <= 1:
            from policytext.rhetoric import build_pipeline

            nlp = pipeline if pipeline is not None else build_pipeline(loaded, model=model)
            for pks in batches:
                store(list(_tag_pieces(nlp, texts(pks), count=False)))
        else:
            # fork (Linux) lets workers inherit the compiled pipeline; spawn elsewhere.
            method = "fork" if "fork" in get_all_start_methods() else "spawn"
            if method == "fork":
                global _WORKER_NLP, _WORKER_KEY
                from policytext.rhetoric import build_pipeline

                if pipeline is not None:
                    _WORKER_NLP, _WORKER_KEY = pipeline, (loaded.hash, model)
                elif (loaded.hash, model) != _WORKER_KEY:
                    _WORKER_NLP = build_pipeline(loaded, model=model)
                    _WORKER_KEY = (loaded.hash, model)
            context = get_context(method)
            with ProcessPoolExecutor(
                max_workers=workers,
                mp_context=context,
                initargs=(loaded.to_dict(), model),
                initializer=_init_worker,
            ) as pool:
                pending: list[Future[list[tuple[int, list[Match], int, int]]]] = []
                for pks in batches:
                    pending.append(pool.submit(_work, texts(pks)))
                    # Keep a bounded number of batches in flight so memory stays flat.
                    while len(pending) >= workers * 2:
                        store(pending.pop(0).result())
                for future in pending:
                    store(future.result())
    finally:
        if bar is not None:
            bar.close()
    summary = TagSummary(loaded.hash, loaded.version, documents, total_current - len(todo), matches, tokens)
    logger.info("%s", summary)
    return summary
