"""Each stage on plain values, without the CLI."""

from __future__ import annotations

import importlib
import itertools
import random
import zlib
from collections.abc import Sequence

import numpy as np
import pytest
from datasketch import MinHash
from rapidfuzz.distance import Indel

from dedup.boilerplate import ascii_buffer, chrome_of_texts, paragraph_key, paragraph_keys, paragraph_keys_of_texts
from dedup.candidates import COPY_BANDING, REWRITE_BANDING, Candidates, band_keys, find_candidates
from dedup.cluster import build_clusters, keep_order, star_clusters
from dedup.content import TextBatch, extract_content, own_paragraphs, sentences_and_normalized_of_texts
from dedup.document import Document
from dedup.evidence import Evidence, evidence_records
from dedup.facts import agreement, figure_hash, figures
from dedup.fingerprint import (
    HashSets,
    common_terms,
    content_hash,
    rewrite_signatures,
    signature,
    signatures,
    term_hashes,
)
from dedup.hashing import shared_count
from dedup.scan import ScanOptions, scan
from dedup.text import clean, normalize, paragraphs, sentences, shingles, windows
from dedup.text import words as words_of
from dedup.verify import (
    SCREEN_MARGIN,
    SCREEN_MIN_TERMS,
    Thresholds,
    Verdict,
    accepted_verdict,
    score_pair,
    screen,
    screen_scores,
    screened,
    verify_pair,
)

from .conftest import ORIGINAL, REWRITE, SUMMIT_A, SUMMIT_B, WIRE

CHROME = ["Advertisement", "Share this article on social media and by email with your friends"]


def _story(n: int) -> str:
    return (
        f"Story number {n} tells of the harbour town of Place{n}, where fishermen landed {n * 7} tonnes of "
        f"cod on day {n}. The mayor of Place{n} praised crew {n} for their record catch this season."
    )


def test_chrome_recurring_across_unrelated_articles_is_found_but_wire_copies_are_not() -> None:
    unrelated = [f"{CHROME[0]}\n\n{_story(n)}\n\n{CHROME[1]}" for n in range(5)]
    chrome = chrome_of_texts(unrelated + [WIRE] * 5)
    assert chrome == {paragraph_key(text) for text in CHROME}
    assert extract_content(unrelated[0], chrome).normalized == extract_content(_story(0)).normalized


@pytest.mark.parametrize("non_ascii", ["", " Café £5"])
def test_own_paragraphs_leave_out_chrome_and_normalise_each_paragraph(non_ascii: str) -> None:
    """ASCII articles take a shorter way (one fold for the chrome key and the normalised text): it must give
    what the definition gives, as the other articles do."""
    text = (
        f"{CHROME[0].upper()}\n\n  Story   ONE: told\tin `two`\nwrapped lines.{non_ascii}\n\n"
        f"{CHROME[1]}\n\nThe  END, of it."
    )
    chrome = frozenset({paragraph_key(CHROME[0]), paragraph_key(CHROME[1])})
    kept, normalized = own_paragraphs(text, chrome)
    expected = [p for p in paragraphs(clean(text)) if paragraph_key(p) not in chrome]
    assert len(expected) == 2 and kept == expected
    assert normalized == " ".join(normalize(p) for p in expected)
    assert own_paragraphs(text)[0] == paragraphs(clean(text))
    keys, counts = paragraph_keys(text)
    assert keys == [paragraph_key(p) for p in paragraphs(clean(text))]
    assert counts == [len(p.split()) for p in paragraphs(clean(text))]


def test_compiled_paragraphs_keys_and_folds_are_the_definitions() -> None:
    """ASCII articles are split into paragraphs, keyed and folded in compiled code (hashing.ascii_paragraphs,
    folded_texts): every rule of text.paragraphs (breaks, stripping, one paragraph per line), boilerplate's
    key and word count, and own_paragraphs' normalised text must come out as the Python definitions give."""
    rng = random.Random(7)
    pieces = [
        *("a", "B", "word", "End.", "Stop!", "Q?", '"q"', "'x'", "x.\n", "Y.\n", "z\n", " ", "  ", "\t"),
        *("\n", "\n\n", " \n \n", "\n\t\n\n", "\r\n", "\r", "\x0b", "\x0c", "\x1c", "\x1f", "`", "é"),
        *("\u201cQ\u201d", "\u2014", "\r\r\n"),  # ASCII once cleaned: content.TextBatch takes them with the ASCII
    ]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randrange(0, 30))) for _ in range(3000)]
    texts += [f"{CHROME[0]}\n\n{_story(n)}\n\n{CHROME[1]}" for n in range(20)] + [WIRE, ORIGINAL.read_text()]
    # clean() run twice differs from once here (a soft hyphen dropped lets NFKC join e and its accent):
    # the chrome stage and own_paragraphs must key this paragraph alike.
    texts += [f"Cafe\u00ad\u0301 news\n\n{_story(n)}" for n in range(30, 36)]
    documents, keys, words = paragraph_keys_of_texts(texts)
    expected = [
        (i, key, count) for i, text in enumerate(texts) for key, count in zip(*paragraph_keys(text), strict=True)
    ]
    assert list(zip(documents.tolist(), keys.tolist(), words.tolist(), strict=True)) == expected
    assert [paragraph_key(p) for p in paragraphs(clean(WIRE))] == paragraph_keys(WIRE)[0]
    chrome = chrome_of_texts(texts)
    assert chrome  # the CHROME paragraphs recur across the stories
    assert own_paragraphs(texts[-1], chrome)[0] == [_story(35)]  # the recurring accented line is chrome
    batch = signatures(texts, chrome)
    normalized = [own_paragraphs(text, chrome)[1] for text in texts]
    assert batch.exact.tolist() == [content_hash(text.encode("utf-8")) for text in normalized]
    assert batch.words.tolist() == [len(words_of(text)) for text in normalized]


