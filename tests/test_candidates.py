"""LSH banding as numpy sorts: the pairs datasketch's MinHashLSH gives, screened as they are found."""

from __future__ import annotations

import random

import numpy as np
from datasketch import MinHashLSH

from dedup.candidates import Banding, band_keys, bucket_pairs
from dedup.fingerprint import signature
from dedup.verify import COPY_LEVEL, VERIFY_PER_DOCUMENT, within_budget


def _signatures(count: int, num_perm: int, seed: int = 3) -> list:
    """Token sets in families that share most tokens, so that many pairs collide in some band."""
    rng = random.Random(seed)
    bases = [{f"t{rng.randrange(5000)}" for _ in range(40)} for _ in range(count // 4)]
    sets = []
    for index in range(count):
        base = bases[index % len(bases)]
        keep = {token for token in base if rng.random() < 0.6 + 0.4 * rng.random()}
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


def test_each_document_verifies_its_earliest_partners_and_every_copy() -> None:
    # Twelve articles on one beat, each screened against every other; article 0 is the earliest.
    first, second = (values.astype(np.int64) for values in np.triu_indices(12, k=1))
    scores = np.full(first.size, 0.6)
    copy = (first == 7) & (second == 11)
    scores[copy] = COPY_LEVEL
    rank = np.arange(12)
    kept = within_budget(first, second, scores, rank)
    for document in range(12):
        partners = np.concatenate([second[(first == document) & kept], first[(second == document) & kept]])
        assert set(range(VERIFY_PER_DOCUMENT)) - {document} <= set(partners.tolist())  # the earliest ones
    assert kept[copy]  # a copy is verified whatever its rank
    assert kept.sum() < first.size  # and the beat's other pairs are not
    far = (first >= 8) & ~copy
    assert not kept[far].any()
