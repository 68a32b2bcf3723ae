"""The compiled hot path of fingerprinting: MinHash values straight from token bytes.

Each token (or window of `shingle` consecutive tokens, joined by one space) is hashed with CRC-32 of its
UTF-8 bytes (zlib's CRC-32, so any machine and any Python computes the same value), mixed with
MurmurHash3's 32-bit finaliser and pushed through every affine permutation `a * h + b mod 2^32`; the
minimum per permutation is the signature. That is datasketch's "affine32" scheme, so the values are
ordinary `LeanMinHash` hash values. numba compiles these loops to machine code: one pass over the bytes,
no Python object per token or shingle, so fingerprinting runs at tens of thousands of articles a second.

Input is one byte buffer per batch: documents separated by b"\\n", tokens by b" " (tokens never hold
whitespace). Each document's result depends on its own bytes only, so any split into batches or
processes gives the same signatures.
"""

from __future__ import annotations

import numpy as np
from numba import njit

EMPTY = np.uint32(0xFFFFFFFF)  # the value of a permutation that saw no token, as in datasketch
_SPACE, _NEWLINE = 32, 10


def _crc32_table() -> np.ndarray:
    table = np.zeros(256, dtype=np.uint32)
    for byte in range(256):
        value = byte
        for _ in range(8):
            value = (value >> 1) ^ 0xEDB88320 if value & 1 else value >> 1
        table[byte] = value
    return table


_CRC32 = _crc32_table()


@njit(cache=True, inline="always")
def _crc32(buffer: np.ndarray, start: int, end: int) -> np.uint32:
    value = np.uint32(0xFFFFFFFF)
    for i in range(start, end):
        value = _CRC32[(value ^ buffer[i]) & np.uint32(0xFF)] ^ (value >> np.uint32(8))
    return value ^ np.uint32(0xFFFFFFFF)


@njit(cache=True, inline="always")
def _fmix32(value: np.uint32) -> np.uint32:
    value ^= value >> np.uint32(16)
    value = np.uint32(value * np.uint32(0x85EBCA6B))
    value ^= value >> np.uint32(13)
    value = np.uint32(value * np.uint32(0xC2B2AE35))
    return value ^ (value >> np.uint32(16))


@njit(cache=True, inline="always")
def _permute_min(token_hash: np.uint32, a: np.ndarray, b: np.ndarray, row: np.ndarray) -> None:
    mixed = _fmix32(token_hash)
    for p in range(a.shape[0]):
        value = np.uint32(mixed * a[p] + b[p])
        if value < row[p]:
            row[p] = value


@njit(cache=True, nogil=True)
def signatures_of_documents(
    buffer: np.ndarray, documents: int, shingle: int, a: np.ndarray, b: np.ndarray
) -> np.ndarray:
    """One signature row per document; its tokens are windows of `shingle` words (a document with no more
    than `shingle` words is one window of all of them; one with none keeps EMPTY everywhere)."""
    out = np.full((documents, a.shape[0]), EMPTY, dtype=np.uint32)
    starts = np.empty(buffer.shape[0] + 1, dtype=np.int64)
    ends = np.empty(buffer.shape[0] + 1, dtype=np.int64)
    position, size = 0, buffer.shape[0]
    for document in range(documents):
        count = 0
        while position < size and buffer[position] != _NEWLINE:
            if buffer[position] == _SPACE:
                position += 1
                continue
            starts[count] = position
            while position < size and buffer[position] != _SPACE and buffer[position] != _NEWLINE:
                position += 1
            ends[count] = position
            count += 1
        position += 1  # past the newline
        for window in range(max(1, count - shingle + 1) if count else 0):
            last = min(window + shingle, count) - 1
            _permute_min(_crc32(buffer, starts[window], ends[last]), a, b, out[document])
    return out


@njit(cache=True, nogil=True)
def signature_of_tokens(buffer: np.ndarray, offsets: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The signature of arbitrary tokens (spaces allowed): token i is buffer[offsets[i]:offsets[i + 1]]."""
    row = np.full(a.shape[0], EMPTY, dtype=np.uint32)
    for i in range(offsets.shape[0] - 1):
        _permute_min(_crc32(buffer, offsets[i], offsets[i + 1]), a, b, row)
    return row
