"""Fingerprints: datasketch-compatible values, the same whichever way the work is split."""

from __future__ import annotations

import random
import re
import zlib

import numpy as np
import pytest
from datasketch import LeanMinHash, MinHash

from dedup.boilerplate import paragraph_key, paragraph_keys_of_texts
from dedup.content import extract_content, lowered_form
from dedup.fingerprint import (
    COPY_PERM,
    REWRITE_PERM,
    SCHEME,
    SEED,
    Fingerprint,
    HashSets,
    _permutations,
    common_terms,
    content_hash,
    fingerprint,
    rewrite_signatures,
    signature,
    signatures,
    signatures_and_paragraphs,
    term_hashes,
)
from dedup.text import clean, compiled_form, content_words, normalize, shingles, stem, words

TEXTS = [
    "Drones attacked the air base at dawn, officials said on Monday.\n\nThe army said it intercepted most of them.",
    "",
    "Too short here",
    "Advertisement\n\nCafé owners in Zürich – “furious” – said prices rose 8.1% in 2024.\n\nShare this article",
    "ONE PARAGRAPH PER LINE.\nSecond line ends here.\nThird line too.",
    "Ünïcödé ʻokina and al-Asad's U.S.-backed plan; e.g. don't split these.",
    "\u00a0\u2003Spaces\u200b everywhere\u3000and\ttabs\r\nand CRLF lines",
]
CHROME = frozenset({paragraph_key("Advertisement"), paragraph_key("Share this article")})


def datasketch_minhash(tokens: list[str], num_perm: int = COPY_PERM) -> LeanMinHash:
    """What datasketch itself computes with CRC-32 as its hash function: the definition we must match."""
    minhash = MinHash(num_perm=num_perm, seed=SEED, scheme=SCHEME, hashfunc=zlib.crc32)
    minhash.update_batch([token.encode("utf-8") for token in tokens])
    return LeanMinHash(minhash)


@pytest.mark.parametrize("tokens", [["alpha beta gamma", "delta", "é ü ß"], [], ["one"], ["x"] * 3 + ["y"]])
def test_signature_is_datasketch_affine32_minhash_with_crc32(tokens: list[str]) -> None:
    assert signature(tokens) == datasketch_minhash(tokens)


@pytest.mark.parametrize(("num_perm", "seed"), [(COPY_PERM, SEED), (REWRITE_PERM, SEED), (7, 42)])
def test_permutations_are_datasketchs(num_perm: int, seed: int) -> None:
    a, b = MinHash(num_perm=num_perm, seed=seed, scheme=SCHEME).permutations
    ours = _permutations(num_perm, seed)
    assert ours[0].dtype == ours[1].dtype == np.uint32
    assert ours[0].tolist() == a.tolist() and ours[1].tolist() == b.tolist()


def test_fingerprint_channels_are_shingles_and_terms() -> None:
    content = extract_content(TEXTS[0])
    result = fingerprint(7, content)
    assert result.index == 7
    assert result.copy == datasketch_minhash(sorted(shingles(list(content.words), 5)))
    assert result.rewrite == datasketch_minhash(list(content.terms), REWRITE_PERM)
    assert result.copy.jaccard(fingerprint(0, extract_content(TEXTS[0] + " And one more.")).copy) > 0.5


def _rows(texts: list[str], chrome: frozenset[int] = frozenset()) -> list[Fingerprint]:
    batch = signatures(texts, chrome)
    rewrite_rows, _ = rewrite_signatures(batch.terms, common=np.empty(0, dtype=np.uint32))
    return [
        Fingerprint(
            i,
            LeanMinHash(seed=SEED, hashvalues=copy, scheme=SCHEME),
            LeanMinHash(seed=SEED, hashvalues=rewrite, scheme=SCHEME),
        )
        for i, (copy, rewrite) in enumerate(zip(batch.copy, rewrite_rows, strict=True))
    ]


