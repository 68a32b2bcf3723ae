"""Candidate pairs by MinHash LSH banding, one index per fingerprint channel.

The banding is datasketch's `MinHashLSH` scheme (b bands of r consecutive hash values; two documents are
candidates when all r values of some band agree), run as numpy sorts over every document at once instead
of a dict entry per band and document: at a million documents and 170 bands the dict holds ~170 million
entries, far past the memory a laptop-sized run has. The pairs are the same (tests check it against
`MinHashLSH` with the same parameters). LSH answers are approximate; every candidate is screened
(verify.screen) and verified.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from .hashing import bucket_pairs_of_band, keys_with_positions_sorted

COPY, REWRITE, EXACT = 1, 2, 4  # channel bits of a candidate
CHANNEL_NAMES = {COPY: "copy", REWRITE: "rewrite", EXACT: "exact"}


@dataclass(frozen=True)
class Banding:
    """b bands of r rows over a channel's signature; P(candidate) = 1 - (1 - J^r)^b."""

    bands: int
    rows: int

    @property
    def num_perm(self) -> int:
        return self.bands * self.rows

    def probability(self, jaccard: float) -> float:
        return float(1 - (1 - jaccard**self.rows) ** self.bands)


# Copies: word 5-shingle Jaccard 0.3 is found 2 times in 3, 0.5 always (datasketch's optimum for 0.3
# with false negatives weighted 0.7).
COPY_BANDING = Banding(bands=42, rows=3)
# Rewrites share 15-60% of their content words; with r = 2 (what datasketch picks for 0.2) unrelated
# news pairs sharing 5% of their words collide one time in six and flood verification, so r = 3 and
# 384 permutations: Jaccard 0.2 is found 2 times in 3, 0.3 always, 0.05 under 2%.
REWRITE_BANDING = Banding(bands=128, rows=3)
# A bucket shared by more documents than this (templated stories, boilerplate-only pages) pairs each
# member with its first few bucket-mates only: the pairs grow linearly, and star clustering needs no more.
BUCKET_LIMIT = 50
BUCKET_LINKS = 8


@dataclass(frozen=True, slots=True, order=True)
class Candidate:
    """Two documents (by index, first < second) that LSH put in one bucket; `channels` says which."""

    first: int
    second: int
    channels: tuple[str, ...]


@dataclass(frozen=True)
class Candidates:
    """Every candidate pair of a run as parallel arrays, sorted by (first, second), each pair once."""

    first: np.ndarray  # int64
    second: np.ndarray  # int64
    channels: np.ndarray  # uint8, bits COPY | REWRITE | EXACT

    def __len__(self) -> int:
        return int(self.first.size)

    def subset(self, keep: np.ndarray) -> Candidates:
        """The pairs where the boolean mask `keep` is true, in the same order."""
        return Candidates(self.first[keep], self.second[keep], self.channels[keep])

    def __iter__(self) -> Iterator[Candidate]:
        for first, second, bits in zip(self.first.tolist(), self.second.tolist(), self.channels.tolist(), strict=True):
            yield Candidate(first, second, tuple(name for bit, name in CHANNEL_NAMES.items() if bits & bit))


def band_keys(signatures: np.ndarray, banding: Banding) -> np.ndarray:
    """One 32-bit key per document and band (documents x bands): the band's r values mixed together.
    32 bits keep a million documents' keys in ~700 MB; a chance collision only adds a candidate that
    verification rejects (about a hundred per band at a million documents)."""
    if signatures.shape[1] < banding.num_perm:
        raise ValueError(f"signatures have {signatures.shape[1]} values, the banding needs {banding.num_perm}")
    values = signatures[:, : banding.num_perm].astype(np.uint64).reshape(len(signatures), banding.bands, banding.rows)
    keys = np.zeros(values.shape[:2], dtype=np.uint64)
    with np.errstate(over="ignore"):
        for row in range(banding.rows):
            keys = (keys ^ values[:, :, row]) * np.uint64(0x9E3779B97F4A7C15)
            keys ^= keys >> np.uint64(29)
    return (keys ^ (keys >> np.uint64(32))).astype(np.uint32)


PairFilter = Callable[[np.ndarray, np.ndarray], np.ndarray]  # (first, second) -> mask of pairs to keep


