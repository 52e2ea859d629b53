"""Bad input to every post of authoring: sources, decks and their settings, co-owners, archiving, reordering and
bulk actions (with bogus ids), the item editor and its preview (every kind, garbled row counts), drafting's
accept/reject/restore, and importing garbage files. Never a 5xx; a refusal says why and saves nothing (see
tests/bad_input.py)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import MULTIPART_CONTENT
from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st

from studyapp.library import drafting
from studyapp.library.models import Deck, Item, ItemKind
from tests.bad_input import (
    EDGE_TEXTS,
    VALUES,
    client_of,
    form_data,
    holds_nul,
    per_example_rollback,
    post_never_fails,
    refused_changes_nothing,
    rolled_back,
)
from tests.factories import DeckFactory, ItemFactory

COVERS = {
    "library:source_new",
    "library:deck_new",
    "library:deck_settings",
    "library:co_owner_add",
    "library:co_owner_remove",
    "library:deck_archive",
    "library:items_reorder",
    "library:items_bulk",
    "library:item_new",
    "library:item_edit",
    "library:item_preview",
    "library:item_delete",
    "library:draft_accept",
    "library:draft_reject",
    "library:draft_restore",
    "library:import",
    "library:import_confirm",
    "library:import_new",
    "library:import_new_confirm",
}
LIBRARY_APPS = ("library", "review")
HTMX = {"HTTP_HX_REQUEST": "true"}
IDS = st.one_of(
    VALUES, st.integers(-(2**70), 2**70).map(str), st.sampled_from(["²", "١", "³:up", "1:up", "1:sideways"])
)


@pytest.fixture
def author(instructor) -> Client:
    return client_of(instructor)


@pytest.fixture
def deck(instructor) -> Deck:
    """The instructor's deck on a source of four sentences, with an item of each kind."""
    deck = DeckFactory(owner=instructor, slug="authored")
    for kind in ItemKind.values:
        ItemFactory(deck=deck, kind=kind)
    return deck


def _item(deck: Deck, kind: str) -> Item:
    return deck.items.get(kind=kind)


# --- sources and decks ---------------------------------------------------------------------------------------------

SOURCE_GOOD = {"title": "A text", "author": "Someone", "publication": "", "text": "One sentence. Another one."}


@per_example_rollback
@given(posted=form_data(SOURCE_GOOD, good=SOURCE_GOOD))
@example(posted={**SOURCE_GOOD, "text": "x" * 100_000})
@example(posted={**SOURCE_GOOD, "text": "\r\r\n\u2028\u2029"})
def test_a_source_is_saved_or_refused(author, posted):
    with rolled_back():
        refused_changes_nothing(author, reverse("library:source_new"), posted, LIBRARY_APPS)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("text.txt", b"\xff\xfe\x00\x00garbage"),
        ("text.txt", b"One sentence.\x00 Two."),
        ("text.md", b""),
        ("text.exe", b"MZ\x90\x00"),
        ("text.txt", "Ünïcödé sentence. ١٢٣.".encode()),
        ("../../etc/passwd.txt", b"A sentence."),
    ],
)
def test_a_source_file_of_any_bytes_is_read_or_refused(author, name, content):
    before = Item.objects.count()
    response = post_never_fails(
        author,
        reverse("library:source_new"),
        {"title": "Upload", "upload": SimpleUploadedFile(name, content)},
        content_type=MULTIPART_CONTENT,
    )
    assert response.status_code in (302, 422)
    assert Item.objects.count() == before


@per_example_rollback
@given(posted=form_data(["title", "description", "source"], good={"title": "A deck", "description": ""}), source=IDS)
@example(posted={"title": "A deck"}, source="9" * 30)
@example(posted={"title": "A deck"}, source="²")
def test_a_deck_is_made_or_refused(author, deck, posted, source):
    with rolled_back():
        posted = {**posted, "source": posted.get("source", source)}
        refused_changes_nothing(author, reverse("library:deck_new"), posted, LIBRARY_APPS)
        page = author.get(reverse("library:deck_new"), {"source": source})
        assert page.status_code == (400 if "\x00" in source else 200)


