"""The deck checker's rules over plain data: each with a small deck that has the problem and one that doesn't."""

from __future__ import annotations

from itertools import count

import pytest

from studyapp.library.checker import (
    CheckedItem,
    FindingKind,
    check_items,
    chronology_dates,
    cloze_stop_words,
    distractors,
    give_aways,
    is_trivial,
    missing_passages,
    near_duplicates,
    reversed_backs,
)
from studyapp.library.models import ChoiceData, EventData, ItemKind

_ids = count(1)


def item(kind: str = ItemKind.TYPED, prompt: str = "A question?", answer: str = "", **fields) -> CheckedItem:
    number = next(_ids)
    fields.setdefault("passage_id", 1)
    return CheckedItem(id=number, number=number, kind=kind, prompt=prompt, answer=answer, **fields)


def deck(*items: CheckedItem) -> list[CheckedItem]:
    """Items numbered 1, 2, 3… in the order given, as a deck's positions are."""
    return [CheckedItem(**{**vars(it), "number": number}) for number, it in enumerate(items, start=1)]


SECRET_LETTER_YEAR = item(
    ItemKind.NUMBER, "In what year did Leon Trotsky write a secret letter to his fellow party leaders?", "1923"
)


# --- Give-aways ----------------------------------------------------------------------------------------------


def test_an_explanation_that_states_another_items_year_gives_it_away():
    items = deck(
        SECRET_LETTER_YEAR,
        item(
            ItemKind.BASIC,
            "What did the secret letter criticise?",
            "The clampdown on groups encouraging strikes.",
            explanation="Trotsky's secret letter of 1923 also criticised the economic policies.",
        ),
    )

    [finding] = give_aways(items)

    assert finding.kind is FindingKind.GIVE_AWAY
    assert [it.number for it in finding.items] == [2, 1], "the item to re-word comes first"
    assert finding.message == (
        "Item 2 gives away the answer to item 1: a learner who sees item 2 first has been told it."
    )
    assert finding.evidence == (
        "The explanation of item 2 names “1923” (near “letter”, “secret”, “trotskys”): "
        "“Trotsky's secret letter of 1923 also criticised the economic policies.”",
    )


def test_a_prompt_that_names_another_items_answer_in_its_context_gives_it_away():
    items = deck(
        item(ItemKind.TYPED, "Who wrote a secret letter to his fellow party leaders in 1923?", "Leon Trotsky"),
        item(
            ItemKind.TRUE_FALSE, "In his secret letter of 1923, Leon Trotsky defended the economic policies.", "False"
        ),
    )

    [finding] = give_aways(items)

    assert [it.number for it in finding.items] == [2, 1]
    assert "The prompt of item 2 names “Leon Trotsky” (near “1923”, “letter”, “secret”)" in finding.evidence[0]


def test_the_same_year_in_another_context_is_no_give_away():
    items = deck(
        SECRET_LETTER_YEAR,
        item(ItemKind.TYPED, "Which member of the Forty-Six (1923) commanded the Moscow garrison?", "Muralov"),
        item(ItemKind.CLOZE, "The regime of 1923 was the {{dictatorship of a faction}}.", "dictatorship of a faction"),
    )

    assert give_aways(items) == []


def test_an_answer_far_from_the_questions_words_is_no_give_away():
    items = deck(
        SECRET_LETTER_YEAR,
        item(
            ItemKind.BASIC,
            "What happened to the secret letter and its readers, and who later wrote about its fellow party leaders?",
            "Nothing",
            explanation="Everything about this was told much later, by historians writing well after 1923.",
        ),
    )

    assert give_aways(items) == []


def test_common_words_of_the_deck_alone_do_not_make_a_give_away():
    # "party" and "letter" are in most items of this deck, so sharing them says nothing about the question.
    common = [
        item(ItemKind.BASIC, f"Question {n} about the party letter?", f"Answer {n}", explanation="party letter")
        for n in range(20)
    ]
    asked = item(ItemKind.NUMBER, "In what year did the party receive the letter?", "1923")
    other = item(ItemKind.BASIC, "What did the party letter say in 1923?", "Much")

    assert give_aways(deck(asked, other, *common)) == []


