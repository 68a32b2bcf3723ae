"""MinHash fingerprints in two channels: word shingles find copies, content words find rewrites.

Hash values follow datasketch's "affine32" scheme (32-bit token hash, MurmurHash3 pre-mix, affine
permutations mod 2^32), computed for all permutations at once, so the signatures are ordinary
datasketch `LeanMinHash` values that its LSH, storage and `jaccard` accept.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from datasketch import LeanMinHash, MinHash

from .content import Content

NUM_PERM = 128
SEED = 1
SCHEME = "affine32"


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """The signatures of one document, by its position in the run."""

    index: int
    copy: LeanMinHash  # over word 5-shingles
    rewrite: LeanMinHash  # over stemmed content words


@lru_cache(maxsize=4)
def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    a, b = MinHash(num_perm=num_perm, seed=seed, scheme=SCHEME).permutations
    return a.astype(np.uint32), b.astype(np.uint32)


def _fmix32(values: np.ndarray) -> np.ndarray:
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    return values ^ (values >> np.uint32(16))


def token_hashes(tokens: Iterable[str]) -> np.ndarray:
    """A stable 32-bit hash of each distinct token (CRC-32: fast, seedless, the same on every machine)."""
    return np.fromiter((zlib.crc32(t.encode("utf-8")) for t in set(tokens)), dtype=np.uint32)


def signature(tokens: Iterable[str], num_perm: int = NUM_PERM, seed: int = SEED) -> LeanMinHash:
    """The MinHash of a set of tokens, all permutations applied as one array operation."""
    a, b = _permutations(num_perm, seed)
    hashes = token_hashes(tokens)
    if hashes.size == 0:
        values = np.full(num_perm, np.iinfo(np.uint32).max, dtype=np.uint32)
    else:
        with np.errstate(over="ignore"):
            permuted = _fmix32(hashes)[:, None] * a[None, :] + b[None, :]
        values = permuted.min(axis=0)
    return LeanMinHash(seed=seed, hashvalues=values, scheme=SCHEME)


def fingerprint(index: int, content: Content, num_perm: int = NUM_PERM) -> Fingerprint:
    return Fingerprint(
        index=index,
        copy=signature(content.shingle_set, num_perm),
        rewrite=signature(content.terms, num_perm),
    )
