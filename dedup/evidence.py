"""What verification compares of one article, made once and kept compact: sets of hashes, not strings.

A pair is verified on its two articles' word 5-shingles, content words, content-word bigrams, each
sentence's content words and figures (verify.py). Making those from the text is most of verification's
work, and the candidate graph of a large run has little locality: each article pairs with a few others
from anywhere in the run, so a cache of extracted articles serves few pairs and extracts most articles
more than once. `Evidence` is made once per article and is small enough (about 3.7 KB serialised for a
120-word article) to spool to a temporary file that verifiers read back by offset (`to_bytes`, `from_bytes`).

The word and term sets hold 64-bit hashes of their tokens and windows of tokens (hashing.py), sorted and
distinct: the counts verification divides are exact unless two different strings share a hash, about once
in 10^14 pairs of articles. `of_text` tokenises ASCII text in compiled code, and `of` hashes tokens made
in Python, to the same values. Figures are 64-bit hashes of their kind and key (facts.figure_hash), found
in compiled code in ASCII sentences (compiled_facts.py) and by regular expressions in the others.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .content import (
    SHINGLE_SIZE,
    Content,
    TextBatch,
    content_of,
    own_paragraphs_of_buffer,
    sentences_and_normalized_of_texts,
)
from .facts import figure_hashes_of_articles, figure_hashes_of_ascii
from .hashing import (
    EVIDENCE_HEADER,
    ascii_evidence_records,
    ascii_sentences,
    evidence_of_ascii_sentences,
    evidence_of_tokens,
    gathered_spans,
)
from .text import abbreviation_table, compiled_form, normalize, stopword_table

# The serialised form: an int64 header (bytes of the normalised text, words, then the size of each array),
# the arrays in field order, and the text in UTF-8.
_DTYPES = (np.int64, np.int64, np.int64, np.int64, np.int64, np.float64, np.int64)
_HEADER = EVIDENCE_HEADER  # hashing.ascii_evidence_records writes the same form
assert len(_DTYPES) + 2 == _HEADER, "a header holds the text's size, the word count and each array's size"
_HEADER_FORMAT = struct.Struct(f"={_HEADER}q")  # native order, as numpy writes the header (to_bytes)


@dataclass(frozen=True, eq=False)  # arrays inside
class Evidence:
    normalized: str  # the article's own text, normalised (exact copies, and rapidfuzz's ratio)
    words: int  # words in it
    shingles: np.ndarray  # int64 hashes of its word 5-shingles (text.windows), sorted, distinct
    terms: np.ndarray  # of its content words
    bigrams: np.ndarray  # of its adjacent content-word pairs
    sentence_values: np.ndarray  # each sentence's content words (sentences without any left out): set i is
    sentence_offsets: np.ndarray  # sentence_values[sentence_offsets[i]:sentence_offsets[i + 1]]
    sentence_weights: np.ndarray  # float64: each sentence's content words, repeats counted
    figures: np.ndarray  # facts.figure_hash of each of its figures (facts.figures: dates, numbers over 12)

    @classmethod
    def of(cls, content: Content) -> Evidence:
        sets = evidence_of_tokens(
            _utf8(" ".join(content.words)),
            _utf8("\n".join(" ".join(terms) for terms in content.sentence_terms)),
            SHINGLE_SIZE,
        )
        return cls(content.normalized, len(content.words), *sets, figure_hashes_of_articles([content.sentences])[0])

    @classmethod
    def of_text(cls, text: str, chrome: frozenset[int] = frozenset()) -> Evidence:
        """`of(extract_content(text, chrome))`, the same values; an article whose own sentences are ASCII
        (most news) is tokenised in compiled code, with no Python object made per word."""
        return cls.of_texts([text], chrome)[0]

    @classmethod
    def of_texts(cls, texts: Sequence[str], chrome: frozenset[int] = frozenset()) -> list[Evidence]:
        """of_text of each text, made all at once (evidence_records)."""
        data, sizes = evidence_records(texts, chrome)
        ends = np.cumsum(sizes).tolist()
        return [cls.from_bytes(data[end - size : end]) for end, size in zip(ends, sizes, strict=True)]

    @classmethod
    def _of_others(cls, texts: Sequence[str], chrome: frozenset[int]) -> list[Evidence]:
        """of_text of texts that are not ASCII: sentences found in Python (content.own_paragraphs), then
        tokenised in compiled code where text.compiled_form allows."""
        parts = sentences_and_normalized_of_texts(texts, chrome)
        found = figure_hashes_of_articles([own_sentences for own_sentences, _ in parts])
        return [cls._of_sentences(*part, figures) for part, figures in zip(parts, found, strict=True)]

    @classmethod
    def _of_sentences(cls, own_sentences: list[str], normalized: str, figures: np.ndarray) -> Evidence:
        joined = "\n".join(own_sentences)
        # Normalising ASCII sentences (content.extract_content) only folds case and spaces, and spaces
        # never change a token.
        form = joined.lower() if joined.isascii() else compiled_form("\n".join(map(normalize, own_sentences)))
        if form is None:
            return cls.of(content_of(own_sentences, normalized))
        buffer = np.frombuffer(form.encode("utf-8"), dtype=np.uint8)
        words, shingles, terms, bigrams, values, offsets, weights = evidence_of_ascii_sentences(
            buffer, SHINGLE_SIZE, *stopword_table()
        )
        return cls(normalized, words, shingles, terms, bigrams, values, offsets, weights, figures)

    def arrays(self) -> tuple[np.ndarray, ...]:
        return (
            self.shingles,
            self.terms,
            self.bigrams,
            self.sentence_values,
            self.sentence_offsets,
            self.sentence_weights,
            self.figures,
        )

    def to_bytes(self) -> bytes:
        text = self.normalized.encode("utf-8", errors="surrogatepass")
        arrays = self.arrays()
        header = np.array([len(text), self.words, *(array.size for array in arrays)], dtype=np.int64)
        return b"".join([header.tobytes(), *(array.tobytes() for array in arrays), text])

    @classmethod
    def from_bytes(cls, data: bytes) -> Evidence:
        # One view of all the arrays, cut up (the float one viewed as such): a verifier reads back a
        # record per article, and a numpy view per array took half of that.
        text_size, words, *sizes = _HEADER_FORMAT.unpack_from(data)
        values = np.frombuffer(data, dtype=np.int64, count=sum(sizes), offset=8 * _HEADER)
        arrays = []
        position = 0
        for dtype, size in zip(_DTYPES, sizes, strict=True):
            part = values[position : position + size]
            arrays.append(part if dtype is np.int64 else part.view(dtype))
            position += size
        start = 8 * (_HEADER + position)
        text = data[start : start + text_size].decode("utf-8", errors="surrogatepass")
        return cls(text, words, *arrays)


def normalized_of_record(data: bytes) -> str:
    """Evidence.from_bytes(data).normalized, with nothing else of the record made."""
    text_size, _, *sizes = _HEADER_FORMAT.unpack_from(data)
    start = 8 * (_HEADER + sum(sizes))
    return data[start : start + text_size].decode("utf-8", errors="surrogatepass")


def aligned_records(data: bytes, sizes: Sequence[int]) -> tuple[bytes, list[int]]:
    """Records (given end to end, record i sizes[i] bytes long) each padded with zero bytes to a multiple of
    eight, and their new sizes: so spooled, every record's int64 arrays can be read where they lie
    (hashing.pair_measures). A record's text ends where its header says, so the padding is never read."""
    padded = [size + -size % 8 for size in sizes]
    if padded == list(sizes):
        return data, padded
    out = bytearray(sum(padded))
    view = memoryview(data)
    position, source = 0, 0
    for size, room in zip(sizes, padded, strict=True):
        out[position : position + size] = view[source : source + size]
        position, source = position + room, source + size
    return bytes(out), padded


