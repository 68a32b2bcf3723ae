"""facts.figures for ASCII sentences in compiled code: the date and number rules of facts.py, matched as
their regular expressions match, each figure hashed as facts.figure_hash hashes it.

Evidence needs every paired article's figures, and with regular expressions they were a third of its
time: a dozen match attempts an article, a key made in Python for each match. Here the patterns are
tried at the places where a figure can start (hashing.figure_starts), as facts._matches_at tries them,
and each alternative is decided as the regex engine decides it (the first alternative that matches,
optional parts greedy, an atomic run of digits). A number whose digits would round in Python's decimal
context (over 28 significant digits) is left to the regular expressions: `fallback` says which sentences.
tests/test_facts.py holds this to the regular expressions on random sentences.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from numba import njit

from .hashing import (
    _CRC32,
    _FNV_OFFSET,
    _FNV_PRIME,
    _fmix64,
    _is_space,
    figure_starts,
    lookup_table,
    sorted_distinct_in_place,
)

_HASH = 35  # '#': what facts._masked writes over a date
_DATE, _NUMBER = 0, 1
_MAX_DIGITS = 28  # Python's default decimal precision


def _table(words: dict[str, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A lookup_table of `words` with each word's value (by its index in the table's sorted words)."""
    slots, data, offsets = lookup_table(frozenset(words))
    values = np.array([words[word] for word in sorted(words, key=lambda w: w.encode("ascii"))], dtype=np.int64)
    return slots, data, offsets, values


def word_tables(
    months: Mapping[str, int],
    ambiguous: frozenset[str],
    weekdays: Sequence[str],
    numbers: Mapping[str, int],
    scales: Mapping[str, int],
    month_names: Sequence[str],
) -> tuple[np.ndarray, ...]:
    """The kernel's word tables, in its arguments' order, from facts.py's words: month names as _DATE
    takes them with their numbers (`ambiguous` ones need a day or a year), weekdays, number words with
    their values, scale words with their powers of ten, and the month names that keys are made of."""
    month_table = _table({word: number + (100 if word in ambiguous else 0) for word, number in months.items()})
    names = [name.lower().encode("ascii") for name in month_names]
    name_offsets = np.zeros(len(names) + 1, dtype=np.int64)
    np.cumsum([len(name) for name in names], out=name_offsets[1:])
    return (
        *month_table, *_table(dict.fromkeys(weekdays, 0)), *_table(dict(numbers)), *_table(dict(scales)),
        np.frombuffer(b"".join(names), dtype=np.uint8), name_offsets,
    )  # fmt: skip


@njit(cache=True)
def _is_word(byte: int) -> bool:
    return (48 <= byte <= 57) or (65 <= byte <= 90) or (97 <= byte <= 122) or byte == 95


@njit(cache=True)
def _is_digit(byte: int) -> bool:
    return 48 <= byte <= 57


@njit(cache=True)
def _lower(byte: int) -> int:
    return byte + 32 if 65 <= byte <= 90 else byte


@njit(cache=True)
def _word_end(text: np.ndarray, start: int, end: int) -> int:
    while start < end and _is_word(text[start]):
        start += 1
    return start


@njit(cache=True)
def _lookup(
    text: np.ndarray, start: int, end: int, fold: bool, slots: np.ndarray, words: np.ndarray, offsets: np.ndarray
) -> int:
    """The index of text[start:end] (lower-cased when `fold`) among a table's sorted words, or -1."""
    length = end - start
    value = np.uint32(0xFFFFFFFF)
    for i in range(start, end):
        byte = _lower(text[i]) if fold else text[i]
        value = _CRC32[(value ^ np.uint32(byte)) & np.uint32(0xFF)] ^ (value >> np.uint32(8))
    mask = slots.shape[0] - 1
    slot = np.int64(value ^ np.uint32(0xFFFFFFFF)) & mask
    while slots[slot] >= 0:
        word = slots[slot]
        if offsets[word + 1] - offsets[word] == length:
            same = True
            for i in range(length):
                byte = _lower(text[start + i]) if fold else text[start + i]
                if words[offsets[word] + i] != byte:
                    same = False
                    break
            if same:
                return word
        slot = (slot + 1) & mask
    return -1


