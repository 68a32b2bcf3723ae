"""The `dedup` command: parses options, wires the stages, renders. The only module that imports click."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .cluster import KEEP_RULES
from .console import RichProgress, error, stderr, warn
from .document import Problem
from .evaluate import load_grouping, score
from .reading import Fields, iter_documents
from .report import FORMATS, cluster_records, render_table, write_records
from .scan import ScanOptions, scan
from .stats import peak_rss_mb, write_json_atomically
from .verify import Thresholds

EXIT_OK, EXIT_OVER_LIMIT, EXIT_TROUBLE = 0, 1, 2

F = TypeVar("F", bound=Callable[..., Any])


def _never_crash_as_verdict(command: F) -> F:
    """An unexpected exception exits 2 with one line on stderr, never 0 or 1 (those are verdicts)."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (click.exceptions.Exit, click.ClickException, click.Abort, KeyboardInterrupt):
            raise
        except BrokenPipeError:
            sys.stderr.close()  # the reader went away (| head): not an error of ours
            sys.exit(EXIT_OK)
        except Exception as exception:
            error(f"internal error: {type(exception).__name__}: {exception}")
            sys.exit(EXIT_TROUBLE)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dedup")
def main() -> None:
    """Find and cluster near-duplicate news articles: copies, near copies, truncations and rewrites.

    Exit codes: 0 success, 1 duplicates over a limit, 2 usage error or trouble."""


@main.command("scan")
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="Output format. Default: table on a terminal, jsonl otherwise.",
)
@click.option(
    "--keep",
    type=click.Choice(KEEP_RULES),
    default="earliest",
    show_default=True,
    help="Which member is the original: earliest date (ties: longest, then input order), longest, or first read.",
)
@click.option("--text-field", default="text", show_default=True, help="JSON key holding the article text.")
@click.option("--id-field", default="id", show_default=True, help="JSON key holding the document id.")
@click.option("--date-field", default="date", show_default=True, help="JSON key holding the date (YYYY-MM-DD...).")
@click.option("--title-field", default="title", show_default=True, help="JSON key holding the title.")
@click.option("--url-field", default="url", show_default=True, help="JSON key holding the URL.")
@click.option(
    "--rewrite-score",
    type=click.FloatRange(0, 2),
    default=Thresholds.rewrite_score,
    show_default=True,
    help="Verification: terms + bigrams at or above this makes a pair a rewrite. Lower finds more, less surely.",
)
@click.option("-q", "--quiet", is_flag=True, help="No warnings or summary on stderr; errors only.")
@click.option(
    "--stats",
    "stats_path",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    hidden=True,
    help="Write stage timings, counts and peak memory as JSON to this file (for `make bench`).",
)
@_never_crash_as_verdict
def scan_command(
    paths: tuple[str, ...],
    fmt: str | None,
    keep: str,
    text_field: str,
    id_field: str,
    date_field: str,
    title_field: str,
    url_field: str,
    rewrite_score: float,
    quiet: bool,
    stats_path: Path | None,
) -> None:
    """Cluster near-duplicates among the articles in PATHS (files, folders, or - for JSON Lines on stdin).

    \b
    Reads .txt and .md (whole file; a leading "date YYYY-MM-DD" line is the date),
    .json (an object or an array of objects) and .jsonl (one object per line).
    Folders are read recursively in sorted order; hidden files are skipped.
    """
    started = time.perf_counter()
    fields = Fields(text=text_field, id=id_field, date=date_field, title=title_field, url=url_field)
    problems: list[Problem] = []

    def on_problem(problem: Problem) -> None:
        problems.append(problem)
        if not quiet:
            warn(str(problem))

    documents = list(iter_documents(paths, fields, on_problem))
    read_seconds, read_memory = time.perf_counter() - started, peak_rss_mb()
    skipped = sum(p.skipped for p in problems)
    if not documents:
        error(f"no readable documents in {', '.join(paths)}" + (f" ({skipped} skipped)" if skipped else ""))
        sys.exit(EXIT_TROUBLE)

    options = ScanOptions(keep=keep, policy=Thresholds(rewrite_score=rewrite_score))
    result = scan(documents, options, RichProgress(enabled=None if not quiet else False))
    written = time.perf_counter()
    records = cluster_records(result.clusters, documents)

    fmt = fmt or ("table" if sys.stdout.isatty() else "jsonl")
    if fmt == "table":
        from rich.console import Console

        render_table(records, Console())
    else:
        write_records(records, fmt, sys.stdout)
        sys.stdout.flush()
    if stats_path is not None:
        stats: dict[str, Any] = {
            "documents": len(documents),
            "skipped": skipped,
            "boilerplate": result.boilerplate,
            "candidates": result.candidates,
            "verified": result.verified,
            "clusters": len(records),
            "duplicates": result.duplicates,
            "seconds": {"read": read_seconds, **result.seconds, "write": time.perf_counter() - written},
            "peak_rss_mb": {"read": read_memory, **result.peak_rss_mb, "write": peak_rss_mb()},
        }
        stats["seconds"]["total"] = time.perf_counter() - started
        write_json_atomically(stats_path, stats)

    if not quiet:
        elapsed = time.perf_counter() - started
        stderr.print(
            f"{len(documents)} documents read, {skipped} skipped, {len(records)} clusters, "
            f"{result.duplicates} duplicates, {result.candidates} candidate pairs, {elapsed:.2f}s"
        )


@main.command("evaluate")
@click.argument("clusters", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the scores as one JSON object on stdout.")
@_never_crash_as_verdict
def evaluate_command(clusters: Path, gold: Path, as_json: bool) -> None:
    """Score CLUSTERS (dedup's json/jsonl output) against GOLD: pairwise precision, recall, F1, and ARI.

    GOLD is a CSV/TSV with columns `id` and `group` listing every document (a group of one is a
    singleton), or dedup's own json/jsonl. Documents not in GOLD are ignored."""
    try:
        predicted = load_grouping(clusters)
        expected = load_grouping(gold)
    except (ValueError, KeyError, json.JSONDecodeError) as problem:
        error(f"cannot read grouping: {problem}")
        sys.exit(EXIT_TROUBLE)
    scores = score(predicted, expected)
    if as_json:
        click.echo(json.dumps(scores.as_dict()))
    else:
        click.echo(
            f"documents {scores.documents}  pairs gold {scores.gold_pairs} predicted {scores.predicted_pairs} "
            f"true {scores.true_pairs}\n"
            f"precision {scores.precision:.3f}  recall {scores.recall:.3f}  f1 {scores.f1:.3f}  ari {scores.ari:.3f}"
        )
