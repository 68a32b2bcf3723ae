"""Candidate pairs from datasketch's MinHash LSH, one index per fingerprint channel.

LSH answers are approximate by design; every candidate goes on to exact verification.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from datasketch import MinHashLSH

from .fingerprint import NUM_PERM, Fingerprint

COPY_THRESHOLD = 0.3  # word-shingle Jaccard: catches copies, near copies and truncations to ~1/3
REWRITE_THRESHOLD = 0.2  # content-word Jaccard: rewrites share 20-60% of their content words
# LSH errs towards recall: a missed pair is lost for good, a spurious one costs one verification.
LSH_WEIGHTS = (0.3, 0.7)


@dataclass(frozen=True, slots=True, order=True)
class Candidate:
    """Two documents (by index, first < second) that LSH put in one bucket; `channels` says which."""

    first: int
    second: int
    channels: tuple[str, ...]


def find_candidates(
    fingerprints: Sequence[Fingerprint],
    copy_threshold: float = COPY_THRESHOLD,
    rewrite_threshold: float = REWRITE_THRESHOLD,
    num_perm: int = NUM_PERM,
) -> list[Candidate]:
    """Every pair that shares a bucket in either channel, sorted, each once."""
    channels: dict[tuple[int, int], list[str]] = {}
    for name, threshold in (("copy", copy_threshold), ("rewrite", rewrite_threshold)):
        lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, weights=LSH_WEIGHTS)
        with lsh.insertion_session() as session:
            for fp in fingerprints:
                session.insert(fp.index, getattr(fp, name), check_duplication=False)
        for fp in fingerprints:
            for other in lsh.query(getattr(fp, name)):
                if other > fp.index:
                    channels.setdefault((fp.index, other), []).append(name)
    return [Candidate(a, b, tuple(names)) for (a, b), names in sorted(channels.items())]