def band_pairs(keys: np.ndarray, members: np.ndarray | None = None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """The pairs of documents sharing a key, band by band, as (first, second) index arrays with first <
    second: in a bucket of at most BUCKET_LIMIT documents every pair, in a larger one each document with
    the BUCKET_LINKS after it (hashing.bucket_pairs_of_band). A pair found in several bands comes once per
    band. `members` restricts the index to some documents (others never pair). `keys` are band_keys' 32
    bits."""
    if keys.dtype != np.uint32:
        raise ValueError(f"band keys must be 32-bit unsigned, not {keys.dtype}")
    n = len(keys)
    indices = np.arange(n, dtype=np.int64) if members is None else np.flatnonzero(members).astype(np.int64)
    # The members' keys band by band, each band contiguous: read down a column of the documents x bands
    # matrix, every key is a cache miss of its own (a fifth of the 1M candidates stage).
    by_band = np.ascontiguousarray(keys[indices].T)
    for band in range(keys.shape[1]):
        # Each key with its position in one 64-bit value, sorted: equal keys in ascending document order.
        packed = keys_with_positions_sorted(by_band[band])
        first, second = bucket_pairs_of_band(packed, indices, BUCKET_LIMIT, BUCKET_LINKS)
        if first.size:
            yield first, second


def bucket_pairs(keys: np.ndarray, members: np.ndarray | None = None, keep: PairFilter | None = None) -> np.ndarray:
    """Pairs (as first * n + second codes, first < second, sorted and distinct) of documents sharing a key
    in some band (band_pairs). `keep` screens each band's pairs as they are found, so that pairs it rules
    out are never held: on a large corpus of one beat they outnumber the rest a hundred to one."""
    n = len(keys)
    merged = np.empty(0, dtype=np.int64)  # sorted, unique
    pending: list[np.ndarray] = []
    pending_size = 0
    for firsts, seconds in band_pairs(keys, members):
        if keep is not None:
            kept = keep(firsts, seconds)
            firsts, seconds = firsts[kept], seconds[kept]
        codes = firsts * n + seconds
        pending.append(codes)
        pending_size += codes.size
        # Near copies meet in many bands; merging only once the new pairs outnumber the known ones keeps
        # the sorting linear-logarithmic overall.
        if pending_size > max(merged.size, 1 << 20):
            merged = np.unique(np.concatenate([merged, *pending]))
            pending, pending_size = [], 0
    return np.unique(np.concatenate([merged, *pending])) if pending else merged


def find_candidates(
    copy_keys: np.ndarray,
    rewrite_keys: np.ndarray,
    exact: np.ndarray | None = None,
    rewrite_members: np.ndarray | None = None,
    keep: PairFilter | None = None,
    index: Callable[[np.ndarray, np.ndarray, PairFilter | None], np.ndarray] = bucket_pairs,
) -> Candidates:
    """Candidates from the band keys of the copy and rewrite channels (documents x bands, `band_keys`).

    `exact`: a content hash per document; documents with equal hashes are paired with the first of them
    (channel EXACT) and only that first one enters the LSH indexes. `rewrite_members`: a boolean mask of
    the documents long enough to be judged rewrites; only they enter the rewrite index. `keep`: a screen
    for the LSH pairs (see bucket_pairs); exact copies are always kept. `index`: how one channel's pairs
    are found, bucket_pairs or anything that returns the same (scan runs it on several processes)."""
    n = len(copy_keys)
    channels: dict[int, np.ndarray] = {}
    representative = np.ones(n, dtype=bool)
    if exact is not None and n:
        order = np.argsort(exact, kind="stable")
        sorted_hashes = exact[order]
        first_of_run = np.concatenate(([True], sorted_hashes[1:] != sorted_hashes[:-1]))
        run_first = order[np.maximum.accumulate(np.where(first_of_run, np.arange(n), 0))]
        copies = order[~first_of_run]
        representative[copies] = False
        channels[EXACT] = np.unique(run_first[~first_of_run].astype(np.int64) * n + copies)
    channels[COPY] = index(copy_keys, representative, keep)
    rewrite_index = representative if rewrite_members is None else representative & rewrite_members
    channels[REWRITE] = index(rewrite_keys, rewrite_index, keep)
    codes = np.unique(np.concatenate(list(channels.values())))
    bits = np.zeros(len(codes), dtype=np.uint8)
    for bit, channel_codes in channels.items():
        bits[np.isin(codes, channel_codes, assume_unique=True)] |= np.uint8(bit)
    return Candidates(first=codes // max(n, 1), second=codes % max(n, 1), channels=bits)