def test_batch_matches_one_at_a_time() -> None:
    assert _rows(TEXTS, CHROME) == [fingerprint(i, extract_content(text, CHROME)) for i, text in enumerate(TEXTS)]


def test_batch_rows_do_not_depend_on_the_batch() -> None:
    texts = TEXTS * 3
    whole = signatures(texts, CHROME)
    parts = [signatures(texts[start : start + 4], CHROME) for start in range(0, len(texts), 4)]
    for channel in ("copy", "exact", "words"):
        joined = [row for part in parts for row in getattr(part, channel).tolist()]
        assert getattr(whole, channel).tolist() == joined
    for sets in ("terms", "bigrams"):
        joined_sets = HashSets.join([getattr(part, sets) for part in parts])
        assert joined_sets.values.tolist() == getattr(whole, sets).values.tolist()
        assert joined_sets.offsets.tolist() == getattr(whole, sets).offsets.tolist()


def _hash_sets_match_content(texts: list[str], chrome: frozenset[int] = frozenset()) -> None:
    batch = signatures(texts, chrome)
    for i, text in enumerate(texts):
        content = extract_content(text, chrome)
        terms, bigrams = term_hashes(content.terms)
        assert batch.terms[i].tolist() == terms.tolist()
        assert batch.bigrams[i].tolist() == bigrams.tolist()
        assert len(terms) == len(set(content.terms)) and len(bigrams) == len(shingles(list(content.terms), 2))


def test_term_and_bigram_hash_sets_are_the_content_sets() -> None:
    _hash_sets_match_content(TEXTS, CHROME)


def test_common_terms_stay_out_of_the_rewrite_signature() -> None:
    story = "Drones attacked the air base at dawn near Erbil; officials said Soleimani's men were blamed."
    filler = [f"Officials said prices rose in market number {i} on report {i * 7} today." for i in range(60)]
    batch = signatures([story, story.replace("Erbil", "Mosul"), *filler])
    common = common_terms(batch.terms)
    assert set(term_hashes(["official"])[0].tolist()) <= set(common.tolist())  # in all 62 texts
    assert not set(term_hashes(["erbil", "drone"])[0].tolist()) & set(common.tolist())
    rows, distinctive = rewrite_signatures(batch.terms, common)
    assert distinctive[0] == len(batch.terms[0]) - len(set(batch.terms[0].tolist()) & set(common.tolist()))
    everything, _ = rewrite_signatures(batch.terms, np.empty(0, dtype=np.uint32))
    assert (rows[0] != everything[0]).any()  # the common words changed the signature ...
    assert (
        rows[0].tolist()
        == signature(
            [t for t in set(extract_content(story).terms) if t not in {"official", "said"}], REWRITE_PERM
        ).hashvalues.tolist()
    )  # ... which is the MinHash of the distinctive words alone


def test_rewrite_signatures_leave_out_exactly_the_common_values() -> None:
    """The compiled look-up (a bitmap of the common values' leading 16 bits, then a binary search) leaves
    out what isin leaves out, also values that share their leading bits with a common one."""
    rng = np.random.default_rng(5)
    common = np.unique(rng.integers(0, 2**32, 300, dtype=np.uint64)).astype(np.uint32)
    near = (common[:100] ^ np.uint32(1)).astype(np.uint32)  # the same leading bits, not common
    pool = np.concatenate([common, near, rng.integers(0, 2**32, 3000, dtype=np.uint64).astype(np.uint32)])
    sets = [np.unique(rng.choice(pool, rng.integers(0, 80))) for _ in range(200)]
    terms = HashSets.of(sets)
    rows, distinctive = rewrite_signatures(terms, common)
    assert distinctive.tolist() == [int((~np.isin(values, common)).sum()) for values in sets]
    for k, values in enumerate(sets):
        expected, _ = rewrite_signatures(HashSets.of([values[~np.isin(values, common)]]), common[:0])
        assert rows[k].tolist() == expected[0].tolist()
    assert 0 < distinctive.sum() < terms.values.size


