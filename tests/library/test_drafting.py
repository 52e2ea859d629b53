"""Drafting candidates from a text: each rule on good and tricky sentences, determinism, and the demo deck."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from django.conf import settings

from studyapp.library.drafting import Candidate, draft, matches, normalise
from studyapp.library.models import EventData, ItemKind
from studyapp.library.text import PassageSpan, split_passages

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "left-opposition-1927.json"


def drafted(*sentences: str) -> list[Candidate]:
    return draft([PassageSpan(index, 0, 0, len(text), text) for index, text in enumerate(sentences)])


def blanks(candidates: list[Candidate], reason: str | None = None) -> list[str]:
    return [c.answer for c in candidates if c.kind == ItemKind.CLOZE and (reason is None or c.reason == reason)]


def numbers(candidates: list[Candidate]) -> list[tuple[str, str, Decimal]]:
    return [(c.answer, c.reason, c.tolerance) for c in candidates if c.kind == ItemKind.NUMBER]


# --- Dates and years -----------------------------------------------------------------------------------------


def test_a_year_gives_a_cloze_and_an_in_what_year_item():
    candidates = drafted("In 1917 the revolution got rid of the old rulers.")

    cloze = next(c for c in candidates if c.reason == "year" and c.kind == ItemKind.CLOZE)
    assert cloze.prompt == "In {{1917}} the revolution got rid of the old rulers."
    assert cloze.answer == "1917"
    assert cloze.blank == "1917"
    number = next(c for c in candidates if c.kind == ItemKind.NUMBER)
    assert number.prompt == "In what year? In … the revolution got rid of the old rulers."
    assert (number.answer, number.reason, number.tolerance) == ("1917", "year", Decimal(0))


def test_full_dates_are_blanked_whole_and_the_year_item_gaps_only_the_year():
    candidates = drafted(
        "On 15 October 1923 an open letter appeared.",
        "By the congress in April 1923 most delegates were party workers.",
        "On 15 October an open letter appeared.",
        "It happened on March 3, 1921, in the city.",
    )

    assert blanks(candidates, "date") == ["15 October 1923", "April 1923", "15 October", "March 3, 1921"]
    year_items = [c.prompt for c in candidates if c.kind == ItemKind.NUMBER]
    assert year_items == [
        "In what year? On 15 October … an open letter appeared.",
        "In what year? By the congress in April … most delegates were party workers.",
        "In what year? It happened on March 3, …, in the city.",
    ]


def test_a_year_range_is_one_blank_and_no_year_item():
    candidates = drafted("The war in the years 1918-21 hollowed them out; see also 1923–1927.")

    assert blanks(candidates, "years") == ["1918-21", "1923–1927"]
    assert numbers(candidates) == []


def test_numbers_that_are_not_years_are_not_taken_for_years():
    candidates = drafted("Phone 020 7637 1848 or pay £19.99 for 12,345 copies, 3.5 each, in the 1920s.")

    assert not any(c.reason in {"year", "years", "date"} for c in candidates)
    assert ("12345", "number", Decimal(0)) in numbers(candidates)
    assert "1848" not in blanks(candidates)


# --- Numbers and percentages ---------------------------------------------------------------------------------


def test_percentages_ordinals_and_counts_give_a_cloze_and_a_number_item():
    candidates = drafted("By the 12th party congress the majority of delegates—55 percent—were full time workers.")

    assert blanks(candidates, "ordinal") == ["12th"]
    assert blanks(candidates, "percentage") == ["55 percent"]
    assert numbers(candidates) == [("12", "ordinal", Decimal(0)), ("55", "percentage", Decimal(0))]
    percentage = next(c for c in candidates if c.kind == ItemKind.NUMBER and c.reason == "percentage")
    assert percentage.prompt.startswith("What percentage goes in the gap? By the 12th party congress")
    assert "—… percent—" in percentage.prompt


def test_an_approximate_count_gets_a_tolerance_of_a_tenth():
    candidates = drafted("His funeral saw some 10,000 protest. So began a 132-day hunger strike.")

    assert numbers(candidates) == [("10000", "number", Decimal(1000)), ("132", "number", Decimal(0))]
    assert "So began a {{132}}-day hunger strike." in [c.prompt.split(". ", 1)[-1] for c in candidates]


def test_a_percent_sign_is_part_of_the_blank():
    assert blanks(drafted("Turnout rose to 87% that year."), "percentage") == ["87%"]


# --- Names --------------------------------------------------------------------------------------------------


def test_people_places_and_organisations_are_found_by_their_shape_and_keywords():
    candidates = drafted(
        "Then Russian revolutionary Leon Trotsky wrote to his fellow Russian Communist Party leaders.",
        "Others included commander of the Moscow garrison Nicolay Muralov and the Central Committee.",
    )

    assert [(c.answer, c.reason) for c in candidates if c.reason in {"person", "place", "organisation"}] == [
        ("Leon Trotsky", "person"),
        ("Russian Communist Party", "organisation"),
        ("Moscow", "place"),
        ("Nicolay Muralov", "person"),
        ("Central Committee", "organisation"),
    ]
    # "Russian" alone is an adjective, not a name.
    assert "Russian" not in blanks(candidates)


def test_a_sentence_start_is_a_name_only_if_the_text_writes_it_capitalised_elsewhere():
    candidates = drafted(
        "Trotsky did not sign.",
        "Economic crisis produced splits.",
        "The congress denounced Trotsky.",
        "Nadezhda Joffe was 21 when she joined.",
    )

    assert [(c.passage, c.answer) for c in candidates if c.reason in {"person", "name"}] == [
        (0, "Trotsky"),
        (2, "Trotsky"),
        (3, "Nadezhda Joffe"),
    ]


def test_particles_join_names_and_possessives_stay_outside_the_blank():
    candidates = drafted(
        "The general Charles de Gaulle met Ludwig von Mises.",
        "It called for Stalin’s removal, as the Programme of the Workers’ Opposition had.",
    )

    assert blanks(candidates, "person") == ["Charles de Gaulle", "Ludwig von Mises"]
    assert blanks(candidates, "name") == ["Stalin"]  # one word, never seen with a first name: just a name
    assert "It called for {{Stalin}}’s removal" in next(c.prompt for c in candidates if c.answer == "Stalin")
    assert blanks(candidates, "organisation") == ["Programme of the Workers’ Opposition"]


def test_a_surname_seen_in_a_full_name_is_a_person_elsewhere():
    candidates = drafted("Joseph Stalin led the faction.", "The congress backed Stalin.")

    assert [(c.passage, c.answer, c.reason) for c in candidates if c.answer.endswith("Stalin")] == [
        (0, "Joseph Stalin", "person"),
        (1, "Stalin", "person"),
    ]


# --- Quotes and key terms -----------------------------------------------------------------------------------


def test_short_quoted_phrases_are_blanked_without_their_punctuation():
    candidates = drafted(
        "They “incarnated an epoch,” wrote Victor Serge.",
        'He called it a "cult of personality" once.',
        "They sang the ‘Internationale’ together; it wasn’t ‘forbidden’.",
        "They fought for “a renewal of the ideology, morals and institutions of socialism” to the end.",
    )

    assert blanks(candidates, "quote") == ["incarnated an epoch", "cult of personality", "Internationale", "forbidden"]
    assert "They “{{incarnated an epoch}},” wrote Victor Serge." in [c.prompt for c in candidates]


def test_the_noun_phrase_ending_a_sentence_or_clause_is_a_key_term():
    candidates = drafted(
        "Forty six figures declared that the country was threatened with economic ruin.",
        "This had to be accompanied by increased workers’ democracy.",
        "In 1928, after defeating them, the bureaucracy became a ruling class.",
        "It was a retreat.",
        "So what had gone on?",
    )

    assert blanks(candidates, "key term") == ["economic ruin", "workers’ democracy", "ruling class", "retreat"]


def test_a_key_term_never_swallows_a_name_or_an_initial():
    candidates = drafted("In the group were economist Yevgeni Preobrazhensky and James P. Cannon.")

    assert blanks(candidates, "key term") == []
    assert blanks(candidates, "person") == ["Yevgeni Preobrazhensky", "James P. Cannon"]


def test_a_passage_with_braces_gets_no_cloze():
    assert drafted("The template {{name}} appeared in 1923.") == []


def test_the_same_words_are_blanked_once_per_passage():
    candidates = drafted("The congress turned against Trotsky.")

    assert blanks(candidates) == ["Trotsky"]  # a person, and the sentence's key term: one candidate


# --- Chronology ---------------------------------------------------------------------------------------------


def test_dated_sentences_close_together_become_a_chronology_with_sort_keys():
    candidates = drafted(
        "In 1917 the revolution got rid of the old rulers.",
        "Nothing is dated here.",
        "By the congress in April 1923 most delegates were party workers.",
        "On 15 October 1923, an open letter appeared.",
        "Lenin had described it in 1921 as deformed.",
        "The letter of 1923 repeated it.",
    )

    chronology = [c for c in candidates if c.kind == ItemKind.CHRONOLOGY]
    assert len(chronology) == 1
    assert chronology[0].passage == 0
    assert chronology[0].passages == (0, 2, 3, 4, 5)
    assert chronology[0].prompt == "Put these events in order."
    assert chronology[0].events == (
        EventData("The revolution got rid of the old rulers.", "1917", 19170000),
        EventData("By the congress most delegates were party workers.", "April 1923", 19230400),
        EventData("An open letter appeared.", "15 October 1923", 19231015),
        EventData("Lenin had described it as deformed.", "1921", 19210000),
        EventData("The letter of repeated it.", "1923", 19230000),
    )
    assert chronology[0].answer.startswith("The revolution got rid of the old rulers. → Lenin had described it")


def test_events_far_apart_or_too_few_make_no_chronology_and_equal_dates_are_kept_once():
    filler = ["Nothing is dated here."] * 20
    candidates = drafted(
        "In 1917 there was a revolution.",
        "In 1917 there was another one.",
        "In 1921 the party changed course.",
        *filler,
        "In 1928 the bureaucracy became a class.",
    )

    assert [c for c in candidates if c.kind == ItemKind.CHRONOLOGY] == []


def test_a_chronology_has_at_most_six_events():
    years = range(1920, 1928)
    candidates = drafted(*(f"In {year} event number {year - 1919} happened." for year in years))

    groups = [c.events for c in candidates if c.kind == ItemKind.CHRONOLOGY]
    assert [len(events) for events in groups] == [6]  # the last two alone are too few


# --- Determinism and comparison -----------------------------------------------------------------------------


def demo_passages():
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return data, split_passages(data["source"]["text"])


def test_drafting_is_deterministic_with_stable_keys():
    _, passages = demo_passages()

    first, second = draft(passages), draft(list(reversed(passages)))

    assert first == second
    assert [c.key for c in first] == [c.key for c in second]
    assert len({c.key for c in first}) == len(first)


def test_normalise_ignores_case_quote_marks_dashes_and_end_punctuation():
    assert normalise("  Workers’ “Democracy” — now. ") == normalise('workers\' "democracy" - now')


def test_matches_compares_blanks_numbers_and_prompts_by_kind():
    cloze = drafted("The country was threatened with economic ruin.")[0]
    assert matches(cloze, kind="cloze", prompt="Threatened with {{Economic ruin}}.", answer="")
    assert not matches(cloze, kind="typed", prompt=cloze.prompt, answer=cloze.answer)
    number = next(c for c in drafted("In 1917 it began.") if c.kind == ItemKind.NUMBER)
    assert matches(number, kind="number", prompt="When?", answer="1917.0")
    assert not matches(number, kind="number", prompt="When?", answer="1918")


def test_drafts_cover_at_least_70_percent_of_the_demo_decks_cloze_and_number_items(capsys):
    """The issue's measure: a correct candidate (same passage, same blank or number) for the hand-written items."""
    data, passages = demo_passages()
    candidates = draft(passages)
    by_passage: dict[int, list[Candidate]] = {}
    for candidate in candidates:
        by_passage.setdefault(candidate.passage, []).append(candidate)

    items = [i for i in data["items"] if i["kind"] in {"cloze", "number"} and i["passage"]]
    covered = [
        item
        for item in items
        if any(
            matches(c, kind=item["kind"], prompt=item["prompt"], answer=item["answer"])
            for c in by_passage.get(item["passage"]["index"], [])
        )
    ]
    share = len(covered) / len(items)
    with capsys.disabled():
        print(
            f"\ndrafting coverage of the demo deck's cloze and number items: {len(covered)}/{len(items)} = {share:.1%}"
            f" ({len(candidates)} candidates from {len(passages)} passages; bench/drafting.py times them)"
        )

    assert len(items) == 33
    assert share >= 0.70
    assert len(covered) == 25  # pinned, so a change to the rules that loses (or wins) one is noticed
