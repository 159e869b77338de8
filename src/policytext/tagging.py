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
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policytext._text import count_doc_tokens
from policytext.codebook import Codebook, codebook_from_dict, load_codebook
from policytext.errors import InputError
from policytext.rhetoric import Match, RhetoricTagger, build_pipeline, doc_matches, tagged_sentence_starts
from policytext.rhetoric.sentencizer import BATCH_MOST_DOCS as SENTENCIZER_BATCH_MOST_DOCS
from policytext.rhetoric.sentencizer import BATCH_TOKENS as SENTENCIZER_BATCH_TOKENS
from policytext.store import tags
from policytext.training import doc_sentence_spans, text_pieces

if TYPE_CHECKING:
    from spacy.language import Language

    from policytext.store.corpus import Corpus
    from policytext.training import FrameModel, ModelTagging

__all__ = [
    "TagSummary",
    "doc_sentence_spans",
    "is_spacy_pipeline",
    "store_codebook",
    "tag_corpus",
    "tag_text",
]

logger = logging.getLogger(__name__)

_ROW = tuple[int, int, int, int, int, str, str, str, int]
#: Default batches of :func:`tag_corpus`: about this many tokens (the tagger's own batch size,
#: so it matches a whole batch in one pass), at most BATCH_MOST_DOCS documents.
BATCH_TOKENS = SENTENCIZER_BATCH_TOKENS
BATCH_MOST_DOCS = SENTENCIZER_BATCH_MOST_DOCS


@dataclass(frozen=True)
class TagSummary:
    """What :func:`tag_corpus` did."""

    codebook_hash: str
    codebook_version: str
    documents: int
    skipped: int
    matches: int
    tokens: int
    codebook_name: str = ""
    source: str = ""

    def __str__(self) -> str:
        text = (
            f"tagged {self.documents} documents ({self.tokens} tokens, {self.matches} matches) with codebook "
            f"{self.codebook_version} [{self.codebook_hash[:12]}]; {self.skipped} already tagged"
        )
        return f"{text}; tags: {self.source}" if self.source else text


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
    _, matches, sentences, tokens, _spans = results[0]
    return matches, sentences, tokens


#: One tagged document: ``(pk, matches, sentences, tokens, sentence spans)``; the spans
#: (character offsets of each sentence, index = ``Match.sentence``) only when asked for.
_Tagged = tuple[int, list[Match], int, int, list[tuple[int, int]]]


def _tag_pieces(
    nlp: Language,
    documents: list[tuple[int, str]],
    *,
    batch_size: int = 16,
    count: bool = True,
    spans: bool = False,
) -> Iterator[_Tagged]:
    """Tag ``(pk, text)`` pairs; yield ``(pk, matches, sentences, tokens, spans)`` per document.

    With ``count=False`` tokens are not counted (0): the store already holds
    ``documents.tokens``, computed with the same definition at import. With
    ``spans=True`` the sentence spans come too (a trained model classifies sentences).
    """
    work: list[tuple[str, tuple[int, int, int]]] = []
    counts: dict[int, int] = {}
    for pk, text in documents:
        pieces = text_pieces(text, nlp.max_length)
        counts[pk] = len(pieces)
        for index, (offset, piece) in enumerate(pieces):
            work.append((piece, (pk, index, offset)))
    state: dict[int, tuple[list[Match], int, int, list[tuple[int, int]]]] = {}
    for doc, (pk, _index, offset) in nlp.pipe(work, as_tuples=True, batch_size=batch_size):
        matches, sentences, tokens, found_spans = state.get(pk, ([], 0, 0, []))
        matches.extend(doc_matches(doc, offset=offset, first_sentence=sentences))
        n_sentences = len(tagged_sentence_starts(doc))
        n_tokens = count_doc_tokens(doc) if count else 0
        if spans:
            found_spans.extend(doc_sentence_spans(doc, offset))
        state[pk] = (matches, sentences + n_sentences, tokens + n_tokens, found_spans)
        counts[pk] -= 1
        if counts[pk] == 0:
            found, total_sentences, total_tokens, all_spans = state.pop(pk)
            yield pk, found, total_sentences, total_tokens, all_spans


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


def _init_worker(parent: int, codebook_data: dict[str, Any], spacy_model: str | None) -> None:
    global _WORKER_NLP, _WORKER_KEY
    _die_with_parent(parent)
    codebook = codebook_from_dict(codebook_data)
    if (codebook.hash, spacy_model) == _WORKER_KEY:
        return  # forked from a parent that already built this pipeline
    _WORKER_NLP = build_pipeline(codebook, model=spacy_model)
    _WORKER_KEY = (codebook.hash, spacy_model)


