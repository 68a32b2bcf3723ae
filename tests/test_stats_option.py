"""`dedup scan --stats FILE`: the benchmark's window into stage timings, off the data stream."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from dedup.cli import main

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
STAGES = {"read", "boilerplate", "fingerprint", "candidates", "verify", "cluster", "write"}


def test_stats_file_holds_stage_timings_counts_and_memory(tmp_path: Path) -> None:
    stats_path = tmp_path / "stats.json"
    runner = CliRunner()
    seeds = [str(path) for path in sorted(FIXTURES.glob("*.txt"))]
    plain = runner.invoke(main, ["scan", *seeds, "--format", "jsonl", "--quiet"])
    result = runner.invoke(main, ["scan", *seeds, "--format", "jsonl", "--quiet", "--stats", str(stats_path)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == plain.stdout  # the data on stdout does not change
    assert result.stderr == ""
    stats = json.loads(stats_path.read_text(encoding="utf-8"))
    assert stats["documents"] == len(seeds)
    assert stats["clusters"] == len(result.stdout.splitlines())
    assert set(stats["seconds"]) == STAGES | {"total"}
    assert all(value >= 0 for value in stats["seconds"].values())
    assert stats["seconds"]["total"] >= stats["seconds"]["fingerprint"]
    assert set(stats["peak_rss_mb"]) == STAGES
    assert all(value > 0 for value in stats["peak_rss_mb"].values())
    assert [p.name for p in tmp_path.iterdir()] == ["stats.json"]  # no temporary file left behind


def test_stats_option_is_hidden_from_help() -> None:
    result = CliRunner().invoke(main, ["scan", "--help"])
    assert result.exit_code == 0
    assert "--stats" not in result.stdout
