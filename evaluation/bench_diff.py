"""Speed of `dedup diff` on two articles of about 1,000 words (issue 3: well under a second).

The articles are built from the fixtures (a story and its rewrite), so the benchmark needs no corpus:
A is the story, the rewrite and the rewrite's first paragraph again; B is the rewrite, the story with
every fourth paragraph left out, and the story's first two paragraphs again.
Prints the median and worst time of the library call that `dedup diff` makes, over --runs runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dedup.diff import diff  # noqa: E402
from dedup.reading import text_document  # noqa: E402
from dedup.text import paragraphs  # noqa: E402


def articles() -> tuple:
    story, rewrite = (
        text_document(path.name, path.read_text(encoding="utf-8")).text
        for path in sorted((ROOT / "fixtures").glob("*.txt"))[:2]
    )
    story_paragraphs, rewrite_paragraphs = paragraphs(story), paragraphs(rewrite)
    shortened = "\n\n".join(p for i, p in enumerate(story_paragraphs) if i % 4 != 3)
    a = text_document("a", f"{story}\n\n{rewrite}\n\n{rewrite_paragraphs[0]}")
    b = text_document("b", f"{rewrite}\n\n{shortened}\n\n{story_paragraphs[0]}\n\n{story_paragraphs[1]}")
    return a, b


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    a, b = articles()
    times = []
    for _ in range(args.runs):
        started = time.perf_counter()
        result = diff(a, b)
        times.append(time.perf_counter() - started)
    print(
        f"dedup diff of {len(a.text.split())} and {len(b.text.split())} words "
        f"({len(result.sentences_a)} and {len(result.sentences_b)} sentences, {len(result.aligned)} aligned groups): "
        f"median {statistics.median(times) * 1000:.0f} ms, worst {max(times) * 1000:.0f} ms over {args.runs} runs"
    )


if __name__ == "__main__":
    main()
