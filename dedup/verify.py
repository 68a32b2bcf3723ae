"""Exact verification of candidate pairs: scores that can be trusted, and a relation or a rejection.

Scores (all 0..1):
  jaccard      word 5-shingle Jaccard (exact sets, not a MinHash estimate)
  containment  share of the shorter article's 5-shingles found in the longer one
  terms        Jaccard of the two sets of content words (stopwords out, light stemming)
  bigrams      share of the shorter article's content-word bigrams (adjacent once stopwords are out,
               "air base", "attack drones") found in the other
  sentences    how closely one article's sentences are matched in the other: each sentence's best
               Dice overlap of content words with a sentence of the other (0 under two shared words),
               averaged with content-word weights; the better-matched side is reported
  facts        share of the sparser article's figures (dates, and numbers other than 0-12, by facts.py's
               rules) that the other also states; computed only for rewrites and partial copies
  ratio        rapidfuzz's normalised Indel similarity of the two normalised texts
  length       shorter / longer, in words
Copies share phrases (jaccard, containment). Rewrites share few five-word phrases but keep the content
words and many of their pairings: a reworded sentence still says "drones intercepted" and "air base".
Articles that only cover the same event share some words and names, far fewer pairings, so a rewrite
needs `terms + bigrams` over a threshold and its sentences closely matched (`sentences`), both tuned on
graded human rewrites against same-topic answers and on BBC follow-up stories (see `make eval`).
A rewrite, and a partial copy, must also keep more than half of the sparser side's figures, even when
it has just one: templated stories (dividend notices, market reports, results tables) keep the wording
and change the company, the day and the figures. Two dividend notices paid on one date with different
record dates share exactly half of their figures. (Pairs at or over `copy_containment` are judged on
their phrases alone.) Weekdays count: a story whose one figure moved from Tuesday to Wednesday is more
often the next day's story than an update of it (left out, `make eval` reported more Reuters rewrites
and BBC pairs, and clustered one more labelled other story). The rule is tuned on the labelled Reuters pairs
of `make eval`.
`ratio` is reported for the reader; it does not decide.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz.distance import Indel

from .evidence import Evidence
from .facts import agreement
from .fingerprint import HashSets
from .hashing import pair_overlaps, screened_scores

RELATIONS = ("exact", "near-copy", "truncation", "rewrite")
SCORES = ("jaccard", "containment", "terms", "bigrams", "sentences", "facts", "ratio", "length")


@dataclass(frozen=True)
class Thresholds:
    """The verification policy; every relation is decided here and nowhere else."""

    copy_containment: float = 0.8  # containment at or above: near-copy or truncation
    copy_jaccard: float = 0.5  # Jaccard at or above: near-copy even when containment is lower
    partial_containment: float = 0.5  # updated or edited copies: most phrases kept
    truncation_length: float = 0.8  # below this length ratio a contained copy is a truncation
    rewrite_score: float = 0.36  # terms + bigrams at or above: rewrite
    rewrite_sentences: float = 0.38  # and sentences at or above: one side's sentences closely matched
    rewrite_facts: float = 0.5  # and more than half the sparser side's figures (dates, numbers) kept
    min_terms: int = 12  # shorter article needs this many content words to be judged a rewrite


@dataclass(frozen=True, slots=True)
class Verdict:
    first: int
    second: int
    relation: str | None  # one of RELATIONS, or None when rejected
    scores: dict[str, float] = field(compare=False)

    @property
    def accepted(self) -> bool:
        return self.relation is not None


def score_pair(a: Evidence, b: Evidence, policy: Thresholds | None = None) -> dict[str, float]:
    """Every measure of the module docstring, computed exactly. Given a `policy`, the two costly
    measures (sentences, facts) are left out when the cheap ones already rule the pair out, and `ratio`,
    which decides nothing, is left to verify_pair to add to accepted pairs."""
    shared, shared_terms, shared_bigrams, shared_figures, best_a, best_b, coverage = pair_overlaps(
        a.shingles,
        b.shingles,
        a.terms,
        b.terms,
        a.bigrams,
        b.bigrams,
        a.figures,
        b.figures,
        a.sentence_values,
        a.sentence_offsets,
        b.sentence_values,
        b.sentence_offsets,
        a.sentence_weights,
        b.sentence_weights,
    )
    # Computed with the overlaps, in compiled code; in numpy where that one could not be sure to agree.
    if math.isnan(coverage):
        coverage = _coverage(best_a, a.sentence_weights, best_b, b.sentence_weights)
    counts = (
        *(a.shingles.size, b.shingles.size, shared, a.terms.size, b.terms.size, shared_terms),
        *(a.bigrams.size, b.bigrams.size, shared_bigrams, a.figures.size, b.figures.size, shared_figures),
        *(a.words, b.words),
    )
    return scores_of(counts, coverage, policy, lambda: ratio(a.normalized, b.normalized))


def scores_of(
    counts: Sequence[int],
    coverage: float,
    policy: Thresholds | None,
    measure_ratio: Callable[[], float] | None = None,
) -> dict[str, float]:
    """score_pair's scores from what was counted of the pair: both sides' shingles, terms, bigrams and
    figures each with the shared ones, both word counts (hashing.MEASURES, in pair_measures' order), and
    the sentence coverage; `measure_ratio` gives rapidfuzz's, which only scores without a policy take."""
    shingles_a, shingles_b, shared, terms_a, terms_b, shared_terms, *rest = counts
    bigrams_a, bigrams_b, shared_bigrams, figures_a, figures_b, shared_figures, words_a, words_b = rest
    union = shingles_a + shingles_b - shared
    union_terms = terms_a + terms_b - shared_terms
    lengths = sorted((words_a, words_b))
    scores = {
        "jaccard": shared / union if union else 1.0,
        "containment": _containment(shared, shingles_a, shingles_b),
        "terms": shared_terms / union_terms if union_terms else 1.0,
        "bigrams": _containment(shared_bigrams, bigrams_a, bigrams_b),
        "length": lengths[0] / lengths[1] if lengths[1] else 1.0,
    }
    if policy is not None and not _may_pass(scores, policy):
        return scores
    scores["sentences"] = coverage
    if policy is None:
        assert measure_ratio is not None, "scores without a policy include the ratio"
        scores["ratio"] = measure_ratio()
    if policy is None or _rewrite_evidence(scores, policy) or _partial_copy(scores, policy):
        scores["facts"] = agreement(shared_figures, figures_a, figures_b)
    return scores


def _partial_copy(scores: dict[str, float], policy: Thresholds) -> bool:
    """Most phrases shared but not nearly all: an updated story, or a template filled in twice."""
    copied = scores["containment"] >= policy.partial_containment or scores["jaccard"] >= policy.copy_jaccard
    return copied and scores["containment"] < policy.copy_containment


def _rewrite_evidence(scores: dict[str, float], policy: Thresholds) -> bool:
    """Wording that passes as a rewrite; the facts decide (they are costlier, so computed only then)."""
    return (
        scores["terms"] + scores["bigrams"] >= policy.rewrite_score and scores["sentences"] >= policy.rewrite_sentences
    )


def _may_pass(scores: dict[str, float], policy: Thresholds) -> bool:
    return (
        scores["containment"] >= policy.partial_containment
        or scores["jaccard"] >= policy.copy_jaccard
        or scores["terms"] + scores["bigrams"] >= policy.rewrite_score
    )


# Hashing words to 32 bits can merge two of them or match two different ones: about once in 10^5 pairs
# of long articles. The screen gives that much way, so it never rules out a pair that exact scores would
# accept.
SCREEN_MARGIN = 0.02
# Under this many content words the screen says nothing: a copy of a text made of stopwords ("we will do
# what we can") shares its phrases but no terms, so its terms + bigrams score is 0.
SCREEN_MIN_TERMS = 2


def screen_scores(first: np.ndarray, second: np.ndarray, terms: HashSets, bigrams: HashSets) -> np.ndarray:
    """`terms + bigrams` of each pair (first[k], second[k]), computed exactly on the hashed term and bigram
    sets of the fingerprint stage, without reading a text: `screened` with nothing ruled out."""
    return screened_scores(first, second, terms.values, terms.offsets, bigrams.values, bigrams.offsets, -np.inf, 0)[1]


def screen(first: np.ndarray, second: np.ndarray, terms: HashSets, bigrams: HashSets, policy: Thresholds) -> np.ndarray:
    """Which pairs may pass verification (a boolean mask). Every accepted pair of articles with some
    content words has `terms + bigrams` at or over the rewrite threshold: a rewrite by definition, a copy
    because sharing half its phrases means sharing more of its words and word pairs (copies score 0.9 and
    up). Most LSH candidates (same-topic articles sharing a tenth of their words) fall far short, and
    exact verification costs a thousand times more. Pairs with an article of almost no content words
    pass: the score cannot judge them."""
    return screened(first, second, terms, bigrams, policy)[0]


def screened(
    first: np.ndarray, second: np.ndarray, terms: HashSets, bigrams: HashSets, policy: Thresholds
) -> tuple[np.ndarray, np.ndarray]:
    """`screen`'s mask, and the screen scores of the pairs that pass (what the budget needs), computed once."""
    return screened_scores(
        first,
        second,
        terms.values,
        terms.offsets,
        bigrams.values,
        bigrams.offsets,
        policy.rewrite_score - SCREEN_MARGIN,
        SCREEN_MIN_TERMS,
    )


# On a large corpus of one beat, an article can pass the screen with hundreds of others that each share
# a few of its sentences or its template: pairs that grow with the square of the corpus. So each article
# is verified against its VERIFY_PER_DOCUMENT likeliest originals (its earliest screened partners, by the
# keep order), and every pair at COPY_LEVEL or over (copies: most words and word pairs shared).
VERIFY_PER_DOCUMENT = 5
COPY_LEVEL = 1.5


def within_budget(first: np.ndarray, second: np.ndarray, scores: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """Which screened pairs are verified (a boolean mask): each pair whose earlier document (by `rank`,
    the keep order, a permutation) is among the VERIFY_PER_DOCUMENT earliest partners of the later one,
    and every pair at COPY_LEVEL or over. Members of a large group all check the same few likely
    originals, so star clustering still finds the group's centre.

    The budget of a set of pairs keeps every pair that the budget of any superset keeps, so it can be
    taken piecewise (per band, then over the union) and give the same answer."""
    later = np.where(rank[second] > rank[first], second, first)
    earlier_rank = rank[first + second - later]
    order = np.lexsort((earlier_rank, later))
    sorted_later = later[order]
    place = np.empty(first.size, dtype=np.int64)
    place[order] = np.arange(first.size) - np.searchsorted(sorted_later, sorted_later, side="left")
    return (place < VERIFY_PER_DOCUMENT) | (scores >= COPY_LEVEL)


def _containment(shared: int, size_a: int, size_b: int) -> float:
    return shared / min(size_a, size_b) if size_a and size_b else 0.0


def _coverage(best_a: np.ndarray, weights_a: np.ndarray, best_b: np.ndarray, weights_b: np.ndarray) -> float:
    """How closely one side's sentences are matched in the other: each sentence's best Dice overlap with a
    sentence of the other side (hashing.pair_overlaps; text.sentence_similarity on the hashed sets of the
    evidence), averaged with content-word weights; the better-matched side counts."""
    if not weights_a.size or not weights_b.size:
        return 0.0
    return max(float(best_a @ weights_a / weights_a.sum()), float(best_b @ weights_b / weights_b.sum()))


def classify(same_text: bool, fewest_terms: int, scores: dict[str, float], policy: Thresholds) -> str | None:
    """The pair's relation, or None: `same_text` when the two normalised texts are equal and not empty,
    `fewest_terms` the smaller side's content words, `scores` score_pair's."""
    if same_text:
        return "exact"
    if scores["containment"] >= policy.copy_containment:
        return "truncation" if scores["length"] < policy.truncation_length else "near-copy"
    if _partial_copy(scores, policy):
        return "near-copy" if scores["facts"] > policy.rewrite_facts else None
    if fewest_terms < policy.min_terms:
        return None
    if _rewrite_evidence(scores, policy) and scores["facts"] > policy.rewrite_facts:
        return "rewrite"
    return None


def ratio(a: str, b: str) -> float:
    """rapidfuzz's normalised Indel similarity of two normalised texts (the `ratio` score)."""
    return Indel.normalized_similarity(a, b)


def verify_pair(first: int, second: int, a: Evidence, b: Evidence, policy: Thresholds = Thresholds()) -> Verdict:
    scores = score_pair(a, b, policy)
    return verdict_of(
        first, second, _classify_evidence(a, b, scores, policy), scores, lambda: ratio(a.normalized, b.normalized)
    )


def accepted_verdict(first: int, second: int, a: Evidence, b: Evidence, policy: Thresholds) -> Verdict | None:
    """verify_pair's verdict when it accepts the pair, else None: a scan drops its rejections, most of the
    pairs it verifies, and rounding their scores into a Verdict took a tenth of verification's time."""
    scores = score_pair(a, b, policy)
    relation = _classify_evidence(a, b, scores, policy)
    return (
        None
        if relation is None
        else verdict_of(first, second, relation, scores, lambda: ratio(a.normalized, b.normalized))
    )


def _classify_evidence(a: Evidence, b: Evidence, scores: dict[str, float], policy: Thresholds) -> str | None:
    return classify(
        a.normalized == b.normalized and bool(a.normalized), min(a.terms.size, b.terms.size), scores, policy
    )


def verdict_of(
    first: int, second: int, relation: str | None, scores: dict[str, float], measure_ratio: Callable[[], float]
) -> Verdict:
    """The verdict of a classified pair, its scores rounded; `measure_ratio` gives rapidfuzz's for accepted
    pairs scored without it (not for exact copies: every score of theirs is 1.0)."""
    if relation == "exact":
        scores = dict.fromkeys([*scores, "ratio"], 1.0)
    elif relation is not None and "ratio" not in scores:
        scores["ratio"] = measure_ratio()
    return Verdict(first, second, relation, {k: round(scores[k], 3) for k in SCORES if k in scores})
