"""The check policy on plain cluster records: rates, counts, relations, baselines, worst-first order."""

from __future__ import annotations

import json

import pytest

from dedup.gate import BaselineError, Policy, check, load_baseline, summary


def cluster(number: int, original: str, *members: tuple[str, str]) -> dict:
    return {
        "cluster": number,
        "size": len(members) + 1,
        "original": original,
        "members": [
            {"id": original, "date": None, "relation": "original", "scores": {}},
            *({"id": doc, "date": None, "relation": relation, "scores": {}} for doc, relation in members),
        ],
    }


RECORDS = [
    cluster(1, "a", ("a2", "rewrite")),
    cluster(2, "b", ("b2", "near-copy"), ("b3", "exact"), ("b4", "rewrite")),
    cluster(3, "c", ("c2", "exact")),
]


def test_with_no_limit_any_duplicate_breaches():
    outcome = check(RECORDS, 100, Policy())
    assert not outcome.passed
    assert outcome.duplicates == 5
    assert outcome.breaches == ("5 duplicates in 3 clusters; none allowed",)
    assert check([], 100, Policy()).passed


def test_rate_at_the_limit_passes_and_over_it_fails():
    assert check(RECORDS, 250, Policy(max_duplicate_rate=0.02)).passed  # 5 / 250 = 0.02 exactly
    outcome = check(RECORDS, 249, Policy(max_duplicate_rate=0.02))
    assert not outcome.passed
    assert outcome.rate == pytest.approx(5 / 249)
    assert "over the limit 0.02" in outcome.breaches[0]


def test_cluster_count_limit():
    assert check(RECORDS, 10, Policy(max_clusters=3)).passed
    outcome = check(RECORDS, 10, Policy(max_clusters=2))
    assert outcome.breaches == ("3 clusters with duplicates, over the limit 2",)


def test_both_limits_report_each_breach():
    outcome = check(RECORDS, 10, Policy(max_duplicate_rate=0.1, max_clusters=1))
    assert len(outcome.breaches) == 2


def test_only_chosen_relations_count():
    outcome = check(RECORDS, 100, Policy(relations=frozenset({"exact", "near-copy"})))
    assert outcome.duplicates == 3
    assert [o.record["cluster"] for o in outcome.offenders] == [2, 3]
    assert [m["id"] for m in outcome.offenders[0].duplicates] == ["b3", "b2"]  # the exact copy first
    assert check(RECORDS, 100, Policy(relations=frozenset({"truncation"}))).passed


def test_offenders_come_worst_first_most_duplicates_then_worst_relation():
    outcome = check(RECORDS, 100, Policy())
    # cluster 2 has three; clusters 1 and 3 one each, and an exact copy (3) is worse than a rewrite (1)
    assert [o.record["cluster"] for o in outcome.offenders] == [2, 3, 1]


def test_baseline_makes_only_new_duplicates_count():
    known = {"a": "cluster:1", "a2": "cluster:1", "b": "cluster:2", "b2": "cluster:2", "c2": "cluster:9"}
    outcome = check(RECORDS, 100, Policy(), known)
    assert outcome.new_only
    # a2 was known with a; b2 with b; b3, b4 are new; c2 was known but not with c, so it is new too
    assert {m["id"] for o in outcome.offenders for m in o.duplicates} == {"b3", "b4", "c2"}
    assert outcome.breaches == ("3 new duplicates in 2 clusters; none allowed",)


def test_baseline_holding_every_duplicate_passes():
    known = {doc: f"g{record['cluster']}" for record in RECORDS for doc in (m["id"] for m in record["members"])}
    assert check(RECORDS, 100, Policy(), known).passed


def test_summary_is_short_for_a_ci_log():
    many = [cluster(n, f"o{n}", *((f"o{n}-{k}", "exact") for k in range(5))) for n in range(1, 15)]
    lines = summary(check(many, 1000, Policy(max_duplicate_rate=0.01)), clusters=3, members=2)
    assert lines[0] == "check failed: duplicate rate 0.07 (70 duplicates among 1000 documents), over the limit 0.01"
    assert lines[1] == "  cluster 1: 5 duplicates of o1: o1-0 (exact), o1-1 (exact), and 3 more"
    assert len(lines) == 5
    assert lines[-1] == "  and 11 more clusters"


def test_summary_of_a_pass_is_one_line():
    assert summary(check(RECORDS, 1000, Policy(max_duplicate_rate=0.01))) == [
        "check passed: 5 duplicates among 1000 documents (rate 0.005)"
    ]


def test_report_holds_figures_policy_and_every_offender_worst_first():
    report = check(RECORDS, 100, Policy(max_clusters=1, relations=frozenset({"rewrite", "exact"}))).as_dict()
    assert report["passed"] is False
    assert (report["documents"], report["duplicates"], report["clusters"]) == (100, 4, 3)
    assert report["policy"] == {"max_duplicate_rate": None, "max_clusters": 1, "relations": ["exact", "rewrite"]}
    assert [o["cluster"] for o in report["offenders"]] == [2, 3, 1]
    assert report["offenders"][0]["counted"] == ["b3", "b4"]
    assert report["offenders"][0]["members"] == RECORDS[1]["members"]
    json.dumps(report)  # it is what --report writes


def test_load_baseline_reads_scan_output(tmp_path):
    path = tmp_path / "known.json"
    path.write_text(json.dumps(RECORDS[:1]))
    assert load_baseline(path) == {"a": "cluster:1", "a2": "cluster:1"}
    path.write_text("[]\n")
    assert load_baseline(path) == {}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read"),
        ("", "is empty"),
        ("[{", "not dedup scan output"),
        ('[{"id": 1}]', "not dedup scan output"),
    ],
)
def test_unusable_baseline_is_an_error_that_says_why(tmp_path, content, message):
    path = tmp_path / "known.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(BaselineError, match=message):
        load_baseline(path)
