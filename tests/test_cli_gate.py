"""dedup check, scan --format paths, --files-from and dedup filter through the CLI: every exit code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dedup import cli

from .conftest import run

A, B, COPY = "a.txt", "b.txt", "copy of a.txt"
STORM, LIBRARY, SYNDICATED = (
    "harbour-storm-closes-port.html",
    "riverside-library-reopens.htm",
    "storm (syndicated copy).txt",
)


@pytest.fixture(autouse=True)
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in a fresh repository folder, so no settings file but the test's own is found."""
    folder = tmp_path / "work"
    (folder / ".git").mkdir(parents=True)
    monkeypatch.chdir(folder)
    return folder


def names(output: str, end: str = "\n") -> list[str]:
    return [Path(p).name for p in output.split(end) if p]


# dedup check: exit 0


def test_check_within_the_rate_exits_0_and_prints_nothing_on_stdout(corpus):
    result = run("check", corpus, "--max-duplicate-rate", "0.5")  # 3 of 6: at the limit
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert "check passed: 3 duplicates among 6 documents (rate 0.5)" in result.stderr


def test_check_counting_a_relation_nobody_has_passes(corpus):
    result = run("check", corpus, "--relations", "truncation")
    assert result.exit_code == 0, result.stderr
    assert "check passed: 0 duplicates" in result.stderr


# dedup check: exit 1


def test_check_without_a_limit_fails_on_any_duplicate_listing_clusters_worst_first(corpus):
    result = run("check", corpus)
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    failed = lines.index("check failed: 3 duplicates in 2 clusters; none allowed")
    assert (
        lines[failed + 1]
        == f"  cluster 1: 2 duplicates of {corpus / A}: {corpus / COPY} (exact), {corpus / B} (rewrite)"
    )
    assert lines[failed + 2] == f"  cluster 2: 1 duplicate of {corpus / STORM}: {corpus / SYNDICATED} (near-copy)"


def test_check_over_the_rate_fails(corpus):
    result = run("check", corpus, "--max-duplicate-rate", "0.4")
    assert result.exit_code == 1
    assert "check failed: duplicate rate 0.5 (3 duplicates among 6 documents), over the limit 0.4" in result.stderr


def test_check_over_the_cluster_count_fails(corpus):
    result = run("check", corpus, "--max-clusters", "1")
    assert result.exit_code == 1
    assert "check failed: 2 clusters with duplicates, over the limit 1" in result.stderr


def test_check_relations_restrict_what_counts_and_the_worst_relation_comes_first(corpus):
    result = run("check", corpus, "--relations", "near-copy,rewrite")
    assert result.exit_code == 1
    offenders = [line for line in result.stderr.splitlines() if line.startswith("  cluster")]
    assert offenders == [
        f"  cluster 2: 1 duplicate of {corpus / STORM}: {corpus / SYNDICATED} (near-copy)",
        f"  cluster 1: 1 duplicate of {corpus / A}: {corpus / B} (rewrite)",
    ]


def test_check_quiet_breach_still_exits_1_with_nothing_on_stderr(corpus):
    result = run("check", corpus, "-q")
    assert result.exit_code == 1
    assert result.stderr == ""


def test_check_writes_the_full_report_when_asked(corpus, workdir):
    report = workdir / "out" / "dedup-report.json"
    report.parent.mkdir()
    result = run("check", corpus, "--max-clusters", "1", "--report", report)
    assert result.exit_code == 1
    data = json.loads(report.read_text())
    assert data["passed"] is False
    assert data["breaches"] == ["2 clusters with duplicates, over the limit 1"]
    assert [o["original"] for o in data["offenders"]] == [str(corpus / A), str(corpus / STORM)]
    assert data["offenders"][0]["counted"] == [str(corpus / COPY), str(corpus / B)]  # exact before rewrite
    assert sorted(p.name for p in report.parent.iterdir()) == ["dedup-report.json"]
    passed = run("check", corpus, "--max-clusters", "2", "--report", report)
    assert passed.exit_code == 0
    assert json.loads(report.read_text())["passed"] is True


