"""Site chrome: paragraphs that recur across otherwise different articles ("Advertisement",
"Share this article", newsletter pleas, byline blocks). Found per run, left out of fingerprints and scores.

A paragraph shared by wire copies of one story is not chrome: it recurs too, but the articles that carry
it share the rest of their text as well. So a recurring paragraph counts as chrome only when most of the
articles carrying it are otherwise unique, or when it is so short (a few words) that it cannot be a story.

Paragraphs are compared by a 64-bit key (case and spacing folded), and the corpus-wide counting runs as
numpy sorts over (document, key) arrays, so a million articles' paragraphs fit in a few hundred MB.
The key is Python's string hash, a tenth of BLAKE2b's cost on the hot path of three stages. It is seeded
per interpreter: keys are compared only within the run (and the workers it forks) and never stored.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .text import clean, paragraphs

MIN_DOCUMENTS = 5  # a paragraph seen in fewer documents than this is never chrome (a quote reused by a few is not)
SHORT_WORDS = 4  # a recurring paragraph this short is chrome even in copies ("Advertisement", "Share")
UNIQUE_SHARE = 0.5  # chrome when the median carrier has at least this share of unique paragraphs


def paragraph_key(paragraph: str) -> int:
    """A paragraph's identity for chrome: the hash of its words, lower-cased (see the module docstring)."""
    return folded_key(fold(paragraph))


def fold(paragraph: str) -> str:
    """What a paragraph's key is made of: its words lower-cased, one space between them."""
    return " ".join(paragraph.lower().split())


def folded_key(folded: str) -> int:
    """`paragraph_key` of a paragraph `fold`ed already."""
    return hash(folded)


def paragraph_keys(text: str) -> tuple[list[int], list[int]]:
    """Each paragraph's key and word count, in order (one split of each paragraph serves both)."""
    keys, counts = [], []
    for block in paragraphs(clean(text)):
        block_words = block.lower().split()
        keys.append(folded_key(" ".join(block_words)))
        counts.append(len(block_words))
    return keys, counts


def find_boilerplate(documents: np.ndarray, keys: np.ndarray, word_counts: np.ndarray) -> frozenset[int]:
    """The chrome keys of a corpus, given one entry per paragraph: its document (index), key and words."""
    if keys.size == 0:
        return frozenset()
    # One entry per distinct (key, document), sorted by key then document.
    order = np.lexsort((documents, keys))
    keys, documents, word_counts = keys[order], documents[order], word_counts[order]
    distinct = np.concatenate(([True], (keys[1:] != keys[:-1]) | (documents[1:] != documents[:-1])))
    keys, documents, word_counts = keys[distinct], documents[distinct], word_counts[distinct]
    run_start = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    run_length = np.diff(np.append(run_start, keys.size))
    frequency = np.repeat(run_length, run_length)  # documents carrying each entry's key
    if frequency.max() < MIN_DOCUMENTS:
        return frozenset()
    size = int(documents.max()) + 1
    paragraphs_of = np.bincount(documents, minlength=size)
    unique_of = np.bincount(documents, weights=frequency == 1, minlength=size)
    recurring = frequency >= MIN_DOCUMENTS
    recurring_of = np.bincount(documents, weights=recurring, minlength=size)
    share = unique_of / np.maximum(1, paragraphs_of - recurring_of)
    # Median share of the carriers of each recurring key: sort each key's run by share, take the middle.
    keys_r, shares_r, words_r = keys[recurring], share[documents[recurring]], word_counts[recurring]
    order = np.lexsort((shares_r, keys_r))
    keys_r, shares_r, words_r = keys_r[order], shares_r[order], words_r[order]
    starts = np.flatnonzero(np.concatenate(([True], keys_r[1:] != keys_r[:-1])))
    lengths = np.diff(np.append(starts, keys_r.size))
    median = (shares_r[starts + (lengths - 1) // 2] + shares_r[starts + lengths // 2]) / 2
    chrome = (words_r[starts] <= SHORT_WORDS) | (median >= UNIQUE_SHARE)
    return frozenset(keys_r[starts][chrome].tolist())


def chrome_of_texts(texts: Sequence[str]) -> frozenset[int]:
    """find_boilerplate over plain texts (a convenience for small runs and tests)."""
    documents: list[int] = []
    keys: list[int] = []
    words: list[int] = []
    for index, text in enumerate(texts):
        text_keys, text_words = paragraph_keys(text)
        documents += [index] * len(text_keys)
        keys += text_keys
        words += text_words
    return find_boilerplate(
        np.array(documents, dtype=np.int64), np.array(keys, dtype=np.int64), np.array(words, dtype=np.int64)
    )
