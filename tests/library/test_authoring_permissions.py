"""Every authoring URL against each member of the user cast, in one table that must name every such URL.

The pages' own modules test their permissions in more detail; this one is the promise in a single place:
students get 403 on every authoring page, another instructor a 404 on anything of a deck they don't own
or co-own, and the owner, a co-owner and an admin reach every page (a made-up POST may be refused with a
4xx of its own, never 403/404, never a 500). A visitor is sent to log in.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from studyapp.library import drafting, urls_checker, urls_drafts, urls_editor, urls_transfer
from studyapp.library.models import Deck, Item, ItemKind
from tests.factories import DeckFactory, ItemFactory, UserFactory

pytestmark = pytest.mark.django_db


def first_key(deck: Deck) -> str:
    return drafting.draft(list(deck.source.passages.all()))[0].key


# name: (args from the deck and item, method, POST data from the deck and item).
URLS = {
    "library:my_decks": (lambda d, i: [], "get", None),
    "library:deck_new": (lambda d, i: [], "get", None),
    "library:source_new": (lambda d, i: [], "get", None),
    "library:my_source": (lambda d, i: [d.source_id], "get", None),
    "library:deck_edit": (lambda d, i: [d.slug], "get", None),
    "library:deck_settings": (lambda d, i: [d.slug], "get", None),
    "library:co_owner_add": (lambda d, i: [d.slug], "post", lambda d, i: {"username": "nobody"}),
    "library:co_owner_remove": (lambda d, i: [d.slug, d.co_owners.get().pk], "post", lambda d, i: {}),
    "library:deck_archive": (lambda d, i: [d.slug], "post", lambda d, i: {"archive": "0"}),
    "library:items_reorder": (lambda d, i: [d.slug], "post", lambda d, i: {"move": f"{i.pk}:down"}),
    "library:items_bulk": (lambda d, i: [d.slug], "post", lambda d, i: {"action": "tag", "items": [i.pk]}),
    "library:item_new": (lambda d, i: [d.slug], "get", None),
    "library:item_preview": (
        lambda d, i: [d.slug],
        "post",
        lambda d, i: {"kind": "basic", "prompt": "Q", "answer": "A"},
    ),
    "library:item_edit": (lambda d, i: [i.pk], "get", None),
    "library:item_delete": (lambda d, i: [i.pk], "get", None),
    "library:drafts": (lambda d, i: [d.source_id], "get", None),
    "library:draft_edit": (lambda d, i: [d.source_id], "get", None),
    "library:draft_accept": (lambda d, i: [d.source_id], "post", lambda d, i: {"key": first_key(d), "deck": d.slug}),
    "library:draft_reject": (lambda d, i: [d.source_id], "post", lambda d, i: {"key": first_key(d), "deck": d.slug}),
    "library:draft_restore": (lambda d, i: [d.source_id], "post", lambda d, i: {"key": first_key(d), "deck": d.slug}),
    "library:coverage": (lambda d, i: [d.source_id], "get", None),
    "library:import": (lambda d, i: [d.slug], "get", None),
    "library:import_confirm": (lambda d, i: [d.slug], "post", lambda d, i: {"token": "none"}),
    "library:import_new": (lambda d, i: [], "get", None),
    "library:import_new_confirm": (lambda d, i: [], "post", lambda d, i: {"token": "none"}),
    "library:export": (lambda d, i: [d.slug], "get", None),
    "library:check_deck": (lambda d, i: [d.slug], "get", None),
}
# The query string a GET page needs (the candidate whose edit form is asked for).
QUERIES = {"library:draft_edit": lambda d, i: {"key": first_key(d)}}
# Pages of no deck in particular: any instructor reaches them (for their own decks and sources).
ANY_INSTRUCTOR = {
    "library:my_decks",
    "library:deck_new",
    "library:source_new",
    "library:import_new",
    "library:import_new_confirm",
}
REFUSED = {"student_a": 403, "student_b": 403, "other_instructor": 404}


def test_the_table_names_every_authoring_url():
    modules = (urls_editor, urls_drafts, urls_transfer, urls_checker)
    assert set(URLS) == {f"library:{pattern.name}" for module in modules for pattern in module.urlpatterns}


@pytest.fixture
def deck(instructor) -> Deck:
    deck = DeckFactory(owner=instructor, slug="opposition", title="Opposition deck")
    deck.co_owners.add(UserFactory(username="co_owner", roles=["Instructors"]))
    return deck


@pytest.fixture
def item(deck) -> Item:
    return ItemFactory(deck=deck, kind=ItemKind.TYPED, prompt="Who led the Opposition deck's platform?")


@pytest.mark.parametrize("name", URLS)
@pytest.mark.parametrize("who", ["student_a", "student_b", "other_instructor", "instructor", "co_owner", "admin_user"])
def test_each_member_of_the_cast_gets_what_they_may(client, request, deck, item, who, name):
    args, method, data = URLS[name]
    user = deck.co_owners.get() if who == "co_owner" else request.getfixturevalue(who)
    client.force_login(user)
    url = reverse(name, args=args(deck, item))
    before = Item.objects.count()

    query = QUERIES[name](deck, item) if name in QUERIES else {}
    response = client.post(url, data(deck, item)) if method == "post" else client.get(url, query)

    if who in REFUSED and not (who == "other_instructor" and name in ANY_INSTRUCTOR):
        assert response.status_code == REFUSED[who]
        assert Item.objects.count() == before, "nothing is saved for those refused"
        assert "Opposition deck" not in response.content.decode(), "nor shown to them"
    else:
        assert response.status_code not in (403, 404), response.status_code
        assert response.status_code < 500


@pytest.mark.parametrize("name", URLS)
def test_a_visitor_is_sent_to_log_in(client, deck, item, name):
    args, method, data = URLS[name]
    url = reverse(name, args=args(deck, item))

    query = QUERIES[name](deck, item) if name in QUERIES else {}
    response = client.post(url, data(deck, item)) if method == "post" else client.get(url, query)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
