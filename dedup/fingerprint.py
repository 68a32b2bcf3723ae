"""MinHash fingerprints in two channels: word shingles find copies, content words find rewrites.

Hash values follow datasketch's "affine32" scheme (32-bit token hash, MurmurHash3 pre-mix, affine
permutations mod 2^32), computed for all permutations at once in compiled code (hashing.py), so the
signatures are ordinary datasketch `LeanMinHash` values that its LSH, storage and `jaccard` accept.

`signatures(texts, chrome)` is the fast way for many texts: copy rows with the same values as
`fingerprint(i, extract_content(text, chrome)).copy`, and each text's content words and their bigrams as
sets of 32-bit hashes. A run's rewrite rows are made from those sets once the whole run is read
(`rewrite_signatures`): they leave out the run's common terms, the words that same-topic articles share by
the hundred ("shares", "quarter", "government") and that would otherwise pair every same-topic article with
every other. With no common terms they equal `fingerprint(...).rewrite`. The copy channel has 128
permutations, the rewrite channel 384 (its LSH needs more bands: see candidates.py).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

import numpy as np

from .boilerplate import with_other_paragraphs
from .content import (
    SHINGLE_SIZE,
    Content,
    OwnParagraphs,
    TextBatch,
    lowered_form,
    own_ascii_paragraphs,
    own_paragraphs,
    own_paragraphs_of_buffer,
)
from .hashing import (
    distinct_counts,
    fingerprints_of_ascii_texts,
    fold_key,
    signature_of_tokens,
    signatures_of_documents,
    signatures_of_hash_sets,
    span_hashes,
    spliced_sets,
    summed_over,
)
from .text import compiled_form, content_words, shingles, stopword_table, words

if TYPE_CHECKING:
    from datasketch import LeanMinHash

COPY_PERM = 128
REWRITE_PERM = 384
SEED = 1
SCHEME = "affine32"
# A term in more documents than this is common (see common_terms): 2% of the run, but at least 50, so a few
# dozen graded answers on one task keep every word, and at most 2,000, so that chance pairs grow linearly
# with the run (2% of 100,000: smaller runs never reach the cap).
COMMON_SHARE = 0.02
COMMON_MIN_DOCUMENTS = 50
COMMON_MAX_DOCUMENTS = 2000
# A document with fewer distinctive terms stays out of the rewrite index: a signature of a handful of
# values is shared by chance (and an empty one by every other empty one).
MIN_DISTINCTIVE_TERMS = 5


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """The signatures of one document, by its position in the run."""

    index: int
    copy: LeanMinHash  # over word 5-shingles, COPY_PERM values
    rewrite: LeanMinHash  # over stemmed content words, REWRITE_PERM values


@dataclass(frozen=True, eq=False)  # arrays inside: compare .values and .offsets
class HashSets:
    """One set of 32-bit token hashes per document, sorted and distinct: set i is
    values[offsets[i]:offsets[i + 1]]. Compact (4 bytes a token), so a run keeps every article's."""

    values: np.ndarray  # uint32
    offsets: np.ndarray  # int64, documents + 1

    def __len__(self) -> int:
        return int(self.offsets.size) - 1

    def __getitem__(self, index: int) -> np.ndarray:
        return self.values[self.offsets[index] : self.offsets[index + 1]]

    def sizes(self) -> np.ndarray:
        return self._sizes

    @cached_property
    def _sizes(self) -> np.ndarray:  # the screen asks for them per band: a million-document diff each time
        return np.diff(self.offsets)

    def slice(self, start: int, end: int) -> HashSets:
        """The sets of documents start..end-1, as sets 0..end-start-1."""
        return HashSets(
            self.values[self.offsets[start] : self.offsets[end]], self.offsets[start : end + 1] - self.offsets[start]
        )

    def take(self, rows: np.ndarray) -> HashSets:
        """The sets of documents `rows` (ascending), as sets 0..len(rows)-1."""
        chosen = np.zeros(len(self), dtype=bool)
        chosen[rows] = True
        offsets = np.zeros(rows.size + 1, dtype=np.int64)
        np.cumsum(self.sizes()[rows], out=offsets[1:])
        return HashSets(self.values[np.repeat(chosen, self.sizes())], offsets)

    def spliced(self, rows: np.ndarray, replacement: HashSets) -> HashSets:
        """These sets with set rows[k] (ascending) replaced by replacement's set k."""
        return HashSets(*spliced_sets(self.values, self.offsets, rows, replacement.values, replacement.offsets))

    @classmethod
    def of(cls, sets: Sequence[np.ndarray]) -> HashSets:
        offsets = np.zeros(len(sets) + 1, dtype=np.int64)
        np.cumsum([len(values) for values in sets], out=offsets[1:])
        values = np.concatenate(sets).astype(np.uint32) if sets else np.empty(0, dtype=np.uint32)
        return cls(values, offsets)

    @classmethod
    def scattered(cls, documents: int, parts: Sequence[tuple[Sequence[int], HashSets]]) -> HashSets:
        """The sets of `documents` documents, document rows[k] holding set k of each part (rows, sets);
        any other document an empty set."""
        sizes = np.zeros(documents, dtype=np.int64)
        for rows, sets in parts:
            sizes[np.asarray(rows, dtype=np.int64)] = sets.sizes()
        offsets = np.zeros(documents + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        values = np.empty(int(offsets[-1]), dtype=np.uint32)
        for rows, sets in parts:
            if len(rows) == documents:  # every document: the usual chunk of news, all of it ASCII
                values[:] = sets.values
                continue
            starts = np.repeat(offsets[np.asarray(rows, dtype=np.int64)] - sets.offsets[:-1], sets.sizes())
            values[starts + np.arange(sets.values.size)] = sets.values
        return cls(values, offsets)

    @classmethod
    def join(cls, parts: Sequence[HashSets]) -> HashSets:
        """The sets of consecutive batches, as one."""
        offsets = [np.zeros(1, dtype=np.int64)]
        base = 0
        for part in parts:
            offsets.append(part.offsets[1:] + base)
            base += int(part.offsets[-1])
        values = [part.values for part in parts]
        return cls(np.concatenate(values) if values else np.empty(0, dtype=np.uint32), np.concatenate(offsets))


@dataclass(frozen=True)
class Signatures:
    """The fingerprints of a batch of texts: copy signature rows (row i is text i) and the hashed term
    and term-bigram sets that the rewrite signature and the verify stage's screen are made from."""

    copy: np.ndarray  # texts x COPY_PERM, uint32
    exact: np.ndarray  # 64-bit hash of each normalised text (chrome left out): equal means exact copies
    words: np.ndarray  # words in each text (chrome left out)
    terms: HashSets  # CRC-32 of each distinct content word (text.content_words)
    bigrams: HashSets  # CRC-32 of each distinct pair of adjacent content words, "term term"


@lru_cache(maxsize=4)
def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The affine permutations of datasketch's `MinHash(num_perm, seed=seed, scheme="affine32")`, drawn as
    it draws them (an odd multiplier and an offset per permutation from numpy's RandomState(seed)):
    importing datasketch took a third of a second of every run's start, and a scan needs no more of it
    than these two arrays. tests/test_fingerprint.py holds them to datasketch's own."""
    generator = np.random.RandomState(seed)
    a = generator.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def _lean(values: np.ndarray, seed: int = SEED) -> LeanMinHash:
    from datasketch import LeanMinHash  # for library callers only: a scan never makes one

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


def content_hash(normalized: bytes) -> int:
    """A 64-bit hash of the normalised text's UTF-8 (hashing.fold_key): exact copies (after normalisation and
    chrome) have equal hashes. Compared only within a run; ASCII texts are hashed in compiled code a
    chunk at a time (hashing.span_hashes), to the same values."""
    return int(np.int64(fold_key(np.frombuffer(normalized, dtype=np.uint8))).view(np.uint64))


def term_hashes(terms: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The distinct term and term-bigram hashes of one text's content words (sorted), as the compiled
    tokeniser makes them from ASCII text."""
    term_values = {zlib.crc32(term.encode("utf-8")) for term in terms}
    bigram_values = {zlib.crc32(pair.encode("utf-8")) for pair in shingles(list(terms), 2)}
    return np.array(sorted(term_values), dtype=np.uint32), np.array(sorted(bigram_values), dtype=np.uint32)


def signatures(texts: Sequence[str], chrome: frozenset[int] = frozenset()) -> Signatures:
    """Copy signature rows, exact hashes, word counts and term sets of raw texts. ASCII texts are split
    into paragraphs, stripped of chrome, normalised and tokenised in compiled code, and so are most others
    (content.lowered_form, then text.compiled_form); the rest are normalised by content.own_paragraphs,
    then tokenised in compiled code too where compiled_form can, else by text.words and
    text.content_words: the same values every way."""
    return signatures_of(TextBatch.of(texts), chrome)


def signatures_of(batch: TextBatch, chrome: frozenset[int] = frozenset()) -> Signatures:
    """`signatures` of a batch of texts (content.TextBatch)."""
    own = own_paragraphs_of_buffer(batch.buffer, batch.offsets, chrome)
    return _signatures(batch, own, _lowered(batch.cleaned, chrome), chrome)


def signatures_and_paragraphs(texts: Sequence[str]) -> tuple[Signatures, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """`signatures(texts)` with no chrome, and boilerplate.paragraph_keys_of_texts(texts), from one split
    of the texts into paragraphs: a run fingerprints every article before it knows its chrome, and again
    only the articles that carry some (scan.py)."""
    return signatures_and_paragraphs_of(TextBatch.of(texts))


def signatures_and_paragraphs_of(batch: TextBatch) -> tuple[Signatures, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """`signatures_and_paragraphs` of a batch of texts (content.TextBatch)."""
    own = own_paragraphs_of_buffer(batch.buffer, batch.offsets, frozenset())
    lowered = _lowered(batch.cleaned, frozenset())
    indices, own_lowered = lowered
    paragraphs = with_other_paragraphs(
        batch.others,
        batch.plain + indices,
        np.concatenate([own.owners, own_lowered.owners + len(batch.plain)]),
        np.concatenate([own.keys, own_lowered.keys]),
        np.concatenate([own.words, own_lowered.words]),
    )
    return _signatures(batch, own, lowered, frozenset()), paragraphs


def _lowered(cleaned: Mapping[int, str], chrome: frozenset[int]) -> tuple[list[int], OwnParagraphs]:
    """The texts not ASCII once cleaned (`cleaned`, by index) that compiled code can split nonetheless
    (content.lowered_form), and their own paragraphs."""
    forms = {i: lowered_form(text) for i, text in cleaned.items()}
    indices = [i for i, form in forms.items() if form is not None]
    return indices, own_ascii_paragraphs([forms[i] or "" for i in indices], chrome)


def _signatures(
    batch: TextBatch,
    own: OwnParagraphs,
    lowered: tuple[list[int], OwnParagraphs],
    chrome: frozenset[int],
) -> Signatures:
    plain, rest = batch.plain, sorted(batch.others)
    lowered_indices, own_lowered = lowered
    folded = own_lowered.folded.tobytes()
    rest_normalized = {
        i: folded[start:end].decode("utf-8", errors="surrogatepass")
        for i, start, end in zip(
            lowered_indices, own_lowered.folded_starts.tolist(), own_lowered.folded_ends.tolist(), strict=True
        )
    }
    rest_normalized.update({i: own_paragraphs(batch.others[i], chrome)[1] for i in rest if i not in rest_normalized})
    forms = {i: compiled_form(rest_normalized[i]) for i in rest}
    compiled = [i for i in rest if forms[i] is not None]

    copies = np.empty((batch.size, COPY_PERM), dtype=np.uint32)
    word_counts = np.zeros(batch.size, dtype=np.int64)
    exact = np.zeros(batch.size, dtype=np.uint64)
    exact[plain] = span_hashes(own.folded, own.folded_starts, own.folded_ends)
    term_parts: list[tuple[Sequence[int], HashSets]] = []
    bigram_parts: list[tuple[Sequence[int], HashSets]] = []
    # Writable, as own.folded is: numba compiles (and loads) the kernel for a read-only buffer apart.
    unicode_buffer = np.frombuffer(
        bytearray("\n".join(forms[i] or "" for i in compiled).encode("utf-8")), dtype=np.uint8
    )
    for indices, lines in ((plain, own.folded), (compiled, unicode_buffer)):
        if not indices:
            continue
        copy_rows, counts, term_values, term_offsets, bigram_values, bigram_offsets = fingerprints_of_ascii_texts(
            lines, len(indices), SHINGLE_SIZE, *stopword_table(), *_permutations(COPY_PERM, SEED)
        )
        copies[indices], word_counts[indices] = copy_rows, counts
        term_parts.append((indices, HashSets(term_values, term_offsets)))
        bigram_parts.append((indices, HashSets(bigram_values, bigram_offsets)))
    by_python = [i for i in rest if forms[i] is None]
    python_sets = []
    for i in rest:
        exact[i] = content_hash(rest_normalized[i].encode("utf-8", errors="surrogatepass"))
        if forms[i] is not None:
            continue
        text_words = words(rest_normalized[i])
        (copies[i],) = _signature_rows([text_words], SHINGLE_SIZE, COPY_PERM)
        word_counts[i] = len(text_words)
        python_sets.append(term_hashes(content_words(text_words)))
    if by_python:
        term_parts.append((by_python, HashSets.of([terms for terms, _ in python_sets])))
        bigram_parts.append((by_python, HashSets.of([bigrams for _, bigrams in python_sets])))
    terms, bigrams = HashSets.scattered(batch.size, term_parts), HashSets.scattered(batch.size, bigram_parts)
    return Signatures(copies, exact, word_counts, terms, bigrams)


def common_terms(terms: HashSets) -> np.ndarray:
    """The run's common terms (sorted hashes): those in more than COMMON_SHARE of the documents, within
    COMMON_MIN_DOCUMENTS and COMMON_MAX_DOCUMENTS. Same-topic articles share them by the hundred, so they
    stay out of the rewrite signature; verification still counts every term.

    Why a fixed cap: two articles can meet in the rewrite index only through a term they share, and a
    term in d documents makes d * d / 2 such pairs. Under a cap K, all terms together make at most K / 2
    times as many pairs as the run has term occurrences: linear in the run. A share of the run lets d grow
    with it, and at a million news articles (d up to 20,000) the candidates stage took thirty times as
    long as at 100,000 (`make bench`), screening chance same-topic pairs that it nearly all ruled out."""
    return common_terms_of_counts([term_counts(terms)], len(terms))


def term_counts(terms: HashSets) -> tuple[np.ndarray, np.ndarray]:
    """The distinct terms of some documents (sorted) and how many of them hold each: what common_terms
    counts, taken per batch of documents where the batches are made (a fraction of the values to sort)."""
    return distinct_counts(terms.values)


def common_terms_of_counts(parts: Sequence[tuple[np.ndarray, np.ndarray]], documents: int) -> np.ndarray:
    """common_terms of a run of `documents`, from the term_counts of its batches."""
    values = np.concatenate([np.empty(0, dtype=np.uint32), *(part[0] for part in parts)])
    counts = np.concatenate([np.empty(0, dtype=np.int64), *(part[1] for part in parts)])
    limit = min(max(COMMON_MIN_DOCUMENTS, COMMON_SHARE * documents), COMMON_MAX_DOCUMENTS)
    return summed_over(values, counts, float(limit))


def rewrite_signatures(terms: HashSets, common: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rewrite channel's signature rows over each document's distinctive (not common) terms, and
    how many distinctive terms each has."""
    return signatures_of_hash_sets(terms.values, terms.offsets, common, *_permutations(REWRITE_PERM, SEED))


def in_sorted(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """np.isin(values, sorted_set) for a sorted set: a binary search per value, where isin sorts both."""
    if sorted_set.size == 0:
        return np.zeros(values.shape, dtype=bool)
    found = np.minimum(np.searchsorted(sorted_set, values), sorted_set.size - 1)
    return sorted_set[found] == values
