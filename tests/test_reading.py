from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from dedup.reading import Fields

from .conftest import FIXTURES, read


def test_fixtures_have_dates_and_the_date_line_is_not_text() -> None:
    documents, problems = read(FIXTURES)
    assert problems == []
    assert [(Path(d.id).name, d.date) for d in documents] == [
        ("000_17b3f1f5e5e89abc.txt", "2023-10-18"),
        ("001_9ae0e7afe3f252b5.txt", "2023-11-07"),
        ("harbour-storm-closes-port.html", "2023-10-18"),
        ("riverside-library-reopens.htm", "2024-03-02"),
        ("council-approves-protected-bike-lanes", "2024-05-14"),  # WARC records: the id is the target URI
        ("north-valley-robotics-team-wins-regional", "2024-05-20"),
    ]
    assert all(not d.text.lstrip().startswith("date") for d in documents)
    assert documents[0].text.startswith("The US military in Iraq")


def test_folders_are_recursive_sorted_and_skip_hidden(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "b" / "2.txt").write_text("two")
    (tmp_path / "a.md").write_text("one")
    (tmp_path / ".secret.txt").write_text("no")
    (tmp_path / ".hidden" / "x.txt").write_text("no")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\x00")
    documents, problems = read(tmp_path)
    assert [Path(d.id).relative_to(tmp_path).as_posix() for d in documents] == ["a.md", "b/2.txt"]
    assert problems == []


def test_json_object_array_and_jsonl_with_custom_fields(tmp_path: Path) -> None:
    (tmp_path / "one.json").write_text(json.dumps({"body": "alpha", "key": "k1", "published": "2024-01-02T10:00"}))
    (tmp_path / "many.json").write_text(json.dumps([{"body": "beta"}, {"body": "gamma", "key": 7}]))
    (tmp_path / "lines.jsonl").write_text('{"body": "delta", "headline": "H", "link": "http://x"}\n\n')
    fields = Fields(text="body", id="key", date="published", title="headline", url="link")
    documents, problems = read(tmp_path, fields=fields)
    assert problems == []
    by_text = {d.text: d for d in documents}
    assert by_text["alpha"].id == "k1" and by_text["alpha"].date == "2024-01-02"
    assert by_text["beta"].id == f"{tmp_path / 'many.json'}[0]"
    assert by_text["gamma"].id == "7"
    assert by_text["delta"].id == f"{tmp_path / 'lines.jsonl'}:1"
    assert (by_text["delta"].title, by_text["delta"].url) == ("H", "http://x")


def test_json_lines_read_by_orjson_are_read_as_json_reads_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """orjson parses most lines; whatever it refuses or might read otherwise (an id that is not a string:
    it reads big integers as floats) json reads. Documents and problems are those of json alone."""
    import dedup.reading as reading

    lines = [
        b'{"text": "plain", "id": "a", "date": "2024-01-02", "title": "T", "url": "u"}',
        b'{"text": "big id", "id": 123456789012345678901234567890}',
        b'{"text": "float id", "id": 1e400}',
        b'{"text": "nan id", "id": NaN}',
        b'{"text": "null id", "id": null, "title": 5}',
        b'{"text": "list id", "id": [1, 18446744073709551616]}',
        b'{"text": "lone \\ud800 surrogate"}',
        b'{"text": "pair \\ud83d\\ude00 and \\u00e9"}',
        b'\xef\xbb\xbf{"text": "byte-order mark"}',
        b'{"text": "caf\xe9 in latin-1"}',
        b'{"text": "tab\tinside"}',
        b'{"text": "nul \\u0000 escaped", "id": -0}',
        b'{"text": "dup", "text": "duplicate keys: the last"}',
        b'{"text": "trailing",}',
        b'["not", "an object"]',
        b'"a string"',
        b'{"text": "crlf line"}\r',
        b'{"text": "x"}{"text": "y"}',
        b'  {"text": "spaced", "id": "s"}  ',
    ]
    path = tmp_path / "tricky.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    fast = []
    parse = reading._parsed_fast
    monkeypatch.setattr(reading, "_parsed_fast", lambda raw, fields: fast.append(parse(raw, fields)) or fast[-1])
    documents, problems = read(path)
    monkeypatch.setattr(reading, "_parsed_fast", lambda raw, fields: None)  # json alone: the definition
    expected_documents, expected_problems = read(path)
    assert documents == expected_documents and [str(p) for p in problems] == [str(p) for p in expected_problems]
    assert len(documents) >= 12 and len(problems) >= 5
    assert 5 <= sum(record is not None for record in fast) < len(lines) - 5


