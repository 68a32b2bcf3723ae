"""An article's own content, as the fingerprint and verify stages see it: chrome left out,
normalised words, and sentences as sets of content words."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .boilerplate import ascii_buffer, fold, folded_key
from .hashing import ascii_paragraphs, ascii_sentences, ascii_texts, folded_texts
from .store import joined_records
from .text import abbreviation_table, clean, content_words, normalize, paragraphs, sentences, words

SHINGLE_SIZE = 5  # words in a shingle (the copy evidence: fingerprint.py, evidence.py)


@dataclass(frozen=True, slots=True)
class Content:
    normalized: str  # the article's own paragraphs, normalised, one space between them
    words: tuple[str, ...]  # every word, in order (copy evidence)
    terms: tuple[str, ...]  # content words, stemmed, in order (rewrite evidence)
    sentences: tuple[str, ...]  # the article's own sentences, cleaned, case kept
    sentence_terms: tuple[tuple[str, ...], ...]  # each sentence's content words; empty sentences dropped


class TextBatch(NamedTuple):
    """Raw texts as the compiled code takes them: those that are ASCII once cleaned (most news) cleaned, in
    UTF-8 end to end in boilerplate.ascii_buffer's form, and every other text as it is."""

    size: int  # texts in the batch
    plain: list[int]  # the texts that are ASCII once cleaned, ascending
    buffer: np.ndarray  # plain[k]'s cleaned text is buffer[offsets[k]:offsets[k + 1]]
    offsets: np.ndarray
    others: dict[int, str]  # the other texts, raw, by index
    cleaned: dict[int, str]  # the other texts cleaned (text.clean), by index

    @classmethod
    def of(cls, texts: Sequence[str]) -> TextBatch:
        return cls.of_utf8(*joined_records([text.encode("utf-8", errors="surrogatepass") for text in texts]))

    @classmethod
    def of_utf8(cls, data: bytes, offsets: np.ndarray) -> TextBatch:
        """The batch of texts given in UTF-8 (lone surrogates kept), text i data[offsets[i]:offsets[i + 1]],
        as a document store reads them back (DocumentStore.encoded_between): the ASCII ones are cleaned
        in compiled code (hashing.ascii_texts) and never made strings."""
        count = offsets.shape[0] - 1
        plain, buffer, plain_offsets = ascii_texts(np.frombuffer(data, dtype=np.uint8), offsets)
        ascii_rows = set(plain.tolist())
        others, cleaned_others, cleaned_ascii = {}, {}, {}
        for i in range(count):
            if i in ascii_rows:
                continue
            text = data[offsets[i] : offsets[i + 1]].decode("utf-8", errors="surrogatepass")
            cleaned = clean(text)
            if cleaned.isascii():  # typographic quotes and dashes only: ASCII once cleaned
                cleaned_ascii[i] = cleaned
            else:
                others[i], cleaned_others[i] = text, cleaned
        if not cleaned_ascii:
            return cls(count, plain.tolist(), buffer, plain_offsets, others, cleaned_others)
        extra, extra_offsets = ascii_buffer(list(cleaned_ascii.values()))
        rows = sorted([*ascii_rows, *cleaned_ascii])
        pieces = {i: buffer[plain_offsets[k] : plain_offsets[k + 1]] for k, i in enumerate(plain.tolist())}
        pieces |= {i: extra[extra_offsets[k] : extra_offsets[k + 1]] for k, i in enumerate(cleaned_ascii)}
        merged = np.concatenate([np.empty(0, dtype=np.uint8), *(pieces[i] for i in rows)])
        merged_offsets = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum([pieces[i].size for i in rows], out=merged_offsets[1:])
        return cls(count, rows, merged, merged_offsets, others, cleaned_others)


def own_paragraphs(text: str, chrome: frozenset[int] = frozenset()) -> tuple[list[str], str]:
    """The article's own paragraphs (cleaned, chrome left out), and all of them normalised into one string."""
    cleaned = clean(text)
    # In cleaned ASCII text, normalising is the fold the chrome key makes (case and spaces): one serves both.
    ascii_text = cleaned.isascii()
    kept, parts = [], []
    for paragraph in paragraphs(cleaned):
        folded = fold(paragraph)
        if chrome and folded_key(folded) in chrome:
            continue
        kept.append(paragraph)
        parts.append(folded if ascii_text else normalize(paragraph))
    return kept, " ".join(parts)


def sentences_and_normalized(text: str, chrome: frozenset[int] = frozenset()) -> tuple[list[str], str]:
    """The sentences of the article's own paragraphs (cleaned, case kept), and own_paragraphs' normalised text."""
    return sentences_and_normalized_of_texts([text], chrome)[0]