@per_example_rollback
@given(
    posted=form_data(["title", "description", "username", "archive"], good={"title": "Renamed", "archive": "1"}),
    name=st.sampled_from(["library:deck_settings", "library:co_owner_add", "library:deck_archive"]),
)
@example(posted={"username": "other_instructor"}, name="library:co_owner_add")
@example(posted={"username": "x" * 100_000}, name="library:co_owner_add")
def test_a_decks_settings_co_owners_and_archive_take_any_post(author, deck, other_instructor, posted, name):
    with rolled_back():
        refused_changes_nothing(author, reverse(name, args=[deck.slug]), posted, LIBRARY_APPS)


@per_example_rollback
@given(posted=form_data(["user_id"]), user_id=st.sampled_from([0, 2**31, 10**18 - 1]))
def test_removing_a_co_owner_who_is_none_is_404(author, deck, posted, user_id):
    with rolled_back():
        response = post_never_fails(author, reverse("library:co_owner_remove", args=[deck.slug, user_id]), posted)
        assert response.status_code == (400 if holds_nul(posted) else 404)


# --- the deck's items: reorder, bulk actions ----------------------------------------------------------------------


@per_example_rollback
@given(move=st.one_of(IDS, st.builds("{}:{}".format, IDS, st.sampled_from(["up", "down", "", "sideways"]))))
@example(move="²:up")
@example(move="١:down")
@example(move=f"{'9' * 5000}:up")
@example(move=f"{10**30}:up")
def test_moving_an_item_by_any_id_moves_it_or_says_which(author, deck, move):
    with rolled_back():
        for extra in ({}, HTMX):
            response = refused_changes_nothing(
                author, reverse("library:items_reorder", args=[deck.slug]), {"move": move}, LIBRARY_APPS, **extra
            )
            assert response.status_code in (200, 302, 400, 404)


@per_example_rollback
@given(
    posted=form_data(["action", "tags", "target", "confirm"], good={"action": "tag", "tags": "new", "confirm": "1"}),
    items=st.lists(IDS, max_size=4),
    real=st.booleans(),
)
@example(posted={"action": "delete", "confirm": "1"}, items=["²", "١"], real=False)
@example(posted={"action": "move", "target": "9" * 30}, items=[], real=True)
@example(posted={"action": "tag", "tags": ",".join(["t"] * 50)}, items=[], real=True)
@example(posted={"action": "tag", "tags": "x" * 61}, items=[], real=True)
def test_a_bulk_action_on_any_ids_is_done_or_refused(author, deck, posted, items, real):
    if real:
        items = items + [str(pk) for pk in deck.items.values_list("pk", flat=True)[:2]]
    with rolled_back():
        refused_changes_nothing(
            author, reverse("library:items_bulk", args=[deck.slug]), {**posted, "items": items}, LIBRARY_APPS
        )


# --- the item editor -----------------------------------------------------------------------------------------------

ITEM_FIELDS = ["kind", "prompt", "answer", "accepted_answers", "explanation", "tolerance", "passage", "tags"]
ROW_FIELDS = [
    "choices-TOTAL_FORMS",
    "choices-INITIAL_FORMS",
    "choices-0-text",
    "choices-0-is_correct",
    "choices-0-ORDER",
    "choices-0-DELETE",
    "events-TOTAL_FORMS",
    "events-INITIAL_FORMS",
    "events-0-text",
    "events-0-when",
    "events-0-sort_key",
    "action",
    "schedules",
]


def _item_good(kind: str) -> dict:
    return {
        "kind": kind,
        "prompt": "In which year?" if kind != ItemKind.CLOZE else "In {{1923}} it happened.",
        "answer": "True" if kind == ItemKind.TRUE_FALSE else "1923",
        "tolerance": "0",
        "choices-TOTAL_FORMS": "1",
        "choices-INITIAL_FORMS": "0",
        "events-TOTAL_FORMS": "1",
        "events-INITIAL_FORMS": "0",
        "events-0-sort_key": "19230400",
        "action": "save",
    }


@st.composite
def item_posts(draw) -> dict:
    kind = draw(st.sampled_from(ItemKind.values))
    return draw(form_data(ITEM_FIELDS + ROW_FIELDS, good=_item_good(kind)))


