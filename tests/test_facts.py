"""Fact extraction rules and the comparison of two articles' facts."""

from __future__ import annotations

from dedup.facts import SMALL_NUMBERS, FactDiff, compare, extract, figures


def facts_of(*sentences: str) -> dict[str, set[str]]:
    by_kind: dict[str, set[str]] = {}
    for fact in extract(list(sentences)).facts:
        by_kind.setdefault(fact.kind, set()).add(fact.text)
    return by_kind


def difference(a: list[str], b: list[str], links: tuple = ()) -> FactDiff:
    return compare(extract(a), extract(b), links)


def texts(facts: tuple) -> set[str]:
    return {fact.text for fact in facts}


def test_dates_with_month_day_and_year() -> None:
    found = facts_of("In January 2022 a drone attack was foiled; on June 10 and on 3 May 2021 others followed.")
    assert found["date"] == {"January 2022", "June 10", "3 May 2021"}


def test_month_abbreviations_iso_dates_weekdays_and_years() -> None:
    found = facts_of("It began on Oct. 7, 2023 (logged 2024-01-09) on a Saturday, as in 2019.")
    assert found["date"] == {"Oct. 7, 2023", "2024-01-09", "Saturday", "2019"}


def test_only_real_months_and_days_make_an_iso_date() -> None:
    """A month of 13-19 crashed the run (no such month name); 00 read as December."""
    assert facts_of("Batch 2024-13-01 shipped.")["date"] == {"2024"}  # a year, then a code
    assert facts_of("Batch 2024-00-10 and 2024-12-39 shipped.")["date"] == {"2024"}
    assert facts_of("It was 2024-12-31, then 2024-02-01.")["date"] == {"2024-12-31", "2024-02-01"}


def test_the_same_date_written_two_ways_is_one_fact() -> None:
    (fact,) = extract(["It began on Oct. 7, 2023.", "The log says 2023-10-07."]).facts
    assert (fact.kind, fact.key, fact.sentences) == ("date", "october 7 2023", (0, 1))


def test_may_is_a_date_only_with_a_day_or_year() -> None:
    assert "date" not in facts_of("Officials said the militias May strike again.")
    assert facts_of("There was an attack on Al-Asad in May 2021.")["date"] == {"May 2021"}


def test_dates_compare_by_canonical_form() -> None:
    same = difference(["The summit opened on Oct. 7, 2023."], ["The summit opened on 7 October 2023."])
    assert same.only_a == () and same.only_b == ()
    other = difference(["The summit opened in January 2022."], ["The summit opened in 2022."])
    assert texts(other.only_a) == {"January 2022"}
    assert texts(other.only_b) == {"2022"}


def test_numbers_with_currency_scale_percent_and_unit() -> None:
    found = facts_of("Profits rose 4.4% to $2.5 billion, or £600m, and 469,000 acres burned.")
    assert found["number"] == {"4.4%", "$2.5 billion", "£600m", "469,000 acres"}


def test_numbers_compare_by_value() -> None:
    same = difference(
        ["Sales rose 11 percent to $2.5 billion and two drones were seen."],
        ["Sales rose 11% to $2,500 million as 2 drones were seen."],
    )
    assert same.only_a == () and same.only_b == ()
    changed = difference(["The stock rose $2.11 to close at $21.51."], ["The stock rose $1.63 to close at $21.51."])
    assert texts(changed.only_a) == {"$2.11"} and texts(changed.only_b) == {"$1.63"}


def test_digits_inside_names_are_not_numbers() -> None:
    found = facts_of("Iran exported the Shahed-136 to Russia.")
    assert "number" not in found
    assert "Shahed-136" in found["name"]


def test_names_are_runs_of_capitalised_words() -> None:
    found = facts_of(
        "The militias targeted US forces at Erbil International Airport, said Grand Ayatollah Ali al-Sistani."
    )
    assert found["name"] == {"US", "Erbil International Airport", "Grand Ayatollah Ali al-Sistani"}


