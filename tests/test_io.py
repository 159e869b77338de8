"""Writing outputs: whole or not at all, and never onto a database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from policytext._io import atomic_write, check_output_path, is_sqlite_file
from policytext.errors import InputError


def test_io_atomic_write_failure_keeps_the_old_file_and_leaves_no_part(tmp_path: Path) -> None:
    out = tmp_path / "table.csv"
    out.write_text("old\n", "utf-8")
    with pytest.raises(RuntimeError), atomic_write(out) as handle:
        handle.write("new, half")
        raise RuntimeError("the writer failed")
    assert out.read_text("utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["table.csv"]
    with atomic_write(tmp_path / "sub" / "new.csv") as handle:
        handle.write("a,b\n")
    assert (tmp_path / "sub" / "new.csv").read_text("utf-8") == "a,b\n"


def test_io_refuses_databases_their_side_files_and_folders(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    assert is_sqlite_file(db) and not is_sqlite_file(tmp_path / "missing")
    with pytest.raises(InputError, match="store.db: is an SQLite database; refusing to overwrite it"):
        check_output_path(db)
    with pytest.raises(InputError, match="store.db-wal: belongs to an SQLite database"):
        check_output_path(tmp_path / "store.db-wal")
    with pytest.raises(InputError, match="is the corpus database"):
        check_output_path(tmp_path / "new.db-shm", protect=[tmp_path / "new.db"])
    with pytest.raises(InputError, match="is a folder"):
        check_output_path(tmp_path)
    assert check_output_path(tmp_path / "fine.jsonl") == tmp_path / "fine.jsonl"
    assert db.read_bytes().startswith(b"SQLite format 3\x00")


def test_io_a_file_where_a_folder_should_be_is_named(tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match=r"x\.csv: .*afile is a file, not a folder$"):
        check_output_path(afile / "sub" / "x.csv")
    assert afile.read_text(encoding="utf-8") == "x"
