"""Validation rules of the library models, their database constraints and derived values.

Every rule a person can break in the admin or in a deck file is checked through
`full_clean()` with its plain-language message; the rules a single row can state
are also checked at the database, bypassing validation.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from studyapp.library import services
from studyapp.library.models import (
    ChoiceData,
    Deck,
    EventData,
    Item,
    ItemKind,
    Passage,
    Source,
    Tag,
    derived_answer,
    parse_number,
    validate_choices,
    validate_events,
)
from tests.factories import (
    BareSourceFactory,
    ChoiceFactory,
    DeckFactory,
    EventFactory,
    ItemFactory,
    PassageFactory,
    SourceFactory,
    TagFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def deck() -> Deck:
    return DeckFactory()


def clean_errors(obj) -> dict[str, list[str]]:
    """The field -> messages of the ValidationError that `full_clean()` must raise."""
    with pytest.raises(ValidationError) as info:
        obj.full_clean()
    return info.value.message_dict


def choices(*specs: tuple[str, bool]) -> list[ChoiceData]:
    return [ChoiceData(text, correct) for text, correct in specs]


def events(*specs: tuple[str, int]) -> list[EventData]:
    return [EventData(text, str(key), key) for text, key in specs]


# --- Factories ---------------------------------------------------------------


@pytest.mark.parametrize("kind", ItemKind.values)
def test_the_item_factory_makes_a_valid_item_of_every_kind(kind):
    item = ItemFactory(kind=kind)

    item.full_clean()
    assert item.pk is not None
    assert item.answer, "every kind ends up with an answer a learner can read"
    assert item.passage.source_id == item.deck.source_id


def test_the_other_factories_make_valid_rows():
    for obj in (SourceFactory(), PassageFactory(), TagFactory(), ChoiceFactory(), EventFactory(), DeckFactory()):
        obj.full_clean()
        assert obj.pk is not None


def test_the_source_factory_splits_the_text_into_passages():
    source = SourceFactory()

    passages = list(source.passages.all())
    assert len(passages) == 4
    assert [p.index for p in passages] == [0, 1, 2, 3]
    assert all(source.text[p.start : p.end] == p.text for p in passages)


# --- Item.clean ----------------------------------------------------------------


@pytest.mark.parametrize("prompt", ["   ", "\n\t"])
def test_it_rejects_an_item_with_a_blank_prompt(deck, prompt):
    errors = clean_errors(ItemFactory.build(deck=deck, prompt=prompt))

    assert any("prompt can't be empty" in message for message in errors["prompt"])


def test_it_rejects_an_item_with_an_empty_prompt(deck):
    errors = clean_errors(ItemFactory.build(deck=deck, prompt=""))

    assert "prompt" in errors


def test_it_strips_the_prompt_and_the_answer(deck):
    item = ItemFactory.build(deck=deck, prompt="  Who?  \n", answer="  Trotsky ")

    item.full_clean()

    assert (item.prompt, item.answer) == ("Who?", "Trotsky")


@pytest.mark.parametrize("accepted", ["Trotsky", ["Trotsky", 1923], {"a": "b"}])
def test_it_rejects_accepted_answers_that_are_not_a_list_of_texts(deck, accepted):
    errors = clean_errors(ItemFactory.build(deck=deck, kind=ItemKind.TYPED, accepted_answers=accepted))

    assert any("must be a list of texts" in message for message in errors["accepted_answers"])


def test_it_drops_blank_accepted_answers_and_strips_the_rest(deck):
    item = ItemFactory.build(deck=deck, kind=ItemKind.TYPED, accepted_answers=[" Trotsky ", "", "  ", "L. Trotsky"])

    item.full_clean()

    assert item.accepted_answers == ["Trotsky", "L. Trotsky"]


def test_it_rejects_a_negative_tolerance(deck):
    errors = clean_errors(ItemFactory.build(deck=deck, kind=ItemKind.NUMBER, tolerance=Decimal(-1)))

    assert any("can't be below zero" in message for message in errors["tolerance"])


@pytest.mark.parametrize("kind", sorted(set(ItemKind.values) - {ItemKind.NUMBER}))
def test_it_rejects_a_tolerance_on_an_item_that_is_not_a_number(deck, kind):
    errors = clean_errors(ItemFactory.build(deck=deck, kind=kind, tolerance=Decimal(2)))

    assert errors["tolerance"] == ["Only number and year items have a tolerance; set it to 0."]


def test_it_accepts_a_tolerance_on_a_number_item(deck):
    item = ItemFactory.build(deck=deck, kind=ItemKind.NUMBER, answer="1923", tolerance=Decimal("2.5"))

    item.full_clean()

    assert item.tolerance == Decimal("2.5")


@pytest.mark.parametrize("prompt", ["In 1923 Trotsky wrote a letter.", "In {{}} Trotsky wrote a letter."])
def test_it_rejects_a_cloze_without_a_blank(deck, prompt):
    errors = clean_errors(ItemFactory.build(deck=deck, kind=ItemKind.CLOZE, prompt=prompt, answer=""))

    assert any("needs a blank" in message and "double braces" in message for message in errors["prompt"])


def test_it_rejects_a_cloze_with_two_blanks(deck):
    item = ItemFactory.build(deck=deck, kind=ItemKind.CLOZE, prompt="In {{1923}} {{Trotsky}} wrote a letter.")

    errors = clean_errors(item)

    assert any("exactly one blank" in message for message in errors["prompt"])


def test_it_rejects_a_cloze_whose_blank_is_empty(deck):
    errors = clean_errors(ItemFactory.build(deck=deck, kind=ItemKind.CLOZE, prompt="In {{  }} Trotsky wrote."))

    assert any("is empty" in message for message in errors["prompt"])


def test_it_rejects_a_cloze_whose_answer_is_not_its_blank(deck):
    item = ItemFactory.build(deck=deck, kind=ItemKind.CLOZE, prompt="In {{1923}} Trotsky wrote.", answer="1924")

    errors = clean_errors(item)

    assert errors["answer"] == ["The answer of a cloze item is the text in its blank, “1923”."]


def test_it_fills_in_a_cloze_answer_from_its_blank(deck):
    item = ItemFactory.build(deck=deck, kind=ItemKind.CLOZE, prompt="In {{ 1923 }} Trotsky wrote.", answer="")

    item.full_clean()

    assert item.answer == "1923"
    assert item.cloze_blank == " 1923 "


@pytest.mark.parametrize("answer", ["", "yes", "Maybe", "1"])
def test_it_rejects_a_true_false_answer_that_is_not_true_or_false(deck, answer):
    errors = clean_errors(ItemFactory.build(deck=deck, kind=ItemKind.TRUE_FALSE, answer=answer))

    assert errors["answer"] == ["A true/false item's answer is True or False."]


@pytest.mark.parametrize(("answer", "normalised"), [("true", "True"), ("FALSE", "False"), (" False ", "False")])
def test_it_normalises_a_true_false_answer(deck, answer, normalised):
    item = ItemFactory.build(deck=deck, kind=ItemKind.TRUE_FALSE, answer=answer)

    item.full_clean()

    assert item.answer == normalised


@pytest.mark.parametrize("answer", ["", "nineteen twenty-three", "1923 AD", "NaN", "Infinity", "1e"])
def test_it_rejects_a_number_item_whose_answer_is_not_digits(deck, answer):
    errors = clean_errors(ItemFactory.build(deck=deck, kind=ItemKind.NUMBER, answer=answer))

    assert any("must be a number written in digits" in message for message in errors["answer"])


@pytest.mark.parametrize("answer", ["1923", "10,000", "55.5", "-3"])
def test_it_accepts_a_number_item_written_in_digits(deck, answer):
    item = ItemFactory.build(deck=deck, kind=ItemKind.NUMBER, answer=answer)

    item.full_clean()

    assert parse_number(item.answer) is not None


@pytest.mark.parametrize("kind", [ItemKind.BASIC, ItemKind.REVERSED, ItemKind.TYPED])
def test_it_rejects_an_item_without_an_answer(deck, kind):
    errors = clean_errors(ItemFactory.build(deck=deck, kind=kind, answer="  "))

    assert errors["answer"] == ["Write the answer."]


@pytest.mark.parametrize("kind", [ItemKind.MULTIPLE_CHOICE, ItemKind.CHRONOLOGY])
def test_it_accepts_an_empty_answer_where_the_answer_is_derived(deck, kind):
    item = ItemFactory.build(deck=deck, kind=kind, answer="")

    item.full_clean()

    assert item.answer == ""


def test_it_rejects_an_unknown_kind(deck):
    errors = clean_errors(ItemFactory.build(deck=deck, kind="essay", answer="x"))

    assert "kind" in errors


def test_it_rejects_a_passage_on_a_deck_without_a_source():
    deck = DeckFactory(source=None)
    passage = PassageFactory()

    errors = clean_errors(ItemFactory.build(deck=deck, passage=passage))

    assert errors["passage"] == ["This deck has no source text, so its items can't link to a passage."]


def test_it_rejects_a_passage_from_another_source(deck):
    passage = PassageFactory(source=SourceFactory(title="Another article"))

    errors = clean_errors(ItemFactory.build(deck=deck, passage=passage))

    assert errors["passage"] == ["The passage comes from “Another article”, not from this deck's source."]


def test_it_accepts_an_item_without_a_passage(deck):
    item = ItemFactory.build(deck=deck, passage=None)

    item.full_clean()

    assert item.passage is None


def test_it_reports_every_problem_of_an_item_at_once(deck):
    item = ItemFactory.build(deck=deck, kind=ItemKind.TRUE_FALSE, prompt=" ", answer="perhaps", tolerance=Decimal(1))

    errors = clean_errors(item)

    assert {"prompt", "answer", "tolerance"} <= set(errors)


# --- Passage.clean -------------------------------------------------------------


def test_it_rejects_a_passage_that_ends_before_it_starts():
    source = BareSourceFactory(text="One sentence here.")
    passage = Passage(source=source, index=0, start=5, end=5, text="")

    errors = clean_errors(passage)

    assert errors["end"] == ["The passage must end after it starts."]


def test_it_rejects_a_passage_that_ends_after_the_source_text():
    source = BareSourceFactory(text="One sentence here.")
    passage = Passage(source=source, index=0, start=0, end=40, text="One sentence here.")

    errors = clean_errors(passage)

    assert any("ends at character 40" in m and "only 18 characters" in m for m in errors["end"])


def test_it_rejects_a_passage_whose_text_does_not_match_its_offsets():
    source = BareSourceFactory(text="One sentence here. Another one.")
    passage = Passage(source=source, index=0, start=0, end=18, text="Another one.")

    errors = clean_errors(passage)

    assert any("does not match the source text" in message for message in errors["text"])


def test_it_accepts_a_passage_that_matches_its_source():
    source = BareSourceFactory(text="One sentence here. Another one.")
    passage = Passage(source=source, index=1, start=19, end=31, text="Another one.")

    passage.full_clean()

    assert passage.get_absolute_url() == f"/sources/{source.pk}/#passage-1"


# --- validate_choices ------------------------------------------------------------


def test_it_accepts_choices_with_one_or_several_correct():
    validate_choices(ItemKind.MULTIPLE_CHOICE, choices(("Trotsky", True), ("Stalin", False)))
    validate_choices(ItemKind.MULTIPLE_CHOICE, choices(("Trotsky", True), ("Zinoviev", True), ("Stalin", False)))


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (choices(("Trotsky", True)), "needs at least 2 choices"),
        (choices(*((f"Choice {n}", n == 0) for n in range(9))), "at most 8 choices"),
        (choices(("Trotsky", True), ("  ", False)), "Every choice needs a text."),
        (choices(("Trotsky", True), (" trotsky ", False)), "Two choices have the same text."),
        (choices(("Trotsky", False), ("Stalin", False)), "Mark at least one choice as correct."),
    ],
    ids=["too-few", "too-many", "blank-text", "duplicate-ignoring-case", "none-correct"],
)
def test_it_rejects_invalid_multiple_choice_choices(given, message):
    with pytest.raises(ValidationError) as info:
        validate_choices(ItemKind.MULTIPLE_CHOICE, given)

    assert any(message in text for text in info.value.messages)


def test_it_rejects_choices_on_an_item_that_is_not_multiple_choice():
    with pytest.raises(ValidationError) as info:
        validate_choices(ItemKind.TYPED, choices(("Trotsky", True), ("Stalin", False)))

    assert "Only multiple-choice items have choices" in info.value.messages[0]


def test_it_accepts_no_choices_on_other_kinds():
    for kind in set(ItemKind.values) - {ItemKind.MULTIPLE_CHOICE}:
        validate_choices(kind, [])
    with pytest.raises(ValidationError):
        validate_choices(ItemKind.MULTIPLE_CHOICE, [])


# --- validate_events -------------------------------------------------------------


def test_it_accepts_three_to_six_events_with_different_dates():
    validate_events(ItemKind.CHRONOLOGY, events(("a", 1923), ("b", 1926), ("c", 1927)))
    validate_events(ItemKind.CHRONOLOGY, events(*((f"event {n}", 1920 + n) for n in range(6))))


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (events(("a", 1923), ("b", 1926)), "needs at least 3 events"),
        (events(*((f"event {n}", 1920 + n) for n in range(7))), "at most 6 events"),
        (events(("a", 1923), (" ", 1926), ("c", 1927)), "Every event needs a text."),
        (events(("a", 1923), ("b", 1923), ("c", 1927)), "Two events have the same date"),
    ],
    ids=["too-few", "too-many", "blank-text", "same-sort-key"],
)
def test_it_rejects_invalid_chronology_events(given, message):
    with pytest.raises(ValidationError) as info:
        validate_events(ItemKind.CHRONOLOGY, given)

    assert any(message in text for text in info.value.messages)


def test_it_rejects_events_on_an_item_that_is_not_a_chronology():
    with pytest.raises(ValidationError) as info:
        validate_events(ItemKind.BASIC, events(("a", 1923), ("b", 1926), ("c", 1927)))

    assert "Only chronology items have events" in info.value.messages[0]


def test_it_accepts_no_events_on_other_kinds():
    for kind in set(ItemKind.values) - {ItemKind.CHRONOLOGY}:
        validate_events(kind, [])
    with pytest.raises(ValidationError):
        validate_events(ItemKind.CHRONOLOGY, [])


# --- Database constraints ---------------------------------------------------------


def assert_integrity_error(make) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_the_database_refuses_a_source_without_text():
    assert_integrity_error(lambda: Source.objects.create(title="Empty", text=""))


def test_the_database_refuses_a_passage_that_ends_where_it_starts():
    source = BareSourceFactory()

    assert_integrity_error(lambda: Passage.objects.create(source=source, index=0, start=10, end=10, text=""))
    assert_integrity_error(lambda: Passage.objects.create(source=source, index=0, start=10, end=3, text="x"))
    assert not source.passages.exists()


def test_the_database_refuses_two_passages_with_the_same_index():
    passage = PassageFactory()

    assert_integrity_error(
        lambda: Passage.objects.create(source=passage.source, index=passage.index, start=0, end=3, text="Tro")
    )


def test_the_database_refuses_two_tags_whose_names_differ_only_in_case():
    TagFactory(name="Trotsky")

    assert_integrity_error(lambda: Tag.objects.create(name="TROTSKY"))
    assert Tag.objects.filter(name__iexact="trotsky").count() == 1


def test_the_database_refuses_two_decks_with_the_same_slug():
    deck = DeckFactory()

    assert_integrity_error(lambda: DeckFactory(slug=deck.slug))


def test_the_database_refuses_two_items_at_the_same_position(deck):
    item = ItemFactory(deck=deck)

    assert_integrity_error(lambda: Item.objects.create(deck=deck, prompt="Who?", answer="Him", position=item.position))


def test_the_database_refuses_an_unknown_kind(deck):
    assert_integrity_error(lambda: Item.objects.create(deck=deck, kind="essay", prompt="Why?", answer="Because"))


def test_the_database_refuses_an_empty_prompt(deck):
    assert_integrity_error(lambda: Item.objects.create(deck=deck, prompt="", answer="Trotsky"))


def test_the_database_refuses_a_negative_tolerance(deck):
    assert_integrity_error(
        lambda: Item.objects.create(deck=deck, kind=ItemKind.NUMBER, prompt="When?", answer="1923", tolerance=-1)
    )


def test_the_database_refuses_a_tolerance_on_an_item_that_is_not_a_number(deck):
    assert_integrity_error(lambda: Item.objects.create(deck=deck, prompt="Who?", answer="Trotsky", tolerance=1))


@pytest.mark.parametrize("answer", ["true", "Yes", ""])
def test_the_database_refuses_a_true_false_answer_other_than_true_or_false(deck, answer):
    assert_integrity_error(
        lambda: Item.objects.create(deck=deck, kind=ItemKind.TRUE_FALSE, prompt="Trotsky wrote.", answer=answer)
    )


def test_the_database_accepts_true_false_answers_true_and_false(deck):
    for answer in ("True", "False"):
        Item.objects.create(deck=deck, kind=ItemKind.TRUE_FALSE, prompt="Trotsky wrote.", answer=answer)

    assert deck.items.count() == 2


def test_the_database_refuses_two_choices_in_the_same_place():
    item = ItemFactory(kind=ItemKind.MULTIPLE_CHOICE)

    assert_integrity_error(lambda: item.choices.create(text="Bukharin", order=0))


def test_the_database_refuses_a_choice_or_event_without_text():
    mc_item = ItemFactory(kind=ItemKind.MULTIPLE_CHOICE)
    chronology = ItemFactory(kind=ItemKind.CHRONOLOGY)

    assert_integrity_error(lambda: mc_item.choices.create(text="", order=9))
    assert_integrity_error(lambda: chronology.events.create(text="", sort_key=2000))


def test_the_database_refuses_two_events_with_the_same_sort_key():
    item = ItemFactory(kind=ItemKind.CHRONOLOGY)

    assert_integrity_error(lambda: item.events.create(text="Another thing", sort_key=1923))


def test_the_database_keeps_items_that_link_a_passage_from_being_deleted():
    item = ItemFactory()

    with pytest.raises(Exception, match="protected foreign key"), transaction.atomic():
        item.passage.delete()
    assert Passage.objects.filter(pk=item.passage_id).exists()


# --- Positions ----------------------------------------------------------------------


def test_it_numbers_new_items_from_zero_in_each_deck(deck):
    other_deck = DeckFactory()

    first, second = ItemFactory(deck=deck), ItemFactory(deck=deck)
    elsewhere = ItemFactory(deck=other_deck)

    assert (first.position, second.position, elsewhere.position) == (0, 1, 0)


def test_it_puts_a_new_item_after_the_last_one(deck):
    ItemFactory(deck=deck, position=10)

    item = ItemFactory(deck=deck)

    assert item.position == 11


def test_it_keeps_a_position_that_was_given(deck):
    ItemFactory(deck=deck)

    item = ItemFactory(deck=deck, position=5)
    item.save()

    assert Item.objects.get(pk=item.pk).position == 5


# --- Derived answers ----------------------------------------------------------------


def test_the_answer_of_a_multiple_choice_item_is_its_correct_choices_in_order():
    given = choices(("Zinoviev", True), ("Stalin", False), ("Kamenev", True))

    assert derived_answer(ItemKind.MULTIPLE_CHOICE, given, []) == "Zinoviev; Kamenev"


def test_the_answer_of_a_chronology_item_is_its_events_in_date_order():
    given = events(("expelled", 1927), ("letter", 1923), ("united", 1926))

    assert derived_answer(ItemKind.CHRONOLOGY, [], given) == "letter → united → expelled"


def test_other_kinds_have_no_derived_answer():
    with pytest.raises(ValueError, match="no derived answer"):
        derived_answer(ItemKind.TYPED, [], [])


def test_saving_new_choices_refreshes_the_stored_answer():
    item = ItemFactory(kind=ItemKind.MULTIPLE_CHOICE)
    assert item.answer == "Leon Trotsky"

    services.save_item_parts(item=item, choices=choices(("Kamenev", True), ("Zinoviev", True)), events=[])

    item.refresh_from_db()
    assert item.answer == "Kamenev; Zinoviev"
    assert [(c.text, c.order) for c in item.choices.all()] == [("Kamenev", 0), ("Zinoviev", 1)]


def test_saving_new_events_refreshes_the_stored_answer():
    item = ItemFactory(kind=ItemKind.CHRONOLOGY, events=events(("c", 3), ("a", 1), ("b", 2)))

    item.refresh_from_db()
    assert item.answer == "a → b → c"
    assert [e.text for e in item.events.all()] == ["a", "b", "c"]


def test_saving_invalid_parts_changes_nothing():
    item = ItemFactory(kind=ItemKind.MULTIPLE_CHOICE)

    with pytest.raises(ValidationError):
        services.save_item_parts(item=item, choices=choices(("A", False), ("B", False)), events=[])

    assert item.choices.count() == 3
    assert Item.objects.get(pk=item.pk).answer == "Leon Trotsky"


def test_refreshing_the_answer_leaves_other_kinds_alone():
    item = ItemFactory(kind=ItemKind.TYPED)

    services.refresh_derived_answer(item=item)

    assert Item.objects.get(pk=item.pk).answer == "Leon Trotsky"


# --- Helpers on the models -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "number"), [("1923", Decimal(1923)), (" 10,000 ", Decimal(10000)), ("x", None), ("Infinity", None)]
)
def test_parse_number_reads_digits_only(text, number):
    assert parse_number(text) == number


@pytest.mark.parametrize(
    "text",
    ["1e999999999", "-1e999999999", "1e-999999999", "9" * 400, "1" + "0" * 15, "0." + "0" * 12 + "1"],
    ids=["huge-exponent", "huge-negative-exponent", "tiny-exponent", "400-digits", "16-digits", "13-decimal-places"],
)
def test_parse_number_refuses_a_number_too_large_or_too_fine_to_compare(text):
    assert parse_number(text) is None


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("9" * 15, Decimal("9" * 15)),
        ("0." + "0" * 11 + "1", Decimal("1e-12")),
        ("1923." + "0" * 30, Decimal(1923)),
        ("1.5e3", Decimal(1500)),
        ("0e-999999999", Decimal(0)),
    ],
    ids=[
        "15-digits",
        "12-decimal-places",
        "trailing-zeros-after-the-point",
        "exponent-form",
        "zero-with-huge-exponent",
    ],
)
def test_parse_number_reads_a_number_within_fifteen_digits_before_the_point_and_twelve_after(text, number):
    assert parse_number(text) == number


def test_parse_number_gives_zero_a_plain_exponent_so_writing_it_out_is_cheap():
    assert parse_number("0e-999999999").as_tuple().exponent == 0


def test_it_rejects_a_number_item_whose_answer_is_too_large_to_compare(deck):
    errors = clean_errors(ItemFactory.build(deck=deck, kind=ItemKind.NUMBER, answer="1e999999999"))

    assert "answer" in errors


def test_a_deck_is_editable_by_its_owner_co_owners_and_superusers(instructor, other_instructor, admin_user, student_a):
    deck = DeckFactory(owner=instructor)
    co_owned = DeckFactory(owner=other_instructor)
    co_owned.co_owners.add(instructor)
    DeckFactory(owner=UserFactory())

    assert set(Deck.objects.editable_by(instructor)) == {deck, co_owned}
    assert set(Deck.objects.editable_by(other_instructor)) == {co_owned}
    assert not Deck.objects.editable_by(student_a).exists()
    assert Deck.objects.editable_by(admin_user).count() == 3


def test_str_of_each_model_is_readable():
    item = ItemFactory(kind=ItemKind.TYPED, prompt="Who wrote the secret letter?")
    event = EventFactory(text="The letter", when="1923", sort_key=1)

    assert str(item) == "Typed answer: Who wrote the secret letter?"
    assert str(item.passage).startswith(f"{item.deck.source.title} §0: In 1923 Leon Trotsky")
    assert str(event) == "1923: The letter"
