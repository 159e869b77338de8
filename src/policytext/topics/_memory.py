"""Hand freed memory back to the operating system between the stages of a topic job."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from functools import cache
from typing import Any


@cache
def _libc() -> Any:
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name) if name else None
    except OSError:  # pragma: no cover - no C library to load
        return None


def release_memory() -> None:
    """Collect garbage and, with glibc, return freed heap pages to the system (``malloc_trim``).

    Preprocessing frees many medium-sized blocks (each document's tokens once its passages
    exist); glibc keeps them in the process, so the peak of the next stage would add to
    them. Elsewhere this only collects garbage.
    """
    gc.collect()
    libc = _libc()
    trim = getattr(libc, "malloc_trim", None)
    if trim is not None:
        trim(0)
