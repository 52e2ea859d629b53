"""Moodle GIFT: every question type the issue names, escapes, categories, feedback, and broken files."""

from __future__ import annotations

from decimal import Decimal

import pytest

from studyapp.library.formats import FormatError, gift, parse
from studyapp.library.models import ItemKind
from studyapp.library.transfer import ImportRefused, import_parsed

pytestmark = pytest.mark.django_db


def parsed(text: str):
    return parse(text.encode(), "gift")


def one(text: str) -> dict:
    result = parsed(text)
    assert not result.problems, result.problems
    (row,) = result.rows
    return row.data


def test_multiple_choice_with_feedback_on_the_right_answer():
    item = one("::Q1:: Who wrote the letter? {=Trotsky#Yes: in October 1923. ~Stalin#No ~Lenin}")

    assert item["kind"] == ItemKind.MULTIPLE_CHOICE
    assert item["prompt"] == "Who wrote the letter?"
    assert item["choices"] == [
        {"text": "Trotsky", "correct": True},
        {"text": "Stalin", "correct": False},
        {"text": "Lenin", "correct": False},
    ]
    assert item["explanation"] == "Yes: in October 1923."


def test_partial_credit_weights_above_zero_mark_the_correct_choices():
    item = one("Who signed? {~%50%Zinoviev ~%50%Kamenev ~%-100%Stalin}")

    assert [choice["correct"] for choice in item["choices"]] == [True, True, False]


def test_answers_on_several_lines_and_general_feedback():
    item = one("Which year?\n{\n  =1923\n  ~1925\n  ####The letter is dated 8 October 1923.\n}")

    assert item["explanation"] == "The letter is dated 8 October 1923."
    assert [choice["text"] for choice in item["choices"]] == ["1923", "1925"]


@pytest.mark.parametrize(("mark", "answer"), [("T", "True"), ("TRUE", "True"), ("F", "False"), ("FALSE", "False")])
def test_true_false(mark, answer):
    item = one(f"Trotsky wrote the letter. {{{mark}}}")

    assert (item["kind"], item["answer"], item["prompt"]) == (ItemKind.TRUE_FALSE, answer, "Trotsky wrote the letter.")


def test_true_false_takes_the_feedback_shown_after_a_right_answer():
    assert one("Stalin wrote it. {F#No, he did not.#Right: Trotsky did.}")["explanation"] == "Right: Trotsky did."


def test_short_answer_is_a_typed_item_with_every_full_credit_answer_accepted():
    result = parsed("Who wrote it? {=Leon Trotsky =Trotsky =%50%Lev}")
    (row,) = result.rows

    assert (row.data["kind"], row.data["answer"], row.data["accepted_answers"]) == (
        ItemKind.TYPED,
        "Leon Trotsky",
        ["Trotsky"],
    )
    assert "partial credit" in str(result.warnings[0])


def test_the_missing_word_form_of_a_short_answer_is_a_cloze_item():
    item = one("In 1923 {=Leon Trotsky =Trotsky} wrote a secret letter.")

    assert item["kind"] == ItemKind.CLOZE
    assert item["prompt"] == "In 1923 {{Leon Trotsky}} wrote a secret letter."
    assert item["accepted_answers"] == ["Trotsky"]


def test_a_missing_word_keeps_the_spacing_around_its_braces():
    assert one("It opposed {=Stalinism}.")["prompt"] == "It opposed {{Stalinism}}."
    assert one("A “{=deformed} state”.")["prompt"] == "A “{{deformed}} state”."
    assert one("{=Trotsky} wrote it.")["prompt"] == "{{Trotsky}} wrote it."


def test_the_missing_word_form_of_multiple_choice_leaves_a_gap():
    assert one("The {~Mensheviks =Bolsheviks} took power.")["prompt"] == "The _____ took power."


@pytest.mark.parametrize(
    ("answers", "answer", "tolerance"),
    [
        ("#1923", "1923", Decimal(0)),
        ("#1923:2", "1923", Decimal(2)),
        ("#3.14:0.005", "3.14", Decimal("0.005")),
        ("#1920..1926", "1923", Decimal(3)),
        ("#1.5..2", "1.75", Decimal("0.25")),
        ("#=1923:0 =%50%1922:2", "1923", Decimal(0)),
        ("#-5:1", "-5", Decimal(1)),
    ],
)
def test_numerical_questions(answers, answer, tolerance):
    item = one(f"When? {{{answers}}}")

    assert (item["kind"], item["answer"], item["tolerance"]) == (ItemKind.NUMBER, answer, tolerance)


@pytest.mark.parametrize("answers", ["#abc", "#1..x", "#5..1", "#1e999999999", "#1:1e99", "#=%50%1923"])
def test_unreadable_numbers_are_problems(answers):
    result = parsed(f"When? {{{answers}}}")

    assert result.rows == []
    assert result.problems[0].where == "line 1"


