"""One FIFO per host, each drained by one worker thread; hosts run in parallel."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Generic, TypeVar

__all__ = ["HostQueues"]

J = TypeVar("J")


class HostQueues(Generic[J]):
    """One FIFO per host, each drained by one worker thread; hosts run in parallel."""

    def __init__(self, work: Callable[[J], None], *, max_hosts: int) -> None:
        self._work = work
        self._queues: dict[str, deque[J]] = {}
        self._active: set[str] = set()
        self._outstanding = 0
        self._lock = threading.Condition()
        self._pool = ThreadPoolExecutor(max_workers=max_hosts, thread_name_prefix="policytext-host")
        self.dropped: set[str] = set()

    def submit(self, host: str, job: J) -> bool:
        """Queue a job; False when its host was dropped (not reachable)."""
        with self._lock:
            if host in self.dropped:
                return False
            self._queues.setdefault(host, deque()).append(job)
            self._outstanding += 1
            if host not in self._active:
                self._active.add(host)
                self._pool.submit(self._drain, host)
            return True

    def drop_host(self, host: str) -> int:
        """Forget the rest of a host's queue (it cannot be reached); how many were dropped."""
        with self._lock:
            self.dropped.add(host)
            pending = self._queues.get(host)
            count = len(pending) if pending else 0
            if pending:
                self._outstanding -= len(pending)
                pending.clear()
                self._lock.notify_all()
            return count

    def _drain(self, host: str) -> None:
        while True:
            with self._lock:
                pending = self._queues.get(host)
                if not pending:
                    self._active.discard(host)
                    return
                job = pending.popleft()
            try:
                self._work(job)
            finally:
                with self._lock:
                    self._outstanding -= 1
                    self._lock.notify_all()

    def is_idle(self) -> bool:
        with self._lock:
            return self._outstanding <= 0

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
