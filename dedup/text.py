"""Text normalisation, tokens, sentences and paragraphs: the one place that decides what a word is."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from itertools import chain

import numpy as np

from .hashing import dice_matrix, lookup_table

# Typographic variants that scrapers produce for the same character; unified before anything else.
_TRANSLATE = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
        "\u00a0": " ", "\u200b": "", "\ufeff": "", "\u00ad": "",
    }
)  # fmt: skip

_WORD = re.compile(r"[^\W_]+(?:['.\-][^\W_]+)*", re.UNICODE)
_ASCII_WORD = re.compile(r"[A-Za-z0-9]+(?:['.\-][A-Za-z0-9]+)*")  # _WORD on ASCII text, without Unicode lookups
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n+")
# A sentence ends at . ! or ? (optionally followed by closing quotes or brackets) before whitespace and
# an opening quote, bracket, capital letter or digit. Abbreviations below do not end sentences.
_SENTENCE_END = re.compile(r"[.!?][\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9\u00c0-\u024f])")  # the stop is kept: start + 1
_ABBREVIATIONS = frozenset(
    (
        "mr mrs ms dr prof sr jr st gen col lt sgt capt gov sen rep rev hon inc ltd co corp dept est fig no vs etc "
        "jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k u.n e.g i.e a.m p.m "
    ).split()
)


@lru_cache(maxsize=1)
def abbreviation_table() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """_ABBREVIATIONS as the compiled sentence splitter looks them up (hashing.ascii_sentences)."""
    return lookup_table(_ABBREVIATIONS)


STOPWORDS = frozenset(
    (
        "a about above after again against all also although am an and any are aren't as at be because been before "
        "being below between both but by can cannot could couldn't did didn't do does doesn't doing don't down "
        "during each either even ever every few for from further had hadn't has hasn't have haven't having he he'd "
        "he'll he's her here here's hers herself him himself his how how's however i i'd i'll i'm i've if in into "
        "is isn't it it's its itself just let's like made make many may me might more most much must mustn't my "
        "myself neither no nor not now of off on once one only or other ought our ours ourselves out over own per "
        "rather said same say says shan't she she'd she'll she's should shouldn't since so some still such than "
        "that that's the their theirs them themselves then there there's these they they'd they'll they're they've "
        "this those though through thus to too under until up upon us very via was wasn't we we'd we'll we're we've "
        "were weren't what what's when when's where where's whether which while who who's whom whose why why's will "
        "with within without won't would wouldn't yet you you'd you'll you're you've your yours yourself yourselves "
        "also told "
    ).split()
)


@lru_cache(maxsize=1)
def stopword_table() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """STOPWORDS as the compiled tokenisers look them up (hashing.lookup_table)."""
    return lookup_table(STOPWORDS)


def normalize(text: str) -> str:
    """NFKC, unified quotes and dashes, lower case, single spaces: the form every comparison uses."""
    return " ".join(clean(text).split()).casefold()  # str.split() and re's \s agree on whitespace; split is faster


def clean(text: str) -> str:
    """NFKC and unified quotes and dashes, keeping case and line structure (for display and sentences)."""
    if text.isascii():  # NFKC leaves ASCII as it is, and a backtick is its one variant: 20 times faster
        return text.replace("`", "'")
    # str.translate looks every character up in the table, a tenth of a millisecond for an article;
    # the variants are rare, so they are found first.
    return _VARIANT.sub(_unify, unicodedata.normalize("NFKC", text))


_VARIANT = re.compile("[" + re.escape("".join(map(chr, _TRANSLATE))) + "]")


def _unify(match: re.Match[str]) -> str:
    return match.group().translate(_TRANSLATE)


def words(normalized: str) -> list[str]:
    """Word tokens of normalised text; inner apostrophes, hyphens and dots stay (don't, al-asad, 8.1)."""
    return (_ASCII_WORD if normalized.isascii() else _WORD).findall(normalized)


def compiled_form(normalized: str) -> str | None:
    """Normalised text as the compiled tokenisers (hashing.py) take it: as it is when ASCII; else with every
    non-ASCII character that is no part of a word (£, €, ©, a dash) made a space, so that the characters
    left over 0x7F are all letters or digits of words and split nothing. None for text with a non-ASCII
    digit, whose rules (a digit ends no stem, a lone digit is a word) the compiled code keeps for ASCII
    digits only: such text is tokenised here (words, content_words)."""
    if normalized.isascii():
        return normalized
    characters = set(_NON_ASCII.findall(normalized))
    if any(character.isdigit() for character in characters):
        return None
    separators = [character for character in characters if not character.isalnum()]
    if not separators:
        return normalized
    return re.sub("[" + re.escape("".join(separators)) + "]", " ", normalized)


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def word_spans(text: str) -> Iterator[re.Match[str]]:
    """The tokens of `words`, found in text of any case, with their positions (for fact extraction)."""
    return _WORD.finditer(text)


def content_words(tokens: Iterable[str]) -> list[str]:
    """Tokens that carry meaning: no stopwords, no one-letter tokens; a crude plural fold so rewrites match."""
    if len(_TERMS) > _TERMS_LIMIT:
        _TERMS.clear()
    known = _TERMS.get
    out = []
    for token in tokens:
        term = known(token)
        if term is None:
            term = _TERMS[token] = _term(token)
        if term:
            out.append(term)
    return out


# content_words is on the hot path of every document; news vocabularies are Zipfian, so a bounded memo of
# token -> term ("" for a dropped token) answers most tokens with one dict look-up.
_TERMS: dict[str, str] = {}
_TERMS_LIMIT = 1 << 19


def _term(token: str) -> str:
    if token in STOPWORDS or (len(token) < 2 and not token.isdigit()):
        return ""
    return stem(token)


def stem(token: str) -> str:
    """A deliberately light suffix fold, so that drone/drones, base/based/basing, box/boxes meet:
    enough for overlap, never a lemma."""
    if len(token) <= 3 or token[-1].isdigit():
        return token
    if token.endswith("ing") and len(token) >= 6:
        token = token[:-3]
    elif (token.endswith("ed") and len(token) >= 5) or (token.endswith("es") and token[:-2].endswith(_SIBILANTS)):
        token = token[:-2]
    elif token.endswith("s") and not token.endswith(("ss", "us", "is")):
        token = token[:-1]
    return token[:-1] if token.endswith("e") and len(token) > 3 else token


_SIBILANTS = ("s", "x", "z", "ch", "sh")


def shingles(tokens: list[str], size: int) -> set[str]:
    """Contiguous word n-grams as strings; a text shorter than `size` words is one shingle."""
    if len(tokens) <= size:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}