def test_check_against_a_baseline_counts_only_new_duplicates(corpus, workdir):
    scanned = run("scan", corpus, "--format", "json", "-q")
    assert scanned.exit_code == 0
    (workdir / "known.json").write_text(scanned.stdout)

    unchanged = run("check", corpus, "--baseline", "known.json")
    assert unchanged.exit_code == 0, unchanged.stderr
    assert "check passed: 0 new duplicates among 6 documents" in unchanged.stderr

    (corpus / "storm again.html").write_bytes((corpus / STORM).read_bytes())
    grown = run("check", corpus, "--baseline", "known.json")
    assert grown.exit_code == 1
    assert "check failed: 1 new duplicate in 1 cluster; none allowed" in grown.stderr
    assert f"{corpus / 'storm again.html'} (exact)" in grown.stderr
    assert str(corpus / SYNDICATED) not in grown.stderr  # known, so not listed


# settings files


def test_settings_file_sets_the_limit_and_a_flag_overrides_it(corpus, workdir):
    (workdir / "pyproject.toml").write_text(
        '[tool.dedup]\nmax-duplicate-rate = 0.6\nrelations = ["exact", "rewrite"]\n'
    )
    within = run("check", corpus)
    assert within.exit_code == 0, within.stderr
    assert "check passed: 2 duplicates" in within.stderr  # the near-copy does not count
    over = run("check", corpus, "--max-duplicate-rate", "0.1")
    assert over.exit_code == 1
    assert "over the limit 0.1" in over.stderr


def test_baseline_in_a_settings_file_is_found_relative_to_it(corpus, workdir, monkeypatch):
    scanned = run("scan", corpus, "--format", "json", "-q")
    (workdir / "ci").mkdir()
    (workdir / "ci" / "known.json").write_text(scanned.stdout)
    (workdir / "dedup.toml").write_text('baseline = "ci/known.json"\n')
    (workdir / "sub").mkdir()
    monkeypatch.chdir(workdir / "sub")  # the file is found upward; its path is read from where the file is
    result = run("check", corpus)
    assert result.exit_code == 0, result.stderr
    assert "check passed: 0 new duplicates" in result.stderr


# exit 2


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("max-rate = 0.1\n", "dedup.toml: max-rate: unknown setting"),
        ("max-duplicate-rate = [\n", "dedup.toml: invalid TOML"),
        ('max-clusters = "two"\n', "dedup.toml: max-clusters must be a whole number"),
    ],
)
def test_bad_settings_file_exits_2_naming_the_problem(corpus, workdir, toml, message):
    (workdir / "dedup.toml").write_text(toml)
    for command in ("check", "scan"):
        result = run(command, corpus)
        assert result.exit_code == 2, command
        assert message in result.stderr
        assert result.stdout == ""


def test_check_with_no_readable_input_exits_2(workdir):
    (workdir / "empty").mkdir()
    result = run("check", workdir / "empty", "missing.txt")
    assert result.exit_code == 2
    assert "missing.txt: no such file or folder" in result.stderr
    assert "error: no readable documents" in result.stderr


def test_check_with_an_unreadable_baseline_exits_2_before_scanning(corpus):
    result = run("check", corpus, "--baseline", "nowhere.json")
    assert result.exit_code == 2
    assert "cannot read baseline nowhere.json" in result.stderr
    assert "documents read" not in result.stderr


