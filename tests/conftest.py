"""Shared fixtures: temporary stores, the CLI runner, the path to ../shared/data."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from policytext.store.corpus import Corpus

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


@pytest.fixture
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
# The tagger lives on another branch, so tests store its output rows directly with SQL,
# in the shape of migration 0003: codebooks, tagged_documents, matches.

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


def store_tagged(
    store: Corpus,
    docs: list[dict[str, object]],
    *,
    codebook_hash: str = "cb-test-1",
    codebook: dict[str, object] | None = None,
    tagged_at: str = "2026-01-01T00:00:00+00:00",
) -> dict[str, int]:
    """Add documents and their tags; return doc id -> pk.

    Each doc is a dict of Document fields plus ``sentences`` (list of str, joined
    by spaces into the text) and ``tags``: (sentence index, frame, phrase[, negated])
    tuples; every occurrence of ``phrase`` (case-insensitive) in that sentence
    becomes a match.
    """
    import json
    import re

    from policytext.store.corpus import Document

    if codebook is None:
        codebook = {
            "name": "test codebook",
            "version": "1.0",
            "frames": [{"id": f, "patterns": [{"id": f"{f}-1"}]} for f in TEST_FRAMES],
        }
    pks: dict[str, int] = {}
    with store.transaction() as conn:
        conn.execute(
            "INSERT OR IGNORE INTO codebooks (hash, name, version, content, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (
                codebook_hash,
                codebook.get("name"),
                codebook.get("version"),
                json.dumps(codebook),
                tagged_at,
            ),
        )
        for spec in docs:
            spec = dict(spec)
            sentences = list(spec.pop("sentences"))  # type: ignore[call-overload]
            tags = list(spec.pop("tags", []))  # type: ignore[call-overload]
            text = " ".join(sentences)
            store.add(Document(text=text, **spec))  # type: ignore[arg-type]
            row = conn.execute(
                "SELECT pk, tokens FROM documents WHERE id = ? AND is_current = 1", (spec["id"],)
            ).fetchone()
            pk = int(row["pk"])
            pks[str(spec["id"])] = pk
            starts, offset = [], 0
            for sentence in sentences:
                starts.append(offset)
                offset += len(sentence) + 1
            for tag in tags:
                index, frame, phrase = tag[0], tag[1], tag[2]
                negated = int(tag[3]) if len(tag) > 3 else 0
                s_start = starts[index]
                s_end = s_start + len(sentences[index])
                found = list(re.finditer(re.escape(phrase), sentences[index], re.IGNORECASE))
                assert found, f"{phrase!r} not in sentence {index} of {spec['id']}"
                for hit in found:
                    conn.execute(
                        "INSERT INTO matches (doc_pk, codebook_hash, sentence, sent_start, "
                        "sent_end, "
                        "start_char, end_char, frame, pattern_id, text, negated) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (
                            pk,
                            codebook_hash,
                            index,
                            s_start,
                            s_end,
                            s_start + hit.start(),
                            s_start + hit.end(),
                            frame,
                            f"{frame}-1",
                            hit.group(0),
                            negated,
                        ),
                    )
            conn.execute(
                "INSERT OR REPLACE INTO tagged_documents "
                "(doc_pk, codebook_hash, sentences, tokens, tagged_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (pk, codebook_hash, len(sentences), row["tokens"], tagged_at),
            )
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
