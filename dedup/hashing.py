"""The compiled hot paths: MinHash values straight from token bytes, and verification's hashed sets.

Each token (or window of `shingle` consecutive tokens, joined by one space) is hashed with CRC-32 of its
UTF-8 bytes (zlib's CRC-32, so any machine and any Python computes the same value), mixed with
MurmurHash3's 32-bit finaliser and pushed through every affine permutation `a * h + b mod 2^32`; the
minimum per permutation is the signature. That is datasketch's "affine32" scheme, so the values are
ordinary `LeanMinHash` hash values. numba compiles these loops to machine code: one pass over the bytes,
no Python object per token or shingle, so fingerprinting runs at tens of thousands of articles a second.

Input is one byte buffer per batch: documents separated by b"\\n", tokens by b" " (tokens never hold
whitespace). Each document's result depends on its own bytes only, so any split into batches or
processes gives the same signatures.

Verification's evidence (evidence.py) is made here too, one article at a time, from a buffer with one
of its sentences per line: its sets of shingles, terms, bigrams and each sentence's terms, as sorted
64-bit hashes (how they are hashed: the comment above _FNV_OFFSET).
"""

from __future__ import annotations

import importlib.abc
import sys
import zlib
from collections.abc import Sequence
from types import ModuleType

import numpy as np
from numba import njit

# inline="always" (numba's own inlining, before LLVM's) is kept for the small helpers of the hottest loops;
# on the larger ones it doubled the time a first run spends compiling (a fresh cache: the evidence kernel
# 9.3 s with it, 4.5 s without) and changed no kernel's speed measurably.

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


# CRC-32 is linear: with the register r, feeding message M gives A^|M|(r) xor F(M), where F(M) is M fed
# into a zero register and A^n feeds n zero bytes. So a window of words is the CRC of its words, each fed
# once, joined by shifting: F(X + Y) = A^|Y|(F(X)) xor F(Y). _SHIFTS[n - 1] applies A^n to a register a
# byte at a time (four look-ups); a shingle of five words costs four joins instead of feeding its thirty
# bytes again, one dependent look-up each.
_SHIFT_BYTES = 64


def _shift_tables() -> np.ndarray:
    tables = np.zeros((_SHIFT_BYTES, 4, 256), dtype=np.uint32)
    registers = (np.arange(256, dtype=np.uint32)[None, :] << (np.arange(4, dtype=np.uint32)[:, None] * 8)).astype(
        np.uint32
    )
    for shift in range(_SHIFT_BYTES):
        registers = _CRC32[registers & np.uint32(0xFF)] ^ (registers >> np.uint32(8))  # one zero byte more
        tables[shift] = registers
    return tables


_SHIFTS = _shift_tables()


# Two registers are shifted by a message's length again and again: zlib's initial one (to finish a CRC,
# _finished) and F(" ") (a space before a word). Their shifts by the usual lengths are looked up at once,
# where _shifted takes four look-ups a step.
_FIXED_SHIFTS = 256


def _fixed_shifts(register: int) -> np.ndarray:
    """A^n(register) for n up to _FIXED_SHIFTS - 1."""
    table = _CRC32.tolist()
    shifted = []
    for _ in range(_FIXED_SHIFTS):
        shifted.append(register)
        register = table[register & 0xFF] ^ (register >> 8)
    return np.array(shifted, dtype=np.uint32)


_ONES_SHIFTED = _fixed_shifts(0xFFFFFFFF)
_SPACE_SHIFTED = _fixed_shifts(int(_CRC32[_SPACE]))  # F(" ")


@njit(cache=True)
def _shifted(register: np.uint32, count: int) -> np.uint32:
    """A^count(register): `count` zero bytes fed into the register."""
    while count > 0:
        step = min(count, _SHIFT_BYTES)
        table = _SHIFTS[step - 1]
        register = (
            table[0, register & np.uint32(0xFF)]
            ^ table[1, (register >> np.uint32(8)) & np.uint32(0xFF)]
            ^ table[2, (register >> np.uint32(16)) & np.uint32(0xFF)]
            ^ table[3, register >> np.uint32(24)]
        )
        count -= step
    return register


@njit(cache=True, inline="always")
def _fed(buffer: np.ndarray, start: int, end: int) -> np.uint32:
    """F(buffer[start:end]): the bytes fed into a zero register."""
    value = np.uint32(0)
    for i in range(start, end):
        value = _CRC32[(value ^ buffer[i]) & np.uint32(0xFF)] ^ (value >> np.uint32(8))
    return value


@njit(cache=True)
def _finished(fed: np.uint32, length: int) -> np.uint32:
    """zlib's CRC-32 of a message of `length` bytes whose F is `fed` (the register starts all ones)."""
    if length < _FIXED_SHIFTS:
        return _ONES_SHIFTED[length] ^ fed ^ np.uint32(0xFFFFFFFF)
    return _shifted(np.uint32(0xFFFFFFFF), length) ^ fed ^ np.uint32(0xFFFFFFFF)


@njit(cache=True, inline="always")
def _space_shifted(count: int) -> np.uint32:
    """A^count(F(" ")): a space fed, then `count` zero bytes."""
    if count < _FIXED_SHIFTS:
        return _SPACE_SHIFTED[count]
    return _shifted(_CRC32[_SPACE], count)


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
def _window_count(tokens: int, size: int) -> int:
    """Windows of `size` consecutive tokens (text.windows): fewer tokens make one window, none make none."""
    return max(1, tokens - size + 1) if tokens else 0


@njit(cache=True, inline="always")
def _permute_min(token_hash: np.uint32, a: np.ndarray, b: np.ndarray, row: np.ndarray) -> None:
    mixed = _fmix32(token_hash)
    for p in range(a.shape[0]):
        value = np.uint32(mixed * a[p] + b[p])
        if value < row[p]:
            row[p] = value


@njit(cache=True)
def _split_line(buffer: np.ndarray, position: int, starts: np.ndarray, ends: np.ndarray, count: int) -> tuple[int, int]:
    """Append the spans of the space-separated tokens of the line at `position` to starts and ends from
    `count`; the new count, and the position past the line's newline."""
    size = buffer.shape[0]
    while position < size and buffer[position] != _NEWLINE:
        if buffer[position] == _SPACE:
            position += 1
            continue
        starts[count] = position
        while position < size and buffer[position] != _SPACE and buffer[position] != _NEWLINE:
            position += 1
        ends[count] = position
        count += 1
    return count, position + 1


@njit(cache=True, nogil=True)
def signatures_of_documents(
    buffer: np.ndarray, documents: int, shingle: int, a: np.ndarray, b: np.ndarray
) -> np.ndarray:
    """One signature row per document; its tokens are windows of `shingle` words (a document with no more
    than `shingle` words is one window of all of them; one with none keeps EMPTY everywhere)."""
    out = np.full((documents, a.shape[0]), EMPTY, dtype=np.uint32)
    starts = np.empty(buffer.shape[0] + 1, dtype=np.int64)
    ends = np.empty(buffer.shape[0] + 1, dtype=np.int64)
    position = 0
    for document in range(documents):
        count, position = _split_line(buffer, position, starts, ends, 0)
        for window in range(_window_count(count, shingle)):
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


# ASCII text, the common case, is tokenised here too, so that no Python object is made per word. This is
# text.py's definition restated for ASCII bytes, and tests hold the two to the same output:
#   words:  [A-Za-z0-9]+(?:['.\-][A-Za-z0-9]+)*  (text.words on ASCII text)
#   terms:  words that are not stopwords and not single letters, with text.stem's suffix fold
# It also takes UTF-8 text whose every non-ASCII character is a letter or a digit of a word, as
# text.compiled_form makes it: such a character's bytes are all 0x80 or over, so those bytes count as word
# bytes, and lengths that text.stem and text.content_words measure in characters are counted in characters.


@njit(cache=True, inline="always")
def _is_alnum(byte: int) -> bool:
    return (48 <= byte <= 57) or (65 <= byte <= 90) or (97 <= byte <= 122) or byte >= 128


@njit(cache=True, inline="always")
def _characters(buffer: np.ndarray, start: int, end: int) -> int:
    """UTF-8 characters in buffer[start:end]: the bytes that are not continuation bytes (0b10xxxxxx)."""
    count = 0
    for i in range(start, end):
        count += (buffer[i] & 0xC0) != 0x80
    return count


@njit(cache=True, inline="always")
def _is_joiner(byte: int) -> bool:
    return byte == 39 or byte == 46 or byte == 45  # ' . -


@njit(cache=True)
def _listed(
    buffer: np.ndarray, start: int, end: int, table: np.ndarray, words: np.ndarray, offsets: np.ndarray
) -> bool:
    return _listed_by_crc(_crc32(buffer, start, end), buffer, start, end, table, words, offsets)


