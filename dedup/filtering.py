"""`dedup filter`: a JSON Lines corpus without its duplicates, each kept record's bytes untouched.

Two passes over a seekable file. The first keeps each document (the text the scan needs) and its line
number, never the raw lines; after the scan, the second pass copies the lines to keep, in input order.
A stream (stdin) is spooled to a temporary file first, so it can be read twice.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from typing import IO

from .document import Document
from .reading import Fields, ProblemSink, iter_jsonl_records
from .report import Role

ANNOTATION_KEY = "dedup"


def read_corpus(
    handle: IO[bytes], name: str, fields: Fields, on_problem: ProblemSink
) -> tuple[list[Document], list[int]]:
    """The documents of a JSON Lines file and, for each, its line number."""
    documents, lines = [], []
    for line, document in iter_jsonl_records(handle, name, fields, on_problem):
        documents.append(document)
        lines.append(line)
    return documents, lines


def copy_lines(handle: IO[bytes], roles: Mapping[int, Role], out: IO[bytes], annotate: bool = False) -> int:
    """Copy from `handle` to `out` the lines whose role (by line number) is kept, byte for byte; with
    `annotate`, every line that has a role, with its role added. Returns the number of lines written."""
    written = 0
    for number, raw in enumerate(handle, start=1):
        role = roles.get(number)
        if role is None:
            continue  # blank or unreadable: not a document (reading has reported it)
        if annotate:
            out.write(annotate_line(raw, role))
        elif role.kept:
            out.write(raw)
        else:
            continue
        written += 1
    return written


def annotate_line(raw: bytes, role: Role) -> bytes:
    """The record with `"dedup": {"cluster", "relation", "original"}` added before its closing brace;
    everything else, line ending included, stays as it was. ASCII-only, so it fits any encoding the line
    came in."""
    body = raw.rstrip()
    ending = raw[len(body) :]
    inner = body[:-1].rstrip()  # a readable line is a JSON object, so it ends with "}"
    annotation = json.dumps({"cluster": role.cluster, "relation": role.relation, "original": role.original})
    separator = b"" if inner.endswith(b"{") else b", "
    return inner + separator + f'"{ANNOTATION_KEY}": {annotation}}}'.encode("ascii") + ending


def roles_by_line(roles: Sequence[Role], lines: Sequence[int]) -> dict[int, Role]:
    return dict(zip(lines, roles, strict=True))


def spool(stream: IO[bytes]) -> IO[bytes]:
    """A temporary file holding everything `stream` gives, positioned at its start."""
    spooled = tempfile.TemporaryFile()  # noqa: SIM115 (the caller closes it; it is deleted on close)
    shutil.copyfileobj(stream, spooled)
    spooled.seek(0)
    return spooled
