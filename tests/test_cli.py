"""The command line: import, export, corpus, run; errors as one line; help everywhere."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURES, ROOT
from policytext.cli import main
from policytext.store.corpus import Corpus, Document

LOCAL = FIXTURES / "local"


def _invoke(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_cli_import_export_corpus(runner: CliRunner, tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    code, _, err = _invoke(runner, "import", str(LOCAL), "--meta", str(LOCAL / "meta.csv"), "--db", db)
    assert code == 0, err
    assert "5 added" in err
    code, _, err = _invoke(runner, "import", str(LOCAL), "--meta", str(LOCAL / "meta.csv"), "--db", db)
    assert code == 0 and "0 added" in err and "5 unchanged" in err

    code, out, _ = _invoke(runner, "export", "--db", db)
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == 5
    assert {r["id"] for r in records} == {"fx-1", "fx-2", "fx-3", "neighbourhoods", "town-hall"}
    assert {"retrieved_at", "sha256", "status"} <= set(records[0])

    out_path = tmp_path / "out" / "docs.csv"
    code, _, err = _invoke(runner, "export", "--format", "csv", "--out", str(out_path), "--db", db)
    assert code == 0 and "wrote 5 documents" in err
    rows = list(csv.DictReader(io.StringIO(out_path.read_text("utf-8"))))
    assert len(rows) == 5 and rows[0]["id"]

    code, out, _ = _invoke(runner, "corpus", "--db", db)
    assert code == 0
    assert out.startswith("# Corpus: 5 documents,")
    assert "## By speaker" in out and "Hazel Blears" in out and "## By year" in out
    code, out, _ = _invoke(runner, "corpus", "--format", "json", "--db", db)
    summary = json.loads(out)
    assert summary["documents"] == 5
    assert {row["speaker"] for row in summary["speaker"]} >= {
        "Hazel Blears",
        "Eric Pickles",
        "Ed Miliband",
        "Gordon Brown",
    }
    assert sum(row["tokens"] for row in summary["year"]) == summary["tokens"]


def test_cli_export_reimports(runner: CliRunner, tmp_path: Path) -> None:
    db1, db2 = str(tmp_path / "1.db"), str(tmp_path / "2.db")
    _invoke(runner, "import", str(LOCAL / "speeches.jsonl"), "--db", db1)
    exported = tmp_path / "export.jsonl"
    code, _, _ = _invoke(runner, "export", "--out", str(exported), "--db", db1)
    assert code == 0
    code, _, err = _invoke(runner, "import", str(exported), "--db", db2)
    assert code == 0, err
    _, out1, _ = _invoke(runner, "export", "--format", "csv", "--db", db1)
    _, out2, _ = _invoke(runner, "export", "--format", "csv", "--db", db2)

    def strip(text: str) -> list[dict[str, str]]:
        rows = list(csv.DictReader(io.StringIO(text)))
        for row in rows:
            row.pop("imported_at")
            row.pop("extractor_version")
        return rows

    assert strip(out1) == strip(out2)


def test_cli_db_from_environment(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "env.db"
    monkeypatch.setenv("POLICYTEXT_DB", str(db))
    code, _, _ = _invoke(runner, "import", str(LOCAL / "speeches.jsonl"))
    assert code == 0 and db.exists()


def test_cli_db_before_the_command(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`policytext --db PATH CMD` works like `CMD --db PATH`, wins over $POLICYTEXT_DB, and
    a command's own --db wins over it (nested groups included)."""
    front, env, own = tmp_path / "front.db", tmp_path / "env.db", tmp_path / "own.db"
    monkeypatch.setenv("POLICYTEXT_DB", str(env))
    code, _, _ = _invoke(runner, "--db", str(front), "import", str(LOCAL / "speeches.jsonl"))
    assert code == 0 and front.exists() and not env.exists()
    code, out, _ = _invoke(runner, "--db", str(front), "corpus")
    assert code == 0 and out.startswith("# Corpus: ")
    code, _, _ = _invoke(
        runner, "--db", str(front), "import", str(LOCAL / "speeches.jsonl"), "--db", str(own)
    )
    assert code == 0 and own.exists()
    result = runner.invoke(main, ["--db", str(tmp_path / "none.db"), "codebook", "show", "--tagged"])
    assert result.exit_code == 1
    assert f"{tmp_path / 'none.db'}: no corpus database here" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["import", "{tmp}/missing.txt"], "Error: {tmp}/missing.txt: no such file or folder"),
        (["import", "{tmp}/bad.jsonl"], "Error: {tmp}/bad.jsonl:1: invalid JSON"),
        (["export"], "Error: {tmp}/c.db: no corpus database here"),
        (["corpus"], "Error: {tmp}/c.db: no corpus database here"),
        (["import", "{tmp}/garbage.db"], "Error: {tmp}/garbage.db: unsupported file type '.db'"),
    ],
)
def test_cli_bad_input_is_one_error_line(
    runner: CliRunner, tmp_path: Path, args: list[str], message: str
) -> None:
    (tmp_path / "bad.jsonl").write_text("{not json\n")
    (tmp_path / "garbage.db").write_bytes(b"garbage")
    args = [a.format(tmp=tmp_path) for a in args] + ["--db", str(tmp_path / "c.db")]
    result = runner.invoke(main, args)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(message.format(tmp=tmp_path))


