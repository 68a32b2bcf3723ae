"""MinHash fingerprints in two channels: word shingles find copies, content words find rewrites.

Hash values follow datasketch's "affine32" scheme (32-bit token hash, MurmurHash3 pre-mix, affine
permutations mod 2^32), computed for all permutations at once in compiled code (hashing.py), so the
signatures are ordinary datasketch `LeanMinHash` values that its LSH, storage and `jaccard` accept.

`signatures(texts, chrome)` is the fast way for many texts: one matrix row per text and channel, the same
values as `fingerprint(i, extract_content(text, chrome))` gives for each. The copy channel has 128
permutations, the rewrite channel 384 (its LSH needs more bands: see candidates.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from datasketch import LeanMinHash, MinHash

from .content import SHINGLE_SIZE, Content, own_paragraphs
from .hashing import lookup_table, signature_of_tokens, signatures_of_ascii_texts, signatures_of_documents
from .text import STOPWORDS, content_words, words

COPY_PERM = 128
REWRITE_PERM = 384
SEED = 1
SCHEME = "affine32"


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """The signatures of one document, by its position in the run."""

    index: int
    copy: LeanMinHash  # over word 5-shingles, COPY_PERM values
    rewrite: LeanMinHash  # over stemmed content words, REWRITE_PERM values


@dataclass(frozen=True)
class Signatures:
    """The fingerprints of a batch of texts as matrices: row i is text i."""

    copy: np.ndarray  # texts x COPY_PERM, uint32
    rewrite: np.ndarray  # texts x REWRITE_PERM, uint32
    exact: np.ndarray  # 64-bit hash of each normalised text (chrome left out): equal means exact copies
    words: np.ndarray  # words in each text (chrome left out)


@lru_cache(maxsize=4)
def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    a, b = MinHash(num_perm=num_perm, seed=seed, scheme=SCHEME).permutations
    return a.astype(np.uint32), b.astype(np.uint32)


def _lean(values: np.ndarray, seed: int = SEED) -> LeanMinHash:
    return LeanMinHash(seed=seed, hashvalues=values, scheme=SCHEME)


def signature(tokens: Iterable[str], num_perm: int = COPY_PERM, seed: int = SEED) -> LeanMinHash:
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


def fingerprint(index: int, content: Content) -> Fingerprint:
    """The fingerprint of one extracted article: copy over word 5-shingles, rewrite over content words."""
    (copy,) = _signature_rows([content.words], SHINGLE_SIZE, COPY_PERM)
    (rewrite,) = _signature_rows([content.terms], 1, REWRITE_PERM)
    return Fingerprint(index=index, copy=_lean(copy), rewrite=_lean(rewrite))


@lru_cache(maxsize=1)
def _stopwords() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return lookup_table(STOPWORDS)


def content_hash(normalized: str) -> int:
    """64 bits of BLAKE2b: exact copies (after normalisation and chrome) have equal hashes."""
    return int.from_bytes(hashlib.blake2b(normalized.encode("utf-8"), digest_size=8).digest(), "little")


def signatures(texts: Sequence[str], chrome: frozenset[int] = frozenset()) -> Signatures:
    """Both channels' signature rows of raw texts. ASCII texts are tokenised in compiled code; the others
    through text.words and text.content_words, to the same values."""
    normalized = [own_paragraphs(text, chrome)[1] for text in texts]
    plain = [i for i, text in enumerate(normalized) if text.isascii()]
    other = [i for i, text in enumerate(normalized) if not text.isascii()]
    copies = np.empty((len(texts), COPY_PERM), dtype=np.uint32)
    rewrites = np.empty((len(texts), REWRITE_PERM), dtype=np.uint32)
    word_counts = np.zeros(len(texts), dtype=np.int64)
    if plain:
        buffer = np.frombuffer("\n".join(normalized[i] for i in plain).encode("ascii"), dtype=np.uint8)
        copies[plain], rewrites[plain], word_counts[plain] = signatures_of_ascii_texts(
            buffer,
            len(plain),
            SHINGLE_SIZE,
            *_stopwords(),
            *_permutations(COPY_PERM, SEED),
            *_permutations(REWRITE_PERM, SEED),
        )
    if other:
        other_words = [words(normalized[i]) for i in other]
        copies[other] = _signature_rows(other_words, SHINGLE_SIZE, COPY_PERM)
        rewrites[other] = _signature_rows([content_words(w) for w in other_words], 1, REWRITE_PERM)
        word_counts[other] = [len(w) for w in other_words]
    exact = np.array([content_hash(text) for text in normalized], dtype=np.uint64)
    return Signatures(copies, rewrites, exact, word_counts)
