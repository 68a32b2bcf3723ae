"""The benchmark's corpus builder (bench/corpus.py): reproducible, sharded, with its ground truth."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import load_corpus_module

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
needs_data = pytest.mark.skipif(not (DATA / "reuters21578").is_dir(), reason="needs ../shared/data")


def test_synthetic_articles_copy_no_passage_longer_than_a_piece() -> None:
    """Unrelated base articles must not be accidental duplicates: a synthetic article takes the words of its
    group, never a run of more than PIECE_WORDS of them from one real sentence, and has as many sentences
    as a real article of its group. A small group borrows its source's pool."""
    corpora = load_corpus_module()
    # Every word of the pools is distinct, so a shared run of words can only be a copied one; each sentence
    # opens with a capital and ends with a full stop, as real ones do.
    pool = [" ".join(f"W{s}x0" if i == 0 else f"w{s}x{i}" for i in range(12 + s % 20)) + "." for s in range(3000)]
    small = [f"Small{s} pool sentence of words." for s in range(10)]
    sources = corpora.Sources(
        articles=[corpora.Article("reuters/acq", "1987-03-01", pool[0]), corpora.Article("reuters/tiny", "", "")],
        sentences={"reuters/acq": pool[:2000], "reuters/tiny": small, "reuters": pool},
        lengths={"reuters/acq": [8], "reuters/tiny": [8]},
    )
    layout = corpora.Plan(size=60, seed=5, real={}, copies={})
    pool_words = [[word.lower().rstrip(".") for word in sentence.split()] for sentence in pool]
    known = {word for words in pool_words for word in words}
    window = corpora.PIECE_WORDS + 1
    copied_runs = {tuple(words[i : i + window]) for words in pool_words for i in range(len(words))}
    texts = [corpora.base_article(position, layout, sources).text for position in range(layout.size)]
    assert texts == [corpora.base_article(position, layout, sources).text for position in range(layout.size)]
    own = [text for text in texts if not any(text.startswith(header[0]) for header, _ in corpora.SITES)]
    assert len(own) >= 45  # a few carry a site's chrome
    seen: set[str] = set()
    for text in own:
        sentences = [s.split() for s in corpora.sentence_split(text)]
        assert len(sentences) == 8
        for sentence in sentences:
            words = [word.lower().rstrip(".") for word in sentence]
            seen.update(words)
            assert not any(tuple(words[i : i + window]) in copied_runs for i in range(len(words) - window + 1))
    assert seen <= known  # the small group's own sentences are never used
    assert seen - {word for words in pool_words[:2000] for word in words}  # its articles drew on all of reuters


@needs_data
def test_corpus_is_reproducible_sharded_and_has_its_truth(tmp_path: Path) -> None:
    corpora = load_corpus_module()
    size = 2400
    first = corpora.build(size, 3, DATA, tmp_path / "a", log=lambda line: None)
    second = corpora.build(size, 3, DATA, tmp_path / "b", log=lambda line: None)
    assert first.jsonl.read_bytes() == second.jsonl.read_bytes()

    files = sorted(first.docs.rglob("*.txt"))
    assert len(files) == size
    assert sorted(p.name for p in first.docs.iterdir()) == ["0000", "0001", "0002"]
    assert max(len(list(shard.iterdir())) for shard in first.docs.iterdir()) == corpora.SHARD
    records = [json.loads(line) for line in first.jsonl.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == [p.stem for p in files]
    sample = files[size // 2].read_text(encoding="utf-8")
    record = records[size // 2]
    assert sample == f"date {record['date']}\n{record['text']}\n"

    truth = corpora.read_truth(first)
    assert len(truth) == round(size * corpora.INJECTED_SHARE)
    assert {kind for _, _, kind in truth} == set(corpora.KINDS)
    text_of = {r["id"]: r["text"] for r in records}
    exact = [(o, c) for o, c, kind in truth if kind == "exact"]
    assert all(text_of[o] == text_of[c] for o, c in exact)
    assert all(text_of[o] != text_of[c] for o, c, kind in truth if kind in ("chrome", "truncation", "reword"))

    before = first.jsonl.stat().st_mtime_ns
    corpora.build(size, 3, DATA, tmp_path / "a", log=lambda line: None)
    assert first.jsonl.stat().st_mtime_ns == before  # a built corpus is reused


def test_chance_grouped_counts_synthetic_articles_grouped_with_another_base_article() -> None:
    corpora = load_corpus_module()
    synthetic = {"s1", "s2", "s3", "s4", "s5"}
    original_of = {"c1": "s1", "c3": "s3", "cr": "r4"}
    groups = [
        ["s1", "c1"],  # a synthetic article and its injected copy: right
        ["r1", "s2"],  # a synthetic article with a real one: wrong
        ["s3", "s4", "c3"],  # two synthetic articles (and a copy of one): both wrong
        ["r2", "r3"],  # real articles: the corpus cannot tell
        ["s5", "cr"],  # a synthetic article with another article's copy: wrong
    ]
    assert corpora.chance_grouped(groups, synthetic, original_of) == 4
    assert corpora.chance_grouped([groups[0], groups[3]], synthetic, original_of) == 0


def test_synthetic_ids_are_the_positions_neither_real_nor_injected() -> None:
    corpora = load_corpus_module()
    layout = corpora.Plan(size=6, seed=1, real={0: 5, 3: 2}, copies={4: (1, "exact")})
    assert corpora.synthetic_ids(layout) == {corpora.doc_id(p) for p in (1, 2, 5)}