@njit(cache=True)
def _day(text: np.ndarray, position: int, end: int, choice: int) -> int:
    """The end of facts._DAY's `choice`-th way to match at `position` (the regex engine's order: [12]d,
    3[01] or 0?[1-9], each first with an ordinal suffix, then without), or -1."""
    digits = -1
    way = choice // 2
    if way == 0 and position + 1 < end and (text[position] == 49 or text[position] == 50):
        digits = position + 2 if _is_digit(text[position + 1]) else -1
    elif way == 1 and position + 1 < end and text[position] == 51:
        digits = position + 2 if text[position + 1] == 48 or text[position + 1] == 49 else -1
    elif way == 2:
        at = position + 1 if position < end and text[position] == 48 else position
        if at < end and 49 <= text[at] <= 57:
            digits = at + 1
        elif at != position and position < end and 49 <= text[position] <= 57:
            digits = position + 1
    if digits < 0 or choice % 2 == 1:
        return digits
    if digits + 1 < end:  # st nd rd th
        first, second = text[digits], text[digits + 1]
        if (
            (first == 115 and second == 116)
            or (first == 110 and second == 100)
            or (first == 114 and second == 100)
            or (first == 116 and second == 104)
        ):
            return digits + 2
    return -1


@njit(cache=True)
def _spaces(text: np.ndarray, position: int, end: int) -> int:
    while position < end and _is_space(text[position]):
        position += 1
    return position


@njit(cache=True)
def _boundary_after(text: np.ndarray, position: int, end: int) -> bool:
    """\\b after a word character at position - 1."""
    return position >= end or not _is_word(text[position])


@njit(cache=True)
def _year_at(text: np.ndarray, position: int, end: int) -> bool:
    """facts._YEAR ((19|20)dd) at `position`."""
    if position + 4 > end:
        return False
    first, second = text[position], text[position + 1]
    century = (first == 49 and second == 57) or (first == 50 and second == 48)
    return century and _is_digit(text[position + 2]) and _is_digit(text[position + 3])


_PERCENT = np.frombuffer(b"percent", dtype=np.uint8)
_PER_CENT = np.frombuffer(b"per cent", dtype=np.uint8)


@njit(cache=True)
def _literal(text: np.ndarray, start: int, end: int, literal: np.ndarray, fold: bool = True) -> bool:
    """`literal` (lower case) at text[start:], in any case when `fold`."""
    if start + literal.shape[0] > end:
        return False
    for i in range(literal.shape[0]):
        byte = _lower(text[start + i]) if fold else text[start + i]
        if byte != literal[i]:
            return False
    return True


@njit(cache=True)
def _feed(value: np.uint64, byte: int) -> np.uint64:
    return (value ^ np.uint64(byte)) * _FNV_PRIME


@njit(cache=True)
def _key_hash(kind: int, key: np.ndarray, length: int) -> np.int64:
    """facts.figure_hash of (kind, key): FNV-1a over "date" or "number", a zero byte and the key."""
    value = _FNV_OFFSET
    if kind == 0:
        for byte in (100, 97, 116, 101):  # date
            value = _feed(value, byte)
    else:
        for byte in (110, 117, 109, 98, 101, 114):  # number
            value = _feed(value, byte)
    value = _feed(value, 0)
    for i in range(length):
        value = _feed(value, key[i])
    return np.int64(_fmix64(value))


@njit(cache=True)
def _put(key: np.ndarray, length: int, source: np.ndarray, start: int, end: int) -> int:
    for i in range(start, end):
        key[length] = source[i]
        length += 1
    return length


