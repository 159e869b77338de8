"""The SQLite corpus store: round-trips, idempotence, versions, migrations, atomicity."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from policytext.errors import MetadataError, SchemaError, StoreError
from policytext.store.corpus import _MIGRATIONS, SCHEMA_VERSION, AddOutcome, Corpus, Document, default_db_path


def _doc(n: int, **extra: object) -> Document:
    values: dict[str, object] = {
        "id": f"d{n}",
        "text": f"Speech number {n}. We will give power to communities.",
        "speaker": "Tony Blair",
        "date": f"2001-06-0{n % 9 + 1}",
        "source": "test",
        "url": f"http://example.org/{n}",
        "doc_type": "speech",
    }
    values.update(extra)
    return Document(**values)  # type: ignore[arg-type]


def test_corpus_round_trip_keeps_metadata(corpus: Corpus) -> None:
    doc = Document(
        id="hugo-young",
        text="The Big Society.\n\nWe must redistribute power.",
        speaker="The Rt Hon David Cameron MP",
        date="2009-11-10",
        title="The Big Society (Hugo Young lecture)",
        doc_type="lecture",
        venue="Kings Place, London",
        source="test",
        url="http://example.org/hugo",
        sha256="ab" * 32,
        retrieved_at="2026-01-01T00:00:00+00:00",
        extractor_version="x/1",
    )
    assert corpus.add(doc) is AddOutcome.ADDED
    stored = corpus.get("hugo-young")
    assert stored is not None
    assert stored.text == doc.text
    assert stored.speaker == "David Cameron"
    assert stored.party == "Conservative"  # from the registry
    assert (stored.date, stored.date_precision, stored.year) == ("2009-11-10", "day", 2009)
    assert stored.government == "Brown"  # an opposition leader under the government of the day
    assert (stored.title, stored.doc_type, stored.venue) == (doc.title, "lecture", doc.venue)
    assert (stored.sha256, stored.retrieved_at, stored.extractor_version) == (
        doc.sha256,
        doc.retrieved_at,
        "x/1",
    )
    assert stored.tokens == 7  # The Big Society We must redistribute power
    assert stored.status == "ok"


def test_corpus_partial_dates_are_kept_and_grouped(corpus: Corpus) -> None:
    corpus.add(_doc(1, date="1998"))
    corpus.add(_doc(2, date="1998-09"))
    corpus.add(_doc(3, date="1998-09-21"))
    assert [d.date for d in corpus.query()] == ["1998", "1998-09", "1998-09-21"]
    assert corpus.summary("year") == [{"value": 1998, "documents": 3, "tokens": 3 * 9}]
    # A year-only document is inside a year range but not inside a narrower one: nothing is invented.
    assert corpus.count(since="1998", until="1998") == 3
    assert corpus.count(since="1998-09") == 2
    assert corpus.count(since="1998-09", until="1998-09-30") == 2


def test_corpus_same_document_twice_is_stored_once(corpus: Corpus) -> None:
    assert corpus.add(_doc(1)) is AddOutcome.ADDED
    assert corpus.add(_doc(1)) is AddOutcome.UNCHANGED
    # Same source and URL and text, no id: the same document.
    assert corpus.add(_doc(1, id=None)) is AddOutcome.UNCHANGED
    assert corpus.count() == 1
    assert corpus.count(all_versions=True) == 1


def test_corpus_changed_text_is_a_new_version_old_kept(corpus: Corpus) -> None:
    corpus.add(_doc(1))
    assert corpus.add(_doc(1, text="A corrected transcript.")) is AddOutcome.NEW_VERSION
    versions = corpus.versions("d1")
    assert [(v.version, v.is_current) for v in versions] == [(1, False), (2, True)]
    assert versions[0].text.startswith("Speech number 1")
    assert corpus.get("d1").text == "A corrected transcript."  # type: ignore[union-attr]
    assert corpus.get("d1", version=1).text.startswith("Speech number 1")  # type: ignore[union-attr]
    assert corpus.count() == 1
    assert corpus.count(all_versions=True) == 2


def test_corpus_same_text_new_metadata_updates_in_place(corpus: Corpus) -> None:
    corpus.add(_doc(1, title=None, date=None))
    assert corpus.add(_doc(1, title="Better title", date="2001-06-07")) is AddOutcome.UPDATED
    stored = corpus.get("d1")
    assert stored is not None
    assert (stored.title, stored.year, stored.government, stored.version) == (
        "Better title",
        2001,
        "Blair",
        1,
    )


def test_corpus_withdrawn_status(corpus: Corpus) -> None:
    corpus.add(_doc(1, status="withdrawn"))
    assert corpus.get("d1").status == "withdrawn"  # type: ignore[union-attr]
    with pytest.raises(MetadataError, match="status 'gone'"):
        corpus.add(_doc(2, status="gone"))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("date", "31/02/2001", r"document 'd1': date: cannot read '31/02/2001'"),
        ("date", "2001-02-31", r"document 'd1': date: '2001-02-31' is not a calendar date"),
        ("doc_type", "tweet", r"document 'd1': doc_type 'tweet' is not one of speech"),
        ("text", "   ", r"document 'd1': 'text' is empty"),
    ],
)
def test_corpus_bad_metadata_is_a_one_line_error(
    corpus: Corpus, field: str, value: str, message: str
) -> None:
    with pytest.raises(MetadataError, match=message):
        corpus.add(_doc(1, **{field: value}))
    assert corpus.count() == 0


def test_corpus_query_filters(corpus: Corpus) -> None:
    corpus.add(
        _doc(
            1,
            speaker="Gordon Brown",
            date="2008-07-09",
            doc_type="white_paper",
            text="Communities in control of their neighbourhoods.",
        )
    )
    corpus.add(
        _doc(
            2,
            speaker="David Cameron",
            date="2010-07-19",
            text="The Big Society is about a huge culture change.",
        )
    )
    corpus.add(_doc(3, speaker="Ed Miliband", date="2012-10-02", source="other", text="One Nation Labour."))
    assert [d.id for d in corpus.query(speaker="Mr Cameron")] == ["d2"]
    assert [d.id for d in corpus.query(party="Lab")] == ["d1", "d3"]
    assert [d.id for d in corpus.query(doc_type="white_paper")] == ["d1"]
    assert [d.id for d in corpus.query(source="other")] == ["d3"]
    assert [d.id for d in corpus.query(since="2009", until="2011")] == ["d2"]
    assert [d.id for d in corpus.query(government="Cameron-Clegg coalition")] == ["d2", "d3"]
    assert [d.id for d in corpus.query(text='"big society"')] == ["d2"]
    assert [d.id for d in corpus.query(text="neighbourhood")] == ["d1"]  # stemmed
    assert [d.id for d in corpus.query(year=[2008, 2012])] == ["d1", "d3"]
    assert all(d.text == "" for d in corpus.query(include_text=False))
    with pytest.raises(InputError, match="^text: .* is not a full-text query"):
        list(corpus.query(text='"unbalanced'))


def test_corpus_iter_texts_streams(corpus: Corpus) -> None:
    corpus.add_many(_doc(n) for n in range(50))
    stream = corpus.iter_texts()
    first = next(stream)
    assert first[1].startswith("Speech number 0")
    assert sum(1 for _ in stream) == 49


def test_corpus_export_round_trip(tmp_path: Path, corpus: Corpus) -> None:
    corpus.add(_doc(1, date="1999"))
    corpus.add(_doc(2, title='Quotes "and" commas, too'))
    text = corpus.export_text(fmt="jsonl")
    records = [json.loads(line) for line in text.splitlines()]
    assert [r["id"] for r in records] == ["d1", "d2"]
    assert records[0]["date"] == "1999"
    assert {"retrieved_at", "sha256", "status", "version", "tokens"} <= set(records[0])
    other = Corpus.open(tmp_path / "copy.db")
    for record in records:
        other.add(
            Document(
                **{
                    k: record[k]
                    for k in (
                        "id",
                        "text",
                        "speaker",
                        "party",
                        "date",
                        "title",
                        "doc_type",
                        "source",
                        "url",
                        "venue",
                    )
                }
            )
        )
    assert other.export_text(fmt="jsonl").count("\n") == 2
    assert [d.title for d in other.query()] == [None, 'Quotes "and" commas, too']
    csv_text = corpus.export_text(fmt="csv")
    assert csv_text.splitlines()[0].startswith("id,text,speaker,party,date,title,doc_type,source,url,venue")
    assert '"Quotes ""and"" commas, too"' in csv_text


def test_corpus_exception_mid_batch_keeps_earlier_documents(corpus: Corpus) -> None:
    def documents():
        for n in range(5):
            yield _doc(n)
        raise RuntimeError("source broke")

    with pytest.raises(RuntimeError, match="source broke"):
        corpus.add_many(documents(), batch_size=2)
    assert corpus.count() == 5
    assert all(d.text.startswith("Speech number") for d in corpus.query())


def test_corpus_bad_document_mid_batch_keeps_earlier_whole(corpus: Corpus) -> None:
    docs = [_doc(0), _doc(1), _doc(2, date="not a date"), _doc(3)]
    with pytest.raises(MetadataError, match="date"):
        corpus.add_many(docs, batch_size=10)
    assert sorted(d.id for d in corpus.query()) == ["d0", "d1"]


def test_corpus_add_all_is_all_or_nothing(corpus: Corpus) -> None:
    corpus.add(_doc(9))
    with pytest.raises(MetadataError):
        corpus.add_all([_doc(0), _doc(1), _doc(2, doc_type="tweet")])
    assert [d.id for d in corpus.query()] == ["d9"]


def test_corpus_migrates_an_older_schema(db_path: Path) -> None:
    old = Corpus(db_path, migrate=False)
    old.migrate(target=1)
    assert old.schema_version == 1
    old.conn.execute(
        "INSERT INTO documents (id, text, text_sha256, imported_at, tokens, date, year) "
        "VALUES ('old', 'Localism is here.', 'x', '2020-01-01', 3, '2011', 2011)"
    )
    old.close()
    store = Corpus.open(db_path)
    assert store.schema_version == SCHEMA_VERSION == len(_MIGRATIONS)
    names = [row[0] for row in store.conn.execute("SELECT name FROM schema_migrations ORDER BY version")]
    assert names == [name for name, _ in _MIGRATIONS]
    stored = store.get("old")
    assert stored is not None and stored.status == "ok" and stored.text == "Localism is here."
    assert [d.id for d in store.query(text="localism")] == ["old"]  # full-text index built for old rows
    store.close()


def test_corpus_refuses_newer_or_foreign_databases(tmp_path: Path) -> None:
    newer = tmp_path / "newer.db"
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    # Read, but never written.
    with Corpus.open(newer) as store, pytest.raises(SchemaError, match=r"newer.db: carries schema version"):
        store.add(_doc(1))
    foreign = tmp_path / "foreign.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE people (name TEXT)")
    conn.close()
    with pytest.raises(SchemaError, match="not a policytext corpus"):
        Corpus.open(foreign)
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match="garbage.db: not a policytext database"):
        Corpus.open(garbage)


def test_corpus_default_path_honours_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("POLICYTEXT_DB", raising=False)
    assert default_db_path() == Path("corpus/policytext.db")
    monkeypatch.setenv("POLICYTEXT_DB", str(tmp_path / "x.db"))
    assert default_db_path() == tmp_path / "x.db"


_KILL_SCRIPT = """
import sys, time
from policytext.store.corpus import Corpus, Document
corpus = Corpus.open(sys.argv[1])
def docs():
    n = 0
    while True:
        yield Document(id=f"k{n}", text=f"Document {n}. " + "Power to the people. " * 200, date="2003")
        n += 1
        if n % 10 == 0:
            print(n, flush=True)