def _one_term_each(documents: int, shared: dict[int, int]) -> HashSets:
    """`documents` one-term sets: term t (from `shared`) in shared[t] of them, a term of its own in the rest."""
    values = np.concatenate([np.full(count, term, dtype=np.uint32) for term, count in shared.items()])
    own = np.arange(documents - values.size, dtype=np.uint32) + np.uint32(1 << 20)
    return HashSets(np.concatenate([values, own]), np.arange(documents + 1, dtype=np.int64))


@pytest.mark.parametrize(
    ("documents", "shared", "common"),
    [
        (40, {1: 20, 2: 10}, []),  # a small run: nothing in 50 documents or fewer is common
        (10_000, {1: 250, 2: 150}, [1]),  # 2% of 10,000 is 200
        (150_000, {1: 2_500, 2: 1_500}, [1]),  # 2% would be 3,000: the cap of 2,000 holds
    ],
)
def test_common_terms_are_a_share_of_the_run_within_bounds(documents: int, shared: dict, common: list) -> None:
    assert common_terms(_one_term_each(documents, shared)).tolist() == common


def test_exact_hash_and_word_counts() -> None:
    batch = signatures([TEXTS[0], TEXTS[0].upper(), TEXTS[0] + " More.", TEXTS[3]], CHROME)
    assert batch.exact[0] == batch.exact[1] != batch.exact[2]
    assert batch.words.tolist()[0] == len(extract_content(TEXTS[0]).words)
    assert batch.words.tolist()[3] == len(extract_content(TEXTS[3], CHROME).words)


def test_normalize_and_words_agree_with_the_regex_definitions() -> None:
    spaces = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2005\u2028\u2029\u202f\u205f\u3000"
    alphabet = "abcXYZ019'.-_,;: " + spaces + "éß\u0301"
    rng = random.Random(5)
    word = re.compile(r"[^\W_]+(?:['.\-][^\W_]+)*")
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(30)))
        assert normalize(text) == re.sub(r"\s+", " ", normalize(text)).strip()
        assert " ".join(text.split()) == re.sub(r"\s+", " ", text).strip()
        assert words(text) == word.findall(text)


def test_content_words_drop_stopwords_and_stem_through_the_memo() -> None:
    tokens = ["the", "drones", "attacked", "a", "classes", "class", "x", "7", "2024s", "we're"]
    expected = ["drones", "attacked", "classes", "class", "7", "2024s"]
    assert content_words(tokens) == [stem(token) for token in expected]
    assert content_words(tokens) == content_words(list(tokens))  # a second pass, answered by the memo
    assert content_words(["classes", "class"]) == ["class", "class"]


def test_compiled_ascii_tokenising_matches_text_module() -> None:
    """ASCII texts are tokenised in compiled code: words, stopwords, single letters and every stem rule
    must come out as text.words and text.content_words make them."""
    vocabulary = (
        "the a I x 7 42 don't we're it's classes class glass drones drone attacked being sings sing "
        "tested testing tests bus buses 2024s 8.1 u.s. al-asad co-op e-mail rock'n'roll ed es ing s "
        "running succeeded boxes kisses address abcde abcs Hello WORLD base based basing bases status crisis "
        "churches wishes buzzes focus axes ties tied eye eyes ride rides"
    ).split()
    glue = [" ", " ", " ", ", ", ". ", "-", "'", ".", " - ", "--", "'s ", "\n", "\n\n", " (", ") ", "_", "/"]
    rng = random.Random(11)
    texts = [
        "".join(rng.choice(vocabulary) + rng.choice(glue) for _ in range(rng.randrange(0, 40))) for _ in range(400)
    ]
    expected = [fingerprint(i, extract_content(text)) for i, text in enumerate(texts)]
    assert _rows(texts) == expected
    _hash_sets_match_content(texts)