def _work(documents: list[tuple[int, str]], spans: bool = False) -> list[_Tagged]:
    return list(_tag_pieces(_WORKER_NLP, documents, count=False, spans=spans))


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

    def __init__(
        self,
        corpus: Corpus,
        codebook_hash: str,
        total: int,
        *,
        progress: bool,
        on_batch: Callable[[int], None] | None,
        combined: ModelTagging | None = None,
    ) -> None:
        self.corpus, self.codebook_hash, self.on_batch = corpus, codebook_hash, on_batch
        self.combined = combined
        self.documents = self.matches = self.tokens = 0
        self.known_tokens: dict[int, int] = {}
        self.known_texts: dict[int, str] = {}
        self.bar: Any = None
        if progress:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="doc", desc="tag", leave=False)

    def texts(self, pks: list[int]) -> list[tuple[int, str]]:
        out = []
        for pk, text, count in tags.document_texts(self.corpus, pks):
            self.known_tokens[pk] = count
            if self.combined is not None:
                self.known_texts[pk] = text
            out.append((pk, text))
        return out

    def store(self, results: list[_Tagged]) -> None:
        if self.combined is not None:
            texts = [self.known_texts.pop(r[0]) for r in results]
            combined = self.combined.apply([(t, r[1], r[4]) for t, r in zip(texts, results, strict=True)])
            results = [(r[0], found, r[2], r[3], r[4]) for r, found in zip(results, combined, strict=True)]
        # documents.tokens was counted at import with _text.count_doc_tokens: the one definition.
        rows = [(pk, found, sents, self.known_tokens.pop(pk)) for pk, found, sents, _, _ in results]
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
    batch_docs: int | None = None,
    model: FrameModel | str | Path | None = None,
    combine: str | None = None,
    spacy_model: str | None = None,
    models_dir: str | Path | None = None,
    progress: bool = False,
    on_batch: Callable[[int], None] | None = None,
    pipeline: Language | None = None,
) -> TagSummary:
    """Tag every current document not yet tagged with ``codebook`` (and ``model``).

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
        Documents per batch; each batch is written in one transaction. By default a
        batch closes at about 100,000 tokens (``documents.tokens``; at most 1,000
        documents), so short documents are tagged many at a time.
    model:
        A frame model trained with ``policytext train`` on this codebook: its name (in
        ``models_dir``), a ``.model`` path or a :class:`~policytext.training.FrameModel`.
        Its tags are stored under a derived codebook key named ``CODEBOOK+MODEL``
        (:func:`policytext.training.derived_codebook`); model matches span their sentence
        and carry the pattern id ``model:NAME@SHA12``. An installed spaCy package name
        (``en_core_web_sm``) given here is taken as ``spacy_model`` with a warning.
    combine:
        ``codebook``, ``model``, ``union`` (default with a model) or ``stacked``.
    spacy_model:
        A trained spaCy pipeline (package name or folder) to start from instead of a
        blank one (``tag --pipeline``).
    models_dir:
        Where model names are looked up (default: ``models/`` beside the database).
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
        When ``workers`` is below 1, ``combine`` comes without ``model``, or ``pipeline``
        has no rhetoric tagger or another codebook than ``codebook``.
    PolicytextError
        When the model is missing, altered or was trained with another codebook.

    Example::

        >>> tag_corpus(corpus, workers=2)  # doctest: +SKIP
        >>> tag_corpus(corpus, model="frames", combine="union")  # doctest: +SKIP
    """
    if workers < 1:
        raise InputError(f"--workers: must be at least 1, not {workers}")
    if pipeline is not None:
        loaded = _pipeline_codebook(pipeline, codebook)
    else:
        loaded = codebook if isinstance(codebook, Codebook) else load_codebook(codebook)
    model, spacy_model = _spacy_model_given_as_model(model, spacy_model, corpus, models_dir)
    combined = _model_tagging(corpus, loaded, model, combine, models_dir)
    key = combined.codebook if combined is not None else loaded
    # Built before the store changes: a codebook that fails only here (a classifier file that
    # is damaged or predicts frames the codebook lacks) leaves the store, and the tags of an
    # earlier codebook of the same name, as they were.
    # (With workers a blank pipeline is enough for that: the workers load a trained one.)
    nlp = (
        pipeline
        if pipeline is not None
        else build_pipeline(loaded, model=spacy_model if workers == 1 else None)
    )
    tags.store_codebook(corpus, key)
    tags.replace_same_name(corpus, key)
    tags.drop_superseded_tags(corpus)
    todo, total_current = tags.untagged_documents(corpus, key.hash)
    batches = _batches(todo, batch_docs, workers)
    state = _Progress(corpus, key.hash, len(todo), progress=progress, on_batch=on_batch, combined=combined)
    spans = combined is not None
    try:
        if workers == 1 or len(batches) <= 1:
            if pipeline is None and workers > 1 and spacy_model is not None:
                nlp = build_pipeline(loaded, model=spacy_model)  # one batch: tagged here after all
            for pks in batches:
                state.store(list(_tag_pieces(nlp, state.texts(pks), count=False, spans=spans)))
        else:
            _tag_in_workers(state, batches, loaded, workers=workers, model=spacy_model, pipeline=pipeline,
                            spans=spans)  # fmt: skip
    finally:
        state.close()
    summary = TagSummary(
        key.hash, key.version, state.documents, total_current - len(todo), state.matches, state.tokens,
        codebook_name=key.name, source=_source_note(combined),
    )  # fmt: skip
    logger.info("%s", summary)
    return summary