def test_matching_essays_and_descriptions_are_skipped_with_a_warning_each():
    result = parsed("Match {=Trotsky -> letter =Stalin -> secretary}\n\nWrite an essay. {}\n\nJust a text.\n\nOK? {T}")

    assert [row.data["kind"] for row in result.rows] == [ItemKind.TRUE_FALSE]
    assert [str(warning) for warning in result.warnings] == [
        "line 1, a matching question has no item kind here: skipped.",
        "line 3, an essay question (empty braces) has no answer to check: skipped.",
        "line 5, a description (no answers in braces) is not a question: skipped.",
    ]


def test_comments_titles_and_formats_are_read():
    item = one("// a comment\n::Title\\: with colon::[markdown]A *question* {T}\n// another")

    assert item["prompt"] == "A *question*"


def test_html_text_is_turned_into_text():
    assert one("[html]<p>Who <b>wrote</b> it?</p><script>x()</script> {=Trotsky}")["prompt"] == "Who **wrote** it?"


def test_escapes_and_line_breaks():
    item = one(r"Braces \{ and \} and \= and \~ and \# and \: and \\ and\nnew line {=a\=b\~c}")

    assert item["prompt"] == "Braces { and } and = and ~ and # and : and \\ and\nnew line"
    assert item["answer"] == "a=b~c"


def test_categories_become_tags_of_the_questions_that_follow():
    result = parsed("$CATEGORY: $course$/top/Russia/1920s\n\nQ1 {T}\n\n$CATEGORY: Other//Things\n\nQ2 {T}")

    assert [row.data["tags"] for row in result.rows] == [["Russia", "1920s"], ["Other/Things"]]


def test_line_numbers_name_each_questions_first_line():
    result = parsed("// header\n\nQ1 {T}\n\n\nQ2\n{F}")

    assert [row.where for row in result.rows] == ["line 3", "line 6"]


# --- Broken files -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Q1 {T}\n\nQ2 {=a ~b", "line 3, the answers opened with { are never closed with }."),
        ("Q1 {T}\n\nQ2\n=a ~b}", "line 4, a } closes answers that no { opened"),
        ("Q {=a {~b}", "line 1, the answers opened with { before this one are never closed"),
        ("Q {T} and {F}", "line 1, a question has one set of answers in braces"),
        ("::Title without end Q {T}", "line 1, the title opened with :: is never closed"),
        ("Q {a ~b}", "line 1, the answers must each start with = (right) or ~ (wrong)."),
    ],
)
def test_unbalanced_braces_and_other_mistakes_name_their_line(text, message):
    result = parsed(text)

    assert any(str(problem).startswith(message) for problem in result.problems), result.problems


def test_a_file_of_only_comments_has_no_questions():
    assert [str(problem) for problem in parsed("// nothing\n// here\n").problems] == ["The file has no questions."]


def test_a_file_of_only_skipped_questions_can_not_be_imported():
    assert "no question that can be imported" in str(parsed("Essay {}").problems[0])


def test_wrong_encoding_is_refused():
    with pytest.raises(FormatError, match="line 1, byte 0xe9"):
        parse("Café {T}".encode("latin-1"), "gift")


def test_importing_a_file_with_one_broken_question_saves_nothing(instructor):
    result = parsed("Q1 {T}\n\nQ2 {=a ~a}")

    with pytest.raises(ImportRefused, match="line 3, field choices: Two choices have the same text"):
        import_parsed(result, owner=instructor, filename="quiz.gift")


def test_importing_every_kind_gift_carries(instructor):
    text = (
        "$CATEGORY: $course$/top/history\n\n"
        "Who? {=Trotsky ~Stalin}\n\nTrue? {T}\n\nName? {=Trotsky}\n\nIn {=1923} he wrote.\n\nYear? {#1923:1}"
    )

    deck = import_parsed(parsed(text), owner=instructor, filename="history.gift")

    items = list(deck.items.order_by("position"))
    assert [item.kind for item in items] == ["multiple_choice", "true_false", "typed", "cloze", "number"]
    assert items[0].answer == "Trotsky"
    assert items[4].tolerance == Decimal(1)
    assert {tag.name for item in items for tag in item.tags.all()} == {"history"}


# --- Writing ----------------------------------------------------------------------------------------------


def test_escape_and_unescape_are_inverse():
    text = "a{b}c=d~e#f:g\\h\nnew"

    assert gift.unescape(gift.escape(text)) == text
    assert "\n" not in gift.escape(text)


def test_a_chronology_item_is_written_as_a_comment():
    text = gift.write([{"kind": "chronology", "prompt": "Order", "tags": [], "explanation": ""}])

    assert "// Item 1 (chronology) has no GIFT form" in text
