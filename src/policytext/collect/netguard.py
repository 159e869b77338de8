"""Refuse private, loopback and link-local addresses before a connection opens.

A catalogue URL or a redirect may name a host that resolves to an address on
the machine's own network (``169.254.169.254``, a cloud's metadata service,
``10.0.0.1``, ``127.0.0.1``). The fetcher's connections resolve the host
themselves, check **every** address the resolver gives, and connect to the
checked address (so a second lookup cannot give another one); a host whose
addresses are not all public is refused with
:class:`~policytext.errors.AddressNotAllowed` unless it was explicitly allowed
(a ``--base-url`` mirror, a test server on 127.0.0.1).

Example::

    >>> is_public_address("93.184.216.34"), is_public_address("169.254.169.254")
    (True, False)
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Collection
from typing import Any

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NameResolutionError

from policytext.errors import AddressNotAllowed

__all__ = ["guarded_session", "is_public_address", "resolve"]


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (IPv4 and IPv6), in the resolver's order.

    Module-level so tests can replace it (no lookup, no packet).
    """
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def is_public_address(address: str) -> bool:
    """Whether an IP address is globally routable (not private, loopback, link-local,
    multicast, reserved or unspecified; IPv4-mapped IPv6 addresses are unwrapped)."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return bool(ip.is_global) and not (ip.is_multicast or ip.is_reserved)


def _host_allowed(host: str, port: int | None, allowed: Collection[str]) -> bool:
    host = host.lower().strip("[]")
    return host in allowed or f"{host}:{port}" in allowed


def _checked_address(host: str, port: int, allowed: Collection[str]) -> str:
    """The address to connect to; raises AddressNotAllowed for a non-public one."""
    addresses = resolve(host, port)
    if not addresses:
        raise socket.gaierror(socket.EAI_NONAME, f"no address for {host}")
    if _host_allowed(host, port, allowed):
        return addresses[0]
    for address in addresses:
        if not is_public_address(address):
            raise AddressNotAllowed(
                f"{host}: resolves to {address}, a private, loopback or link-local address; "
                "refused (allow the host explicitly, e.g. with --base-url, to fetch from it)",
                url=host,
                host=host,
                address=address,
            )
    return addresses[0]


def _connection_class(base: type[HTTPConnection], allowed: Collection[str]) -> type[HTTPConnection]:
    class GuardedConnection(base):  # type: ignore[misc, valid-type]
        def _new_conn(self) -> socket.socket:
            try:
                address = _checked_address(self.host, self.port or 80, allowed)
            except socket.gaierror as exc:
                raise NameResolutionError(self.host, self, exc) from exc
            # Connect to the address just checked; TLS still verifies ``self.host``.
            self._dns_host = address
            sock: socket.socket = super()._new_conn()
            return sock

    return GuardedConnection


class _GuardedAdapter(HTTPAdapter):
    def __init__(self, allowed: Collection[str], **kwargs: Any) -> None:
        self._allowed = allowed
        super().__init__(**kwargs)

    def init_poolmanager(self, connections: int, maxsize: int, block: bool = False, **kw: Any) -> None:
        super().init_poolmanager(connections, maxsize, block, **kw)
        http_conn = _connection_class(HTTPConnection, self._allowed)
        https_conn = _connection_class(HTTPSConnection, self._allowed)

        class HTTPPool(HTTPConnectionPool):
            ConnectionCls = http_conn

        class HTTPSPool(HTTPSConnectionPool):
            ConnectionCls = https_conn  # type: ignore[assignment]

        manager: urllib3.PoolManager = self.poolmanager
        manager.pool_classes_by_scheme = {"http": HTTPPool, "https": HTTPSPool}

    def proxy_manager_for(self, proxy: str, **kw: Any) -> Any:
        # Through a proxy the proxy resolves the host: refuse rather than skip the check.
        raise AddressNotAllowed(
            f"proxy {proxy}: fetching through a proxy is not supported (the address check "
            "needs a direct connection)",
            url=proxy,
        )


def guarded_session(allowed: Collection[str], user_agent: str) -> requests.Session:
    """A requests session whose connections pass the address check.

    ``allowed`` holds lower-case ``host`` or ``host:port`` names that may resolve
    to any address.
    """
    session = requests.Session()
    session.trust_env = False  # no proxies from the environment: the check needs direct connections
    adapter = _GuardedAdapter(allowed)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = user_agent
    return session