def test_a_batch_holds_the_texts_ascii_once_cleaned_as_ascii_buffer_makes_them_and_the_others_raw() -> None:
    """content.TextBatch, from texts or from their UTF-8 as a store reads it back: which texts are ASCII
    once cleaned (text.clean), those cleaned in boilerplate.ascii_buffer's form, in order, the others as
    they are; a lone surrogate kept."""
    rng = random.Random(3)
    pieces = ["a", "B c", "`", "\r\n", "\r", "\r\r\n", "\n\r", "\u201cq\u201d", "\u2013", "é", "Â£5", "\ud800", "\x00"]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randrange(0, 12))) for _ in range(400)]
    texts += ["", "plain", "\u201cquoted\u201d"]
    plain = [i for i, text in enumerate(texts) if clean(text).isascii()]
    buffer, offsets = ascii_buffer([clean(texts[i]) for i in plain])
    encoded = [text.encode("utf-8", errors="surrogatepass") for text in texts]
    utf8_offsets = np.cumsum([0, *map(len, encoded)])
    for batch in (TextBatch.of(texts), TextBatch.of_utf8(b"".join(encoded), utf8_offsets)):
        assert batch.size == len(texts) and batch.plain == plain
        assert batch.buffer.tobytes() == buffer.tobytes() and batch.offsets.tolist() == offsets.tolist()
        assert batch.others == {i: text for i, text in enumerate(texts) if i not in set(plain)}
        assert batch.cleaned == {i: clean(text) for i, text in batch.others.items()}
    assert 0 < len(plain) < len(texts) - 50 and any(not text.isascii() for text in (texts[i] for i in plain))


def test_compiled_sentences_are_the_definition() -> None:
    """ASCII articles are cut into sentences in compiled code (hashing.ascii_sentences), all of a batch at
    once: stops, closing quotes and brackets, an opening one before the capital, abbreviations, single
    letters, a paragraph per line, chrome left out; text.sentences over own_paragraphs is the definition."""
    rng = random.Random(9)
    pieces = [
        *("a", "B", "Mr.", "U.S.", "e.g.", "No.", "x.", "Y.", "word", "End.", "Stop!", "Q?", '"Q."', "'x'", "[K]"),
        *("(Z)", "[k]", "9.", "8", ")", " ", "  ", "\t", "\n", "\n\n", "\r\n", "\x0b", '."', ".)", "?!", "Jan."),
    ]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randrange(0, 40))) for _ in range(3000)]
    texts += [f"{CHROME[0]}\n\n{_story(n)}\n\n{CHROME[1]}" for n in range(20)] + ["Café. Über alles.", ""]
    chrome = chrome_of_texts(texts)
    assert chrome
    expected = []
    for text in texts:
        kept, normalized = own_paragraphs(text, chrome)
        expected.append(([sentence for paragraph in kept for sentence in sentences(paragraph)], normalized))
    assert sentences_and_normalized_of_texts(texts, chrome) == expected


def test_signature_is_a_datasketch_minhash_of_the_same_tokens() -> None:
    tokens = ["drone", "base", "iraq", "soleimani", "2020"]
    reference = MinHash(num_perm=128, seed=1, hashfunc=lambda t: zlib.crc32(t.encode("utf-8")))
    reference.update_batch(tokens)
    ours = signature(tokens)
    assert (ours.hashvalues == reference.hashvalues).all()
    assert ours.jaccard(reference) == 1.0


def test_signature_estimates_jaccard() -> None:
    a = {f"w{i}" for i in range(200)}
    b = {f"w{i}" for i in range(100, 300)}  # true Jaccard 1/3
    assert abs(signature(a).jaccard(signature(b)) - 1 / 3) < 0.12
    assert signature(a).jaccard(signature(set(a))) == 1.0


def _contents(*texts: str) -> list[Evidence]:
    return [Evidence.of(extract_content(t)) for t in texts]


def test_candidates_pair_copies_and_rewrites_but_not_strangers() -> None:
    texts = [ORIGINAL.read_text(), REWRITE.read_text(), WIRE, WIRE.replace("Thursday", "Friday"), _story(1), WIRE]
    batch = signatures(texts)
    rewrite_rows, _ = rewrite_signatures(batch.terms, common_terms(batch.terms))
    found = find_candidates(band_keys(batch.copy, COPY_BANDING), band_keys(rewrite_rows, REWRITE_BANDING), batch.exact)
    pairs = {(c.first, c.second): c.channels for c in found}
    assert "rewrite" in pairs[(0, 1)]
    assert "copy" in pairs[(2, 3)]
    assert pairs[(2, 5)] == ("exact",)  # an exact copy is paired with its first, outside LSH
    assert (3, 5) not in pairs  # ... and does not enter the LSH indexes itself
    assert not any(4 in pair for pair in pairs)


def _all_pairs(n: int) -> Candidates:
    first, second = np.triu_indices(n, k=1)
    return Candidates(first.astype(np.int64), second.astype(np.int64), np.zeros(first.size, dtype=np.uint8))


def test_screen_keeps_every_pair_that_verification_accepts_and_drops_strangers() -> None:
    wire_variants = [WIRE, WIRE.replace("Thursday", "Friday"), WIRE.split("\n\n")[0], "  " + WIRE.upper()]
    texts = [ORIGINAL.read_text(), REWRITE.read_text(), SUMMIT_A, SUMMIT_B, *wire_variants, _story(1), _story(2)]
    batch = signatures(texts)
    pairs = _all_pairs(len(texts))
    kept = screen(pairs.first, pairs.second, batch.terms, batch.bigrams, Thresholds())
    contents = _contents(*texts)
    accepted = [
        verify_pair(a, b, contents[a], contents[b]).accepted for a, b in zip(pairs.first, pairs.second, strict=True)
    ]
    assert sum(accepted) >= 7  # the rewrite and the wire copies among themselves
    assert all(kept[accepted])
    strangers = [k for k, (a, b) in enumerate(zip(pairs.first, pairs.second, strict=True)) if {a, b} & {8, 9}]
    assert not kept[[k for k in strangers if pairs.first[k] != 8]].any()  # 8 ~ 9 share a template


def _screen_score_of_sets(terms: HashSets, bigrams: HashSets, a: int, b: int) -> float:
    """Term Jaccard + bigram containment, on Python sets of the hashes."""
    terms_a, terms_b = set(terms[a].tolist()), set(terms[b].tolist())
    bigrams_a, bigrams_b = set(bigrams[a].tolist()), set(bigrams[b].tolist())
    jaccard = len(terms_a & terms_b) / len(terms_a | terms_b) if terms_a | terms_b else 1.0
    smaller = min(len(bigrams_a), len(bigrams_b))
    return jaccard + (len(bigrams_a & bigrams_b) / smaller if smaller else 0.0)