@njit(cache=True)
def _date_at(
    text: np.ndarray,
    line_start: int,
    position: int,
    end: int,
    key: np.ndarray,
    month_slots: np.ndarray,
    month_words: np.ndarray,
    month_offsets: np.ndarray,
    month_values: np.ndarray,
    day_slots: np.ndarray,
    day_words: np.ndarray,
    day_offsets: np.ndarray,
    names: np.ndarray,
    name_offsets: np.ndarray,
) -> tuple[int, int]:
    """facts._DATE matched at `position`: (end of the match or -1, length of its key in `key`, 0 for a
    match that is no date)."""
    before = text[position - 1] if position > line_start else 32
    # A month name, with a day before it or after it and/or a year.
    if not (_is_word(before) or before == 36):
        month_start, day_start, day_end = -1, -1, -1
        for choice in range(6):
            digits_end = _day(text, position, end, choice)
            if digits_end < 0:
                continue
            after_spaces = _spaces(text, digits_end, end)
            if after_spaces == digits_end:
                continue
            if (
                _lookup(
                    text,
                    after_spaces,
                    _word_end(text, after_spaces, end),
                    False,
                    month_slots,
                    month_words,
                    month_offsets,
                )
                >= 0
            ):
                month_start, day_start, day_end = after_spaces, position, digits_end
                break
        if (
            month_start < 0
            and _lookup(text, position, _word_end(text, position, end), False, month_slots, month_words, month_offsets)
            >= 0
        ):
            month_start = position
        if month_start >= 0:
            month_end = _word_end(text, month_start, end)
            month = month_values[_lookup(text, month_start, month_end, False, month_slots, month_words, month_offsets)]
            stop = month_end + 1 if month_end < end and text[month_end] == 46 else month_end
            spaced = _spaces(text, stop, end)
            if spaced > stop:
                for choice in range(6):
                    digits_end = _day(text, spaced, end, choice)
                    if digits_end >= 0 and _boundary_after(text, digits_end, end):
                        if day_start < 0:  # the day before the month, when there is one, is the key's
                            day_start, day_end = spaced, digits_end
                        stop = digits_end
                        break
            year_start = -1
            comma = stop + 1 if stop < end and text[stop] == 44 else stop
            spaced = _spaces(text, comma, end)
            if spaced > comma and _year_at(text, spaced, end) and _boundary_after(text, spaced + 4, end):
                year_start, stop = spaced, spaced + 4
            if month >= 100 and day_start < 0 and year_start < 0:
                return stop, 0  # "May", "March": a verb or a noun on their own
            month %= 100
            length = _put(key, 0, names, name_offsets[month - 1], name_offsets[month])
            if day_start >= 0:
                key[length] = 32
                length += 1
                for i in range(day_start, day_end):
                    if _is_digit(text[i]):
                        key[length] = text[i]
                        length += 1
            if year_start >= 0:
                key[length] = 32
                length = _put(key, length + 1, text, year_start, year_start + 4)
            return stop, length
    # An ISO date.
    if (
        not (_is_word(before) or before == 46 or before == 45)
        and _year_at(text, position, end)
        and position + 10 <= end
    ):
        p = position
        month_ok = text[p + 4] == 45 and text[p + 7] == 45
        month_ok = month_ok and (
            (text[p + 5] == 48 and 49 <= text[p + 6] <= 57) or (text[p + 5] == 49 and 48 <= text[p + 6] <= 50)
        )
        day_ok = month_ok and (
            (text[p + 8] == 48 and 49 <= text[p + 9] <= 57)
            or ((text[p + 8] == 49 or text[p + 8] == 50) and _is_digit(text[p + 9]))
            or (text[p + 8] == 51 and (text[p + 9] == 48 or text[p + 9] == 49))
        )
        if day_ok and _boundary_after(text, p + 10, end):
            month = (text[p + 5] - 48) * 10 + text[p + 6] - 48
            length = _put(key, 0, names, name_offsets[month - 1], name_offsets[month])
            key[length] = 32
            length += 1
            if text[p + 8] != 48:
                key[length] = text[p + 8]
                length += 1
            key[length] = text[p + 9]
            key[length + 1] = 32
            length = _put(key, length + 2, text, p, p + 4)
            return p + 10, length
    # A weekday.
    if not _is_word(before):
        word_end = _word_end(text, position, end)
        if _lookup(text, position, word_end, False, day_slots, day_words, day_offsets) >= 0:
            length = 0
            for i in range(position, word_end):
                key[length] = _lower(text[i])
                length += 1
            return word_end, length
    # A year on its own, not a share or a percentage.
    lone = not (_is_word(before) or before == 36 or before == 46 or before == 44 or before == 45)
    if lone and _year_at(text, position, end) and _boundary_after(text, position + 4, end):
        e = position + 4
        if e + 1 < end and (text[e] == 37 or text[e] == 46 or text[e] == 44) and _is_digit(text[e + 1]):
            return -1, 0
        after = e + 1 if e < end and _is_space(text[e]) else e
        if (e < end and text[e] == 37) or (after < end and text[after] == 37):
            return -1, 0
        for start in (e, after):
            if _literal(text, start, end, _PERCENT, False):
                return -1, 0
        return e, _put(key, 0, text, position, e)
    return -1, 0


