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
from .diff import Diff, cluster_diffs, coloured, diff, diff_dict, plain, render
from .document import Document, Problem
from .evaluate import load_grouping, score
from .reading import Fields, iter_documents
from .report import FORMATS, cluster_records, render_table, write_records
from .scan import ScanOptions, scan
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
@click.option(
    "--min-sentences",
    type=click.FloatRange(0, 1),
    default=Thresholds.rewrite_sentences,
    show_default=True,
    help="Verification: a rewrite's sentences must match at least this closely. Higher rejects more follow-ups.",
)
@click.option(
    "--diff",
    "show_diff",
    is_flag=True,
    help='Also show each member\'s differences from its original: after the table, or as a "diff" key '
    "in each member record (json, jsonl). Not with csv or tsv.",
)
@click.option("-q", "--quiet", is_flag=True, help="No warnings or summary on stderr; errors only.")
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
    min_sentences: float,
    show_diff: bool,
    quiet: bool,
) -> None:
    """Cluster near-duplicates among the articles in PATHS (files, folders, or - for JSON Lines on stdin).

    \b
    Reads .txt and .md (whole file; a leading "date YYYY-MM-DD" line is the date),
    .json (an object or an array of objects) and .jsonl (one object per line).
    Folders are read recursively in sorted order; hidden files are skipped.
    """
    if show_diff and fmt in ("csv", "tsv"):
        error(f"--diff cannot go into {fmt} rows; use --format table, json or jsonl")
        sys.exit(EXIT_TROUBLE)
    started = time.perf_counter()
    fields = Fields(text=text_field, id=id_field, date=date_field, title=title_field, url=url_field)
    problems: list[Problem] = []

    def on_problem(problem: Problem) -> None:
        problems.append(problem)
        if not quiet:
            warn(str(problem))

    documents = list(iter_documents(paths, fields, on_problem))
    skipped = sum(p.skipped for p in problems)
    if not documents:
        error(f"no readable documents in {', '.join(paths)}" + (f" ({skipped} skipped)" if skipped else ""))
        sys.exit(EXIT_TROUBLE)

    options = ScanOptions(keep=keep, policy=Thresholds(rewrite_score=rewrite_score, rewrite_sentences=min_sentences))
    result = scan(documents, options, RichProgress(enabled=None if not quiet else False))
    records = cluster_records(result.clusters, documents)

    fmt = fmt or ("table" if sys.stdout.isatty() else "jsonl")
    diffs = [cluster_diffs(cluster, documents) for cluster in result.clusters] if show_diff else []
    if diffs and fmt != "table":
        for record, diffs_of_cluster in zip(records, diffs, strict=True):
            for member, member_diff in zip(record["members"][1:], diffs_of_cluster, strict=True):
                member["diff"] = diff_dict(member_diff)
    if fmt == "table":
        from rich.console import Console

        render_table(records, Console())
        for diffs_of_cluster in diffs:
            for member_diff in diffs_of_cluster:
                click.echo()
                _print_diff(member_diff)
    else:
        write_records(records, fmt, sys.stdout)
        sys.stdout.flush()

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


def _print_diff(value: Diff) -> None:
    """Colour on a terminal that allows it; marked-up plain text anywhere else (pipes, files, NO_COLOR)."""
    from rich.console import Console

    console = Console(highlight=False)
    lines = render(value)
    if console.is_terminal and console.color_system is not None and not console.no_color:
        console.print(coloured(lines), end="")
    else:
        sys.stdout.write(plain(lines))
        sys.stdout.flush()


@main.command("diff")
@click.argument("first", metavar="A")
@click.argument("second", metavar="B")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("text", "json")),
    default="text",
    show_default=True,
    help="text: summary, aligned sentences with word changes, dropped and added sentences, facts. "
    "json: the same as one JSON object.",
)
@_never_crash_as_verdict
def diff_command(first: str, second: str, fmt: str) -> None:
    """Show what B kept, reworded, dropped and added from A, and the facts found in only one of them.

    \b
    A and B are files as `dedup scan` reads them (.txt, .md, or a .json/.jsonl holding one record),
    or - for one JSON record on stdin. Exit status as diff(1): 0 no differences, 1 differences, 2 trouble."""
    documents = [_single_document(path) for path in (first, second)]
    value = diff(documents[0], documents[1])
    if fmt == "json":
        click.echo(json.dumps(diff_dict(value), ensure_ascii=False, indent=2))
    else:
        _print_diff(value)
    sys.exit(EXIT_OK if value.identical else EXIT_OVER_LIMIT)


def _single_document(path: str) -> Document:
    """The one article in `path`; anything else exits 2 with one line naming the file."""
    problems: list[Problem] = []
    documents = list(iter_documents([path], Fields(), problems.append))
    for problem in problems:
        if not problem.skipped:
            warn(str(problem))
    if len(documents) != 1:
        skipped = [p for p in problems if p.skipped]
        if skipped:
            error(str(skipped[0]))
        else:
            error(f"{path}: holds {len(documents)} documents; diff compares one article with another")
        sys.exit(EXIT_TROUBLE)
    return documents[0]