def test_screen_is_the_score_threshold_whatever_it_skips() -> None:
    # screen() leaves out the bigram sets when few shared terms cannot reach the threshold; it must
    # decide as the full score would, on sets that overlap a little, a lot, or not at all.
    rng = np.random.default_rng(7)
    vocabulary = [f"term{i}" for i in range(60)]
    documents = [
        [str(word) for word in rng.choice(vocabulary[: rng.integers(5, 60)], size=rng.integers(0, 50))]
        for _ in range(80)
    ]
    documents += [documents[3][:20], documents[5] + ["extra"], ["solo"], ["solo"], []]
    # Few shared terms in many shared pairings, amid words of their own: passes on its bigrams alone.
    pairings = [str(word) for word in rng.choice(vocabulary[:5], size=40)]
    documents += [pairings + [f"own{i}" for i in range(30)], pairings + [f"other{i}" for i in range(30)]]
    hashed = [term_hashes(terms) for terms in documents]
    terms = HashSets.of([term_set for term_set, _ in hashed])
    bigrams = HashSets.of([bigram_set for _, bigram_set in hashed])
    pairs = _all_pairs(len(documents))
    policy = Thresholds()
    sizes = terms.sizes()
    expected = np.minimum(sizes[pairs.first], sizes[pairs.second]) < SCREEN_MIN_TERMS
    full = np.array(
        [_screen_score_of_sets(terms, bigrams, a, b) for a, b in zip(pairs.first, pairs.second, strict=True)]
    )
    assert np.array_equal(screen_scores(pairs.first, pairs.second, terms, bigrams), full)
    expected |= full >= policy.rewrite_score - SCREEN_MARGIN
    assert 0 < expected.sum() < expected.size
    assert np.array_equal(screen(pairs.first, pairs.second, terms, bigrams, policy), expected)
    passes, scores = screened(pairs.first, pairs.second, terms, bigrams, policy)
    assert np.array_equal(passes, expected)
    assert np.array_equal(scores[passes], full[passes])
    assert (scores[~passes] == -1).all()


def test_screen_lets_through_pairs_it_cannot_judge() -> None:
    texts = ["We will do what we can for them today.", "We will do what we can for them.", WIRE, _story(3)]
    batch = signatures(texts)
    pairs = _all_pairs(len(texts))
    kept = screen(pairs.first, pairs.second, batch.terms, batch.bigrams, Thresholds())
    a, b = _contents(texts[0], texts[1])
    assert verify_pair(0, 1, a, b).relation == "near-copy"  # stopwords only: no terms to score
    assert kept[0]
    assert not kept[-1]  # the wire story and an unrelated one are judged, and ruled out


def test_shared_count_counts_shared_hashes() -> None:
    sets = [np.array(values, dtype=np.int64) for values in ([1, 5, 9], [], [5, 9, 12, 40], [2, 3])]
    pairs = [(0, 2), (0, 3), (2, 3), (1, 2), (2, 2)]
    assert [shared_count(sets[a], sets[b]) for a, b in pairs] == [2, 0, 0, 0, 4]


@pytest.mark.parametrize(
    ("make_b", "relation"),
    [
        (lambda a: a, "exact"),
        (lambda a: "  " + a.upper().replace("\n\n", "\n\n\n"), "exact"),  # normalisation only
        (lambda a: a.replace("Thursday", "Friday").replace("five of the seven", "four of the seven"), "near-copy"),
        (lambda a: a.split("\n\n")[0] + "\n\n" + a.split("\n\n")[1], "truncation"),
    ],
)
def test_copies_are_classified(make_b, relation: str) -> None:
    a, b = _contents(WIRE, make_b(WIRE))
    verdict = verify_pair(0, 1, a, b)
    assert verdict.relation == relation
    assert min(verdict.scores.values()) >= 0.0 and max(verdict.scores.values()) <= 1.0


def test_the_fixture_rewrite_is_a_rewrite_with_low_phrase_overlap() -> None:
    a, b = _contents(ORIGINAL.read_text(), REWRITE.read_text())
    verdict = verify_pair(0, 1, a, b)
    assert verdict.relation == "rewrite"
    assert verdict.scores["jaccard"] < 0.1  # a textbook 5-gram MinHash would not see it


def test_independent_coverage_of_one_event_is_rejected() -> None:
    a, b = _contents(SUMMIT_A, SUMMIT_B)
    verdict = verify_pair(0, 1, a, b)
    assert verdict.relation is None
    assert verdict.scores["terms"] > 0.1  # they do share vocabulary: the rejection is not trivial


def test_sentence_coverage_in_compiled_code_is_numpys_to_the_last_bit() -> None:
    """The sentences score is a weighted mean of float32 Dice values with whole weights: summed in
    compiled code, exact, hence numpy's dot product whatever order it adds in; NaN (numpy decides) where
    exactness is not sure: a value under 2^-10, weights of 2^20 or more, or a weight that is not whole."""
    from dedup.hashing import _weighted_mean, pair_overlaps
    from dedup.verify import _coverage

    rng = np.random.default_rng(12)
    for size in (1, 2, 7, 30, 200):
        for _ in range(200):
            values = (2 * rng.integers(0, 40, size) / rng.integers(1, 90, size)).clip(0, 1).astype(np.float32)
            values[values < 2.0**-10] = 0
            weights = rng.integers(1, 60, size).astype(np.float64)
            assert _weighted_mean(values, weights) == float(values @ weights / weights.sum())
    weights = np.array([3.0, 4.0])
    for values, weight in [
        ([2.0**-11, 0.5], weights),
        ([0.5, 0.25], np.array([2.0**20, 1.0])),
        ([0.5, 0.2], np.array([1.5, 2.0])),
    ]:
        assert np.isnan(_weighted_mean(np.array(values, dtype=np.float32), weight))
    evidence = [
        Evidence.of(extract_content(text)) for text in (ORIGINAL.read_text(), REWRITE.read_text(), WIRE, SUMMIT_A)
    ]
    coverages = []
    for a, b in [(0, 1), (1, 0), (2, 3), (0, 3), (2, 2)]:
        ea, eb = evidence[a], evidence[b]
        *_, best_a, best_b, coverage = pair_overlaps(
            *(getattr(e, name) for name in ("shingles", "terms", "bigrams", "figures") for e in (ea, eb)),
            ea.sentence_values, ea.sentence_offsets, eb.sentence_values, eb.sentence_offsets,
            ea.sentence_weights, eb.sentence_weights,
        )  # fmt: skip
        assert coverage == _coverage(best_a, ea.sentence_weights, best_b, eb.sentence_weights)
        assert score_pair(ea, eb)["sentences"] == coverage
        coverages.append(coverage)
    assert coverages[-1] == 1.0 and 0 < coverages[0] < 1 and coverages[2] == 0