def evidence_records(texts: Sequence[str], chrome: frozenset[int] = frozenset()) -> tuple[bytes, list[int]]:
    """Evidence.of_text(text, chrome).to_bytes() of each text, end to end, and the size of each: what the
    verify stage spools. An ASCII article (most news) goes from its text to its record in compiled code:
    paragraphs, chrome and sentences (content.own_paragraphs_of_buffer, hashing.ascii_sentences), figures
    (facts.figure_hashes_of_ascii), sets and record (hashing.ascii_evidence_records), with no Python string
    made per sentence: three times faster than making an Evidence of each and serialising it."""
    return evidence_records_of(TextBatch.of(texts), chrome)


def evidence_records_of(batch: TextBatch, chrome: frozenset[int] = frozenset()) -> tuple[bytes, list[int]]:
    """evidence_records of a batch of texts (content.TextBatch)."""
    plain = batch.plain
    own = own_paragraphs_of_buffer(batch.buffer, batch.offsets, chrome)
    flat, starts, ends, paragraphs_of = ascii_sentences(own.buffer, own.starts, own.ends, *abbreviation_table())
    owners = own.owners[paragraphs_of]
    sentences, lines = gathered_spans(flat, starts, ends)
    data, sizes = ascii_evidence_records(
        sentences,
        lines,
        owners,
        len(plain),
        *figure_hashes_of_ascii(sentences, lines, owners, len(plain)),
        own.folded,
        own.folded_starts,
        own.folded_ends,
        SHINGLE_SIZE,
        *stopword_table(),
    )
    if len(plain) == batch.size:
        return data.tobytes(), sizes.tolist()
    records: list[bytes] = [b""] * batch.size
    ends_of_records = np.cumsum(sizes).tolist()
    for i, end, size in zip(plain, ends_of_records, sizes.tolist(), strict=True):
        records[i] = data[end - size : end].tobytes()
    others = sorted(batch.others)
    for i, evidence in zip(others, Evidence._of_others([batch.others[i] for i in others], chrome), strict=True):
        records[i] = evidence.to_bytes()
    return b"".join(records), [len(record) for record in records]


def _utf8(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-8", errors="surrogatepass"), dtype=np.uint8)
