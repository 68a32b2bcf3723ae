"""`make bench`: time `dedup scan` on corpora of 10k, 100k and 1M news articles, beside the usual datasketch script.

Corpora are built once under build/bench/ from the real news in ../shared/data (see corpus.py) and reused.
Each size is scanned as a folder of .txt files and as one JSON Lines file, by the installed command line
(`python -m dedup scan ... --format jsonl --quiet --stats FILE`), one run at a time. Wall time and the
child's peak RSS come from the operating system (os.wait4); per-stage seconds and peak RSS come from dedup's
own --stats file. The datasketch script (baseline.py) runs on the same 10k and 100k JSON Lines files.
Results go to build/bench/results.json.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import corpus as corpora

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "build" / "bench"
FORMS = ("folder", "jsonl")
BASELINE_SIZES = (10_000, 100_000)
TIMED_OUT = -9
TREE_SAMPLE = 0.2
STAGES = ("read", "boilerplate", "fingerprint", "candidates", "verify", "cluster", "write")


@dataclass
class Run:
    tool: str  # "dedup" or "datasketch"
    size: int
    form: str
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # user + system, over all of its processes
    peak_rss_mb: float = 0.0  # its largest process
    tree_peak_rss_mb: float = 0.0  # all its processes together (PSS), sampled every TREE_SAMPLE seconds
    exit_code: int = 0
    recall: dict[str, float] = field(default_factory=dict)  # injected duplicates found, overall and by kind
    chance_grouped: int = 0  # synthetic articles grouped with other than their own copies (corpus.chance_grouped)
    synthetic: int = 0  # synthetic articles in the corpus
    stats: dict = field(default_factory=dict)  # dedup's --stats file

    @property
    def rate(self) -> float:
        return self.size / self.seconds if self.seconds else 0.0


def parse_size(text: str) -> int:
    text = text.strip().lower()
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("km")) * scale)


@dataclass
class Limits:
    timeout: float | None  # seconds of wall time per run
    memory_gb: float | None  # address space per process: a runaway run fails instead of exhausting the machine

    def apply(self) -> None:
        """In the child, before it runs the command."""
        if self.memory_gb:
            size = int(self.memory_gb * 1024**3)
            resource.setrlimit(resource.RLIMIT_AS, (size, size))


def timed(command: list[str], stdout: Path, limits: Limits) -> tuple[float, float, float, float, int]:
    """Wall seconds, CPU seconds, peak RSS in MiB of its largest process (the kernel's figure, from wait4),
    peak RSS in MiB of all its processes together (sampled), and exit code of one run."""
    started, timeout = time.perf_counter(), limits.timeout
    tree_peak, sampled = 0.0, 0.0
    with stdout.open("wb") as sink, tempfile.TemporaryFile() as errors:
        # Its own session, so a timeout also ends the worker processes it started and they can be found.
        child = subprocess.Popen(command, stdout=sink, stderr=errors, preexec_fn=limits.apply, start_new_session=True)
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - sampled >= TREE_SAMPLE:
                tree_peak, sampled = max(tree_peak, session_rss_mb(child.pid)), time.perf_counter()
            if timeout is not None and time.perf_counter() - started > timeout:
                os.killpg(child.pid, signal.SIGKILL)
                _, status, usage = os.wait4(child.pid, 0)
                child.returncode = TIMED_OUT
                break
            time.sleep(0.01)
        seconds = time.perf_counter() - started
        if child.returncode is None:
            child.returncode = os.waitstatus_to_exitcode(status)  # reaped here, so Popen must not wait again
        if child.returncode not in (0, TIMED_OUT):
            errors.seek(0)
            sys.stderr.write(errors.read().decode("utf-8", errors="replace"))
    peak = usage.ru_maxrss / 1024
    return seconds, usage.ru_utime + usage.ru_stime, peak, max(peak, tree_peak), child.returncode


def session_rss_mb(session: int) -> float:
    """Memory of every process in `session` (a run and the workers it started), from /proc: the sum of their
    proportional set sizes, so pages that forked workers share with their parent count once."""
    total_kb = 0
    try:
        entries = [entry.name for entry in os.scandir("/proc") if entry.name.isdigit()]
    except OSError:
        return 0.0  # no /proc: only the kernel's per-process peak is known
    for name in entries:
        try:
            with open(f"/proc/{name}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()  # after the command name, which may hold spaces
            if int(fields[3]) != session:  # field 6 of stat(5)
                continue
            with open(f"/proc/{name}/smaps_rollup", "rb") as rollup:
                total_kb += next(int(line.split()[1]) for line in rollup if line.startswith(b"Pss:"))
        except (OSError, StopIteration):
            continue  # ended meanwhile, or a kernel without smaps_rollup
    return total_kb / 1024


def recall(groups: list[list[str]], truth: list[tuple[str, str, str]]) -> dict[str, float]:
    """Share of injected (original, copy) pairs that ended up in one group, overall and per kind."""
    group_of = {member: number for number, members in enumerate(groups) for member in members}
    found: dict[str, list[bool]] = {"all": []}
    for original, copy, kind in truth:
        hit = original in group_of and group_of.get(copy) == group_of[original]
        found["all"].append(hit)
        found.setdefault(kind, []).append(hit)
    return {kind: round(sum(hits) / len(hits), 4) for kind, hits in found.items() if hits}


def judged(run: Run, groups: list[list[str]], corpus: corpora.Corpus) -> Run:
    """The run with its recall of the injected duplicates and its count of synthetic articles grouped by chance."""
    truth = corpora.read_truth(corpus)
    synthetic = corpora.read_synthetic(corpus)
    run.recall = recall(groups, truth)
    run.chance_grouped = corpora.chance_grouped(groups, synthetic, {copy: original for original, copy, _ in truth})
    run.synthetic = len(synthetic)
    return run


def dedup_groups(path: Path) -> list[list[str]]:
    groups = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            groups.append([Path(member["id"]).stem for member in json.loads(line)["members"]])
    return groups


def run_dedup(corpus: corpora.Corpus, form: str, limits: Limits) -> Run:
    source = corpus.docs if form == "folder" else corpus.jsonl
    out = corpus.folder / f"dedup.{form}.clusters.jsonl"
    stats_path = corpus.folder / f"dedup.{form}.stats.json"
    stats_path.unlink(missing_ok=True)
    command = [sys.executable, "-m", "dedup", "scan", str(source), "--format", "jsonl", "--quiet"]
    run = Run("dedup", corpus.size, form, *timed([*command, "--stats", str(stats_path)], out, limits))
    if run.exit_code == 0:
        run.stats = json.loads(stats_path.read_text(encoding="utf-8"))
        judged(run, dedup_groups(out), corpus)
    return run


def run_baseline(corpus: corpora.Corpus, limits: Limits) -> Run:
    out = corpus.folder / "datasketch.groups.jsonl"
    command = [sys.executable, str(Path(__file__).with_name("baseline.py")), str(corpus.jsonl)]
    run = Run("datasketch", corpus.size, "jsonl", *timed(command, out, limits))
    if run.exit_code == 0:
        groups = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if line.strip()]
        judged(run, groups, corpus)
    return run


def describe(run: Run) -> str:
    label = corpora.size_label(run.size)
    if run.exit_code != 0:
        what = "timed out" if run.exit_code == TIMED_OUT else f"failed (exit {run.exit_code})"
        return (
            f"{run.tool:<10} {label:>5} {run.form:<6} {what} after {run.seconds:.1f} s, "
            f"cpu {run.cpu_seconds:.1f} s, peak {run.peak_rss_mb:,.0f} MB, all processes {run.tree_peak_rss_mb:,.0f} MB"
        )
    kinds = " ".join(f"{k} {v:.2f}" for k, v in run.recall.items() if k != "all")
    return (
        f"{run.tool:<10} {label:>5} {run.form:<6} {run.seconds:9.1f} s {run.rate:9,.0f} docs/s "
        f"cpu {run.cpu_seconds:8.1f} s {run.peak_rss_mb:7,.0f} MB {run.tree_peak_rss_mb:7,.0f} MB all  "
        f"recall {run.recall.get('all', 0):.3f} ({kinds})  "
        f"synthetic grouped by chance {run.chance_grouped:,} of {run.synthetic:,}"
    )


def stage_lines(run: Run) -> list[str]:
    seconds, memory = run.stats.get("seconds", {}), run.stats.get("peak_rss_mb", {})
    lines = []
    for stage in STAGES:
        if stage in seconds:
            rate = run.size / seconds[stage] if seconds[stage] else 0.0
            lines.append(
                f"    {stage:<12} {seconds[stage]:9.2f} s {rate:11,.0f} docs/s  peak {memory.get(stage, 0):8,.0f} MB"
            )
    counts = ", ".join(
        f"{key} {run.stats[key]:,}"
        for key in ("candidates", "verified", "accepted", "clusters", "boilerplate")
        if key in run.stats
    )
    lines.append(f"    {counts}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--sizes", default="10k,100k,1M", help="comma-separated corpus sizes (default: %(default)s)")
    parser.add_argument("--forms", default=",".join(FORMS), help="folder, jsonl or both (default: %(default)s)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the datasketch script")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default: %(default)s)")
    parser.add_argument("--timeout", type=float, default=None, help="give up on one run after this many seconds")
    parser.add_argument(
        "--memory-limit", type=float, default=12, help="GB of address space per process (default: %(default)s; 0: none)"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="dedup runs on each corpus the datasketch script also runs, spread around it; the median one is "
        "compared with it (default: %(default)s)",
    )
    args = parser.parse_args()
    if not args.data.is_dir():
        sys.exit(f"no corpora at {args.data} (give --data PATH)")
    sizes = sorted(parse_size(s) for s in args.sizes.split(",") if s.strip())
    forms = [f.strip() for f in args.forms.split(",") if f.strip()]
    if unknown := set(forms) - set(FORMS):
        sys.exit(f"unknown form(s) {', '.join(sorted(unknown))}: use folder and/or jsonl")
    WORK.mkdir(parents=True, exist_ok=True)
    limits = Limits(args.timeout, args.memory_limit or None)
    # dedup is timed as an installed package runs: from compiled bytecode. pip compiles a wheel's modules as
    # it installs them and Python writes the others' on first import, unless PYTHONDONTWRITEBYTECODE is set,
    # as on this machine (and in many container images): then every run compiled dedup from source, a tenth
    # of a second of each. The datasketch script's packages were compiled when pip installed them.
    compileall.compile_dir(ROOT / "dedup", quiet=1)

    runs: list[Run] = []
    for size in sizes:
        corpus = corpora.build(size, args.seed, args.data, WORK, log=lambda line: print(line, flush=True))
        baseline = size in BASELINE_SIZES and not args.no_baseline
        # A dedup run samples the machine for seconds, the script's for minutes, and this machine's speed
        # drifts by a quarter over minutes: dedup runs once before the script and the rest after it, and
        # the median run is the one compared (report).
        for round_ in range(max(1, args.repeat) if baseline else 1):
            if round_ == 1:
                runs.append(run_baseline(corpus, limits))
                print(describe(runs[-1]), flush=True)
            for form in forms:
                runs.append(run_dedup(corpus, form, limits))
                print(describe(runs[-1]), flush=True)
        if baseline and args.repeat <= 1:
            runs.append(run_baseline(corpus, limits))
            print(describe(runs[-1]), flush=True)

    report(runs)
    results = {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "seed": args.seed,
        "limits": asdict(limits),
        "repeat": args.repeat,
        "runs": [asdict(run) | {"docs_per_second": run.rate} for run in runs],
    }
    (WORK / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nresults in {WORK / 'results.json'}")


def medians(runs: list[Run]) -> dict[tuple[str, int, str], Run]:
    """The successful run of each tool, size and form; of several, the one of median time (the lower
    middle of an even count)."""
    grouped: dict[tuple[str, int, str], list[Run]] = {}
    for run in runs:
        if run.exit_code == 0:
            grouped.setdefault((run.tool, run.size, run.form), []).append(run)
    return {key: sorted(group, key=lambda r: r.seconds)[(len(group) - 1) // 2] for key, group in grouped.items()}


def report(runs: list[Run]) -> None:
    print(
        "\nwhole runs (wall time, documents per second, CPU time, peak RSS of the largest process and of all "
        "processes, recall of injected duplicates, synthetic articles grouped with other than their own "
        "injected copies)"
    )
    for run in runs:
        print("  " + describe(run))
    done = medians(runs)
    print(
        "\ndedup stages (seconds, documents per second, process peak RSS at the end of the stage; "
        "of the median run where dedup ran more than once)"
    )
    for (tool, size, form), run in done.items():
        if tool == "dedup" and run.stats:
            print(f"  {corpora.size_label(size)} {form}")
            for line in stage_lines(run):
                print("  " + line)
    print("\ndedup against the datasketch script (same corpus, same run; dedup's median run, its range in brackets)")
    for (tool, size, _form), base in done.items():
        if tool != "datasketch":
            continue
        for dedup_form in FORMS:
            if (ours := done.get(("dedup", size, dedup_form))) is not None:
                ratio = base.seconds / ours.seconds
                verdict = f"{ratio:.1f}x faster" if ratio >= 1 else f"{1 / ratio:.1f}x slower"
                times = sorted(r.seconds for r in runs if (r.tool, r.size, r.form) == ("dedup", size, dedup_form))
                print(
                    f"  {corpora.size_label(size):>5} {dedup_form:<6} dedup {ours.seconds:8.1f} s "
                    f"[{times[0]:.1f}-{times[-1]:.1f}], datasketch {base.seconds:8.1f} s: dedup is {verdict} "
                    f"(time ratio {ratio:.2f}; {base.seconds / times[-1]:.1f}x-{base.seconds / times[0]:.1f}x)"
                )
    print("\ngrowth from 100k to 1M (near-linear is 10x; the target is at most 12x)")
    for form in FORMS:
        small, large = done.get(("dedup", 100_000, form)), done.get(("dedup", 1_000_000, form))
        if small and large:
            print(
                f"  {form:<6} {small.seconds:8.1f} s -> {large.seconds:8.1f} s: {large.seconds / small.seconds:5.1f}x"
            )
            for stage in STAGES:
                a, b = small.stats["seconds"].get(stage), large.stats["seconds"].get(stage)
                if a and b:
                    print(f"    {stage:<12} {a:8.1f} s -> {b:8.1f} s: {b / a:5.1f}x")


if __name__ == "__main__":
    main()