def test_compiled_tokenising_of_unicode_text_matches_text_module() -> None:
    """Text with non-ASCII letters and symbols goes through the compiled tokeniser too (text.compiled_form):
    words and stems are measured in characters there, and symbols split words; text with a non-ASCII
    digit is tokenised in Python. Both must give what text.words and text.content_words give."""
    vocabulary = (
        "café cafés naïve Straße Müller señor £600m €5bn Â£30 über é ü3 3ü ab-cé l'été a.b.é résumés élites "
        "basé çes ñs ésing éed ñes Σίσυφος ΣΟΦΊΑ кирилл 中文 ٣ x² ⅷ ½ the said base running drones 2024 x"
    ).split()
    glue = [" ", " ", ", ", ". ", "-", "'", " \u2014 ", "\u2013", "\u00a0", "\u00a9", "\u2026", "\n\n", "_", "\u00b7"]
    rng = random.Random(12)
    texts = [
        "".join(rng.choice(vocabulary) + rng.choice(glue) for _ in range(rng.randrange(1, 40))) for _ in range(400)
    ]
    assert sum(compiled_form(normalize(text)) is None for text in texts) < len(texts) // 2  # most compiled
    assert _rows(texts) == [fingerprint(i, extract_content(text)) for i, text in enumerate(texts)]
    _hash_sets_match_content(texts)
    batch = signatures(texts)
    assert batch.words.tolist() == [len(extract_content(text).words) for text in texts]


@pytest.mark.parametrize(
    ("normalized", "form"),
    [
        ("plain ascii, kept", "plain ascii, kept"),
        ("£600m for the café", " 600m for the café"),
        ("a—b © c", "a b   c"),
        ("arabic digit ٣ stays in python", None),
    ],
)
def test_compiled_form_spaces_out_symbols(normalized: str, form: str | None) -> None:
    assert compiled_form(normalized) == form


def test_membership_in_a_sorted_set_is_isin() -> None:
    from dedup.fingerprint import in_sorted

    rng = np.random.default_rng(4)
    for size, set_size in [(0, 0), (6, 0), (0, 6), (500, 1), (500, 40), (2000, 900)]:
        values = rng.integers(0, 1000, size).astype(np.uint32)
        sorted_set = np.unique(rng.integers(0, 1000, set_size).astype(np.uint32))
        assert in_sorted(values, sorted_set).tolist() == np.isin(values, sorted_set).tolist()


def test_signatures_and_paragraphs_are_signatures_without_chrome_and_the_paragraph_keys() -> None:
    texts = TEXTS * 2
    batch, paragraphs = signatures_and_paragraphs(texts)
    plain = signatures(texts)
    for channel in ("copy", "exact", "words"):
        assert getattr(batch, channel).tolist() == getattr(plain, channel).tolist()
    for sets in ("terms", "bigrams"):
        assert getattr(batch, sets).values.tolist() == getattr(plain, sets).values.tolist()
        assert getattr(batch, sets).offsets.tolist() == getattr(plain, sets).offsets.tolist()
    expected = paragraph_keys_of_texts(texts)
    assert [part.tolist() for part in paragraphs] == [part.tolist() for part in expected]
    assert paragraphs[0].tolist() == sorted(paragraphs[0].tolist()) and len(set(paragraphs[0].tolist())) > 5


def test_hash_sets_take_and_splice_rows() -> None:
    rng = np.random.default_rng(9)
    sets = [np.unique(rng.integers(0, 50, rng.integers(0, 6))).astype(np.uint32) for _ in range(12)]
    whole = HashSets.of(sets)
    for rows in ([], [0], [3, 4, 11], list(range(12))):
        chosen = np.array(rows, dtype=np.int64)
        taken = whole.take(chosen)
        assert [taken[k].tolist() for k in range(len(rows))] == [sets[row].tolist() for row in rows]
        others = [np.arange(100 + row, 103 + row + row % 3, dtype=np.uint32) for row in rows]
        spliced = whole.spliced(chosen, HashSets.of(others))
        expected = [others[rows.index(i)] if i in rows else sets[i] for i in range(12)]
        assert [spliced[i].tolist() for i in range(12)] == [values.tolist() for values in expected]
        assert spliced.offsets.tolist() == HashSets.of(expected).offsets.tolist()


