"""Documents by index for one run: metadata in memory, texts in memory or, once they outgrow it, in a
temporary spool file that any stage (or worker process) re-reads by offset.

A million articles are ~2.5 GB of text; a run holds only what it is working on. The spool is written once
while reading, deleted when the store closes, and never touches the inputs.
"""

from __future__ import annotations

import contextlib
import itertools
import mmap
import multiprocessing
import os
import tempfile
from array import array
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, overload

import numpy as np

from .document import Document

if TYPE_CHECKING:
    from .reading import DocumentBlock

SPOOL_AFTER_BYTES = 64 * 1024 * 1024  # texts beyond this many bytes go to the spool file
SPOOL_BLOCK_BYTES = 1024 * 1024  # records gathered before one write: a system call per record cost more


class Spool:
    """Byte records by index in a temporary file, appended by this process and read back by offset from
    it or any worker it forks (`flush` first: records are written a block at a time). The file is unlinked
    at once: it lives as long as its descriptor, so nothing is left behind after a crash."""

    def __init__(self, prefix: str = "dedup-spool-") -> None:
        handle, path = tempfile.mkstemp(prefix=prefix)
        os.unlink(path)
        self._handle: int | None = handle
        self._offsets = array("q")
        self._sizes = array("q")
        self._end = 0
        self._pending: list[bytes] = []  # records not yet written, from offset self._written
        self._written = 0
        self._shared_end: Any = None  # the end of the file's records, for forked writers (share)
        self._map: mmap.mmap | None = None  # the file, once every record is in (map)

    def append(self, data: bytes) -> None:
        assert self._handle is not None and self._map is None, "the spool is closed or mapped"
        self._offsets.append(self._end)
        self._sizes.append(len(data))
        self._end += len(data)
        self._pending.append(data)
        if self._end - self._written >= SPOOL_BLOCK_BYTES:
            self.flush()

    def extend(self, data: bytes, sizes: Sequence[int]) -> None:
        """Append records given end to end in `data`, record i `sizes[i]` bytes long."""
        assert self._handle is not None and self._map is None, "the spool is closed or mapped"
        for size in sizes:
            self._offsets.append(self._end)
            self._end += size
        self._sizes.extend(sizes)
        assert self._end - self._written - sum(map(len, self._pending)) == len(data), "sizes do not add up"
        self._pending.append(data)
        if self._end - self._written >= SPOOL_BLOCK_BYTES:
            self.flush()

    def share(self) -> None:
        """Let processes forked after this call write records themselves (`write_shared`), which this one
        then takes on (`adopt`): their bytes never cross a pipe."""
        self.flush()
        self._shared_end = multiprocessing.get_context("fork").Value("q", self._end)

    def write_shared(self, data: bytes) -> int:
        """In a forked process: write records given end to end in `data` past every record so far; where
        they begin. The space is claimed under a lock, the write needs none."""
        assert self._handle is not None and self._shared_end is not None, "the spool is not shared"
        with self._shared_end.get_lock():
            offset = int(self._shared_end.value)
            self._shared_end.value = offset + len(data)
        _write_all(self._handle, memoryview(data), offset)
        return offset

    def adopt(self, offset: int, sizes: Sequence[int]) -> None:
        """Take on records a forked process wrote at `offset` (write_shared), one after another."""
        assert self._shared_end is not None and not self._pending, "the spool is not shared"
        self._offsets.extend(itertools.accumulate(sizes[:-1], initial=offset) if sizes else ())
        self._sizes.extend(sizes)
        self._end = self._written = max(self._end, int(self._shared_end.value))

    def flush(self) -> None:
        """Write the records appended since the last flush."""
        assert self._handle is not None, "the spool is closed"
        block = b"".join(self._pending)
        self._pending = []
        _write_all(self._handle, memoryview(block), self._written)
        self._written += len(block)

    def map(self) -> None:
        """Read records from a memory map of the file from now on, in this process and those it forks
        later; no record may be added after. Verifiers read back a record per article, and a system call
        for each took a fifth of their time."""
        self.flush()
        if self._end and self._map is None:
            assert self._handle is not None
            self._map = mmap.mmap(self._handle, self._end, prot=mmap.PROT_READ)

    def mapped(self, dtype: type) -> np.ndarray:
        """The mapped file (map) as a read-only array of `dtype`: its records read where they lie."""
        if self._map is None:
            assert self._end == 0, "the spool is not mapped"
            return np.empty(0, dtype=dtype)  # an empty file cannot be mapped
        return np.frombuffer(self._map, dtype=dtype)

    def offsets(self) -> np.ndarray:
        """Where each record begins in the file."""
        return np.frombuffer(self._offsets, dtype=np.int64).copy()

    def release(self) -> None:
        """Let go of the mapped pages this process has read: they stay in the page cache, and come back
        when read again. A verifier reads most of a large run's evidence, its resident size grew by it."""
        if self._map is not None:
            self._map.madvise(mmap.MADV_DONTNEED)

    def __getitem__(self, index: int) -> bytes:
        if self._map is not None:
            offset = self._offsets[index]
            return self._map[offset : offset + self._sizes[index]]
        assert self._handle is not None, "the spool is closed"
        if self._offsets[index] >= self._written:
            self.flush()
        return os.pread(self._handle, self._sizes[index], self._offsets[index])

    def joined(self, start: int, end: int) -> tuple[bytes, np.ndarray]:
        """Records start..end-1 as they lie in the file, end to end, and where each begins (and the last
        ends): one read for all of them, where a system call per record cost a stage over a large run a
        second. Only for records appended one after another (append, extend)."""
        assert self._handle is not None, "the spool is closed"
        offsets = np.zeros(max(end - start, 0) + 1, dtype=np.int64)
        if start >= end:
            return b"", offsets
        base, stop = self._offsets[start], self._offsets[end - 1] + self._sizes[end - 1]
        if stop > self._written:
            self.flush()
        data = os.pread(self._handle, stop - base, base)
        assert len(data) == stop - base, "the spool file is shorter than its records"
        offsets[:-1] = np.frombuffer(self._offsets, dtype=np.int64)[start:end]
        offsets[:-1] -= base
        offsets[-1] = stop - base
        return data, offsets

    def __len__(self) -> int:
        return len(self._sizes)

    def close(self) -> None:
        if self._map is not None:
            with contextlib.suppress(BufferError):  # arrays over it are still alive: it closes with them
                self._map.close()
            self._map = None
        if self._handle is not None:
            os.close(self._handle)
            self._handle = None

    def __del__(self) -> None:
        self.close()


