"""The scan pipeline on plain values: documents in, clusters out. The CLI only wires options to it."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol

from .boilerplate import find_boilerplate, paragraph_keys
from .candidates import COPY_THRESHOLD, REWRITE_THRESHOLD, Candidate, find_candidates
from .cluster import Cluster, build_clusters
from .content import Content, extract_content
from .document import Document
from .fingerprint import NUM_PERM, Fingerprint, fingerprint_batch
from .stats import peak_rss_mb
from .verify import Thresholds, Verdict, verify, verify_pair


@dataclass(frozen=True)
class ScanOptions:
    keep: str = "earliest"
    copy_threshold: float = COPY_THRESHOLD
    rewrite_threshold: float = REWRITE_THRESHOLD
    num_perm: int = NUM_PERM
    policy: Thresholds = field(default_factory=Thresholds)
    jobs: int | None = None  # processes for fingerprinting; None: every core


@dataclass
class ScanResult:
    documents: Sequence[Document]
    clusters: list[Cluster]
    candidates: int = 0
    verified: int = 0
    boilerplate: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    peak_rss_mb: dict[str, float] = field(default_factory=dict)  # high-water mark at the end of each stage

    @property
    def duplicates(self) -> int:
        """Documents that are a non-original member of some cluster."""
        return sum(len(c.members) - 1 for c in self.clusters)


class StageProgress(Protocol):
    """What the pipeline needs of a progress display: one context per stage, advanced per item."""

    def stage(self, name: str, total: int) -> AbstractContextManager[Callable[[int], None]]: ...


class NoProgress:
    def stage(self, name: str, total: int) -> AbstractContextManager[Callable[[int], None]]:
        return nullcontext(lambda step: None)


def _tracked(items: Sequence, name: str, progress: StageProgress) -> Iterator:
    with progress.stage(name, len(items)) as advance:
        for item in items:
            yield item
            advance(1)


def scan(
    documents: Sequence[Document], options: ScanOptions | None = None, progress: StageProgress | None = None
) -> ScanResult:
    """Cluster `documents`: chrome, fingerprints, LSH candidates, verification, star clusters."""
    options = options or ScanOptions()
    progress = progress or NoProgress()
    seconds: dict[str, float] = {}
    peak_memory: dict[str, float] = {}
    started = time.perf_counter()
    keys = [paragraph_keys(d.text) for d in _tracked(documents, "boilerplate", progress)]
    chrome = find_boilerplate(keys)
    del keys
    seconds["boilerplate"] = time.perf_counter() - started
    peak_memory["boilerplate"] = peak_rss_mb()

    @lru_cache(maxsize=4096)
    def content(index: int) -> Content:
        return extract_content(documents[index].text, chrome)

    started = time.perf_counter()
    with progress.stage("fingerprint", len(documents)) as advance:
        texts = [d.text for d in documents]
        fingerprints: list[Fingerprint] = fingerprint_batch(texts, chrome, options.num_perm, options.jobs, advance)
    seconds["fingerprint"] = time.perf_counter() - started
    peak_memory["fingerprint"] = peak_rss_mb()

    started = time.perf_counter()
    candidates: list[Candidate] = find_candidates(
        fingerprints, options.copy_threshold, options.rewrite_threshold, options.num_perm
    )
    del fingerprints
    seconds["candidates"] = time.perf_counter() - started
    peak_memory["candidates"] = peak_rss_mb()

    started = time.perf_counter()
    verdicts: list[Verdict] = verify(list(_tracked(candidates, "verify", progress)), content, options.policy)
    seconds["verify"] = time.perf_counter() - started
    peak_memory["verify"] = peak_rss_mb()

    started = time.perf_counter()
    clusters = build_clusters(
        verdicts,
        documents,
        options.keep,
        rescore=lambda a, b: verify_pair(a, b, content(a), content(b), options.policy),
    )
    seconds["cluster"] = time.perf_counter() - started
    peak_memory["cluster"] = peak_rss_mb()
    return ScanResult(
        documents=documents,
        clusters=clusters,
        candidates=len(candidates),
        verified=sum(v.accepted for v in verdicts),
        boilerplate=len(chrome),
        seconds=seconds,
        peak_rss_mb=peak_memory,
    )