def test_a_chronology_event_can_give_an_answer_away_but_its_dates_and_a_cloze_blank_do_not():
    events = (
        EventData("Leon Trotsky writes a secret letter to his fellow party leaders", "1923", 19230000),
        EventData("The United Opposition forms", "1926", 19260000),
        EventData("The Opposition is expelled", "1927", 19270000),
    )
    items = deck(
        item(ItemKind.TYPED, "Who wrote a secret letter to his fellow party leaders?", "Leon Trotsky"),
        item(ItemKind.CHRONOLOGY, "Put these in order.", "…", events=events),
        SECRET_LETTER_YEAR,
        item(ItemKind.CLOZE, "{{Leon Trotsky}} wrote a secret letter.", "Leon Trotsky"),
    )

    findings = give_aways(items)

    pairs = [(f.items[0].number, f.items[1].number) for f in findings]
    assert (2, 1) in pairs, "the event names the writer of the letter"
    assert (2, 3) not in pairs, "the year is shown only after answering, like an answer"
    assert (4, 1) not in pairs, "the blank is hidden until the learner answers"
    assert (3, 1) in pairs, "the number item's own prompt names him: the checker says so"


def test_each_correct_choice_of_a_multiple_choice_item_can_be_given_away():
    items = deck(
        item(
            ItemKind.MULTIPLE_CHOICE,
            "Which two leaders persuaded the meeting to disregard Lenin's advice?",
            "Zinoviev; Kamenev",
            choices=(ChoiceData("Zinoviev", True), ChoiceData("Kamenev", True), ChoiceData("Trotsky", False)),
        ),
        item(
            ItemKind.TRUE_FALSE,
            "Stalin offered to resign.",
            "True",
            explanation="True, but Kamenev persuaded the meeting to disregard the advice.",
        ),
    )

    [finding] = give_aways(items)

    assert "names “Kamenev”" in finding.evidence[0]


def test_a_reversed_item_is_given_away_on_either_side():
    items = deck(
        item(ItemKind.REVERSED, "Komsomol", "The youth wing of the Communists"),
        item(ItemKind.TRUE_FALSE, "The Komsomol was the youth wing of the Communists.", "True"),
    )

    [finding] = give_aways(items)

    assert [it.number for it in finding.items] == [2, 1]


def test_an_item_never_gives_itself_away_and_true_false_or_chronology_items_ask_nothing_to_give():
    items = deck(
        item(
            ItemKind.TYPED, "Who wrote a secret letter in 1923?", "Trotsky", explanation="Trotsky's secret 1923 letter."
        ),
        item(ItemKind.TRUE_FALSE, "Trotsky wrote a secret letter in 1923.", "True"),
        item(ItemKind.BASIC, "True or false: the letter was secret in 1923?", "True"),
    )

    assert [(f.items[0].number, f.items[1].number) for f in give_aways(items)] == [(2, 1)]


@pytest.mark.parametrize("answer", ["True", "false", "the", "Of the", "it", "a", "X", "", " ", "?"])
def test_trivial_answers_are_skipped(answer):
    assert is_trivial(answer)


@pytest.mark.parametrize("answer", ["Two", "2", "12", "Lenin", "NEP", "socialism in one country"])
def test_numbers_number_words_and_names_are_not_trivial(answer):
    assert not is_trivial(answer)


def test_a_trivial_answer_is_never_given_away():
    items = deck(
        item(ItemKind.BASIC, "Which word comes before the letter of the secret party leaders?", "the"),
        item(ItemKind.BASIC, "What was the secret letter of the party leaders?", "It"),
    )

    assert give_aways(items) == []


