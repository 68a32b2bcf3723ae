"""The benchmark's corpus builder (bench/corpus.py): reproducible, sharded, with its ground truth."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import load_corpus_module

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
pytestmark = pytest.mark.skipif(not (DATA / "reuters21578").is_dir(), reason="needs ../shared/data")


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