def windows(tokens: Sequence[str], size: int) -> Iterator[tuple[str, ...]]:
    """`shingles` as tuples (cheaper to make and compare than joined strings): the same set, one to one."""
    if len(tokens) <= size:
        return iter([tuple(tokens)] if tokens else [])
    return zip(*(tokens[offset : len(tokens) - size + 1 + offset] for offset in range(size)), strict=True)


def paragraphs(text: str) -> list[str]:
    """Blank-line separated blocks, or lines when the text has no blank lines and many lines
    (scraped pages often put one paragraph per line)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks = [b.strip() for b in _PARAGRAPH_BREAK.split(text)]
    blocks = [b for b in blocks if b]
    if len(blocks) == 1:
        lines = [line.strip() for line in blocks[0].split("\n") if line.strip()]
        # Hard-wrapped prose has long lines of similar length; one-paragraph-per-line pages end lines at stops.
        if len(lines) > 1 and sum(line[-1] in ".!?\"'" for line in lines) >= 0.8 * len(lines):
            return lines
    return blocks


def sentences(text: str) -> list[str]:
    """Split cleaned text into sentences, never across paragraphs; wrapped lines are joined."""
    out: list[str] = []
    for block in paragraphs(text):
        flat = " ".join(block.split())
        start = 0
        for match in _SENTENCE_END.finditer(flat):
            candidate = flat[start : match.start() + 1].rstrip()
            last_word = candidate.rsplit(" ", 1)[-1].rstrip(".!?\"')]").lower()
            if last_word in _ABBREVIATIONS or (len(last_word) == 1 and last_word.isalpha()):
                continue
            out.append(candidate.strip())
            start = match.end()
        tail = flat[start:].strip()
        if tail:
            out.append(tail)
    return [s for s in out if s]


def sentence_similarity(
    a: Sequence[Sequence[str]], b: Sequence[Sequence[str]], weights: Mapping[str, float] | None = None
) -> np.ndarray:
    """Dice overlap of content-word sets for every sentence pair (rows: a, columns: b); pairs sharing
    fewer than two words score 0 (one shared name is not the same statement). With `weights`, each word
    counts its weight instead of 1 (words missing from it count 1), as one matrix product."""
    if weights is None:
        return dice_matrix(*term_sets(a), *term_sets(b))
    vocabulary: dict[str, int] = {}
    for sentence in (*a, *b):
        for term in sentence:
            vocabulary.setdefault(term, len(vocabulary))
    incidence_a = _incidence(a, vocabulary)
    incidence_b = _incidence(b, vocabulary)
    shared = incidence_a @ incidence_b.T
    weight = np.array([weights.get(term, 1.0) for term in vocabulary], dtype=np.float32)
    overlap = (incidence_a * weight) @ incidence_b.T
    incidence_a, incidence_b = incidence_a * weight, incidence_b * weight
    sizes = incidence_a.sum(axis=1)[:, None] + incidence_b.sum(axis=1)[None, :]
    dice = np.where(sizes > 0, 2 * overlap / np.maximum(sizes, 1e-9), 0.0)
    return np.where(shared >= 2, dice, 0.0)


def term_sets(sentence_terms: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray]:
    """Each sentence's distinct words as a sorted run of their 64-bit hashes (values, offsets), the form
    hashing.dice_matrix compares: exact up to a hash collision, about once in 10^14 pairs of articles.
    Python's str hash is seeded per interpreter; forked workers share the seed, and nothing keeps it."""
    runs = [sorted(set(map(hash, terms))) for terms in sentence_terms]
    offsets = np.zeros(len(runs) + 1, dtype=np.int64)
    np.cumsum([len(run) for run in runs], out=offsets[1:])
    return np.fromiter(chain.from_iterable(runs), dtype=np.int64, count=int(offsets[-1])), offsets


def _incidence(sentences_terms: Sequence[Sequence[str]], vocabulary: dict[str, int]) -> np.ndarray:
    matrix = np.zeros((len(sentences_terms), len(vocabulary)), dtype=np.float32)
    for row, sentence in enumerate(sentences_terms):
        matrix[row, [vocabulary[t] for t in sentence]] = 1.0
    return matrix
