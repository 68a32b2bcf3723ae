"""`dedup diff` and `dedup scan --diff` through the command line (click's CliRunner)."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import run

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
STORY = str(FIXTURES / "000_17b3f1f5e5e89abc.txt")
REWRITE = str(FIXTURES / "001_9ae0e7afe3f252b5.txt")


def test_diff_prints_marked_up_text_and_exits_1_when_articles_differ() -> None:
    result = run("diff", STORY, REWRITE)
    assert result.exit_code == 1
    assert result.stdout.startswith(f"--- A {STORY} (")
    assert "The US [-killed-]{+retaliated by assassinating+} IRGC general Qasem Soleimani" in result.stdout
    assert "+ B20  However, continued vigilance and preparedness" in result.stdout
    assert "\x1b[" not in result.stdout
    assert result.stderr == ""


def test_diff_json_is_one_object_with_the_documented_fields() -> None:
    result = run("diff", STORY, REWRITE, "--format", "json")
    assert result.exit_code == 1
    record = json.loads(result.stdout)
    assert record["relation"] == "rewrite"
    assert record["a"] == STORY and record["b"] == REWRITE
    assert any("Erbil" in fact["text"] for fact in record["facts"]["only_a"])
    assert result.stderr == ""


def test_diff_of_an_article_with_itself_exits_0() -> None:
    result = run("diff", STORY, STORY, "--format", "json")
    assert result.exit_code == 0
    record = json.loads(result.stdout)
    assert record["relation"] == "exact"
    assert record["only_a"] == [] and record["only_b"] == []


def test_diff_missing_file_exits_2_with_one_line_naming_it(tmp_path: Path) -> None:
    missing = str(tmp_path / "nowhere.txt")
    result = run("diff", STORY, missing)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert missing in result.stderr and "error" in result.stderr


def test_diff_refuses_a_file_holding_several_articles(tmp_path: Path) -> None:
    records = tmp_path / "two.jsonl"
    records.write_text('{"id": "x", "text": "One article."}\n{"id": "y", "text": "Another one."}\n')
    result = run("diff", str(records), STORY)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert str(records) in result.stderr and "2 documents" in result.stderr


def test_scan_diff_jsonl_puts_a_diff_in_each_member_record() -> None:
    result = run("scan", str(FIXTURES), "--diff", "--format", "jsonl", "--quiet")
    assert result.exit_code == 0
    (cluster,) = [json.loads(line) for line in result.stdout.splitlines()]
    original, member = cluster["members"]
    assert "diff" not in original
    assert member["diff"]["a"] == original["id"] and member["diff"]["b"] == member["id"]
    assert member["diff"]["relation"] == member["relation"]
    assert member["diff"]["scores"] == member["scores"]


def test_scan_diff_table_prints_each_member_diff_after_the_table() -> None:
    result = run("scan", str(FIXTURES), "--diff", "--format", "table", "--quiet")
    assert result.exit_code == 0
    table_end = result.stdout.index("rewrite")
    diff_start = result.stdout.index("--- A ")
    assert table_end < diff_start
    assert "[-killed-]{+retaliated by assassinating+}" in result.stdout[diff_start:]


def test_scan_without_diff_has_no_diff_key() -> None:
    result = run("scan", str(FIXTURES), "--format", "jsonl", "--quiet")
    assert result.exit_code == 0
    assert all("diff" not in m for line in result.stdout.splitlines() for m in json.loads(line)["members"])


def test_scan_diff_with_csv_is_a_usage_error() -> None:
    result = run("scan", str(FIXTURES), "--diff", "--format", "csv")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "--diff" in result.stderr and "csv" in result.stderr


def test_diff_has_help() -> None:
    result = run("diff", "--help")
    assert result.exit_code == 0
    assert "kept, reworded, dropped and added" in result.stdout
