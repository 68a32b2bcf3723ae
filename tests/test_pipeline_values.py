"""Pipeline actions on plain values: document roles, the paths format, filtering lines, atomic writes."""

from __future__ import annotations

import io
import json
import os

import pytest

from dedup.cluster import Cluster, Member
from dedup.document import Document
from dedup.filtering import annotate_line, copy_lines, read_corpus, roles_by_line
from dedup.reading import Fields
from dedup.report import Role, document_roles, write_atomically, write_records

DOCUMENTS = [Document(name, f"text of {name}") for name in ("u1", "dup-b", "orig-a", "dup-a", "orig-b", "u2")]
CLUSTERS = [
    Cluster(2, (Member(2, "original", {}), Member(3, "exact", {}))),
    Cluster(4, (Member(4, "original", {}), Member(1, "rewrite", {}))),
]


def test_every_document_gets_its_role_in_input_order():
    roles = document_roles(CLUSTERS, DOCUMENTS)
    assert roles == [
        Role("u1", None, "unique", None),
        Role("dup-b", 2, "rewrite", "orig-b"),
        Role("orig-a", 1, "original", "orig-a"),
        Role("dup-a", 1, "exact", "orig-a"),
        Role("orig-b", 2, "original", "orig-b"),
        Role("u2", None, "unique", None),
    ]
    assert [r.kept for r in roles] == [True, False, True, False, True, True]


@pytest.mark.parametrize(
    ("select", "expected"),
    [
        ("duplicates", "dup-b\ndup-a\n"),
        ("originals", "orig-a\norig-b\n"),
        ("unique", "u1\norig-a\norig-b\nu2\n"),
    ],
)
def test_paths_format_prints_the_selection_one_per_line(select, expected):
    out = io.StringIO()
    write_records([], "paths", out, roles=document_roles(CLUSTERS, DOCUMENTS), select=select)
    assert out.getvalue() == expected


def test_paths_format_can_end_each_path_with_nul():
    out = io.StringIO()
    write_records([], "paths", out, roles=document_roles(CLUSTERS, DOCUMENTS), end="\0")
    assert out.getvalue() == "dup-b\0dup-a\0"


def test_paths_format_without_roles_is_refused():
    with pytest.raises(ValueError, match="role"):
        write_records([], "paths", io.StringIO())


def test_annotation_is_added_before_the_closing_brace_and_nothing_else_changes():
    role = Role("b", 3, "near-copy", "a")
    line = b'{"id": "b",  "text": "caf\xc3\xa9" }\r\n'
    annotated = annotate_line(line, role)
    assert annotated == (
        b'{"id": "b",  "text": "caf\xc3\xa9", "dedup": {"cluster": 3, "relation": "near-copy", "original": "a"}}\r\n'
    )
    assert json.loads(annotated)["dedup"] == {"cluster": 3, "relation": "near-copy", "original": "a"}
    unique = annotate_line(b'{"text": "x"}', Role("u", None, "unique", None))
    assert json.loads(unique) == {"text": "x", "dedup": {"cluster": None, "relation": "unique", "original": None}}


def test_copy_lines_keeps_kept_roles_byte_for_byte_and_skips_non_documents():
    lines = [b'{"id":"a","text":"one"}\n', b"junk\n", b'{"id":"b","text":"two"}\n', b'{"id":"c","text":"three"}']
    roles = {1: Role("a", 1, "original", "a"), 3: Role("b", 1, "exact", "a"), 4: Role("c", None, "unique", None)}
    out = io.BytesIO()
    assert copy_lines(io.BytesIO(b"".join(lines)), roles, out) == 2
    assert out.getvalue() == lines[0] + lines[3]
    annotated = io.BytesIO()
    assert copy_lines(io.BytesIO(b"".join(lines)), roles, annotated, annotate=True) == 3
    assert [json.loads(line)["dedup"]["relation"] for line in annotated.getvalue().splitlines()] == [
        "original",
        "exact",
        "unique",
    ]


def test_read_corpus_numbers_lines_as_the_second_pass_sees_them():
    data = b'{"id":"a","text":"one"}\n\n{"id":"b"}\n{"id":"c","text":"three"}\n'
    documents, lines = read_corpus(io.BytesIO(data), "x.jsonl", Fields(), lambda problem: None)
    assert [d.id for d in documents] == ["a", "c"]
    assert lines == [1, 4]
    assert roles_by_line(document_roles([], documents), lines) == {
        1: Role("a", None, "unique", None),
        4: Role("c", None, "unique", None),
    }


def test_write_atomically_replaces_the_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "report.json"
    target.write_text("old")
    write_atomically(target, '{"passed": true}\n')
    assert target.read_text() == '{"passed": true}\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]
    assert target.stat().st_mode & 0o777 == 0o666 & ~_umask()


def test_failed_atomic_write_keeps_the_old_file(tmp_path):
    target = tmp_path / "report.json"
    target.write_text("old")
    with pytest.raises(UnicodeEncodeError):
        write_atomically(target, "\udcff")  # a lone surrogate cannot be written as UTF-8
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
