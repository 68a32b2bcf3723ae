"""Clusters from verified pairs, without chaining, and the original of each.

Greedy star clustering: the document with the most verified links (strength-weighted) becomes a centre
and takes every unassigned document linked to it directly; repeat. Every member is linked directly to
its centre, to the cluster's original, or, as a copy, to one of those: a chain A-B-C-D of weak links can
never put A and D together.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .verify import SCORES, Verdict

KEEP_RULES = ("earliest", "longest", "first")
COPY_RELATIONS = frozenset({"near-copy", "truncation"})


@dataclass(frozen=True, slots=True)
class Member:
    index: int
    relation: str  # "original" for the original, else a verified relation
    scores: dict[str, float]
    via: int | None = None  # the member that relation and scores refer to, when it is not the original


@dataclass(frozen=True, slots=True)
class Cluster:
    original: int
    members: tuple[Member, ...]  # the original first, then by document order


def _strength(verdict: Verdict) -> float:
    return max(verdict.scores.get("jaccard", 0.0), verdict.scores.get("sentences", 0.0))


def star_clusters(verdicts: Sequence[Verdict], order: Sequence[int]) -> list[list[int]]:
    """Groups of document indices; `order` ranks documents for ties (earlier in it wins)."""
    neighbours: dict[int, dict[int, float]] = defaultdict(dict)
    for verdict in verdicts:
        if verdict.accepted:
            strength = _strength(verdict)
            neighbours[verdict.first][verdict.second] = strength
            neighbours[verdict.second][verdict.first] = strength
    rank = {index: position for position, index in enumerate(order)}
    assigned: set[int] = set()

    def weight(node: int) -> float:
        free = [w for n, w in neighbours[node].items() if n not in assigned]
        return len(free) + sum(free) if free else 0.0

    # Keys only fall as documents are assigned, so a stale heap entry is re-pushed, never trusted.
    heap = [(-weight(node), rank.get(node, node), node) for node in neighbours]
    heapq.heapify(heap)
    groups = []
    while heap:
        negative, position, node = heapq.heappop(heap)
        if node in assigned:
            continue
        current = weight(node)
        if current == 0.0:
            continue
        if current < -negative:
            heapq.heappush(heap, (-current, position, node))
            continue
        group = [node, *sorted(n for n in neighbours[node] if n not in assigned)]
        assigned.update(group)
        groups.append(group)
    return groups


def keep_order(dates: Sequence[str | None], lengths: Sequence[int], rule: str) -> list[int]:
    """Document indices, best original first, by `rule`:
    earliest: earliest date; undated after dated; ties by longest text, then input order.
    longest: longest text; ties by earliest date, then input order.
    first: input order."""
    if rule not in KEEP_RULES:
        raise ValueError(f"unknown keep rule {rule!r}; choose one of {', '.join(KEEP_RULES)}")
    index = np.arange(len(dates))
    if rule == "first":
        return index.tolist()
    # One stable sort over arrays (the last key decides first): a million Python key tuples took 4 s.
    undated = np.array([not date for date in dates], dtype=bool)
    date = np.array([date or "" for date in dates], dtype=str)
    shorter = -np.asarray(lengths, dtype=np.int64)
    keys = (index, shorter, date, undated) if rule == "earliest" else (index, date, undated, shorter)
    return np.lexsort(keys).tolist()


def build_clusters(
    verdicts: Sequence[Verdict],
    dates: Sequence[str | None],
    lengths: Sequence[int],
    rule: str,
    rescore: Callable[[Sequence[tuple[int, int]]], Sequence[Verdict]],
    order: Sequence[int] | None = None,
) -> list[Cluster]:
    """Star clusters, each with its original by `rule`.

    Exact copies are one document to the clustering: each group of them is represented by its best-ranked
    member, and the others join wherever it goes (`exact`, via it unless it is the original), so twins are
    never split. Each other member's relation and scores refer to the original (from the verified pair,
    or, when that pair was never a candidate, from `rescore`, which verifies a list of (first, second)
    pairs in one go); a member that does not pass against the original keeps its verified link via the
    star's centre, or via the member it copies (_attach_left_out). `order`: keep_order's, where the caller
    has it already (a scan ranks the documents by it before clustering)."""
    if order is None:
        order = keep_order(dates, lengths, rule)
    rank = {index: position for position, index in enumerate(order)}
    copies_of = _exact_groups(verdicts, rank)
    copied = {copy for copies in copies_of.values() for copy in copies}
    kept = [v for v in verdicts if v.accepted and v.first not in copied and v.second not in copied]
    accepted = {(v.first, v.second): v for v in verdicts if v.accepted}
    by_pair = dict(accepted)  # and the rejections of rescored pairs, once made

    def link(a: int, b: int) -> Verdict | None:
        return accepted.get((min(a, b), max(a, b)))

    groups = star_clusters(kept, order)
    originals = [min(group, key=rank.__getitem__) for group in groups]
    through = _attach_left_out(groups, originals, {(v.first, v.second): v for v in kept})
    placed = {index for group in groups for index in group}
    for representative in sorted(copies_of, key=rank.__getitem__):
        if representative not in placed:  # exact copies of each other and nothing else
            groups.append([representative])
            originals.append(representative)
    unverified = sorted(
        {
            (min(original, index), max(original, index))
            for group, original in zip(groups, originals, strict=True)
            for index in group
            if index != original and link(original, index) is None
        }
    )
    by_pair.update({(v.first, v.second): v for v in rescore(unverified)})
    clusters = []
    for group, original in zip(groups, originals, strict=True):
        centre = group[0]
        members = [Member(original, "original", {})]
        for index in group:
            if index != original:
                verdict = by_pair[(min(original, index), max(original, index))]
                if verdict.accepted:
                    members.append(Member(index, verdict.relation or "", verdict.scores))
                else:
                    via = through.get(index, centre)
                    hub = link(via, index)
                    assert hub is not None, "a member is linked to its centre or to the member it copies"
                    members.append(Member(index, hub.relation or "", hub.scores, via=via))
            for copy in copies_of.get(index, ()):
                # Verified against the group's first document, which need not be the representative;
                # the scores of an exact copy are the same against any member.
                scores = dict.fromkeys(SCORES, 1.0)
                members.append(Member(copy, "exact", scores, via=None if index == original else index))
        members[1:] = sorted(members[1:], key=lambda m: m.index)
        clusters.append(Cluster(original, tuple(members)))
    clusters.sort(key=lambda c: rank[c.original])
    return clusters


def _exact_groups(verdicts: Sequence[Verdict], rank: dict[int, int]) -> dict[int, list[int]]:
    """Each group of exact copies as {best-ranked member: the others}. Exactness is an equivalence
    (equal normalised text), so joining its pairs transitively chains nothing."""
    parent: dict[int, int] = {}

    def root(index: int) -> int:
        while parent.get(index, index) != index:
            index = parent[index]
        return index

    for verdict in verdicts:
        if verdict.relation == "exact":
            a, b = root(verdict.first), root(verdict.second)
            if a != b:
                parent[max(a, b, key=rank.__getitem__)] = min(a, b, key=rank.__getitem__)
    groups: dict[int, list[int]] = defaultdict(list)
    for index in parent:
        if root(index) != index:
            groups[root(index)].append(index)
    return dict(groups)


def _attach_left_out(
    groups: list[list[int]], originals: list[int], by_pair: dict[tuple[int, int], Verdict]
) -> dict[int, int]:
    """Documents left out of every star join a cluster they are verified against: by a link to its
    original, or by a copy link to a member, never by a chain of rewrites. Returns {document: the member
    it joined through} for those that did not join through an original.

    A document linked directly to some cluster's original joins that cluster (the strongest such link
    wins): the original is what members are named against, so a direct link to it is as good as one to
    the centre. Otherwise a copy (near-copy or truncation) of some member joins that member's cluster: a
    copy belongs with the story it copies, even when that story went into the star of a wider one (a
    truncated wire story whose full version shares sentences with a third)."""
    cluster_of_original = {original: k for k, original in enumerate(originals)}
    cluster_of_member = {index: k for k, group in enumerate(groups) for index in group}
    best: dict[int, tuple[bool, float, int, int]] = {}  # (to the original, strength, -cluster, -member)
    for (first, second), verdict in by_pair.items():
        for member, other in ((first, second), (second, first)):
            if member not in cluster_of_member or other in cluster_of_member:
                continue
            to_original = member in cluster_of_original
            if not to_original and verdict.relation not in COPY_RELATIONS:
                continue
            key = (to_original, _strength(verdict), -cluster_of_member[member], -member)
            if other not in best or key > best[other]:
                best[other] = key
    through: dict[int, int] = {}
    for index, (to_original, _, negative_cluster, negative_member) in sorted(best.items()):
        groups[-negative_cluster].append(index)
        if not to_original:
            through[index] = -negative_member
    return through
