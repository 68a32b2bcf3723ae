"""An article's own content, as the fingerprint and verify stages see it: chrome left out,
normalised words, and sentences as sets of content words."""

from __future__ import annotations

from dataclasses import dataclass

from .boilerplate import fold, folded_key
from .text import clean, content_words, normalize, paragraphs, sentences, words

SHINGLE_SIZE = 5  # words in a shingle (the copy evidence: fingerprint.py, evidence.py)


@dataclass(frozen=True, slots=True)
class Content:
    normalized: str  # the article's own paragraphs, normalised, one space between them
    words: tuple[str, ...]  # every word, in order (copy evidence)
    terms: tuple[str, ...]  # content words, stemmed, in order (rewrite evidence)
    sentences: tuple[str, ...]  # the article's own sentences, cleaned, case kept
    sentence_terms: tuple[tuple[str, ...], ...]  # each sentence's content words; empty sentences dropped


def own_paragraphs(text: str, chrome: frozenset[int] = frozenset()) -> tuple[list[str], str]:
    """The article's own paragraphs (cleaned, chrome left out), and all of them normalised into one string."""
    cleaned = clean(text)
    # In cleaned ASCII text, normalising is the fold the chrome key makes (case and spaces): one serves both.
    ascii_text = cleaned.isascii()
    kept, parts = [], []
    for paragraph in paragraphs(cleaned):
        folded = fold(paragraph)
        if chrome and folded_key(folded) in chrome:
            continue
        kept.append(paragraph)
        parts.append(folded if ascii_text else normalize(paragraph))
    return kept, " ".join(parts)


def sentences_and_normalized(text: str, chrome: frozenset[int] = frozenset()) -> tuple[list[str], str]:
    """The sentences of the article's own paragraphs (cleaned, case kept), and own_paragraphs' normalised text."""
    kept, normalized = own_paragraphs(text, chrome)
    return [sentence for paragraph in kept for sentence in sentences(paragraph)], normalized


def extract_content(text: str, chrome: frozenset[int] = frozenset()) -> Content:
    """Split into paragraphs, drop the chrome ones, and derive the token views of what is left."""
    return content_of(*sentences_and_normalized(text, chrome))


def content_of(own_sentences: list[str], normalized: str) -> Content:
    """The token views of an article given as sentences_and_normalized gives it.

    Words never span the whitespace that sentences are split at, so the article's words are its
    sentences' words in order: each sentence is tokenised once and serves both views."""
    sentence_words = [words(normalize(sentence)) for sentence in own_sentences]
    sentence_terms = [content_words(tokens) for tokens in sentence_words]
    all_words = [word for tokens in sentence_words for word in tokens]
    terms = [term for tokens in sentence_terms for term in tokens]
    return Content(
        normalized=normalized,
        words=tuple(all_words),
        terms=tuple(terms),
        sentences=tuple(own_sentences),
        sentence_terms=tuple(tuple(tokens) for tokens in sentence_terms if tokens),
    )
