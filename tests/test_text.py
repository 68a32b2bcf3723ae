import numpy as np

from dedup.text import (
    clean,
    content_words,
    normalize,
    paragraphs,
    sentence_similarity,
    sentences,
    shingles,
    stem,
    words,
)


def test_normalize_unifies_typography_case_and_space() -> None:
    assert normalize("  “Quoted” — it’s\u00a0HERE\n\nnow ") == normalize('"quoted" - it\'s here now')
    assert normalize("ﬁnance") == "finance"  # NFKC folds the ligature


def test_clean_unifies_every_typographic_variant_and_keeps_the_rest() -> None:
    variants = {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
        "\u00a0": " ", "\u200b": "", "\ufeff": "", "\u00ad": "",
        "\u2033": "''",  # NFKC makes the double prime two primes
    }  # fmt: skip
    for variant, unified in variants.items():
        assert clean(f"Café {variant}x{variant}{variant}\nß") == f"Café {unified}x{unified}{unified}\nß"
    assert clean("Zürich ﬁnance\n\nUPPER") == "Zürich finance\n\nUPPER"  # NFKC, case and lines kept


def test_words_keep_inner_apostrophes_hyphens_and_decimals() -> None:
    assert words("al-asad's base grew 8.1% in 2004, didn't it?") == [
        "al-asad's",
        "base",
        "grew",
        "8.1",
        "in",
        "2004",
        "didn't",
        "it",
    ]


def test_content_words_drop_stopwords_and_fold_plurals() -> None:
    assert content_words(words("the drones were intercepted by the officials")) == content_words(
        words("drone intercept official")
    )
    assert len({stem(w) for w in ("base", "based", "basing", "bases")}) == 1
    assert stem("boxes") == stem("box") and stem("churches") == stem("church")
    assert stem("press") == "press" and stem("status") == "status"


def test_shingles_of_a_short_text_is_the_whole_text() -> None:
    assert shingles(["a", "b"], 5) == {"a b"}
    assert shingles(["a", "b", "c", "d"], 3) == {"a b c", "b c d"}
    assert shingles([], 5) == set()


def test_sentences_respect_abbreviations_and_join_wrapped_lines() -> None:
    text = "Mr. Smith met Dr. Jones in the U.S. on Monday.\nThey talked\nfor hours. Then they left!\n\nNew paragraph."
    assert sentences(clean(text)) == [
        "Mr. Smith met Dr. Jones in the U.S. on Monday.",
        "They talked for hours.",
        "Then they left!",
        "New paragraph.",
    ]


def test_paragraphs_split_on_blank_lines_or_one_per_line() -> None:
    assert paragraphs("One.\n\nTwo.\n\n\nThree.") == ["One.", "Two.", "Three."]
    assert paragraphs("First line ends here.\nSecond line ends here.") == [
        "First line ends here.",
        "Second line ends here.",
    ]
    wrapped = "A sentence that is wrapped\nacross lines without stops"
    assert paragraphs(wrapped) == [wrapped]


def test_sentence_similarity_needs_two_shared_words() -> None:
    a = [["drone", "intercept", "base"], ["president", "fly", "israel"]]
    b = [["base", "drone", "attack"], ["israel", "hospital"]]
    matrix = sentence_similarity(a, b)
    assert matrix.shape == (2, 2)
    assert abs(matrix[0, 0] - 2 * 2 / 6) < 1e-6
    assert matrix[1, 1] == 0.0  # one shared word is not the same statement


def test_sentence_similarity_equals_the_matrix_product_with_unit_weights() -> None:
    # Without weights the matrix comes from hashed sets (hashing.dice_matrix); with every weight 1 it is
    # the incidence-matrix product. They must agree to the bit, duplicates and empty sentences included.
    a = [["drone", "intercept", "base", "drone"], ["president", "fly", "israel"], [], ["base", "air", "asad"]]
    b = [["base", "drone", "attack"], ["israel", "hospital", "fly", "president"], ["asad", "air", "base", "iraq"]]
    fast = sentence_similarity(a, b)
    product = sentence_similarity(a, b, {})
    assert fast.dtype == product.dtype
    assert np.array_equal(fast, product)
    assert fast[3, 2] > 0 and fast[1, 1] > 0
