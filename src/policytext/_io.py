"""Writing output files safely: never onto a database, always whole.

Every writer of the library and the command line (export, tables, reports)
goes through :func:`atomic_write`: it refuses a path that is an SQLite
database (the corpus store, its ``-wal``/``-shm`` files, or any file whose
header says SQLite) or a folder, writes to a temporary file beside the target
and renames it into place, so a failure leaves the old file (or nothing).

Example::

    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "table.csv"
    >>> with atomic_write(out) as handle:
    ...     _ = handle.write("a,b\\n")
    >>> out.read_text()
    'a,b\\n'
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from policytext.errors import InputError

__all__ = ["SQLITE_HEADER", "atomic_write", "check_output_folder", "check_output_path", "is_sqlite_file"]

#: The first 16 bytes of every SQLite 3 database file.
SQLITE_HEADER = b"SQLite format 3\x00"
_SIDE_FILES = ("-wal", "-shm", "-journal")


def is_sqlite_file(path: str | Path) -> bool:
    """True when ``path`` is an existing file that starts with the SQLite header."""
    try:
        with open(path, "rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and os.path.samefile(a, b))
    except OSError:
        return False


def check_output_path(path: str | Path, *, protect: Iterable[str | Path] = ()) -> Path:
    """``path`` as a :class:`Path` when it is safe to write; else an :class:`InputError`.

    Refused: a folder; any of ``protect`` (database files) or its ``-wal``, ``-shm`` or
    ``-journal`` file; an existing SQLite database; the side file of one.
    """
    out = Path(path)
    if out.is_dir():
        raise InputError(f"{out}: is a folder; give a file name for --out")
    _no_file_in_the_way(out, out.parents)
    for db in protect:
        db = Path(db)
        if str(db) == ":memory:":
            continue
        for candidate in (db, *(db.with_name(db.name + s) for s in _SIDE_FILES)):
            if _same_file(out, candidate):
                raise InputError(f"{out}: is the corpus database ({db}); choose another output file")
    if is_sqlite_file(out):
        raise InputError(f"{out}: is an SQLite database; refusing to overwrite it")
    for suffix in _SIDE_FILES:
        if out.name.endswith(suffix) and is_sqlite_file(out.with_name(out.name[: -len(suffix)])):
            raise InputError(f"{out}: belongs to an SQLite database; refusing to overwrite it")
    return out


def check_output_folder(path: str | Path) -> Path:
    """``path`` as a :class:`Path` when a folder of outputs can be made there; else an :class:`InputError`.

    Checked before long work, so a bad ``--out DIR`` fails before anything is printed.

    Example::

        >>> import tempfile, pathlib
        >>> afile = pathlib.Path(tempfile.mkdtemp()) / "afile"
        >>> _ = afile.write_text("x")
        >>> check_output_folder(afile / "sub")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        policytext.errors.InputError: .../afile/sub: .../afile is a file, not a folder
    """
    out = Path(path)
    _no_file_in_the_way(out, (out, *out.parents))
    return out


def _no_file_in_the_way(out: Path, folders: Iterable[Path]) -> None:
    """Raise when the first of ``folders`` (innermost first) that exists is a file, not a folder."""
    for folder in folders:
        if folder.exists():
            if not folder.is_dir():
                raise InputError(f"{out}: {folder} is a file, not a folder")
            return


@contextmanager
def atomic_write(
    path: str | Path,
    *,
    mode: str = "w",
    encoding: str | None = "utf-8",
    newline: str | None = None,
    protect: Iterable[str | Path] = (),
) -> Iterator[IO[str]]:
    """Open a temporary file beside ``path`` for writing; rename it onto ``path`` on success.

    The folder is created when missing. On any error the temporary file is removed and
    ``path`` is untouched. ``protect`` names database files that must never be the output
    (see :func:`check_output_path`). ``mode`` is ``"w"`` (text) or ``"wb"`` (bytes).
    """
    out = check_output_path(path, protect=protect)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent)
    tmp = Path(tmp_name)
    try:
        binary = "b" in mode
        with os.fdopen(
            fd, mode, encoding=None if binary else encoding, newline=None if binary else newline
        ) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        if out.exists():
            # Keep the permissions of the file being replaced.
            os.chmod(tmp, out.stat().st_mode & 0o7777)
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
