"""Score a clustering against a gold grouping: pairwise precision, recall, F1 and adjusted Rand index.

Both sides are maps from document id to a group label. Documents of the gold universe that the
prediction does not place are singletons; predicted ids outside the gold universe are ignored.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class Scores:
    documents: int
    gold_pairs: int
    predicted_pairs: int
    true_pairs: int
    precision: float
    recall: float
    f1: float
    ari: float

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


def _pairs(size: int) -> int:
    return size * (size - 1) // 2


def score(predicted: Mapping[str, str], gold: Mapping[str, str]) -> Scores:
    universe = list(gold)
    predicted_labels = {doc: predicted.get(doc, f"\0single:{doc}") for doc in universe}
    gold_sizes = Counter(gold.values())
    predicted_sizes = Counter(predicted_labels.values())
    joint = Counter((gold[doc], predicted_labels[doc]) for doc in universe)
    gold_pairs = sum(_pairs(n) for n in gold_sizes.values())
    predicted_pairs = sum(_pairs(n) for n in predicted_sizes.values())
    true_pairs = sum(_pairs(n) for n in joint.values())
    precision = true_pairs / predicted_pairs if predicted_pairs else 1.0
    recall = true_pairs / gold_pairs if gold_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    total = _pairs(len(universe))
    expected = gold_pairs * predicted_pairs / total if total else 0.0
    maximum = (gold_pairs + predicted_pairs) / 2
    ari = (true_pairs - expected) / (maximum - expected) if maximum != expected else 1.0
    return Scores(len(universe), gold_pairs, predicted_pairs, true_pairs, precision, recall, f1, ari)


def labels_from_clusters(records: Iterable[Mapping]) -> dict[str, str]:
    """Group labels from dedup's cluster records (the `scan --format json/jsonl` objects)."""
    labels = {}
    for record in records:
        for member in record["members"]:
            labels[str(member["id"])] = f"cluster:{record['cluster']}"
    return labels


def load_grouping(path: Path) -> dict[str, str]:
    """A grouping from dedup's JSON or JSON Lines cluster output, or from a CSV/TSV file with the columns
    `id` and `group` (every document listed; a group of one is a singleton)."""
    text = path.read_text(encoding="utf-8")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        reader = csv.DictReader(text.splitlines(), delimiter="\t" if suffix == ".tsv" else ",")
        if reader.fieldnames is None or not {"id", "group"} <= set(reader.fieldnames):
            raise ValueError(f"{path}: needs the columns 'id' and 'group'")
        return {row["id"]: row["group"] for row in reader}
    stripped = text.strip()
    if not stripped:
        return {}
    if stripped.startswith("["):
        records = json.loads(stripped)
    else:
        records = [json.loads(line) for line in stripped.splitlines() if line.strip()]
    return labels_from_clusters(records)
