"""Writes to the library that the admin and the importer share."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from studyapp.library import services
from studyapp.library.models import ItemKind, Passage, Source, Tag
from tests.factories import DeckFactory, ItemFactory, PassageFactory, SourceFactory, TagFactory

pytestmark = pytest.mark.django_db


def test_creating_a_source_splits_it_and_validates_it():
    source = services.create_source(title="Two sentences", text="One. Two.")

    assert list(source.passages.values_list("index", "text")) == [(0, "One."), (1, "Two.")]
    with pytest.raises(ValidationError) as info:
        services.create_source(title="Empty", text="")
    assert "text" in info.value.message_dict
    assert Source.objects.count() == 1


def test_a_source_with_linked_items_cannot_be_re_split():
    item = ItemFactory()

    with pytest.raises(ValidationError, match="Items are linked to this source's sentences"):
        services.split_source_into_passages(source=item.deck.source)

    assert item.deck.source.passages.count() == 4


def test_re_splitting_a_source_without_items_rebuilds_its_passages():
    source = SourceFactory()
    source.text = "Just one now."
    source.save()

    passages = services.split_source_into_passages(source=source)

    assert [(p.index, p.start, p.end) for p in passages] == [(0, 0, 13)]
    assert source.passages.count() == 1


def test_moving_items_puts_them_after_the_last_item_of_the_target_deck():
    source = SourceFactory()
    target = DeckFactory(source=source)
    only = ItemFactory(deck=target)  # at position 0: the next free position is 1, not 0
    items = [ItemFactory(deck=DeckFactory(source=source)) for _ in range(2)]

    moved = services.move_items(items=items, deck=target)

    assert moved == 2
    assert list(target.items.order_by("position").values_list("pk", "position")) == [
        (only.pk, 0),
        (items[0].pk, 1),
        (items[1].pk, 2),
    ]


def test_moving_items_to_an_empty_deck_starts_at_position_zero():
    source = SourceFactory()
    target = DeckFactory(source=source)
    item = ItemFactory(deck=DeckFactory(source=source), position=7)

    services.move_items(items=[item], deck=target)

    item.refresh_from_db()
    assert (item.deck, item.position) == (target, 0)


def test_moving_refuses_items_drawn_from_another_source_and_moves_none():
    target = DeckFactory()
    unlinked = ItemFactory(passage=None)
    linked = ItemFactory()

    with pytest.raises(ValidationError, match="1 of the items are drawn from a source"):
        services.move_items(items=[unlinked, linked], deck=target)

    assert not target.items.exists()


def test_items_without_a_passage_move_to_any_deck():
    target = DeckFactory(source=None)
    item = ItemFactory(passage=None)

    services.move_items(items=[item], deck=target)

    assert list(target.items.all()) == [item]


def test_duplicating_a_chronology_item_copies_its_events_and_answer():
    item = ItemFactory(kind=ItemKind.CHRONOLOGY, tags=["dates"])

    (copy,) = services.duplicate_items(items=[item])

    assert copy.pk != item.pk
    assert (copy.deck, copy.position, copy.answer) == (item.deck, 1, item.answer)
    assert [(e.text, e.sort_key) for e in copy.events.all()] == [(e.text, e.sort_key) for e in item.events.all()]
    assert [t.name for t in copy.tags.all()] == ["dates"]
    assert item.events.count() == 3, "the original keeps its events"


def test_tags_are_matched_ignoring_case_and_made_when_missing():
    existing = TagFactory(name="People")

    tags = services.tags_named(["people", " dates ", "PEOPLE", "", "Dates"])

    assert {tag.name for tag in tags} == {"People", "dates"}
    assert tags[0] == existing
    assert Tag.objects.count() == 2


def test_a_passage_links_into_its_source_without_loading_the_source(django_assert_num_queries):
    passage = PassageFactory()

    fresh = Passage.objects.get(pk=passage.pk)
    with django_assert_num_queries(0):
        url = fresh.get_absolute_url()

    assert url == f"/sources/{passage.source_id}/#passage-{passage.index}"