def _write_all(handle: int, data: memoryview, offset: int) -> None:
    while data:
        done = os.pwrite(handle, data, offset)
        data, offset = data[done:], offset + done


class DocumentStore(Sequence[Document]):
    """A read-only sequence of documents; `text(i)` and `store[i]` read a spooled text back by offset."""

    def __init__(self, spool_after_bytes: int = SPOOL_AFTER_BYTES) -> None:
        self.ids: list[str] = []
        self.dates: list[str | None] = []
        self.titles: list[str | None] = []
        self.urls: list[str | None] = []
        self.lengths = array("q")  # characters, for the `longest` keep rule
        self._texts: list[str] | None = []
        self._spool_after = spool_after_bytes
        self._held_bytes = 0
        self._spool: Spool | None = None  # once the texts outgrow memory

    @classmethod
    def of(cls, documents: Iterable[Document], spool_after_bytes: int = SPOOL_AFTER_BYTES) -> DocumentStore:
        store = cls(spool_after_bytes)
        for document in documents:
            store.append(document)
        if store._spool is not None:
            store._spool.flush()  # before any worker forks
        return store

    @classmethod
    def of_blocks(cls, blocks: Iterable[DocumentBlock], spool_after_bytes: int = SPOOL_AFTER_BYTES) -> DocumentStore:
        """The store of the documents of `blocks` (reading.iter_blocks). Their texts stay encoded until the
        store knows where they go: spooled as they came, or decoded once the last block is in."""
        store = cls(spool_after_bytes)
        held: list[DocumentBlock] = []
        held_bytes = 0
        for block in blocks:
            store.ids += block.ids
            store.dates += block.dates
            store.titles += block.titles
            store.urls += block.urls
            store.lengths.extend(block.lengths)
            if store._spool is None:
                held.append(block)
                held_bytes += len(block.texts)
                if held_bytes <= spool_after_bytes:
                    continue
                store._spool, store._texts = Spool("dedup-spool-"), None
                for waiting in held:
                    store._spool.extend(waiting.texts, waiting.sizes)
                held = []
            else:
                store._spool.extend(block.texts, block.sizes)
        if store._spool is None:
            store._texts = [text for block in held for text in block.decoded_texts()]
            store._held_bytes = sum(store.lengths)
        else:
            store._spool.flush()  # before any worker forks
        return store

    def append(self, document: Document) -> None:
        self.ids.append(document.id)
        self.dates.append(document.date)
        self.titles.append(document.title)
        self.urls.append(document.url)
        self.lengths.append(len(document.text))
        if self._texts is not None:
            self._texts.append(document.text)
            self._held_bytes += len(document.text)
            if self._held_bytes > self._spool_after:
                self._start_spool()
            return
        self._write(document.text)

    def _start_spool(self) -> None:
        self._spool = Spool("dedup-spool-")
        texts, self._texts = self._texts or [], None
        for text in texts:
            self._write(text)

    def _write(self, text: str) -> None:
        assert self._spool is not None
        self._spool.append(text.encode("utf-8", errors="surrogatepass"))

    @property
    def spooled(self) -> bool:
        return self._texts is None

    def text(self, index: int) -> str:
        if self._texts is not None:
            return self._texts[index]
        assert self._spool is not None
        return self._spool[index].decode("utf-8", errors="surrogatepass")

    def encoded_between(self, start: int, end: int) -> tuple[bytes, np.ndarray]:
        """The texts of documents start..end-1 in UTF-8 (lone surrogates kept) end to end, and where each
        begins (and the last ends): as the spool holds them, read at once, with no string made of each."""
        if self._texts is None:
            assert self._spool is not None
            return self._spool.joined(start, end)
        return joined_records([text.encode("utf-8", errors="surrogatepass") for text in self._texts[start:end]])

    def encoded(self, indices: Iterable[int]) -> tuple[bytes, np.ndarray]:
        """encoded_between's form of the texts of any documents, in the order given."""
        if self._texts is None:
            assert self._spool is not None
            spool = self._spool
            return joined_records([spool[i] for i in indices])
        texts = self._texts
        return joined_records([texts[i].encode("utf-8", errors="surrogatepass") for i in indices])

    def entry(self, index: int) -> Document:
        """The document with its text left out (""): its id, date, title and url, read from memory."""
        return Document(self.ids[index], "", self.dates[index], self.titles[index], self.urls[index])

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, index: int) -> Document: ...
    @overload
    def __getitem__(self, index: slice) -> list[Document]: ...
    def __getitem__(self, index: int | slice) -> Document | list[Document]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        return Document(self.ids[index], self.text(index), self.dates[index], self.titles[index], self.urls[index])

    def close(self) -> None:
        if self._spool is not None:
            self._spool.close()

    def __enter__(self) -> DocumentStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        self.close()


def joined_records(records: list[bytes]) -> tuple[bytes, np.ndarray]:
    """Records end to end, and where each begins (and the last ends): Spool.joined's form."""
    offsets = np.zeros(len(records) + 1, dtype=np.int64)
    np.cumsum([len(record) for record in records], out=offsets[1:])
    return b"".join(records), offsets


def entries(documents: Sequence[Document]) -> Callable[[int], Document]:
    """`documents[i]`, but from a DocumentStore without its text (DocumentStore.entry): a report of a
    million articles needs their ids and dates, and reading every text back from the spool is slow."""
    return documents.entry if isinstance(documents, DocumentStore) else documents.__getitem__
