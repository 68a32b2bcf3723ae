"""Sentence alignment between two articles, on plain lists of sentences.

Every sentence of each side ends up in exactly one place: in a link (aligned with one or more sentences of
the other side, with a score), or on its own side only. The steps:

1. Sentences equal once normalised are linked first, in order (score 1).
2. The rest are scored by `text.sentence_similarity` over their content words, each word weighted by how
   rare it is among the two articles' sentences (a word in every sentence, "drones" in a story about
   drones, says little about which sentence is which). Pairs at or above MATCH are linked greedily, best
   first; a small bonus for similar relative position breaks near ties (articles mostly keep their order),
   so reordered sentences are still found.
3. A sentence left over joins a link when the union scores better than the link did by at least GROW:
   a sentence split in two, or two merged into one. A link stays one-to-many (one sentence on at least
   one side), so the reader can always say "this became these".
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .text import content_words, normalize, sentence_similarity, words

MATCH = 0.3  # weighted Dice at which two sentences are taken to say the same thing
GROW = 0.05  # gain in score a left-over sentence must bring to join a link
POSITION_BONUS = 0.05  # at most this much added to a pair's rank (not its score) for similar position


@dataclass(frozen=True, slots=True)
class Analysed:
    """One side's sentences, analysed once (an original is aligned with each of its cluster's members)."""

    text: tuple[str, ...]
    keys: tuple[str, ...]  # normalised text: equal keys are the same sentence
    terms: tuple[tuple[str, ...], ...]  # content words of each sentence


@dataclass(frozen=True, slots=True)
class Link:
    a: tuple[int, ...]  # indices into side A, ascending
    b: tuple[int, ...]  # indices into side B, ascending
    score: float  # 0..1, 1 for sentences equal once normalised


@dataclass(frozen=True, slots=True)
class Alignment:
    links: tuple[Link, ...]  # ordered by their first sentence in A
    only_a: tuple[int, ...]
    only_b: tuple[int, ...]


def analyse(sentences: Sequence[str]) -> Analysed:
    keys = tuple(normalize(s) for s in sentences)
    return Analysed(tuple(sentences), keys, tuple(tuple(content_words(words(k))) for k in keys))


def align(a: Sequence[str] | Analysed, b: Sequence[str] | Analysed) -> Alignment:
    """Align two lists of sentences (or their `analyse`d form); see the module docstring."""
    side_a = a if isinstance(a, Analysed) else analyse(a)
    side_b = b if isinstance(b, Analysed) else analyse(b)
    links = _equal_links(side_a, side_b)
    used_a = {i for link in links for i in link.a}
    used_b = {j for link in links for j in link.b}
    weights = rarity_weights((*side_a.terms, *side_b.terms))

    def score(rows: Sequence[int], columns: Sequence[int]) -> float:
        union_a = sorted({t for i in rows for t in side_a.terms[i]})
        union_b = sorted({t for j in columns for t in side_b.terms[j]})
        return float(sentence_similarity([union_a], [union_b], weights)[0, 0])

    if side_a.terms and side_b.terms:
        similarity = sentence_similarity(side_a.terms, side_b.terms, weights)
        for i, j in _greedy_pairs(similarity, used_a, used_b):
            links.append(Link((i,), (j,), float(similarity[i, j])))
            used_a.add(i)
            used_b.add(j)
        links = _grow(links, used_a, used_b, similarity > 0, score)
    links.sort(key=lambda link: (link.a[0], link.b[0]))
    return Alignment(
        links=tuple(links),
        only_a=tuple(i for i in range(len(side_a.text)) if i not in used_a),
        only_b=tuple(j for j in range(len(side_b.text)) if j not in used_b),
    )


def rarity_weights(sentence_terms: Sequence[Sequence[str]]) -> dict[str, float]:
    """Inverse document frequency of each word over the given sentences (sentences are the documents)."""
    frequency = Counter(term for terms in sentence_terms for term in set(terms))
    total = len(sentence_terms)
    return {term: math.log(1 + total / count) for term, count in frequency.items()}


def _equal_links(a: Analysed, b: Analysed) -> list[Link]:
    free: dict[str, list[int]] = {}
    for j, key in enumerate(b.keys):
        if key:
            free.setdefault(key, []).append(j)
    links = []
    for i, key in enumerate(a.keys):
        if free.get(key):
            links.append(Link((i,), (free[key].pop(0),), 1.0))
    return links


def _greedy_pairs(similarity: np.ndarray, used_a: set[int], used_b: set[int]) -> list[tuple[int, int]]:
    rows, columns = similarity.shape
    position_a = np.arange(rows)[:, None] / max(rows - 1, 1)
    position_b = np.arange(columns)[None, :] / max(columns - 1, 1)
    rank = similarity + POSITION_BONUS * (1 - np.abs(position_a - position_b))
    candidates = np.argwhere(similarity >= MATCH)
    order = np.argsort(-rank[candidates[:, 0], candidates[:, 1]], kind="stable")
    pairs = []
    taken_a, taken_b = set(used_a), set(used_b)
    for i, j in candidates[order].tolist():
        if i not in taken_a and j not in taken_b:
            pairs.append((i, j))
            taken_a.add(i)
            taken_b.add(j)
    return pairs


def _grow(
    links: list[Link],
    used_a: set[int],
    used_b: set[int],
    related: np.ndarray,
    score: Callable[[Sequence[int], Sequence[int]], float],
) -> list[Link]:
    """Attach left-over sentences to links while one improves some link's score by GROW or more.
    `related[i, j]` says sentences i and j share words at all: a sentence can only join a link it
    shares words with."""
    while True:
        best: tuple[float, int, Link] | None = None
        for position, link in enumerate(links):
            if link.score >= 1.0:
                continue
            grown: list[Link] = []
            if len(link.a) == 1:
                free_b = np.flatnonzero(related[list(link.a)].any(axis=0))
                grown += [Link(link.a, tuple(sorted((*link.b, j))), 0.0) for j in free_b.tolist() if j not in used_b]
            if len(link.b) == 1:
                free_a = np.flatnonzero(related[:, list(link.b)].any(axis=1))
                grown += [Link(tuple(sorted((*link.a, i))), link.b, 0.0) for i in free_a.tolist() if i not in used_a]
            for candidate in grown:
                gain = score(candidate.a, candidate.b) - link.score
                if gain >= GROW and (best is None or gain > best[0]):
                    best = (gain, position, Link(candidate.a, candidate.b, link.score + gain))
        if best is None:
            return links
        _, position, grown_link = best
        links[position] = grown_link
        used_a.update(grown_link.a)
        used_b.update(grown_link.b)