def _batches(todo: list[tuple[int, int]], batch_docs: int | None, workers: int) -> list[list[int]]:
    """The documents' keys cut into batches (``todo``: ``(pk, tokens)`` in order).

    ``batch_docs`` documents each when given, else about :data:`BATCH_TOKENS` tokens
    each (at least one document, at most :data:`BATCH_MOST_DOCS`). With several
    workers batches are small enough that each has about six to do, so every worker
    stays busy to the end.
    """
    if batch_docs is not None:
        if workers > 1:
            batch_docs = max(1, min(batch_docs, -(-len(todo) // (workers * 6))))
        return [[pk for pk, _ in todo[i : i + batch_docs]] for i in range(0, len(todo), batch_docs)]
    budget = BATCH_TOKENS
    if workers > 1:
        budget = max(1, min(budget, sum(tokens for _, tokens in todo) // (workers * 6)))
    batches: list[list[int]] = []
    batch: list[int] = []
    size = 0
    for pk, tokens in todo:
        if batch and (size + tokens > budget or len(batch) >= BATCH_MOST_DOCS):
            batches.append(batch)
            batch, size = [], 0
        batch.append(pk)
        size += tokens
    if batch:
        batches.append(batch)
    return batches


def is_spacy_pipeline(name: str) -> bool:
    """Whether ``name`` is an installed spaCy pipeline package or a pipeline folder (``config.cfg``).

    Example::

        >>> is_spacy_pipeline("no_such_pipeline_xyz")
        False
    """
    import spacy

    if spacy.util.is_package(name):
        return True
    path = Path(name)
    return path.is_dir() and (path / "config.cfg").is_file()


def _models_dir(corpus: Corpus, models_dir: str | Path | None) -> Path:
    from policytext.training import models_folder

    if models_dir is not None:
        return Path(models_dir)
    if str(corpus.path) == ":memory:":
        return Path("models")
    return models_folder(corpus.path)


def _spacy_model_given_as_model(
    model: FrameModel | str | Path | None,
    spacy_model: str | None,
    corpus: Corpus,
    models_dir: str | Path | None,
) -> tuple[FrameModel | str | Path | None, str | None]:
    """``model="en_core_web_sm"`` from before ``--pipeline``: a spaCy pipeline, with a warning."""
    if not isinstance(model, (str, Path)) or spacy_model is not None:
        return model, spacy_model
    name = str(model)
    if Path(name).suffix == ".model" or (_models_dir(corpus, models_dir) / f"{name}.model").exists():
        return model, spacy_model
    if not is_spacy_pipeline(name):
        return model, spacy_model
    logger.warning(
        "--model %s is a spaCy pipeline: spell it --pipeline %s (--model now names a model trained "
        "with `policytext train`)", name, name,
    )  # fmt: skip
    return None, name


def _model_tagging(
    corpus: Corpus,
    codebook: Codebook,
    model: FrameModel | str | Path | None,
    combine: str | None,
    models_dir: str | Path | None,
) -> ModelTagging | None:
    from policytext.training import model_tagging

    if model is None:
        if combine not in (None, "codebook"):
            raise InputError(
                f"--combine {combine}: needs --model NAME (a model trained with `policytext train`)"
            )
        return None
    mode = combine or "union"
    tagging = model_tagging(model, codebook, mode=mode, folder=_models_dir(corpus, models_dir))
    return None if mode == "codebook" else tagging


def _source_note(combined: ModelTagging | None) -> str:
    if combined is None:
        return ""
    return (
        f"{combined.mode} of codebook {combined.base.name} [{combined.base.hash[:12]}] and model "
        f"{combined.name} sha256 {combined.sha256[:12]}; tables read these tags with "
        f"--codebook {combined.codebook.name}"
    )


def _tag_in_workers(
    state: _Progress,
    batches: list[list[int]],
    codebook: Codebook,
    *,
    workers: int,
    model: str | None,
    pipeline: Language | None,
    spans: bool = False,
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
        pending: list[Future[list[_Tagged]]] = []
        for pks in batches:
            pending.append(pool.submit(_work, state.texts(pks), spans))
            # Keep a bounded number of batches in flight so memory stays flat.
            while len(pending) >= workers * 2:
                state.store(pending.pop(0).result())
        for future in pending:
            state.store(future.result())