def test_check_that_cannot_write_its_report_exits_2(corpus, workdir):
    result = run("check", corpus, "--report", workdir / "no-such-folder" / "report.json")
    assert result.exit_code == 2
    assert "cannot write report" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check"], "Give PATHS"),
        (["check", "x", "--max-duplicate-rate", "2"], "--max-duplicate-rate"),
        (["check", "x", "--relations", "copies"], "--relations must name relations"),
        (["check", "x", "-0"], "-0 applies to --files-from"),
        (["scan", "x", "--select", "unique"], "add --format paths"),
        (["scan", "x", "--format", "json", "-0"], "-0 applies to --files-from and --format paths"),
        (["scan", "-", "--files-from", "-"], "stdin cannot hold both"),
    ],
)
def test_usage_errors_exit_2(args, message):
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_internal_error_exits_2_never_0_or_1(corpus, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(cli, "check", broken)
    result = run("check", corpus)
    assert result.exit_code == 2
    assert "internal error: RuntimeError: boom" in result.stderr


# scan --format paths, --files-from


@pytest.mark.parametrize(
    ("select", "expected"),
    [
        ("duplicates", [B, COPY, SYNDICATED]),
        ("originals", [A, STORM]),
        ("unique", [A, STORM, LIBRARY]),
    ],
)
def test_scan_paths_prints_the_selection_in_input_order(corpus, select, expected):
    result = run("scan", corpus, "--format", "paths", "--select", select)
    assert result.exit_code == 0, result.stderr
    assert names(result.stdout) == expected
    assert "6 documents read" in result.stderr


def test_scan_paths_defaults_to_duplicates_and_ends_paths_with_nul_given_0(corpus):
    result = run("scan", corpus, "--format", "paths", "-0")
    assert result.exit_code == 0
    assert result.stdout.endswith("\0")
    assert names(result.stdout, "\0") == [B, COPY, SYNDICATED]


def test_files_from_reads_a_list_of_paths(corpus, workdir):
    listing = workdir / "list.txt"
    listing.write_text(f"{corpus / A}\n{corpus / COPY}\n{corpus / LIBRARY}\n")
    result = run("scan", "--files-from", listing, "--format", "paths", "--select", "duplicates")
    assert result.exit_code == 0, result.stderr
    assert names(result.stdout) == [COPY]
    assert "3 documents read" in result.stderr


def test_files_from_stdin_with_nul_separators_adds_to_paths(corpus):
    listing = f"{corpus / COPY}\0{corpus / SYNDICATED}\0".encode()
    result = run("check", corpus / A, corpus / STORM, "--files-from", "-", "-0", input=listing)
    assert result.exit_code == 1
    assert "check failed: 2 duplicates in 2 clusters" in result.stderr


def test_empty_files_from_list_exits_2(workdir):
    (workdir / "list.txt").write_text("\n")
    result = run("check", "--files-from", "list.txt")
    assert result.exit_code == 2
    assert "no paths in list.txt" in result.stderr


# dedup filter


def test_filter_keeps_originals_and_unique_records_byte_for_byte_in_input_order(corpus_jsonl):
    lines = corpus_jsonl.read_bytes().splitlines(keepends=True)
    result = run("filter", corpus_jsonl)
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes == lines[0] + lines[5]
    assert f"{corpus_jsonl}:2: no text in field 'text'" in result.stderr
    assert f"{corpus_jsonl}:5: malformed JSON line" in result.stderr
    assert "4 documents read, 2 skipped" in result.stderr
    assert "2 records written" in result.stderr


def test_filter_reads_stdin(corpus_jsonl):
    lines = corpus_jsonl.read_bytes().splitlines(keepends=True)
    result = run("filter", "-", "-q", input=corpus_jsonl.read_bytes())
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes == lines[0] + lines[5]
    assert result.stderr == ""


def test_filter_annotate_keeps_every_document_and_adds_its_cluster_and_relation(corpus_jsonl):
    result = run("filter", corpus_jsonl, "--annotate", "-q")
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in result.stdout_bytes.splitlines()]
    assert [(r["id"], r["dedup"]) for r in records] == [
        ("a", {"cluster": 1, "relation": "original", "original": "a"}),
        ("b", {"cluster": 1, "relation": "rewrite", "original": "a"}),
        ("c", {"cluster": 1, "relation": "exact", "original": "a"}),
        ("u", {"cluster": None, "relation": "unique", "original": None}),
    ]
    assert records[3]["source"] == "Millbrook Gazette"


def test_filter_with_no_readable_records_exits_2(workdir):
    (workdir / "bad.jsonl").write_text('{"id": 1}\nnot json\n')
    result = run("filter", "bad.jsonl")
    assert result.exit_code == 2
    assert "no readable documents in bad.jsonl (2 skipped)" in result.stderr
    assert result.stdout == ""


def test_filter_of_a_missing_file_exits_2():
    result = run("filter", "nowhere.jsonl")
    assert result.exit_code == 2


def test_check_help_documents_its_exit_codes():
    check_help = run("check", "--help").stdout
    for line in ("0  within the policy", "1  policy breached", "2  usage error or trouble"):
        assert line in check_help