@per_example_rollback
@given(posted=item_posts(), target=st.sampled_from(["new", "edit", "preview"]), htmx=st.booleans())
@example(posted={**_item_good(ItemKind.NUMBER), "answer": "1e999999999"}, target="new", htmx=False)
@example(posted={**_item_good(ItemKind.NUMBER), "tolerance": "nan"}, target="new", htmx=False)
@example(posted={**_item_good(ItemKind.NUMBER), "tolerance": "1e999999999"}, target="edit", htmx=True)
@example(posted={**_item_good(ItemKind.NUMBER), "passage": "²"}, target="new", htmx=False)
@example(posted={**_item_good("chronology"), "events-0-sort_key": "9" * 5000}, target="new", htmx=False)
@example(posted={**_item_good("chronology"), "events-0-sort_key": str(10**15)}, target="new", htmx=False)
@example(
    posted={**_item_good("multiple_choice"), "choices-TOTAL_FORMS": "²", "action": "add_choice"},
    target="new",
    htmx=True,
)
@example(posted={**_item_good("multiple_choice"), "choices-TOTAL_FORMS": "9" * 5000}, target="new", htmx=False)
@example(
    posted={**_item_good("chronology"), "events-TOTAL_FORMS": "١", "action": "add_event"}, target="new", htmx=False
)
@example(posted={**_item_good(ItemKind.TYPED), "item": "²"}, target="preview", htmx=True)
def test_the_item_editor_saves_or_refuses_any_post(author, deck, posted, target, htmx):
    url = {
        "new": reverse("library:item_new", args=[deck.slug]),
        "edit": reverse(
            "library:item_edit",
            args=[_item(deck, posted.get("kind", "basic") if posted.get("kind") in ItemKind.values else "basic").pk],
        ),
        "preview": reverse("library:item_preview", args=[deck.slug]),
    }[target]
    with rolled_back():
        refused_changes_nothing(author, url, posted, LIBRARY_APPS, **(HTMX if htmx else {}))


@pytest.mark.parametrize("item", ["²", "١", "9" * 5000, str(10**30), "-1", ""])
def test_the_preview_of_an_item_by_any_id_is_shown_or_not_found(author, deck, item):
    response = post_never_fails(
        author, reverse("library:item_preview", args=[deck.slug]), {"item": item, "kind": "basic"}
    )
    assert response.status_code in (200, 404)


@per_example_rollback
@given(posted=form_data(["confirm", "item"]))
def test_deleting_an_item_ignores_any_other_field(author, deck, posted):
    with rolled_back():
        post_never_fails(author, reverse("library:item_delete", args=[_item(deck, "basic").pk]), posted)


def test_a_new_item_page_of_any_kind_in_the_query_is_shown(author, deck):
    for kind in EDGE_TEXTS[:12]:
        assert author.get(reverse("library:item_new", args=[deck.slug]), {"kind": kind}).status_code in (200, 400)


# --- drafting ------------------------------------------------------------------------------------------------------


def _candidate_keys(deck: Deck) -> list[str]:
    return [candidate.key for candidate in drafting.draft(list(deck.source.passages.all()))]


@per_example_rollback
@given(
    data=st.data(),
    name=st.sampled_from(["library:draft_accept", "library:draft_reject", "library:draft_restore"]),
    htmx=st.booleans(),
)
def test_drafting_takes_any_key_passage_deck_and_edits(author, deck, data, name, htmx):
    keys = _candidate_keys(deck)
    passages = [str(pk) for pk in deck.source.passages.values_list("pk", flat=True)]
    posted = data.draw(
        form_data(
            ["key", "passage", "deck", "edited", "prompt", "answer", "tolerance"],
            good={"deck": deck.slug, "edited": "1", "prompt": "Who?", "answer": "Trotsky", "tolerance": "1"},
        )
    )
    posted["key"] = data.draw(st.one_of(st.sampled_from(keys), VALUES)) if keys else data.draw(VALUES)
    posted["passage"] = data.draw(st.one_of(st.sampled_from(passages), IDS, st.just("")))
    with rolled_back():
        refused_changes_nothing(
            author, reverse(name, args=[deck.source_id]), posted, LIBRARY_APPS, **(HTMX if htmx else {})
        )


@pytest.mark.parametrize("passage", ["²", "١", "9" * 5000, str(10**30), "-1", "x"])
def test_the_drafting_page_filtered_by_any_passage_is_shown_or_refused(author, deck, passage):
    response = author.get(reverse("library:drafts", args=[deck.source_id]), {"passage": passage})
    assert response.status_code in (200, 400, 404)