@pytest.mark.parametrize("command", [["corpus"], ["export"], ["table"]])
def test_cli_reading_commands_leave_an_empty_file_alone(
    runner: CliRunner, tmp_path: Path, command: list[str]
) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    result = runner.invoke(main, [*command, "--db", str(empty)])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: {empty}: an empty file, not a corpus database"
    assert empty.stat().st_size == 0  # no schema written into it


def test_cli_bad_database_file(runner: CliRunner, tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database" * 200)
    result = runner.invoke(main, ["corpus", "--db", str(garbage)])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"Error: {garbage}: not a policytext database (file is not a database)"
    ]


def test_cli_run_on_empty_store_ends_with_a_clear_message(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["run", "--offline", "--db", str(tmp_path / "c.db")])
    assert result.exit_code == 0
    assert "Traceback" not in result.output
    assert result.stderr.strip().splitlines()[-1]


def _commands(group=main, prefix=()):  # type: ignore[no-untyped-def]
    import click

    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))
        else:
            yield (*prefix, name), command


@pytest.mark.parametrize(
    ("path", "command"), list(_commands()), ids=lambda v: " ".join(v) if isinstance(v, tuple) else ""
)
def test_cli_every_command_has_help_with_example_and_docs(
    runner: CliRunner, path: tuple[str, ...], command: object
) -> None:
    result = runner.invoke(main, [*path, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output, f"policytext {' '.join(path)} --help has no example"
    docs = (ROOT / "docs" / "cli.md").read_text("utf-8")
    assert f"policytext {' '.join(path)}" in docs, (
        f"docs/cli.md does not document 'policytext {' '.join(path)}'"
    )


def _cli_md_sections() -> dict[str, str]:
    text = (ROOT / "docs" / "cli.md").read_text("utf-8")
    sections: dict[str, str] = {}
    for block in text.split("\n## ")[1:]:
        title, _, body = block.partition("\n")
        sections[title.strip()] = body
    return sections


@pytest.mark.parametrize(
    ("path", "command"), list(_commands()), ids=lambda v: " ".join(v) if isinstance(v, tuple) else ""
)
def test_cli_docs_name_every_option_of_a_command(path: tuple[str, ...], command: object) -> None:
    # docs/cli.md is the reference researchers read: each command's section names
    # every option that command has (--db and --help are described once at the top).
    import click

    assert isinstance(command, click.Command)
    section = _cli_md_sections()[f"policytext {' '.join(path)}"]
    long_names = [
        next((o for o in param.opts if o.startswith("--")), None)
        for param in command.params
        if isinstance(param, click.Option)
    ]
    missing = [n for n in long_names if n and n not in ("--db", "--help") and n not in section]
    assert not missing, f"docs/cli.md, policytext {' '.join(path)}: options not mentioned: {missing}"


def test_cli_version(runner: CliRunner) -> None:
    from policytext import __version__

    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


def test_cli_usage_errors_are_one_line(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["export", "--format", "xml", "--db", str(tmp_path / "c.db")])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "xml" in lines[0]
    result = runner.invoke(
        main, ["import", str(LOCAL), "--doc-type", "tweet", "--db", str(tmp_path / "c.db")]
    )
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1
    result = runner.invoke(main, ["no-such-command"])
    assert result.exit_code == 2 and result.stderr.strip().splitlines()[0].startswith("Error: ")


def test_cli_broken_pdf_is_one_stderr_line(runner: CliRunner, tmp_path: Path) -> None:
    from _pdf import make_pdf

    pdf = make_pdf([["Words on a page."]])
    path = tmp_path / "half.pdf"
    path.write_bytes(pdf[: len(pdf) // 2])
    result = runner.invoke(main, ["import", str(path), "--db", str(tmp_path / "c.db")])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith(f"Error: {path}: broken PDF")


def test_cli_failed_import_does_not_create_a_store(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    result = runner.invoke(main, ["import", str(tmp_path / "nope.txt"), "--db", str(db)])
    assert result.exit_code == 1 and not db.exists()


def test_cli_export_to_a_folder_leaves_nothing_behind(runner: CliRunner, tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    runner.invoke(main, ["import", str(LOCAL / "speeches.jsonl"), "--db", db])
    folder = tmp_path / "outdir"
    folder.mkdir()
    result = runner.invoke(main, ["export", "--out", str(folder), "--db", db])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: {folder}: is a folder; give a file name for --out"
    assert not (tmp_path / "outdir.part").exists()
    assert list(folder.iterdir()) == []


def test_cli_codebook_show_tagged_reads_the_stored_codebook(runner: CliRunner, tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    _invoke(runner, "import", str(LOCAL / "speeches.jsonl"), "--db", db)
    result = runner.invoke(main, ["codebook", "show", "--tagged", "--db", db])
    assert result.exit_code == 1 and "not tagged yet" in result.stderr
    assert runner.invoke(main, ["tag", "--db", db, "--quiet"]).exit_code == 0
    stored = runner.invoke(main, ["codebook", "show", "--tagged", "--format", "json", "--db", db])
    shipped = runner.invoke(main, ["codebook", "show", "--format", "json"])
    assert stored.exit_code == 0
    assert json.loads(stored.stdout) == json.loads(shipped.stdout)


# -- the store's integrity from the command line -----------------------------------------------

_TWIN_TEXT = " ".join(
    f"Point {n}: we are forming a new government, a coalition government, and the people of "
    f"this country will see power handed back to communities in every part {n} of Britain."
    for n in range(30)
)


def _twins(tmp_path: Path) -> Path:
    path = tmp_path / "twins.jsonl"
    rows = [
        {"id": "cameron-joint", "text": _TWIN_TEXT, "speaker": "David Cameron", "date": "2010-05-12",
         "source": "ukpol", "url": "https://example.org/joint"},
        {"id": "clegg-joint", "text": _TWIN_TEXT, "speaker": "Nick Clegg", "date": "2010-05-12",
         "source": "ukpol", "url": "https://example.org/joint"},
        {"id": "other", "text": "A speech about schools and hospitals in 2011.", "speaker": "Ed Miliband",
         "date": "2011-09-27"},
    ]  # fmt: skip
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    return path


def test_cli_export_out_onto_the_store_is_refused_and_the_store_kept(
    runner: CliRunner, tmp_path: Path
) -> None:
    db = tmp_path / "self.db"
    assert _invoke(runner, "--db", str(db), "import", str(_twins(tmp_path)))[0] == 0
    before = db.read_bytes()[:16]
    for target in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        code, _, err = _invoke(runner, "--db", str(db), "export", "--format", "jsonl", "--out", str(target))
        assert code == 1 and err.startswith(f"Error: {target}: is the corpus database"), err
    assert db.read_bytes()[:16] == before == b"SQLite format 3\x00"
    code, out, _ = _invoke(runner, "--db", str(db), "export")
    assert code == 0 and len(out.splitlines()) == 3


def test_cli_output_onto_another_sqlite_file_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    other = tmp_path / "keep.sqlite"
    import sqlite3

    sqlite3.connect(other).execute("CREATE TABLE precious (x)").connection.close()
    _invoke(runner, "--db", str(db), "import", str(_twins(tmp_path)))
    code, _, err = _invoke(runner, "--db", str(db), "duplicates", "--out", str(other))
    assert code == 1 and "keep.sqlite: is an SQLite database" in err
    assert other.read_bytes().startswith(b"SQLite format 3\x00")


def test_cli_twins_kept_apart_and_reported_as_one_cluster(runner: CliRunner, tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    code, _, err = _invoke(runner, "--db", db, "import", str(_twins(tmp_path)))
    assert code == 0 and "3 added" in err and "1 duplicate clusters" in err
    records = {r["id"]: r for r in map(json.loads, _invoke(runner, "--db", db, "export")[1].splitlines())}
    assert records["cameron-joint"]["speaker"] == "David Cameron"
    assert records["clegg-joint"]["speaker"] == "Nick Clegg"
    code, out, _ = _invoke(runner, "--db", db, "duplicates", "--format", "json")
    assert code == 0
    assert json.loads(out) == [
        {"canonical": "cameron-joint", "members": ["cameron-joint", "clegg-joint"], "similarity": 1.0}
    ]
    code, out, _ = _invoke(runner, "--db", db, "duplicates")
    assert code == 0 and out.splitlines()[0].startswith(
        "cameron-joint\t2 documents\tsimilarity 1.000\tclegg-joint"
    )


def test_cli_filter_value_matching_nothing_names_the_closest(runner: CliRunner, tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    _invoke(runner, "--db", db, "import", str(_twins(tmp_path)))
    code, out, err = _invoke(runner, "--db", db, "export", "--government", "Coalition")
    assert code == 1 and out == ""
    assert err.strip() == "Error: government: no document has 'Coalition'; closest: 'Cameron-Clegg coalition'"
    code, out, _ = _invoke(runner, "--db", db, "export", "--speaker", "Nick Clegg", "--text", "coalition")
    assert code == 0 and [json.loads(line)["id"] for line in out.splitlines()] == ["clegg-joint"]


def test_cli_same_file_name_in_two_folders_is_two_documents(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for party, words in (
        ("labour", "A future fair for all."),
        ("tory", "An invitation to join the government."),
    ):
        folder = tmp_path / "2010" / party
        folder.mkdir(parents=True)
        (folder / "html.txt").write_text(f"The {party} manifesto. {words}", "utf-8")
    db = str(tmp_path / "c.db")
    assert _invoke(runner, "--db", db, "import", "2010/labour/html.txt")[0] == 0
    code, _, err = _invoke(runner, "--db", db, "import", "2010/tory/html.txt")
    assert code == 0 and "1 added, 0 new versions" in err
    ids = [json.loads(line)["id"] for line in _invoke(runner, "--db", db, "export")[1].splitlines()]
    assert sorted(ids) == ["2010/labour/html", "2010/tory/html"]
    # Two folders whose files would get one id: an error before anything is written.
    fresh = str(tmp_path / "fresh.db")
    code, _, err = _invoke(runner, "--db", fresh, "import", "2010/labour", "2010/tory")
    assert code == 1 and "document id 'html' is also the id of a document in" in err
    with Corpus.open(fresh) as store:
        assert store.count() == 0


def test_cli_damaged_store_refuses_import(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    with Corpus.open(db) as store:
        store.add_many(
            Document(id=f"d{n}", text=f"Document {n}. " + "Localism and power. " * 300) for n in range(60)
        )
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = db.stat().st_size
    with db.open("r+b") as handle:
        handle.seek(size // 2)
        handle.write(b"\xff" * 8192)
    code, _, err = _invoke(runner, "--db", str(db), "import", str(_twins(tmp_path)))
    assert code == 1 and err.startswith(f"Error: {db}: the store is damaged (quick_check:")
    assert len(err.strip().splitlines()) == 1


def test_cli_read_only_store_serves_reading_commands(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "c.db"
    _invoke(runner, "--db", str(db), "import", str(_twins(tmp_path)))
    import policytext.store.corpus as corpus_module

    monkeypatch.setattr(corpus_module, "_is_writable", lambda path: False)  # as for a read-only folder
    assert _invoke(runner, "--db", str(db), "corpus")[0] == 0
    code, out, _ = _invoke(runner, "--db", str(db), "export")
    assert code == 0 and len(out.splitlines()) == 3
    code, out, _ = _invoke(runner, "--db", str(db), "duplicates", "--format", "json")
    assert code == 0 and json.loads(out)[0]["canonical"] == "cameron-joint"
    code, _, err = _invoke(runner, "--db", str(db), "import", str(LOCAL / "speeches.jsonl"))
    assert code == 1 and "the store is read-only" in err


def test_cli_filter_options_are_generated_from_document_filter(runner: CliRunner, tmp_path: Path) -> None:
    import dataclasses

    import click

    from policytext.cli._base import _pop_filters, filter_options, report_folded
    from policytext.store.filters import DocumentFilter

    seen: dict[str, object] = {}

    @click.command()
    @filter_options
    @click.option("--db", type=click.Path(path_type=Path))
    def probe(db: Path, **kwargs: object) -> None:
        documents = _pop_filters(kwargs)
        seen["filter"] = documents
        with Corpus.open(db) as corpus:
            seen["folded"] = report_folded(corpus, documents)

    flags = {o for p in probe.params for o in p.opts}
    assert {"--" + f.name.replace("_", "-") for f in dataclasses.fields(DocumentFilter)} <= flags
    assert "--text" in flags and "--keep-duplicates" in flags
    db = tmp_path / "c.db"
    _invoke(runner, "--db", str(db), "import", str(_twins(tmp_path)))
    result = runner.invoke(
        probe, ["--db", str(db), "--year", "2010", "--text", "coalition", "--speaker", "X"]
    )
    assert result.exit_code == 0, result.output
    assert seen["filter"] == DocumentFilter(speaker=("X",), year=(2010,), text="coalition")
    result = runner.invoke(probe, ["--db", str(db)])
    assert seen["folded"] == 1 and "1 duplicate documents folded" in result.stderr
    runner.invoke(probe, ["--db", str(db), "--keep-duplicates"])
    assert seen["folded"] == 0


def test_cli_deeply_nested_json_is_one_error_line(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "deep.jsonl"
    path.write_text('{"text": ' + "[" * 100_000 + "]" * 100_000 + "}\n", "utf-8")
    result = runner.invoke(main, ["import", str(path), "--db", str(tmp_path / "c.db")])
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("Error: ")


def test_cli_table_counts_a_duplicate_cluster_once(runner: CliRunner, tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    assert _invoke(runner, "--db", db, "import", str(_twins(tmp_path)))[0] == 0
    assert runner.invoke(main, ["tag", "--db", db, "--quiet"]).exit_code == 0
    code, out, err = _invoke(
        runner, "--db", db, "table", "--by", "year", "--format", "json", "--bootstrap", "0"
    )
    assert code == 0, err
    rows = json.loads(out)
    assert {row["year"]: row["documents"] for row in rows} == {2010: 1, 2011: 1}  # the twins once


def _as_unprivileged() -> list[str]:
    """A command prefix that runs as a user who cannot write a read-only folder (root can)."""
    import os
    import shutil

    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: a read-only folder cannot be made")
    prefix = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
    import subprocess
    import sys

    # The unprivileged user must be able to import the project (an editable install in a
    # checkout under a 0700 folder, such as one made by `mktemp -d`, is not readable to it).
    probe = subprocess.run(
        [*prefix, sys.executable, "-c", "import policytext.cli"], capture_output=True, text=True, timeout=120
    )
    if probe.returncode != 0:
        pytest.skip(
            "an unprivileged user cannot import policytext from this checkout (its folder is not "
            f"readable to others): {probe.stderr.strip().splitlines()[-1][:160]}"
        )
    return prefix


def test_cli_read_only_folder_serves_reading_commands_for_real(runner: CliRunner, tmp_path: Path) -> None:
    import shutil
    import subprocess
    import sys
    import tempfile

    # Outside pytest's own tmp folders, which only their owner may enter.
    base = Path(tempfile.mkdtemp(prefix="policytext-ro-"))
    base.chmod(0o755)
    folder = base / "ro"
    folder.mkdir()
    db = folder / "c.db"
    _invoke(runner, "--db", str(db), "import", str(_twins(tmp_path)))
    shutil.copy(_twins(tmp_path), base / "more.jsonl")
    (base / "more.jsonl").chmod(0o644)
    db.chmod(0o444)
    folder.chmod(0o555)
    prefix = [*_as_unprivileged(), sys.executable, "-m", "policytext.cli", "--db", str(db)]
    try:
        corpus = subprocess.run([*prefix, "corpus"], capture_output=True, text=True, timeout=120)
        assert corpus.returncode == 0 and corpus.stdout.startswith("# Corpus: 3 documents"), corpus.stderr
        export = subprocess.run([*prefix, "export"], capture_output=True, text=True, timeout=120)
        assert export.returncode == 0 and len(export.stdout.splitlines()) == 3, export.stderr
        write = subprocess.run(
            [*prefix, "import", str(folder.parent / "more.jsonl")],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert write.returncode == 1 and "the store is read-only" in write.stderr
        assert sorted(p.name for p in folder.iterdir()) == ["c.db"]
    finally:
        folder.chmod(0o755)
        shutil.rmtree(base)
