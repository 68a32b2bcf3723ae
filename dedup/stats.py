"""Run statistics for benchmarks (`dedup scan --stats FILE`): stage timings, counts and peak memory.

Peak memory is the process's high-water mark (getrusage ru_maxrss) read at the end of each stage, so
a stage's figure is the largest resident size the run reached up to and including that stage.
"""

from __future__ import annotations

import sys


def peak_rss_mb() -> float:
    """The process's peak resident set size so far, in MiB (0 where the platform cannot tell)."""
    try:
        import resource
    except ImportError:  # Windows
        return 0.0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)
