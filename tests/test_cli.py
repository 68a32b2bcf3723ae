"""The command line as users drive it: stdout, stderr and exit code asserted separately."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from dedup import cli
from dedup.report import FLAT_COLUMNS

from .conftest import FIXTURES, ORIGINAL, REWRITE, SUMMIT_A, SUMMIT_B, run


def test_scan_fixtures_finds_one_rewrite_cluster_in_jsonl() -> None:
    result = run("scan", str(FIXTURES), "--format", "jsonl")
    assert result.exit_code == 0, result.stderr
    (line,) = result.stdout.splitlines()
    record = json.loads(line)
    assert record["cluster"] == 1 and record["size"] == 2
    assert record["original"] == str(ORIGINAL)
    original, member = record["members"]
    assert (original["id"], original["date"], original["relation"]) == (str(ORIGINAL), "2023-10-18", "original")
    assert (member["id"], member["date"], member["relation"]) == (str(REWRITE), "2023-11-07", "rewrite")
    assert {"jaccard", "containment", "terms", "bigrams", "sentences", "ratio", "length"} <= set(member["scores"])
    # fixtures/html and fixtures/warc hold four more articles, unrelated to these and to each other
    assert "6 documents read, 0 skipped, 1 clusters, 1 duplicates" in result.stderr


def test_output_is_the_same_byte_for_byte_on_every_run() -> None:
    assert (
        run("scan", str(FIXTURES), "--format", "json").stdout == run("scan", str(FIXTURES), "--format", "json").stdout
    )


def test_json_is_the_jsonl_objects_in_one_array() -> None:
    as_json = json.loads(run("scan", str(FIXTURES), "--format", "json").stdout)
    as_jsonl = [json.loads(line) for line in run("scan", str(FIXTURES), "--format", "jsonl").stdout.splitlines()]
    assert as_json == as_jsonl


@pytest.mark.parametrize(("fmt", "delimiter"), [("csv", ","), ("tsv", "\t")])
def test_csv_and_tsv_have_one_row_per_member(fmt: str, delimiter: str) -> None:
    result = run("scan", str(FIXTURES), "--format", fmt)
    rows = list(csv.DictReader(io.StringIO(result.stdout), delimiter=delimiter))
    assert list(rows[0]) == list(FLAT_COLUMNS)
    assert [(r["id"], r["relation"]) for r in rows] == [(str(ORIGINAL), "original"), (str(REWRITE), "rewrite")]


def test_table_and_quiet() -> None:
    result = run("scan", str(FIXTURES), "--format", "table", "--quiet")
    assert result.exit_code == 0
    assert "rewrite" in result.stdout and "original" in result.stdout
    assert result.stderr == ""


def test_default_format_off_a_terminal_is_jsonl() -> None:
    result = run("scan", str(FIXTURES))
    assert json.loads(result.stdout.splitlines()[0])["size"] == 2


def test_stdin_jsonl_with_field_names() -> None:
    lines = [
        {"uid": "a", "body": ORIGINAL.read_text(), "day": "2023-10-18"},
        {"uid": "b", "body": REWRITE.read_text(), "day": "2023-11-07"},
        {"uid": "c", "body": SUMMIT_A},
        {"uid": "d", "body": SUMMIT_B},
    ]
    stdin = "".join(json.dumps(line) + "\n" for line in lines)
    result = run("scan", "-", "--format", "json", "--text-field", "body", "--id-field", "uid", "--date-field", "day",
                 input=stdin)  # fmt: skip
    assert result.exit_code == 0, result.stderr
    (cluster,) = json.loads(result.stdout)
    assert [(m["id"], m["relation"]) for m in cluster["members"]] == [("a", "original"), ("b", "rewrite")]


def test_bad_inputs_warn_on_stderr_and_the_run_goes_on(tmp_path: Path) -> None:
    for source in (ORIGINAL, REWRITE):
        (tmp_path / source.name).write_bytes(source.read_bytes())
    (tmp_path / "broken.jsonl").write_text('{"text": "ok text here"}\n{oops\n')
    (tmp_path / "empty.txt").write_text("")
    result = run("scan", str(tmp_path), "--format", "jsonl")
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 1
    assert f"{tmp_path / 'broken.jsonl'}:2: malformed JSON line" in result.stderr
    assert f"{tmp_path / 'empty.txt'}: empty text" in result.stderr
    assert "3 documents read, 2 skipped" in result.stderr
    assert "{" not in result.stdout.replace(result.stdout.splitlines()[0], "")  # nothing but the data


def test_no_readable_input_exits_2_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("")
    result = run("scan", str(tmp_path), str(tmp_path / "missing"))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "no readable documents" in result.stderr and "2 skipped" in result.stderr


def test_usage_errors_exit_2() -> None:
    assert run("scan").exit_code == 2
    assert run("scan", str(FIXTURES), "--format", "yaml").exit_code == 2
    assert run("scan", str(FIXTURES), "--keep", "newest").exit_code == 2


def test_a_crash_exits_2_not_a_verdict(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(cli, "scan", explode)
    result = run("scan", str(FIXTURES), "--format", "jsonl")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "internal error: RuntimeError: boom" in result.stderr


def test_keep_longest_changes_the_original() -> None:
    result = run("scan", str(FIXTURES), "--format", "jsonl", "--keep", "longest")
    assert json.loads(result.stdout)["original"] == str(ORIGINAL)  # the original is also the longer
    result = run("scan", str(REWRITE), str(ORIGINAL), "--format", "jsonl", "--keep", "first")
    assert json.loads(result.stdout)["original"] == str(REWRITE)


def test_evaluate_prints_scores_and_json(tmp_path: Path) -> None:
    clusters = tmp_path / "clusters.jsonl"
    clusters.write_text(run("scan", str(FIXTURES), "--format", "jsonl").stdout)
    gold = tmp_path / "gold.csv"
    gold.write_text(f"id,group\n{ORIGINAL},1\n{REWRITE},1\nunrelated,2\n")
    result = run("evaluate", str(clusters), str(gold), "--json")
    assert result.exit_code == 0
    scores = json.loads(result.stdout)
    assert scores["precision"] == 1.0 and scores["recall"] == 1.0 and scores["ari"] == 1.0
    text = run("evaluate", str(clusters), str(gold))
    assert "precision 1.000" in text.stdout and "ari 1.000" in text.stdout


def test_evaluate_bad_gold_exits_2(tmp_path: Path) -> None:
    gold = tmp_path / "gold.csv"
    gold.write_text("name,label\n")
    result = run("evaluate", str(gold), str(gold))
    assert result.exit_code == 2 and "needs the columns" in result.stderr


def test_every_command_has_help() -> None:
    for name, command in cli.main.commands.items():
        result = run(name, "--help")
        assert result.exit_code == 0 and command.help, name
        assert "Usage:" in result.stdout
