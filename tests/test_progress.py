"""Progress on stderr: plain lines in a log (timed by a fake clock), a live bar on a terminal, nothing
when quiet, and never anything on stdout."""

from __future__ import annotations

import io
import json
import re

import pytest
from rich.console import Console

from dedup import console
from dedup.console import LOG_AFTER_SECONDS, LOG_ALWAYS_AFTER_SECONDS, LOG_EVERY_SECONDS, MINIMUM_ITEMS, RichProgress

from .conftest import FIXTURES, run

COLOUR = re.compile(r"\x1b\[[0-9;]*[39][0-7]m")  # a foreground colour escape


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def log_progress(quiet: bool = False) -> tuple[RichProgress, FakeClock, io.StringIO]:
    """A progress display writing to a log (not a terminal), on a clock the test moves."""
    log, clock = io.StringIO(), FakeClock()
    return RichProgress(Console(file=log, width=200), quiet=quiet, clock=clock), clock, log


def run_stage(progress: RichProgress, clock: FakeClock, name: str, steps: list[int], seconds_each: float, unit: str):
    with progress.stage(name, sum(steps), unit=unit) as advance:
        for step in steps:
            clock.now += seconds_each
            advance(step)


def test_a_finished_stage_prints_one_line_with_its_count_time_and_rate() -> None:
    progress, clock, log = log_progress()
    run_stage(progress, clock, "fingerprint", [1000] * 100, 0.042, "documents")
    assert log.getvalue() == "fingerprint: 100,000 documents in 4.2 s (23,800 documents/s)\n"


def test_a_stage_ending_within_the_threshold_prints_nothing() -> None:
    progress, clock, log = log_progress()
    seconds_each = 0.99 * LOG_AFTER_SECONDS / 100
    run_stage(progress, clock, "fingerprint", [1000] * 100, seconds_each, "documents")
    assert log.getvalue() == ""


def test_a_stage_of_few_items_prints_nothing_unless_it_takes_long() -> None:
    progress, clock, log = log_progress()
    run_stage(progress, clock, "fingerprint", [MINIMUM_ITEMS - 1], 0.9 * LOG_ALWAYS_AFTER_SECONDS, "documents")
    assert log.getvalue() == ""  # the first run's compiling, on the six fixtures
    run_stage(progress, clock, "candidates", [8] * 16, LOG_ALWAYS_AFTER_SECONDS / 10, "bands")
    assert log.getvalue().splitlines()[-1].startswith("candidates: 128 bands in ")


def test_a_long_stage_says_where_it_is_at_most_once_per_interval() -> None:
    progress, clock, log = log_progress()
    with progress.stage("verify", 8_900_000, unit="pairs") as advance:
        clock.now += LOG_EVERY_SECONDS - 0.1
        advance(400_000)
        assert log.getvalue() == ""
        clock.now += 0.2  # 10.1 s in: 1,200,000 pairs, 118,812 pairs/s
        advance(800_000)
        first = "verify: 1,200,000 of 8,900,000 pairs (13%), 119,000 pairs/s, 1 min 5 s left\n"
        assert log.getvalue() == first
        clock.now += LOG_EVERY_SECONDS / 2
        advance(100_000)
        assert log.getvalue() == first
        clock.now += LOG_EVERY_SECONDS
        advance(7_600_000)
    lines = log.getvalue().splitlines()
    assert len(lines) == 2  # the stage ended with its last step: the closing line, no progress line
    assert lines[1] == "verify: 8,900,000 pairs in 25.1 s (355,000 pairs/s)"


def test_a_stage_that_fails_prints_no_closing_line() -> None:
    progress, clock, log = log_progress()
    with pytest.raises(RuntimeError), progress.stage("verify", 10_000, unit="pairs") as advance:
        clock.now += 2 * LOG_AFTER_SECONDS
        advance(5_000)
        raise RuntimeError("worker died")
    assert log.getvalue() == ""


