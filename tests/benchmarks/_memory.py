"""Peak memory of the running process, for benchmarks that measure each size in a child process."""

from __future__ import annotations

from pathlib import Path


def own_peak_rss_mb() -> float:
    """This process's peak resident set size in MB.

    On Linux it is ``VmHWM`` from ``/proc/self/status``: the high-water mark of
    this program's own memory. ``getrusage``'s ``ru_maxrss`` is not: Linux keeps
    it across ``exec``, so a child started from a large parent reports the
    parent's size (an earlier version of bench_tag.py reported a figure that grew
    with the corpus the parent had tagged, and its flat ratio meant nothing).
    ``ru_maxrss`` is the fallback elsewhere.
    """
    status = Path("/proc/self/status")
    if status.is_file():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