def test_answers_match_whole_words_and_numbers_whole_tokens():
    items = deck(
        item(ItemKind.NUMBER, "How many delegates came to the party congress in April 1923?", "12"),
        item(ItemKind.TYPED, "Who was the party's founder, whose cult began in April 1923?", "Lenin"),
        item(
            ItemKind.BASIC,
            "What did the party congress of April 1923 decide about Leninism?",
            "Much",
            explanation="The congress of April 1923 (with 120 delegates, in room 12b) praised Leninism.",
        ),
    )

    assert give_aways(items) == []


def test_a_number_items_answer_is_found_as_an_ordinal():
    items = deck(
        item(ItemKind.NUMBER, "Which numbered party congress met in April 1923?", "12"),
        item(ItemKind.TYPED, "How many delegates were full time party workers?", "55 percent"),
        item(ItemKind.BASIC, "What did the 12th party congress of April 1923 decide?", "Much"),
    )

    [finding] = give_aways(items)

    assert finding.evidence == (
        "The prompt of item 3 names “12” (near “1923”, “april”, “congress”, “party”): "
        "“What did the 12th party congress of April 1923 decide?”",
    )
    assert [it.number for it in finding.items] == [3, 1]


def test_cues_match_other_forms_of_their_words():
    items = deck(
        item(
            ItemKind.MULTIPLE_CHOICE,
            "Which measures did the programme demand?",
            "Planning of industry",
            choices=(ChoiceData("Planning of industry", True), ChoiceData("Free trade", False)),
        ),
        item(
            ItemKind.BASIC,
            "What did the programme want?",
            "Growth",
            explanation="The programmes demanded planning of industry.",
        ),
    )

    [finding] = give_aways(items)

    assert "(near “demanded”, “programmes”)" in finding.evidence[0]


def test_texts_are_compared_normalised():
    items = deck(
        item(ItemKind.TYPED, "Which document was read to the Central Committee in May 1924?", "Lenin's testament"),
        item(
            ItemKind.TRUE_FALSE, "When LENIN’S TESTAMENT was read to the central committee, Stalin resigned.", "False"
        ),
    )

    [finding] = give_aways(items)

    assert "names “Lenin's testament”" in finding.evidence[0]


# --- Near-duplicates ---------------------------------------------------------------------------------------------


def test_two_items_with_the_same_answer_and_similar_prompts_are_near_duplicates():
    items = deck(
        item(ItemKind.TYPED, "Who led the Left Opposition in 1927?", "Leon Trotsky"),
        item(ItemKind.TYPED, "In 1927, who led the Left Opposition?", "Trotsky", accepted_answers=("Leon Trotsky",)),
    )

    [finding] = near_duplicates(items)

    assert finding.kind is FindingKind.NEAR_DUPLICATE
    assert [it.number for it in finding.items] == [2, 1]
    assert "Both answer “leon trotsky”" in finding.evidence[0]


def test_similar_prompts_with_different_answers_or_one_answer_to_different_prompts_are_not_duplicates():
    items = deck(
        item(ItemKind.TYPED, "Who led the Left Opposition in 1927?", "Leon Trotsky"),
        item(ItemKind.TYPED, "Who led the Right Opposition in 1927?", "Nikolai Bukharin"),
        item(ItemKind.TYPED, "Who wrote a secret letter to the party leaders in 1923?", "Leon Trotsky"),
    )

    assert near_duplicates(items) == []


def test_true_false_items_are_duplicates_only_with_the_same_truth():
    items = deck(
        item(ItemKind.TRUE_FALSE, "Trotsky signed the open letter of the Forty-Six.", "False"),
        item(ItemKind.TRUE_FALSE, "Trotsky signed the open letter of the Forty Six.", "False"),
        item(ItemKind.TRUE_FALSE, "Trotsky did not sign the open letter of the Forty-Six.", "True"),
    )

    [finding] = near_duplicates(items)

    assert [it.number for it in finding.items] == [2, 1]


