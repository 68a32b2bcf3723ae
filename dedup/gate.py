"""The corpus gate behind `dedup check`: does a scan's outcome breach the policy?

Plain values in (cluster records as `scan --format json` writes them, a document count, a Policy, and
optionally a baseline grouping), plain values out (an Outcome). A member of a cluster is a duplicate
that counts when its relation is one the policy counts and, given a baseline, when the baseline did not
already group it with the cluster's original: only new duplicates count.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .evaluate import load_grouping
from .verify import RELATIONS

_SEVERITY = {relation: rank for rank, relation in enumerate(RELATIONS)}  # exact is the worst kind
_RATE_SLACK = 1e-12  # 2 duplicates in 100 documents is at the limit 0.02, not over it by a rounding error


@dataclass(frozen=True)
class Policy:
    """What `check` allows. With no limit at all, any duplicate that counts breaches it."""

    max_duplicate_rate: float | None = None
    max_clusters: int | None = None
    relations: frozenset[str] = frozenset(RELATIONS)  # the kinds of duplicate that count


@dataclass(frozen=True)
class Offender:
    """A cluster holding duplicates that count: its record, and those members."""

    record: Mapping[str, Any]
    duplicates: tuple[Mapping[str, Any], ...]  # worst relation first, then in the record's order

    def sort_key(self) -> tuple[int, int, int]:
        return (-len(self.duplicates), _severity(self.duplicates[0]), self.record["cluster"])


@dataclass(frozen=True)
class Outcome:
    documents: int
    policy: Policy
    offenders: tuple[Offender, ...]  # worst first: most counted duplicates, then the worst relation
    breaches: tuple[str, ...]
    new_only: bool = False
    duplicates: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "duplicates", sum(len(o.duplicates) for o in self.offenders))

    @property
    def passed(self) -> bool:
        return not self.breaches

    @property
    def rate(self) -> float:
        return self.duplicates / self.documents if self.documents else 0.0

    def as_dict(self) -> dict[str, Any]:
        """The full report (`check --report`): figures, policy, breaches, and every offending cluster."""
        return {
            "passed": self.passed,
            "documents": self.documents,
            "duplicates": self.duplicates,
            "clusters": len(self.offenders),
            "rate": round(self.rate, 6),
            "new_only": self.new_only,
            "policy": {
                "max_duplicate_rate": self.policy.max_duplicate_rate,
                "max_clusters": self.policy.max_clusters,
                "relations": [r for r in RELATIONS if r in self.policy.relations],
            },
            "breaches": list(self.breaches),
            "offenders": [
                {**offender.record, "counted": [member["id"] for member in offender.duplicates]}
                for offender in self.offenders
            ],
        }


def check(
    records: Sequence[Mapping[str, Any]],
    documents: int,
    policy: Policy,
    known: Mapping[str, str] | None = None,
) -> Outcome:
    """Judge the clusters of a scan over `documents` documents; `known` is a baseline grouping
    (document id -> group label) whose duplicates no longer count."""
    offenders = []
    for record in records:
        counted = tuple(
            sorted(
                (
                    member
                    for member in record["members"]
                    if member["relation"] in policy.relations and not _known(member["id"], record["original"], known)
                ),
                key=_severity,
            )
        )
        if counted:
            offenders.append(Offender(record, counted))
    offenders.sort(key=Offender.sort_key)
    duplicates = sum(len(o.duplicates) for o in offenders)
    kind = "new duplicate" if known is not None else "duplicate"
    breaches = []
    if policy.max_duplicate_rate is not None:
        rate = duplicates / documents if documents else 0.0
        if rate > policy.max_duplicate_rate + _RATE_SLACK:
            breaches.append(
                f"{kind} rate {rate:.4g} ({_plural(duplicates, kind)} among {documents} documents), "
                f"over the limit {policy.max_duplicate_rate:g}"
            )
    if policy.max_clusters is not None and len(offenders) > policy.max_clusters:
        breaches.append(f"{_plural(len(offenders), 'cluster')} with {kind}s, over the limit {policy.max_clusters}")
    if policy.max_duplicate_rate is None and policy.max_clusters is None and duplicates:
        breaches.append(f"{_plural(duplicates, kind)} in {_plural(len(offenders), 'cluster')}; none allowed")
    return Outcome(documents, policy, tuple(offenders), tuple(breaches), new_only=known is not None)


def _severity(member: Mapping[str, Any]) -> int:
    return _SEVERITY.get(member["relation"], len(RELATIONS))


def _known(member: str, original: str, known: Mapping[str, str] | None) -> bool:
    if known is None:
        return False
    group = known.get(member)
    return group is not None and group == known.get(original)


def summary(outcome: Outcome, clusters: int = 10, members: int = 3) -> list[str]:
    """Lines for a CI log. Passed: one line. Breached: the breaches, then the worst `clusters`
    offenders with `members` ids each."""
    kind = "new duplicate" if outcome.new_only else "duplicate"
    if outcome.passed:
        return [
            f"check passed: {_plural(outcome.duplicates, kind)} among {outcome.documents} documents "
            f"(rate {outcome.rate:.4g})"
        ]
    lines = [f"check failed: {breach}" for breach in outcome.breaches]
    for offender in outcome.offenders[:clusters]:
        named = [f"{m['id']} ({m['relation']})" for m in offender.duplicates[:members]]
        more = len(offender.duplicates) - members
        if more > 0:
            named.append(f"and {more} more")
        lines.append(
            f"  cluster {offender.record['cluster']}: {_plural(len(offender.duplicates), kind)} "
            f"of {offender.record['original']}: {', '.join(named)}"
        )
    hidden = len(outcome.offenders) - clusters
    if hidden > 0:
        lines.append(f"  and {_plural(hidden, 'more cluster')}")
    return lines


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


class BaselineError(ValueError):
    pass


def load_baseline(path: Path) -> dict[str, str]:
    """The grouping in a baseline: `dedup scan --format json` (or jsonl) output, or an id,group CSV."""
    try:
        if not path.read_bytes().strip():
            raise BaselineError(f"baseline {path} is empty; make one with: dedup scan PATHS --format json > {path}")
        return load_grouping(path)
    except BaselineError:
        raise
    except OSError as problem:
        raise BaselineError(f"cannot read baseline {path}: {problem.strerror or problem}") from problem
    except (ValueError, KeyError, TypeError) as problem:
        detail = problem.msg if isinstance(problem, json.JSONDecodeError) else str(problem)
        raise BaselineError(f"baseline {path} is not dedup scan output: {detail}") from problem
