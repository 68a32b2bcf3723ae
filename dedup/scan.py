"""The scan pipeline on plain values: documents in, clusters out. The CLI only wires options to it.

Stages: chrome (paragraph keys); fingerprint (copy signatures and hashed term sets, then the run's common
terms, then rewrite signatures over the distinctive ones, all as LSH band keys); candidates (banding, then
a screen on the term sets that rules out pairs which cannot pass); verify (each paired article's
evidence made once and spooled, then exact measures per pair); cluster.
The text-heavy stages run in chunks on `jobs` workers: processes, or threads where the work is compiled
code that lets go of the interpreter lock (the fingerprint passes, the rewrite signatures). Every chunk's
result depends on its own documents only and comes back in order, so the output is the same byte for byte
whatever `jobs` is.
Texts are read from the document store when a stage needs them.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from functools import lru_cache, partial
from typing import Protocol

import numpy as np

from .boilerplate import find_boilerplate
from .candidates import (
    COPY_BANDING,
    EXACT,
    REWRITE_BANDING,
    Candidates,
    PairFilter,
    band_keys,
    band_pairs,
    find_candidates,
)
from .cluster import Cluster, build_clusters, keep_order
from .content import TextBatch
from .document import Document
from .evidence import Evidence, aligned_records, evidence_records_of, normalized_of_record
from .fingerprint import (
    MIN_DISTINCTIVE_TERMS,
    HashSets,
    Signatures,
    common_terms_of_counts,
    in_sorted,
    rewrite_signatures,
    signatures_and_paragraphs_of,
    signatures_of,
    term_counts,
)
from .hashing import breadth_first_order, pair_measures, prepare_compiler
from .parallel import ordered_map
from .stats import peak_rss_mb
from .store import DocumentStore, Spool
from .verify import (
    Thresholds,
    Verdict,
    accepted_verdict,
    classify,
    ratio,
    scores_of,
    screen,
    screen_scores,
    screened,
    verdict_of,
    verify_pair,
    within_budget,
)

DOCUMENT_CHUNK = 1000  # documents per unit of work: amortises process hand-offs, keeps progress even
PAIR_CHUNK = 4000  # candidate pairs per unit of verification work: small enough to share out evenly
EVIDENCE_CACHE = 8192  # decoded evidence a verifier keeps; pairs come in an order that reuses it


@dataclass(frozen=True)
class ScanOptions:
    keep: str = "earliest"
    policy: Thresholds = field(default_factory=Thresholds)
    jobs: int | None = None  # processes for the text-heavy stages; None: every core


@dataclass
class ScanResult:
    documents: Sequence[Document]
    clusters: list[Cluster]
    candidates: int = 0  # LSH pairs that passed the screen and each channel's verification budget
    verified: int = 0  # of those, the pairs verified exactly (within the budget of both channels together)
    accepted: int = 0  # verified pairs found to be duplicates
    boilerplate: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    peak_rss_mb: dict[str, float] = field(default_factory=dict)  # high-water mark at the end of each stage

    @property
    def duplicates(self) -> int:
        """Documents that are a non-original member of some cluster."""
        return sum(len(c.members) - 1 for c in self.clusters)


class StageProgress(Protocol):
    """What the pipeline needs of a progress display: one context per stage, advanced per item."""

    def stage(self, name: str, total: int, unit: str = "items") -> AbstractContextManager[Callable[[int], None]]: ...


class NoProgress:
    def stage(self, name: str, total: int, unit: str = "items") -> AbstractContextManager[Callable[[int], None]]:
        return nullcontext(lambda step: None)


@dataclass(frozen=True)
class _Run:
    """What workers need; set before each stage's processes fork, so they share it without pickling."""

    store: DocumentStore
    chrome: frozenset[int] = frozenset()
    policy: Thresholds = field(default_factory=Thresholds)
    terms: HashSets | None = None
    common: np.ndarray | None = None  # the run's common terms (sorted hashes)
    bigrams: HashSets | None = None
    rank: np.ndarray | None = None  # each document's place in the keep order
    evidence: Spool | None = None  # the verify stage's evidence records (evidence.py)
    evidence_slots: np.ndarray | None = None  # each document's record in it, -1 for none
    records: _Records | None = None  # the evidence spool, mapped, as pair_measures reads it


