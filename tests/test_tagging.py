"""Tagging the store: stored matches, idempotence, resume, re-tagging with a changed codebook."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from policytext._text import count_tokens
from policytext.cli import main
from policytext.codebook import load_codebook, parse_toml_codebook
from policytext.errors import InputError, PolicytextError
from policytext.store.corpus import Corpus, Document
from policytext.tagging import tag_corpus, tag_text

TEXTS = {
    "d1": "We will devolve power to local councils. The weather was fine.",
    "d2": "Power to the people! We will not decentralise.",
    "d3": "Nothing to see here.",
}

OTHER = """\
[[frames]]
id = "devolution"
[[patterns]]
id = "only-weather"
frame = "devolution"
phrase = "weather"
"""


@pytest.fixture
def filled(corpus: Corpus) -> Corpus:
    for doc_id, text in TEXTS.items():
        corpus.add(Document(text=text, id=doc_id))
    return corpus


def rows(corpus: Corpus, sql: str, *params: object) -> list[tuple[object, ...]]:
    return [tuple(r) for r in corpus.conn.execute(sql, params)]


def test_tagging_stores_matches_with_offsets_and_codebook(filled: Corpus) -> None:
    summary = tag_corpus(filled)
    codebook = load_codebook()
    assert summary.documents == 3
    assert summary.codebook_hash == codebook.hash
    stored = rows(
        filled,
        "SELECT d.id, d.text, m.sentence, m.sent_start, m.sent_end, m.start_char, m.end_char, m.frame, "
        "m.pattern_id, m.text, m.negated, m.codebook_hash FROM matches m JOIN documents d ON d.pk = m.doc_pk "
        "ORDER BY d.id, m.start_char",
    )
    assert stored, "the default codebook finds devolution and empowerment here"
    for (
        _doc_id,
        text,
        _sentence,
        s_start,
        s_end,
        start,
        end,
        frame,
        pattern,
        matched,
        _negated,
        hash_,
    ) in stored:
        assert isinstance(text, str)
        assert text[start:end] == matched
        assert text[s_start:s_end].strip()
        assert s_start <= start < end <= s_end
        assert hash_ == codebook.hash
        assert frame in codebook.frames
        assert any(p.id == pattern for p in codebook.patterns)
    d1 = [r for r in stored if r[0] == "d1"]
    assert {r[7] for r in d1} == {"devolution"}
    assert {r[2] for r in d1} == {0}
    d2 = {(r[7], r[10]) for r in stored if r[0] == "d2"}
    assert d2 == {("empowerment", 0), ("devolution", 1)}
    tagged = rows(
        filled,
        "SELECT d.id, t.sentences, t.tokens, t.codebook_hash FROM tagged_documents t "
        "JOIN documents d ON d.pk = t.doc_pk ORDER BY d.id",
    )
    assert tagged == [
        ("d1", 2, count_tokens(TEXTS["d1"]), codebook.hash),
        ("d2", 2, count_tokens(TEXTS["d2"]), codebook.hash),
        ("d3", 1, count_tokens(TEXTS["d3"]), codebook.hash),
    ]
    assert rows(filled, "SELECT name, version FROM codebooks") == [("policytext-default", "1.9")]


def test_tagging_is_idempotent(filled: Corpus) -> None:
    tag_corpus(filled)
    before = rows(filled, "SELECT doc_pk, sentence, start_char, frame, pattern_id FROM matches ORDER BY pk")
    again = tag_corpus(filled)
    assert (again.documents, again.skipped) == (0, 3)
    assert (
        rows(
            filled,
            "SELECT doc_pk, sentence, start_char, frame, pattern_id FROM matches ORDER BY pk",
        )
        == before
    )


def test_tagging_resumes_after_interruption(filled: Corpus) -> None:
    class Interrupted(Exception):
        pass

    def stop(_: int) -> None:
        raise Interrupted

    with pytest.raises(Interrupted):
        tag_corpus(filled, batch_docs=1, on_batch=stop)
    assert rows(filled, "SELECT count(*) FROM tagged_documents") == [(1,)]
    rest = tag_corpus(filled, batch_docs=1)
    assert (rest.documents, rest.skipped) == (2, 1)
    full = rows(filled, "SELECT doc_pk, start_char, frame FROM matches ORDER BY doc_pk, start_char")
    filled.conn.execute("DELETE FROM matches")
    filled.conn.execute("DELETE FROM tagged_documents")
    tag_corpus(filled)
    assert rows(filled, "SELECT doc_pk, start_char, frame FROM matches ORDER BY doc_pk, start_char") == full


def test_tagging_another_codebook_adds_its_tags_beside_the_first(filled: Corpus) -> None:
    tag_corpus(filled)
    default_rows = rows(filled, "SELECT doc_pk, start_char, frame FROM matches ORDER BY 1, 2, 3")
    other = parse_toml_codebook(OTHER, source="other.toml")
    summary = tag_corpus(filled, other)
    assert summary.documents == 3 and summary.skipped == 0
    assert sorted(rows(filled, "SELECT DISTINCT codebook_hash FROM tagged_documents")) == sorted(
        [(load_codebook().hash,), (other.hash,)]
    )
    assert rows(filled, "SELECT pattern_id, text FROM matches WHERE codebook_hash = ?", other.hash) == [
        ("only-weather", "weather")
    ]
    kept = rows(
        filled,
        "SELECT doc_pk, start_char, frame FROM matches WHERE codebook_hash = ? ORDER BY 1, 2, 3",
        load_codebook().hash,
    )
    assert kept == default_rows
    # Both are tagged: re-running either one tags nothing.
    assert tag_corpus(filled).documents == 0 and tag_corpus(filled, other).documents == 0


def test_tagging_same_codebook_name_with_changed_content_replaces_its_tags(filled: Corpus) -> None:
    tag_corpus(filled)
    first = parse_toml_codebook('[codebook]\nname = "mine"\n' + OTHER, source="mine.toml")
    tag_corpus(filled, first)
    edited = parse_toml_codebook(
        '[codebook]\nname = "mine"\n' + OTHER.replace('"weather"', '"fine"'), source="mine.toml"
    )
    assert edited.hash != first.hash
    tag_corpus(filled, edited)
    hashes = {h for (h,) in rows(filled, "SELECT DISTINCT codebook_hash FROM tagged_documents")}
    assert hashes == {load_codebook().hash, edited.hash}
    assert rows(filled, "SELECT count(*) FROM matches WHERE codebook_hash = ?", first.hash) == [(0,)]
    assert rows(filled, "SELECT text FROM matches WHERE codebook_hash = ?", edited.hash) == [("fine",)]


def test_tagging_a_codebook_that_fails_to_build_changes_nothing_stored(
    filled: Corpus, tmp_path: Path
) -> None:
    import hashlib

    first = tmp_path / "mine.toml"
    first.write_text('[codebook]\nname = "mine"\n' + OTHER, encoding="utf-8")
    tag_corpus(filled, first)
    before = rows(filled, "SELECT codebook_hash, doc_pk, start_char, text FROM matches ORDER BY 1, 2, 3")
    codebooks = rows(filled, "SELECT hash FROM codebooks ORDER BY hash")
    # The edited file (same name) carries a damaged classifier: it passes the codebook's
    # checks (the sha256 matches) and fails only when the pipeline is built.
    damaged = b"PK\x03\x04 not really a zip"
    (tmp_path / "damaged.npz").write_bytes(damaged)
    table = f'[classifier]\nfile = "damaged.npz"\nsha256 = "{hashlib.sha256(damaged).hexdigest()}"\n'
    first.write_text('[codebook]\nname = "mine"\n' + OTHER + "\n" + table, encoding="utf-8")
    with pytest.raises(PolicytextError):
        tag_corpus(filled, first)
    assert (
        rows(filled, "SELECT codebook_hash, doc_pk, start_char, text FROM matches ORDER BY 1, 2, 3") == before
    )
    assert rows(filled, "SELECT hash FROM codebooks ORDER BY hash") == codebooks


def test_tagging_new_document_version_drops_old_tags(filled: Corpus) -> None:
    tag_corpus(filled)
    filled.add(Document(text="Localism for all.", id="d1"))
    tag_corpus(filled)
    old_pks = rows(filled, "SELECT pk FROM documents WHERE is_current = 0")
    assert len(old_pks) == 1
    assert rows(filled, "SELECT count(*) FROM matches WHERE doc_pk = ?", old_pks[0][0]) == [(0,)]
    new = rows(filled, "SELECT m.text FROM matches m JOIN documents d ON d.pk = m.doc_pk WHERE d.id = 'd1'")
    assert new == [("Localism",)]


def test_tagging_rejects_bad_worker_count(filled: Corpus) -> None:
    with pytest.raises(InputError, match="--workers: must be at least 1, not 0"):
        tag_corpus(filled, workers=0)


def test_tagging_reuses_a_given_pipeline_with_its_codebook(filled: Corpus, tmp_path: Path) -> None:
    import spacy

    from policytext.rhetoric import build_pipeline

    query = (
        "SELECT doc_pk, sentence, start_char, frame, pattern_id, codebook_hash FROM matches ORDER BY 1, 3, 4"
    )
    tag_corpus(filled)
    built = rows(filled, query)
    filled.conn.execute("DELETE FROM matches")
    filled.conn.execute("DELETE FROM tagged_documents")
    nlp = build_pipeline()
    summary = tag_corpus(filled, pipeline=nlp)
    assert rows(filled, query) == built
    assert summary.codebook_hash == load_codebook().hash
    other = tmp_path / "other.toml"
    other.write_text(
        '[[frames]]\nid = "devolution"\n[[patterns]]\nid = "d"\nframe = "devolution"\nphrase = "localism"\n',
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"^pipeline: its tagger uses codebook policytext-default"):
        tag_corpus(filled, other, pipeline=nlp)
    with pytest.raises(InputError, match=r"^pipeline: has no policytext_rhetoric component"):
        tag_corpus(filled, pipeline=spacy.blank("en"))


def test_tagging_long_text_is_split_with_offsets_kept() -> None:
    from policytext.rhetoric import build_pipeline

    nlp = build_pipeline()
    nlp.max_length = 200
    text = ("Filler words here. " * 20 + "\n") * 3 + "We believe in localism."
    matches, sentences, tokens = tag_text(nlp, text)
    assert [text[m.start_char : m.end_char] for m in matches] == ["localism"]
    assert matches[0].sentence == sentences - 1
    assert tokens == count_tokens(text)


def test_tagging_two_workers_give_the_same_tags(filled: Corpus, tmp_path: Path) -> None:
    for number in range(40):
        filled.add(Document(text=f"Speech {number}: localism and power to the people.", id=f"extra{number}"))
    tag_corpus(filled, workers=2, batch_docs=5)
    parallel = rows(
        filled,
        "SELECT doc_pk, sentence, start_char, frame, pattern_id FROM matches ORDER BY 1, 3, 4",
    )
    filled.conn.execute("DELETE FROM matches")
    filled.conn.execute("DELETE FROM tagged_documents")
    tag_corpus(filled)
    assert (
        rows(
            filled,
            "SELECT doc_pk, sentence, start_char, frame, pattern_id FROM matches ORDER BY 1, 3, 4",
        )
        == parallel
    )


def test_tagging_cli_tag_and_rerun(runner: CliRunner, filled: Corpus, db_path: Path) -> None:
    result = runner.invoke(main, ["tag", "--db", str(db_path), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "tagged 3 documents" in result.output
    again = runner.invoke(main, ["tag", "--db", str(db_path), "--quiet"])
    assert "tagged 0 documents" in again.output and "3 already tagged" in again.output
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM tagged_documents").fetchone() == (3,)


def test_tagging_cli_workers_auto_uses_the_available_cpus(
    runner: CliRunner, filled: Corpus, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import policytext.cli.tagging as cli_tagging
    import policytext.tagging

    seen: list[int] = []
    real = policytext.tagging.tag_corpus

    def spy(*args: object, workers: int = 1, **kwargs: object) -> object:
        seen.append(workers)
        return real(*args, workers=workers, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(policytext.tagging, "tag_corpus", spy)
    monkeypatch.setattr(cli_tagging.os, "sched_getaffinity", lambda pid: {0, 1, 2}, raising=False)
    result = runner.invoke(main, ["tag", "--db", str(db_path), "--quiet", "--workers", "AUTO"])
    assert result.exit_code == 0, result.output
    assert "tagged 3 documents" in result.output and seen == [3]
    assert cli_tagging.available_cpus() == 3
    monkeypatch.delattr(cli_tagging.os, "sched_getaffinity")  # macOS, Windows: the CPU count
    monkeypatch.setattr(cli_tagging.os, "cpu_count", lambda: None)
    assert cli_tagging.available_cpus() == 1
    bad = runner.invoke(main, ["tag", "--db", str(db_path), "--workers", "many"])
    assert bad.exit_code == 2
    assert "Invalid value for '--workers': 'many' is not a whole number or 'auto'" in bad.output


def test_tagging_cli_errors_are_one_line(
    runner: CliRunner, filled: Corpus, db_path: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[[frames]]\nid = "x"\n[[patterns]]\nid = "p"\nframe = "y"\nphrase = "a"\n',
        encoding="utf-8",
    )
    result = runner.invoke(main, ["tag", "--db", str(db_path), "--codebook", str(bad)])
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {bad}:5: pattern 'p': frame 'y' is not defined in [[frames]]"
    missing = runner.invoke(main, ["tag", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 1
    assert "no corpus database here" in missing.output
    workers = runner.invoke(main, ["tag", "--db", str(db_path), "--workers", "0"])
    assert workers.exit_code == 1
    assert "Error: --workers: must be at least 1, not 0" in workers.output


def test_tagging_pipeline_runs_tag_stage(filled: Corpus, db_path: Path) -> None:
    from policytext.run import run_pipeline

    messages: list[str] = []
    run_pipeline(db_path, offline=True, echo=messages.append)
    assert any(m.startswith("tag: tagged 3 documents") for m in messages), messages


# -- codebooks side by side: choosing one, listing them -------------------------------------


def test_tagging_current_tagging_by_name_hash_path_and_default(filled: Corpus, tmp_path: Path) -> None:
    from policytext.errors import CodebookError
    from policytext.store.tags import current_tagging

    book = tmp_path / "weather.toml"
    book.write_text('[codebook]\nname = "weather"\nversion = "2"\n' + OTHER, encoding="utf-8")
    other = load_codebook(book)
    tag_corpus(filled, other)
    # Only the other codebook has tagged: it is the default choice.
    assert current_tagging(filled).codebook_hash == other.hash
    tag_corpus(filled)
    default = load_codebook()
    # The default codebook wins over a later one once it has tagged.
    tag_corpus(filled, other)
    assert current_tagging(filled).codebook_hash == default.hash
    for ref in ("weather", other.hash, other.hash[:8], str(book), book):
        tagging = current_tagging(filled, ref)
        assert tagging is not None and tagging.codebook_hash == other.hash, ref
        assert tagging.frames == ("devolution",) and tagging.documents == 3
        assert tagging.codebook == other
    assert current_tagging(filled, "policytext-default").codebook_hash == default.hash
    with pytest.raises(
        CodebookError, match=r"^--codebook: no stored codebook is named 'nope'; the store holds: "
    ):
        current_tagging(filled, "nope")
    unused = tmp_path / "unused.toml"
    unused.write_text(OTHER.replace('"weather"', '"rain"'), encoding="utf-8")
    with pytest.raises(CodebookError, match="has not tagged this corpus"):
        current_tagging(filled, unused)


def test_tagging_codebook_list_cli(runner: CliRunner, filled: Corpus, db_path: Path, tmp_path: Path) -> None:
    import json

    book = tmp_path / "weather.toml"
    book.write_text('[codebook]\nname = "weather"\nversion = "2"\n' + OTHER, encoding="utf-8")
    assert runner.invoke(main, ["tag", "--db", str(db_path), "--quiet"]).exit_code == 0
    assert (
        runner.invoke(main, ["tag", "--db", str(db_path), "--codebook", str(book), "--quiet"]).exit_code == 0
    )
    filled.conn.execute(
        "INSERT INTO evaluations (codebook_hash, gold, scores, created_at) VALUES (?, 'dev.jsonl', ?, 'now')",
        (load_codebook().hash, json.dumps({"micro": {"precision": 0.9, "recall": 0.5, "f1": 0.64}})),
    )
    filled.conn.commit()
    listed = runner.invoke(main, ["codebook", "list", "--db", str(db_path), "--format", "json"])
    assert listed.exit_code == 0, listed.output
    records = {r["name"]: r for r in json.loads(listed.output)}
    assert set(records) == {"policytext-default", "weather"}
    assert records["weather"]["documents"] == 3 and records["weather"]["version"] == "2"
    assert records["policytext-default"]["default"] is True
    assert records["policytext-default"]["scores"]["micro"]["f1"] == 0.64
    table = runner.invoke(main, ["codebook", "list", "--db", str(db_path)])
    assert "| policytext-default * | 1.9 |" in table.output and "| 0.90 | 0.50 | 0.64 |" in table.output
    shown = runner.invoke(
        main,
        ["codebook", "show", "--tagged", "--codebook", "weather", "--db", str(db_path), "--format", "json"],
    )
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output)["name"] == "weather"


def test_tagging_migration_keeps_tags_of_the_one_codebook_layout(tmp_path: Path) -> None:
    # A store tagged before 0008 (one tagging per document) keeps its tags after migrating.
    from policytext.store.tags import current_tagging

    path = tmp_path / "old.db"
    with Corpus(path, migrate=False) as old:
        old.migrate(target=7)
        old.add(Document(text=TEXTS["d1"], id="d1"))
        book = load_codebook()
        old.conn.execute(
            "INSERT INTO codebooks (hash, name, version, content, created_at) VALUES (?, ?, ?, ?, 'then')",
            (book.hash, book.name, book.version, book.to_json()),
        )
        old.conn.execute(
            "INSERT INTO tagged_documents (doc_pk, codebook_hash, sentences, tokens, tagged_at) "
            "VALUES (1, ?, 2, 12, 'then')",
            (book.hash,),
        )
        old.conn.commit()
    with Corpus.open(path) as migrated:
        tagging = current_tagging(migrated)
        assert tagging is not None and tagging.documents == 1
        assert tag_corpus(migrated).skipped == 1


# -- worker processes die with their parent -------------------------------------------------

_SLOW_TAG = """
import os, sys, time
from spacy.language import Language
from policytext.rhetoric import build_pipeline
from policytext.store.corpus import Corpus
from policytext.tagging import tag_corpus

