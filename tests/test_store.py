"""The document store and its spool: what goes in comes back, in this process and in forked workers."""

from __future__ import annotations

import itertools
import os

import numpy as np
import pytest

import dedup.store as store_module
from dedup.cluster import Cluster, Member
from dedup.document import Document
from dedup.parallel import ordered_map
from dedup.report import cluster_records, document_roles
from dedup.store import DocumentStore, Spool

DOCUMENTS = [
    Document("a", "First text, plain.", "2024-01-02", "A title", "https://example.com/a"),
    Document("b", "Zweiter Text: Über café ß, and a surrogate-free line.\n\nSecond paragraph.", None),
    Document("c", "", "2024-01-01"),
    Document("d", "Fourth " * 50, "2024-01-03", None, "https://example.com/d"),
]

_spool: Spool | None = None


def _read_back(index: int) -> bytes:
    assert _spool is not None
    return _spool[index]


def test_a_spooled_store_gives_back_every_document() -> None:
    held = DocumentStore.of(DOCUMENTS)
    spooled = DocumentStore.of(DOCUMENTS, spool_after_bytes=0)
    assert not held.spooled and spooled.spooled
    for store in (held, spooled):
        assert list(store) == DOCUMENTS
        assert [store.text(i) for i in range(len(store))] == [d.text for d in DOCUMENTS]
        for start in range(len(store) + 1):
            for end in range(start, len(store) + 1):
                data, offsets = store.encoded_between(start, end)
                texts = [data[a:b].decode() for a, b in itertools.pairwise(offsets.tolist())]
                assert texts == [d.text for d in DOCUMENTS[start:end]]
        assert [store.entry(i) for i in range(len(store))] == [
            Document(d.id, "", d.date, d.title, d.url) for d in DOCUMENTS
        ]
    spooled.close()


def test_reports_of_a_spooled_store_equal_those_of_the_documents() -> None:
    clusters = [
        Cluster(2, (Member(2, "original", {}), Member(0, "exact", {"jaccard": 1.0}), Member(3, "rewrite", {}, via=0)))
    ]
    spooled = DocumentStore.of(DOCUMENTS, spool_after_bytes=0)
    assert cluster_records(clusters, spooled) == cluster_records(clusters, DOCUMENTS)
    assert document_roles(clusters, spooled) == document_roles(clusters, DOCUMENTS)
    assert cluster_records(clusters, spooled)[0]["members"][1]["url"] == "https://example.com/a"
    spooled.close()


def test_spool_records_are_read_back_by_forked_workers() -> None:
    global _spool
    records = [b"", b"one", bytes(range(256)) * 3, "ü ß".encode()]
    _spool = Spool()
    try:
        for record in records:
            _spool.append(record)
        _spool.flush()
        assert len(_spool) == len(records)
        assert list(ordered_map(_read_back, range(len(records)), jobs=2)) == records
    finally:
        _spool.close()
        _spool = None


def _split(data: bytes, offsets: np.ndarray) -> list[bytes]:
    return [data[a:b] for a, b in itertools.pairwise(offsets.tolist())]


