"""Read documents from files, folders, JSON, JSON Lines, HTML pages, WARC archives and stdin.

Reading never raises for bad input: each problem is handed to `on_problem` and the rest goes on.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .document import Document, Problem
from .web import HTML_SUFFIXES, html_document, is_warc, iter_warc

TEXT_SUFFIXES = frozenset({".txt", ".md"})
JSON_SUFFIXES = frozenset({".json"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
READABLE_SUFFIXES = TEXT_SUFFIXES | JSON_SUFFIXES | JSONL_SUFFIXES | HTML_SUFFIXES

# The fixtures (and many scrapers' dumps) put " date YYYY-MM-DD" before the text.
_DATE_PREFIX = re.compile(r"\A\ufeff?\s*date[ :]+(\d{4}-\d{2}-\d{2})\b[ \t]*\n?")
_ISO_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")
_BINARY_SNIFF = 8192


@dataclass(frozen=True)
class Fields:
    """Which JSON keys hold a record's text, id, date, title and url."""

    text: str = "text"
    id: str = "id"
    date: str = "date"
    title: str = "title"
    url: str = "url"


ProblemSink = Callable[[Problem], None]


def iter_documents(
    sources: Iterable[str], fields: Fields = Fields(), on_problem: ProblemSink = lambda p: None
) -> Iterator[Document]:
    """Documents from each source in order: a file, a folder (recursive, sorted, hidden entries skipped),
    or `-` for JSON Lines on stdin. Files are read by suffix: .txt/.md text, .json, .jsonl/.ndjson,
    .html/.htm pages, .warc/.warc.gz archives; a file named explicitly with another suffix is read as text.
    Duplicate ids are renamed `id#2`, `id#3`, ... and reported."""
    seen: dict[str, int] = {}
    for source in sources:
        for document in _iter_source(source, fields, on_problem):
            if document.id in seen:
                seen[document.id] += 1
                new_id = f"{document.id}#{seen[document.id]}"
                on_problem(Problem(document.id, f"duplicate id, renamed {new_id}", skipped=False))
                document = Document(new_id, document.text, document.date, document.title, document.url)
            seen.setdefault(document.id, 1)
            yield document


def _iter_source(source: str, fields: Fields, on_problem: ProblemSink) -> Iterator[Document]:
    if source == "-":
        yield from _iter_jsonl_stream(sys.stdin.buffer, "<stdin>", fields, on_problem)
        return
    path = Path(source)
    if path.is_dir():
        for file in _walk(path):
            yield from _iter_file(file, fields, on_problem, explicit=False)
    elif path.exists():
        yield from _iter_file(path, fields, on_problem, explicit=True)
    else:
        on_problem(Problem(source, "no such file or folder"))


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
    if b"\x00" in data[:_BINARY_SNIFF]:
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
    stream: IO[bytes], name: str, fields: Fields, on_problem: ProblemSink
) -> Iterator[tuple[int, Document]]:
    """(line number, document) for each readable line of a JSON Lines stream, numbered from 1 as
    iterating the stream splits it, so a second pass over the same bytes finds the same lines."""
    for number, raw in enumerate(stream, start=1):
        where = f"{name}:{number}"
        if not raw.strip():
            continue
        line = decode(raw, where, on_problem)
        if line is None:
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            on_problem(Problem(where, f"malformed JSON line: {error.msg}"))
            continue
        document = record_document(record, where, fields, on_problem)
        if document is not None:
            yield number, document


def paths_from(stream: IO[bytes], null: bool = False) -> list[str]:
    """The paths listed in `stream`, one per line or NUL-terminated; empty entries are dropped.
    Bytes become str as the file system would (os.fsdecode), so any name `find -print0` gives works."""
    data = stream.read()
    entries = data.split(b"\0") if null else [line.removesuffix(b"\r") for line in data.split(b"\n")]
    return [os.fsdecode(entry) for entry in entries if entry]


def record_document(record: Any, where: str, fields: Fields, on_problem: ProblemSink) -> Document | None:
    """A document from one JSON object; its id is the id field or, failing that, `where`."""
    if not isinstance(record, dict):
        on_problem(Problem(where, f"expected a JSON object, found {type(record).__name__}"))
        return None
    text = record.get(fields.text)
    if not isinstance(text, str) or not text.strip():
        on_problem(Problem(where, f"no text in field {fields.text!r}"))
        return None
    raw_id = record.get(fields.id)
    doc_id = str(raw_id) if raw_id not in (None, "") else where
    return Document(
        doc_id,
        text,
        date=_iso_date(record.get(fields.date)),
        title=_optional_str(record.get(fields.title)),
        url=_optional_str(record.get(fields.url)),
    )


def _iso_date(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    match = _ISO_DATE.search(value)
    return match.group(1) if match else None


def _optional_str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