corpus.add_many(docs(), batch_size=7)
"""


def test_corpus_sigkill_mid_import_leaves_whole_documents(db_path: Path) -> None:
    Corpus.open(db_path).close()
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILL_SCRIPT, str(db_path)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None
    deadline = time.monotonic() + 60
    seen = 0
    while seen < 60 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        seen = int(line)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()
    assert seen >= 60, "the writer did not get far enough before the kill"
    with Corpus.open(db_path) as store:
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        docs = list(store.query())
        assert len(docs) >= 49  # at least the batches committed before the last report
        assert len(docs) % 7 == 0  # only whole batches, no half-written one
        for doc in docs:
            number = int(doc.id[1:])
            assert doc.text == f"Document {number}. " + " ".join(["Power to the people."] * 200)
            assert doc.tokens == 2 + 200 * 4


def test_corpus_two_given_ids_are_two_documents_even_with_same_source_url_and_text(corpus: Corpus) -> None:
    # The ukpol joint press conference: one URL and text under Cameron's id and Clegg's id.
    assert corpus.add(_doc(1, id="cameron-joint", speaker="David Cameron")) is AddOutcome.ADDED
    assert corpus.add(_doc(1, id="clegg-joint", speaker="Nick Clegg")) is AddOutcome.ADDED
    assert corpus.count(all_versions=True) == 2
    assert corpus.get("cameron-joint").speaker == "David Cameron"  # type: ignore[union-attr]
    assert corpus.get("clegg-joint").speaker == "Nick Clegg"  # type: ignore[union-attr]


def test_corpus_no_id_same_url_different_text_never_merges(corpus: Corpus) -> None:
    corpus.add(_doc(1))
    # Without an id a document is found by source and URL only when the text is the same.
    assert corpus.add(_doc(1, id=None)) is AddOutcome.UNCHANGED
    assert corpus.add(_doc(1, id=None, text="Another text at the same address.")) is AddOutcome.ADDED
    assert corpus.get("d1").text.startswith("Speech number 1")  # type: ignore[union-attr]
    assert corpus.versions("d1")[-1].version == 1
    assert corpus.count() == 2


def test_corpus_no_id_changed_text_is_a_new_version_of_the_automatic_id(corpus: Corpus) -> None:
    first = _doc(1, id=None)
    assert corpus.add(first) is AddOutcome.ADDED
    assert corpus.add(_doc(1, id=None, text="The page, corrected.")) is AddOutcome.NEW_VERSION
    assert corpus.count() == 1 and corpus.count(all_versions=True) == 2


def test_corpus_failing_progress_callback_does_not_retry_the_batch(corpus: Corpus) -> None:
    calls: list[str] = []

    def on_progress(outcome: AddOutcome, doc: Document) -> None:
        calls.append(doc.id or "")
        if len(calls) == 2:
            raise RuntimeError("callback broke")

    with pytest.raises(RuntimeError, match="callback broke"):
        corpus.add_many([_doc(0), _doc(1), _doc(2)], batch_size=10, on_progress=on_progress)
    assert calls == ["d0", "d1"]
    assert corpus.count() == 0  # the failed batch was rolled back, not committed twice


def test_corpus_bad_fulltext_query_in_count_is_an_input_error_naming_the_option(corpus: Corpus) -> None:
    with pytest.raises(
        InputError, match="^text: '\"unbalanced' is not a full-text query \\(unterminated string\\)"
    ):
        corpus.count(text='"unbalanced')
    with pytest.raises(InputError, match="^text: "):
        list(corpus.iter_texts(text='"unbalanced'))


def test_corpus_locked_database_is_a_store_error(db_path: Path) -> None:
    Corpus.open(db_path).close()
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    store = Corpus(db_path)
    store.conn.execute("PRAGMA busy_timeout = 100")
    try:
        with pytest.raises(StoreError, match="database is locked"):
            store.add(_doc(1))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert store.add(_doc(1)) is AddOutcome.ADDED
    store.close()


_OPEN_SCRIPT = (
    "import sys; from policytext.store.corpus import Corpus; Corpus.open(sys.argv[1]).close(); print('ok')"
)


def test_corpus_concurrent_first_opens_migrate_once(tmp_path: Path) -> None:
    for round_ in range(3):
        path = tmp_path / f"new{round_}.db"
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", _OPEN_SCRIPT, str(path)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(3)
        ]
        results = [proc.communicate(timeout=60) for proc in procs]
        assert [proc.returncode for proc in procs] == [0, 0, 0], results
        with Corpus.open(path) as store:
            assert (
                store.conn.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == SCHEMA_VERSION
            )


# -- one DocumentFilter on the store side --------------------------------------------------

from policytext.errors import InputError  # noqa: E402
from policytext.store.filters import DocumentFilter  # noqa: E402


def _three(corpus: Corpus) -> None:
    corpus.add(_doc(1, speaker="Gordon Brown", date="2008-07-09", text="Communities in control."))
    corpus.add(_doc(2, speaker="David Cameron", date="2010-07-19", text="The Big Society is here."))
    corpus.add(_doc(3, speaker="Nick Clegg", date="2011-01-10", source="other", text="Liberal localism."))


def test_corpus_takes_a_document_filter_everywhere(corpus: Corpus) -> None:
    _three(corpus)
    coalition = DocumentFilter(government=("Cameron-Clegg coalition",))
    assert [d.id for d in corpus.query(coalition)] == ["d2", "d3"]
    assert corpus.count(coalition) == 2
    assert corpus.count(coalition, source="other") == 1  # a filter and keywords combine
    assert [pk for pk, _ in corpus.iter_texts(DocumentFilter(text="localism"))] == [3]
    where, params = corpus.filter_sql(coalition)
    assert corpus.conn.execute(f"SELECT count(*) FROM documents d {where}", params).fetchone()[0] == 2
    assert len(corpus.export_text(DocumentFilter(speaker=("Mr Brown",))).splitlines()) == 1
    with pytest.raises(InputError, match="'government' given both"):
        corpus.count(coalition, government="Brown")


def test_filter_rejects_a_broken_text_query_and_an_empty_date_range() -> None:
    # Both used to pass: the first surfaced later as "database: unterminated string", the
    # second gave an empty table with status 0.
    with pytest.raises(
        InputError, match=r"""^text: '"big society' is not a full-text query \(unterminated"""
    ):
        DocumentFilter(text='"big society')
    with pytest.raises(InputError, match="^since: 2015 is after --until 2008"):
        DocumentFilter(since="2015", until="2008")
    assert DocumentFilter(since="2010-05", until="2010").until == "2010"  # the same year: fine
    assert DocumentFilter(text='"big society" OR localis*').text == '"big society" OR localis*'


def test_corpus_check_filter_names_the_closest_stored_values(corpus: Corpus) -> None:
    _three(corpus)
    corpus.check_filter(DocumentFilter(speaker=("Mr Cameron",), year=(2010,)))  # all match: no error
    with pytest.raises(InputError) as info:
        corpus.check_filter(government="Coalition")
    assert str(info.value) == "government: no document has 'Coalition'; closest: 'Cameron-Clegg coalition'"
    with pytest.raises(
        InputError, match=r"speaker: no document has 'Gordon Browne'; closest: 'Gordon Brown'"
    ):
        corpus.check_filter(DocumentFilter(speaker=("Gordon Browne",)))
    with pytest.raises(InputError, match=r"^year: no document has '1990'"):
        corpus.check_filter(year=1990)


def test_corpus_summary_and_documents_as_data_frames(corpus: Corpus) -> None:
    _three(corpus)
    frame = corpus.to_frame(DocumentFilter(since="2010"))
    assert list(frame["id"]) == ["d2", "d3"]
    assert "text" not in frame.columns and str(frame["year"].dtype) == "Int64"
    assert corpus.to_frame(include_text=True)["text"].iloc[0] == "Communities in control."
    summary = corpus.summary_frame("speaker")
    assert list(summary.columns) == ["speaker", "documents", "tokens"]
    assert set(summary["speaker"]) == {"Gordon Brown", "David Cameron", "Nick Clegg"}
    assert corpus.summary_frame("year", DocumentFilter(source=("other",)))["year"].tolist() == [2011]


# -- writes that never destroy -------------------------------------------------------------


def test_corpus_unknown_migration_recorded_only_in_the_table_refuses_writes(db_path: Path) -> None:
    Corpus.open(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute("INSERT INTO schema_migrations VALUES (99, '0099_from_the_future', '2030-01-01')")
    conn.commit()
    conn.close()
    with Corpus.open(db_path) as store:
        assert store.count() == 0  # reading goes on
        with pytest.raises(
            SchemaError, match=r"test.db: carries migration 99 '0099_from_the_future' unknown"
        ):
            store.add(_doc(1))
    renamed = db_path.with_name("renamed.db")
    Corpus.open(renamed).close()
    conn = sqlite3.connect(renamed)
    conn.execute("UPDATE schema_migrations SET name = 'something_else' WHERE version = 2")
    conn.commit()
    conn.close()
    with Corpus.open(renamed) as store, pytest.raises(SchemaError, match="migration 2 'something_else'"):
        store.add(_doc(1))


def test_corpus_damaged_store_refuses_writes(db_path: Path) -> None:
    with Corpus.open(db_path) as store:
        store.add_many(_doc(n, text=f"Document {n}. " + "Localism and power. " * 300) for n in range(60))
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = db_path.stat().st_size
    with db_path.open("r+b") as handle:
        handle.seek(size // 2)
        handle.write(b"\xff" * 8192)
    with (
        Corpus.open(db_path) as store,
        pytest.raises(StoreError, match=r"test.db: the store is damaged \(quick_check"),
    ):
        store.add(_doc(999))


def test_corpus_read_only_store_serves_reads_and_refuses_writes(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Corpus.open(db_path) as store:
        store.add(_doc(1))
    with Corpus.open(db_path, read_only=True) as store:
        assert store.read_only and store.count() == 1 and store.get("d1") is not None
        with pytest.raises(StoreError, match="test.db: the store is read-only"):
            store.add(_doc(2))
    # A file or folder that is not writable opens read-only by itself.
    import policytext.store.corpus as corpus_module

    monkeypatch.setattr(corpus_module, "_is_writable", lambda path: False)
    with Corpus.open(db_path) as store:
        assert store.read_only and store.count() == 1


def test_corpus_jsonl_nul_character_is_refused(corpus: Corpus) -> None:
    with pytest.raises(MetadataError, match=r"'text' contains a NUL character"):
        corpus.add(_doc(1, text="Power\x00 to the people."))
    assert corpus.count() == 0


def test_corpus_export_to_refuses_the_store_and_sqlite_files(corpus: Corpus, tmp_path: Path) -> None:
    corpus.add(_doc(1))
    for target in (corpus.path, Path(str(corpus.path) + "-wal"), Path(str(corpus.path) + "-shm")):
        with pytest.raises(InputError, match="is the corpus database"):
            corpus.export_to(target)
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(InputError, match="other.sqlite: is an SQLite database"):
        corpus.export_to(other)
    assert corpus.count() == 1 and corpus.conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    assert corpus.export_to(tmp_path / "ok.jsonl") == 1


# -- many writers, short transactions ----------------------------------------------------------


def test_corpus_tokens_are_counted_outside_the_write_transaction(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    import policytext.store.writes as writes

    seen: list[bool] = []
    real = writes.count_tokens

    def spy(text: str) -> int:
        seen.append(corpus.conn.in_transaction)
        return real(text)

    monkeypatch.setattr(writes, "count_tokens", spy)
    corpus.add(_doc(1))
    corpus.add_all([_doc(2), _doc(3)])
    corpus.add_many(_doc(n) for n in range(4, 9))
    assert seen and not any(seen)
    assert corpus.get("d2").tokens == real(_doc(2).text)  # type: ignore[union-attr]


def test_corpus_three_concurrent_imports_all_succeed(tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    Corpus.open(db).close()
    files = []
    for writer in range(3):
        path = tmp_path / f"w{writer}.jsonl"
        lines = [
            json.dumps({"id": f"w{writer}-{n}", "text": f"Writer {writer}, document {n}. " + "Power. " * 200})
            for n in range(80)
        ]
        path.write_text("\n".join(lines) + "\n", "utf-8")
        files.append(path)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "policytext.cli", "--db", str(db), "import", str(path), "--quiet"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for path in files
    ]
    results = [proc.communicate(timeout=300) for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0, 0], results
    assert all("80 added" in err for _, err in results), results
    with Corpus.open(db) as store:
        assert store.count() == 240
        assert store.duplicate_clusters() == []  # every process brought the clusters up to date


def test_corpus_lock_message_says_what_happened(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICYTEXT_BUSY_TIMEOUT", "0.2")
    Corpus.open(db_path).close()
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with Corpus.open(db_path) as store, pytest.raises(StoreError) as info:
            store.add(_doc(1))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    message = str(info.value)
    assert "database is locked" in message and "more than 0.2 s" in message and "run it again" in message


# -- duplicates: found, kept, counted once ------------------------------------------------------

_SPEECH = " ".join(
    f"In the {n}th part of this speech I say that power must pass from Whitehall to the people "
    f"of town {n}, to councils and to neighbourhood groups who know their streets."
    for n in range(40)
)


def test_corpus_duplicates_exact_and_near_are_clustered_nothing_deleted(corpus: Corpus) -> None:
    corpus.add(_doc(1, id="cameron-joint", speaker="David Cameron", text=_SPEECH))
    corpus.add(_doc(1, id="clegg-joint", speaker="Nick Clegg", text=_SPEECH))
    corpus.add(_doc(2, id="bps-copy", source="bps", text=_SPEECH.replace(",", "").replace(".", ";")))
    corpus.add(_doc(3, id="with-note", text="Editor's note: transcript as delivered. " + _SPEECH))
    cut = _SPEECH[len(_SPEECH) // 6 :]
    corpus.add(_doc(4, id="cut-intro", text=cut))
    corpus.add(_doc(5, id="other", text=_SPEECH.replace("power", "money").replace("people", "banks")[:900]))
    corpus.add(_doc(6, id="unrelated", text="A different speech about schools. " * 40))
    assert corpus.refresh_duplicates() is True
    assert corpus.refresh_duplicates() is False  # nothing changed: not recomputed
    clusters = corpus.duplicate_clusters()
    assert len(clusters) == 1
    cluster = clusters[0]
    assert set(cluster.members) == {"cameron-joint", "clegg-joint", "bps-copy", "with-note", "cut-intro"}
    assert cluster.canonical == "with-note"  # the most complete text
    assert 0.8 <= cluster.similarity <= 1.0
    assert corpus.count() == 7  # nothing deleted
    assert corpus.count(fold_duplicates=True) == 3
    assert corpus.folded_count() == 4


def test_corpus_folding_keeps_the_best_member_the_filter_selects(corpus: Corpus) -> None:
    corpus.add(_doc(1, id="cameron-joint", speaker="David Cameron", text=_SPEECH))
    corpus.add(_doc(1, id="clegg-joint", speaker="Nick Clegg", text=_SPEECH))
    corpus.refresh_duplicates()
    assert [c.members for c in corpus.duplicate_clusters()] == [("cameron-joint", "clegg-joint")]
    where, params = corpus.filter_sql()  # analyses fold by default
    assert (
        corpus.conn.execute(f"SELECT d.id FROM documents d {where}", params).fetchall()[0][0]
        == "cameron-joint"
    )
    assert corpus.count(fold_duplicates=True) == 1
    # Clegg's copy still counts when Clegg alone is selected.
    where, params = corpus.filter_sql(DocumentFilter(speaker=("Nick Clegg",)))
    assert [r[0] for r in corpus.conn.execute(f"SELECT d.id FROM documents d {where}", params)] == [
        "clegg-joint"
    ]
    where, params = corpus.filter_sql(fold_duplicates=False)
    assert corpus.conn.execute(f"SELECT count(*) FROM documents d {where}", params).fetchone()[0] == 2


def test_corpus_duplicates_recomputed_when_documents_change(corpus: Corpus) -> None:
    corpus.add(_doc(1, id="a", text=_SPEECH))
    corpus.refresh_duplicates()
    assert corpus.duplicate_clusters() == []
    corpus.add(_doc(2, id="b", text=_SPEECH))
    assert corpus.refresh_duplicates() is True
    assert [c.members for c in corpus.duplicate_clusters()] == [("a", "b")]
    with pytest.raises(InputError, match="threshold: 0.2 is not between 0.5 and 1.0"):
        corpus.refresh_duplicates(threshold=0.2)


@pytest.mark.realdata
def test_corpus_realdata_ukpol_and_bps_duplicates(
    shared_data: Path, corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    import csv

    import policytext.store.writes as writes

    monkeypatch.setattr(writes, "count_tokens", lambda text: len(text.split()))  # spaCy is not under test
    ukpol = shared_data / "ukpol_speeches" / "data"
    wanted = [p for p in sorted(ukpol.glob("[BCM]/*.json")) if re.search(r"-(200[6-9]|201[0-5])-", p.name)]

    def ukpol_docs() -> Iterator[Document]:
        for path in wanted:
            record = json.loads(path.read_text("utf-8"))
            text = "\n\n".join(p for p in record["content"] if not p.startswith("[!["))
            surname, first = path.stem.split("-")[:2]  # the speaker is in the file name
            speaker = f"{first} {surname}".title()
            yield Document(id=path.stem, text=text, source="ukpol", url=record["url"], speaker=speaker)

    bps = shared_data / "bps-leader-speeches"
    rows = list(csv.DictReader((bps / "metadata.csv").read_text("utf-8").splitlines()))
    corpus.add_many(ukpol_docs())
    corpus.add_many(
        Document(id=f"bps/{r['file']}", text=(bps / "texts" / r["file"]).read_text("utf-8"), source="bps")
        for r in rows
        if r["year"] and 2006 <= int(r["year"]) <= 2015
    )
    corpus.refresh_duplicates()
    clusters = corpus.duplicate_clusters()
    twins = {
        "cameron-david-2010-joint-press-conference-with-nick-clegg",
        "clegg-nick-2010-joint-press-conference-with-david-cameron",
    }
    assert any(set(c.members) == twins for c in clusters)
    assert {corpus.get(t).speaker for t in twins} == {"David Cameron", "Nick Clegg"}  # type: ignore[union-attr]
    sources = {d.id: d.source for d in corpus.query(include_text=False)}
    cross = [c for c in clusters if len({sources[m] for m in c.members}) == 2]
    assert len(cross) >= 8
    assert corpus.folded_count() == sum(len(c.members) - 1 for c in clusters)
