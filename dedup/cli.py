"""The `dedup` command: parses options, wires the stages, renders. The only module that imports click."""

from __future__ import annotations

import gc
import json
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
from click.core import ParameterSource

from . import __version__
from .cluster import KEEP_RULES
from .config import KEYS as SETTING_KEYS
from .config import ConfigError, Settings, load_settings
from .console import RichProgress, error, stderr, warn
from .diff import Diff, cluster_diffs, coloured, diff, diff_dict, plain, render
from .document import Document, Problem
from .evaluate import load_grouping, score
from .filtering import copy_lines, read_corpus, roles_by_line, spool
from .gate import BaselineError, check, load_baseline, summary
from .reading import DocumentBlock, Fields, iter_blocks, iter_documents, paths_from
from .report import FORMATS, SELECTIONS, cluster_records, document_roles, render_table, write_atomically, write_records
from .scan import ScanResult, scan
from .stats import peak_rss_mb
from .store import DocumentStore
from .verify import RELATIONS, Thresholds

EXIT_OK, EXIT_OVER_LIMIT, EXIT_TROUBLE = 0, 1, 2
CI_LOG_CLUSTERS = 10  # check lists this many offending clusters on stderr; --report has them all

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


def _options(*decorators: Callable[[F], F]) -> Callable[[F], F]:
    """One decorator applying `decorators` in the order listed, so --help lists them in that order."""

    def apply(command: F) -> F:
        for decorator in reversed(decorators):
            command = decorator(command)
        return command

    return apply


_input_options = _options(
    click.argument("paths", nargs=-1),
    click.option(
        "--files-from",
        type=click.Path(exists=True, dir_okay=False, allow_dash=True),
        help="Also read the paths listed in FILE (- for stdin), one per line.",
    ),
    click.option(
        "-0",
        "--null",
        is_flag=True,
        help="NUL, not newline, ends each path that --files-from reads and --format paths prints.",
    ),
)
"""PATHS, --files-from and -0: where a scan's documents come from."""

_scan_options = _options(
    click.option(
        "--config",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="Settings file to use instead of the dedup.toml or pyproject.toml [tool.dedup] found from here.",
    ),
    click.option(
        "--keep",
        type=click.Choice(KEEP_RULES),
        default="earliest",
        show_default=True,
        help="Which member is the original: earliest date (ties: longest, then input order), longest, or first read.",
    ),
    click.option("--text-field", default="text", show_default=True, help="JSON key holding the article text."),
    click.option("--id-field", default="id", show_default=True, help="JSON key holding the document id."),
    click.option("--date-field", default="date", show_default=True, help="JSON key holding the date (YYYY-MM-DD...)."),
    click.option("--title-field", default="title", show_default=True, help="JSON key holding the title."),
    click.option("--url-field", default="url", show_default=True, help="JSON key holding the URL."),
    click.option(
        "--rewrite-score",
        type=click.FloatRange(0, 2),
        default=Thresholds.rewrite_score,
        show_default=True,
        help="Verification: terms + bigrams at or above this makes a pair a rewrite. Lower finds more, less surely.",
    ),
    click.option(
        "--min-sentences",
        type=click.FloatRange(0, 1),
        default=Thresholds.rewrite_sentences,
        show_default=True,
        help="Verification: a rewrite's sentences must match at least this closely. Higher rejects more follow-ups.",
    ),
    click.option(
        "-j",
        "--jobs",
        type=click.IntRange(min=0),
        default=0,
        help="Processes for the text-heavy stages (default 0: every core). Output does not depend on it.",
    ),
    click.option("-q", "--quiet", is_flag=True, help="No warnings or summary on stderr; errors only."),
)
"""The options of every command that scans (scan, check, filter); all but -q can also live in a settings file."""