def test_names_split_after_possessives_and_keep_inner_connectors() -> None:
    found = facts_of("The drones targeted Iraq's Al-Asad base, the Bank of England said.")
    assert found["name"] == {"Iraq", "Al-Asad", "Bank of England"}


def test_a_letter_alone_is_not_a_name_but_an_initial_is_part_of_one() -> None:
    assert facts_of("The probability of B given that George W. Bush won.")["name"] == {"George W. Bush"}


def test_hyphenated_adjective_gives_its_capitalised_part() -> None:
    assert facts_of("He met Iran-backed militias in the north.")["name"] == {"Iran"}


def test_capitalised_sentence_opening_is_a_name_only_when_capitalised_elsewhere() -> None:
    diff = difference(["Drones can be shot down.", "Reuters said it.", "A report by Reuters."], ["Nothing here."])
    assert "Drones" not in texts(diff.only_a)
    assert "Reuters" in texts(diff.only_a)


def test_name_is_present_when_all_its_words_are_in_the_other_article() -> None:
    diff = difference(
        ["The Iranian Foreign Minister travelled to Qatar."],
        ["Iran's foreign minister, a pro-Iranian figure, went to Qatar."],
    )
    assert diff.only_a == ()
    missing = difference(["Militias attacked Erbil International Airport."], ["Militias attacked an airport."])
    assert texts(missing.only_a) == {"Erbil International Airport"}


def test_each_fact_is_reported_once_with_all_its_sentences() -> None:
    diff = difference(["In June 2021 strikes hit Syria.", "In June 2021 drones were seen."], ["Strikes hit Syria."])
    (fact,) = diff.only_a
    assert (fact.text, fact.sentences) == ("June 2021", (0, 1))


def test_facts_in_aligned_sentences_pair_up_as_changes() -> None:
    a = ["The fire destroyed 491 homes on Friday in Oregon."]
    b = ["The fire destroyed 419 homes on Saturday in Oregon."]
    diff = difference(a, b, links=(((0,), (0,)),))
    assert {(c.kind, c.a.text, c.b.text) for c in diff.changed} == {
        ("number", "491 homes", "419 homes"),
        ("date", "Friday", "Saturday"),
    }
    unlinked = difference(a, b)
    assert unlinked.changed == ()
    assert texts(unlinked.only_a) == {"491 homes", "Friday"}


def test_figures_are_the_dates_and_larger_numbers_that_extract_finds() -> None:
    # figures() skips sentences without a digit or a figure word; extract() reads every sentence.
    sentences = [
        "Officials met on Friday, Oct. 7, 2023, and again in Sept. 2024.",
        "TWENTY people and a dozen soldiers were hurt; two drones fell.",
        "Prices rose 4.4% to $2.5 billion, or 11 percent more than in 1999.",
        "Nothing here but words about the weather in Paris.",
        "The Shahed-136 and the Mayday call were not figures.",
        "It happened on 2021-06-10, a Thursday in June.",
        "Seventy-five others waited (thirty of them outside).",
        "\u00e9two and twoish are not numbers, nor is maybe.",
        "Shares rose 5.4 pct to 1,234 dlrs in 1987.",  # digits: the date pattern runs too
        "Net profit 123,400 dlrs vs 98,000.",  # digits but no year: only the number pattern runs
        "The f\u0131ve \u017fix thou\u017fand drones.",  # Unicode folding: matched, but no crash
    ]
    expected = {
        (fact.kind, fact.key)
        for fact in extract(sentences).facts
        if fact.kind == "date" or (fact.kind == "number" and fact.key not in SMALL_NUMBERS)
    }
    assert expected  # the sentences do hold figures
    assert figures(sentences) == expected