@njit(cache=True)
def _listed_by_crc(
    crc: np.uint32, buffer: np.ndarray, start: int, end: int, table: np.ndarray, words: np.ndarray, offsets: np.ndarray
) -> bool:
    """Whether buffer[start:end], whose zlib CRC-32 is `crc`, is one of a lookup_table's words."""
    mask = table.shape[0] - 1
    slot = np.int64(crc) & mask
    while table[slot] >= 0:
        word = table[slot]
        if offsets[word + 1] - offsets[word] == end - start:
            same = True
            for i in range(end - start):
                if words[offsets[word] + i] != buffer[start + i]:
                    same = False
                    break
            if same:
                return True
        slot = (slot + 1) & mask
    return False


@njit(cache=True, inline="always")
def _ends_with(buffer: np.ndarray, start: int, end: int, c0: int, c1: int, c2: int, cut: int) -> bool:
    if end - start < cut:
        return False
    if buffer[end - cut] != c0:
        return False
    if cut >= 2 and buffer[end - cut + 1] != c1:
        return False
    return cut < 3 or buffer[end - cut + 2] == c2


@njit(cache=True)
def _term_end(buffer: np.ndarray, start: int, end: int) -> int:
    """Where the stemmed term of buffer[start:end] ends: text.stem, whose folds are all cuts of ASCII letters."""
    length = _characters(buffer, start, end)
    if length <= 3 or 48 <= buffer[end - 1] <= 57:
        return end
    ing = length >= 6 and _ends_with(buffer, start, end, 105, 110, 103, 3)
    ed = length >= 5 and _ends_with(buffer, start, end, 101, 100, 0, 2)
    sibilant = (
        _ends_with(buffer, start, end - 2, 115, 0, 0, 1)  # s
        or _ends_with(buffer, start, end - 2, 120, 0, 0, 1)  # x
        or _ends_with(buffer, start, end - 2, 122, 0, 0, 1)  # z
        or _ends_with(buffer, start, end - 2, 99, 104, 0, 2)  # ch
        or _ends_with(buffer, start, end - 2, 115, 104, 0, 2)  # sh
    )
    es = _ends_with(buffer, start, end, 101, 115, 0, 2) and sibilant
    plural = _ends_with(buffer, start, end, 115, 0, 0, 1) and not (
        _ends_with(buffer, start, end, 115, 115, 0, 2)  # ss
        or _ends_with(buffer, start, end, 117, 115, 0, 2)  # us
        or _ends_with(buffer, start, end, 105, 115, 0, 2)  # is
    )
    cut_end = end
    if ing:
        cut_end = end - 3
    elif ed or es:
        cut_end = end - 2
    elif plural:
        cut_end = end - 1
    if length - (end - cut_end) > 3 and buffer[cut_end - 1] == 101:  # a final e goes: base, based, basing meet
        cut_end -= 1
    return cut_end


_MOST_MOVES = 8  # moves a value, on average, past which sorted_hashes leaves the work to np.sort


@njit(cache=True, inline="always")
def _insertion_sorted(values: np.ndarray, start: int, end: int) -> int:
    """Sort values[start:end] in place; how many values were moved on the way."""
    moves = 0
    for i in range(start + 1, end):
        value, j = values[i], i
        while j > start and values[j - 1] > value:
            values[j] = values[j - 1]
            j -= 1
        values[j] = value
        moves += i - j
    return moves


@njit(cache=True)
def sorted_hashes(values: np.ndarray) -> np.ndarray:
    """A sorted copy of integer `values`, as np.sort gives it, four times as fast on hash values: they are
    spread evenly, so one counting pass deals them into about as many buckets as there are values, by
    their leading bits above the smallest, and an insertion sort of each bucket finishes the work (compiled
    np.sort took 25 ns a value on an article's hundred). Repeats cost the insertion sort nothing; values
    that crowd into a few buckets (not hashes) soon make it move too many, and np.sort takes over, so no
    input costs much more than n log n."""
    n = values.shape[0]
    if n < 16:
        out = values.copy()
        _insertion_sorted(out, 0, n)
        return out
    low, high = values.min(), values.max()
    span = np.uint64(high) - np.uint64(low)  # modulo 2^64: right for signed values too
    bits, span_bits = 1, 0
    while (1 << bits) < n:
        bits += 1
    while span_bits < 64 and (span >> np.uint64(span_bits)) > np.uint64(0):
        span_bits += 1
    shift = np.uint64(max(span_bits - bits, 0))
    starts = np.zeros((span >> shift) + np.uint64(2), dtype=np.int64)
    for value in values:
        starts[((np.uint64(value) - np.uint64(low)) >> shift) + np.uint64(1)] += 1
    for bucket in range(1, starts.shape[0]):
        starts[bucket] += starts[bucket - 1]
    out = np.empty_like(values)
    for value in values:
        place = (np.uint64(value) - np.uint64(low)) >> shift
        out[starts[place]] = value
        starts[place] += 1
    # starts[bucket] is now where the bucket after it begins.
    begin, moves = 0, 0
    for bucket in range(starts.shape[0] - 1):
        moves += _insertion_sorted(out, begin, starts[bucket])
        if moves > _MOST_MOVES * n:
            return np.sort(values)
        begin = starts[bucket]
    return out