def test_spool_writes_blocks_and_reads_back_what_is_not_written_yet(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_module, "SPOOL_BLOCK_BYTES", 10)
    records = [bytes([n]) * n for n in range(30)]
    spool = Spool()
    try:
        for n, record in enumerate(records):
            spool.append(record)
            assert spool[n] == record  # the newest record, maybe still in memory
            assert _split(*spool.joined(max(0, n - 2), n + 1)) == records[max(0, n - 2) : n + 1]
            assert spool[n // 2] == records[n // 2]
        assert [spool[n] for n in range(len(records))] == records
        assert _split(*spool.joined(3, 30)) == records[3:30] and _split(*spool.joined(5, 5)) == []
        assert os.fstat(spool._handle).st_size == sum(map(len, records))  # type: ignore[arg-type]
    finally:
        spool.close()


@pytest.mark.parametrize("spool_after_bytes", [0, 10**9])
def test_a_store_gives_its_texts_back_in_utf8_end_to_end(spool_after_bytes: int) -> None:
    documents = [*DOCUMENTS, Document("e", "lone \ud800 surrogate"), *DOCUMENTS]
    store = DocumentStore.of(documents, spool_after_bytes=spool_after_bytes)
    try:
        assert store.spooled == (spool_after_bytes == 0)
        encoded = [document.text.encode("utf-8", errors="surrogatepass") for document in documents]
        for start, end in [(0, len(documents)), (2, 5), (3, 3), (4, 5)]:
            data, offsets = store.encoded_between(start, end)
            assert [data[a:b] for a, b in itertools.pairwise(offsets.tolist())] == encoded[start:end]
        for indices in ([8, 0, 4, 4], [], [2]):
            data, offsets = store.encoded(indices)
            assert [data[a:b] for a, b in itertools.pairwise(offsets.tolist())] == [encoded[i] for i in indices]
    finally:
        store.close()


@pytest.mark.parametrize("spool_after_bytes", [0, 100, 10**9])
def test_a_store_of_blocks_is_the_store_of_their_documents(spool_after_bytes: int) -> None:
    from dedup.reading import _blocks

    documents = [
        Document(f"d{n}", f"Text {n} é \ud800 {'x' * n}", f"2024-01-{1 + n:02d}", "T" if n % 2 else None)
        for n in range(30)
    ]
    blocks = list(_blocks(lambda sink: iter(documents), size=7))
    assert len(blocks) == 5
    store = DocumentStore.of_blocks(iter(blocks), spool_after_bytes=spool_after_bytes)
    assert store.spooled == (spool_after_bytes < 10**9)
    assert list(store) == documents
    assert [store.text(i) for i in range(30)] == [d.text for d in documents]
    assert list(store.lengths) == [len(d.text) for d in documents]
    store.close()


def _slow_square(n: int) -> int:
    import time

    time.sleep(0.002 * (n % 3))  # later items finish first
    return n * n


@pytest.mark.parametrize("threads", [False, True])
def test_ordered_map_keeps_input_order_on_processes_and_threads(threads: bool) -> None:
    items = list(range(12))
    assert list(ordered_map(_slow_square, items, 2, threads=threads)) == [n * n for n in items]
    assert list(ordered_map(_slow_square, items, 2, ahead=3)) == [n * n for n in items]


def _write_chunk(chunk: list[bytes]) -> tuple[int, list[int]]:
    assert _spool is not None
    return _spool.write_shared(b"".join(chunk)), [len(record) for record in chunk]


@pytest.mark.parametrize("jobs", [1, 2])
def test_forked_workers_write_records_that_the_spool_takes_on(jobs: int) -> None:
    global _spool
    chunks = [[bytes([n]) * n for n in range(start, start + 5)] for start in range(0, 40, 5)]
    _spool = Spool()
    try:
        _spool.append(b"first")
        _spool.share()
        for offset, sizes in ordered_map(_write_chunk, chunks, jobs):
            _spool.adopt(offset, sizes)
        expected = [b"first", *(record for chunk in chunks for record in chunk)]
        assert [_spool[i] for i in range(len(expected))] == expected
        assert list(ordered_map(_read_back, range(len(expected)), jobs=2)) == expected
        _spool.map()  # as a scan does before its verifiers fork: records come from the mapped file
        assert _spool._map is not None
        assert list(ordered_map(_read_back_and_release, range(len(expected)), jobs=2)) == expected
        assert [_spool[i] for i in reversed(range(len(expected)))] == expected[::-1]
        with pytest.raises(AssertionError, match="mapped"):
            _spool.append(b"late")
    finally:
        _spool.close()
        _spool = None


def _read_back_and_release(index: int) -> bytes:
    assert _spool is not None
    record = _spool[index]
    _spool.release()  # the pages go; the next read brings them back
    return record + _spool[index][:0]


def test_an_empty_spool_maps_to_nothing() -> None:
    spool = Spool()
    try:
        spool.map()
        spool.release()
        assert len(spool) == 0 and spool._map is None
        assert spool.mapped(np.int64).size == 0 and spool.offsets().size == 0
    finally:
        spool.close()