def test_findings_quote_authored_text_as_plain_text_never_markdown_or_cloze_braces():
    items = deck(
        item(ItemKind.CLOZE, "In 1927 **{{Trotsky}}** led the *Left Opposition*.", "Trotsky"),
        item(ItemKind.CLOZE, "In 1927 {{Trotsky}} led the _Left Opposition_.", "Trotsky"),
        item(ItemKind.CLOZE, "Trotsky wrote {{the}} *secret* letter.", "the"),
    )

    findings = check_items(items)

    assert {f.kind for f in findings} == {FindingKind.NEAR_DUPLICATE, FindingKind.CLOZE_STOP_WORD}
    text = " ".join(line for f in findings for line in (f.message, *f.evidence))
    assert "“In 1927 [Trotsky] led the Left Opposition.”" in text
    assert "Trotsky wrote [the] secret letter." in text
    for raw in ("*", "_Left", "{{", "}}"):
        assert raw not in text


# --- Reversed backs ----------------------------------------------------------------------------------------------


def test_a_reversed_items_back_that_is_another_items_answer_is_not_unique():
    items = deck(
        item(ItemKind.REVERSED, "Soviets", "Workers’ councils"),
        item(ItemKind.TYPED, "What did the soviets of 1905 become?", "workers' councils"),
        item(ItemKind.REVERSED, "Komsomol", "The youth wing of the Communists"),
        item(ItemKind.REVERSED, "Young Communist League", "the youth wing of the communists."),
    )

    findings = reversed_backs(items)

    assert [[it.number for it in f.items] for f in findings] == [[1, 2], [3, 4], [4, 3]]
    assert findings[0].message == (
        "Asked back to front, item 1 shows “Workers’ councils”, which is also the answer of item 2: "
        "the reverse card has more than one right answer."
    )


def test_unique_reversed_backs_are_fine():
    items = deck(
        item(ItemKind.REVERSED, "Soviets", "Workers’ councils"),
        item(ItemKind.REVERSED, "Komsomol", "The youth wing of the Communists"),
        item(ItemKind.TRUE_FALSE, "Soviets were workers' councils.", "True"),
    )

    assert reversed_backs(items) == []


# --- Cloze stop words --------------------------------------------------------------------------------------------


def test_a_cloze_blank_of_stop_words_is_found():
    items = deck(
        item(ItemKind.CLOZE, "Trotsky wrote {{the}} secret letter.", "the"),
        item(ItemKind.CLOZE, "Trotsky wrote a letter {{to his}} fellow leaders.", "to his"),
        item(ItemKind.CLOZE, "Trotsky wrote a {{secret}} letter.", "secret"),
        item(ItemKind.CLOZE, "Trotsky wrote {{two}} letters.", "two"),
    )

    findings = cloze_stop_words(items)

    assert [f.items[0].number for f in findings] == [1, 2]
    assert findings[0].message == "The blank of item 1, “the”, is a stop word: it tests grammar, not the source."


# --- Distractors -------------------------------------------------------------------------------------------------


def test_a_distractor_that_reads_as_a_right_answer_is_found():
    items = deck(
        item(
            ItemKind.MULTIPLE_CHOICE,
            "Which document?",
            "Lenin’s testament",
            choices=(ChoiceData("Lenin’s testament", True), ChoiceData("lenin's Testament.", False)),
        ),
        item(
            ItemKind.MULTIPLE_CHOICE,
            "Who?",
            "Leon Trotsky",
            accepted_answers=("Trotsky",),
            choices=(ChoiceData("Leon Trotsky", True), ChoiceData("Trotsky", False), ChoiceData("Stalin", False)),
        ),
    )

    findings = distractors(items)

    assert [f.items[0].number for f in findings] == [1, 2]
    assert findings[0].message == (
        "The wrong choice “lenin's Testament.” of item 1 reads the same as the right answer “Lenin’s testament”."
    )


def test_distinct_distractors_are_fine():
    items = deck(
        item(
            ItemKind.MULTIPLE_CHOICE,
            "Who?",
            "Leon Trotsky",
            choices=(ChoiceData("Leon Trotsky", True), ChoiceData("Leon Kamenev", False)),
        )
    )

    assert distractors(items) == []