def test_hash_sets_scattered_to_their_rows() -> None:
    rng = np.random.default_rng(2)
    sets = [np.unique(rng.integers(0, 50, rng.integers(0, 6))).astype(np.uint32) for _ in range(9)]
    rows_a, rows_b = [0, 2, 3, 7], [1, 8]
    parts = [(rows_a, HashSets.of([sets[i] for i in rows_a])), (rows_b, HashSets.of([sets[i] for i in rows_b]))]
    scattered = HashSets.scattered(9, parts)
    expected = [sets[i] if i in rows_a + rows_b else np.empty(0, dtype=np.uint32) for i in range(9)]
    assert [scattered[i].tolist() for i in range(9)] == [values.tolist() for values in expected]
    everything = HashSets.scattered(9, [(list(range(9)), HashSets.of(sets))])
    assert everything.values.tolist() == HashSets.of(sets).values.tolist()


def test_exact_hashes_of_a_batch_are_content_hashes_of_the_normalised_texts() -> None:
    from dedup.content import own_paragraphs
    from dedup.fingerprint import content_hash

    texts = [*TEXTS, "Digits ٣ and words", TEXTS[0]]
    batch = signatures(texts, CHROME)
    expected = [content_hash(own_paragraphs(text, CHROME)[1].encode("utf-8")) for text in texts]
    assert batch.exact.tolist() == expected
    assert batch.exact[0] == batch.exact[-1] and len(set(expected)) == len(texts) - 1


def test_unicode_texts_split_in_compiled_code_keep_the_python_values() -> None:
    """Most texts that are not ASCII are split, keyed and normalised in compiled code from their lowered
    form (content.lowered_form); those it cannot read as Python does (ß and a final sigma fold apart by
    lower and casefold, whitespace beyond ASCII, text that cleaning changes again) go through
    own_paragraphs. Either way: the paragraph keys of paragraph_keys_of_texts, and the exact hash, words,
    copy rows and term sets of the Python definitions, chrome left out."""
    pieces = "Â£30 Café ÉCOLE Zürich naïve Müller über 2024 the said drones base U.S. x Advertisement".split()
    glue = [" ", " ", ", ", ". ", "\n", "\n\n", "\n \n", " \u2014 ", "\t"]
    rng = random.Random(21)
    texts = []
    for others in ([], ["Straße", "ΣΟΦΊΑΣ", "Σίσυφος", "\u2028", "ﬁne", "Kelvin\u212a"]):
        for _ in range(150):
            words = [rng.choice(pieces) for _ in range(rng.randrange(1, 50))] + rng.sample(others, min(len(others), 1))
            rng.shuffle(words)
            texts.append("".join(word + rng.choice(glue) for word in words))
    texts += ["ONE LINE É.\nSECOND LINE Â£5.\nTHIRD ONE.", "Share this article\n\nÂ£30 was PAID.\n\nAdvertisement"]
    forms = [lowered_form(clean(text)) for text in texts if not clean(text).isascii()]
    assert sum(form is None for form in forms) > 20 and sum(form is not None for form in forms) > 100
    for chrome in (frozenset(), CHROME):
        batch = signatures(texts, chrome)
        for i, text in enumerate(texts):
            content = extract_content(text, chrome)
            assert batch.exact[i] == content_hash(content.normalized.encode("utf-8", errors="surrogatepass"))
            assert batch.words[i] == len(content.words)
            assert LeanMinHash(seed=SEED, hashvalues=batch.copy[i], scheme=SCHEME) == fingerprint(i, content).copy
            terms, bigrams = term_hashes(content.terms)
            assert batch.terms[i].tolist() == terms.tolist() and batch.bigrams[i].tolist() == bigrams.tolist()
    _, paragraphs = signatures_and_paragraphs(texts)
    assert [part.tolist() for part in paragraphs] == [part.tolist() for part in paragraph_keys_of_texts(texts)]