@njit(cache=True)
def _currency_end(text: np.ndarray, position: int, end: int) -> int:
    """The end of facts._NUMBER's currency at `position` ((US|A|C|NZ|HK)?$, any case), or -1."""
    for prefix in range(6):
        p = position
        if prefix == 0 and p + 1 < end and _lower(text[p]) == 117 and _lower(text[p + 1]) == 115:
            p += 2
        elif (prefix == 1 and p < end and _lower(text[p]) == 97) or (prefix == 2 and p < end and _lower(text[p]) == 99):
            p += 1
        elif (prefix == 3 and p + 1 < end and _lower(text[p]) == 110 and _lower(text[p + 1]) == 122) or (
            prefix == 4 and p + 1 < end and _lower(text[p]) == 104 and _lower(text[p + 1]) == 107
        ):
            p += 2
        elif prefix != 5:
            continue
        if p < end and text[p] == 36:
            return p + 1
    return -1


@njit(cache=True)
def _number_at(
    text: np.ndarray,
    line_start: int,
    position: int,
    end: int,
    key: np.ndarray,
    digits: np.ndarray,
    number_slots: np.ndarray,
    number_words: np.ndarray,
    number_offsets: np.ndarray,
    number_values: np.ndarray,
    scale_slots: np.ndarray,
    scale_words: np.ndarray,
    scale_offsets: np.ndarray,
    scale_values: np.ndarray,
) -> tuple[int, int]:
    """facts._NUMBER matched at `position` in (masked) text: (end of the match or -1, length of its key
    in `key`: 0 for a match that is no figure ("hundred" alone), -2 for a value Python would round)."""
    before = text[position - 1] if position > line_start else 32
    if _is_word(before) or before == 46 or before == 45:
        return -1, 0
    currency_end = _currency_end(text, position, end)
    for attempt in range(3):  # currency and a space, currency alone, no currency
        if attempt < 2 and currency_end < 0:
            continue
        body = position
        if attempt < 2:
            body = currency_end
            if attempt == 0:
                if not (body < end and _is_space(text[body])):
                    continue
                body += 1
        # The body: a run of digits (atomic), with a scale suffix, or a number word.
        body_end, exponent, word = -1, 0, -1
        if body < end and _is_digit(text[body]):
            p = body
            while p < end and _is_digit(text[p]):
                p += 1
            while (
                p + 3 < end
                and text[p] == 44
                and _is_digit(text[p + 1])
                and _is_digit(text[p + 2])
                and _is_digit(text[p + 3])
            ):
                p += 4
            if p + 1 < end and text[p] == 46 and _is_digit(text[p + 1]):
                p += 1
                while p < end and _is_digit(text[p]):
                    p += 1
            run_end = p
            suffix = 0
            letter = _lower(text[run_end]) if run_end < end else 0
            two_letters = run_end + 1 < end and _lower(text[run_end + 1]) == 110 and (letter == 98 or letter == 116)
            if two_letters and _boundary_after(text, run_end + 2, end):  # bn, tn
                suffix = 9 if letter == 98 else 12
                body_end = run_end + 2
            if body_end < 0 and (letter == 109 or letter == 107) and _boundary_after(text, run_end + 1, end):  # m, k
                suffix = 6 if letter == 109 else 3
                body_end = run_end + 1
            if body_end < 0 and _boundary_after(text, run_end, end):
                body_end = run_end
            if body_end < 0:
                continue
            exponent = suffix
            # The digits, commas out; where the point is, as a power of ten.
            count, point = 0, -1
            for i in range(body, run_end):
                if text[i] == 46:
                    point = count
                elif text[i] != 44:
                    digits[count] = text[i]
                    count += 1
            if point >= 0:
                exponent -= count - point
        else:
            word_end = _word_end(text, body, end)
            word = _lookup(text, body, word_end, True, number_slots, number_words, number_offsets)
            if word < 0:
                continue
            body_end = word_end
            value = number_values[word]
            count = 0
            while value > 0:
                key[count] = 48 + value % 10
                value //= 10
                count += 1
            for i in range(count):
                digits[i] = key[count - 1 - i]
        stop = body_end
        # A scale word after one space.
        if stop + 1 < end and _is_space(text[stop]):
            scale_end = _word_end(text, stop + 1, end)
            scale = _lookup(text, stop + 1, scale_end, True, scale_slots, scale_words, scale_offsets)
            if scale >= 0 and scale_end > stop + 1:
                exponent += scale_values[scale]
                stop = scale_end
        # A percent sign or word, after one space or none.
        percent = False
        at = stop + 1 if stop < end and _is_space(text[stop]) else stop
        for start in (at, stop):
            if percent:
                break
            if start < end and text[start] == 37:
                percent, stop = True, start + 1
            elif _literal(text, start, end, _PERCENT) and _boundary_after(text, start + 7, end):
                percent, stop = True, start + 7
            elif _literal(text, start, end, _PER_CENT) and _boundary_after(text, start + 8, end):
                percent, stop = True, start + 8
        if word >= 0 and number_values[word] == 100 and attempt == 2:
            return stop, 0  # "a hundred": a size, not a figure
        # The key: currency, the value as Python's Decimal normalises and formats it, percent.
        length = 0
        if attempt < 2:
            for i in range(position, currency_end):
                key[length] = text[i] - 32 if 97 <= text[i] <= 122 else text[i]
                length += 1
        first = 0
        while first < count and digits[first] == 48:
            first += 1
        last = count
        while last > first and digits[last - 1] == 48:
            last -= 1
            exponent += 1
        if first == last:
            key[length] = 48
            length += 1
        else:
            if last - first > _MAX_DIGITS:
                return stop, -2
            if exponent >= 0:
                length = _put(key, length, digits, first, last)
                for _ in range(exponent):
                    key[length] = 48
                    length += 1
            elif last - first > -exponent:
                length = _put(key, length, digits, first, last + exponent)
                key[length] = 46
                length = _put(key, length + 1, digits, last + exponent, last)
            else:
                key[length], key[length + 1] = 48, 46
                length += 2
                for _ in range(-exponent - (last - first)):
                    key[length] = 48
                    length += 1
                length = _put(key, length, digits, first, last)
        if percent:
            key[length] = 37
            length += 1
        return stop, length
    return -1, 0