def test_accepting_a_candidate_with_any_tolerance_saves_it_or_says_why(author, deck):
    keys = [c.key for c in drafting.draft(list(deck.source.passages.all())) if c.kind == ItemKind.NUMBER]
    assert keys, "the factory's source text has years in it"
    for tolerance in ["nan", "inf", "1e999999999", "-1", "0.001", "1e14", "9" * 5000, "١", "²"]:
        before = Item.objects.count()
        response = post_never_fails(
            author,
            reverse("library:draft_accept", args=[deck.source_id]),
            {
                "key": keys[0],
                "deck": deck.slug,
                "edited": "1",
                "prompt": "When?",
                "answer": "1923",
                "tolerance": tolerance,
            },
        )
        if response.status_code == 422:
            assert Item.objects.count() == before, tolerance
            assert b"tolerance" in response.content.lower()


# --- importing -----------------------------------------------------------------------------------------------------

GARBAGE_FILES = [
    ("deck.csv", b"\xff\xfe\x00garbage\x00"),
    ("deck.csv", b"prompt,answer\nWho?,Trot\x00sky\n"),
    ("deck.csv", b"kind,prompt,answer,tolerance\nnumber,When?,1e999999999,nan\n"),
    ("deck.csv", b"kind,prompt,answer,tolerance\nnumber,When?,1923,1e999999999\n"),
    ("deck.tsv", b"\t\t\t\n" * 1000),
    ("deck.txt", "#separator:comma\n#deck column:²\nWho?,Trotsky\n".encode()),
    ("deck.txt", f"#separator:comma\n#guid column:{'9' * 5000}\nWho?,Trotsky\n".encode()),
    ("deck.txt", "#separator:comma\n#tags column:١\nWho?,Trotsky\n".encode()),
    ("deck.gift", b"::q:: Who? {=Trotsky ~Stalin}\n\x00"),
    ("deck.gift", b"::q:: When? {#1e999999999:nan}\n"),
    ("deck.json", b'{"items": [{"kind": "number", "prompt": "When?", "answer": "1923", "tolerance": 1e999}]}'),
    (
        "deck.json",
        b'{"items": [{"kind": "chronology", "prompt": "Order", "events": [{"text": "a", "sort_key": 1e400}]}]}',
    ),
    ("deck.json", b'{"items": [{"kind": "basic", "prompt": "A\\u0000B", "answer": "x"}]}'),
    ("deck.json", b"[" * 10000),
    ("deck.txt", b"no format"),
    ("deck", b""),
]


@pytest.mark.parametrize(("name", "content"), GARBAGE_FILES, ids=[f"{n}:{c[:20]!r}" for n, c in GARBAGE_FILES])
@pytest.mark.parametrize("into", [True, False], ids=["into a deck", "new deck"])
def test_an_uploaded_file_of_any_bytes_is_previewed_or_refused_and_saves_nothing(author, deck, name, content, into):
    url = reverse("library:import", args=[deck.slug]) if into else reverse("library:import_new")
    before = Item.objects.count(), Deck.objects.count()
    response = post_never_fails(
        author,
        url,
        {"file": SimpleUploadedFile(name, content), "format": ""},
        content_type=MULTIPART_CONTENT,
    )
    assert response.status_code in (200, 400)
    assert (Item.objects.count(), Deck.objects.count()) == before
    if response.status_code == 200 and b'name="token"' in response.content:
        # The preview says it may be imported: confirming saves it whole, or refuses with a message.
        token = response.content.split(b'name="token" value="')[1].split(b'"')[0].decode()
        confirm = reverse("library:import_confirm", args=[deck.slug]) if into else reverse("library:import_new_confirm")
        post_never_fails(author, confirm, {"token": token})


@per_example_rollback
@given(posted=form_data(["token", "format", "file"]), into=st.booleans())
def test_confirming_an_import_with_any_token_is_refused_with_a_message(author, deck, posted, into):
    url = reverse("library:import_confirm", args=[deck.slug]) if into else reverse("library:import_new_confirm")
    with rolled_back():
        response = refused_changes_nothing(author, url, posted, LIBRARY_APPS)
        assert response.status_code == 400