@njit(cache=True, nogil=True)
def distinct_counts(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """np.unique(values, return_counts=True) of hash values: each distinct value, sorted, and how often
    it occurs (sorted_hashes, then one pass)."""
    ordered = sorted_hashes(values)
    distinct = np.empty_like(ordered)
    counts = np.zeros(ordered.shape[0], dtype=np.int64)
    used = 0
    for i in range(ordered.shape[0]):
        if i == 0 or ordered[i] != ordered[i - 1]:
            distinct[used] = ordered[i]
            used += 1
        counts[used - 1] += 1
    return distinct[:used].copy(), counts[:used].copy()


@njit(cache=True)
def _store_unique(values: np.ndarray, out: np.ndarray, used: int) -> int:
    """Append the distinct `values`, sorted, to `out` from position `used`; the new end. `out` may be
    `values` itself: they are sorted into a copy first."""
    ordered = sorted_hashes(values)
    for i in range(ordered.shape[0]):
        if i == 0 or ordered[i] != ordered[i - 1]:
            out[used] = ordered[i]
            used += 1
    return used


@njit(cache=True)
def _ascii_line(
    buffer: np.ndarray,
    position: int,
    starts: np.ndarray,
    ends: np.ndarray,
    fed: np.ndarray,
    count: int,
    term_starts: np.ndarray,
    term_ends: np.ndarray,
    term_fed: np.ndarray,
    terms: int,
    stop_table: np.ndarray,
    stop_words: np.ndarray,
    stop_offsets: np.ndarray,
) -> tuple[int, int, int]:
    """Append the spans of the words of the ASCII line at `position` to starts and ends from `count`, with
    each word's bytes fed into a zero CRC-32 register (_fed) to `fed`, and the spans of its content words
    (stems: the span ends where the fold cuts) to term_starts and term_ends from `terms`, each stem fed to
    term_fed; the new counts, and the position past the line's newline. The register is fed as the word
    is read: the stopword look-up, the fingerprint's shingles and most stems (those the fold leaves whole)
    all start from it, where each fed the word again."""
    size = buffer.shape[0]
    line_end = position
    while line_end < size and buffer[line_end] != _NEWLINE:
        line_end += 1
    while position < line_end:
        if not _is_alnum(buffer[position]):
            position += 1
            continue
        start = position
        register = np.uint32(0)
        while position < line_end and _is_alnum(buffer[position]):
            register = _CRC32[(register ^ buffer[position]) & np.uint32(0xFF)] ^ (register >> np.uint32(8))
            position += 1
        while position + 1 < line_end and _is_joiner(buffer[position]) and _is_alnum(buffer[position + 1]):
            register = _CRC32[(register ^ buffer[position]) & np.uint32(0xFF)] ^ (register >> np.uint32(8))
            position += 1
            while position < line_end and _is_alnum(buffer[position]):
                register = _CRC32[(register ^ buffer[position]) & np.uint32(0xFF)] ^ (register >> np.uint32(8))
                position += 1
        starts[count], ends[count], fed[count] = start, position, register
        count += 1
        single_letter = not (48 <= buffer[start] <= 57) and (
            position - start == 1 or (buffer[start] >= 128 and _characters(buffer, start, position) == 1)
        )
        if not single_letter and not _listed_by_crc(
            _finished(register, position - start), buffer, start, position, stop_table, stop_words, stop_offsets
        ):
            term_end = _term_end(buffer, start, position)
            term_starts[terms], term_ends[terms] = start, term_end
            term_fed[terms] = register if term_end == position else _fed(buffer, start, term_end)
            terms += 1
    return count, terms, line_end + 1


@njit(cache=True, nogil=True)
def fingerprints_of_ascii_texts(
    buffer: np.ndarray,
    documents: int,
    shingle: int,
    stop_table: np.ndarray,
    stop_words: np.ndarray,
    stop_offsets: np.ndarray,
    copy_a: np.ndarray,
    copy_b: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For normalised ASCII texts, one per line of `buffer`: copy signature rows (word `shingle`-grams, the
    same rows as signatures_of_documents on text.words), word counts, and each text's distinct term hashes
    and distinct term-bigram hashes (CRC-32 of text.content_words and of "term term" pairs, sorted), as
    value arrays with offsets (text i owns values[offsets[i]:offsets[i + 1]])."""
    copies = np.full((documents, copy_a.shape[0]), EMPTY, dtype=np.uint32)
    word_counts = np.zeros(documents, dtype=np.int64)
    capacity = buffer.shape[0] // 2 + 1
    starts = np.empty(capacity, dtype=np.int64)
    ends = np.empty(capacity, dtype=np.int64)
    term_starts = np.empty(capacity, dtype=np.int64)
    term_ends = np.empty(capacity, dtype=np.int64)
    term_values = np.empty(capacity, dtype=np.uint32)
    bigram_values = np.empty(capacity, dtype=np.uint32)
    term_offsets = np.zeros(documents + 1, dtype=np.int64)
    bigram_offsets = np.zeros(documents + 1, dtype=np.int64)
    scratch = np.empty(capacity, dtype=np.uint32)
    fed = np.empty(capacity, dtype=np.uint32)  # each word's bytes fed into a zero register
    term_fed = np.empty(capacity, dtype=np.uint32)  # each term's
    spaced = np.empty(capacity, dtype=np.uint32)  # each word's with a space before it
    terms_used, bigrams_used = 0, 0
    position = 0
    for document in range(documents):
        count, terms, position = _ascii_line(
            buffer,
            position,
            starts,
            ends,
            fed,
            0,
            term_starts,
            term_ends,
            term_fed,
            0,
            stop_table,
            stop_words,
            stop_offsets,
        )
        word_counts[document] = count
        # Each word fed once (as it was read); "word" joined to the window before it as " word" (_SHIFTS).
        for word in range(count):
            spaced[word] = _space_shifted(ends[word] - starts[word]) ^ fed[word]
        for window in range(_window_count(count, shingle)):
            last = min(window + shingle, count) - 1
            value, length = fed[window], ends[window] - starts[window]
            for word in range(window + 1, last + 1):
                value = _shifted(value, ends[word] - starts[word] + 1) ^ spaced[word]
                length += ends[word] - starts[word] + 1
            crc = _finished(value, length)
            _permute_min(crc, copy_a, copy_b, copies[document])
        for term in range(terms):
            scratch[term] = _finished(term_fed[term], term_ends[term] - term_starts[term])
        terms_used = _store_unique(scratch[:terms], term_values, terms_used)
        term_offsets[document + 1] = terms_used
        pairs = terms - 1 if terms > 1 else terms  # one term alone is its own "bigram", as text.shingles
        for pair in range(pairs):
            if terms > 1:
                second = term_ends[pair + 1] - term_starts[pair + 1]
                value = _shifted(term_fed[pair], second + 1) ^ _space_shifted(second) ^ term_fed[pair + 1]
                scratch[pair] = _finished(value, term_ends[pair] - term_starts[pair] + 1 + second)
            else:
                scratch[pair] = _finished(term_fed[pair], term_ends[pair] - term_starts[pair])
        bigrams_used = _store_unique(scratch[:pairs], bigram_values, bigrams_used)
        bigram_offsets[document + 1] = bigrams_used
    return (
        copies,
        word_counts,
        term_values[:terms_used].copy(),
        term_offsets,
        bigram_values[:bigrams_used].copy(),
        bigram_offsets,
    )


# Verification's evidence (evidence.py) hashes strings to 64 bits, so that its counts are exact unless two
# different strings share a hash. A token is hashed once: FNV-1a over its UTF-8 bytes, then MurmurHash3's
# 64-bit finaliser, which spreads FNV's weak low bits. A window of tokens (a shingle, a bigram) is the
# polynomial of its tokens' hashes, finalised again: hashing every window's bytes anew took four times as
# long, one multiplication per byte. Any machine computes the same values.
_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)
_WINDOW_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)


@njit(cache=True, inline="always")
def _fmix64(value: np.uint64) -> np.uint64:
    value ^= value >> np.uint64(33)
    value *= np.uint64(0xFF51AFD7ED558CCD)
    value ^= value >> np.uint64(33)
    value *= np.uint64(0xC4CEB9FE1A85EC53)
    return value ^ (value >> np.uint64(33))


@njit(cache=True, nogil=True)
def span_hashes(buffer: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The 64-bit hash (FNV-1a, then fmix64: fold_key's) of each span buffer[starts[k]:ends[k]]."""
    out = np.empty(starts.shape[0], dtype=np.uint64)
    for token in range(starts.shape[0]):
        value = _FNV_OFFSET
        for i in range(starts[token], ends[token]):
            value = (value ^ np.uint64(buffer[i])) * _FNV_PRIME
        out[token] = _fmix64(value)
    return out


@njit(cache=True)
def _window_hashes(token_hashes: np.ndarray, size: int) -> np.ndarray:
    """The distinct hashes of the windows of `size` consecutive tokens, sorted, as signed integers
    (text.windows: fewer tokens than that are one window of all of them, none are no window)."""
    count = token_hashes.shape[0]
    windows = _window_count(count, size)
    values = np.empty(windows, dtype=np.int64)
    for window in range(windows):
        value = np.uint64(0)
        for token in range(window, min(window + size, count)):
            value = value * _WINDOW_MULTIPLIER + token_hashes[token]
        values[window] = np.int64(_fmix64(value))
    return values[: _store_unique(values, values, 0)]


@njit(cache=True, nogil=True)
def _evidence_sets(
    word_buffer: np.ndarray,
    word_starts: np.ndarray,
    word_ends: np.ndarray,
    term_buffer: np.ndarray,
    term_starts: np.ndarray,
    term_ends: np.ndarray,
    term_sentences: np.ndarray,
    shingle: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """An article's hashed sets from the spans of its words and content words (term k is in sentence
    term_sentences[k], in order): word `shingle`-grams, terms, term bigrams, each sentence's terms (values
    and offsets, sentences without terms left out) and how many terms each of those sentences has."""
    terms = term_starts.shape[0]
    term_tokens = span_hashes(term_buffer, term_starts, term_ends)
    term_hashes = np.empty(terms, dtype=np.int64)
    for term in range(terms):
        term_hashes[term] = np.int64(term_tokens[term])
    sentence_values = np.empty(terms, dtype=np.int64)
    sentence_offsets = np.zeros(terms + 1, dtype=np.int64)
    sentence_weights = np.empty(terms, dtype=np.float64)
    sentences, start = 0, 0
    while start < terms:
        end = start + 1
        while end < terms and term_sentences[end] == term_sentences[start]:
            end += 1
        sentence_weights[sentences] = end - start
        sentence_offsets[sentences + 1] = _store_unique(
            term_hashes[start:end], sentence_values, sentence_offsets[sentences]
        )
        sentences += 1
        start = end
    return (
        _window_hashes(span_hashes(word_buffer, word_starts, word_ends), shingle),
        term_hashes[: _store_unique(term_hashes, term_hashes, 0)],
        _window_hashes(term_tokens, 2),
        sentence_values[: sentence_offsets[sentences]].copy(),
        sentence_offsets[: sentences + 1].copy(),
        sentence_weights[:sentences].copy(),
    )


@njit(cache=True, nogil=True)
def evidence_of_ascii_sentences(
    buffer: np.ndarray, shingle: int, stop_table: np.ndarray, stop_words: np.ndarray, stop_offsets: np.ndarray
) -> tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """An article's word count and `_evidence_sets`, from its normalised ASCII sentences, one per line of
    `buffer`: tokenised here as text.words and text.content_words would."""
    capacity = buffer.shape[0] // 2 + 1
    starts = np.empty(capacity, dtype=np.int64)
    ends = np.empty(capacity, dtype=np.int64)
    fed = np.empty(capacity, dtype=np.uint32)  # the tokeniser's words' and terms' registers, unused here:
    # evidence hashes them otherwise
    term_starts = np.empty(capacity, dtype=np.int64)
    term_ends = np.empty(capacity, dtype=np.int64)
    term_sentences = np.empty(capacity, dtype=np.int64)
    position, sentence, count, terms = 0, 0, 0, 0
    while position < buffer.shape[0]:
        before = terms
        count, terms, position = _ascii_line(
            buffer,
            position,
            starts,
            ends,
            fed,
            count,
            term_starts,
            term_ends,
            fed,
            terms,
            stop_table,
            stop_words,
            stop_offsets,
        )
        term_sentences[before:terms] = sentence
        sentence += 1
    sets = _evidence_sets(
        buffer, starts[:count], ends[:count], buffer, term_starts[:terms], term_ends[:terms], term_sentences, shingle
    )
    return (count, *sets)


@njit(cache=True, nogil=True)
def gathered_spans(buffer: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The spans buffer[starts[k]:ends[k]] end to end, and where each begins (and the last ends)."""
    lines = np.zeros(starts.shape[0] + 1, dtype=np.int64)
    for k in range(starts.shape[0]):
        lines[k + 1] = lines[k] + ends[k] - starts[k]
    out = np.empty(lines[-1], dtype=np.uint8)
    for k in range(starts.shape[0]):
        out[lines[k] : lines[k + 1]] = buffer[starts[k] : ends[k]]
    return out, lines


# Evidence's serialised form (evidence.Evidence.to_bytes): a header of this many int64 values (the size of
# the normalised text, the word count, the size of each of the 7 arrays), the arrays, then the text.
EVIDENCE_HEADER = 9


@njit(cache=True, inline="always")
def _put_int64(out: np.ndarray, used: int, value: int) -> int:
    """Write `value` little-endian at out[used:used + 8]; the new end."""
    bits = np.uint64(value)
    for byte in range(8):
        out[used + byte] = np.uint8((bits >> np.uint64(8 * byte)) & np.uint64(0xFF))
    return used + 8


@njit(cache=True, inline="always")
def _put_array(out: np.ndarray, used: int, values: np.ndarray) -> int:
    for value in values:
        used = _put_int64(out, used, value)
    return used


@njit(cache=True, nogil=True)
def ascii_evidence_records(
    sentences: np.ndarray,
    lines: np.ndarray,
    owners: np.ndarray,
    documents: int,
    figure_values: np.ndarray,
    figure_offsets: np.ndarray,
    texts: np.ndarray,
    text_starts: np.ndarray,
    text_ends: np.ndarray,
    shingle: int,
    stop_table: np.ndarray,
    stop_words: np.ndarray,
    stop_offsets: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The serialised evidence of each of `documents` ASCII articles (evidence.Evidence.to_bytes), end to
    end, and the size of each: article d's sentences (case kept) are sentences[lines[k]:lines[k + 1]] for
    the k with owners[k] == d (ascending), its figure hashes figure_values[figure_offsets[d]:figure_offsets
    [d + 1]], its normalised text texts[text_starts[d]:text_ends[d]]. Its sets are evidence_of_ascii_sentences
    of its sentences lowered, one a line (normalising ASCII sentences only folds case)."""
    count = lines.shape[0] - 1
    longest, bound, k = 0, 0, 0
    for document in range(documents):
        length = 0
        while k < count and owners[k] == document:
            length += lines[k + 1] - lines[k] + 1
            k += 1
        longest = max(longest, length)
        # Each set holds at most one value per word, and a word takes two bytes with its separator.
        words = length // 2 + 1
        figures = figure_offsets[document + 1] - figure_offsets[document]
        bound += 8 * (EVIDENCE_HEADER + 6 * words + 2 + figures) + text_ends[document] - text_starts[document]
    out = np.empty(bound, dtype=np.uint8)
    sizes = np.empty(documents, dtype=np.int64)
    scratch = np.empty(longest, dtype=np.uint8)
    used, k = 0, 0
    for document in range(documents):
        length = 0
        while k < count and owners[k] == document:
            if length:
                scratch[length] = _NEWLINE
                length += 1
            for i in range(lines[k], lines[k + 1]):
                byte = sentences[i]
                scratch[length] = byte + 32 if 65 <= byte <= 90 else byte
                length += 1
            k += 1
        words, shingles, terms, bigrams, values, offsets, weights = evidence_of_ascii_sentences(
            scratch[:length], shingle, stop_table, stop_words, stop_offsets
        )
        figures = figure_values[figure_offsets[document] : figure_offsets[document + 1]]
        begin = used
        used = _put_int64(out, used, text_ends[document] - text_starts[document])
        used = _put_int64(out, used, words)
        for size in (shingles.size, terms.size, bigrams.size, values.size, offsets.size, weights.size, figures.size):
            used = _put_int64(out, used, size)
        for array in (shingles, terms, bigrams, values, offsets):
            used = _put_array(out, used, array)
        used = _put_array(out, used, weights.view(np.int64))
        used = _put_array(out, used, figures)
        for i in range(text_starts[document], text_ends[document]):
            out[used] = texts[i]
            used += 1
        sizes[document] = used - begin
    return out[:used], sizes


@njit(cache=True, nogil=True)
def evidence_of_tokens(
    word_buffer: np.ndarray, term_buffer: np.ndarray, shingle: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """`_evidence_sets` of tokens already made: the article's words separated by spaces, and its content
    words, one sentence per line of `term_buffer`."""
    starts = np.empty(word_buffer.shape[0] + 1, dtype=np.int64)
    ends = np.empty(word_buffer.shape[0] + 1, dtype=np.int64)
    term_starts = np.empty(term_buffer.shape[0] + 1, dtype=np.int64)
    term_ends = np.empty(term_buffer.shape[0] + 1, dtype=np.int64)
    term_sentences = np.empty(term_buffer.shape[0] + 1, dtype=np.int64)
    position, count = 0, 0
    while position < word_buffer.shape[0]:
        count, position = _split_line(word_buffer, position, starts, ends, count)
    position, sentence, terms = 0, 0, 0
    while position < term_buffer.shape[0]:
        before = terms
        terms, position = _split_line(term_buffer, position, term_starts, term_ends, terms)
        term_sentences[before:terms] = sentence
        sentence += 1
    return _evidence_sets(
        word_buffer,
        starts[:count],
        ends[:count],
        term_buffer,
        term_starts[:terms],
        term_ends[:terms],
        term_sentences,
        shingle,
    )


@njit(cache=True, nogil=True)
def signatures_of_hash_sets(
    values: np.ndarray, offsets: np.ndarray, common: np.ndarray, a: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Signature rows of sets given as 32-bit token hashes (set i is values[offsets[i]:offsets[i + 1]]),
    leaving out the values in `common`: the same rows as hashing the tokens themselves; and how many
    values each set kept. Half of a run's term occurrences are common terms, so each value is looked up
    in an open-addressing table of the common ones (a probe or two), where a binary search in them took
    as long as the signatures."""
    size = 16
    while size < 4 * common.shape[0]:
        size *= 2
    mask = size - 1
    table = np.full(size, -1, dtype=np.int64)
    for value in common:
        slot = np.int64(value) & mask
        while table[slot] >= 0:
            slot = (slot + 1) & mask
        table[slot] = np.int64(value)
    documents = offsets.shape[0] - 1
    out = np.full((documents, a.shape[0]), EMPTY, dtype=np.uint32)
    kept = np.zeros(documents, dtype=np.int64)
    for document in range(documents):
        for i in range(offsets[document], offsets[document + 1]):
            value = np.int64(values[i])
            slot = value & mask
            while table[slot] >= 0 and table[slot] != value:
                slot = (slot + 1) & mask
            if table[slot] == value:
                continue
            kept[document] += 1
            _permute_min(values[i], a, b, out[document])
    return out, kept


@njit(cache=True, nogil=True)
def spliced_sets(
    values: np.ndarray, offsets: np.ndarray, rows: np.ndarray, new_values: np.ndarray, new_offsets: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Sets given as values with offsets (set i is values[offsets[i]:offsets[i + 1]]), with set rows[k]
    (ascending) replaced by new_values[new_offsets[k]:new_offsets[k + 1]]."""
    documents = offsets.shape[0] - 1
    out_offsets = np.zeros(documents + 1, dtype=np.int64)
    replaced = 0
    for document in range(documents):
        size = offsets[document + 1] - offsets[document]
        if replaced < rows.shape[0] and rows[replaced] == document:
            size = new_offsets[replaced + 1] - new_offsets[replaced]
            replaced += 1
        out_offsets[document + 1] = out_offsets[document] + size
    out = np.empty(out_offsets[documents], dtype=values.dtype)
    replaced = 0
    for document in range(documents):
        start, end = offsets[document], offsets[document + 1]
        source = values
        if replaced < rows.shape[0] and rows[replaced] == document:
            start, end, source = new_offsets[replaced], new_offsets[replaced + 1], new_values
            replaced += 1
        out[out_offsets[document] : out_offsets[document + 1]] = source[start:end]
    return out, out_offsets


@njit(cache=True, inline="always")
def _shared(values_a: np.ndarray, i: int, i_end: int, values_b: np.ndarray, j: int, j_end: int) -> int:
    """How many values two sorted, distinct runs have in common (a merge, no hashing). Branch-free: which
    side moves on is as good as random, and a mispredicted branch per step cost a fifth of the time."""
    shared = 0
    while i < i_end and j < j_end:
        value_a, value_b = values_a[i], values_b[j]
        shared += value_a == value_b
        i += value_a <= value_b
        j += value_b <= value_a
    return shared


@njit(cache=True, nogil=True)
def shared_count(a: np.ndarray, b: np.ndarray) -> int:
    """|set(a) & set(b)| of two sorted, distinct arrays."""
    return _shared(a, 0, a.shape[0], b, 0, b.shape[0])


@njit(cache=True, inline="always")
def _is_letter(byte: int) -> bool:
    return (65 <= byte <= 90) or (97 <= byte <= 122)


@njit(cache=True)
def sorted_distinct_in_place(values: np.ndarray, start: int, end: int) -> int:
    """Sort values[start:end] in place (an insertion sort: these ranges hold a few values, mostly in
    order) and keep each value once from `start`; the end of the distinct values."""
    _insertion_sorted(values, start, end)
    kept = start
    for i in range(start, end):
        if i == start or values[i] != values[kept - 1]:
            values[kept] = values[i]
            kept += 1
    return kept


@njit(cache=True, nogil=True)
def figure_starts(
    buffer: np.ndarray, lines: np.ndarray, table: np.ndarray, words: np.ndarray, offsets: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Where a date or a number can start in each line of lower-cased ASCII text (facts._starts; line k is
    buffer[lines[k]:lines[k + 1]]), sorted and distinct, from the line's start: each run of digits, a
    dollar sign and the two places before it, and each run of letters that is one of the words of the
    lookup table (lookup_table: months, weekdays, number words). The places of all lines, one after
    another, and how many each line has."""
    found = np.empty(3 * buffer.shape[0] + 1, dtype=np.int64)
    counts = np.zeros(lines.shape[0] - 1, dtype=np.int64)
    count = 0
    for line in range(lines.shape[0] - 1):
        first, position, size = count, lines[line], lines[line + 1]
        while position < size:
            byte = buffer[position]
            if 48 <= byte <= 57:
                found[count] = position - lines[line]
                count += 1
                while position < size and 48 <= buffer[position] <= 57:
                    position += 1
            elif _is_letter(byte):
                start = position
                while position < size and _is_letter(buffer[position]):
                    position += 1
                if _listed(buffer, start, position, table, words, offsets):
                    found[count] = start - lines[line]
                    count += 1
            else:
                if byte == 36:  # $, and US$ or A$ before it
                    for place in range(max(lines[line], position - 2), position + 1):
                        found[count] = place - lines[line]
                        count += 1
                position += 1
        # In order but for a dollar sign's places before it: sort the few places, then drop repeats.
        kept = sorted_distinct_in_place(found, first, count)
        counts[line] = kept - first
        count = kept
    return found[:count].copy(), counts


# Paragraphs of cleaned ASCII text, as text.paragraphs splits them (after its "\r\n" and "\r" become "\n",
# which the caller does): blocks between breaks (a line break, spaces or tabs, then line breaks), stripped,
# empty ones dropped; a text of one block with several lines, four in five of them ending at a stop or a
# quote, is a paragraph per line. A paragraph's chrome key (boilerplate.paragraph_key) is the 64-bit hash
# of its fold (words lower-cased, one space between), taken as the bytes are read.


@njit(cache=True, inline="always")
def _is_space(byte: int) -> bool:
    """What str.split and str.strip take for whitespace in ASCII: \t \n \v \f \r, \x1c-\x1f, space."""
    return (9 <= byte <= 13) or (28 <= byte <= 32)


def _byte_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """_is_space of each byte (0 or 1); each byte with whitespace made a space; and each byte folded as
    well: an ASCII capital lower-cased."""
    spaces = np.array([_is_space.py_func(byte) for byte in range(256)], dtype=np.uint8)  # not compiled yet
    spaced = np.arange(256, dtype=np.uint8)
    spaced[spaces == 1] = _SPACE
    folded = spaced.copy()
    folded[65:91] += 32
    return spaces, spaced, folded


# The loops that flatten text look each byte up in these and treat every byte alike, a whitespace byte
# after another one leaving their state as it was: branching at each word's end (mispredicted at every
# other word) and the comparisons of _is_space took two thirds of their time.
_SPACE_BYTES, _SPACED_BYTES, _FOLDED_BYTES = _byte_tables()
_CLEANED_BYTES = np.arange(256, dtype=np.uint8)  # ascii_texts: text.clean's backtick, and "\r" as "\n"
_CLEANED_BYTES[96], _CLEANED_BYTES[13] = 39, _NEWLINE


@njit(cache=True, inline="always")
def _flattened(buffer: np.ndarray, start: int, end: int, table: np.ndarray, out: np.ndarray, used: int) -> int:
    """Write buffer[start:end] (stripped: no whitespace at either end) to `out` from `used` through `table`
    (_SPACED_BYTES or _FOLDED_BYTES), one space for each run of whitespace; the new end."""
    after_space = 0
    for position in range(start, end):
        byte = buffer[position]
        space = _SPACE_BYTES[byte]
        out[used] = table[byte]
        used += 1 - (space & after_space)
        after_space = space
    return used


@njit(cache=True)
def _folded_hash_and_words(buffer: np.ndarray, start: int, end: int) -> tuple[np.int64, int]:
    """fold_key of buffer[start:end] (stripped: no whitespace at either end) folded, and its words, without
    writing the fold out."""
    value = _FNV_OFFSET
    spaces, after_space = 0, 0
    for position in range(start, end):
        byte = buffer[position]
        space = _SPACE_BYTES[byte]
        hashed = (value ^ np.uint64(_FOLDED_BYTES[byte])) * _FNV_PRIME
        value = value if space & after_space else hashed
        spaces += space > after_space
        after_space = space
    return np.int64(_fmix64(value)), spaces + 1 if end > start else 0


@njit(cache=True, nogil=True)
def fold_key(folded: np.ndarray) -> np.int64:
    """The chrome key of a folded paragraph's UTF-8 bytes: FNV-1a, then MurmurHash3's 64-bit finaliser."""
    value = _FNV_OFFSET
    for byte in folded:
        value = (value ^ np.uint64(byte)) * _FNV_PRIME
    return np.int64(_fmix64(value))


@njit(cache=True, inline="always")
def _stripped(buffer: np.ndarray, start: int, end: int) -> tuple[int, int]:
    while start < end and _is_space(buffer[start]):
        start += 1
    while end > start and _is_space(buffer[end - 1]):
        end -= 1
    return start, end


@njit(cache=True)
def _lines_of_one_block(
    buffer: np.ndarray, start: int, end: int, line_starts: np.ndarray, line_ends: np.ndarray
) -> int:
    """A text of one block is a paragraph per line when it has several lines and four in five of them
    end at a stop or a quote: how many lines (their spans in line_starts and line_ends), or 0 when not."""
    lines, stops = 0, 0
    line_start = start
    for position in range(start, end + 1):
        if position == end or buffer[position] == _NEWLINE:
            line, line_end = _stripped(buffer, line_start, position)
            if line < line_end:
                line_starts[lines], line_ends[lines] = line, line_end
                lines += 1
                last = buffer[line_end - 1]
                stops += last == 46 or last == 33 or last == 63 or last == 34 or last == 39  # . ! ? " '
            line_start = position + 1
    return lines if lines > 1 and stops >= 0.8 * lines else 0


@njit(cache=True, nogil=True)
def ascii_texts(buffer: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which of the UTF-8 texts in `buffer` (text i is buffer[offsets[i]:offsets[i + 1]]) are ASCII, and
    those texts as text.clean and boilerplate.ascii_buffer make them: a backtick an apostrophe, each line
    break ("\r\n", a lone "\r") "\n"; their bytes end to end, and where each begins (and the last ends).
    Each text is copied as its bytes are checked, and dropped again when one of them is over 0x7F."""
    count = offsets.shape[0] - 1
    plain = np.empty(count, dtype=np.int64)
    out = np.empty(buffer.shape[0], dtype=np.uint8)
    out_offsets = np.zeros(count + 1, dtype=np.int64)
    used, kept = 0, 0
    for text in range(count):
        begin, end = offsets[text], offsets[text + 1]
        high = 0
        for position in range(begin, end):
            byte = buffer[position]
            high |= byte
            following = buffer[position + 1] if position + 1 < end else 0
            out[used] = _CLEANED_BYTES[byte]
            used += 1 - ((byte == 13) & (following == _NEWLINE))  # "\r\n": the "\n" is written next
        if high >= 128:
            used = out_offsets[kept]
            continue
        plain[kept] = text
        kept += 1
        out_offsets[kept] = used
    return plain[:kept].copy(), out[:used].copy(), out_offsets[: kept + 1].copy()


@njit(cache=True, nogil=True)
def ascii_paragraphs(
    buffer: np.ndarray, offsets: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The paragraphs of texts (text i is buffer[offsets[i]:offsets[i + 1]]), in order: each one's text,
    span (start, end), chrome key and words."""
    capacity = buffer.shape[0] + offsets.shape[0]
    texts = np.empty(capacity, dtype=np.int64)
    starts = np.empty(capacity, dtype=np.int64)
    ends = np.empty(capacity, dtype=np.int64)
    line_starts = np.empty(capacity, dtype=np.int64)
    line_ends = np.empty(capacity, dtype=np.int64)
    count = 0
    for text in range(offsets.shape[0] - 1):
        first = count
        block_start, position, end = offsets[text], offsets[text], offsets[text + 1]
        while position <= end:
            at_break = position == end
            after = position + 1
            if not at_break and buffer[position] == _NEWLINE:
                after = position + 1
                while after < end and (buffer[after] == _SPACE or buffer[after] == 9):
                    after += 1
                if after < end and buffer[after] == _NEWLINE:
                    while after < end and buffer[after] == _NEWLINE:
                        after += 1
                    at_break = True
            if at_break:
                block, block_end = _stripped(buffer, block_start, position)
                if block < block_end:
                    texts[count], starts[count], ends[count] = text, block, block_end
                    count += 1
                block_start = after
                position = after if position < end else end + 1
            else:
                position += 1
        if count - first == 1:
            lines = _lines_of_one_block(buffer, starts[first], ends[first], line_starts, line_ends)
            if lines:
                count = first
                for line in range(lines):
                    texts[count], starts[count], ends[count] = text, line_starts[line], line_ends[line]
                    count += 1
    keys = np.empty(count, dtype=np.int64)
    words = np.empty(count, dtype=np.int64)
    for paragraph in range(count):
        keys[paragraph], words[paragraph] = _folded_hash_and_words(buffer, starts[paragraph], ends[paragraph])
    return texts[:count].copy(), starts[:count].copy(), ends[:count].copy(), keys, words


@njit(cache=True, nogil=True)
def folded_texts(
    buffer: np.ndarray, texts: np.ndarray, starts: np.ndarray, ends: np.ndarray, count: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`count` texts made of the paragraphs given (text texts[k] owns buffer[starts[k]:ends[k]], stripped,
    in order), each paragraph folded (lower case, one space between words) and one space between
    paragraphs: the texts one per line, and the span of each."""
    out = np.empty(buffer.shape[0] + count, dtype=np.uint8)
    text_starts = np.zeros(count, dtype=np.int64)
    text_ends = np.zeros(count, dtype=np.int64)
    used, paragraph = 0, 0
    for text in range(count):
        if text:
            out[used] = _NEWLINE
            used += 1
        text_starts[text] = used
        while paragraph < texts.shape[0] and texts[paragraph] == text:
            if used > text_starts[text]:
                out[used] = _SPACE
                used += 1
            used = _flattened(buffer, starts[paragraph], ends[paragraph], _FOLDED_BYTES, out, used)
            paragraph += 1
        text_ends[text] = used
    return out[:used].copy(), text_starts, text_ends


@njit(cache=True)
def _ends_sentence(flat: np.ndarray, stop: int, end: int) -> int:
    """Where text.sentences' sentence end matching at `stop` (a . ! or ?) ends in flattened ASCII text
    (one space between words): past the closing quotes or brackets and the space, when a capital or a
    digit follows (maybe after an opening quote or bracket); -1 for no match there."""
    after = stop + 1
    while after < end and (flat[after] == 34 or flat[after] == 39 or flat[after] == 41 or flat[after] == 93):
        after += 1  # " ' ) ]
    if after >= end or flat[after] != _SPACE:
        return -1
    after += 1
    for ahead in (after, after + 1):
        if ahead < end and ((65 <= flat[ahead] <= 90) or (48 <= flat[ahead] <= 57)):
            return after
        if ahead >= end or not (flat[ahead] == 34 or flat[ahead] == 39 or flat[ahead] == 40 or flat[ahead] == 91):
            return -1  # the one character allowed before the capital is an opening quote or bracket
    return -1


@njit(cache=True)
def _abbreviated(
    flat: np.ndarray,
    start: int,
    stop: int,
    scratch: np.ndarray,
    table: np.ndarray,
    words: np.ndarray,
    offsets: np.ndarray,
) -> bool:
    """Whether the sentence flat[start:stop + 1] ends in an abbreviation or a single letter, so that the
    stop does not end it: its last word, closing stops, quotes and brackets dropped, lower-cased."""
    word = stop + 1
    while word > start and flat[word - 1] != _SPACE:
        word -= 1
    last = stop + 1
    while last > word and (
        flat[last - 1] == 46 or flat[last - 1] == 33 or flat[last - 1] == 63 or flat[last - 1] == 34
        or flat[last - 1] == 39 or flat[last - 1] == 41 or flat[last - 1] == 93
    ):  # fmt: skip
        last -= 1
    for i in range(word, last):
        byte = flat[i]
        scratch[i - word] = byte + 32 if 65 <= byte <= 90 else byte
    if last - word == 1 and _is_letter(scratch[0]):
        return True
    return _listed(scratch, 0, last - word, table, words, offsets)


@njit(cache=True, nogil=True)
def ascii_sentences(
    buffer: np.ndarray, starts: np.ndarray, ends: np.ndarray, table: np.ndarray, words: np.ndarray, offsets: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """text.sentences of each paragraph buffer[starts[k]:ends[k]] of cleaned ASCII text (line breaks "\n"),
    in order: the paragraphs' blocks flattened (one space between words, case kept) into one buffer, and
    each sentence's span in it and paragraph. `table`, `words`, `offsets`: the abbreviations (lookup_table)."""
    capacity = buffer.shape[0] + starts.shape[0] + 1
    flat = np.empty(capacity, dtype=np.uint8)
    sentence_starts = np.empty(capacity, dtype=np.int64)
    sentence_ends = np.empty(capacity, dtype=np.int64)
    sentence_paragraphs = np.empty(capacity, dtype=np.int64)
    block_starts = np.empty(capacity, dtype=np.int64)
    block_ends = np.empty(capacity, dtype=np.int64)
    scratch = np.empty(capacity, dtype=np.uint8)
    used, count = 0, 0
    for paragraph in range(starts.shape[0]):
        blocks = _lines_of_one_block(buffer, starts[paragraph], ends[paragraph], block_starts, block_ends)
        if not blocks:
            block_starts[0], block_ends[0] = _stripped(buffer, starts[paragraph], ends[paragraph])
            blocks = 1 if block_starts[0] < block_ends[0] else 0
        for block in range(blocks):
            begin = used
            used = _flattened(buffer, block_starts[block], block_ends[block], _SPACED_BYTES, flat, used)
            sentence, position = begin, begin
            while position < used:
                byte = flat[position]
                if byte == 46 or byte == 33 or byte == 63:
                    after = _ends_sentence(flat, position, used)
                    if after >= 0:
                        if not _abbreviated(flat, sentence, position, scratch, table, words, offsets):
                            sentence_starts[count], sentence_ends[count] = sentence, position + 1
                            sentence_paragraphs[count] = paragraph
                            count += 1
                            sentence = after
                        position = after
                        continue
                position += 1
            if sentence < used:
                sentence_starts[count], sentence_ends[count] = sentence, used
                sentence_paragraphs[count] = paragraph
                count += 1
    return (
        flat[:used].copy(),
        sentence_starts[:count].copy(),
        sentence_ends[:count].copy(),
        sentence_paragraphs[:count].copy(),
    )


_RADIX_BITS = 11  # three passes cover a 32-bit key; 2,048 counters stay in the first-level cache


@njit(cache=True, nogil=True)
def keys_with_positions_sorted(keys: np.ndarray) -> np.ndarray:
    """Each 32-bit key shifted up 32 bits with its position below it, sorted: equal keys in ascending
    position. A least-significant-digit radix sort on the keys alone (stable, so positions stay ascending):
    three passes over the values, where numpy's comparison sort of a band's 64-bit values took 3.5 times
    as long (banding sorts one band of every document, 170 bands a run)."""
    n = keys.shape[0]
    values = np.empty(n, dtype=np.uint64)
    for i in range(n):
        values[i] = (np.uint64(keys[i]) << np.uint64(32)) | np.uint64(i)
    scratch = np.empty(n, dtype=np.uint64)
    digits = 1 << _RADIX_BITS
    counts = np.empty(digits, dtype=np.int64)
    mask = np.uint64(digits - 1)
    for shift in range(32, 64, _RADIX_BITS):
        counts[:] = 0
        for i in range(n):
            counts[(values[i] >> np.uint64(shift)) & mask] += 1
        total = 0
        for digit in range(digits):
            count = counts[digit]
            counts[digit] = total
            total += count
        for i in range(n):
            digit = (values[i] >> np.uint64(shift)) & mask
            scratch[counts[digit]] = values[i]
            counts[digit] += 1
        values, scratch = scratch, values
    return values


@njit(cache=True, nogil=True)
def summed_over(values: np.ndarray, counts: np.ndarray, limit: float) -> np.ndarray:
    """The distinct 32-bit `values` whose `counts` (counts[i] is values[i]'s) add up to more than `limit`,
    sorted: a run's common terms from the term counts of its batches. keys_with_positions_sorted groups
    equal values; numpy's unique with its inverse took three times as long."""
    packed = keys_with_positions_sorted(values)
    out = np.empty(packed.shape[0], dtype=np.uint32)
    used, i = 0, 0
    while i < packed.shape[0]:
        value = packed[i] >> np.uint64(32)
        total = 0
        while i < packed.shape[0] and packed[i] >> np.uint64(32) == value:
            total += counts[packed[i] & np.uint64(0xFFFFFFFF)]
            i += 1
        if total > limit:
            out[used] = np.uint32(value)
            used += 1
    return out[:used].copy()


@njit(cache=True, inline="always")
def _bucket_link_count(size: int, limit: int, links: int) -> int:
    if size <= limit:
        return size * (size - 1) // 2
    return links * size - links * (links + 1) // 2


@njit(cache=True, nogil=True)
def bucket_pairs_of_band(
    packed: np.ndarray, indices: np.ndarray, limit: int, links: int
) -> tuple[np.ndarray, np.ndarray]:
    """The pairs of one band's buckets, given its keys with positions sorted (keys_with_positions_sorted)
    and each position's document (ascending): in a bucket of at most `limit` documents every pair, in a
    larger one each document with the `links` after it, step by step; buckets by size, then by key (the
    order the numpy version found them in: bucket by bucket, it read the same documents together)."""
    n = packed.shape[0]
    starts = np.empty(n, dtype=np.int64)
    sizes = np.empty(n, dtype=np.int64)
    count, i = 0, 0
    while i < n:
        key = packed[i] >> np.uint64(32)
        j = i + 1
        while j < n and (packed[j] >> np.uint64(32)) == key:
            j += 1
        if j - i > 1:
            starts[count], sizes[count] = i, j - i
            count += 1
        i = j
    order = np.argsort(sizes[:count], kind="mergesort")  # stable: buckets of a size stay in key order
    total = 0
    for bucket in range(count):
        total += _bucket_link_count(sizes[bucket], limit, links)
    first = np.empty(total, dtype=np.int64)
    second = np.empty(total, dtype=np.int64)
    mask = np.uint64(0xFFFFFFFF)
    used = 0
    for bucket in order:
        start, size = starts[bucket], sizes[bucket]
        if size <= limit:
            for x in range(size):
                member = indices[np.int64(packed[start + x] & mask)]
                for y in range(x + 1, size):
                    first[used], second[used] = member, indices[np.int64(packed[start + y] & mask)]
                    used += 1
        else:
            for step in range(1, links + 1):
                for x in range(size - step):
                    first[used] = indices[np.int64(packed[start + x] & mask)]
                    second[used] = indices[np.int64(packed[start + x + step] & mask)]
                    used += 1
    return first, second


@njit(cache=True, nogil=True)
def breadth_first_order(starts: np.ndarray, neighbours: np.ndarray) -> np.ndarray:
    """The nodes of a graph (node i links to neighbours[starts[i]:starts[i + 1]]) in breadth-first order,
    each connected component from its lowest node, components by their lowest node."""
    nodes = starts.shape[0] - 1
    order = np.empty(nodes, dtype=np.int64)
    seen = np.zeros(nodes, dtype=np.bool_)
    count = 0
    for root in range(nodes):
        if seen[root]:
            continue
        seen[root] = True
        order[count] = root
        head = count
        count += 1
        while head < count:
            node = order[head]
            head += 1
            for link in range(starts[node], starts[node + 1]):
                neighbour = neighbours[link]
                if not seen[neighbour]:
                    seen[neighbour] = True
                    order[count] = neighbour
                    count += 1
    return order


def prepare_compiler() -> None:
    """Set numba up in this process: its first compiled call, even one loaded from the cache, builds the
    compiler's context. Processes forked afterwards inherit it; each stage's workers otherwise built it
    again, for every stage.

    Building it, numba looks for scipy's BLAS (for np.dot and linear algebra in compiled code, which no
    kernel here uses), and importing scipy.linalg took 0.19 s of the context's 0.3-0.5 s. That one import
    is refused while the context is built, so numba goes without; scipy itself stays importable."""
    refusal = _RefuseImport("scipy.linalg")
    sys.meta_path.insert(0, refusal)
    try:
        shared_count(np.zeros(1, dtype=np.int64), np.zeros(1, dtype=np.int64))
    finally:
        sys.meta_path.remove(refusal)


class _RefuseImport(importlib.abc.MetaPathFinder):
    """An import finder that refuses one package and its modules (prepare_compiler)."""

    def __init__(self, package: str) -> None:
        self.package = package

    def find_spec(self, name: str, path: Sequence[str] | None, target: ModuleType | None = None) -> None:
        if name == self.package or name.startswith(self.package + "."):
            raise ModuleNotFoundError(f"{name} is not imported while numba sets up", name=name)


@njit(cache=True, nogil=True)
def screened_scores(
    first: np.ndarray,
    second: np.ndarray,
    term_values: np.ndarray,
    term_offsets: np.ndarray,
    bigram_values: np.ndarray,
    bigram_offsets: np.ndarray,
    threshold: float,
    min_terms: int,
) -> tuple[np.ndarray, np.ndarray]:
    """For each pair (first[k], second[k]): whether term Jaccard + bigram containment (verify.screen_scores)
    reaches `threshold` or either article has fewer than `min_terms` terms, and, for the pairs that pass,
    that score (-1 for the others).

    A bigram is shared only when both its terms are, so s shared terms allow at most s * s shared bigrams,
    one more for a chance 32-bit collision. Most LSH pairs share a few terms of a hundred: even that bound
    falls short, and their bigram sets are never compared. The mask is the one every score would give
    unless one pair's bigram hashes collide twice."""
    passes = np.zeros(first.shape[0], dtype=np.bool_)
    scores = np.full(first.shape[0], -1.0)
    for k in range(first.shape[0]):
        a, b = first[k], second[k]
        terms_a = term_offsets[a + 1] - term_offsets[a]
        terms_b = term_offsets[b + 1] - term_offsets[b]
        too_few = min(terms_a, terms_b) < min_terms
        shared = _shared(
            term_values, term_offsets[a], term_offsets[a + 1], term_values, term_offsets[b], term_offsets[b + 1]
        )
        union = terms_a + terms_b - shared
        jaccard = shared / union if union > 0 else 1.0
        smaller = min(bigram_offsets[a + 1] - bigram_offsets[a], bigram_offsets[b + 1] - bigram_offsets[b])
        if smaller == 0:
            score = jaccard + 0.0
        elif not too_few and jaccard + min(1.0, (shared * shared + 1) / smaller) < threshold:
            continue
        else:
            shared_bigrams = _shared(
                bigram_values,
                bigram_offsets[a],
                bigram_offsets[a + 1],
                bigram_values,
                bigram_offsets[b],
                bigram_offsets[b + 1],
            )
            score = jaccard + shared_bigrams / smaller
        if too_few or score >= threshold:
            passes[k] = True
            scores[k] = score
    return passes, scores


@njit(cache=True, nogil=True)
def pair_overlaps(
    shingles_a: np.ndarray,
    shingles_b: np.ndarray,
    terms_a: np.ndarray,
    terms_b: np.ndarray,
    bigrams_a: np.ndarray,
    bigrams_b: np.ndarray,
    figures_a: np.ndarray,
    figures_b: np.ndarray,
    sentence_values_a: np.ndarray,
    sentence_offsets_a: np.ndarray,
    sentence_values_b: np.ndarray,
    sentence_offsets_b: np.ndarray,
    sentence_weights_a: np.ndarray,
    sentence_weights_b: np.ndarray,
) -> tuple[int, int, int, int, np.ndarray, np.ndarray, float]:
    """What verification counts of two articles' evidence in one call (a compiled call costs more than
    most of these merges): the shared shingles, terms, bigrams and figures; each sentence's best Dice
    overlap (dice_matrix's values) with a sentence of the other side, a's by row, then b's by column; and
    verify._coverage of those, or NaN where this sum might differ from numpy's (_weighted_mean)."""
    rows, columns = sentence_offsets_a.shape[0] - 1, sentence_offsets_b.shape[0] - 1
    best_a = np.zeros(rows, dtype=np.float32)
    best_b = np.zeros(columns, dtype=np.float32)
    for row in range(rows):
        for column in range(columns):
            dice = _dice(sentence_values_a, sentence_offsets_a, row, sentence_values_b, sentence_offsets_b, column)
            best_a[row] = max(best_a[row], dice)
            best_b[column] = max(best_b[column], dice)
    coverage = 0.0
    if rows and columns:
        coverage = max(_weighted_mean(best_a, sentence_weights_a), _weighted_mean(best_b, sentence_weights_b))
    return (
        _shared(shingles_a, 0, shingles_a.shape[0], shingles_b, 0, shingles_b.shape[0]),
        _shared(terms_a, 0, terms_a.shape[0], terms_b, 0, terms_b.shape[0]),
        _shared(bigrams_a, 0, bigrams_a.shape[0], bigrams_b, 0, bigrams_b.shape[0]),
        _shared(figures_a, 0, figures_a.shape[0], figures_b, 0, figures_b.shape[0]),
        best_a,
        best_b,
        coverage,
    )


# The columns of pair_measures' counts, in order (verify.Measures).
MEASURES = 14


@njit(cache=True, nogil=True)
def pair_measures(
    words: np.ndarray, weights: np.ndarray, data: np.ndarray, starts: np.ndarray, first: np.ndarray, second: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """pair_overlaps of the pairs of evidence records (first[k], second[k]) read where they lie, with no
    Evidence made of them: the records' spool mapped as int64 `words`, as float64 `weights` and as bytes
    `data`, record i beginning at words[starts[i]] (records are 8-byte aligned there; the form is
    evidence.Evidence.to_bytes). For each pair: the sizes of both sides' shingles, terms, bigrams and
    figures with the shared count of each, and both word counts (the MEASURES columns, verify.scores_of);
    the sentence coverage (NaN where pair_overlaps' is); and whether the normalised texts are equal and not
    empty."""
    count = first.shape[0]
    measures = np.empty((count, MEASURES), dtype=np.int64)
    coverage = np.empty(count)
    same_text = np.zeros(count, dtype=np.bool_)
    for pair in range(count):
        a, b = starts[first[pair]], starts[second[pair]]
        a_arrays, b_arrays = a + EVIDENCE_HEADER, b + EVIDENCE_HEADER
        a_ends = np.empty(8, dtype=np.int64)
        b_ends = np.empty(8, dtype=np.int64)
        a_ends[0], b_ends[0] = a_arrays, b_arrays
        for k in range(7):
            a_ends[k + 1] = a_ends[k] + words[a + 2 + k]
            b_ends[k + 1] = b_ends[k] + words[b + 2 + k]
        shared, shared_terms, shared_bigrams, shared_figures, _, _, covered = pair_overlaps(
            words[a_ends[0] : a_ends[1]],
            words[b_ends[0] : b_ends[1]],
            words[a_ends[1] : a_ends[2]],
            words[b_ends[1] : b_ends[2]],
            words[a_ends[2] : a_ends[3]],
            words[b_ends[2] : b_ends[3]],
            words[a_ends[6] : a_ends[7]],
            words[b_ends[6] : b_ends[7]],
            words[a_ends[3] : a_ends[4]],
            words[a_ends[4] : a_ends[5]],
            words[b_ends[3] : b_ends[4]],
            words[b_ends[4] : b_ends[5]],
            weights[a_ends[5] : a_ends[6]],
            weights[b_ends[5] : b_ends[6]],
        )
        row = measures[pair]
        row[0], row[1], row[2] = a_ends[1] - a_ends[0], b_ends[1] - b_ends[0], shared
        row[3], row[4], row[5] = a_ends[2] - a_ends[1], b_ends[2] - b_ends[1], shared_terms
        row[6], row[7], row[8] = a_ends[3] - a_ends[2], b_ends[3] - b_ends[2], shared_bigrams
        row[9], row[10], row[11] = a_ends[7] - a_ends[6], b_ends[7] - b_ends[6], shared_figures
        row[12], row[13] = words[a + 1], words[b + 1]
        coverage[pair] = covered
        size = words[a]
        if size and size == words[b]:
            text_a, text_b = 8 * a_ends[7], 8 * b_ends[7]
            same = True
            for i in range(size):
                if data[text_a + i] != data[text_b + i]:
                    same = False
                    break
            same_text[pair] = same
    return measures, coverage, same_text


_EXACT_WEIGHT = 2.0**20  # total weight under which _weighted_mean's sums are exact
_EXACT_VALUE = 2.0**-10  # smallest value (not 0) for which they are


@njit(cache=True, inline="always")
def _weighted_mean(values: np.ndarray, weights: np.ndarray) -> float:
    """values @ weights / weights.sum() as numpy computes it (values float32 Dice overlaps, weights whole
    counts), or NaN when it cannot be sure to. A value of 2^-10 or more is a multiple of 2^-33, so while
    the weights add up to less than 2^20 every product and every partial sum is a multiple of 2^-33 under
    2^20: 53 bits, exact in a float64. Exact sums are the same in any order, so this loop gives the value
    of numpy's dot product, whatever order its BLAS adds in."""
    total, weight = 0.0, 0.0
    for i in range(values.shape[0]):
        value, count = np.float64(values[i]), weights[i]
        if (value != 0.0 and value < _EXACT_VALUE) or count != np.floor(count) or count < 0.0:
            return np.nan
        total += value * count
        weight += count
    if weight >= _EXACT_WEIGHT or weight == 0.0:
        return np.nan
    return total / weight


@njit(cache=True, nogil=True)
def dice_matrix(values_a: np.ndarray, offsets_a: np.ndarray, values_b: np.ndarray, offsets_b: np.ndarray) -> np.ndarray:
    """Dice overlap 2|A & B| / (|A| + |B|) of every set of a (rows) with every set of b (columns), each set
    sorted and distinct (set i is values[offsets[i]:offsets[i + 1]]); 0 where two sets share fewer than two
    values. float32, divided as float32, like the matrix product it replaces."""
    rows, columns = offsets_a.shape[0] - 1, offsets_b.shape[0] - 1
    out = np.zeros((rows, columns), dtype=np.float32)
    for row in range(rows):
        for column in range(columns):
            out[row, column] = _dice(values_a, offsets_a, row, values_b, offsets_b, column)
    return out


@njit(cache=True, inline="always")
def _dice(
    values_a: np.ndarray, offsets_a: np.ndarray, row: int, values_b: np.ndarray, offsets_b: np.ndarray, column: int
) -> np.float32:
    """dice_matrix's value of set `row` of a and set `column` of b."""
    start_a, end_a = offsets_a[row], offsets_a[row + 1]
    start_b, end_b = offsets_b[column], offsets_b[column + 1]
    shared = _shared(values_a, start_a, end_a, values_b, start_b, end_b)
    if shared < 2:
        return np.float32(0.0)
    return np.float32(2 * shared) / np.float32(end_a - start_a + end_b - start_b)


def lookup_table(words: frozenset[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """An open-addressing table of ASCII `words` for _listed: (slots, concatenated bytes, offsets)."""
    encoded = sorted(word.encode("ascii") for word in words)
    slots = np.full(1 << max(4, (4 * len(encoded)).bit_length()), -1, dtype=np.int32)
    for index, word in enumerate(encoded):
        slot = zlib.crc32(word) & (slots.shape[0] - 1)
        while slots[slot] >= 0:
            slot = (slot + 1) & (slots.shape[0] - 1)
        slots[slot] = index
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(word) for word in encoded], out=offsets[1:])
    return slots, np.frombuffer(b"".join(encoded), dtype=np.uint8), offsets