@njit(cache=True, nogil=True)
def ascii_figure_hashes(
    buffer: np.ndarray,
    lines: np.ndarray,
    owners: np.ndarray,
    articles: int,
    start_slots: np.ndarray,
    start_words: np.ndarray,
    start_offsets: np.ndarray,
    month_slots: np.ndarray,
    month_words: np.ndarray,
    month_offsets: np.ndarray,
    month_values: np.ndarray,
    day_slots: np.ndarray,
    day_words: np.ndarray,
    day_offsets: np.ndarray,
    day_values: np.ndarray,
    number_slots: np.ndarray,
    number_words: np.ndarray,
    number_offsets: np.ndarray,
    number_values: np.ndarray,
    scale_slots: np.ndarray,
    scale_words: np.ndarray,
    scale_offsets: np.ndarray,
    scale_values: np.ndarray,
    names: np.ndarray,
    name_offsets: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The figure hashes of each article's ASCII sentences (sentence k is buffer[lines[k]:lines[k + 1]], of
    article owners[k], ascending), sorted and distinct, one article after another with where each
    article's begin (and the last ends), and which sentences the regular expressions must do."""
    lowered = np.empty(buffer.shape[0], dtype=np.uint8)
    for i in range(buffer.shape[0]):
        lowered[i] = _lower(buffer[i])
    places, place_counts = figure_starts(lowered, lines, start_slots, start_words, start_offsets)
    masked = buffer.copy()
    found = np.empty(2 * places.shape[0] + 1, dtype=np.int64)
    article_offsets = np.zeros(articles + 1, dtype=np.int64)
    article = 0
    fallback = np.zeros(lines.shape[0] - 1, dtype=np.bool_)
    key = np.empty(256, dtype=np.uint8)
    digits = np.empty(buffer.shape[0] + 8, dtype=np.uint8)
    total, first_place = 0, 0
    small = np.zeros(13, dtype=np.int64)
    for n in range(13):
        if n < 10:
            key[0] = 48 + n
            small[n] = _key_hash(_NUMBER, key, 1)
        else:
            key[0], key[1] = 49, 48 + n - 10
            small[n] = _key_hash(_NUMBER, key, 2)
    for line in range(lines.shape[0] - 1):
        start, end = lines[line], lines[line + 1]
        while article < owners[line]:
            total = _close_article(found, article_offsets, article, total)
            article += 1
        taken = 0
        for k in range(first_place, first_place + place_counts[line]):
            position = start + places[k]
            if position < taken:
                continue
            stop, length = _date_at(
                buffer, start, position, end, key,
                month_slots, month_words, month_offsets, month_values,
                day_slots, day_words, day_offsets, names, name_offsets,
            )  # fmt: skip
            if stop < 0:
                continue
            taken = stop
            if length > 0:
                found[total] = _key_hash(_DATE, key, length)
                total += 1
                for i in range(position, stop):
                    masked[i] = _HASH
        taken = 0
        for k in range(first_place, first_place + place_counts[line]):
            position = start + places[k]
            if position < taken:
                continue
            stop, length = _number_at(
                masked, start, position, end, key, digits,
                number_slots, number_words, number_offsets, number_values,
                scale_slots, scale_words, scale_offsets, scale_values,
            )  # fmt: skip
            if stop < 0:
                continue
            taken = stop
            if length == -2:
                fallback[line] = True
            elif length > 0:
                value = _key_hash(_NUMBER, key, length)
                is_small = False
                for n in range(13):
                    is_small = is_small or small[n] == value
                if not is_small:
                    found[total] = value
                    total += 1
        first_place += place_counts[line]
    while article < articles:
        total = _close_article(found, article_offsets, article, total)
        article += 1
    return found[:total].copy(), article_offsets, fallback


@njit(cache=True)
def _close_article(found: np.ndarray, offsets: np.ndarray, article: int, total: int) -> int:
    """Sort the article's hashes (from offsets[article] to total), each once; the new total."""
    kept = sorted_distinct_in_place(found, offsets[article], total)
    offsets[article + 1] = kept
    return kept
