"""LSH banding as numpy sorts: the pairs datasketch's MinHashLSH gives, screened as they are found."""

from __future__ import annotations

import random

import numpy as np
import pytest
from datasketch import MinHashLSH

from dedup.candidates import BUCKET_LIMIT, BUCKET_LINKS, Banding, band_keys, band_pairs, bucket_pairs
from dedup.fingerprint import signature
from dedup.hashing import keys_with_positions_sorted
from dedup.verify import COPY_LEVEL, VERIFY_PER_DOCUMENT, within_budget


def _signatures(count: int, num_perm: int, seed: int = 3) -> list:
    """Token sets in families that share most tokens, so that many pairs collide in some band."""
    rng = random.Random(seed)
    bases = [{f"t{rng.randrange(5000)}" for _ in range(40)} for _ in range(count // 4)]
    sets = []
    for index in range(count):
        base = bases[index % len(bases)]
        # sorted: a set's order follows the per-run string hash seed, and the draws must not
        keep = {token for token in sorted(base) if rng.random() < 0.6 + 0.4 * rng.random()}
        sets.append(keep | {f"x{rng.randrange(5000)}" for _ in range(rng.randrange(1, 20))})
    return [signature(tokens, num_perm) for tokens in sets]


def _lsh_pairs(signatures: list, banding: Banding) -> set[tuple[int, int]]:
    lsh = MinHashLSH(num_perm=banding.num_perm, params=(banding.bands, banding.rows))
    for index, minhash in enumerate(signatures):
        lsh.insert(index, minhash)
    return {(min(i, j), max(i, j)) for i, minhash in enumerate(signatures) for j in lsh.query(minhash) if i != j}


def _codes_to_pairs(codes: np.ndarray, n: int) -> set[tuple[int, int]]:
    return {(code // n, code % n) for code in codes.tolist()}


def test_banding_finds_the_pairs_minhashlsh_finds() -> None:
    banding = Banding(bands=16, rows=4)
    signatures = _signatures(160, banding.num_perm)
    rows = np.array([minhash.hashvalues for minhash in signatures], dtype=np.uint32)
    expected = _lsh_pairs(signatures, banding)
    assert len(expected) > 100  # the families collide
    assert _codes_to_pairs(bucket_pairs(band_keys(rows, banding)), len(rows)) == expected


def test_a_screen_drops_pairs_as_they_are_found_and_keeps_the_rest() -> None:
    banding = Banding(bands=16, rows=4)
    rows = np.array([m.hashvalues for m in _signatures(160, banding.num_perm, seed=5)], dtype=np.uint32)
    keys = band_keys(rows, banding)
    every = _codes_to_pairs(bucket_pairs(keys), len(rows))
    screened = _codes_to_pairs(bucket_pairs(keys, keep=lambda first, second: (first + second) % 3 == 0), len(rows))
    assert screened == {(a, b) for a, b in every if (a + b) % 3 == 0}
    assert 0 < len(screened) < len(every)


def test_members_outside_the_index_never_pair() -> None:
    banding = Banding(bands=16, rows=4)
    rows = np.array([m.hashvalues for m in _signatures(80, banding.num_perm)], dtype=np.uint32)
    members = np.arange(80) % 2 == 0
    pairs = _codes_to_pairs(bucket_pairs(band_keys(rows, banding), members), 80)
    assert pairs and all(a % 2 == 0 and b % 2 == 0 for a, b in pairs)


def _budget_by_brute_force(first, second, scores, rank) -> set[int]:
    kept = set()
    for k, (a, b) in enumerate(zip(first.tolist(), second.tolist(), strict=True)):
        later, earlier = (a, b) if rank[a] > rank[b] else (b, a)
        partners = [
            rank[x if y == later else y]
            for x, y in zip(first.tolist(), second.tolist(), strict=True)
            if later in (x, y)
        ]
        if sorted(partners).index(rank[earlier]) < VERIFY_PER_DOCUMENT or scores[k] >= COPY_LEVEL:
            kept.add(k)
    return kept


def test_each_document_verifies_its_likeliest_originals_and_every_copy() -> None:
    rng = np.random.default_rng(4)
    first, second = (values.astype(np.int64) for values in np.triu_indices(14, k=1))
    sample = rng.random(first.size) < 0.7
    first, second = first[sample], second[sample]
    scores = rng.choice([0.5, 0.8, COPY_LEVEL], size=first.size, p=[0.6, 0.3, 0.1])
    rank = rng.permutation(14)  # keep order unrelated to input order
    kept = within_budget(first, second, scores, rank)
    assert set(np.flatnonzero(kept).tolist()) == _budget_by_brute_force(first, second, scores, rank)
    assert 0 < kept.sum() < first.size
    later = np.where(rank[second] > rank[first], second, first)
    assert np.bincount(later[kept & (scores < COPY_LEVEL)]).max() <= VERIFY_PER_DOCUMENT


def test_the_budget_can_be_taken_piecewise() -> None:
    rng = np.random.default_rng(8)
    first, second = (values.astype(np.int64) for values in np.triu_indices(30, k=1))
    scores = rng.choice([0.5, COPY_LEVEL], size=first.size, p=[0.9, 0.1])
    rank = rng.permutation(30)
    whole = set(np.flatnonzero(within_budget(first, second, scores, rank)).tolist())
    pieces = np.array_split(rng.permutation(first.size), 4)
    merged = np.empty(0, dtype=np.int64)
    for piece in pieces:
        piece = np.sort(piece)
        part = piece[within_budget(first[piece], second[piece], scores[piece], rank)]
        merged = np.union1d(merged, part)
        merged = merged[within_budget(first[merged], second[merged], scores[merged], rank)]
    assert set(merged.tolist()) == whole


def test_band_pairs_take_32_bit_keys_only() -> None:
    # Keys are packed with their positions into 64 bits for the sort: wider keys would lose bits.
    keys = np.array([[7], [7], [9]], dtype=np.uint32)
    assert [(a.tolist(), b.tolist()) for a, b in band_pairs(keys)] == [([0], [1])]
    for wrong in (np.uint64, np.int32):
        with pytest.raises(ValueError, match="32-bit unsigned"):
            list(band_pairs(keys.astype(wrong)))


@pytest.mark.parametrize("size", [0, 1, 7, 5000])
def test_band_sort_is_a_sort_of_keys_with_their_positions(size: int) -> None:
    """Banding's radix sort gives what sorting each key shifted above its position gives: keys ascending,
    equal keys in ascending position. Keys repeat (buckets) and use all 32 bits (every radix digit)."""
    rng = np.random.default_rng(size)
    keys = rng.integers(0, 2**32, size, dtype=np.uint64).astype(np.uint32)
    keys[1::3] = keys[0::3][: len(keys[1::3])]
    keys[: size // 10] = np.uint32(2**32 - 1)
    expected = np.sort((keys.astype(np.uint64) << np.uint64(32)) | np.arange(size, dtype=np.uint64))
    assert np.array_equal(keys_with_positions_sorted(keys), expected)


def _band_pairs_by_hand(keys: np.ndarray, members: np.ndarray) -> list[tuple[list[int], list[int]]]:
    """band_pairs written out: each band's buckets (documents sharing a key, in document order) by size,
    then by key; every pair of a small bucket, each member of a large one with the BUCKET_LINKS after it."""
    found = []
    for band in range(keys.shape[1]):
        buckets: dict[int, list[int]] = {}
        for document in np.flatnonzero(members).tolist():
            buckets.setdefault(int(keys[document, band]), []).append(document)
        first, second = [], []
        for _, bucket in sorted((len(b), key) for key, b in buckets.items() if len(b) > 1):
            docs = buckets[bucket]
            if len(docs) <= BUCKET_LIMIT:
                links = [(x, y) for x in range(len(docs)) for y in range(x + 1, len(docs))]
            else:
                links = [(x, x + step) for step in range(1, BUCKET_LINKS + 1) for x in range(len(docs) - step)]
            first += [docs[x] for x, _ in links]
            second += [docs[y] for _, y in links]
        if first:
            found.append((first, second))
    return found


def test_band_pairs_are_each_bands_bucket_links() -> None:
    rng = np.random.default_rng(12)
    documents = 400
    keys = rng.integers(0, 60, (documents, 5)).astype(np.uint32)  # buckets of every size, some large
    keys[rng.random(documents) < 0.3, 2] = 7  # one bucket of ~120: BUCKET_LINKS each
    keys[:, 4] = rng.integers(0, 2**32, documents, dtype=np.uint64).astype(np.uint32)  # a band of singletons
    members = rng.random(documents) < 0.8
    expected = _band_pairs_by_hand(keys, members)
    assert np.bincount(keys[members, 2]).max() > BUCKET_LIMIT
    found = [pair for a, b in band_pairs(keys, members) for pair in zip(a.tolist(), b.tolist(), strict=True)]
    assert found == [pair for first, second in expected for pair in zip(first, second, strict=True)]