def test_reading_counts_documents_whose_total_is_not_known() -> None:
    progress, clock, log = log_progress()

    def documents():
        for number in range(30_000):
            clock.now += 1 / 1024  # exact in binary, so the interval ends on a known document
            yield number

    assert list(progress.track(documents(), "read", "documents")) == list(range(30_000))
    lines = log.getvalue().splitlines()
    assert lines[0] == "read: 10,240 documents, 1,020 documents/s"
    assert lines[1] == "read: 20,480 documents, 1,020 documents/s"
    assert lines[2] == "read: 30,000 documents in 29.3 s (1,020 documents/s)"
    assert len(lines) == 3


def test_quiet_prints_nothing() -> None:
    progress, clock, log = log_progress(quiet=True)
    run_stage(progress, clock, "verify", [20_000] * 50, LOG_EVERY_SECONDS, "pairs")
    assert list(progress.track(range(1000), "read", "documents")) == list(range(1000))
    assert log.getvalue() == ""


def test_on_a_terminal_the_bar_shows_count_rate_and_unit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    screen, clock = io.StringIO(), FakeClock()
    progress = RichProgress(Console(file=screen, force_terminal=True, width=160), clock=clock)
    run_stage(progress, clock, "fingerprint", [1000] * 12, 0.5, "documents")
    drawn = screen.getvalue()
    assert "12,000 of 12,000 documents (100%), 2,000 documents/s" in drawn
    assert COLOUR.search(drawn)
    assert "fingerprint: " not in drawn  # no log lines on a terminal


def test_on_a_terminal_no_color_draws_the_bar_without_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    screen, clock = io.StringIO(), FakeClock()
    progress = RichProgress(Console(file=screen, force_terminal=True, width=160), clock=clock)
    run_stage(progress, clock, "verify", [1000] * 12, 0.5, "pairs")
    drawn = screen.getvalue()
    assert "12,000 of 12,000 pairs" in drawn
    assert not COLOUR.search(drawn)


def test_on_a_terminal_reading_shows_once_it_has_counted_enough() -> None:
    screen, clock = io.StringIO(), FakeClock()
    progress = RichProgress(Console(file=screen, force_terminal=True, width=160), clock=clock)
    assert list(progress.track(range(MINIMUM_ITEMS - 1), "read", "documents")) == list(range(MINIMUM_ITEMS - 1))
    assert screen.getvalue() == ""
    list(progress.track(range(5000), "read", "documents"))
    assert "5,000 documents" in screen.getvalue()


def test_a_scan_logs_its_stages_on_stderr_and_only_data_on_stdout(monkeypatch: pytest.MonkeyPatch) -> None:
    quiet = run("scan", FIXTURES, "--format", "jsonl", "--quiet")
    monkeypatch.setattr(console, "LOG_AFTER_SECONDS", 1e-9)
    monkeypatch.setattr(console, "MINIMUM_ITEMS", 0)  # so even the six fixtures' stages are worth a line
    result = run("scan", FIXTURES, "--format", "jsonl")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == quiet.stdout
    assert all(json.loads(line)["members"] for line in result.stdout.splitlines())
    logged = [line.split(":")[0] for line in result.stderr.splitlines() if " documents in " in line]
    assert logged == ["read", "fingerprint", "rewrite", "evidence"]  # no chrome: none to fingerprint again
    assert "\x1b" not in result.stderr
    assert run("scan", FIXTURES, "--format", "jsonl", "--quiet").stderr == ""


def test_a_short_scan_prints_only_its_summary_on_stderr() -> None:
    result = run("scan", FIXTURES, "--format", "jsonl")
    assert result.exit_code == 0, result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith("6 documents read")


@pytest.mark.parametrize(
    ("seconds", "shown"), [(4.21, "4.2 s"), (59.97, "1 min 0 s"), (217.4, "3 min 37 s"), (3725, "1 h 2 min")]
)
def test_durations_read_as_people_say_them(seconds: float, shown: str) -> None:
    assert console.duration(seconds) == shown
