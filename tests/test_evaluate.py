from __future__ import annotations

import json
from pathlib import Path

import pytest

from dedup.evaluate import load_grouping, score


def test_perfect_and_empty_predictions() -> None:
    gold = {"a": "1", "b": "1", "c": "2", "d": "3"}
    perfect = score({"a": "x", "b": "x"}, gold)
    assert (perfect.precision, perfect.recall, perfect.f1, perfect.ari) == (1.0, 1.0, 1.0, 1.0)
    nothing = score({}, gold)
    assert nothing.recall == 0.0 and nothing.predicted_pairs == 0 and nothing.ari == 0.0


def test_pairwise_counts_and_ari_against_hand_computation() -> None:
    # gold {a,b,c} {d,e}; predicted {a,b} {c,d} {e}
    gold = {"a": "g1", "b": "g1", "c": "g1", "d": "g2", "e": "g2"}
    predicted = {"a": "p1", "b": "p1", "c": "p2", "d": "p2"}
    result = score(predicted, gold)
    assert (result.gold_pairs, result.predicted_pairs, result.true_pairs) == (4, 2, 1)
    assert result.precision == pytest.approx(0.5) and result.recall == pytest.approx(0.25)
    expected_index = 4 * 2 / 10  # pairs(5) = 10
    assert result.ari == pytest.approx((1 - expected_index) / ((4 + 2) / 2 - expected_index))


def test_ids_outside_gold_are_ignored() -> None:
    result = score({"a": "x", "b": "x", "zzz": "x"}, {"a": "1", "b": "1"})
    assert result.documents == 2 and result.precision == 1.0


def test_load_grouping_from_tsv_and_cluster_jsonl(tmp_path: Path) -> None:
    tsv = tmp_path / "gold.tsv"
    tsv.write_text("id\tgroup\na\t1\nb\t1\nc\t2\n")
    assert load_grouping(tsv) == {"a": "1", "b": "1", "c": "2"}
    jsonl = tmp_path / "clusters.jsonl"
    record = {"cluster": 3, "size": 2, "original": "a", "members": [{"id": "a"}, {"id": "b"}]}
    jsonl.write_text(json.dumps(record) + "\n")
    assert load_grouping(jsonl) == {"a": "cluster:3", "b": "cluster:3"}
    bad = tmp_path / "bad.csv"
    bad.write_text("name,label\na,1\n")
    with pytest.raises(ValueError, match="needs the columns"):
        load_grouping(bad)
