"""Shared fixtures: temporary stores, the CLI runner, the path to ../shared/data."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from policytext.store.corpus import Corpus

if TYPE_CHECKING:
    from policytext.codebook import Codebook

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED_DATA = Path(os.environ.get("POLICYTEXT_SHARED_DATA", ROOT.parent / "shared" / "data"))
SHARED_EVAL = SHARED_DATA.parent / "eval"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip `realdata` tests, with the reason, when ../shared/data is absent."""
    if SHARED_DATA.is_dir():
        return
    skip = pytest.mark.skip(reason=f"real data not found at {SHARED_DATA} (set POLICYTEXT_SHARED_DATA)")
    for item in items:
        if "realdata" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real-data folder ../shared/data (realdata tests only)."""
    return SHARED_DATA


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A path for a new corpus database in a temporary folder."""
    return tmp_path / "corpus" / "test.db"


@pytest.fixture
def corpus(db_path: Path) -> Iterator[Corpus]:
    """An empty corpus store on disk."""
    store = Corpus.open(db_path)
    yield store
    store.close()


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A Click runner with POLICYTEXT_DB unset."""
    monkeypatch.delenv("POLICYTEXT_DB", raising=False)
    return CliRunner()


# -- tagged fixture corpora (tables, kwic, keyness, report) ------------------------------
# Tags are written through the store (policytext.store.tags), as the tagger writes them,
# with a real codebook whose frames are TEST_FRAMES: no test writes a layout of its own.

TEST_FRAMES = (
    "empowerment",
    "devolution",
    "social_action",
    "civil_society",
    "market_reform",
    "collaboration",
    "responsibility",
    "targeting",
)


def test_codebook(spec: dict[str, object] | None = None) -> Codebook:
    """The codebook of ``store_tagged``: ``{"name", "version", "frames": [ids]}`` (default: TEST_FRAMES).

    Every frame gets one pattern, ``<frame>-1``, the pattern id of the fixture's matches.
    """
    from policytext.codebook import codebook_from_dict

    spec = spec or {"name": "test codebook", "version": "1.0", "frames": list(TEST_FRAMES)}
    frames = [str(f["id"]) if isinstance(f, dict) else str(f) for f in spec.get("frames", TEST_FRAMES)]  # type: ignore[attr-defined]
    return codebook_from_dict(
        {
            "codebook": {
                "name": spec.get("name", "test codebook"),
                "version": str(spec.get("version", "1.0")),
            },
            "frames": [{"id": f, "label": f} for f in frames],
            "patterns": [{"id": f"{f}-1", "frame": f, "phrase": f"={f}"} for f in frames],
        },
        source="<test codebook>",
    )


test_codebook.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test

#: The hash of the default ``store_tagged`` codebook.
TEST_CODEBOOK_HASH = test_codebook().hash


def store_tagged(
    store: Corpus,
    docs: list[dict[str, object]],
    *,
    codebook: dict[str, object] | None = None,
    tagged_at: str = "2026-01-01T00:00:00+00:00",
) -> dict[str, int]:
    """Add documents and their tags through the store; return doc id -> pk.

    Each doc is a dict of Document fields plus ``sentences`` (list of str, joined
    by spaces into the text) and ``tags``: (sentence index, frame, phrase[, negated])
    tuples; every occurrence of ``phrase`` (case-insensitive) in that sentence
    becomes a match. ``codebook`` is a ``test_codebook`` spec.
    """
    import re

    from policytext.rhetoric import Match
    from policytext.store import tags
    from policytext.store.corpus import Document

    book = test_codebook(codebook)
    tags.store_codebook(store, book)
    pks: dict[str, int] = {}
    for spec in docs:
        spec = dict(spec)
        sentences = list(spec.pop("sentences"))  # type: ignore[call-overload]
        found_tags = list(spec.pop("tags", []))  # type: ignore[call-overload]
        store.add(Document(text=" ".join(sentences), **spec))  # type: ignore[arg-type]
        pk, tokens = tags.document_tokens(store, str(spec["id"]))
        pks[str(spec["id"])] = pk
        starts, offset = [], 0
        for sentence in sentences:
            starts.append(offset)
            offset += len(sentence) + 1
        matches = []
        for tag in found_tags:
            index, frame, phrase = tag[0], tag[1], tag[2]
            s_start = starts[index]
            found = list(re.finditer(re.escape(phrase), sentences[index], re.IGNORECASE))
            assert found, f"{phrase!r} not in sentence {index} of {spec['id']}"
            matches += [
                Match(
                    sentence=index,
                    sent_start=s_start,
                    sent_end=s_start + len(sentences[index]),
                    start_char=s_start + hit.start(),
                    end_char=s_start + hit.end(),
                    frame=frame,
                    pattern_id=f"{frame}-1",
                    text=hit.group(0),
                    negated=bool(tag[3]) if len(tag) > 3 else False,
                )
                for hit in found
            ]
        tags.write_tags(store, book.hash, [(pk, matches, len(sentences), tokens)], tagged_at=tagged_at)
    return pks


# Ten-token sentences (spaCy tokens that are not punctuation), so rates are easy to check by hand.
EMP3 = "We empower people, empower places and empower the whole nation."
EMP = "We must empower people and communities across the whole country."
DEV = "We will devolve power from Whitehall to towns and cities."
BOTH = "Empower communities and devolve budgets to every local council now."
BIG = "The Big Society means people taking charge of their lives."
FILL = "The weather was fine and the meeting ended on time."

SMALL_CORPUS: list[dict[str, object]] = [
    {
        "id": "b1",
        "speaker": "Tony Blair",
        "date": "1998-03-01",
        "doc_type": "speech",
        "source": "test",
        "sentences": [EMP3, FILL, FILL, FILL],
        "tags": [(0, "empowerment", "empower")],
    },
    {
        "id": "b2",
        "speaker": "Tony Blair",
        "date": "1999",
        "doc_type": "speech",
        "source": "test",
        "sentences": [DEV, DEV, FILL, FILL, FILL, FILL],
        "tags": [(0, "devolution", "devolve"), (1, "devolution", "devolve")],
    },
    {
        "id": "c1",
        "speaker": "David Cameron",
        "date": "2010-10-06",
        "doc_type": "speech",
        "source": "test",
        "sentences": [BIG, EMP, FILL, FILL],
        "tags": [(0, "civil_society", "Big Society"), (1, "empowerment", "empower")],
    },
    {
        "id": "c2",
        "speaker": "David Cameron",
        "date": "2011",
        "doc_type": "white_paper",
        "source": "test",
        "sentences": [BIG, BOTH, FILL, FILL, FILL],
        "tags": [
            (0, "civil_society", "Big Society"),
            (1, "empowerment", "Empower"),
            (1, "devolution", "devolve"),
        ],
    },
    {
        "id": "c3",
        "speaker": "David Cameron",
        "date": "2012-05",
        "doc_type": "speech",
        "source": "test",
        "sentences": [EMP, FILL],
        "tags": [(0, "empowerment", "empower", True)],
    },
    {"id": "x1", "source": "test", "sentences": [FILL]},
]


@pytest.fixture
def small_tagged(corpus: Corpus) -> Corpus:
    """The small hand-checked corpus of SMALL_CORPUS, tagged (see store_tagged)."""
    store_tagged(corpus, SMALL_CORPUS)
    return corpus


@pytest.fixture
def site_server() -> Iterator[object]:
    """A real HTTP server on 127.0.0.1 serving routes a test sets (tests/site_server.py)."""
    from site_server import SiteServer

    server = SiteServer().start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _no_real_catalogue(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """`policytext run` scrapes corpus/catalogue.toml: never the real one (real hosts) in tests."""
    import policytext.run

    missing = tmp_path_factory.getbasetemp() / "no-catalogue.toml"
    monkeypatch.setattr(policytext.run, "DEFAULT_CATALOGUE", missing, raising=False)
