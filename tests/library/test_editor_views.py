"""The authoring pages: my decks, sources, decks, a deck's items and who may reach each of them."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from studyapp.library.models import Deck, Item, ItemKind, Source
from tests.factories import (
    DeckFactory,
    ItemFactory,
    ReviewLogFactory,
    ReviewStateFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def deck(instructor) -> Deck:
    return DeckFactory(
        owner=instructor, title="Opposition deck", slug="opposition", source=SourceFactory(created_by=instructor)
    )


@pytest.fixture
def item(deck) -> Item:
    return ItemFactory(deck=deck, kind=ItemKind.TYPED)


# --- Who may reach what ------------------------------------------------------------------------------------

# Every authoring URL: (name, how to build its args from the deck and item, method, POST data).
PAGES = [
    ("library:my_decks", lambda d, i: [], "get", None),
    ("library:deck_new", lambda d, i: [], "get", None),
    ("library:source_new", lambda d, i: [], "get", None),
    ("library:my_source", lambda d, i: [d.source_id], "get", None),
    ("library:deck_edit", lambda d, i: [d.slug], "get", None),
    ("library:deck_settings", lambda d, i: [d.slug], "get", None),
    ("library:co_owner_add", lambda d, i: [d.slug], "post", lambda d, i: {"username": "nobody"}),
    ("library:co_owner_remove", lambda d, i: [d.slug, d.co_owners.get().pk], "post", lambda d, i: {}),
    ("library:deck_archive", lambda d, i: [d.slug], "post", lambda d, i: {"archive": "0"}),
    ("library:items_reorder", lambda d, i: [d.slug], "post", lambda d, i: {"move": f"{i.pk}:down"}),
    ("library:items_bulk", lambda d, i: [d.slug], "post", lambda d, i: {"action": "delete", "items": [i.pk]}),
    ("library:item_new", lambda d, i: [d.slug], "get", None),
    (
        "library:item_preview",
        lambda d, i: [d.slug],
        "post",
        lambda d, i: {"kind": "basic", "prompt": "Q", "answer": "A"},
    ),
    ("library:item_edit", lambda d, i: [i.pk], "get", None),
    ("library:item_delete", lambda d, i: [i.pk], "get", None),
]
# Whose request gets which status: the owner and an admin reach every page (the POSTs that refuse
# their made-up data say so with a 4xx of their own, never 403/404); the other instructor reaches the
# pages of no deck in particular (their own decks, a new deck or source), and none of the owner's.
CAST = {"student_a": 403, "student_b": 403, "other_instructor": 404}
OWN_PAGES = {"library:my_decks", "library:deck_new", "library:source_new"}


@pytest.mark.parametrize(("name", "args", "method", "data"), PAGES, ids=[page[0] for page in PAGES])
@pytest.mark.parametrize("who", ["student_a", "student_b", "other_instructor", "instructor", "admin_user"])
def test_every_authoring_page_answers_each_member_of_the_cast(
    client, request, deck, item, who, name, args, method, data
):
    user = request.getfixturevalue(who)
    deck.co_owners.add(UserFactory(username="helper", roles=["Instructors"]))
    client.force_login(user)
    url = reverse(name, args=args(deck, item))

    response = client.post(url, data(deck, item)) if method == "post" else client.get(url)

    if who in CAST and not (who == "other_instructor" and name in OWN_PAGES):
        assert response.status_code == CAST[who]
    else:
        assert response.status_code not in (403, 404), response.status_code
        assert response.status_code < 500
    # Nothing changed for those refused, nor shown to them.
    assert Item.objects.filter(pk=item.pk).exists() or who not in CAST
    assert who not in CAST or "Opposition deck" not in response.content.decode()


def test_an_anonymous_visitor_is_sent_to_log_in(client, deck):
    response = client.get(reverse("library:deck_edit", args=[deck.slug]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_co_owner_edits_the_deck_as_its_owner_does(client, deck, other_instructor, item):
    deck.co_owners.add(other_instructor)
    client.force_login(other_instructor)

    assert client.get(reverse("library:deck_edit", args=[deck.slug])).status_code == 200
    assert client.get(reverse("library:item_edit", args=[item.pk])).status_code == 200


# --- My decks, sources --------------------------------------------------------------------------------------


def test_my_decks_lists_owned_and_co_owned_decks_not_others(client, instructor, other_instructor, deck):
    shared = DeckFactory(owner=other_instructor, title="Shared with me")
    shared.co_owners.add(instructor)
    DeckFactory(owner=other_instructor, title="Not mine")
    client.force_login(instructor)

    page = client.get(reverse("library:my_decks")).content.decode()

    assert "Opposition deck" in page
    assert "Shared with me" in page
    assert "Not mine" not in page


def test_the_nav_links_my_decks_for_instructors(client, instructor):
    client.force_login(instructor)

    page = client.get(reverse("library:home")).content.decode()

    assert f'href="{reverse("library:my_decks")}">My decks</a>' in page


def test_a_pasted_source_is_saved_split_into_sentences_and_shown_split(client, instructor):
    client.force_login(instructor)

    response = client.post(
        reverse("library:source_new"),
        {"title": "Notes", "author": "Me", "publication": "", "text": "One sentence. Another one.\r\n\r\nA third."},
        follow=True,
    )

    source = Source.objects.get(title="Notes")
    assert source.created_by == instructor
    assert source.text == "One sentence. Another one.\n\nA third."
    assert list(source.passages.values_list("text", flat=True)) == ["One sentence.", "Another one.", "A third."]
    page = response.content.decode()
    assert "split into 3 sentences" in page
    assert '<li id="passage-1" value="1">Another one.</li>' in page


def test_an_uploaded_markdown_source_is_read_as_utf8(client, instructor):
    client.force_login(instructor)
    upload = SimpleUploadedFile("notes.md", "Trotsky’s letter. It was secret.".encode(), content_type="text/markdown")

    response = client.post(reverse("library:source_new"), {"title": "Upload", "upload": upload})

    assert response.status_code == 302
    assert Source.objects.get(title="Upload").passages.count() == 2


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.txt", "café".encode("latin-1"), "The file is not UTF-8 text (byte 3"),
        ("notes.pdf", b"%PDF", "Upload a .txt or .md file"),
        ("notes.txt", b"a" * 1_000_001, "the limit is 1,000,000 bytes"),
        ("notes.txt", b"a\x00b", "NUL characters"),
    ],
    ids=["latin-1", "pdf", "too-big", "nul"],
)
def test_a_bad_upload_is_refused_with_a_clear_error(client, instructor, name, content, message):
    client.force_login(instructor)

    response = client.post(reverse("library:source_new"), {"title": "Bad", "upload": SimpleUploadedFile(name, content)})

    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Source.objects.exists()


def test_a_source_needs_a_text(client, instructor):
    client.force_login(instructor)

    response = client.post(reverse("library:source_new"), {"title": "Empty", "text": "   "})

    assert response.status_code == 422
    assert "Paste the text, or upload a .txt or .md file." in response.content.decode()


# --- Decks ----------------------------------------------------------------------------------------------------


def test_a_new_deck_gets_a_slug_from_its_title_and_its_creator_as_owner(client, instructor):
    source = SourceFactory(created_by=instructor)
    DeckFactory(slug="the-left-opposition")
    client.force_login(instructor)

    response = client.post(
        reverse("library:deck_new"), {"title": "The Left Opposition", "description": "", "source": source.pk}
    )

    deck = Deck.objects.get(title="The Left Opposition")
    assert (deck.slug, deck.owner, deck.source) == ("the-left-opposition-2", instructor, source)
    assert response["Location"] == reverse("library:deck_edit", args=[deck.slug])


def test_a_new_deck_cannot_use_another_instructors_source(client, instructor, other_instructor):
    theirs = SourceFactory(created_by=other_instructor)
    client.force_login(instructor)

    response = client.post(reverse("library:deck_new"), {"title": "Mine", "source": theirs.pk})

    assert response.status_code == 422
    assert not Deck.objects.filter(title="Mine").exists()


def test_renaming_a_deck_keeps_its_slug(client, instructor, deck):
    client.force_login(instructor)

    client.post(reverse("library:deck_settings", args=[deck.slug]), {"title": "Renamed", "description": "New"})

    deck.refresh_from_db()
    assert (deck.title, deck.description, deck.slug) == ("Renamed", "New", "opposition")


def test_an_empty_title_is_refused(client, instructor, deck):
    client.force_login(instructor)

    response = client.post(reverse("library:deck_settings", args=[deck.slug]), {"title": "", "description": ""})

    assert response.status_code == 422
    assert "This field is required." in response.content.decode()


def test_an_instructor_is_added_and_removed_as_co_owner(client, instructor, other_instructor, deck):
    client.force_login(instructor)

    added = client.post(
        reverse("library:co_owner_add", args=[deck.slug]), {"username": "OTHER_INSTRUCTOR"}, follow=True
    )
    assert list(deck.co_owners.all()) == [other_instructor]
    assert "other_instructor now co-owns" in added.content.decode()

    client.post(reverse("library:co_owner_remove", args=[deck.slug, other_instructor.pk]))
    assert not deck.co_owners.exists()


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("ghost", "No user is called “ghost”."),
        ("student_a", "student_a is not an instructor; only instructors co-own decks."),
        ("instructor", "instructor owns this deck already."),
    ],
)
def test_a_co_owner_who_cant_be_is_refused_with_the_reason(client, instructor, student_a, deck, username, message):
    client.force_login(instructor)

    response = client.post(reverse("library:co_owner_add", args=[deck.slug]), {"username": username})

    assert response.status_code == 422
    assert message in response.content.decode()
    assert not deck.co_owners.exists()


def test_an_archived_deck_leaves_the_lists_and_takes_no_new_learners_but_keeps_its_own(
    client, instructor, student_a, student_b, deck, item
):
    client.force_login(student_a)
    client.post(reverse("review:add_deck", args=[deck.slug]))
    client.force_login(instructor)

    client.post(reverse("library:deck_archive", args=[deck.slug]), {"archive": "1"})

    deck.refresh_from_db()
    assert deck.archived_at is not None
    client.force_login(student_b)
    client.get(reverse("library:home"))  # shows (and so clears) the instructor's messages
    assert "Opposition deck" not in client.get(reverse("library:home")).content.decode()
    assert "Opposition deck" not in client.get(reverse("review:home")).content.decode()
    refused = client.post(reverse("review:add_deck", args=[deck.slug]), follow=True)
    assert "is archived: it takes no new learners" in refused.content.decode()
    assert not student_b.review_states.exists()
    client.force_login(student_a)
    assert "Opposition deck" in client.get(reverse("review:home")).content.decode()
    assert client.post(reverse("review:add_deck", args=[deck.slug])).status_code == 302
    assert client.get(reverse("review:session", args=[deck.slug])).status_code == 200

    client.force_login(instructor)
    client.post(reverse("library:deck_archive", args=[deck.slug]), {"archive": "0"})
    deck.refresh_from_db()
    assert deck.archived_at is None


# --- A deck's items ------------------------------------------------------------------------------------------


def test_the_deck_editor_lists_items_in_order_as_plain_text(client, instructor, deck, django_assert_max_num_queries):
    ItemFactory(deck=deck, kind=ItemKind.CLOZE, prompt="In 1923 {{*Leon Trotsky*}} wrote a letter.", tags=["people"])
    for n in range(10):
        ItemFactory(deck=deck, prompt=f"Question **{n}**?", answer="A", tags=["x", "y"])
    client.force_login(instructor)

    # session, user, deck, items, their tags, the decks to move to
    with django_assert_max_num_queries(6):
        response = client.get(reverse("library:deck_edit", args=[deck.slug]))

    page = response.content.decode()
    assert "In 1923 […] wrote a letter." in page
    assert "Question 0?" in page
    assert "**" not in page
    assert "Tags: people" in page


def test_my_decks_takes_a_fixed_number_of_queries(client, instructor, django_assert_max_num_queries):
    for _ in range(5):
        ItemFactory(deck=DeckFactory(owner=instructor))
    client.force_login(instructor)

    # session, user, decks, their co-owners, sources
    with django_assert_max_num_queries(5):
        response = client.get(reverse("library:my_decks"))

    assert response.status_code == 200


def positions(deck) -> list[int]:
    return list(deck.items.order_by("position").values_list("pk", flat=True))


def test_moving_an_item_down_and_up_renumbers_the_deck(client, instructor, deck):
    first, second, third = (ItemFactory(deck=deck) for _ in range(3))
    client.force_login(instructor)
    url = reverse("library:items_reorder", args=[deck.slug])

    client.post(url, {"move": f"{first.pk}:down"})
    assert positions(deck) == [second.pk, first.pk, third.pk]
    client.post(url, {"move": f"{third.pk}:up"}, HTTP_HX_REQUEST="true")
    assert positions(deck) == [second.pk, third.pk, first.pk]
    assert list(deck.items.order_by("position").values_list("position", flat=True)) == [0, 1, 2]


def test_a_move_by_htmx_marks_the_pressed_button_for_focus_and_says_the_new_place(client, instructor, deck):
    ItemFactory(deck=deck)
    second = ItemFactory(deck=deck)
    client.force_login(instructor)
    url = reverse("library:items_reorder", args=[deck.slug])

    html = client.post(url, {"move": f"{second.pk}:up"}, HTTP_HX_REQUEST="true").content.decode()

    assert 'data-announce="Moved to place 1 of 2."' in html
    # At the top its Up button is disabled, so focus goes to its Down button.
    assert re.search(rf'value="{second.pk}:down"[^>]*data-swap-focus', html)


def test_moving_another_decks_item_is_a_404_and_nonsense_a_400(client, instructor, deck):
    theirs = ItemFactory()
    client.force_login(instructor)
    url = reverse("library:items_reorder", args=[deck.slug])

    assert client.post(url, {"move": f"{theirs.pk}:up"}).status_code == 404
    assert client.post(url, {"move": "sideways"}).status_code == 400


def test_bulk_duplicate_tag_and_move(client, instructor, deck):
    first, second = ItemFactory(deck=deck, kind=ItemKind.MULTIPLE_CHOICE), ItemFactory(deck=deck)
    target = DeckFactory(owner=instructor, source=deck.source, title="Target")
    client.force_login(instructor)
    url = reverse("library:items_bulk", args=[deck.slug])

    client.post(url, {"action": "duplicate", "items": [first.pk]})
    copy = deck.items.order_by("position").last()
    assert (copy.prompt, copy.choices.count()) == (first.prompt, 3)

    client.post(url, {"action": "tag", "items": [first.pk, second.pk], "tags": "exile, 1928"})
    assert sorted(t.name for t in second.tags.all()) == ["1928", "exile"]

    client.post(url, {"action": "move", "items": [second.pk], "target": target.pk})
    second.refresh_from_db()
    assert second.deck == target


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "tag"}, "Tick some items first."),
        ({"action": "tag", "items": ["ITEM"]}, "Name the tags to add."),
        ({"action": "move", "items": ["ITEM"]}, "Choose the deck to move them to."),
        ({"action": "duplicate", "items": ["999999"]}, "Some of the ticked items are no longer in this deck."),
    ],
)
def test_a_bulk_action_without_what_it_needs_is_refused(client, instructor, deck, item, data, message):
    client.force_login(instructor)
    data = {k: [str(item.pk) if v == ["ITEM"] else v][0] for k, v in data.items()}

    response = client.post(reverse("library:items_bulk", args=[deck.slug]), data)

    assert response.status_code == 422
    assert message in response.content.decode()


def test_moving_to_a_deck_the_instructor_cant_edit_is_refused(client, instructor, other_instructor, deck, item):
    theirs = DeckFactory(owner=other_instructor, source=deck.source)
    client.force_login(instructor)

    response = client.post(
        reverse("library:items_bulk", args=[deck.slug]), {"action": "move", "items": [item.pk], "target": theirs.pk}
    )

    assert response.status_code == 422
    assert Item.objects.get(pk=item.pk).deck == deck


def test_moving_to_a_deck_with_another_source_is_refused(client, instructor, deck, item):
    other = DeckFactory(owner=instructor, title="Elsewhere")
    client.force_login(instructor)

    response = client.post(
        reverse("library:items_bulk", args=[deck.slug]), {"action": "move", "items": [item.pk], "target": other.pk}
    )

    assert response.status_code == 422
    assert "drawn from a source that “Elsewhere” does not use" in response.content.decode()


def test_deleting_asks_first_naming_the_learners_states_and_logs_that_go_too(
    client, instructor, student_a, student_b, deck, item
):
    keep = ItemFactory(deck=deck)
    for learner in (student_a, student_b):
        ReviewStateFactory(learner=learner, item=item)
    ReviewLogFactory(learner=student_a, item=item)
    ReviewLogFactory(learner=student_a, item=item)
    client.force_login(instructor)
    url = reverse("library:items_bulk", args=[deck.slug])

    asked = client.post(url, {"action": "delete", "items": [item.pk]})

    assert asked.status_code == 200
    assert "2 learners studied it: their 2 review states and 2 logged reviews of this item are deleted too." in (
        asked.content.decode()
    )
    assert Item.objects.filter(pk=item.pk).exists()

    client.post(url, {"action": "delete", "items": [item.pk], "confirm": "1"})

    assert not Item.objects.filter(pk=item.pk).exists()
    assert not student_a.review_states.exists()
    assert list(deck.items.values_list("pk", "position")) == [(keep.pk, 0)]


def test_the_single_item_delete_page_asks_then_deletes(client, instructor, deck, item):
    client.force_login(instructor)
    url = reverse("library:item_delete", args=[item.pk])

    asked = client.get(url)
    assert "No learner has studied it yet." in asked.content.decode()
    client.post(url)

    assert not Item.objects.filter(pk=item.pk).exists()


def test_the_deck_editor_links_the_drafting_and_checking_pages_of_the_deck(client, instructor, deck):
    client.force_login(instructor)

    page = client.get(reverse("library:deck_edit", args=[deck.slug])).content.decode()

    assert f'href="{reverse("library:drafts", args=[deck.source_id])}">Draft from the source</a>' in page
    assert f'href="{reverse("library:check_deck", args=[deck.slug])}">Check the deck</a>' in page
