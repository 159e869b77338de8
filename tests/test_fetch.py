"""The polite fetcher and the WARC archive, against a real server on 127.0.0.1."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from policytext.collect.fetch import Fetcher, FetchSettings, HostUnreachable, WarcArchive, read_archive
from policytext.errors import (
    AddressNotAllowed,
    DeadlineExceeded,
    FetchError,
    HostNotAllowed,
    ResponseTooLarge,
    RobotsDisallowed,
)
from site_server import Reply, Request, SiteServer

LOCAL = frozenset({"127.0.0.1"})
FAST = FetchSettings(
    delay=0.0,
    backoff=0.05,
    retries=2,
    connect_timeout=2,
    read_timeout=2,
    user_agent="policytext-tests/1 (+https://example.org/contact)",
    private_hosts=frozenset({"127.0.0.1"}),
)


def hosts(server: SiteServer) -> set[str]:
    return {f"{server.host}:{server.port}"}


def test_fetch_sends_user_agent_and_returns_body(site_server: SiteServer) -> None:
    site_server.routes["/a"] = Reply(body=b"<p>hello</p>")
    with Fetcher(FAST) as fetcher:
        response = fetcher.fetch(site_server.url + "/a", allowed_hosts=hosts(site_server))
    assert response.status == 200 and response.body == b"<p>hello</p>"
    page = [r for r in site_server.requests if r.path == "/a"][0]
    assert page.headers["user-agent"] == FAST.user_agent
    assert response.content_type == "text/html" and response.charset == "utf-8"


def test_fetch_404_is_returned_not_retried(site_server: SiteServer) -> None:
    with Fetcher(FAST) as fetcher:
        response = fetcher.fetch(site_server.url + "/missing", allowed_hosts=hosts(site_server))
    assert response.status == 404
    assert site_server.paths().count("/missing") == 1


def test_fetch_retries_500_then_succeeds(site_server: SiteServer) -> None:
    site_server.routes["/flaky"] = [Reply(500, b"oops"), Reply(200, b"<p>ok</p>")]
    with Fetcher(FAST) as fetcher:
        response = fetcher.fetch(site_server.url + "/flaky", allowed_hosts=hosts(site_server))
    assert response.status == 200 and response.body == b"<p>ok</p>"
    assert site_server.paths().count("/flaky") == 2


def test_fetch_connection_broken_mid_body_is_retried(site_server: SiteServer) -> None:
    # The server promises 5000 bytes, sends 5 and closes: a transient fault, retried.
    site_server.routes["/cut"] = [
        Reply(body=b"short", headers={"Content-Length": "5000", "Connection": "close"}),
        Reply(body=b"whole body"),
    ]
    with Fetcher(FAST) as fetcher:
        response = fetcher.fetch(site_server.url + "/cut", allowed_hosts=hosts(site_server))
    assert response.body == b"whole body"
    assert site_server.paths().count("/cut") == 2
    site_server.routes["/always-cut"] = Reply(
        body=b"short", headers={"Content-Length": "5000", "Connection": "close"}
    )
    with Fetcher(FAST) as fetcher, pytest.raises(FetchError) as info:
        fetcher.fetch(site_server.url + "/always-cut", allowed_hosts=hosts(site_server))
    assert str(info.value) == (
        f"{site_server.url}/always-cut: connection broken before the whole response arrived "
        "(5 bytes read, 4995 more expected)"
    )
    assert site_server.paths().count("/always-cut") == 1 + FAST.retries


def test_fetch_gives_up_after_retries(site_server: SiteServer) -> None:
    site_server.routes["/down"] = Reply(503, b"down")
    with Fetcher(FAST) as fetcher, pytest.raises(FetchError, match="HTTP 503 after 3 attempts"):
        fetcher.fetch(site_server.url + "/down", allowed_hosts=hosts(site_server))
    assert site_server.paths().count("/down") == 3


def test_fetch_honours_retry_after(site_server: SiteServer) -> None:
    site_server.routes["/busy"] = [
        Reply(429, b"slow down", headers={"Retry-After": "1"}),
        Reply(200, b"ok"),
    ]
    with Fetcher(FAST) as fetcher:
        response = fetcher.fetch(site_server.url + "/busy", allowed_hosts=hosts(site_server))
    assert response.status == 200
    times = [r.at for r in site_server.requests if r.path == "/busy"]
    assert len(times) == 2 and times[1] - times[0] >= 0.95


def test_fetch_refuses_retry_after_beyond_the_limit(site_server: SiteServer) -> None:
    site_server.routes["/later"] = Reply(429, b"", headers={"Retry-After": "3600"})
    with Fetcher(FAST) as fetcher, pytest.raises(FetchError, match="Retry-After 3600"):
        fetcher.fetch(site_server.url + "/later", allowed_hosts=hosts(site_server))


def test_fetch_stalled_response_times_out(site_server: SiteServer) -> None:
    site_server.routes["/stall"] = Reply(body=b"late", delay=4)
    settings = FetchSettings(delay=0, read_timeout=0.3, retries=0, private_hosts=LOCAL)
    # Without the read time-out the 4 s reply would arrive and the fetch succeed.
    with Fetcher(settings) as fetcher, pytest.raises(FetchError, match="time-out"):
        fetcher.fetch(site_server.url + "/stall", allowed_hosts=hosts(site_server))
    assert site_server.paths().count("/stall") == 1  # retries=0: asked once


def test_fetch_robots_wildcards_obeyed(site_server: SiteServer) -> None:
    site_server.routes["/robots.txt"] = Reply(
        body=b"User-agent: *\nDisallow: /*/print$\nDisallow: /search/all*\n",
        content_type="text/plain",
    )
    site_server.routes["/guide/print"] = Reply(body=b"no")
    site_server.routes["/guide/print/more"] = Reply(body=b"yes")
    with Fetcher(FAST) as fetcher:
        with pytest.raises(RobotsDisallowed, match="robots.txt"):
            fetcher.fetch(site_server.url + "/guide/print", allowed_hosts=hosts(site_server))
        with pytest.raises(RobotsDisallowed):
            fetcher.fetch(site_server.url + "/search/all?q=x", allowed_hosts=hosts(site_server))
        assert (
            fetcher.fetch(site_server.url + "/guide/print/more", allowed_hosts=hosts(site_server)).body
            == b"yes"
        )
    assert "/guide/print" not in site_server.paths()
    assert site_server.paths().count("/robots.txt") == 1  # cached per run


def test_fetch_robots_groups_match_our_product_token_only(site_server: SiteServer) -> None:
    # Our User-Agent's comment and contact URL hold "research" and "github": groups for
    # those robots must not apply to us; the group for our product token does.
    from dataclasses import replace

    from policytext.collect.fetch import DEFAULT_USER_AGENT

    settings = replace(FAST, user_agent=DEFAULT_USER_AGENT)
    assert "research" in settings.user_agent and "github" in settings.user_agent
    site_server.routes["/robots.txt"] = Reply(
        body=b"User-agent: research\nDisallow: /\n\nUser-agent: github\nCrawl-delay: 30\n"
        b"Disallow: /\n\nUser-agent: *\nDisallow: /all\n",
        content_type="text/plain",
    )
    site_server.routes["/page"] = Reply(body=b"yes")
    site_server.routes["/mine"] = Reply(body=b"yes")
    with Fetcher(settings) as fetcher:
        assert fetcher.fetch(site_server.url + "/page", allowed_hosts=hosts(site_server)).body == b"yes"
        with pytest.raises(RobotsDisallowed):
            fetcher.fetch(site_server.url + "/all", allowed_hosts=hosts(site_server))
        assert fetcher._slot(f"{site_server.host}:{site_server.port}").delay is None  # not 30 s
    site_server.routes["/robots.txt"] = Reply(
        body=b"User-agent: POLICYTEXT\nDisallow: /mine\n\nUser-agent: *\nDisallow: /\n",
        content_type="text/plain",
    )
    with Fetcher(settings) as fetcher:  # our own group, matched case-insensitively
        assert fetcher.fetch(site_server.url + "/page", allowed_hosts=hosts(site_server)).body == b"yes"
        with pytest.raises(RobotsDisallowed):
            fetcher.fetch(site_server.url + "/mine", allowed_hosts=hosts(site_server))


def test_fetch_redirect_within_hosts_followed_other_host_refused(site_server: SiteServer) -> None:
    site_server.routes["/old"] = Reply(301, b"", headers={"Location": "/new"})
    site_server.routes["/new"] = Reply(body=b"moved here")
    site_server.routes["/away"] = Reply(302, b"", headers={"Location": "http://evil.example.com/x"})
    with Fetcher(FAST) as fetcher:
        assert fetcher.fetch(site_server.url + "/old", allowed_hosts=hosts(site_server)).body == b"moved here"
        with pytest.raises(HostNotAllowed, match="evil.example.com"):
            fetcher.fetch(site_server.url + "/away", allowed_hosts=hosts(site_server))


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "streamed"])
def test_fetch_oversized_body_cut_off(site_server: SiteServer, declared: bool) -> None:
    headers = {} if declared else {"X-No-Length": "1"}
    site_server.routes["/big"] = Reply(body=b"x" * 200_000, headers=headers)
    settings = FetchSettings(delay=0, max_bytes=10_000, retries=0, private_hosts=LOCAL)
    with Fetcher(settings) as fetcher, pytest.raises(ResponseTooLarge, match="10000 byte cap"):
        fetcher.fetch(site_server.url + "/big", allowed_hosts=hosts(site_server))


def test_fetch_conditional_request_gets_304(site_server: SiteServer) -> None:
    def page(request: Request) -> Reply:
        if request.headers.get("if-none-match") == '"v1"':
            return Reply(304, b"")
        return Reply(body=b"<p>v1</p>", headers={"ETag": '"v1"'})

    site_server.routes["/doc"] = page
    with Fetcher(FAST) as fetcher:
        first = fetcher.fetch(site_server.url + "/doc", allowed_hosts=hosts(site_server))
        again = fetcher.fetch(
            site_server.url + "/doc", allowed_hosts=hosts(site_server), etag=first.headers["etag"]
        )
    assert not first.not_modified and again.not_modified and again.body == b""


def test_fetch_per_host_delay(site_server: SiteServer) -> None:
    site_server.routes["/p"] = Reply(body=b"p")
    with Fetcher(FetchSettings(delay=0.25, private_hosts=LOCAL)) as fetcher:
        for _ in range(3):
            fetcher.fetch(site_server.url + "/p", allowed_hosts=hosts(site_server))
    times = [r.at for r in site_server.requests if r.path == "/p"]
    assert all(b - a >= 0.24 for a, b in zip(times, times[1:], strict=False))


def test_fetch_unreachable_host() -> None:
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    settings = FetchSettings(delay=0, retries=1, backoff=0.01, private_hosts=LOCAL)
    with Fetcher(settings) as fetcher, pytest.raises(HostUnreachable, match=f"127.0.0.1:{port}"):
        fetcher.fetch(f"http://127.0.0.1:{port}/x", allowed_hosts={f"127.0.0.1:{port}"})


def test_fetch_archive_round_trip(site_server: SiteServer, tmp_path: Path) -> None:
    site_server.routes["/a"] = Reply(body=b"<p>archived</p>", headers={"ETag": '"e"'})
    archive = tmp_path / "run.warc.gz"
    with Fetcher(FAST, archive=WarcArchive(archive)) as fetcher:
        response = fetcher.fetch(
            site_server.url + "/a",
            allowed_hosts=hosts(site_server),
            annotations={"WARC-Policytext-Source": "test"},
        )
    records = [r for r in read_archive(archive) if r.url.endswith("/a")]
    assert len(records) == 1
    record = records[0]
    assert record.body == b"<p>archived</p>" and record.status == 200
    assert record.warc_offset == response.warc_offset and record.warc_file == str(archive)
    assert record.extra["WARC-Policytext-Source"] == "test"
    assert record.retrieved_at == response.retrieved_at
    assert record.headers["etag"] == '"e"'


def test_read_archive_rejects_a_non_warc_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.warc.gz"
    bad.write_bytes(b"this is not a warc file at all\n")
    with pytest.raises(FetchError, match="bad.warc.gz"):
        list(read_archive(bad))


def test_fetch_robots_behind_a_redirect_is_followed(site_server: SiteServer) -> None:
    site_server.routes["/robots.txt"] = Reply(301, b"", headers={"Location": "/real-robots.txt"})
    site_server.routes["/real-robots.txt"] = Reply(
        body=b"User-agent: *\nDisallow: /no\n", content_type="text/plain"
    )
    with Fetcher(FAST) as fetcher:
        assert not fetcher.is_allowed_by_robots(site_server.url + "/no")
        assert fetcher.is_allowed_by_robots(site_server.url + "/yes")


def test_fetch_robots_server_error_means_fetch_nothing(site_server: SiteServer) -> None:
    site_server.routes["/robots.txt"] = Reply(500, b"broken", content_type="text/plain")
    with Fetcher(FAST) as fetcher, pytest.raises(RobotsDisallowed):
        fetcher.fetch(site_server.url + "/page", allowed_hosts=hosts(site_server))
    assert "/page" not in site_server.paths()


@pytest.mark.parametrize(
    ("value", "low", "high"),
    [("5", 5, 5), ("0", 0, 0), ("soon", None, None), (None, None, None)],
)
def test_fetch_retry_after_values(value: str | None, low: float | None, high: float | None) -> None:
    from policytext.collect.fetch import _retry_after

    result = _retry_after(value)
    if low is None:
        assert result is None
    else:
        assert result is not None and low <= result <= high  # type: ignore[operator]


def test_fetch_retry_after_http_date() -> None:
    import email.utils

    from policytext.collect.fetch import _retry_after

    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    result = _retry_after(when)
    assert result is not None and 25 <= result <= 31
    assert _retry_after(email.utils.formatdate(time.time() - 60, usegmt=True)) == 0


def test_fetch_retry_after_date_measured_from_the_server_date() -> None:
    # The server's clock is an hour behind ours: "retry at <its now + 20 s>" is 20 s, not 0.
    import email.utils

    from policytext.collect.fetch import _retry_after

    server_now = time.time() - 3600
    when = email.utils.formatdate(server_now + 20, usegmt=True)
    result = _retry_after(when, email.utils.formatdate(server_now, usegmt=True))
    assert result is not None and 19 <= result <= 21
    assert _retry_after(when, "not a date") == 0  # falls back to our clock: long past


# -- safety: the deadline per response and the address check -----------------------------


def test_fetch_trickling_response_fails_at_the_deadline(site_server: SiteServer) -> None:
    # One byte every 0.2 s: each read is well within the 2 s read time-out, so only the
    # overall deadline can stop it (the whole body would take 20 s).
    site_server.routes["/trickle"] = Reply(body=b"x" * 100, trickle=0.2)
    settings = FetchSettings(delay=0, read_timeout=2, deadline=0.6, retries=2, private_hosts=LOCAL)
    with Fetcher(settings) as fetcher, pytest.raises(DeadlineExceeded) as info:
        fetcher.fetch(site_server.url + "/trickle", allowed_hosts=hosts(site_server))
    assert str(info.value) == (
        f"{site_server.url}/trickle: response still arriving after the 0.6 s deadline per "
        "response (a stalled or trickling server); gave up"
    )
    assert site_server.paths().count("/trickle") == 1  # a deadline is not retried


def test_fetch_settings_default_deadline() -> None:
    assert FetchSettings().deadline == 120.0


def _no_network(monkeypatch: pytest.MonkeyPatch, answer: list[str]) -> list[object]:
    """Resolve every host to ``answer`` and record (and forbid) any connect attempt."""
    import socket

    from policytext.collect import netguard

    attempts: list[object] = []

    def fake_resolve(host: str, port: int) -> list[str]:
        return list(answer)

    def no_connect(self: socket.socket, address: object) -> None:
        attempts.append(address)
        raise AssertionError(f"a connection was attempted to {address}")

    def no_lookup(*args: object, **kwargs: object) -> list[object]:
        attempts.append(args)
        raise AssertionError("a real DNS lookup was attempted")

    monkeypatch.setattr(netguard, "resolve", fake_resolve)
    monkeypatch.setattr(socket.socket, "connect", no_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", no_connect)
    monkeypatch.setattr(socket, "getaddrinfo", no_lookup)
    return attempts


@pytest.mark.parametrize("address", ["169.254.169.254", "10.1.2.3", "192.168.0.1", "::1", "fd00::1"])
def test_fetch_refuses_private_and_link_local_addresses_before_connecting(
    monkeypatch: pytest.MonkeyPatch, address: str
) -> None:
    attempts = _no_network(monkeypatch, [address])
    settings = FetchSettings(delay=0, retries=2, obey_robots=False)
    with Fetcher(settings) as fetcher, pytest.raises(AddressNotAllowed) as info:
        fetcher.fetch("http://metadata.example/latest/", allowed_hosts={"metadata.example"})
    assert str(info.value).startswith(f"metadata.example: resolves to {address}, a private, loopback")
    assert info.value.address == address
    assert attempts == []


def test_fetch_refuses_a_host_with_any_private_address(monkeypatch: pytest.MonkeyPatch) -> None:
    # One public and one link-local answer: refused (the connection could pick either).
    attempts = _no_network(monkeypatch, ["93.184.216.34", "169.254.169.254"])
    with Fetcher(FetchSettings(delay=0, retries=0)) as fetcher, pytest.raises(AddressNotAllowed):
        fetcher.fetch("http://mixed.example/", allowed_hosts={"mixed.example"})
    assert attempts == []


def test_fetch_refuses_loopback_unless_the_host_is_allowed(site_server: SiteServer) -> None:
    with Fetcher(FetchSettings(delay=0, retries=0)) as fetcher, pytest.raises(AddressNotAllowed):
        fetcher.fetch(site_server.url + "/a", allowed_hosts=hosts(site_server))
    assert site_server.paths() == []  # nothing reached the server, robots.txt included
    site_server.routes["/a"] = Reply(body=b"<p>ok</p>")
    with Fetcher(FetchSettings(delay=0, retries=0)) as fetcher:
        fetcher.allow_private_host(f"127.0.0.1:{site_server.port}")
        assert fetcher.fetch(site_server.url + "/a", allowed_hosts=hosts(site_server)).status == 200


def test_is_public_address() -> None:
    from policytext.collect.netguard import is_public_address

    assert is_public_address("93.184.216.34")
    assert is_public_address("2001:4860:4860::8888")
    for address in (
        "127.0.0.1",
        "10.0.0.1",
        "172.16.0.1",
        "169.254.169.254",
        "0.0.0.0",
        "::ffff:10.0.0.1",
        "fe80::1",
        "224.0.0.1",
        "100.64.0.1",
    ):
        assert not is_public_address(address), address


def test_fetch_connection_refused_is_unreachable_by_type_not_message(monkeypatch: pytest.MonkeyPatch) -> None:
    # The retry decision reads the exception's type: a refused connection whose message
    # says nothing recognisable is still "unreachable".
    import requests
    import urllib3.exceptions

    from policytext.collect import fetch as fetch_module

    inner = urllib3.exceptions.NewConnectionError(None, "odd wording")  # type: ignore[arg-type]
    inner.__cause__ = ConnectionRefusedError(111, "odd")
    error = requests.exceptions.ConnectionError(urllib3.exceptions.MaxRetryError(None, "/x", inner))  # type: ignore[arg-type]
    problem = fetch_module._classify(error, label="http://h/x", host="h", settings=FAST)
    assert isinstance(problem, HostUnreachable)
    assert str(problem) == "http://h/x: cannot connect to h (Connection refused)"
    timeout = requests.exceptions.ReadTimeout("no words about time")
    assert not isinstance(
        fetch_module._classify(timeout, label="u", host="h", settings=FAST), HostUnreachable
    )
