"""Run statistics for benchmarks (`dedup scan --stats FILE`): stage timings, counts and peak memory.

Peak memory is the process's high-water mark (getrusage ru_maxrss) read at the end of each stage, so
a stage's figure is the largest resident size the run reached up to and including that stage.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any


def peak_rss_mb() -> float:
    """The process's peak resident set size so far, in MiB (0 where the platform cannot tell)."""
    try:
        import resource
    except ImportError:  # Windows
        return 0.0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def write_json_atomically(path: Path, value: Any) -> None:
    """Write `value` as JSON to `path` through a temporary file in the same folder, then rename it."""
    folder = path.resolve().parent
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    try:
        os.chmod(temporary, 0o666 & ~_umask())  # as open() would create it; mkstemp makes it private
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(value, out, indent=2)
            out.write("\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
