"""Site chrome: paragraphs that recur across otherwise different articles ("Advertisement",
"Share this article", newsletter pleas, byline blocks). Found per run, left out of fingerprints and scores.

A paragraph shared by wire copies of one story is not chrome: it recurs too, but the articles that carry
it share the rest of their text as well. So a recurring paragraph counts as chrome only when most of the
articles carrying it are otherwise unique, or when it is so short (a few words) that it cannot be a story.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from statistics import median

from .text import normalize, paragraphs, words

MIN_DOCUMENTS = 3  # a paragraph seen in fewer documents than this is never chrome
SHORT_WORDS = 4  # a recurring paragraph this short is chrome even in copies ("Advertisement", "Share")
UNIQUE_SHARE = 0.5  # chrome when the median carrier has at least this share of unique paragraphs


def paragraph_keys(text: str) -> list[str]:
    """The normalised paragraphs of a text, the unit in which chrome is found."""
    return [key for key in (normalize(p) for p in paragraphs(text)) if key]


def find_boilerplate(documents_paragraphs: Sequence[Sequence[str]]) -> frozenset[str]:
    """The chrome paragraphs of a corpus, given each document's normalised paragraphs."""
    document_frequency: Counter[str] = Counter()
    for keys in documents_paragraphs:
        document_frequency.update(set(keys))
    recurring = {key for key, count in document_frequency.items() if count >= MIN_DOCUMENTS}
    if not recurring:
        return frozenset()
    unique_shares: dict[str, list[float]] = defaultdict(list)
    for keys in documents_paragraphs:
        distinct = set(keys)
        carried = distinct & recurring
        if not carried:
            continue
        unique = sum(1 for key in distinct if document_frequency[key] == 1)
        share = unique / max(1, len(distinct - carried))
        for key in carried:
            unique_shares[key].append(share)
    chrome = set()
    for key in recurring:
        if len(words(key)) <= SHORT_WORDS or median(unique_shares[key]) >= UNIQUE_SHARE:
            chrome.add(key)
    return frozenset(chrome)


def strip_boilerplate(keys: Sequence[str], chrome: frozenset[str]) -> list[str]:
    """The paragraphs that are the article's own."""
    return [key for key in keys if key not in chrome]
