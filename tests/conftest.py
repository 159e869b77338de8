"""Shared fixtures: temporary stores, the CLI runner, the path to ../shared/data."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from policytext.corpus import Corpus

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
    import policytext.pipeline

    missing = tmp_path_factory.getbasetemp() / "no-catalogue.toml"
    monkeypatch.setattr(policytext.pipeline, "DEFAULT_CATALOGUE", missing, raising=False)