def test_bad_inputs_are_reported_by_file_and_line_and_skipped(tmp_path: Path) -> None:
    (tmp_path / "bad.jsonl").write_text('{"text": "fine"}\n{not json\n{"title": "no text"}\n[1, 2]\n')
    (tmp_path / "broken.json").write_text("{")
    (tmp_path / "empty.txt").write_text("   \n")
    (tmp_path / "binary.txt").write_bytes(b"abc\x00def")
    documents, problems = read(tmp_path)
    assert [d.text for d in documents] == ["fine"]
    messages = {str(p) for p in problems}
    jsonl = tmp_path / "bad.jsonl"
    assert any(m.startswith(f"{jsonl}:2: malformed JSON line") for m in messages)
    assert f"{jsonl}:3: no text in field 'text'" in messages
    assert f"{jsonl}:4: expected a JSON object, found list" in messages
    assert any(m.startswith(f"{tmp_path / 'broken.json'}: invalid JSON") for m in messages)
    assert f"{tmp_path / 'empty.txt'}: empty text" in messages
    assert f"{tmp_path / 'binary.txt'}: binary content, not text" in messages
    assert all(p.skipped for p in problems)


def test_invalid_utf8_falls_back_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("Café au lait, crème brûlée et garçon: déjà vu à Genève.".encode("cp1252"))
    documents, problems = read(path)
    assert documents[0].text.startswith("Café au lait")
    assert len(problems) == 1 and not problems[0].skipped
    assert "not valid UTF-8" in problems[0].what and problems[0].where == str(path)


def test_a_byte_order_mark_is_dropped_from_files_and_lines(tmp_path: Path) -> None:
    (tmp_path / "marked.txt").write_bytes("\ufeffdate 2024-01-02\nBonjour.".encode())
    (tmp_path / "marked.jsonl").write_bytes("\ufeff".encode() + json.dumps({"id": "x", "text": "Hé."}).encode())
    documents, problems = read(tmp_path)
    assert not problems
    assert [(d.text, d.date) for d in documents] == [("Hé.", None), ("Bonjour.", "2024-01-02")]


def test_duplicate_ids_are_renamed_and_reported(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text('{"id": "x", "text": "one"}\n{"id": "x", "text": "two"}\n')
    documents, problems = read(tmp_path)
    assert [d.id for d in documents] == ["x", "x#2"]
    assert [str(p) for p in problems] == ["x: duplicate id, renamed x#2"]
    assert not problems[0].skipped


def test_missing_path_and_unreadable_file(tmp_path: Path) -> None:
    locked = tmp_path / "locked.txt"
    locked.write_text("secret")
    locked.chmod(0)
    documents, problems = read(tmp_path / "nope", locked)
    assert str(problems[0]) == f"{tmp_path / 'nope'}: no such file or folder"
    if documents:  # root can read anything; elsewhere the file is reported
        pytest.skip("running as a user who can read mode-000 files")
    assert problems[1].where == str(locked) and "cannot read" in problems[1].what


def test_stdin_is_json_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = io.TextIOWrapper(io.BytesIO(b'{"id": "s1", "text": "from stdin"}\nnot json\n'))
    monkeypatch.setattr(sys, "stdin", stream)
    documents, problems = read("-")
    assert [(d.id, d.text) for d in documents] == [("s1", "from stdin")]
    assert problems[0].where == "<stdin>:2"


def test_inputs_are_never_modified(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b" date 2020-01-01\nBody text.\n")
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    read(tmp_path)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_reading_on_several_processes_gives_the_same_documents_and_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Folders are read in batches of files and large JSON Lines files in blocks of lines, on several
    processes: the same documents, ids (line numbers too) and problems, in the same order, as one."""
    import dedup.reading as reading

    monkeypatch.setattr(reading, "PARALLEL_JSONL_BYTES", 200)
    monkeypatch.setattr(reading, "JSONL_BLOCK_BYTES", 64)
    monkeypatch.setattr(reading, "FILE_BATCH", 3)
    lines = []
    for n in range(60):
        record = {"text": f"Story {n} told at length.", "date": f"2024-01-{1 + n % 28:02d}"}
        if n % 3:
            record["id"] = f"s{n % 17}"  # repeats: renamed in reading order; the others are named by line
        lines.append(json.dumps(record) if n % 11 else "{broken")
        if n % 13 == 0:
            lines.append("")
    (tmp_path / "big.jsonl").write_text("\n".join(lines) + "\n")
    for n in range(10):
        (tmp_path / f"page{n}.txt").write_text(f"date 2023-05-0{1 + n % 9}\nPage {n}." if n != 4 else "  \n")
    (tmp_path / "s1").write_text("a file named like an id")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "s1.txt").write_text("another")
    made: list = []
    units = reading._units
    monkeypatch.setattr(reading, "_units", lambda *args: made.extend(units(*args)) or units(*args))
    runs = []
    for jobs in (1, 2):
        problems: list = []
        documents = list(
            reading.iter_documents([str(tmp_path), str(tmp_path / "big.jsonl")], Fields(), problems.append, jobs)
        )
        runs.append((documents, problems))
    assert runs[0] == runs[1]
    documents, problems = runs[0]
    assert len(documents) == 2 * 54 + 9 + 1  # "s1" has no suffix: not read from a folder
    assert len(made) > 10 and any(unit[0] == "lines" for unit in made)
    assert f"{tmp_path / 'big.jsonl'}:5" in [d.id for d in documents]  # no id: the line names it
    assert sum("duplicate id" in p.what for p in problems) > 40
    assert sum("malformed JSON line" in p.what for p in problems) == 2 * 6
