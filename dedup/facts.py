"""Facts of an article (names, dates, numbers and quantities) and the ones found in only one of two articles.

The rules, in the order they are applied to each sentence (a span taken by one rule is not seen by the next):

date    a month name (January, or Jan./Feb./... Sept.) with a day before or after it and/or a year
        ("January 2022", "June 10", "10 June 2021", "Oct. 7, 2023"); "May" and "March" only with a day or
        year; an ISO date (2021-06-10); a weekday (Friday); a year alone (1900-2099). Compared by their
        canonical form ("october 7 2023" for "Oct. 7, 2023" and "2023-10-07"): "January 2022" and "2022"
        are different facts.
number  digits with their currency ($, US$, A$, £, €), scale (thousand, million, billion, trillion, or
        bn, m, k right after the digits) and percent sign or word ("$2.5 billion", "£600m", "4.4%",
        "11 percent", "469,000"), or a number word from two to ninety, hundred, thousand, dozen ("one" is
        left out: it is mostly a pronoun). The word after the number is shown with it when it is a
        lowercase word other than a stopword ("469,000 acres", "two drones"), but only the value is
        compared: "$2.5 billion" = "$2,500 million", and "2 drones" and "two officials" share a figure.
        Digits inside a word (Shahed-136) are not a number.
name    a run of capitalised words with only spaces between them, or a dot ending an initial or an
        abbreviation ("Erbil International Airport", "George W. Bush"); words prefixed al-, el-, bin-, ...
        ("Abu Mahdi al-Muhandis") and inner "of", "the", "de", "bin", "van", "von" are allowed; stopwords
        at its ends are dropped; it ends after a possessive ("Iraq's Al-Asad" gives "Iraq" and "Al-Asad")
        and inside a hyphenated word at its first lowercase part ("Iran-backed" gives "Iran"); a letter
        alone is not a name. A single capitalised word that opens a sentence or a quotation is a name
        only when the same word is capitalised somewhere else in either article, not at an opening.
        A name counts as present in the other article when every one of its words (possessives dropped,
        hyphenated words split, light plural fold) appears there, in any case; "Iranian Foreign
        Minister" is present in an article that says "pro-Iranian" and "foreign minister".

A fact found several times is reported once, with every sentence it is in. Within a pair of aligned
sentences, facts of the same kind found only in A and only in B are paired in order as changes
("$2.11" -> "$1.63", "Friday" -> "Saturday").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import numpy as np

from .compiled_facts import ascii_figure_hashes, word_tables
from .hashing import figure_starts, fold_key, lookup_table
from .text import STOPWORDS, normalize, stem, word_spans, words

KINDS = ("name", "date", "number")

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
            ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
            ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
_MONTH_NAMES = "January February March April May June July August September October November December".split()
_AMBIGUOUS_MONTHS = frozenset({"may", "march", "mar"})  # verbs and nouns too: only with a day or year
_WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
_MONTH = "|".join(sorted((m.capitalize() for m in _MONTHS), key=len, reverse=True))
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"
_DATE = re.compile(
    rf"(?<![\w$£€])(?:(?P<day_before>{_DAY})\s+)?(?P<month>{_MONTH})\b\.?"
    rf"(?:\s+(?P<day_after>{_DAY})\b)?(?:,?\s+(?P<year>{_YEAR})\b)?"
    rf"|(?<![\w.\-])(?P<iso>{_YEAR}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01]))\b"
    rf"|\b(?P<weekday>{'|'.join(_WEEKDAYS)})\b"
    rf"|(?<![\w$£€.,\-])(?P<lone_year>{_YEAR})\b(?![%.,]\d|\s?%|\s?percent)"
)

_NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "thousand": 1000, "dozen": 12,
}  # fmt: skip
_SCALE_WORDS = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_SCALES = {**_SCALE_WORDS, "bn": 10**9, "tn": 10**12, "m": 10**6, "k": 10**3}  # and $1.13bn, £600m
_NUMBER = re.compile(
    r"(?<![\w.\-])(?:(?P<currency>(?:US|A|C|NZ|HK)?\$|£|€)\s?)?"
    r"(?:(?P<digits>(?>\d+(?:,\d{3})*(?:\.\d+)?))(?P<suffix>bn|tn|m|k)?|(?P<word>" + "|".join(_NUMBER_WORDS) + r"))\b"
    r"(?:\s?(?P<scale>" + "|".join(_SCALE_WORDS) + r")\b)?"
    r"(?:\s?(?P<percent>%|percent\b|per cent\b))?",
    re.IGNORECASE,
)
_UNIT = re.compile(r"\s+([a-z][a-z\-]+)\b")

_CONNECTORS = frozenset({"of", "the", "de", "bin", "van", "von", "al", "da", "du", "del", "la", "le"})
_PREFIXED = re.compile(r"^(?:al|el|ul|bin|ibn|abd|abu|de|di|da|du|la|le|van|von)-[A-Z]")  # al-Sistani
_OPENING = re.compile(r"[\"'(\[]\s*$")


@dataclass(frozen=True, slots=True)
class Fact:
    kind: str  # one of KINDS
    text: str  # as written in the article (first occurrence)
    key: str  # what is compared: canonical date, value of a number, lower-case words of a name
    sentences: tuple[int, ...]  # every sentence it is found in, ascending


@dataclass(frozen=True, slots=True)
class ArticleFacts:
    """What one article contributes to a comparison; computed once per article."""

    facts: tuple[Fact, ...]
    starting: frozenset[str]  # names (keys) seen only as a capitalised word starting a sentence or quote
    capitalised: frozenset[str]  # words seen capitalised elsewhere than at a start (lower case)
    word_parts: frozenset[str]  # every word of the article, split at hyphens, folded like name keys


@dataclass(frozen=True, slots=True)
class FactChange:
    kind: str
    a: Fact
    b: Fact


@dataclass(frozen=True, slots=True)
class FactDiff:
    only_a: tuple[Fact, ...]
    only_b: tuple[Fact, ...]
    changed: tuple[FactChange, ...]  # pairs taken from only_a and only_b, found in aligned sentences


def extract(sentences: Sequence[str]) -> ArticleFacts:
    """The facts of an article given as its sentences (cleaned text, case kept)."""
    found: dict[tuple[str, str], tuple[str, list[int]]] = {}
    starting: set[str] = set()
    capitalised: set[str] = set()
    for index, (sentence, starts) in enumerate(zip(sentences, _starts_of_each(sentences), strict=True)):
        masked, dates_and_numbers = _dates_and_numbers(sentence, starts)
        for kind, text, key in dates_and_numbers:
            _add(found, kind, text, key, index)
        for run, at_start in _name_runs(masked):
            key = name_key(run)
            if not key:
                continue
            if at_start and len(run.split()) == 1:
                starting.add(key)
            else:
                capitalised.update(key.split())
            _add(found, "name", run, key, index)
    always_starting = frozenset(starting - capitalised)
    facts = tuple(Fact(kind, text, key, tuple(sorted(set(where)))) for (kind, key), (text, where) in found.items())
    text_words = {word for sentence in sentences for word in words(normalize(sentence))}
    word_parts = frozenset(part for word in text_words for part in _parts(word))
    return ArticleFacts(facts, always_starting, frozenset(capitalised), word_parts)


def _dates_and_numbers(sentence: str, starts: list[int] | None = None) -> tuple[str, list[tuple[str, str, str]]]:
    """The dates and numbers of a sentence as (kind, text, key), and the sentence with them masked by a
    non-word character, so that a name run never spans a date or a number. `starts`: the sentence's
    _starts, when they are known (ASCII only)."""
    if starts is None and sentence.isascii():
        starts = _starts(sentence)
    if starts == []:
        return sentence, []
    number_pattern = _ASCII_NUMBER if starts is not None and not _ASCII_SPACES.search(sentence) else _NUMBER
    masked, dates = _masked("date", _DATE, _date, sentence, starts)
    # Masking a date changes only what precedes a place where a number can start, and those places
    # (_starts) do not depend on it: the sentence's places serve the masked sentence too.
    masked, numbers = _masked("number", number_pattern, _number, masked, starts)
    return masked, dates + numbers


def _masked(
    kind: str,
    pattern: re.Pattern[str],
    describe: Callable[[re.Match[str], str], tuple[str, str] | None],
    text: str,
    starts: list[int] | None,
) -> tuple[str, list[tuple[str, str, str]]]:
    """What one pattern finds in `text` as (kind, text, key), and `text` with it masked; matched only at
    `starts` when they are given (ASCII text)."""
    found = []
    masked = text
    for match in pattern.finditer(text) if starts is None else _matches_at(pattern, text, starts):
        described = describe(match, masked)
        if described is None:
            continue
        found.append((kind, *described))
        masked = masked[: match.start()] + "#" * (match.end() - match.start()) + masked[match.end() :]
    return masked, found


# _NUMBER for ASCII text, a third faster: ASCII case folding and classes. They differ from the Unicode ones
# on ASCII text only at \s, which also takes the separators \x1c-\x1f.
_ASCII_NUMBER = re.compile(_NUMBER.pattern, re.IGNORECASE | re.ASCII)
_ASCII_SPACES = re.compile(r"[\x1c-\x1f]")


def figures(sentences: Sequence[str]) -> frozenset[tuple[str, str]]:
    """An article's figures as (kind, key): its dates, and its numbers other than 0-12 (what `agreement`
    compares). The same facts `extract` finds, without the names, which cost most of its time; only the
    keys are made (a figure's text, and the unit word after a number, are not compared)."""
    starts_of = _starts_of_each(sentences)
    return frozenset(
        figure
        for sentence, starts in zip(sentences, starts_of, strict=True)
        for figure in _sentence_figures(sentence, starts)
    )


def _sentence_figures(sentence: str, starts: list[int] | None) -> set[tuple[str, str]]:
    """The figures of one sentence, by the regular expressions (at `starts`, when they are known)."""
    keys: set[tuple[str, str]] = set()
    if starts == []:
        return keys
    masked = sentence
    for match in _DATE.finditer(sentence) if starts is None else _matches_at(_DATE, sentence, starts):
        date = _date_key(match.groups())
        if date is not None:
            keys.add(("date", date))
            masked = masked[: match.start()] + "#" * (match.end() - match.start()) + masked[match.end() :]
    pattern = _ASCII_NUMBER if starts is not None and not _ASCII_SPACES.search(sentence) else _NUMBER
    for match in pattern.finditer(masked) if starts is None else _matches_at(pattern, masked, starts):
        number = _number_key(match.groups())
        if number is not None and number not in SMALL_NUMBERS:
            keys.add(("number", number))
    return keys


def figure_hash(kind: str, key: str) -> int:
    """A figure as evidence holds it: a 64-bit hash of its kind and key (hashing.fold_key)."""
    return int(fold_key(np.frombuffer(f"{kind}\0{key}".encode("utf-8", errors="surrogatepass"), dtype=np.uint8)))


def figure_hashes_of_articles(articles: Sequence[Sequence[str]]) -> list[np.ndarray]:
    """The figure_hash of each of each article's `figures` (sorted, distinct): ASCII sentences in compiled
    code (figure_hashes_of_ascii), the others by the regular expressions."""
    plain, owners, others = [], [], []
    for article, sentences in enumerate(articles):
        for sentence in sentences:
            if sentence.isascii():
                plain.append(sentence)
                owners.append(article)
            else:
                others.append((article, sentence))
    lines = np.zeros(len(plain) + 1, dtype=np.int64)
    np.cumsum([len(sentence) for sentence in plain], out=lines[1:])
    # Writable, as the evidence stage's buffers are: numba compiles (and loads) a read-only one apart.
    buffer = np.frombuffer(bytearray("".join(plain).encode("ascii")), dtype=np.uint8)
    values, offsets = figure_hashes_of_ascii(buffer, lines, np.array(owners, dtype=np.int64), len(articles))
    found = [values[offsets[k] : offsets[k + 1]] for k in range(len(articles))]
    for article, sentence in others:
        found[article] = _with_figures_of(found[article], sentence)
    return found


def figure_hashes_of_ascii(
    buffer: np.ndarray, lines: np.ndarray, owners: np.ndarray, articles: int
) -> tuple[np.ndarray, np.ndarray]:
    """figure_hashes_of_articles of ASCII sentences given as bytes (sentence k is buffer[lines[k]:lines[k + 1]],
    of article owners[k], ascending), as values with offsets (article i's are values[offsets[i]:offsets[i +
    1]]). Compiled code finds them (compiled_facts.py); the regular expressions do the few sentences it
    leaves (numbers past 28 significant digits)."""
    tables = (*_start_word_table(), *figure_tables())
    values, offsets, fallback = ascii_figure_hashes(buffer, lines, owners, articles, *tables)
    if not fallback.any():
        return values, offsets
    found = [values[offsets[k] : offsets[k + 1]] for k in range(articles)]
    for k in np.flatnonzero(fallback).tolist():
        sentence = buffer[lines[k] : lines[k + 1]].tobytes().decode("ascii")
        found[owners[k]] = _with_figures_of(found[owners[k]], sentence)
    offsets = np.zeros(articles + 1, dtype=np.int64)
    np.cumsum([hashes.size for hashes in found], out=offsets[1:])
    return np.concatenate([np.empty(0, dtype=np.int64), *found]), offsets


def _with_figures_of(hashes: np.ndarray, sentence: str) -> np.ndarray:
    """`hashes` with the figure_hash of each figure of `sentence` (by the regular expressions) added."""
    found = [figure_hash(*figure) for figure in _sentence_figures(sentence, None)]
    return np.union1d(hashes, np.array(found, dtype=np.int64))


# Where a date or a number can start in ASCII text: at a run of digits, at a dollar sign or the one or two
# letters before it (US$, A$), or at a word that names a month, a weekday or a number (each pattern's
# first character, past its look-behind). Matching the patterns only there finds what finditer finds, at
# a fraction of the cost: finditer tries both patterns at every character, and half of news sentences
# hold no figure at all.
_START_WORDS = frozenset(_MONTHS) | {day.lower() for day in _WEEKDAYS} | frozenset(_NUMBER_WORDS)


def _matches_at(pattern: re.Pattern[str], text: str, starts: list[int]) -> Iterator[re.Match[str]]:
    """pattern.finditer(text), given where its matches can start (neither pattern matches "")."""
    end = 0
    for start in starts:
        if start >= end and (match := pattern.match(text, start)):
            end = match.end()
            yield match


def _starts(text: str) -> list[int]:
    """Where a date or a number can start in ASCII text, in order (hashing.figure_starts: compiled; with
    regular expressions and str.find, figures() took a third longer)."""
    starts = _starts_of_each([text])[0]
    assert starts is not None, "ASCII text only"
    return starts


def _starts_of_each(sentences: Sequence[str]) -> list[list[int] | None]:
    """_starts of each ASCII sentence (None for the others), all found in one compiled call: a call per
    sentence cost more than the search."""
    plain = [sentence.lower() for sentence in sentences if sentence.isascii()]
    lines = np.zeros(len(plain) + 1, dtype=np.int64)
    np.cumsum([len(sentence) for sentence in plain], out=lines[1:])
    buffer = np.frombuffer("".join(plain).encode("ascii"), dtype=np.uint8)
    places, counts = figure_starts(buffer, lines, *_start_word_table())
    found, taken = places.tolist(), 0
    starts: list[list[int] | None] = []
    counts_of = iter(counts.tolist())
    for sentence in sentences:
        if not sentence.isascii():
            starts.append(None)
            continue
        count = next(counts_of)
        starts.append(found[taken : taken + count])
        taken += count
    return starts


@lru_cache(maxsize=1)
def _start_word_table() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return lookup_table(_START_WORDS)


@lru_cache(maxsize=1)
def figure_tables() -> tuple[np.ndarray, ...]:
    """compiled_facts' tables of this module's words, as _DATE and _NUMBER take them."""
    return word_tables(
        {name.capitalize(): number for name, number in _MONTHS.items()},
        frozenset(name.capitalize() for name in _AMBIGUOUS_MONTHS),
        _WEEKDAYS,
        _NUMBER_WORDS,
        {word: len(str(value)) - 1 for word, value in _SCALE_WORDS.items()},
        _MONTH_NAMES,
    )


def compare(a: ArticleFacts, b: ArticleFacts, links: Iterable[tuple[Sequence[int], Sequence[int]]] = ()) -> FactDiff:
    """Facts of A missing from B and of B missing from A (rules in the module docstring); `links` are the
    aligned sentence groups (indices in A, indices in B), where facts on both sides are paired as changes."""
    capitalised = a.capitalised | b.capitalised
    only_a = _missing(a, b, capitalised)
    only_b = _missing(b, a, capitalised)
    changed = []
    paired_a: set[Fact] = set()
    paired_b: set[Fact] = set()
    for rows, columns in links:
        for kind in KINDS:
            left = [f for f in only_a if f.kind == kind and f not in paired_a and set(f.sentences) & set(rows)]
            right = [f for f in only_b if f.kind == kind and f not in paired_b and set(f.sentences) & set(columns)]
            for fact_a, fact_b in zip(left, right, strict=False):
                changed.append(FactChange(kind, fact_a, fact_b))
                paired_a.add(fact_a)
                paired_b.add(fact_b)
    return FactDiff(only_a, only_b, tuple(changed))


SMALL_NUMBERS = frozenset(str(n) for n in range(13))  # counts and list items: "two drones", "3."


def agreement(shared: int, size_a: int, size_b: int) -> float:
    """Share of the sparser article's `figures` (size_a or size_b of them) that the other also states
    (`shared`, compared by canonical value, as `compare` does); 1.0 when the sparser side states none.
    Rewrites keep their figures; templated stories (dividend notices, market reports, results tables)
    keep the wording and change the figures, often just one or two: a dividend notice's one date is
    evidence too. Names are left out: a paraphrase may name a thing differently."""
    sparser = min(size_a, size_b)
    return shared / sparser if sparser else 1.0


def name_key(name: str) -> str:
    """Lower-case words of a name without possessives: "Iraq's" and "iraq" have the same key."""
    return " ".join(re.sub(r"'s?$", "", word) for word in words(normalize(name)))


def _missing(side: ArticleFacts, other: ArticleFacts, capitalised: frozenset[str]) -> tuple[Fact, ...]:
    other_keys = {(f.kind, f.key) for f in other.facts if f.kind != "name"}
    missing = []
    for fact in side.facts:
        if fact.kind == "name":
            if fact.key in side.starting and fact.key not in capitalised:
                continue  # a capitalised sentence opening, not a name
            if all(part in other.word_parts for word in fact.key.split() for part in _parts(word)):
                continue
        elif (fact.kind, fact.key) in other_keys:
            continue
        missing.append(fact)
    missing.sort(key=lambda f: f.sentences[0])
    return tuple(missing)


def _add(found: dict[tuple[str, str], tuple[str, list[int]]], kind: str, text: str, key: str, index: int) -> None:
    if (kind, key) in found:
        found[(kind, key)][1].append(index)
    else:
        found[(kind, key)] = (text, [index])


def _parts(word: str) -> list[str]:
    return [stem(part) for part in re.split(r"[\-']", re.sub(r"'s?$", "", word)) if part]


def _date(match: re.Match[str], sentence: str) -> tuple[str, str] | None:
    key = _date_key(match.groups())
    if key is None:
        return None
    return (match.group("iso") or match.group("weekday") or match.group("lone_year") or match.group(0).strip()), key


@lru_cache(maxsize=1 << 14)
def _date_key(groups: tuple[str | None, ...]) -> str | None:
    """The canonical form of a _DATE match, given its groups (in the pattern's order): news repeats its
    dates, and a key made once serves every sentence that states it."""
    day_before, month, day_after, year, iso, weekday, lone_year = groups
    if iso:
        iso_year, iso_month, iso_day = iso.split("-")
        return f"{_MONTH_NAMES[int(iso_month) - 1].lower()} {int(iso_day)} {iso_year}"
    if weekday:
        return weekday.lower()
    if lone_year:
        return lone_year
    assert month is not None
    month = month.lower()
    day = day_before or day_after
    if month in _AMBIGUOUS_MONTHS and not (day or year):
        return None
    return " ".join(
        part for part in (_MONTH_NAMES[_MONTHS[month] - 1].lower(), day and re.sub(r"\D", "", day), year) if part
    )


def _number(match: re.Match[str], sentence: str) -> tuple[str, str] | None:
    key = _number_key(match.groups())
    if key is None:
        return None
    text = match.group(0).strip()
    if not match.group("percent") and not match.group("suffix"):
        unit = _UNIT.match(sentence, match.end())
        if unit and unit.group(1) not in STOPWORDS and unit.group(1) not in _SCALES:
            text = f"{text} {unit.group(1)}"
    return text, key


@lru_cache(maxsize=1 << 14)
def _number_key(groups: tuple[str | None, ...]) -> str | None:
    """The value of a _NUMBER match (currency, scale and percent included), given its groups in the
    pattern's order; None when the match is no figure."""
    currency, digits, suffix, word, scale, percent = groups
    if word and word.lower() == "hundred" and not currency:
        return None  # "hundreds", "a hundred": a size, not a figure
    # Unicode case folding lets "ſix" (long s) and "fıve" (dotless i) match the number words: casefold()
    # knows the first; the second is no number.
    if word and word.casefold() not in _NUMBER_WORDS:
        return None
    try:
        value = Decimal(digits.replace(",", "")) if digits else Decimal(_NUMBER_WORDS[(word or "").casefold()])
    except InvalidOperation:
        return None
    for scaled in (suffix, scale):
        if scaled:
            if scaled.casefold() not in _SCALES:
                return None
            value *= _SCALES[scaled.casefold()]
    return f"{(currency or '').upper()}{format(value.normalize(), 'f')}{'%' if percent else ''}"


def _name_runs(sentence: str) -> list[tuple[str, bool]]:
    """Runs of capitalised words (see the module docstring) and whether each starts a sentence or quote."""
    runs: list[tuple[str, bool]] = []
    current: list[tuple[int, int]] = []  # spans of the run's words
    at_start = False

    def close() -> None:
        while current and _is_filler(sentence[current[-1][0] : current[-1][1]]):
            current.pop()
        if current and not (len(current) == 1 and current[0][1] - current[0][0] == 1):  # a letter alone: "B"
            runs.append((re.sub(r"'s?$", "", sentence[current[0][0] : current[-1][1]]), at_start))
        current.clear()

    previous_end = 0
    for position, match in enumerate(word_spans(sentence)):
        token = match.group(0)
        gap = sentence[previous_end : match.start()]
        previous_end = match.end()
        if current and gap.strip() not in ("", "."):
            close()  # a dot inside a sentence ends an abbreviation or initial: "George W. Bush", "Mr. Smith"
        name = _capitalised_part(token)
        if name is None:
            if current and token in _CONNECTORS:
                current.append(match.span())
            else:
                close()
            continue
        if not current:
            if _is_filler(name):
                continue
            at_start = position == 0 or bool(_OPENING.search(gap))
        current.append((match.start(), match.start() + len(name)))
        if len(name) < len(token) or re.search(r"'s?$", name):
            close()  # "Iraq's Al-Asad", "Iran-backed militias": the name ends inside this word
    close()
    return runs


def _capitalised_part(token: str) -> str | None:
    """The capitalised leading part of a word ("Iran-backed" -> "Iran", "al-Sistani", "Shahed-136"),
    or None when the word does not start with a capital."""
    if not (token[0].isupper() or _PREFIXED.match(token)):
        return None
    parts = token.split("-")
    kept = [parts[0]]
    for part in parts[1:]:
        if not (part[:1].isupper() or part[:1].isdigit()):
            break
        kept.append(part)
    return "-".join(kept)


def _is_filler(word: str) -> bool:
    """Connectors and stopwords cannot start or end a name; acronyms (US, IT) are not stopwords."""
    return word in _CONNECTORS or (word.lower() in STOPWORDS and not (len(word) > 1 and word.isupper()))
