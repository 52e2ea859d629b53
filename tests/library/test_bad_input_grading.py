"""Bad input to the grader: whatever a learner types (or forges), grading returns a Grade or refuses with
`BadResponse` and a message; it never raises anything else. Pure functions first, then each item kind through
`presentation.read_response` and `presentation.grade` as review and quizzes call them."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal

import pytest
from django.http import QueryDict
from hypothesis import example, given
from hypothesis import strategies as st

from studyapp.library import presentation
from studyapp.library.grading import Grade, grade_number, grade_text, grade_true_false
from studyapp.library.models import ItemKind, parse_number
from tests.bad_input import ANY_TEXT, EDGE_TEXTS, NUMBERS, VALUES, per_example_rollback
from tests.factories import ItemFactory

NUMBER_TEXTS = st.one_of(
    VALUES,
    NUMBERS.map(lambda number: f"about {number} km"),
    st.sampled_from(["1923", "1 923", "1,923", "1923 or 1924", "−40", "minus 40", "40 BC", "55%", "$1e3", "3½"]),
)
# What an author may save as a number item's answer and tolerance (Item.clean and the DecimalField's bounds).
ANSWERS = st.one_of(st.sampled_from(["1923", "0", "-40", "3.5", "999999999999999"]), st.integers(-(10**14), 10**14))
TOLERANCES = st.decimals(min_value=0, max_value=Decimal("9999999999.99"), places=2)


@given(response=NUMBER_TEXTS, answer=ANSWERS, tolerance=TOLERANCES)
@example(response="1e999999999", answer="1923", tolerance=Decimal(0))
@example(response="9" * 5000, answer="1923", tolerance=Decimal(1))
@example(response="nan", answer="0", tolerance=Decimal(0))
@example(response="-inf", answer="0", tolerance=Decimal(1))
@example(response="١٩٢٣", answer="1923", tolerance=Decimal(0))
@example(response="x" * 100_000, answer="1923", tolerance=Decimal(0))
def test_a_number_answer_of_any_text_is_graded_or_refused_with_a_note(response, answer, tolerance):
    grade = grade_number(response, answer=str(answer), tolerance=tolerance)
    assert isinstance(grade, Grade)
    assert 0 <= grade.score <= 1
    if parse_number(response) is None and not grade.correct and grade.score == 0 and not response.strip().isdigit():
        # Nothing was read as a number, or a number far off: either way the learner is told something or the
        # number read differs from the answer.
        assert grade.note or grade.diff


@pytest.mark.parametrize(
    ("response", "note"),
    [
        ("1e999999999", "too large"),
        ("-1e999999999", "too large"),
        ("nan", "Answer with a number."),
        ("inf", "Answer with a number."),
        ("", "Answer with a number."),
        ("   ", "Answer with a number."),
        ("\x00", "Answer with a number."),
        ("Ⅻ", "Write the number in digits"),
        ("19²³", "Write the number in digits"),
        ("1923 or 1924", "one number, not several"),
    ],
)
def test_a_number_answer_that_is_no_number_says_why(response, note):
    grade = grade_number(response, answer="1923", tolerance=Decimal(0))
    assert not grade.correct
    assert note in grade.note


def test_minus_zero_is_zero():
    assert grade_number("-0", answer="0", tolerance=Decimal(0)).correct


@pytest.mark.parametrize("response", ["١٩٢٣", "１９２３", "in ١٩٢٣"])
def test_decimal_digits_of_other_scripts_are_read_as_the_number_they_write(response):
    assert grade_number(response, answer="1923", tolerance=Decimal(0)).correct


@given(response=VALUES, answer=st.sampled_from(["Trotsky", "1923", "A", "New Economic Policy", "?"]))
@example(response="x" * 100_000, answer="Trotsky")
@example(response="\x00", answer="Trotsky")
def test_a_typed_answer_of_any_text_is_graded(response, answer):
    grade = grade_text(response, answer=answer, accepted=[answer.lower(), "Lev Trotsky"])
    assert grade.score in (0.0, 1.0)


@given(response=VALUES)
def test_a_true_false_answer_of_any_text_is_graded_or_told_to_answer_true_or_false(response):
    grade = grade_true_false(response, answer="True")
    assert grade.correct or grade.note == "Answer True or False." or grade.given == "False"


# --- every kind, through what review and quizzes call -------------------------------------------------------------


@pytest.fixture
def items_of_every_kind(db):
    return {kind: ItemFactory(kind=kind) for kind in ItemKind.values}


def _posted(data: dict) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, value in data.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    return query


SHOWING = presentation.Showing(uuid.UUID(int=1927))


@per_example_rollback
@given(
    kind=st.sampled_from(ItemKind.values),
    data=st.dictionaries(
        st.one_of(st.sampled_from(["response", "choice", "position-", "position-x"]), ANY_TEXT),
        st.one_of(VALUES, st.lists(VALUES, max_size=3)),
        max_size=4,
    ),
    keyed=st.data(),
)
def test_a_response_to_any_kind_is_graded_or_refused_with_a_message(items_of_every_kind, kind, data, keyed):
    item = items_of_every_kind[kind]
    # Most forged posts are easy to refuse; use this showing's real keys with garbled values too.
    keys = [key for key, _ in SHOWING.keyed("choice", item.choices.all())]
    keys += [f"position-{key}" for key, _ in SHOWING.keyed("event", item.events.all())]
    for key in keyed.draw(st.lists(st.sampled_from(keys), max_size=len(keys), unique=True) if keys else st.just([])):
        data[key] = keyed.draw(st.one_of(VALUES, st.sampled_from(["1", "2", "3", "4", "0", "-1", "٢"])))
    if keys and kind == ItemKind.MULTIPLE_CHOICE and keyed.draw(st.booleans()):
        data["choice"] = keyed.draw(st.lists(st.sampled_from(keys), min_size=1, max_size=3))
    refusal = None
    try:
        text, response = presentation.read_response(item, SHOWING, _posted(data))
        grade = presentation.grade(item, response)
    except presentation.BadResponse as error:
        refusal = str(error)
    if refusal is not None:
        assert refusal  # the message the learner reads
    else:
        assert len(text) <= 500 or kind in (ItemKind.MULTIPLE_CHOICE, ItemKind.CHRONOLOGY)
        assert grade is None or 0 <= grade.score <= 1


def test_every_edge_text_as_a_number_items_response_is_graded_and_told_why_when_no_number_is_read(db):
    item = ItemFactory(kind=ItemKind.NUMBER, answer="1923", tolerance=Decimal(0))
    for response in EDGE_TEXTS:
        _, value = presentation.read_response(item, SHOWING, _posted({"response": response}))
        grade = presentation.grade(item, value)
        assert not grade.correct, response
        # A wrong number is just wrong; anything that is not one number is told why.
        assert grade.note or len(re.findall(r"\d+(?:[.,]\d+)*", response)) == 1, f"No note for {response!r}"