def sentences_and_normalized_of_texts(
    texts: Sequence[str], chrome: frozenset[int] = frozenset()
) -> list[tuple[list[str], str]]:
    """sentences_and_normalized of each text. ASCII texts (most news) are split, folded and cut into
    sentences in compiled code, all of them at once (hashing.ascii_paragraphs, folded_texts,
    ascii_sentences): the same values, where a compiled call per text cost as much as the work."""
    batch = TextBatch.of(texts)
    plain = batch.plain
    results: list[tuple[list[str], str]] = [([], "")] * len(texts)
    for i, text in batch.others.items():
        kept, normalized = own_paragraphs(text, chrome)
        results[i] = [sentence for paragraph in kept for sentence in sentences(paragraph)], normalized
    if not plain:
        return results
    own = own_paragraphs_of_buffer(batch.buffer, batch.offsets, chrome)
    flat, sentence_starts, sentence_ends, paragraphs_of = ascii_sentences(
        own.buffer, own.starts, own.ends, *abbreviation_table()
    )
    flat_text, folded_text = flat.tobytes().decode("ascii"), own.folded.tobytes().decode("ascii")
    owned: list[list[str]] = [[] for _ in plain]
    for start, end, owner in zip(
        sentence_starts.tolist(), sentence_ends.tolist(), own.owners[paragraphs_of].tolist(), strict=True
    ):
        owned[owner].append(flat_text[start:end])
    for row, i in enumerate(plain):
        results[i] = owned[row], folded_text[own.folded_starts[row] : own.folded_ends[row]]
    return results


# Whitespace beyond ASCII, as str.split and str.strip take it (cleaning's NFKC makes most of it a space).
_OTHER_SPACE = re.compile("[\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")


def lowered_form(cleaned: str) -> str | None:
    """A cleaned text that is not ASCII, lower-cased, for own_ascii_paragraphs, which splits, strips and
    folds at ASCII whitespace and case only: it reads the lowered text as own_paragraphs reads the text
    (its paragraphs, their chrome keys and words, its normalised text) when the text has no whitespace
    beyond ASCII, its lower and casefold agree (a chrome key folds by lower, normalize by casefold), and
    cleaning it again changes nothing (normalize cleans each paragraph again). None for other text, which
    own_paragraphs takes. (Case is gone from the lowered text: sentences are not found in it.)"""
    lowered = cleaned.lower()
    if lowered != cleaned.casefold() or _OTHER_SPACE.search(cleaned) or clean(cleaned) != cleaned:
        return None
    return lowered


class OwnParagraphs(NamedTuple):
    """The own paragraphs of cleaned ASCII texts, found in compiled code: the texts' bytes end to end
    (boilerplate.ascii_buffer), each paragraph's span in them, text, chrome key and words, and the texts
    normalised (their own paragraphs folded, one text a line) with each one's span."""

    buffer: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    owners: np.ndarray
    keys: np.ndarray
    words: np.ndarray
    folded: np.ndarray
    folded_starts: np.ndarray
    folded_ends: np.ndarray


def own_ascii_paragraphs(cleaned: Sequence[str], chrome: frozenset[int] = frozenset()) -> OwnParagraphs:
    """own_paragraphs of many cleaned ASCII texts (or lowered_form's) at once: their paragraphs, chrome
    left out, and their normalised texts (hashing.ascii_paragraphs, folded_texts)."""
    return own_paragraphs_of_buffer(*ascii_buffer(cleaned), chrome)


def own_paragraphs_of_buffer(buffer: np.ndarray, offsets: np.ndarray, chrome: frozenset[int]) -> OwnParagraphs:
    """own_ascii_paragraphs of texts in boilerplate.ascii_buffer's form (text i is buffer[offsets[i]:
    offsets[i + 1]]), such as TextBatch's."""
    owners, starts, ends, keys, paragraph_words = ascii_paragraphs(buffer, offsets)
    if chrome:
        own = ~np.isin(keys, np.fromiter(chrome, dtype=np.int64, count=len(chrome)))
        owners, starts, ends, keys, paragraph_words = (
            owners[own],
            starts[own],
            ends[own],
            keys[own],
            paragraph_words[own],
        )
    folded, folded_starts, folded_ends = folded_texts(buffer, owners, starts, ends, offsets.shape[0] - 1)
    return OwnParagraphs(buffer, starts, ends, owners, keys, paragraph_words, folded, folded_starts, folded_ends)


def extract_content(text: str, chrome: frozenset[int] = frozenset()) -> Content:
    """Split into paragraphs, drop the chrome ones, and derive the token views of what is left."""
    return content_of(*sentences_and_normalized(text, chrome))


def content_of(own_sentences: list[str], normalized: str) -> Content:
    """The token views of an article given as sentences_and_normalized gives it.

    Words never span the whitespace that sentences are split at, so the article's words are its
    sentences' words in order: each sentence is tokenised once and serves both views."""
    sentence_words = [words(normalize(sentence)) for sentence in own_sentences]
    sentence_terms = [content_words(tokens) for tokens in sentence_words]
    all_words = [word for tokens in sentence_words for word in tokens]
    terms = [term for tokens in sentence_terms for term in tokens]
    return Content(
        normalized=normalized,
        words=tuple(all_words),
        terms=tuple(terms),
        sentences=tuple(own_sentences),
        sentence_terms=tuple(tuple(tokens) for tokens in sentence_terms if tokens),
    )
