"""Property-based tests (hypothesis): the parsers raise nothing but FormatError, whatever the bytes; a failed
import saves nothing; what our writers write, our parsers read back."""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from studyapp.library import formats
from studyapp.library.formats import FormatError, delimited, gift
from studyapp.library.models import Choice, Deck, Event, Item, Source, Tag
from studyapp.library.transfer import ImportRefused, import_parsed, plan_import

FORMATS = ["csv", "tsv", "gift", "json"]
# Characters each format gives a meaning to, so that generated files reach the parsers' corners.
SPECIAL = ",;\t\"'\n\r#:{}=~%->\\[]$/ @+TFc1"
TEXT = st.text(alphabet=st.one_of(st.sampled_from(SPECIAL), st.characters(exclude_categories=["Cs"])), max_size=300)
ANY_BYTES = st.one_of(st.binary(max_size=400), TEXT.map(lambda text: text.encode()))
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=30,
)
ITEM_KEYS = ["kind", "prompt", "answer", "accepted_answers", "explanation", "tags", "passage", "choices", "events"]
JSON_ITEMS = st.lists(st.dictionaries(st.sampled_from(ITEM_KEYS), JSON_VALUES, max_size=9), max_size=4)
NO_FIXTURE_RESET = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def table_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in (Deck, Item, Source, Tag, Choice, Event)}


@pytest.mark.parametrize("format", FORMATS)
@settings(max_examples=150, deadline=None)
@given(raw=ANY_BYTES)
def test_parsers_raise_only_their_validation_error(format, raw):
    try:
        parsed = formats.parse(raw, format)
    except FormatError:
        pass  # the one error a parser may raise
    else:
        assert all(isinstance(row.data, dict) for row in parsed.rows)
        assert all(problem.message for problem in parsed.problems)


@settings(max_examples=100, deadline=None)
@given(value=JSON_VALUES)
def test_json_of_any_shape_is_read_or_refused_with_format_error(value):
    with contextlib.suppress(FormatError):
        formats.parse(json.dumps(value).encode(), "json")


@pytest.mark.django_db
@NO_FIXTURE_RESET
@given(raw=ANY_BYTES, format=st.sampled_from(["csv", "gift"]))
def test_an_import_saves_every_row_or_nothing(instructor, raw, format):
    before = table_counts()
    try:
        parsed = formats.parse(raw, format)
        deck = import_parsed(parsed, owner=instructor, filename="generated." + format)
    except (FormatError, ImportRefused):
        assert table_counts() == before
    else:
        assert deck.items.count() == len(parsed.rows)
        deck.items.all().delete()
        deck.delete()


@pytest.mark.django_db
@NO_FIXTURE_RESET
@given(items=JSON_ITEMS)
@example(items=[{"kind": []}])  # an unhashable kind once raised TypeError
def test_json_items_of_any_shape_import_or_are_refused_saving_nothing(instructor, items):
    before = table_counts()
    document = {"format": "studyapp-deck", "version": 1, "deck": {"slug": "generated", "title": "G"}, "source": None}
    parsed = formats.deckjson.parse_document({**document, "items": items})
    plan = plan_import(parsed, owner=instructor)
    try:
        deck = import_parsed(parsed, owner=instructor)
    except ImportRefused:
        assert plan.problems
        assert table_counts() == before
    else:
        assert not plan.problems
        deck.items.all().delete()
        deck.delete()


CELL = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), min_size=1, max_size=60).filter(
    lambda text: text.strip() and "{{c" not in text
)


@settings(max_examples=200, deadline=None)
@given(cells=st.lists(st.tuples(CELL, CELL), min_size=1, max_size=8), tab=st.booleans())
def test_csv_and_tsv_read_back_what_they_write(cells, tab):
    # A first row of our own: a front like "#tags:…" or "front" there would read as Anki's header.
    items = [{"kind": "basic", "prompt": front, "answer": back, "tags": []} for front, back in [("Q", "A"), *cells]]

    parsed = formats.parse(delimited.write(items, tab=tab).encode(), "tsv" if tab else "csv")

    assert parsed.problems == []
    assert [(row.data["prompt"], row.data["answer"]) for row in parsed.rows] == [("Q", "A"), *cells]


GIFT_TEXT = (
    st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), min_size=1, max_size=60)
    .map(str.strip)
    .filter(lambda text: text and "->" not in text and not text.startswith("%") and "\r" not in text)
)


@settings(max_examples=200, deadline=None)
@given(text=st.text(st.characters(exclude_categories=["Cs"]), max_size=80))
def test_gift_escaping_is_undone_by_unescaping(text):
    assert gift.unescape(gift.escape(text.replace("\r\n", "\n"))) == text.replace("\r\n", "\n")


@settings(max_examples=200, deadline=None)
@given(
    prompt=GIFT_TEXT,
    answers=st.lists(GIFT_TEXT, min_size=1, max_size=3, unique=True),
    tags=st.lists(
        GIFT_TEXT.filter(lambda tag: "/" not in tag and "$" not in tag and tag.casefold() != "top"), max_size=2
    ),
)
def test_gift_reads_back_the_typed_items_it_writes(prompt, answers, tags):
    item = {"kind": "typed", "prompt": prompt, "answer": answers[0], "accepted_answers": answers[1:]}
    item |= {"explanation": "", "tags": tags}

    parsed = formats.parse(gift.write([item]).encode(), "gift")

    assert parsed.problems == []
    (row,) = parsed.rows
    assert (row.data["prompt"], row.data["answer"], row.data["accepted_answers"]) == (prompt, answers[0], answers[1:])
    assert row.data["tags"] == [" ".join(tag.split()) for tag in tags if tag.strip()]