@dataclass(frozen=True)
class _Records:
    """The evidence spool mapped three ways (hashing.pair_measures), and where each record begins in its
    int64 words."""

    words: np.ndarray
    weights: np.ndarray
    data: np.ndarray
    starts: np.ndarray

    @classmethod
    def of(cls, spool: Spool) -> _Records:
        return cls(spool.mapped(np.int64), spool.mapped(np.float64), spool.mapped(np.uint8), spool.offsets() // 8)


_run: _Run | None = None


def _current() -> _Run:
    assert _run is not None, "a stage ran outside scan()"
    return _run


@lru_cache(maxsize=EVIDENCE_CACHE)
def _evidence(index: int) -> Evidence:
    run = _current()
    if run.evidence is not None and run.evidence_slots is not None and run.evidence_slots[index] >= 0:
        return Evidence.from_bytes(run.evidence[int(run.evidence_slots[index])])
    return _evidence_of(index)


def _evidence_of(index: int) -> Evidence:
    run = _current()
    return Evidence.of_text(run.store.text(index), run.chrome)


def _evidence_chunk(indices: np.ndarray) -> tuple[int, list[int]]:
    """The evidence records of some articles, written to the run's evidence spool (Spool.write_shared):
    where they begin, and the size of each."""
    run = _current()
    assert run.evidence is not None
    data, sizes = aligned_records(
        *evidence_records_of(TextBatch.of_utf8(*run.store.encoded(indices.tolist())), run.chrome)
    )
    return run.evidence.write_shared(data), sizes


def _fingerprint_chunk(
    bounds: tuple[int, int],
) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], np.ndarray, Signatures, tuple[np.ndarray, np.ndarray]]:
    """Every paragraph's (document, chrome key, words), then copy band keys, the signatures less their copy
    rows, and the chunk's term counts (the run's common terms are counted from these: sorting them all in
    this process took seconds at a million), all with no chrome left out: the run's chrome is known only
    once every article is split, and the few articles that carry some are fingerprinted again then
    (_chrome_chunk). A pass of its own to find the chrome first read and split every article twice."""
    batch, (documents, keys, words) = signatures_and_paragraphs_of(
        TextBatch.of_utf8(*_current().store.encoded_between(*bounds))
    )
    copy_keys = band_keys(batch.copy, COPY_BANDING)
    without_copy = replace(batch, copy=np.empty((0, 0), dtype=np.uint32))
    return (documents + bounds[0], keys, words), copy_keys, without_copy, term_counts(batch.terms)


def _chrome_chunk(indices: np.ndarray) -> tuple[np.ndarray, Signatures]:
    """_fingerprint_chunk's band keys and signatures of some articles that carry chrome, with it left out."""
    run = _current()
    batch = signatures_of(TextBatch.of_utf8(*run.store.encoded(indices.tolist())), run.chrome)
    return band_keys(batch.copy, COPY_BANDING), replace(batch, copy=np.empty((0, 0), dtype=np.uint32))


