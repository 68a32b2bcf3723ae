"""Two versions of dedup side by side: alternating scans of one corpus, the median of each stage.

    git worktree add ../dedup-old <commit>
    .venv/bin/python bench/compare.py ../dedup-old . --rounds 4

Each round scans the corpus once from each source tree (`python -m dedup scan ... --stats`, run with the
tree as working directory, so its own `dedup` package is imported), after one unmeasured round that
fills numba's cache. On a machine whose speed drifts over minutes, alternating keeps the two versions'
runs in the same conditions; one run of each is not a comparison. It also says whether the two wrote the
same clusters, byte for byte.
"""

from __future__ import annotations

import argparse
import compileall
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT / "build" / "bench" / "100k" / "corpus.jsonl"


def scan(tree: Path, corpus: Path, out: Path, stats: Path) -> dict[str, float]:
    started = time.perf_counter()
    with out.open("wb") as handle:
        command = [sys.executable, "-m", "dedup", "scan", str(corpus), "--format", "jsonl", "--quiet"]
        subprocess.run([*command, "--stats", str(stats)], cwd=tree, stdout=handle, check=True)
    seconds = json.loads(stats.read_text(encoding="utf-8"))["seconds"]
    return seconds | {"wall": time.perf_counter() - started}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("old", type=Path, help="source tree of the version to compare against (A)")
    parser.add_argument("new", type=Path, help="source tree of the version compared (B)")
    parser.add_argument("--rounds", type=int, default=4, help="measured scans of each (default: %(default)s)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="default: the 100k bench corpus")
    args = parser.parse_args()
    if not args.corpus.is_file():
        sys.exit(f"no corpus at {args.corpus} (make bench SIZES=100k builds it, or give --corpus)")
    trees = {"A": args.old.resolve(), "B": args.new.resolve()}
    for tree in trees.values():  # each run loads bytecode, as under make bench (run.py says why)
        compileall.compile_dir(tree / "dedup", quiet=1)
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
    with tempfile.TemporaryDirectory(prefix="dedup-compare-") as work:
        outputs = {name: Path(work) / f"{name}.jsonl" for name in trees}
        for round_ in range(args.rounds + 1):
            for name, tree in trees.items():
                seconds = scan(tree, args.corpus, outputs[name], Path(work) / f"{name}.stats.json")
                if round_:  # the first round compiles or loads numba's cache: not measured
                    runs[name].append(seconds)
        same = outputs["A"].read_bytes() == outputs["B"].read_bytes()
    print(f"A {trees['A']}\nB {trees['B']}\nmedians of {args.rounds} alternating scans of {args.corpus}")
    for stage in runs["A"][0]:
        a = statistics.median(run[stage] for run in runs["A"])
        b = statistics.median(run[stage] for run in runs["B"])
        print(f"  {stage:12} A {a:7.2f} s   B {b:7.2f} s   B/A {b / a:5.2f}")
    print(f"same clusters: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
