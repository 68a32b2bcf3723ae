"""Sentence alignment on plain lists of sentences."""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path

import pytest

from dedup.align import MATCH, Alignment, align

ROOT = Path(__file__).resolve().parent.parent
MRPC = ROOT.parent / "shared" / "data" / "mrpc"

STORY = [
    "The US military in Iraq intercepted several drones targeting the Al-Asad air base on Tuesday.",
    "Two drones were shot down by air defences before they reached the base, officials said.",
    "Pro-Iranian militias have attacked American forces in Iraq repeatedly over the last four years.",
    "The Pentagon declined to say which group was suspected of launching the attack.",
]


def accounted_once(alignment: Alignment, size_a: int, size_b: int) -> bool:
    """Every sentence of each side is in exactly one link or on its own side's list."""
    seen_a = [i for link in alignment.links for i in link.a] + list(alignment.only_a)
    seen_b = [j for link in alignment.links for j in link.b] + list(alignment.only_b)
    return sorted(seen_a) == list(range(size_a)) and sorted(seen_b) == list(range(size_b))


def pairs(alignment: Alignment) -> set[tuple[tuple[int, ...], tuple[int, ...]]]:
    return {(link.a, link.b) for link in alignment.links}


def test_identical_sentences_link_one_to_one_with_score_one() -> None:
    alignment = align(STORY, STORY)
    assert pairs(alignment) == {((i,), (i,)) for i in range(len(STORY))}
    assert all(link.score == 1.0 for link in alignment.links)
    assert alignment.only_a == () and alignment.only_b == ()


def test_paraphrases_are_linked_one_to_one() -> None:
    rewrite = [
        "On Tuesday the US military intercepted several drones that targeted Al-Asad air base in Iraq.",
        "Officials said air defences shot down two drones before they could reach the base.",
        "Over the last four years pro-Iranian militias have repeatedly attacked American forces in Iraq.",
        "Which group was suspected of the attack, the Pentagon declined to say.",
    ]
    alignment = align(STORY, rewrite)
    assert pairs(alignment) == {((i,), (i,)) for i in range(len(STORY))}
    assert all(MATCH <= link.score <= 1 for link in alignment.links)


def test_reordered_sentences_are_found() -> None:
    order = [2, 0, 3, 1]
    alignment = align(STORY, [STORY[i] for i in order])
    assert pairs(alignment) == {((i,), (order.index(i),)) for i in range(len(STORY))}


def test_sentence_split_in_two_is_one_link_to_both_halves() -> None:
    merged = [
        "The US military in Iraq intercepted several drones targeting the Al-Asad air base on Tuesday, "
        "and pro-Iranian militias have attacked American forces in Iraq repeatedly over the last four years."
    ]
    halves = [STORY[0], STORY[2]]
    alignment = align(merged, halves)
    assert pairs(alignment) == {((0,), (0, 1))}
    assert accounted_once(alignment, 1, 2)


def test_two_sentences_merged_into_one_is_one_link_from_both() -> None:
    merged = [
        "Officials said the Pentagon declined to say which group was suspected of launching the attack, "
        "in which two drones were shot down by air defences before they reached the base."
    ]
    alignment = align(STORY, merged)
    assert pairs(alignment) == {((1, 3), (0,))}
    assert alignment.only_a == (0, 2)


def test_unrelated_sentences_stay_apart() -> None:
    other = [
        "The central bank raised interest rates by a quarter of a point to curb inflation.",
        "Shares in European banks rose sharply after the announcement on Thursday.",
        "Economists had expected the decision since the spring.",
    ]
    alignment = align(STORY, other)
    assert alignment.links == ()
    assert alignment.only_a == tuple(range(len(STORY)))
    assert alignment.only_b == tuple(range(len(other)))


def test_dropped_and_added_sentences_are_listed_on_their_side() -> None:
    added = "Residents near the base said they heard several loud explosions during the night."
    alignment = align(STORY, [STORY[0], added, STORY[3]])
    assert pairs(alignment) == {((0,), (0,)), ((3,), (2,))}
    assert alignment.only_a == (1, 2)
    assert alignment.only_b == (1,)


def test_every_sentence_is_accounted_for_exactly_once_in_shuffled_mixtures() -> None:
    rng = random.Random(3)
    pool = [*STORY, "Economists had expected the decision since the spring.", "Shares rose on Thursday."]
    for _ in range(20):
        a = rng.sample(pool, rng.randint(0, len(pool)))
        b = rng.sample(pool, rng.randint(0, len(pool)))
        assert accounted_once(align(a, b), len(a), len(b))


def test_empty_and_wordless_sentences_are_accounted_for() -> None:
    alignment = align(["", "...", STORY[0]], ["...", STORY[0]])
    assert accounted_once(alignment, 3, 2)
    assert ((2,), (1,)) in pairs(alignment)


@pytest.mark.skipif(not MRPC.is_dir(), reason="MRPC corpus not available in ../shared/data")
def test_mrpc_paraphrases_are_aligned_among_unrelated_sentences() -> None:
    spec = importlib.util.spec_from_file_location("evaluation_align", ROOT / "evaluation" / "align.py")
    assert spec is not None and spec.loader is not None
    benchmark = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = benchmark  # dataclasses look their module up while the module loads
    spec.loader.exec_module(benchmark)
    corpus = benchmark.read_pairs(MRPC)
    counts = benchmark.run(corpus, size=20, similar=False, seed=0)
    assert counts.expected == 20
    assert counts.f1 >= 0.9
