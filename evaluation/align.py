"""`make eval`, second part: how well the sentence aligner behind `dedup diff` finds real paraphrases.

Tasks are built from the Microsoft Research Paraphrase Corpus (../shared/data/mrpc, read where it lies):
article A is the first sentences of N positive pairs (judged paraphrases by annotators); article B is
their second sentences shuffled among N sentences taken from other pairs. Each task is aligned with
`dedup.align.align` (on plain lists: the corpus is already split into sentences, and the splitter is
not what is measured), and every (a, b) sentence pair inside a link is checked against the truth.

Two kinds of distractor:
  random   sentences of unrelated pairs (the task of issue 3; target F1 >= 0.90, aim 0.95)
  similar  for each sentence of A, the sentence sharing the most content words with it among those
           published more than a week apart from it (same topic, another story: MRPC holds several versions
           of many statements, and a version of the same statement would be a right answer, not a
           distractor); a harder test of precision, no target
"""

from __future__ import annotations

import argparse
import datetime
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dedup.align import align  # noqa: E402
from dedup.text import content_words, normalize, words  # noqa: E402

FILES = ("msr_paraphrase_train.txt", "msr_paraphrase_test.txt")
SENTENCES = "msr_paraphrase_data.txt"  # sentence id, string, author, url, agency, date, web date
STORY_DAYS = 7  # sentences published further apart than this come from different stories


@dataclass(frozen=True)
class Pair:
    paraphrase: bool
    first: str
    second: str
    day: int  # publication day of the first sentence (days since 1970), -1 when unknown


@dataclass(frozen=True)
class Counts:
    true: int
    predicted: int
    expected: int

    @property
    def precision(self) -> float:
        return self.true / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.true / self.expected if self.expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def read_pairs(folder: Path) -> list[Pair]:
    """Tab-separated, UTF-8 with a byte order mark, no quoting (sentences contain double quotes)."""
    days = {fields[0]: _day(fields[6]) for fields in _rows(folder / SENTENCES) if len(fields) == 7}
    return [
        Pair(fields[0] == "1", fields[3], fields[4], days.get(fields[1], -1))
        for name in FILES
        for fields in _rows(folder / name)
        if len(fields) == 5
    ]


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig") as handle:
        next(handle)
        return [line.rstrip("\r\n").split("\t") for line in handle]


def _day(web_date: str) -> int:
    try:
        return (datetime.date.fromisoformat(web_date.replace("/", "-")) - datetime.date(1970, 1, 1)).days
    except ValueError:
        return -1


def task(pairs: Sequence[Pair], size: int, similar: bool, rng: random.Random) -> tuple[list[str], list[str], set]:
    """Sentences of A and B and the true links {(index in A, index in B)}."""
    positives = [p for p in pairs if p.paraphrase]
    chosen = rng.sample(positives, size)
    chosen_ids = {id(p) for p in chosen}
    others = [p for p in pairs if id(p) not in chosen_ids]
    if similar:
        distractors = [_most_similar(p, others) for p in chosen]
    else:
        distractors = rng.sample([s for p in others for s in (p.first, p.second)], size)
    entries = [(p.second, i) for i, p in enumerate(chosen)] + [(s, None) for s in distractors]
    rng.shuffle(entries)
    truth = {(i, j) for j, (_, i) in enumerate(entries) if i is not None}
    return [p.first for p in chosen], [s for s, _ in entries], truth


def _most_similar(pair: Pair, others: Sequence[Pair]) -> str:
    """The sentence of another story sharing most content words with `pair.first`."""
    terms = _terms(pair.first)
    pool = [s for p in others if pair.day < 0 or abs(p.day - pair.day) > STORY_DAYS for s in (p.first, p.second)]
    return max(pool, key=lambda other: len(terms & _terms(other)))


@cache
def _key(sentence: str) -> str:
    return normalize(sentence)


@cache
def _terms(sentence: str) -> frozenset[str]:
    return frozenset(content_words(words(_key(sentence))))


def run(pairs: Sequence[Pair], size: int, similar: bool, seed: int) -> Counts:
    a, b, truth = task(pairs, size, similar, random.Random(seed))
    alignment = align(a, b)
    predicted = {(i, j) for link in alignment.links for i in link.a for j in link.b}
    return Counts(len(predicted & truth), len(predicted), len(truth))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("-n", "--size", type=int, default=20, help="paraphrase pairs per task (N)")
    parser.add_argument("--draws", type=int, default=10, help="seeded tasks per kind of distractor")
    args = parser.parse_args()
    folder = args.data / "mrpc"
    if not folder.is_dir():
        sys.exit(f"no MRPC corpus at {folder} (give --data PATH)")
    pairs = read_pairs(folder)
    print(f"sentence alignment on MRPC paraphrases (N = {args.size}, {args.draws} seeded draws; targets in brackets)")
    for kind, similar in (("random", False), ("similar", True)):
        results = [run(pairs, args.size, similar, seed) for seed in range(args.draws)]
        first = results[0]
        mean = [sum(getattr(r, m) for r in results) / len(results) for m in ("precision", "recall", "f1")]
        target = "  [>= 0.90, aim 0.95]" if not similar else ""
        print(
            f"  {kind:<8} distractors  seed 0: precision {first.precision:.3f} recall {first.recall:.3f} "
            f"F1 {first.f1:.3f}{target}\n"
            f"  {'':<8}              mean:   precision {mean[0]:.3f} recall {mean[1]:.3f} F1 {mean[2]:.3f}  "
            f"(min F1 {min(r.f1 for r in results):.3f})"
        )


if __name__ == "__main__":
    main()