def test_patterns_tried_only_where_a_figure_can_start_find_what_finditer_finds() -> None:
    """ASCII sentences are matched only at runs of digits, dollar signs and month, weekday and number
    words; every match finditer would find must start at one of them, in masked text too."""
    import random

    from dedup.facts import _ASCII_NUMBER, _DATE, _NUMBER, _date, _dates_and_numbers, _masked, _matches_at, _starts

    pieces = [
        *"0123456789 ,.-$%'#(", "US$", "A$", "NZ$", "HK$", "C$", "May", "may", "March", "Jan.", "Sept", "Oct.",
        "Friday", "two", "Two", "TWELVE", "nineteen", "hundred", "thousand", "million", "bn", "m", "k",
        "percent", "per cent", "st", "th", "1999", "2024", "2021-06-10", "2024-13-01", "x", "\x1c", "ab",
        "seventy", "fiver",
    ]  # fmt: skip
    rng = random.Random(3)
    sentences = ["".join(rng.choice(pieces) for _ in range(rng.randrange(1, 25))) for _ in range(4000)]
    sentences += [
        "Friday$5 and Jan.5 2024were paid.",
        "On Oct. 7, 2023 it paid US$2.5 billion, 11 percent more than two years ago (Friday).",
    ]
    for sentence in sentences:
        for pattern in (_DATE, _ASCII_NUMBER, _NUMBER):
            expected = [match.span() for match in pattern.finditer(sentence)]
            assert [match.span() for match in _matches_at(pattern, sentence, _starts(sentence))] == expected
        # The number pattern runs on the sentence with its dates masked, at the sentence's places.
        masked, _ = _masked("date", _DATE, _date, sentence, None)
        spans = [match.span() for match in _ASCII_NUMBER.finditer(masked)]
        assert [match.span() for match in _matches_at(_ASCII_NUMBER, masked, _starts(sentence))] == spans
    # figures makes only the keys, each made once per distinct match: the same as the facts.
    articles = [[*sentences[start : start + 7], "Caf\u00e9 paid \u20ac5m on May 2."] for start in range(0, 700, 7)]
    for _ in range(2):
        assert [figures(article) for article in articles] == [
            frozenset(
                (kind, key)
                for sentence in article
                for kind, _, key in _dates_and_numbers(sentence)[1]
                if kind == "date" or key not in SMALL_NUMBERS
            )
            for article in articles
        ]
    assert {key for _, _, key in _dates_and_numbers(sentences[-1])[1]} == {
        "october 7 2023",
        "US$2500000000",
        "11%",
        "2",
        "friday",
    }


def test_compiled_figures_are_the_regular_expressions_figures() -> None:
    """ASCII sentences' figures are found in compiled code (compiled_facts.py): the same figures as the
    regular expressions find, on random sentences built from the pieces the rules turn on."""
    import random

    from dedup.facts import figure_hash, figure_hashes_of_articles

    pieces = [
        *"0123456789 ,.-$%'#(_\t", "US$", "us$", "A$", "NZ$", "HK$", "C$", "May", "may", "March", "Mar", "Jan.",
        "Sept", "Sep", "Oct.", "June", "Friday", "Monday", "two", "Two", "TWELVE", "nineteen", "seventeen", "dozen",
        "hundred", "thousand", "million", "Million", "trillion", "bn", "BN", "m", "k", "percent", "Percent",
        "per cent", "per", "cent", "st", "th", "nd", "1st", "31", "32", "00", "1999", "2024", "2021-06-10",
        "2024-13-01", "1,234", "1,2345", "0.50", "12.000", "x", "\x1c", "ab", "seventy", "fiver", "A", "HK", "  ",
    ]  # fmt: skip
    rng = random.Random(8)
    sentences = ["".join(rng.choice(pieces) for _ in range(rng.randrange(1, 25))) for _ in range(3000)]
    articles = [sentences[start : start + 5] for start in range(0, len(sentences), 5)]
    articles += [
        ["Caf\u00e9 owners paid \u20ac5m on May 2, 2024.", "They paid $3 billion."],  # non-ASCII: by regex
        ["A value of 12345678901234567890123456789.5 million dollars."],  # rounds in Python's decimal context
        [],
    ]
    expected = [sorted({figure_hash(*figure) for figure in figures(article)}) for article in articles]
    assert [found.tolist() for found in figure_hashes_of_articles(articles)] == expected
    assert sum(map(len, expected)) > 1000