def test_pair_measures_read_spooled_records_as_score_pair_reads_evidence() -> None:
    """A scan verifies pairs from their evidence records where they lie in the spool (hashing.pair_measures,
    padded records: evidence.aligned_records): the counts, coverage and text equality give score_pair's
    scores and verify_pair's verdict for every pair, and a padded record reads back as it was."""
    from dedup.evidence import aligned_records, normalized_of_record
    from dedup.hashing import pair_measures
    from dedup.verify import classify, scores_of, verdict_of

    texts = [ORIGINAL.read_text(), REWRITE.read_text(), WIRE, WIRE.replace("Thursday", "Friday"), SUMMIT_A]
    texts += [SUMMIT_B, WIRE.split("\n\n")[0], "  " + WIRE.upper(), "Café au lait. Â£5 for two.", "x", _story(3)]
    data, sizes = evidence_records(texts)
    padded, padded_sizes = aligned_records(data, sizes)
    assert all(size % 8 == 0 for size in padded_sizes) and padded_sizes != sizes
    starts = np.cumsum([0, *padded_sizes[:-1]])
    records = [padded[start : start + size] for start, size in zip(starts, padded_sizes, strict=True)]
    evidence = [Evidence.from_bytes(record) for record in records]
    unpadded = np.cumsum([0, *sizes])
    assert [e.to_bytes() for e in evidence] == [data[a:b] for a, b in itertools.pairwise(unpadded)]
    assert [normalized_of_record(record) for record in records] == [e.normalized for e in evidence]
    pairs = list(itertools.combinations(range(len(texts)), 2))
    first, second = (np.array([pair[k] for pair in pairs], dtype=np.int64) for k in (0, 1))
    words, weights, raw = (np.frombuffer(padded, dtype=dtype) for dtype in (np.int64, np.float64, np.uint8))
    counts, coverage, same_text = pair_measures(words, weights, raw, starts // 8, first, second)
    policy = Thresholds()
    relations = set()
    for k, (a, b) in enumerate(zip(first.tolist(), second.tolist(), strict=True)):
        row = counts[k].tolist()
        assert same_text[k] == (evidence[a].normalized == evidence[b].normalized != "")
        for rules in (policy, None):
            expected = score_pair(evidence[a], evidence[b], rules)
            ratio = Indel.normalized_similarity(evidence[a].normalized, evidence[b].normalized)
            assert scores_of(row, float(coverage[k]), rules, lambda: ratio) == expected  # noqa: B023
        scores = scores_of(row, float(coverage[k]), policy, lambda: pytest.fail("no ratio with a policy"))
        relation = classify(bool(same_text[k]), min(row[3], row[4]), scores, policy)
        verdict = verdict_of(a, b, relation, scores, lambda: ratio)  # noqa: B023
        assert verdict == verify_pair(a, b, evidence[a], evidence[b], policy)
        assert verdict.scores == verify_pair(a, b, evidence[a], evidence[b], policy).scores
        relations.add(relation)
    assert relations >= {"exact", "near-copy", "truncation", "rewrite", None}


def test_exact_copies_score_one_everywhere_without_comparing_their_texts(monkeypatch: pytest.MonkeyPatch) -> None:
    verify_module = importlib.import_module("dedup.verify")
    a, b = _contents(WIRE, "  " + WIRE.upper())
    expected = verify_pair(0, 1, a, b)
    monkeypatch.setattr(verify_module, "ratio", lambda a, b: pytest.fail("rapidfuzz compared exact copies"))
    verdict = verify_pair(0, 1, a, b)
    assert verdict == expected and verdict.relation == "exact"
    assert verdict.scores == dict.fromkeys(
        ["jaccard", "containment", "terms", "bigrams", "length", "sentences", "facts", "ratio"], 1.0
    )


def test_a_scan_keeps_the_verdicts_of_accepted_pairs_only() -> None:
    pairs = [
        (WIRE, WIRE.replace("Thursday", "Friday")),
        (ORIGINAL.read_text(), REWRITE.read_text()),
        (SUMMIT_A, SUMMIT_B),
    ]
    relations = []
    for text_a, text_b in pairs:
        a, b = _contents(text_a, text_b)
        verdict = verify_pair(0, 1, a, b, Thresholds())
        relations.append(verdict.relation)
        kept = accepted_verdict(0, 1, a, b, Thresholds())
        assert kept == (verdict if verdict.accepted else None)
        assert kept is None or kept.scores == verdict.scores
    assert relations == ["near-copy", "rewrite", None]


def _verdict(first: int, second: int, strength: float) -> Verdict:
    return Verdict(first, second, "rewrite", {"jaccard": strength, "sentences": strength})


def test_star_clusters_do_not_chain() -> None:
    chain = [_verdict(i, i + 1, 0.5) for i in range(5)]  # 0-1-2-3-4-5, weak links only
    groups = star_clusters(chain, order=list(range(6)))
    assert all(len(g) <= 3 for g in groups)
    assert not any({0, 5} <= set(g) for g in groups)
    assert sorted(i for g in groups for i in g) == sorted(set(i for g in groups for i in g))  # no one twice


def test_keep_rules() -> None:
    dates, lengths = ["2024-03-01", None, "2024-01-05", "2024-01-05"], [10, 50, 20, 30]
    assert keep_order(dates, lengths, "earliest") == [3, 2, 0, 1]  # earliest; tie by longest; undated last
    assert keep_order(dates, lengths, "longest") == [1, 3, 2, 0]
    assert keep_order(dates, lengths, "first") == [0, 1, 2, 3]
    with pytest.raises(ValueError, match="unknown keep rule"):
        keep_order(dates, lengths, "newest")


def test_keep_rules_break_every_tie_as_documented() -> None:
    # Few dates and lengths, so most documents tie on one key or both; "" counts as undated, like None.
    rng = np.random.default_rng(3)
    dates = [None, "", "2024-01-05", "2023-12-31", "2024-01-10"]
    dates = [dates[k] for k in rng.integers(0, len(dates), size=400)]
    lengths = rng.integers(1, 4, size=400).tolist()

    def undated_last(i: int) -> tuple[int, str]:
        return (0, dates[i]) if dates[i] else (1, "")

    earliest = sorted(range(400), key=lambda i: (undated_last(i), -lengths[i], i))
    longest = sorted(range(400), key=lambda i: (-lengths[i], undated_last(i), i))
    assert keep_order(dates, lengths, "earliest") == earliest
    assert keep_order(dates, lengths, "longest") == longest


def test_original_is_the_earliest_and_members_are_scored_against_it() -> None:
    dates = ["2024-02-01", "2024-01-01", "2024-03-01"]
    verdicts = [_verdict(0, 1, 0.9), _verdict(0, 2, 0.9), _verdict(1, 2, 0.9)]
    rescored: list[tuple[int, int]] = []

    def rescore(pairs: Sequence[tuple[int, int]]) -> list[Verdict]:
        rescored.extend(pairs)
        return [_verdict(a, b, 0.9) for a, b in pairs]

    (cluster,) = build_clusters(verdicts, dates, [10, 10, 10], "earliest", rescore)
    assert cluster.original == 1
    assert [(m.index, m.relation) for m in cluster.members] == [(1, "original"), (0, "rewrite"), (2, "rewrite")]
    assert rescored == []  # every pair with the original was verified already


def test_scan_on_plain_documents() -> None:
    documents = [
        Document("later", REWRITE.read_text(), date="2023-11-07"),
        Document("summit-a", SUMMIT_A),
        Document("earlier", ORIGINAL.read_text(), date="2023-10-18"),
        Document("summit-b", SUMMIT_B),
    ]
    result = scan(documents)
    assert [(c.original, [m.index for m in c.members]) for c in result.clusters] == [(2, [2, 0])]
    assert result.clusters[0].members[1].relation == "rewrite"
    assert result.duplicates == 1
    assert set(result.seconds) == {"boilerplate", "fingerprint", "candidates", "verify", "cluster"}


TEMPLATE = """{company} said its board adopted a shareholder rights plan intended to protect holders in the event of
any proposed takeover of the company, and declared a dividend of {cents} cents a share payable on {day} {month}.

Under the plan, holders will receive one right for each common share held as of {month} {day}, {year}. Each
right entitles the holder to buy one hundredth of a preferred share at {price} dlrs.

The rights become exercisable if a person or group acquires {share} pct or more of the company's stock, the
company said, adding that the plan was not adopted in response to any specific takeover attempt."""


def test_templated_stories_with_other_figures_are_not_rewrites() -> None:
    first = TEMPLATE.format(company="Albany Mills Inc", cents=12, day=14, month="April", year=1987, price=45, share=20)
    second = TEMPLATE.format(company="Rowan Tools Corp", cents=31, day=2, month="May", year=1988, price=80, share=15)
    a, b = _contents(first, second.replace("adopted", "approved").replace("intended", "designed"))
    verdict = verify_pair(0, 1, a, b)
    assert verdict.relation is None
    assert verdict.scores["facts"] < 0.5
    assert verdict.scores["terms"] + verdict.scores["bigrams"] >= 0.36  # the wording alone would pass


NOTICE = """{company} said its board declared a quarterly dividend of {cents} cts a share, unchanged from the prior
quarter, payable {dates}.

The {kind} company said its board would review the payout again at its next regular meeting."""


@pytest.mark.parametrize(
    ("dates_a", "dates_b"),
    [
        ("April 30 to holders of record April 3", "April 30 to holders of record April 21"),  # half the figures
        ("on April 30", "on May 15"),  # one figure each
    ],
)
def test_dividend_notices_of_two_companies_are_not_duplicates(dates_a: str, dates_b: str) -> None:
    first = NOTICE.format(company="Harlow Paper Co", cents=10, dates=dates_a, kind="Ohio paper")
    second = NOTICE.format(company="Keene Valley Bancorp", cents=10, dates=dates_b, kind="Vermont banking")
    rewritten = f"""Harlow Paper Co will pay a quarterly dividend of ten cts a share, {dates_a}, the same as in the
prior quarter, the company said. Its board plans to look at the payout again when it next meets."""
    a, b, c = _contents(first, second, rewritten)
    assert verify_pair(0, 1, a, b).relation is None
    assert verify_pair(0, 1, a, b).scores["facts"] <= 0.5
    assert verify_pair(0, 2, a, c).relation == "rewrite"  # the same notice in other words keeps its dates


def test_figure_agreement_counts_dates_and_numbers_but_not_small_counts() -> None:
    from dedup.facts import extract

    kept = figures(["In 2019 the firm paid $2.5 billion for 469,000 acres.", "Two drones were seen."])
    same = figures(["The firm paid $2,500 million in 2019 for 469,000 acres of land."])
    other = figures(["In 2021 the firm paid $1.1 billion for 12,000 acres.", "Three drones were seen."])

    def agreement_of(a: frozenset, b: frozenset) -> float:
        return agreement(len(a & b), len(a), len(b))

    assert agreement_of(kept, same) == 1.0
    assert agreement_of(kept, other) == 0.0
    assert agreement_of(figures(["One, two, 3 and 4."]), figures(["Five and 6."])) == 1.0  # no figures: no evidence
    one_date = figures(["Paid on May 15."])
    assert agreement_of(one_date, figures(["Paid on April 30, not in 2020."])) == 0.0  # one figure is evidence
    sentences = ["Iraq's Al-Asad base was hit on 3 January 2020 by 11 drones costing $20,000 each.", "Two fell."]
    every_fact = {(f.kind, f.key) for f in extract(sentences).facts if f.kind != "name"}
    assert figures(sentences) == {fact for fact in every_fact if fact[0] == "date" or int(fact[1].strip("$")) > 12}


def _exact(first: int, second: int) -> Verdict:
    return Verdict(first, second, "exact", {"jaccard": 1.0, "sentences": 1.0})


def test_exact_copies_stay_together_whatever_else_they_link_to() -> None:
    # 0, 3 and 5 are exact copies (verified against 0, the first read); 3 is dated earliest, so it
    # represents them. 5 also links to 7, which has a strong star of its own with 8 and 9.
    verdicts = [_exact(0, 3), _exact(0, 5), _verdict(5, 7, 0.5), _verdict(7, 8, 0.9), _verdict(7, 9, 0.9)]
    dates = ["2024-01-05", None, None, "2024-01-01", None, "2024-01-09", None, "2024-01-02", None, None]

    def rescore(pairs: Sequence[tuple[int, int]]) -> list[Verdict]:
        return [Verdict(a, b, None, {}) for a, b in pairs]

    clusters = build_clusters(verdicts, dates, [10] * 10, "earliest", rescore)
    placed = {m.index: (c.original, m.relation, m.via) for c in clusters for m in c.members}
    assert placed[0][0] == placed[3][0] == placed[5][0] == 3
    assert placed[3][1] == "original" and placed[0][1:] == ("exact", None) and placed[5][1:] == ("exact", None)
    assert {m.index for c in clusters if c.original == 7 for m in c.members} == {7, 8, 9}


def test_a_copy_joins_the_cluster_its_source_went_to_but_a_rewrite_of_a_member_does_not() -> None:
    # 0 is the centre of a star of rewrites (1, 2, 3). 4 is a truncation of 1 and 5 a rewrite of 2, each
    # verified against nothing else: the truncation belongs with the story it copies, the rewrite of a
    # member would be a chain.
    verdicts = [_verdict(0, 1, 0.5), _verdict(0, 2, 0.5), _verdict(0, 3, 0.5), _verdict(2, 5, 0.9)]
    verdicts.append(Verdict(1, 4, "truncation", {"jaccard": 0.6, "containment": 1.0, "sentences": 1.0}))
    dates = ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05", "2024-01-06"]

    def rescore(pairs: Sequence[tuple[int, int]]) -> list[Verdict]:
        return [Verdict(a, b, None, {}) for a, b in pairs]

    clusters = build_clusters(verdicts, dates, [10] * 6, "earliest", rescore)
    placed = {m.index: (c.original, m.relation, m.via) for c in clusters for m in c.members}
    assert placed[4] == (0, "truncation", 1)
    assert 5 not in placed  # its one link is to 2, which went to the star of 0


def test_a_left_out_document_joins_an_original_before_a_member_it_copies() -> None:
    # Star of 0: 1, 2, 9 (original 0). Star of 3: 4, 5, 8, whose original is 4 (dated earliest), not the
    # centre. 7 is a truncation of member 1 and a weaker rewrite of original 4: the link to an original
    # wins, and 7 is then scored against it directly.
    verdicts = [_verdict(0, k, 0.5) for k in (1, 2, 9)] + [_verdict(3, k, 0.5) for k in (4, 5, 8)]
    verdicts += [_verdict(4, 7, 0.5), Verdict(1, 7, "truncation", {"jaccard": 0.9, "containment": 1.0})]
    dates = ["2024-01-02", "2024-01-05", "2024-01-05", "2024-01-03", "2024-01-01"] + ["2024-01-05"] * 5

    def rescore(pairs: Sequence[tuple[int, int]]) -> list[Verdict]:
        return [Verdict(a, b, None, {}) for a, b in pairs]

    clusters = build_clusters(
        sorted(verdicts, key=lambda v: (v.first, v.second)), dates, [10] * 10, "earliest", rescore
    )
    placed = {m.index: (c.original, m.relation, m.via) for c in clusters for m in c.members}
    assert placed[7] == (4, "rewrite", None)
    assert sorted(placed) == [0, 1, 2, 3, 4, 5, 7, 8, 9]  # 6 has no link; nobody twice (a dict would hide it)
    assert sum(len(c.members) for c in clusters) == 9


def test_a_copy_that_passes_against_the_original_is_named_against_it() -> None:
    verdicts = [_verdict(0, 1, 0.5), _verdict(0, 2, 0.5), _verdict(0, 3, 0.5)]
    verdicts.append(Verdict(1, 4, "truncation", {"jaccard": 0.6, "containment": 1.0, "sentences": 1.0}))
    dates = ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05"]

    def rescore(pairs: Sequence[tuple[int, int]]) -> list[Verdict]:
        return [_verdict(a, b, 0.4) for a, b in pairs]  # every rescored pair passes, as a rewrite

    clusters = build_clusters(verdicts, dates, [10] * 5, "earliest", rescore)
    placed = {m.index: (c.original, m.relation, m.via) for c in clusters for m in c.members}
    assert placed[4] == (0, "rewrite", None)


def test_content_words_are_the_sentences_words_in_order() -> None:
    from dedup.text import words

    texts = [
        ORIGINAL.read_text(),
        WIRE,
        'U.S. forces said: "No." Then (at 8.1 p.m.) Mr. Smith left.\n\nÜber-cool café ß.',
    ]
    for text in texts:
        content = extract_content(text)
        assert list(content.words) == words(content.normalized)
        assert {" ".join(shingle) for shingle in windows(content.words, 5)} == shingles(list(content.words), 5)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_scan_fingerprints_again_without_chrome_the_articles_that_carry_it(jobs: int) -> None:
    """A scan fingerprints every article before it knows the run's chrome: the carriers' fingerprints
    must come out as if the chrome had been known (here a wire copy inside chrome is an exact copy)."""
    wrapped = [f"{CHROME[0]}\n\n{_story(n)}\n\n{CHROME[1]}" for n in range(12)]
    accented = f"{WIRE}\n\nThe café closed."
    texts = [*wrapped, WIRE, f"{CHROME[0]}\n\n{WIRE}\n\n{CHROME[1]}", accented, f"{CHROME[1]}\n\n{accented}"]
    result = scan([Document(f"d{i}", text) for i, text in enumerate(texts)], ScanOptions(jobs=jobs))
    assert result.boilerplate == 2
    groups = {frozenset(m.index for m in c.members): {m.relation for m in c.members} for c in result.clusters}
    assert groups[frozenset({12, 13})] == groups[frozenset({14, 15})] == {"original", "exact"}


def test_output_does_not_depend_on_jobs_or_chunk_sizes(monkeypatch: pytest.MonkeyPatch) -> None:
    scan_module = importlib.import_module("dedup.scan")  # dedup.scan the attribute is the function

    texts = [ORIGINAL.read_text(), REWRITE.read_text(), WIRE, WIRE.replace("Thursday", "Friday"), SUMMIT_A]
    texts += [SUMMIT_B, WIRE.split("\n\n")[0], *(_story(n) for n in range(12)), WIRE, ORIGINAL.read_text()]
    documents = [Document(f"d{i}", text, f"2024-01-{1 + i % 9:02d}") for i, text in enumerate(texts)]

    def clusters(jobs: int) -> list:
        result = scan(documents, ScanOptions(jobs=jobs))
        return [(c.original, [(m.index, m.relation, m.scores, m.via) for m in c.members]) for c in result.clusters]

    single = clusters(1)
    monkeypatch.setattr(scan_module, "DOCUMENT_CHUNK", 4)
    monkeypatch.setattr(scan_module, "BAND_CHUNK", 3)
    monkeypatch.setattr(scan_module, "PAIR_CHUNK", 2)
    assert len(single) >= 3
    assert clusters(2) == single
    assert clusters(1) == single


def test_evidence_scores_equal_the_string_sets_and_survive_the_spool() -> None:
    # Evidence compares hashes; the scores must be the exact set measures on the strings themselves.
    texts = [ORIGINAL.read_text(), REWRITE.read_text(), WIRE, WIRE.split("\n\n")[0]]
    contents = [extract_content(text) for text in texts]
    evidence = [Evidence.from_bytes(Evidence.of(content).to_bytes()) for content in contents]
    for a, b in [(0, 1), (2, 3), (0, 2)]:
        scores = score_pair(evidence[a], evidence[b])
        shingles_a, shingles_b = (set(shingles(list(contents[k].words), 5)) for k in (a, b))
        terms_a, terms_b = set(contents[a].terms), set(contents[b].terms)
        bigrams_a, bigrams_b = (set(shingles(list(contents[k].terms), 2)) for k in (a, b))
        assert scores["jaccard"] == len(shingles_a & shingles_b) / len(shingles_a | shingles_b)
        assert scores["containment"] == len(shingles_a & shingles_b) / min(len(shingles_a), len(shingles_b))
        assert scores["terms"] == len(terms_a & terms_b) / len(terms_a | terms_b)
        assert scores["bigrams"] == len(bigrams_a & bigrams_b) / min(len(bigrams_a), len(bigrams_b))
        figures_a, figures_b = figures(contents[a].sentences), figures(contents[b].sentences)
        assert scores["facts"] == agreement(len(figures_a & figures_b), len(figures_a), len(figures_b))
        assert scores["ratio"] == Indel.normalized_similarity(contents[a].normalized, contents[b].normalized)
    restored, original = evidence[0], Evidence.of(contents[0])
    assert restored.normalized == original.normalized and restored.words == original.words
    assert all(np.array_equal(x, y) for x, y in zip(restored.arrays(), original.arrays(), strict=True))


def test_evidence_of_text_is_evidence_of_its_content() -> None:
    """ASCII articles are tokenised in compiled code, the others in Python: the same values either way,
    and each hashed set as large as the set of strings it stands for (no two strings share a hash)."""
    vocabulary = (
        "The A I x 7 42 don't we're it's classes class drones Drone attacked being sings tested buses 8.1 "
        "U.S. al-Asad co-op e-mail running boxes kisses Hello WORLD base based basing status crisis ties "
        "May 2024 $2.5 billion 11 percent Friday Oct. 7"
    ).split()
    glue = [" ", " ", " ", ", ", ". ", ". ", "! ", "-", "'", " (", ") ", "\n", "\n\n", "_"]
    rng = np.random.default_rng(5)
    texts = [
        "".join(vocabulary[rng.integers(len(vocabulary))] + glue[rng.integers(len(glue))] for _ in range(n))
        for n in rng.integers(0, 60, size=200)
    ]
    texts += [ORIGINAL.read_text(), WIRE, "Café owners said 4.4% in Zürich.\n\nThe café's owners left.", ""]
    # Non-ASCII letters, symbols that split words, and a non-ASCII digit (Python's way, text.compiled_form).
    unicode_words = "Café cafés Straße Müller £600m €5bn Â£30 Über é l'été résumés Σίσυφος 中文 ٣ ½".split()
    texts += [
        "".join(rng.choice(vocabulary + unicode_words) + rng.choice([*glue, " — ", "\u00a0", "©"]) for _ in range(n))
        for n in rng.integers(0, 60, size=200)
    ]
    texts += [f"{CHROME[0]}\n\n{WIRE}\n\n{CHROME[1]}"]
    # Figures the compiled matcher leaves to the regular expressions (past 28 significant digits).
    texts += ["On May 5, 2024 it cost $2.5 billion.\n\nThe debt: 12345678901234567890123456789012 units, 1.5%."]
    chrome = chrome_of_texts([f"{CHROME[0]}\n\n{_story(n)}\n\n{CHROME[1]}" for n in range(20)])
    assert chrome
    batch = Evidence.of_texts(texts, chrome)  # all at once, as the verify stage makes them
    assert len(batch) == len(texts)
    # The verify stage's records, made in compiled code for ASCII articles: the serialised reference values.
    data, sizes = evidence_records(texts, chrome)
    reference = [Evidence.of(extract_content(text, chrome)).to_bytes() for text in texts]
    assert sizes == [len(record) for record in reference]
    assert data == b"".join(reference)
    # The regular expressions' figures, the long number's among them (facts.figures is their definition).
    expected_figures = sorted({figure_hash(*f) for f in figures(extract_content(texts[-1]).sentences)})
    assert Evidence.of_text(texts[-1]).figures.tolist() == expected_figures and len(expected_figures) >= 4
    for text, made in zip(texts, batch, strict=True):
        content = extract_content(text, chrome)
        expected = Evidence.of(content)
        assert made.to_bytes() == Evidence.of_text(text, chrome).to_bytes()
        assert (made.normalized, made.words) == (expected.normalized, expected.words)
        assert all(np.array_equal(x, y) for x, y in zip(made.arrays(), expected.arrays(), strict=True))
        assert made.shingles.size == len(set(windows(content.words, 5)))
        assert made.terms.size == len(set(content.terms))
        assert made.bigrams.size == len(set(windows(content.terms, 2)))
        assert np.diff(made.sentence_offsets).tolist() == [len(set(terms)) for terms in content.sentence_terms]
        assert made.sentence_weights.tolist() == [len(terms) for terms in content.sentence_terms]
    # An ASCII article and a copy of it with one non-ASCII word share the strings the two ways agree on.
    ascii_text = ORIGINAL.read_text()
    a, b = Evidence.of_text(ascii_text), Evidence.of_text(ascii_text + "\n\nThe café closed.")
    words_a, words_b = (extract_content(t).words for t in (ascii_text, ascii_text + "\n\nThe café closed."))
    assert shared_count(a.shingles, b.shingles) == len(set(windows(words_a, 5)) & set(windows(words_b, 5)))
    assert shared_count(a.terms, b.terms) == a.terms.size


def test_breadth_first_order_numbers_each_component_together() -> None:
    from dedup.hashing import breadth_first_order

    rng = np.random.default_rng(3)
    nodes = 40
    first = rng.integers(0, nodes, 60)
    second = rng.integers(0, nodes, 60)
    keep = first != second
    first, second = first[keep], second[keep]
    ends, others = np.concatenate([first, second]), np.concatenate([second, first])
    by_end = np.argsort(ends, kind="stable")
    starts = np.zeros(nodes + 1, dtype=np.int64)
    np.cumsum(np.bincount(ends, minlength=nodes), out=starts[1:])
    order = breadth_first_order(starts, others[by_end].astype(np.int64)).tolist()
    assert sorted(order) == list(range(nodes))
    neighbours = others[by_end].tolist()
    expected: list[int] = []  # the definition: each component from its lowest node, neighbours in CSR order
    for root in range(nodes):
        if root in expected:
            continue
        expected.append(root)
        head = len(expected) - 1
        while head < len(expected):
            node = expected[head]
            head += 1
            expected += [n for n in dict.fromkeys(neighbours[starts[node] : starts[node + 1]]) if n not in expected]
    assert order == expected
    roots = [
        node
        for node in expected
        if not any(node in neighbours[starts[o] : starts[o + 1]] for o in expected[: expected.index(node)])
    ]
    assert len(roots) < nodes / 2  # the random graph has components of several nodes


@pytest.mark.parametrize("dtype", [np.int64, np.uint32])
def test_sorted_hashes_is_a_sort_and_distinct_counts_is_unique(dtype: type) -> None:
    """The compiled sets' sort (bucketed by leading bits, then insertion sorts) gives np.sort's values on
    hashes, on signed values across zero, on repeats, on values crowded into a few buckets (np.sort's
    path when out of order), and on arrays too small to bucket; distinct_counts gives np.unique's."""
    from dedup.hashing import distinct_counts, sorted_hashes

    rng = np.random.default_rng(4)
    info = np.iinfo(dtype)
    cases = [rng.integers(info.min, info.max, size, dtype=dtype, endpoint=True) for size in (0, 1, 15, 16, 17, 130)]
    cases.append(rng.integers(info.min, info.max, 5000, dtype=dtype, endpoint=True))
    cases.append(np.repeat(rng.integers(info.min, info.max, 40, dtype=dtype), 7))  # repeats: one bucket each
    crowded = np.concatenate([np.arange(100, dtype=dtype), np.array([info.max], dtype=dtype)])  # one bucket
    cases += [crowded, crowded[::-1].copy()]  # in order it costs nothing; reversed, np.sort takes over
    cases.append(np.full(50, info.max, dtype=dtype))
    for values in cases:
        assert np.array_equal(sorted_hashes(values), np.sort(values))
        distinct, counts = distinct_counts(values)
        expected_distinct, expected_counts = np.unique(values, return_counts=True)
        assert np.array_equal(distinct, expected_distinct) and np.array_equal(counts, expected_counts)


def test_summed_over_keeps_the_values_whose_counts_add_up_past_the_limit() -> None:
    """The run's common terms: what numpy's unique with its inverse and a weighted bincount give, with
    counts taken off as well as added (the chrome carriers' old terms), and a value in every batch."""
    from dedup.hashing import summed_over

    rng = np.random.default_rng(6)
    values = np.concatenate([rng.integers(0, 2**32, 3000, dtype=np.uint64), np.arange(40)]).astype(np.uint32)
    values = np.concatenate([values, values[rng.integers(0, values.size, 20000)], np.full(5, 2**32 - 1)])
    counts = rng.integers(-3, 9, values.size)
    distinct, owner = np.unique(values, return_inverse=True)
    totals = np.bincount(owner, weights=counts, minlength=distinct.size)
    for limit in (-1.0, 0.0, 4.5, 12.0, 1e9):
        expected = distinct[totals > limit]
        kept = summed_over(values, counts, limit)
        assert kept.dtype == np.uint32 and np.array_equal(kept, expected)
    assert summed_over(values[:0], counts[:0], 0.0).size == 0


def test_a_pair_seen_passing_the_screen_is_not_screened_again_and_nothing_changes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Near copies share keys in most bands. A process remembers the pairs it has seen pass the screen
    in a channel's earlier chunks and does not screen them again: with a chunk per band, no pair passes
    twice in a channel, and the candidates and clusters are those of one chunk of every band."""
    scan_module = importlib.import_module("dedup.scan")
    texts = [WIRE.replace("Thursday", day) for day in ("Monday", "Tuesday", "Friday", "Sunday")] + [WIRE] * 2
    texts += [ORIGINAL.read_text(), REWRITE.read_text(), *(_story(n) for n in range(8))]
    texts += [_story(n).replace("record", "fine") for n in range(8)]
    documents = [Document(f"d{i}", text, f"2024-02-{1 + i % 20:02d}") for i, text in enumerate(texts)]
    screenings: list[tuple[int, list[int], list[bool]]] = []
    screen_pairs = scan_module.screened

    def recorded(first, second, *rest):  # type: ignore[no-untyped-def]
        passes, scores = screen_pairs(first, second, *rest)
        channel = id(scan_module._banding[0])
        screenings.append((channel, (first * len(documents) + second).tolist(), passes.tolist()))
        return passes, scores

    monkeypatch.setattr(scan_module, "screened", recorded)

    def run(band_chunk: int) -> tuple:
        monkeypatch.setattr(scan_module, "BAND_CHUNK", band_chunk)
        screenings.clear()
        result = scan(documents, ScanOptions(jobs=1))
        clusters = [(c.original, [(m.index, m.relation, m.scores) for m in c.members]) for c in result.clusters]
        return result.candidates, result.verified, clusters

    whole = run(10**6)
    assert run(1) == whole
    assert len({channel for channel, _, _ in screenings}) == 2 and len(screenings) > 20
    for channel in {channel for channel, _, _ in screenings}:
        passed = [
            code
            for seen, codes, passes in screenings
            if seen == channel
            for code, passing in zip(codes, passes, strict=True)
            if passing
        ]
        assert len(passed) == len(set(passed)) > 10


def test_prepare_compiler_leaves_every_import_possible() -> None:
    """numba's look for scipy's BLAS is refused while the compiler is set up (prepare_compiler), and only
    then: afterwards no finder is left behind and scipy.linalg imports as usual."""
    import importlib
    import sys

    from dedup.hashing import _RefuseImport, prepare_compiler

    prepare_compiler()
    assert not any(isinstance(finder, _RefuseImport) for finder in sys.meta_path)
    assert importlib.import_module("scipy.linalg").__name__ == "scipy.linalg"
    # The refusal itself: a package and its modules, not yet imported, cannot be while it stands.
    for name in ("wsgiref.simple_server", "wsgiref"):
        sys.modules.pop(name, None)
    refusal = _RefuseImport("wsgiref")
    sys.meta_path.insert(0, refusal)
    try:
        with pytest.raises(ModuleNotFoundError):
            importlib.import_module("wsgiref.simple_server")
    finally:
        sys.meta_path.remove(refusal)
    assert importlib.import_module("wsgiref.simple_server").__name__ == "wsgiref.simple_server"