def _rewrite_chunk(bounds: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Rewrite band keys and distinctive-term counts of a chunk of documents (the signature rows are
    dropped at once: a million documents' rows would take 1.5 GB)."""
    run = _current()
    assert run.terms is not None and run.common is not None
    rows, distinctive = rewrite_signatures(run.terms.slice(*bounds), run.common)
    return band_keys(rows, REWRITE_BANDING), distinctive


# Pairs found by banding, as codes (first * n + second, sorted, distinct) and their screen scores.
ScoredPairs = tuple[np.ndarray, np.ndarray]

# One channel's band keys and index mask while its bands are banded on the workers.
_banding: tuple[np.ndarray, np.ndarray] | None = None
BAND_CHUNK = 8  # bands per unit of work
# The pairs this process has seen pass the screen in the channel's chunks so far (codes, sorted).
_passed: np.ndarray = np.empty(0, dtype=np.int64)


def _band_chunk(bounds: tuple[int, int]) -> ScoredPairs:
    """The screened pairs of a few bands (candidates.band_pairs, then verify.screened), within the budget,
    with their screen scores: computed once per pair, then carried. Similar documents share a key in
    many bands, so the chunk's pairs are made distinct before the screen: a third fewer to screen."""
    assert _banding is not None, "banding ran outside scan()"
    keys, members = _banding
    run = _current()
    assert run.terms is not None and run.bigrams is not None and run.rank is not None
    found = [first * len(keys) + second for first, second in band_pairs(keys[:, bounds[0] : bounds[1]], members)]
    codes = np.concatenate([np.empty(0, dtype=np.int64), *found])
    del found  # a worker holds every pair of its chunk's bands here: keep one copy of them, not two
    # Each pair where it was first found: a bucket's pairs stay together, so the screen reads the same
    # few documents' sets while it scores them (sorted by pair, the 1M stage took half as long again).
    codes = codes[np.sort(np.unique(codes, return_index=True)[1])]
    # A pair this process has seen pass in an earlier chunk is in that chunk's part already, if its
    # budget kept it, and the union's budget cannot keep it otherwise (within_budget). Similar documents
    # share keys in most bands: they made two thirds of the screen's passing pairs again and again.
    global _passed
    codes = codes[~in_sorted(codes, _passed)]
    first, second = np.divmod(codes, len(keys))
    passes, scores = screened(first, second, run.terms, run.bigrams, run.policy)
    # Two sorted runs, none of these in _passed already: a stable sort (timsort) merges them.
    _passed = np.sort(np.concatenate([_passed, np.sort(codes[passes])]), kind="stable")
    return _budgeted(_union([(codes[passes], scores[passes])]), run.rank)


def _budgeted(pairs: ScoredPairs, rank: np.ndarray) -> ScoredPairs:
    """The pairs within the verification budget (verify.within_budget), scores carried along: they are
    computed once per pair found, not again each time a union is budgeted."""
    codes, scores = pairs
    kept = within_budget(*np.divmod(codes, len(rank)), scores, rank)
    return codes[kept], scores[kept]


def _union(parts: Sequence[ScoredPairs]) -> ScoredPairs:
    """The distinct pairs of several parts, sorted. Parts that are sorted already (the budgeted unions)
    cost little more than a merge: a stable sort finds runs (timsort)."""
    codes = np.concatenate([codes for codes, _ in parts])
    scores = np.concatenate([scores for _, scores in parts])
    order = np.argsort(codes, kind="stable")
    codes, scores = codes[order], scores[order]
    distinct = np.ones(codes.size, dtype=bool)
    distinct[1:] = codes[1:] != codes[:-1]
    return codes[distinct], scores[distinct]


def _candidates(
    copy_keys: np.ndarray,
    rewrite_keys: np.ndarray,
    exact: np.ndarray,
    rewrite_members: np.ndarray,
    terms: HashSets,
    bigrams: HashSets,
    rank: np.ndarray,
    policy: Thresholds,
    tracked: Callable[..., Iterator],
) -> tuple[Candidates, Candidates]:
    """The screened candidates of both channels (each within its budget), and those within the budget of
    both together: the pairs to verify."""
    budget = partial(_budgeted, rank=rank)

    def parallel_bucket_pairs(keys: np.ndarray, members: np.ndarray, keep: PairFilter | None) -> np.ndarray:
        """One channel's screened pairs within the budget, its bands shared out among the workers: what
        bucket_pairs gives with `keep` (verify.screen, which the workers run as verify.screened to keep
        the scores), then the budget. The budget is taken per few bands and again over their union as it
        grows (the same answer as once over every pair, see within_budget), so a run never holds every
        screened pair."""
        global _banding, _passed
        assert keep is not None, "scan always screens"
        _banding = (keys, members)
        _passed = np.empty(0, dtype=np.int64)
        merged: ScoredPairs = (np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float64))
        pending: list[ScoredPairs] = []
        pending_size = 0
        try:
            band_chunks = _chunks(keys.shape[1], BAND_CHUNK)
            sizes = [end - start for start, end in band_chunks]
            for part in tracked("candidates", _band_chunk, band_chunks, sizes, "bands"):
                pending.append(part)
                pending_size += part[0].size
                # Amortised, as in bucket_pairs: merging and budgeting millions of pairs after every chunk
                # kept this process busier than the workers.
                if pending_size > max(merged[0].size, 1 << 20):
                    merged = budget(_union([merged, *pending]))
                    pending, pending_size = [], 0
            merged = budget(_union([merged, *pending]))
        finally:
            _banding, _passed = None, np.empty(0, dtype=np.int64)
        return merged[0]

    candidates = find_candidates(
        copy_keys,
        rewrite_keys,
        exact,
        rewrite_members,
        keep=partial(screen, terms=terms, bigrams=bigrams, policy=policy),
        index=parallel_bucket_pairs,
    )
    # Exact copies are always verified, and take no place in the budget (they are not LSH pairs).
    verified = (candidates.channels & EXACT) > 0
    lsh = np.flatnonzero(~verified)
    first, second = candidates.first[lsh], candidates.second[lsh]
    verified[lsh] = within_budget(first, second, screen_scores(first, second, terms, bigrams), rank)
    return candidates, candidates.subset(verified)


def _verify_chunk(pairs: tuple[np.ndarray, np.ndarray]) -> list[Verdict]:
    """The accepted verdicts of a chunk of candidates (rejections are dropped: there are many). The pairs
    are counted in one compiled call, reading the mapped evidence records where they lie
    (hashing.pair_measures): an Evidence made of each record, and a compiled call per pair, took half of
    verification's time. A pair whose sentence coverage numpy must decide takes verify_pair's way."""
    run = _current()
    assert run.records is not None and run.evidence is not None and run.evidence_slots is not None
    records, slots, policy = run.records, run.evidence_slots, run.policy
    first, second = pairs
    counts, coverage, same_text = pair_measures(
        records.words, records.weights, records.data, records.starts, slots[first], slots[second]
    )
    verdicts = []
    for a, b, row, covered, same in zip(
        first.tolist(), second.tolist(), counts.tolist(), coverage.tolist(), same_text.tolist(), strict=True
    ):
        if math.isnan(covered):
            verdict = accepted_verdict(a, b, _evidence(a), _evidence(b), policy)
        else:
            scores = scores_of(row, covered, policy)
            relation = classify(same, min(row[3], row[4]), scores, policy)
            verdict = None if relation is None else verdict_of(a, b, relation, scores, partial(_ratio_of, a, b))
        if verdict is not None:
            verdicts.append(verdict)
    run.evidence.release()
    return verdicts


def _ratio_of(first: int, second: int) -> float:
    run = _current()
    assert run.evidence is not None and run.evidence_slots is not None
    texts = (normalized_of_record(run.evidence[int(run.evidence_slots[index])]) for index in (first, second))
    return ratio(*texts)


def _verification_order(first: np.ndarray, second: np.ndarray, documents: int) -> np.ndarray:
    """An order of the pairs in which each verifier's cache of extracted articles serves most of them.

    Extracting an article costs four times as much as scoring a pair, and pairs sorted by their first
    article fetch the second from anywhere in the run. Numbering the articles breadth first over the
    pairs (hashing.breadth_first_order: linked articles get near numbers) and taking pairs by their lower
    number walks the graph a neighbourhood at a time, so most pairs find both articles in the cache. It
    depends on the pairs alone, never on `jobs`. (scipy's reverse Cuthill-McKee did this before; importing
    scipy took a tenth of a second of every run's start.)"""
    ends = np.concatenate([first, second])
    others = np.concatenate([second, first])
    by_end = np.argsort(ends, kind="stable")
    starts = np.zeros(documents + 1, dtype=np.int64)
    np.cumsum(np.bincount(ends, minlength=documents), out=starts[1:])
    numbering = np.empty(documents, dtype=np.int64)
    numbering[breadth_first_order(starts, others[by_end].astype(np.int64))] = np.arange(documents)
    low = np.minimum(numbering[first], numbering[second])
    high = np.maximum(numbering[first], numbering[second])
    return np.lexsort((high, low))


def _verdicts(pairs: Sequence[tuple[int, int]]) -> list[Verdict]:
    """Every verdict of a chunk of pairs, rejections included (clustering's missing pairs ask for each)."""
    policy = _current().policy
    return [verify_pair(first, second, _evidence(first), _evidence(second), policy) for first, second in pairs]


def _chunks(total: int, size: int) -> list[tuple[int, int]]:
    return [(start, min(start + size, total)) for start in range(0, total, size)]


def scan(
    documents: Iterable[Document] | DocumentStore,
    options: ScanOptions | None = None,
    progress: StageProgress | None = None,
) -> ScanResult:
    """Cluster `documents`: chrome, fingerprints, LSH candidates, verification, star clusters."""
    global _run
    options = options or ScanOptions()
    progress = progress or NoProgress()
    store = documents if isinstance(documents, DocumentStore) else DocumentStore.of(documents)
    n = len(store)
    if n == 0:
        return ScanResult(documents=store, clusters=[])
    seconds: dict[str, float] = {}
    memory: dict[str, float] = {}

    def finished(stage: str, started: float) -> None:
        seconds[stage] = time.perf_counter() - started
        memory[stage] = peak_rss_mb()

    def tracked(
        stage: str,
        function: Callable,
        chunks: Sequence,
        sizes: Sequence[int],
        unit: str = "documents",
        threads: bool = False,
    ) -> Iterator:
        with progress.stage(stage, sum(sizes), unit) as advance:
            results = ordered_map(function, chunks, options.jobs, threads=threads)
            for result, size in zip(results, sizes, strict=True):
                advance(size)
                yield result

    evidence: Spool | None = None
    document_chunks = _chunks(n, DOCUMENT_CHUNK)
    chunk_sizes = [end - start for start, end in document_chunks]
    try:
        started = time.perf_counter()
        prepare_compiler()  # before any stage forks its workers
        _run = _Run(store)
        parts = list(tracked("fingerprint", _fingerprint_chunk, document_chunks, chunk_sizes, threads=True))
        paragraphs = [np.concatenate([part[0][k] for part in parts]) for k in range(3)]
        copy_keys = np.concatenate([keys for _, keys, _, _ in parts])
        exact = np.concatenate([batch.exact for _, _, batch, _ in parts])
        terms = HashSets.join([batch.terms for _, _, batch, _ in parts])
        bigrams = HashSets.join([batch.bigrams for _, _, batch, _ in parts])
        counts = [part_counts for _, _, _, part_counts in parts]
        del parts
        fingerprinted = time.perf_counter()

        chrome = find_boilerplate(*paragraphs)
        documents, keys, _ = paragraphs
        carriers = np.unique(documents[in_sorted(keys, np.array(sorted(chrome), dtype=np.int64))])
        del paragraphs, documents, keys
        if carriers.size:
            # Fingerprinted again with the chrome left out, and their terms counted anew: the old ones
            # come off the counts, the new ones go on.
            _run = _Run(store, chrome, options.policy)
            # Smaller chunks: a few thousand carriers in chunks of a thousand kept one worker idle at the end.
            # On threads, as the fingerprint pass: the same kernels, and no workers to fork for them.
            carrier_chunks = [carriers[start:end] for start, end in _chunks(carriers.size, DOCUMENT_CHUNK // 4)]
            parts = list(
                tracked("chrome", _chrome_chunk, carrier_chunks, [len(chunk) for chunk in carrier_chunks], threads=True)
            )
            copy_keys[carriers] = np.concatenate([keys for keys, _ in parts])
            exact[carriers] = np.concatenate([batch.exact for _, batch in parts])
            redone = HashSets.join([batch.terms for _, batch in parts])
            old_values, old_counts = term_counts(terms.take(carriers))
            counts += [(old_values, -old_counts), term_counts(redone)]
            terms = terms.spliced(carriers, redone)
            bigrams = bigrams.spliced(carriers, HashSets.join([batch.bigrams for _, batch in parts]))
            del parts, redone
        common = common_terms_of_counts(counts, n)
        del counts
        finished("boilerplate", fingerprinted)

        started = time.perf_counter() - (fingerprinted - started)  # the stage's two passes, chrome left out
        _run = _Run(store, chrome, options.policy, terms, common)
        # On threads: the work is a compiled kernel and numpy, and its result (128 band keys a document)
        # would cost more to send back from processes than to make.
        parts = list(tracked("rewrite", _rewrite_chunk, document_chunks, chunk_sizes, threads=True))
        rewrite_keys = np.concatenate([keys for keys, _ in parts])
        distinctive = np.concatenate([counts for _, counts in parts])
        del parts
        finished("fingerprint", started)

        started = time.perf_counter()
        rewrite_members = (terms.sizes() >= options.policy.min_terms) & (distinctive >= MIN_DISTINCTIVE_TERMS)
        rank = np.empty(n, dtype=np.int64)
        best_first = keep_order(store.dates, store.lengths, options.keep)
        rank[best_first] = np.arange(n)
        policy = options.policy
        _run = replace(_run, bigrams=bigrams, rank=rank)

        candidates, kept = _candidates(
            copy_keys, rewrite_keys, exact, rewrite_members, terms, bigrams, rank, policy, tracked
        )
        del copy_keys, rewrite_keys, terms, bigrams
        _run = _Run(store, chrome, options.policy)
        finished("candidates", started)

        started = time.perf_counter()
        # Each article's evidence is made once, in document order, and spooled for the verifiers.
        evidence = Spool("dedup-evidence-")
        evidence.share()  # the workers write their records themselves: a run's evidence is ~100 MB at 100k
        _run = replace(_run, evidence=evidence)
        paired = np.unique(np.concatenate([kept.first, kept.second]))
        slots = np.full(n, -1, dtype=np.int64)
        slots[paired] = np.arange(paired.size)
        paired_chunks = [paired[start:end] for start, end in _chunks(paired.size, DOCUMENT_CHUNK)]
        for offset, sizes in tracked("evidence", _evidence_chunk, paired_chunks, [len(c) for c in paired_chunks]):
            evidence.adopt(offset, sizes)
        evidence.map()
        _run = _Run(
            store, chrome, options.policy, evidence=evidence, evidence_slots=slots, records=_Records.of(evidence)
        )
        _evidence.cache_clear()
        order = _verification_order(kept.first, kept.second, n)
        pair_chunks = [
            (kept.first[order[start:end]], kept.second[order[start:end]])
            for start, end in _chunks(len(kept), PAIR_CHUNK)
        ]
        verdicts: list[Verdict] = []
        for accepted in tracked("verify", _verify_chunk, pair_chunks, [len(c[0]) for c in pair_chunks], "pairs"):
            verdicts += accepted
        verdicts.sort(key=lambda verdict: (verdict.first, verdict.second))  # the order clustering has always seen
        finished("verify", started)

        started = time.perf_counter()
        clusters = build_clusters(
            verdicts,
            store.dates,
            store.lengths,
            options.keep,
            rescore=lambda pairs: [
                verdict
                for chunk in ordered_map(
                    _verdicts, [pairs[start:end] for start, end in _chunks(len(pairs), PAIR_CHUNK)], options.jobs
                )
                for verdict in chunk
            ],
            order=best_first,
        )
        finished("cluster", started)
    finally:
        _run = None
        _evidence.cache_clear()
        if evidence is not None:
            evidence.close()
    return ScanResult(
        documents=store,
        clusters=clusters,
        candidates=len(candidates),
        verified=len(kept),
        accepted=len(verdicts),
        boilerplate=len(chrome),
        seconds=seconds,
        peak_rss_mb=memory,
    )