# --- Chronology ---------------------------------------------------------------------------------------------------


def chronology(*events: EventData) -> list[CheckedItem]:
    return deck(item(ItemKind.CHRONOLOGY, "Put these in order.", "…", events=events))


def test_events_with_dates_that_agree_with_their_keys_are_fine():
    items = chronology(
        EventData("Civil war", "1918-21", 19180000),
        EventData("Twelfth congress", "April 1923", 19230400),
        EventData("Open letter", "15 October 1923", 19231015),
        EventData("Testament read", "May 24, 1924", 19240524),
        EventData("Undated", "", 19250000),
    )

    assert chronology_dates(items) == []


@pytest.mark.parametrize(
    ("events", "problem"),
    [
        (
            [EventData("A", "1923", 19230000), EventData("B", "1923", 19230000)],
            "“A” and “B” have the same sort key 19230000, so their order is ambiguous.",
        ),
        (
            [EventData("A", "1923", 19240000)],
            "“A” (1923): the sort key 19240000 is in 1924, but the date shown is in 1923.",
        ),
        (
            [EventData("A", "April 1923", 19230500)],
            "“A” (April 1923): the sort key 19230500 has month 05, but the date shown names month 04.",
        ),
        (
            [EventData("A", "15 October 1923", 19231000)],
            "“A” (15 October 1923): the sort key 19231000 has day 00, but the date shown is day 15.",
        ),
        ([EventData("A", "1923", 19231300)], "“A”: the sort key 19231300 is not a date written YYYYMMDD."),
        (
            [EventData("A", "1923", 19230000), EventData("B", "April 1923", 19230400)],
            "“A” is known only to the year (1923) and “B” to the month (April 1923): "
            "the keys put one first, the dates don't say.",
        ),
    ],
)
def test_events_with_equal_or_inconsistent_sort_keys_are_found(events, problem):
    [finding] = chronology_dates(chronology(*events, EventData("Later", "1938", 19380000)))

    assert finding.kind is FindingKind.CHRONOLOGY
    assert finding.message == "The events of item 1 can't be put in one sure order by their dates."
    assert finding.evidence == (problem,)


# --- Passages ----------------------------------------------------------------------------------------------------


def test_items_citing_no_passage_are_found():
    items = deck(item(passage_id=None), item(passage_id=7))

    [finding] = missing_passages(items, has_source=True)

    assert finding.items[0].number == 1
    assert finding.message == "Item 1 cites no passage: a learner who misses it can't read where it came from."


def test_a_deck_without_a_source_gets_one_finding_naming_every_item():
    items = deck(item(passage_id=None), item(passage_id=None))

    [finding] = missing_passages(items, has_source=False)

    assert len(finding.items) == 2
    assert finding.message == "The deck has no source text, so none of its 2 items cites the sentence it came from."


# --- Everything together -------------------------------------------------------------------------------------------


def test_a_clean_deck_has_no_findings_and_an_empty_deck_neither():
    items = deck(
        SECRET_LETTER_YEAR,
        item(ItemKind.TYPED, "Which member of the Forty-Six commanded the Moscow garrison?", "Nicolay Muralov"),
        item(ItemKind.REVERSED, "Komsomol", "The youth wing of the Communists"),
        item(ItemKind.CLOZE, "The regime was the {{dictatorship of a faction}}.", "dictatorship of a faction"),
    )

    assert check_items(items) == []
    assert check_items([]) == []
    assert check_items([], has_source=False) == []


def test_findings_come_grouped_by_kind_in_order():
    items = deck(
        item(passage_id=None, prompt="Who?", answer="Trotsky"),
        item(ItemKind.CLOZE, "Trotsky wrote {{the}} letter.", "the"),
        item(prompt="Who?", answer="Trotsky"),
    )

    kinds = [finding.kind for finding in check_items(items)]

    assert kinds == [FindingKind.NEAR_DUPLICATE, FindingKind.CLOZE_STOP_WORD, FindingKind.NO_PASSAGE]
