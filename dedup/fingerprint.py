"""MinHash fingerprints in two channels: word shingles find copies, content words find rewrites.

Hash values follow datasketch's "affine32" scheme (32-bit token hash, MurmurHash3 pre-mix, affine
permutations mod 2^32), computed for all permutations at once in compiled code (hashing.py), so the
signatures are ordinary datasketch `LeanMinHash` values that its LSH, storage and `jaccard` accept.

`fingerprint_batch` is the fast way for many texts: it tokenises and hashes them in chunks, on several
processes when asked, and gives the same fingerprints as `fingerprint(i, extract_content(text))` for each.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache, partial

import numpy as np
from datasketch import LeanMinHash, MinHash

from .content import SHINGLE_SIZE, Content, own_paragraphs
from .hashing import lookup_table, signature_of_tokens, signatures_of_ascii_texts, signatures_of_documents
from .text import STOPWORDS, content_words, words

NUM_PERM = 128
SEED = 1
SCHEME = "affine32"
CHUNK = 1000  # texts per unit of work: large enough to amortise process hand-offs, small for even progress


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


def _lean(values: np.ndarray, seed: int = SEED) -> LeanMinHash:
    return LeanMinHash(seed=seed, hashvalues=values, scheme=SCHEME)


def signature(tokens: Iterable[str], num_perm: int = NUM_PERM, seed: int = SEED) -> LeanMinHash:
    """The MinHash of a set of tokens (any strings; repeats do not change it)."""
    encoded = [token.encode("utf-8") for token in tokens]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(token) for token in encoded], out=offsets[1:])
    buffer = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    return _lean(signature_of_tokens(buffer, offsets, *_permutations(num_perm, seed)), seed)


def _signature_rows(token_lists: Sequence[Sequence[str]], shingle: int, num_perm: int) -> np.ndarray:
    buffer = "\n".join(" ".join(tokens) for tokens in token_lists).encode("utf-8")
    return signatures_of_documents(
        np.frombuffer(buffer, dtype=np.uint8), len(token_lists), shingle, *_permutations(num_perm, SEED)
    )


def fingerprint(index: int, content: Content, num_perm: int = NUM_PERM) -> Fingerprint:
    """The fingerprint of one extracted article: copy over word 5-shingles, rewrite over content words."""
    (copy,) = _signature_rows([content.words], SHINGLE_SIZE, num_perm)
    (rewrite,) = _signature_rows([content.terms], 1, num_perm)
    return Fingerprint(index=index, copy=_lean(copy), rewrite=_lean(rewrite))


@lru_cache(maxsize=1)
def _stopwords() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return lookup_table(STOPWORDS)


def _chunk_rows(texts: Sequence[str], chrome: frozenset[str], num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """Copy and rewrite signature rows of a chunk of raw texts (the unit of work a process receives).
    ASCII texts are tokenised in compiled code; the others through text.words and text.content_words."""
    normalized = [own_paragraphs(text, chrome)[1] for text in texts]
    plain = [i for i, text in enumerate(normalized) if text.isascii()]
    other = [i for i, text in enumerate(normalized) if not text.isascii()]
    copies = np.empty((len(texts), num_perm), dtype=np.uint32)
    rewrites = np.empty((len(texts), num_perm), dtype=np.uint32)
    if plain:
        buffer = np.frombuffer("\n".join(normalized[i] for i in plain).encode("ascii"), dtype=np.uint8)
        permutations = _permutations(num_perm, SEED)
        copies[plain], rewrites[plain] = signatures_of_ascii_texts(
            buffer, len(plain), SHINGLE_SIZE, *_stopwords(), *permutations
        )
    if other:
        other_words = [words(normalized[i]) for i in other]
        copies[other] = _signature_rows(other_words, SHINGLE_SIZE, num_perm)
        rewrites[other] = _signature_rows([content_words(w) for w in other_words], 1, num_perm)
    return copies, rewrites


def fingerprint_batch(
    texts: Sequence[str],
    chrome: frozenset[str] = frozenset(),
    num_perm: int = NUM_PERM,
    jobs: int | None = 1,
    advance: Callable[[int], None] = lambda done: None,
) -> list[Fingerprint]:
    """Fingerprints of `texts` (index = position), on `jobs` processes (None: every core); `advance` is told
    how many texts each finished chunk held. The result does not depend on `jobs` or the chunking."""
    chunks = [texts[start : start + CHUNK] for start in range(0, len(texts), CHUNK)]
    work = partial(_chunk_rows, chrome=chrome, num_perm=num_perm)
    workers = min(jobs or os.cpu_count() or 1, len(chunks))
    _chunk_rows(["warm", "w\u00e4rm"], frozenset(), num_perm)  # load both compiled paths once, before any fork
    fingerprints: list[Fingerprint] = []
    with _executor(workers) as pool:
        for copies, rewrites in pool(work, chunks):
            for copy, rewrite in zip(copies, rewrites, strict=True):
                fingerprints.append(Fingerprint(len(fingerprints), _lean(copy), _lean(rewrite)))
            advance(len(copies))
    return fingerprints


class _executor:
    """`map` in this process for one worker, else over a process pool (results in input order)."""

    def __init__(self, workers: int) -> None:
        self.pool = ProcessPoolExecutor(workers) if workers > 1 else None

    def __enter__(self) -> Callable[..., Iterator[tuple[np.ndarray, np.ndarray]]]:
        return self.pool.map if self.pool is not None else map

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
