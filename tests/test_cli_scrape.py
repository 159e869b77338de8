"""`policytext scrape` and the scrape stage of `policytext run`, against a local server."""

from __future__ import annotations

import socket
from pathlib import Path

from click.testing import CliRunner

from policytext.cli import main
from policytext.collect.fetch import FetchSettings
from policytext.run import run_pipeline
from policytext.store.corpus import Corpus
from site_server import Reply, SiteServer
from test_scraping import FIXTURES, serve_bps, serve_govuk


def closed_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return int(port)


def test_cli_scrape_catalogue_then_from_archive(
    site_server: SiteServer, runner: CliRunner, tmp_path: Path
) -> None:
    serve_govuk(site_server)
    serve_bps(site_server)
    db, archive = tmp_path / "c.db", tmp_path / "raw.warc.gz"
    result = runner.invoke(
        main,
        [
            "scrape",
            "--catalogue",
            str(FIXTURES / "catalogue" / "small.toml"),
            "--base-url",
            f"govuk={site_server.url}",
            "--base-url",
            f"bps={site_server.url}",
            "--db",
            str(db),
            "--archive",
            str(archive),
            "--delay",
            "0",
            "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "stored 4 new" in result.stderr and "0 failed" in result.stderr
    assert archive.is_file()
    site_server.stop()
    replay_db = tmp_path / "replay.db"
    result = runner.invoke(main, ["scrape", "--from-archive", str(archive), "--db", str(replay_db)])
    assert result.exit_code == 0, result.output
    assert "stored 4 new" in result.stderr
    with Corpus.open(db) as live, Corpus.open(replay_db) as replay:
        assert sorted((d.id, d.text) for d in live.query()) == sorted((d.id, d.text) for d in replay.query())


def test_cli_scrape_default_archive_beside_db(
    site_server: SiteServer, runner: CliRunner, tmp_path: Path
) -> None:
    serve_bps(site_server)
    db = tmp_path / "corpus" / "c.db"
    result = runner.invoke(
        main,
        [
            "scrape",
            "--source",
            "bps",
            "--base-url",
            f"bps={site_server.url}",
            "--db",
            str(db),
            "--delay",
            "0",
            "--limit",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "stored 1 new" in result.stderr
    assert len(list((tmp_path / "corpus" / "archive").glob("scrape-*.warc.gz"))) == 1


def test_cli_scrape_errors_are_one_line(runner: CliRunner, tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    cases = [
        (["scrape", "--db", db], "Error: give either a catalogue"),
        (
            ["scrape", "--source", "bps", "--base-url", "bogus", "--db", db],
            "Error: --base-url 'bogus': expected SOURCE=URL",
        ),
        (["scrape", "--source", "nowhere", "--db", db], "Error: --source nowhere: unknown source"),
        (
            ["scrape", "--catalogue", str(tmp_path / "none.toml"), "--db", db],
            "no such catalogue file",
        ),
        (
            ["scrape", "--from-archive", str(tmp_path / "none.warc.gz"), "--db", db],
            "no such archive file",
        ),
        (["scrape", "--source", "bps", "--since", "2012-99", "--db", db], "Error: --since"),
        (["scrape", "--source", "bps", "--limit", "0", "--db", db], "Error: --limit 0"),
    ]
    for args, message in cases:
        result = runner.invoke(main, args)
        assert result.exit_code == 1, (args, result.output)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and message in lines[0], (args, result.stderr)
    result = runner.invoke(main, ["scrape", "--from-archive", "x.warc.gz", "--source", "bps", "--db", db])
    assert result.exit_code == 2
    result = runner.invoke(main, ["scrape", "--from-archive", "x.warc.gz", "--refresh", "--db", db])
    assert result.exit_code == 2 and "--refresh" in result.stderr


def test_cli_scrape_help_has_example(runner: CliRunner) -> None:
    result = runner.invoke(main, ["scrape", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and "--from-archive" in result.output and "--base-url" in result.output


def test_pipeline_network_unreachable_one_line_and_carries_on(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    with Corpus.open(db) as corpus:
        from policytext.store.corpus import Document

        corpus.add(Document(text="Power to the people.", id="kept", speaker="Tony Blair", date="1998"))
    catalogue = tmp_path / "catalogue.toml"
    catalogue.write_text(
        '[[document]]\nurl = "https://www.gov.uk/government/speeches/a"\n'
        '[[document]]\nurl = "https://www.gov.uk/government/speeches/b"\n',
        encoding="utf-8",
    )
    port = closed_port()
    lines: list[str] = []
    run_pipeline(
        db,
        echo=lines.append,
        catalogue=catalogue,
        base_urls={"govuk": f"http://127.0.0.1:{port}"},
        fetch_settings=FetchSettings(retries=1, backoff=0.01, delay=0),
    )
    unreachable = [line for line in lines if "unreachable" in line]
    assert unreachable == [
        f"network unreachable: could not connect to 127.0.0.1:{port}; 2 URLs not fetched; "
        "carrying on with the 1 documents stored"
    ]
    assert any(line.startswith(f"corpus {db}: 1 documents") for line in lines)
    with Corpus.open(db) as corpus:
        assert corpus.count() == 1 and corpus.failures() == []
    assert not (tmp_path / "archive").exists()  # nothing fetched, no empty archive left


def test_pipeline_offline_skips_fetching(tmp_path: Path, site_server: SiteServer) -> None:
    catalogue = tmp_path / "catalogue.toml"
    catalogue.write_text(f'[[document]]\nurl = "{site_server.url}/x.pdf"\n', encoding="utf-8")
    lines: list[str] = []
    run_pipeline(tmp_path / "c.db", offline=True, echo=lines.append, catalogue=catalogue)
    assert lines[0] == "offline: not fetching; using the documents stored"
    assert site_server.requests == []


def test_pipeline_without_catalogue_says_so(tmp_path: Path) -> None:
    lines: list[str] = []
    run_pipeline(tmp_path / "c.db", echo=lines.append, catalogue=tmp_path / "none.toml")
    assert lines[0] == f"no catalogue at {tmp_path / 'none.toml'}: nothing to fetch"


def test_cli_run_never_scrapes_the_real_catalogue_in_tests(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["run", "--db", str(tmp_path / "c.db")])
    assert result.exit_code == 0, result.output
    assert "no catalogue at" in result.stderr and "nothing to fetch" in result.stderr


def test_cli_scrape_dry_run_checks_catalogue_without_network(runner: CliRunner, tmp_path: Path) -> None:
    catalogue = tmp_path / "c.toml"
    catalogue.write_text(
        '[[document]]\nid = "a"\nurl = "https://www.gov.uk/government/speeches/x"\n'
        '[[document]]\nid = "b"\nurl = "http://www.britishpoliticalspeech.org/about.htm"\n'
        '[[document]]\nid = "c"\nurl = "https://labourlist.org/2014/02/a-speech/"\n',
        encoding="utf-8",
    )
    result = runner.invoke(
        main, ["scrape", "--catalogue", str(catalogue), "--dry-run", "--db", str(tmp_path / "c.db")]
    )
    assert result.exit_code == 0, result.output
    rows = [line for line in result.stdout.splitlines() if line.startswith("| ")][1:]
    assert rows[0].startswith(
        "| a | govuk | https://www.gov.uk/government/speeches/x | "
        "https://www.gov.uk/api/content/government/speeches/x | ok |"
    )
    assert "| b | bps |" in rows[1] and "does not look like a bps document" in rows[1]
    assert "| c | pdf |" in rows[2] and "no recipe for this host" in rows[2]
    assert not (tmp_path / "c.db").exists()


def test_cli_scrape_refresh_stores_changed_page(
    site_server: SiteServer, runner: CliRunner, tmp_path: Path
) -> None:
    path = "/speech-archive.htm?speech=7"
    page = "<html><body><div class='speech-content'><p>{}</p></div></body></html>"
    site_server.routes[path] = Reply(body=page.format("First text.").encode())
    catalogue = tmp_path / "c.toml"
    catalogue.write_text(
        '[[document]]\nid = "s7"\n'
        'url = "http://www.britishpoliticalspeech.org/speech-archive.htm?speech=7"\n',
        encoding="utf-8",
    )
    db = tmp_path / "c.db"
    args = ["scrape", "--catalogue", str(catalogue), "--base-url", f"bps={site_server.url}"]
    args += ["--db", str(db), "--delay", "0", "--quiet", "--archive", str(tmp_path / "a.warc.gz")]
    assert runner.invoke(main, args).exit_code == 0
    site_server.routes[path] = Reply(body=page.format("Second text.").encode())
    plain = runner.invoke(main, args)
    assert "stored 0 new" in plain.stderr and "1 unchanged" in plain.stderr
    refreshed = runner.invoke(main, [*args, "--refresh"])
    assert refreshed.exit_code == 0, refreshed.output
    assert "stored 1 new" in refreshed.stderr
    with Corpus.open(db) as corpus:
        assert corpus.get("s7").text == "Second text."  # type: ignore[union-attr]


def test_scrape_unreachable_hosts_counted_as_failed_and_named_briefly(tmp_path: Path) -> None:
    """URLs on a host that cannot be reached count as failed (not silently dropped), and the
    one-line message names at most three hosts and the count."""
    from policytext.collect.scrape import scrape

    ports = [closed_port() for _ in range(4)]
    catalogue = tmp_path / "catalogue.toml"
    catalogue.write_text(
        "".join(
            f'[[document]]\nurl = "http://127.0.0.1:{port}/d{i}.pdf"\n' for port in ports for i in range(2)
        ),
        encoding="utf-8",
    )
    settings = FetchSettings(retries=0, delay=0, private_hosts=frozenset({"127.0.0.1"}))
    with Corpus.open(tmp_path / "c.db") as corpus:
        summary = scrape(corpus, catalogue=catalogue, settings=settings)
    assert summary.not_reached == 8 and len(summary.unreachable) == 4
    first = summary.report().splitlines()[0]
    assert first.endswith("8 failed (8 on hosts not reached)")
    message = summary.unreachable_message()
    assert message.startswith("could not connect to 127.0.0.1:")
    assert message.endswith("and 1 more host (4 hosts); 8 URLs not fetched")
    assert message.count("127.0.0.1:") == 3


def test_cli_scrape_check_prints_the_plan_with_archive_routes(runner: CliRunner, tmp_path: Path) -> None:
    catalogue = tmp_path / "catalogue.toml"
    catalogue.write_text(
        '[[document]]\nid = "gone"\nurl = "http://www.gone.example/paper.htm"\narchived = true\n'
        '[[document]]\nid = "sayit"\nurl = "https://labour-speeches.sayit.mysociety.org/speech/1"\n',
        encoding="utf-8",
    )
    result = runner.invoke(
        main, ["scrape", "--catalogue", str(catalogue), "--check", "--db", str(tmp_path / "c.db")]
    )
    assert result.exit_code == 0, result.output
    assert "https://web.archive.org/web/2id_/http://www.gone.example/paper.htm" in result.output
    assert (
        "https://web.archive.org/web/2020id_/https://labour-speeches.sayit.mysociety.org/speech/1"
        in result.output
    )
    assert "archived: the capture nearest" in result.output and "site gone" in result.output
    assert not (tmp_path / "c.db").exists()  # nothing fetched, nothing stored
