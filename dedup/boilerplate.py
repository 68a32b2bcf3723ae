"""Site chrome: paragraphs that recur across otherwise different articles ("Advertisement",
"Share this article", newsletter pleas, byline blocks). Found per run, left out of fingerprints and scores.

A paragraph shared by wire copies of one story is not chrome: it recurs too, but the articles that carry
it share the rest of their text as well. So a recurring paragraph counts as chrome only when most of the
articles carrying it are otherwise unique, or when it is so short (a few words) that it cannot be a story.

Paragraphs are compared by a 64-bit key (case and spacing folded), and the corpus-wide counting runs as
numpy sorts over (document, key) arrays, so a million articles' paragraphs fit in a few hundred MB.
The key is a 64-bit hash of the fold's UTF-8 bytes (hashing.fold_key), so that compiled code splits,
folds and keys ASCII articles' paragraphs in one pass over their bytes (hashing.ascii_paragraphs), and
Python gives any other article's paragraphs the same keys.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from .hashing import ascii_paragraphs, fold_key
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
    return int(fold_key(np.frombuffer(folded.encode("utf-8", errors="surrogatepass"), dtype=np.uint8)))


def paragraph_keys(text: str) -> tuple[list[int], list[int]]:
    """Each paragraph's key and word count, in order (one split of each paragraph serves both)."""
    keys, counts = [], []
    for block in paragraphs(clean(text)):
        block_words = block.lower().split()
        keys.append(folded_key(" ".join(block_words)))
        counts.append(len(block_words))
    return keys, counts


def paragraph_keys_of_texts(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every paragraph of `texts` as (text, key, words) arrays, in order: what paragraph_keys gives
    for each text, the ASCII texts' (most news) split, folded and keyed in compiled code."""
    cleaned = [clean(text) for text in texts]
    plain = [i for i, text in enumerate(cleaned) if text.isascii()]
    buffer, offsets = ascii_buffer([cleaned[i] for i in plain])
    ascii_texts, _, _, ascii_keys, ascii_words = ascii_paragraphs(buffer, offsets)
    others = {i: text for i, text in enumerate(texts) if not cleaned[i].isascii()}
    return with_other_paragraphs(others, plain, ascii_texts, ascii_keys, ascii_words)


def with_other_paragraphs(
    others: Mapping[int, str], keyed: Sequence[int], owners: np.ndarray, keys: np.ndarray, words: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """paragraph_keys_of_texts from the paragraphs of some texts, keyed already in compiled code (text
    keyed[k] owns paragraph i when owners[i] == k, in order), and the other texts' (`others`, raw, by
    index: every text not keyed), keyed here."""
    parts = [(np.asarray(keyed, dtype=np.int64)[owners], keys, words)]
    done = set(keyed)
    for i, text in others.items():
        if i not in done:
            found, counts = paragraph_keys(text)  # the raw text: cleaning twice can change it
            parts.append((np.full(len(found), i, dtype=np.int64), np.array(found, dtype=np.int64), np.array(counts)))
    order = np.argsort(np.concatenate([part[0] for part in parts]), kind="stable")
    return tuple(np.concatenate([part[k] for part in parts]).astype(np.int64)[order] for k in range(3))  # type: ignore[return-value]


def ascii_buffer(cleaned: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Cleaned texts as the compiled paragraph code reads them: their UTF-8 end to end (ASCII but for
    content.lowered_form's texts), line breaks made "\n" as text.paragraphs makes them, and where each
    text begins (and the last ends)."""
    encoded = [
        text.replace("\r\n", "\n").replace("\r", "\n").encode("utf-8", errors="surrogatepass") for text in cleaned
    ]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(text) for text in encoded], out=offsets[1:])
    return np.frombuffer(bytearray(b"".join(encoded)), dtype=np.uint8), offsets  # writable: see facts.py


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
    return find_boilerplate(*paragraph_keys_of_texts(texts))
