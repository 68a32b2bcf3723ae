"""Clusters from verified pairs, without chaining, and the original of each.

Greedy star clustering: the document with the most verified links (strength-weighted) becomes a centre
and takes every unassigned document linked to it directly; repeat. Every member is linked directly to
its centre, so a chain A-B-C-D of weak links can never put A and D together.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .verify import Verdict

KEEP_RULES = ("earliest", "longest", "first")


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

    def date_key(i: int) -> tuple[int, str]:
        date = dates[i]
        return (0, date) if date else (1, "")

    keys: dict[str, Callable[[int], tuple]] = {
        "earliest": lambda i: (date_key(i), -lengths[i], i),
        "longest": lambda i: (-lengths[i], date_key(i), i),
        "first": lambda i: (i,),
    }
    return sorted(range(len(dates)), key=keys[rule])


def build_clusters(
    verdicts: Sequence[Verdict],
    dates: Sequence[str | None],
    lengths: Sequence[int],
    rule: str,
    rescore: Callable[[int, int], Verdict],
) -> list[Cluster]:
    """Star clusters, each with its original by `rule`. Each member's relation and scores refer to the
    original (from the verified pair, or from `rescore(original, member)` when that pair was never a
    candidate), except: an exact copy of an earlier member is `exact` via that member, and a member that
    does not pass against the original keeps its verified link via the star's centre."""
    order = keep_order(dates, lengths, rule)
    rank = {index: position for position, index in enumerate(order)}
    by_pair = {(v.first, v.second): v for v in verdicts if v.accepted}

    def link(a: int, b: int) -> Verdict | None:
        return by_pair.get((min(a, b), max(a, b)))

    groups = star_clusters(verdicts, order)
    originals = [min(group, key=rank.__getitem__) for group in groups]
    _attach_to_originals(groups, originals, by_pair)
    clusters = []
    for group, original in zip(groups, originals, strict=True):
        centre = group[0]
        ranked = sorted(group, key=rank.__getitem__)
        members = [Member(original, "original", {})]
        for position, index in enumerate(ranked[1:], start=1):
            verdict = link(original, index) or rescore(min(original, index), max(original, index))
            twin = next((t for t in ranked[1:position] if (v := link(t, index)) and v.relation == "exact"), None)
            if verdict.relation != "exact" and twin is not None:
                copy = link(twin, index)
                assert copy is not None
                members.append(Member(index, "exact", copy.scores, via=twin))
            elif verdict.accepted:
                members.append(Member(index, verdict.relation or "", verdict.scores))
            else:
                hub = link(centre, index)
                assert hub is not None, "a star member is linked to its centre"
                members.append(Member(index, hub.relation or "", hub.scores, via=centre))
        members[1:] = sorted(members[1:], key=lambda m: m.index)
        clusters.append(Cluster(original, tuple(members)))
    clusters.sort(key=lambda c: rank[c.original])
    return clusters


def _attach_to_originals(
    groups: list[list[int]], originals: list[int], by_pair: dict[tuple[int, int], Verdict]
) -> None:
    """A document left out of every star but verified directly against some cluster's original joins
    that cluster (the strongest such link wins): the original is what members are named against, so a
    direct link to it is as good as one to the centre, and it adds one hop at most, never a chain."""
    cluster_of = {original: k for k, original in enumerate(originals)}
    assigned = {index for group in groups for index in group}
    best: dict[int, tuple[float, int]] = {}
    for (first, second), verdict in by_pair.items():
        for original, other in ((first, second), (second, first)):
            if original in cluster_of and other not in assigned:
                key = (_strength(verdict), -cluster_of[original])
                if other not in best or key > best[other]:
                    best[other] = key
    for index, (_, negative_cluster) in sorted(best.items()):
        groups[-negative_cluster].append(index)