@Language.component("hold_for_test")
def hold(doc):
    with open(sys.argv[2], "a") as out:
        out.write(f"{os.getpid()}\\n")
    time.sleep(120)  # keep the worker busy until the test has killed the parent
    return doc

nlp = build_pipeline()
nlp.add_pipe("hold_for_test", first=True)
with Corpus.open(sys.argv[1]) as corpus:
    tag_corpus(corpus, workers=2, batch_docs=1, pipeline=nlp)
"""


def _is_alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status  # a zombie has ended; only its exit status is left


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc (Linux) to watch the workers")
@pytest.mark.parametrize("signal_name", ["SIGTERM", "SIGKILL"])
def test_tagging_workers_die_with_their_killed_parent(
    filled: Corpus, tmp_path: Path, signal_name: str
) -> None:
    import signal
    import subprocess
    import sys
    import time

    for number in range(6):
        filled.add(Document(text=f"Speech {number}: localism.", id=f"extra{number}"))
    script = tmp_path / "slow_tag.py"
    script.write_text(_SLOW_TAG, encoding="utf-8")
    pids_file = tmp_path / "workers.txt"
    parent = subprocess.Popen([sys.executable, str(script), str(filled.path), str(pids_file)])
    try:
        workers: set[int] = set()
        deadline = time.monotonic() + 120  # bounded wait for both workers to be busy
        while len(workers) < 2 and time.monotonic() < deadline and parent.poll() is None:
            time.sleep(0.1)
            if pids_file.exists():
                workers = {int(p) for p in pids_file.read_text().split()}
        assert len(workers) == 2, f"workers never started (parent exit {parent.poll()})"
        parent.send_signal(getattr(signal, signal_name))
        parent.wait(timeout=30)
        deadline = time.monotonic() + 30
        while any(_is_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [pid for pid in workers if _is_alive(pid)], "a worker outlived its parent"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        for pid in workers if "workers" in locals() else ():
            if _is_alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_tagging_a_second_codebook_leaves_the_default_table_unchanged(filled: Corpus) -> None:
    # Issue 15: tagging with another codebook must not change what `table` reports by default.
    from policytext.store.tags import current_tagging
    from policytext.tables import frequency_table

    tag_corpus(filled)
    before = frequency_table(filled, bootstrap=0)
    other = parse_toml_codebook('[codebook]\nname = "weather"\n' + OTHER, source="weather.toml")
    tag_corpus(filled, other)
    after = frequency_table(filled, bootstrap=0)
    assert after.equals(before)
    weather = current_tagging(filled, "weather")
    assert weather is not None and weather.frames == ("devolution",)


def test_tagging_default_batches_follow_token_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    """By default a batch closes at BATCH_TOKENS tokens (a long document alone); batch_docs counts documents."""
    from policytext import tagging

    monkeypatch.setattr(tagging, "BATCH_TOKENS", 100)
    monkeypatch.setattr(tagging, "BATCH_MOST_DOCS", 4)
    todo = [(1, 30), (2, 30), (3, 30), (4, 30), (5, 500), (6, 1), (7, 1), (8, 1), (9, 1), (10, 1)]
    assert tagging._batches(todo, None, 1) == [[1, 2, 3], [4], [5], [6, 7, 8, 9], [10]]
    assert tagging._batches(todo, 3, 1) == [[1, 2, 3], [4, 5, 6], [7, 8, 9], [10]]
    # Two workers: about six batches each, here a token budget of 626 // 12 = 52.
    assert tagging._batches(todo, None, 2) == [[1], [2], [3], [4], [5], [6, 7, 8, 9], [10]]
    assert tagging._batches([], None, 1) == []


def test_tagging_many_short_documents_in_default_batches_as_one_at_a_time(corpus: Corpus) -> None:
    """Short documents tagged many to a batch get the tags they get one batch each."""
    texts = [
        *TEXTS.values(),
        "We must give",
        "power to the people.",
        "Localism.",
        "Devolve powers now.",
    ] * 5
    corpus.add_many(Document(text=f"{text} {i}", id=f"s{i}") for i, text in enumerate(texts))
    summary = tag_corpus(corpus)
    assert summary.documents == len(texts)
    together = rows(
        corpus, "SELECT doc_pk, sentence, start_char, end_char, frame, pattern_id FROM matches ORDER BY pk"
    )
    assert len(together) > 10
    corpus.conn.execute("DELETE FROM matches")
    corpus.conn.execute("DELETE FROM tagged_documents")
    tag_corpus(corpus, batch_docs=1)
    assert (
        rows(
            corpus,
            "SELECT doc_pk, sentence, start_char, end_char, frame, pattern_id FROM matches ORDER BY pk",
        )
        == together
    )


def test_write_tags_replaces_this_codebooks_tags_in_one_go(corpus: Corpus) -> None:
    """A batch's tags are written statement by kind: each document's earlier tags of this codebook
    go, other codebooks' stay, and a document given twice keeps its last tags (as one by one)."""
    from policytext.rhetoric import Match
    from policytext.store import tags

    corpus.add_many(Document(text=f"Power to the people, part {n}.", id=f"d{n}") for n in range(3))
    pks = [int(row[0]) for row in corpus.conn.execute("SELECT pk FROM documents ORDER BY pk")]

    def match(frame: str) -> Match:
        return Match(sentence=0, sent_start=0, sent_end=10, start_char=0, end_char=5, frame=frame,
                     pattern_id=f"{frame}-1", text="Power", negated=False)  # fmt: skip

    assert tags.write_tags(corpus, "other", [(pks[0], [match("devolution")], 1, 7)]) == 1
    assert tags.write_tags(corpus, "book", [(pk, [match("empowerment")], 1, 7) for pk in pks]) == 3
    written = tags.write_tags(
        corpus, "book", [(pks[0], [match("civil_society")] * 2, 1, 7), (pks[1], [], 1, 7), (pks[0], [], 2, 8)]
    )
    assert written == 0  # pks[0]'s last entry has no match; pks[1] none
    rows = [tuple(row) for row in corpus.conn.execute(
        "SELECT doc_pk, codebook_hash, frame FROM matches ORDER BY doc_pk, codebook_hash")]  # fmt: skip
    assert rows == [(pks[0], "other", "devolution"), (pks[2], "book", "empowerment")]
    done = [tuple(row) for row in corpus.conn.execute(
        "SELECT doc_pk, sentences, tokens FROM tagged_documents WHERE codebook_hash = 'book' ORDER BY doc_pk")]  # fmt: skip
    assert done == [(pks[0], 2, 8), (pks[1], 1, 7), (pks[2], 1, 7)]
