"""Read documents from files, folders, JSON, JSON Lines, HTML pages, WARC archives and stdin.

Reading never raises for bad input: each problem is handed to `on_problem` and the rest goes on.
"""

from __future__ import annotations

import codecs
import io
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import IO, Any

import orjson

from .document import Document, Problem
from .parallel import available_jobs, ordered_map
from .web import HTML_SUFFIXES, html_document, is_warc, iter_warc

TEXT_SUFFIXES = frozenset({".txt", ".md"})
JSON_SUFFIXES = frozenset({".json"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
READABLE_SUFFIXES = TEXT_SUFFIXES | JSON_SUFFIXES | JSONL_SUFFIXES | HTML_SUFFIXES

# The fixtures (and many scrapers' dumps) put " date YYYY-MM-DD" before the text.
_DATE_PREFIX = re.compile(r"\A\ufeff?\s*date[ :]+(\d{4}-\d{2}-\d{2})\b[ \t]*\n?")
_ISO_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")
_BINARY_SNIFF = 8192

# With several jobs, a folder's files are read a batch at a time on every core, and a JSON Lines file
# this large a block of lines at a time: parsing JSON and decoding text was most of a large run's read.
PARALLEL_JSONL_BYTES = 16 * 1024 * 1024
JSONL_BLOCK_BYTES = 2 * 1024 * 1024
FILE_BATCH = 256
READ_AHEAD = 4  # units of work in hand per process: their texts wait in memory


@dataclass(frozen=True)
class Fields:
    """Which JSON keys hold a record's text, id, date, title and url."""

    text: str = "text"
    id: str = "id"
    date: str = "date"
    title: str = "title"
    url: str = "url"


ProblemSink = Callable[[Problem], None]
# A document's id, text, date, title and url, as Document takes them.
DocumentFields = tuple[str, str, str | None, str | None, str | None]


@dataclass
class DocumentBlock:
    """Documents read together, as columns, their texts in UTF-8 end to end: what crosses from a reading
    process, and what a store appends, without a Python object per document. `problems`: each problem
    met while reading the block, after how many of its documents."""

    ids: list[str] = field(default_factory=list)
    dates: list[str | None] = field(default_factory=list)
    titles: list[str | None] = field(default_factory=list)
    urls: list[str | None] = field(default_factory=list)
    lengths: list[int] = field(default_factory=list)  # characters
    sizes: list[int] = field(default_factory=list)  # bytes of each text in `texts`
    texts: bytes = b""
    problems: list[tuple[int, Problem]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.ids)

    def decoded_texts(self) -> list[str]:
        ends = list(accumulate(self.sizes))
        starts = [0, *ends][:-1]
        return [
            self.texts[start:end].decode("utf-8", errors="surrogatepass")
            for start, end in zip(starts, ends, strict=True)
        ]

    def documents(self) -> Iterator[Document]:
        for i, text in enumerate(self.decoded_texts()):
            yield Document(self.ids[i], text, self.dates[i], self.titles[i], self.urls[i])


class _BlockBuilder:
    def __init__(self) -> None:
        self.block = DocumentBlock()
        self._texts: list[bytes] = []

    def add(self, document: Document) -> None:
        self.add_fields((document.id, document.text, document.date, document.title, document.url))

    def add_fields(self, fields: DocumentFields) -> None:
        doc_id, text, date, title, url = fields
        block = self.block
        encoded = text.encode("utf-8", errors="surrogatepass")
        block.ids.append(doc_id)
        block.dates.append(date)
        block.titles.append(title)
        block.urls.append(url)
        block.lengths.append(len(text))
        block.sizes.append(len(encoded))
        self._texts.append(encoded)

    def problem(self, problem: Problem) -> None:
        self.block.problems.append((len(self.block.ids), problem))

    def take(self) -> DocumentBlock:
        block = self.block
        block.texts = b"".join(self._texts)
        self.block, self._texts = DocumentBlock(), []
        return block


def iter_documents(
    sources: Iterable[str],
    fields: Fields = Fields(),
    on_problem: ProblemSink = lambda p: None,
    jobs: int | None = 1,
) -> Iterator[Document]:
    """Documents from each source in order: a file, a folder (recursive, sorted, hidden entries skipped),
    or `-` for JSON Lines on stdin. Files are read by suffix: .txt/.md text, .json, .jsonl/.ndjson,
    .html/.htm pages, .warc/.warc.gz archives; a file named explicitly with another suffix is read as text.
    Duplicate ids are renamed `id#2`, `id#3`, ... and reported. The documents of `iter_blocks`."""
    for block in iter_blocks(sources, fields, on_problem, jobs):
        yield from block.documents()


def iter_blocks(
    sources: Iterable[str],
    fields: Fields = Fields(),
    on_problem: ProblemSink = lambda p: None,
    jobs: int | None = 1,
) -> Iterator[DocumentBlock]:
    """iter_documents' documents a block at a time, each block's problems handed to `on_problem` as it
    comes. With several `jobs` (None: every core), folders and large JSON Lines files are read on that
    many processes: the same documents and problems, in the same order."""
    seen: dict[str, int] = {}
    for source in sources:
        for block in _source_blocks(source, fields, jobs):
            yield _with_unique_ids(block, seen, on_problem)


def _with_unique_ids(block: DocumentBlock, seen: dict[str, int], on_problem: ProblemSink) -> DocumentBlock:
    """The block with ids seen before renamed, its problems and the renames reported in reading order."""
    problems = iter(block.problems)
    waiting = next(problems, None)
    for i, doc_id in enumerate(block.ids):
        while waiting is not None and waiting[0] <= i:
            on_problem(waiting[1])
            waiting = next(problems, None)
        if doc_id in seen:
            seen[doc_id] += 1
            new_id = f"{doc_id}#{seen[doc_id]}"
            on_problem(Problem(doc_id, f"duplicate id, renamed {new_id}", skipped=False))
            block.ids[i] = doc_id = new_id
        seen.setdefault(doc_id, 1)
    while waiting is not None:
        on_problem(waiting[1])
        waiting = next(problems, None)
    block.problems = []
    return block


def _source_blocks(source: str, fields: Fields, jobs: int | None) -> Iterator[DocumentBlock]:
    if source == "-":
        yield from _blocks(lambda sink: _iter_jsonl_stream(sys.stdin.buffer, "<stdin>", fields, sink))
        return
    path = Path(source)
    if path.is_dir():
        yield from _file_blocks(list(_walk(path)), fields, jobs, explicit=False)
    elif path.exists():
        yield from _file_blocks([path], fields, jobs, explicit=True)
    else:
        builder = _BlockBuilder()
        builder.problem(Problem(source, "no such file or folder"))
        yield builder.take()


def _blocks(read: Callable[[ProblemSink], Iterable[Document]], size: int = 1000) -> Iterator[DocumentBlock]:
    """The documents `read(on_problem)` gives, and its problems, as blocks of `size` documents."""
    builder = _BlockBuilder()
    for document in read(lambda problem: builder.problem(problem)):
        builder.add(document)
        if len(builder.block) >= size:
            yield builder.take()
    if len(builder.block) or builder.block.problems:
        yield builder.take()


# A unit of reading work: ("files", paths, explicit), ("lines", path, start, end, first line number), or
# ("here", path, explicit): a web archive, read in this process as it streams (its pages can be many).
_Unit = tuple[Any, ...]


def _file_blocks(paths: list[Path], fields: Fields, jobs: int | None, explicit: bool) -> Iterator[DocumentBlock]:
    workers = available_jobs(jobs)
    units = _units(paths, explicit, workers) if workers > 1 else []
    if len(units) < 2:
        yield from _blocks(lambda sink: (d for path in paths for d in _iter_file(path, fields, sink, explicit)))
        return
    work = [(unit, fields) for unit in units]
    for unit, block in zip(units, ordered_map(_read_unit, work, workers, ahead=READ_AHEAD * workers), strict=True):
        if unit[0] == "here":
            yield from _blocks(lambda sink: _iter_file(Path(unit[1]), fields, sink, unit[2]))  # noqa: B023
        else:
            yield block


def _units(paths: list[Path], explicit: bool, workers: int) -> list[_Unit]:
    """The work of reading `paths` on several processes: batches of files, and blocks of the lines of
    each large JSON Lines file, numbered from each block's first line (counted on the workers first)."""
    units: list[_Unit] = []
    batch: list[str] = []
    for path in paths:
        if is_warc(str(path)):
            if batch:
                units.append(("files", tuple(batch), explicit))
                batch = []
            units.append(("here", str(path), explicit))
            continue
        blocks = _line_blocks(path) if path.suffix.lower() in JSONL_SUFFIXES else []
        if not blocks:
            batch.append(str(path))
            if len(batch) == FILE_BATCH:
                units.append(("files", tuple(batch), explicit))
                batch = []
            continue
        if batch:
            units.append(("files", tuple(batch), explicit))
            batch = []
        counts = ordered_map(_count_lines, [(str(path), start, end) for start, end in blocks], workers)
        first = 1
        for (start, end), lines in zip(blocks, counts, strict=True):
            units.append(("lines", str(path), start, end, first))
            first += lines
    if batch:
        units.append(("files", tuple(batch), explicit))
    return units


def _line_blocks(path: Path) -> list[tuple[int, int]]:
    """Byte ranges of about JSONL_BLOCK_BYTES, each ending at a line's end, of a JSON Lines file of at
    least PARALLEL_JSONL_BYTES; none for a smaller (or unreadable) one, which is read as a whole."""
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size < PARALLEL_JSONL_BYTES:
                return []
            blocks, start = [], 0
            while start < size:
                handle.seek(min(start + JSONL_BLOCK_BYTES, size))
                handle.readline()  # on to the end of the line the block would cut
                end = min(handle.tell(), size)
                blocks.append((start, end))
                start = end
            return blocks
    except OSError:
        return []  # read as a whole, which reports the problem


def _count_lines(block: tuple[str, int, int]) -> int:
    name, start, end = block
    with open(name, "rb") as handle:
        handle.seek(start)
        return handle.read(end - start).count(b"\n")


def _read_unit(work: tuple[_Unit, Fields]) -> DocumentBlock:
    """A unit of work read into a block (a web archive's is empty: read in the calling process)."""
    unit, fields = work
    builder = _BlockBuilder()
    if unit[0] == "files":
        _, names, explicit = unit
        for name in names:
            for document in _iter_file(Path(name), fields, builder.problem, explicit):
                builder.add(document)
    elif unit[0] == "lines":
        _, name, start, end, first = unit
        try:
            with open(name, "rb") as handle:
                handle.seek(start)
                data = handle.read(end - start)
        except OSError as error:
            builder.problem(Problem(name, f"cannot read: {error.strerror or error}"))
            return builder.take()
        for _, found in iter_jsonl_fields(io.BytesIO(data), name, fields, builder.problem, first):
            builder.add_fields(found)  # no Document made: a block holds columns
    return builder.take()


def _walk(folder: Path) -> Iterator[Path]:
    """Files below `folder` in sorted order, skipping hidden files and folders."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(root) / name


def _iter_file(path: Path, fields: Fields, on_problem: ProblemSink, explicit: bool) -> Iterator[Document]:
    suffix = path.suffix.lower()
    name = str(path)
    warc = is_warc(name)
    if suffix not in READABLE_SUFFIXES and not warc and not explicit:
        return  # folders hold images, scripts and such; only named files are read whatever they are called
    try:
        with path.open("rb") as handle:
            if suffix in JSONL_SUFFIXES:
                yield from _iter_jsonl_stream(handle, name, fields, on_problem)
                return
            if warc:
                yield from iter_warc(handle, name, on_problem, size=os.fstat(handle.fileno()).st_size)
                return
            data = handle.read()
    except OSError as error:
        on_problem(Problem(name, f"cannot read: {error.strerror or error}"))
        return
    if suffix in JSON_SUFFIXES:
        yield from _iter_json(data, name, fields, on_problem)
        return
    if suffix in HTML_SUFFIXES:
        page = html_document(name, data, name, on_problem)
        if page is not None:
            yield page
        return
    text = decode(data, name, on_problem)
    if text is None:
        return
    document = text_document(name, text)
    if not document.text.strip():
        on_problem(Problem(name, "empty text"))
        return
    yield document


def text_document(doc_id: str, text: str) -> Document:
    """A document from plain text, taking a leading `date YYYY-MM-DD` as its date."""
    match = _DATE_PREFIX.match(text)
    if match:
        return Document(doc_id, text[match.end() :], date=match.group(1))
    return Document(doc_id, text)


def decode(data: bytes, where: str, on_problem: ProblemSink) -> str | None:
    """UTF-8 (a byte-order mark dropped), else the charset charset-normalizer detects, else cp1252; None
    (reported) for binary data."""
    if data.find(b"\x00", 0, _BINARY_SNIFF) >= 0:
        on_problem(Problem(where, "binary content, not text"))
        return None
    try:
        # The utf-8-sig codec decodes in Python: a tenth of reading a JSON Lines file went there.
        return data[3:].decode() if data.startswith(codecs.BOM_UTF8) else data.decode()
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # only needed for the rare non-UTF-8 file

    best = from_bytes(data).best()
    encoding = best.encoding if best is not None else "cp1252"
    on_problem(Problem(where, f"not valid UTF-8, read as {encoding}", skipped=False))
    return data.decode(encoding, errors="replace")


def _iter_json(data: bytes, name: str, fields: Fields, on_problem: ProblemSink) -> Iterator[Document]:
    text = decode(data, name, on_problem)
    if text is None:
        return
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        on_problem(Problem(name, f"invalid JSON: {error.msg} at line {error.lineno}"))
        return
    records = value if isinstance(value, list) else [value]
    for index, record in enumerate(records):
        where = f"{name}[{index}]" if isinstance(value, list) else name
        document = record_document(record, where, fields, on_problem)
        if document is not None:
            yield document


def _iter_jsonl_stream(stream: IO[bytes], name: str, fields: Fields, on_problem: ProblemSink) -> Iterator[Document]:
    for _, document in iter_jsonl_records(stream, name, fields, on_problem):
        yield document


def iter_jsonl_records(
    stream: IO[bytes], name: str, fields: Fields, on_problem: ProblemSink, first: int = 1
) -> Iterator[tuple[int, Document]]:
    """(line number, document) for each readable line of a JSON Lines stream, numbered from `first` as
    iterating the stream splits it, so a second pass over the same bytes finds the same lines."""
    for number, found in iter_jsonl_fields(stream, name, fields, on_problem, first):
        yield number, Document(*found)


def iter_jsonl_fields(
    stream: IO[bytes], name: str, fields: Fields, on_problem: ProblemSink, first: int = 1
) -> Iterator[tuple[int, DocumentFields]]:
    """iter_jsonl_records' documents as their fields (record_fields)."""
    for number, raw in enumerate(stream, start=first):
        if not raw or raw.isspace():  # what strip() would leave empty, without copying the line
            continue
        where = f"{name}:{number}"
        record = _parsed_fast(raw, fields)
        if record is None:
            line = decode(raw, where, on_problem)
            if line is None:
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                on_problem(Problem(where, f"malformed JSON line: {error.msg}"))
                continue
        found = record_fields(record, where, fields, on_problem)
        if found is not None:
            yield number, found


def _parsed_fast(raw: bytes, fields: Fields) -> dict[str, Any] | None:
    """The JSON object on a line as orjson parses it, in a third of json's time, or None for json to
    decide. orjson refuses what json reads otherwise or reports (lone surrogates, NaN, a byte-order mark,
    bytes that are not UTF-8) and reads an integer past 64 bits as a float: an id that is not a string
    (rare) is read by json again, and no other field takes a number."""
    try:
        record = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(record, dict) or not isinstance(record.get(fields.id, ""), str):
        return None
    return record


def paths_from(stream: IO[bytes], null: bool = False) -> list[str]:
    """The paths listed in `stream`, one per line or NUL-terminated; empty entries are dropped.
    Bytes become str as the file system would (os.fsdecode), so any name `find -print0` gives works."""
    data = stream.read()
    entries = data.split(b"\0") if null else [line.removesuffix(b"\r") for line in data.split(b"\n")]
    return [os.fsdecode(entry) for entry in entries if entry]


def record_document(record: Any, where: str, fields: Fields, on_problem: ProblemSink) -> Document | None:
    """A document from one JSON object; its id is the id field or, failing that, `where`."""
    found = record_fields(record, where, fields, on_problem)
    return None if found is None else Document(*found)


def record_fields(record: Any, where: str, fields: Fields, on_problem: ProblemSink) -> DocumentFields | None:
    """record_document's fields: blocks take them without a Document (a frozen dataclass is slow to make)."""
    if not isinstance(record, dict):
        on_problem(Problem(where, f"expected a JSON object, found {type(record).__name__}"))
        return None
    text = record.get(fields.text)
    if not isinstance(text, str) or not text or text.isspace():  # strip() copied every text
        on_problem(Problem(where, f"no text in field {fields.text!r}"))
        return None
    raw_id = record.get(fields.id)
    doc_id = str(raw_id) if raw_id not in (None, "") else where
    return (
        doc_id,
        text,
        _iso_date(record.get(fields.date)),
        _optional_str(record.get(fields.title)),
        _optional_str(record.get(fields.url)),
    )


def _iso_date(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    match = _ISO_DATE.search(value)
    return match.group(1) if match else None


def _optional_str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