def _settings(ctx: click.Context) -> Settings:
    """Defaults, then the settings file, then the flags given on this command line: built once, here."""
    given = {
        name.replace("_", "-"): value
        for name, value in ctx.params.items()
        if name.replace("_", "-") in SETTING_KEYS
        and ctx.get_parameter_source(name) not in (ParameterSource.DEFAULT, ParameterSource.DEFAULT_MAP)
    }
    try:
        return load_settings(given, ctx.params.get("config"))
    except ConfigError as problem:
        error(str(problem))
        sys.exit(EXIT_TROUBLE)


def _sources(paths: tuple[str, ...], files_from: str | None, null: bool) -> list[str]:
    sources = list(paths)
    if files_from is not None:
        if files_from == "-" and "-" in paths:
            raise click.UsageError("stdin cannot hold both documents (-) and the list of paths (--files-from -).")
        if files_from == "-":
            sources += paths_from(sys.stdin.buffer, null)
        else:
            try:
                with open(files_from, "rb") as listing:
                    sources += paths_from(listing, null)
            except OSError as problem:
                error(f"cannot read {files_from}: {problem.strerror or problem}")
                sys.exit(EXIT_TROUBLE)
        if not sources:
            error(f"no paths in {'stdin' if files_from == '-' else files_from}")
            sys.exit(EXIT_TROUBLE)
    if not sources:
        raise click.UsageError("Give PATHS to read, or --files-from FILE.")
    return sources


@dataclass
class _Run:
    documents: Sequence[Document]
    result: ScanResult
    skipped: int
    started: float
    read_seconds: float = 0.0
    read_peak_rss_mb: float = 0.0
    written: float = 0.0

    def stats(self, clusters: int) -> dict[str, Any]:
        """Stage timings, counts and peak memory, for `scan --stats` (what `make bench` reads)."""
        now = time.perf_counter()
        result = self.result
        return {
            "documents": len(self.documents),
            "skipped": self.skipped,
            "boilerplate": result.boilerplate,
            "candidates": result.candidates,
            "verified": result.verified,
            "accepted": result.accepted,
            "clusters": clusters,
            "duplicates": result.duplicates,
            "seconds": {
                "read": self.read_seconds,
                **result.seconds,
                "write": now - self.written,
                "total": now - self.started,
            },
            "peak_rss_mb": {"read": self.read_peak_rss_mb, **result.peak_rss_mb, "write": peak_rss_mb()},
        }

    def summary(self) -> str:
        return (
            f"{len(self.documents)} documents read, {self.skipped} skipped, {len(self.result.clusters)} clusters, "
            f"{self.result.duplicates} duplicates, {self.result.candidates} candidate pairs, "
            f"{time.perf_counter() - self.started:.2f}s"
        )


class _Problems:
    """Warns about each reading problem as it comes (unless quiet) and counts the inputs skipped."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.skipped = 0

    def __call__(self, problem: Problem) -> None:
        self.skipped += problem.skipped
        if not self.quiet:
            warn(str(problem))

    def require(self, documents: Sequence[Document], where: str) -> None:
        if not documents:
            error(f"no readable documents in {where}" + (f" ({self.skipped} skipped)" if self.skipped else ""))
            sys.exit(EXIT_TROUBLE)


def _counted(blocks: Iterable[DocumentBlock], advance: Callable[[int], None]) -> Iterator[DocumentBlock]:
    for block in blocks:
        advance(len(block))
        yield block


def _scan_sources(sources: Sequence[str], settings: Settings, quiet: bool) -> _Run:
    started = time.perf_counter()
    problems = _Problems(quiet)
    progress = RichProgress(quiet=quiet)
    # Straight into the store, which spools texts to disk past a limit: a run never holds every text.
    with progress.stage("read", None, "documents") as advance:
        documents = DocumentStore.of_blocks(
            _counted(iter_blocks(sources, settings.fields, problems, settings.scan.jobs), advance)
        )
    problems.require(documents, ", ".join(sources) if len(sources) <= 3 else f"the {len(sources)} paths given")
    read_seconds, read_memory = time.perf_counter() - started, peak_rss_mb()
    result = scan(documents, settings.scan, progress)
    return _Run(documents, result, problems.skipped, started, read_seconds, read_memory, time.perf_counter())


@main.command("scan")
@_input_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="Output format. Default: table on a terminal, jsonl otherwise. "
    "paths: one document id (a file's path) per line, for xargs.",
)
@click.option(
    "--select",
    type=click.Choice(SELECTIONS),
    default=None,
    help="With --format paths: duplicates (default), originals, or unique (every document that is not a "
    "duplicate: what a deduplication keeps).",
)
@click.option(
    "--diff",
    "show_diff",
    is_flag=True,
    help='Also show each member\'s differences from its original: after the table, or as a "diff" key '
    "in each member record (json, jsonl). Not with csv, tsv or paths.",
)
@_scan_options
@click.option(
    "--stats",
    "stats_path",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    hidden=True,
    help="Write stage timings, counts and peak memory as JSON to this file (for `make bench`).",
)
@click.pass_context
@_never_crash_as_verdict
def scan_command(
    ctx: click.Context,
    paths: tuple[str, ...],
    files_from: str | None,
    null: bool,
    fmt: str | None,
    select: str | None,
    show_diff: bool,
    quiet: bool,
    stats_path: Path | None,
    **_: Any,
) -> None:
    """Cluster near-duplicates among the articles in PATHS (files, folders, or - for JSON Lines on stdin).

    \b
    Reads .txt and .md (whole file; a leading "date YYYY-MM-DD" line is the date),
    .json (an object or an array of objects), .jsonl (one object per line),
    .html and .htm (the article's main text, title and date), and .warc / .warc.gz
    (each HTML response record is a document; its id is the record's target URI).
    Folders are read recursively in sorted order; hidden files are skipped.
    """
    if select is not None and fmt != "paths":
        raise click.UsageError("--select chooses what --format paths prints; add --format paths.")
    if null and fmt != "paths" and files_from is None:
        raise click.UsageError("-0 applies to --files-from and --format paths; add one of them or drop -0.")
    if show_diff and fmt in ("csv", "tsv", "paths"):
        error(f"--diff cannot go into {fmt} output; use --format table, json or jsonl")
        sys.exit(EXIT_TROUBLE)
    settings = _settings(ctx)
    run = _scan_sources(_sources(paths, files_from, null), settings, quiet)
    records = cluster_records(run.result.clusters, run.documents)

    fmt = fmt or ("table" if sys.stdout.isatty() else "jsonl")
    diffs = [cluster_diffs(cluster, run.documents) for cluster in run.result.clusters] if show_diff else []
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
        roles = document_roles(run.result.clusters, run.documents) if fmt == "paths" else None
        write_records(records, fmt, sys.stdout, roles=roles, select=select or "duplicates", end="\0" if null else "\n")
        sys.stdout.flush()
    if stats_path is not None:
        write_atomically(stats_path, json.dumps(run.stats(len(records)), indent=2) + "\n")

    if not quiet:
        stderr.print(run.summary(), soft_wrap=True)


@main.command("check")
@_input_options
@click.option(
    "--max-duplicate-rate",
    type=click.FloatRange(0, 1),
    help="Fail when duplicates / documents is over R (0.02 allows 2 in 100).",
)
@click.option("--max-clusters", type=click.IntRange(min=0), help="Fail when more than N clusters hold duplicates.")
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False),
    help="Count only duplicates FILE does not already group together (the output of dedup scan --format json).",
)
@click.option(
    "--relations",
    help=f"Count only these relations, comma-separated: {','.join(RELATIONS)}. Default: all.",
)
@click.option(
    "--report",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the full report, every offending cluster worst first, as JSON to FILE.",
)
@_scan_options
@click.pass_context
@_never_crash_as_verdict
def check_command(
    ctx: click.Context,
    paths: tuple[str, ...],
    files_from: str | None,
    null: bool,
    report: Path | None,
    quiet: bool,
    **_: Any,
) -> None:
    """Fail when the duplicates among the articles in PATHS breach a policy: a gate for CI.

    The policy is a duplicate rate (--max-duplicate-rate), a number of clusters (--max-clusters), or,
    with neither, no duplicates at all. With --baseline, only new duplicates count. Limits can also be
    set in dedup.toml or in pyproject.toml under [tool.dedup]; flags override them.

    \b
    Exit codes:
      0  within the policy
      1  policy breached: stderr lists the clusters that broke it, worst first
      2  usage error or trouble: bad settings file, unreadable baseline,
         no readable input, internal error
    """
    if null and files_from is None:
        raise click.UsageError("-0 applies to --files-from; add it or drop -0.")
    settings = _settings(ctx)
    known = None
    if settings.baseline is not None:
        try:
            known = load_baseline(settings.baseline)
        except BaselineError as problem:
            error(str(problem))
            sys.exit(EXIT_TROUBLE)
    run = _scan_sources(_sources(paths, files_from, null), settings, quiet)
    outcome = check(cluster_records(run.result.clusters, run.documents), len(run.documents), settings.policy, known)
    if report is not None:
        try:
            write_atomically(report, json.dumps(outcome.as_dict(), ensure_ascii=False, indent=2) + "\n")
        except OSError as problem:
            error(f"cannot write report {report}: {problem.strerror or problem}")
            sys.exit(EXIT_TROUBLE)
    if not quiet:
        stderr.print(run.summary(), soft_wrap=True)
        for line in summary(outcome, clusters=CI_LOG_CLUSTERS):
            stderr.print(line, markup=False, soft_wrap=True)
        if len(outcome.offenders) > CI_LOG_CLUSTERS and report is None:
            stderr.print("  (--report FILE lists them all)", markup=False)
    ctx.exit(EXIT_OK if outcome.passed else EXIT_OVER_LIMIT)


@main.command("filter")
@click.argument("corpus", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option(
    "--annotate",
    is_flag=True,
    help='Keep every record and add "dedup": {"cluster", "relation", "original"} to each instead.',
)
@_scan_options
@click.pass_context
@_never_crash_as_verdict
def filter_command(ctx: click.Context, corpus: str, annotate: bool, quiet: bool, **_: Any) -> None:
    """Copy the JSON Lines CORPUS (- for stdin) to stdout without its duplicates.

    Originals and documents in no cluster are kept, in input order, each line byte for byte.
    Lines that are not readable documents (malformed JSON, no text) are reported and left out.
    """
    settings = _settings(ctx)
    started = time.perf_counter()
    problems = _Problems(quiet)
    name = "<stdin>" if corpus == "-" else corpus
    try:
        handle = spool(sys.stdin.buffer) if corpus == "-" else open(corpus, "rb")  # noqa: SIM115
    except OSError as problem:
        error(f"cannot read {corpus}: {problem.strerror or problem}")
        sys.exit(EXIT_TROUBLE)
    with handle:
        documents, lines = read_corpus(handle, name, settings.fields, problems)
        problems.require(documents, name)
        result = scan(documents, settings.scan, RichProgress(quiet=quiet))
        roles = roles_by_line(document_roles(result.clusters, documents), lines)
        handle.seek(0)
        written = copy_lines(handle, roles, sys.stdout.buffer, annotate)
        sys.stdout.buffer.flush()
    if not quiet:
        run = _Run(documents, result, problems.skipped, started)
        stderr.print(f"{run.summary()}; {written} records written", soft_wrap=True)


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


def run() -> None:
    """The `dedup` program: `main` with the garbage collector set for a batch run (tests call `main`)."""
    # Everything imported so far lives as long as the process: frozen, no collection walks it again, and
    # the forked workers' copies of it stay shared (a collection writes to every object it walks). A run
    # makes containers by the million and few cycles, so collections come 14 times less often. Together
    # they took collection time over all processes of a 100k scan from 0.53 s to 0.07 s (gc.callbacks).
    gc.freeze()
    gc.set_threshold(10_000, 50, 50)
    main()
