"""The drafting and coverage pages: who reaches them, accepting, editing and rejecting candidates."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from studyapp.library import drafting
from studyapp.library.models import Deck, Item, ItemKind
from tests.factories import DeckFactory, ItemFactory, SourceFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def deck(instructor) -> Deck:
    return DeckFactory(owner=instructor, slug="opposition", title="Opposition")


@pytest.fixture
def source(deck):
    return deck.source


def candidates(source) -> list[drafting.Candidate]:
    return drafting.draft(list(source.passages.all()))


def candidate(source, *, kind: str, answer: str) -> drafting.Candidate:
    return next(c for c in candidates(source) if c.kind == kind and c.answer == answer)


def drafts_url(source) -> str:
    return reverse("library:drafts", args=[source.pk])


def post(client, name: str, source, data: dict, **extra):
    return client.post(reverse(f"library:{name}", args=[source.pk]), data, **extra)


# --- Who may see what ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "status"),
    [("student_a", 403), ("student_b", 403), ("other_instructor", 404), ("instructor", 200), ("admin_user", 200)],
)
@pytest.mark.parametrize("page", ["drafts", "coverage"])
def test_the_pages_are_the_deck_owners_and_admins_only(client, request, source, user, status, page):
    client.force_login(request.getfixturevalue(user))

    assert client.get(reverse(f"library:{page}", args=[source.pk])).status_code == status


@pytest.mark.parametrize(
    ("user", "status"),
    [("student_a", 403), ("student_b", 403), ("other_instructor", 404), ("instructor", 302), ("admin_user", 302)],
)
@pytest.mark.parametrize("action", ["draft_accept", "draft_reject", "draft_restore"])
def test_the_actions_are_the_deck_owners_and_admins_only(client, request, source, deck, user, status, action):
    client.force_login(request.getfixturevalue(user))
    key = candidate(source, kind=ItemKind.CLOZE, answer="Leon Trotsky").key

    response = post(client, action, source, {"key": key, "deck": deck.slug})

    assert response.status_code == status
    assert Item.objects.count() == (1 if action == "draft_accept" and status == 302 else 0)


def test_visitors_are_sent_to_log_in(client, source):
    response = client.get(drafts_url(source))

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


# --- The drafts page ----------------------------------------------------------------------------------------


def test_the_page_lists_candidates_under_their_sentence_and_marks_existing_items(
    client, instructor, deck, source, django_assert_max_num_queries
):
    first = source.passages.get(index=0)
    ItemFactory(deck=deck, passage=first, kind=ItemKind.CLOZE, prompt=first.text.replace("1923", "{{1923}}"))
    client.force_login(instructor)

    # session, user, source, passages, target decks, existing items
    with django_assert_max_num_queries(6):
        response = client.get(drafts_url(source))

    assert response.status_code == 200
    html = response.content.decode()
    assert first.text in html
    assert "Leon Trotsky" in html
    assert "Put these events in order." in html
    assert html.count("already an item") == 1  # the cloze on 1923, not the number item on it
    assert 'data-draft-action="accept"' in html
    assert "<kbd>a</kbd> accept" in html
    assert f'<option value="{deck.slug}" selected>' in html


def test_the_deck_select_offers_live_decks_of_this_source_and_decks_without_one(client, instructor, deck, source):
    sourceless = DeckFactory(owner=instructor, source=None, title="Blank")
    DeckFactory(owner=instructor, title="Another text")  # another source: can't link to this one
    DeckFactory(title="Someone else's", source=source)
    DeckFactory(owner=instructor, source=source, archived_at=timezone.now())
    client.force_login(instructor)

    response = client.get(drafts_url(source))

    assert [d.slug for d in response.context["decks"]] == [deck.slug, sourceless.slug]


def test_a_deck_that_cant_take_the_items_is_a_404(client, instructor, source):
    client.force_login(instructor)

    assert client.get(drafts_url(source), {"deck": DeckFactory().slug}).status_code == 404


def test_the_passage_filter_shows_one_sentence(client, instructor, source):
    third = source.passages.get(index=2)
    client.force_login(instructor)

    response = client.get(drafts_url(source), {"passage": third.pk})

    assert response.status_code == 200
    shown = [passage for passage, _, _ in response.context["sentences"]]
    assert third in shown
    # Its own candidates, and the chronology that draws on it (listed under its first sentence).
    rows = [row.candidate for _, rows, _ in response.context["sentences"] for row in rows]
    assert rows
    assert all(third.index in c.passages for c in rows)
    assert "United Opposition" in response.content.decode()


@pytest.mark.parametrize(("value", "status"), [("x", 400), ("-1", 400), ("999999", 404)])
def test_a_bad_passage_filter_is_refused(client, instructor, source, value, status):
    client.force_login(instructor)

    assert client.get(drafts_url(source), {"passage": value}).status_code == status


def test_a_passage_of_another_source_is_a_404(client, instructor, source):
    other = SourceFactory(created_by=instructor)
    client.force_login(instructor)

    assert client.get(drafts_url(source), {"passage": other.passages.first().pk}).status_code == 404


# --- Accepting ----------------------------------------------------------------------------------------------


def test_accepting_a_cloze_creates_the_item_linked_to_its_passage(client, instructor, deck, source):
    chosen = candidate(source, kind=ItemKind.CLOZE, answer="Leon Trotsky")
    client.force_login(instructor)

    response = post(client, "draft_accept", source, {"key": chosen.key, "deck": deck.slug}, **HTMX)

    assert response.status_code == 200
    item = Item.objects.get()
    assert (item.deck, item.passage.index, item.kind) == (deck, chosen.passage, ItemKind.CLOZE)
    assert item.prompt == "In 1923 {{Leon Trotsky}} wrote a secret letter to the party leaders."
    assert item.answer == "Leon Trotsky"
    html = response.content.decode()
    assert "accepted" in html
    assert reverse("library:item_edit", args=[item.pk]) in html
    assert 'data-draft-action="accept"' not in html


def test_accepting_a_year_keeps_its_tolerance_and_a_chronology_its_events(client, instructor, deck, source):
    year = candidate(source, kind=ItemKind.NUMBER, answer="1926")
    chronology = next(c for c in candidates(source) if c.kind == ItemKind.CHRONOLOGY)
    client.force_login(instructor)

    post(client, "draft_accept", source, {"key": year.key, "deck": deck.slug})
    post(client, "draft_accept", source, {"key": chronology.key, "deck": deck.slug})

    number, ordered = Item.objects.order_by("position")
    assert (number.kind, number.answer, number.tolerance) == (ItemKind.NUMBER, "1926", Decimal(0))
    assert ordered.kind == ItemKind.CHRONOLOGY
    assert [e.sort_key for e in ordered.events.all()] == [19230000, 19231000, 19260000, 19270000]
    assert ordered.answer.startswith("Leon Trotsky wrote a secret letter")


def test_accepting_without_js_redirects_back_to_the_sentence(client, instructor, deck, source):
    chosen = candidate(source, kind=ItemKind.CLOZE, answer="Leon Trotsky")
    client.force_login(instructor)

    response = post(client, "draft_accept", source, {"key": chosen.key, "deck": deck.slug}, follow=True)

    assert response.redirect_chain[0][0] == f"{drafts_url(source)}?deck={deck.slug}#passage-0"
    assert "Added to “Opposition”" in response.content.decode()
    assert "already an item" in response.content.decode()


def test_an_edited_candidate_is_saved_as_edited(client, instructor, deck, source):
    chosen = candidate(source, kind=ItemKind.NUMBER, answer="1926")
    client.force_login(instructor)

    post(
        client,
        "draft_accept",
        source,
        {
            "key": chosen.key,
            "deck": deck.slug,
            "edited": "1",
            "prompt": "When was it formed?",
            "answer": "1926",
            "tolerance": "1",
        },
        **HTMX,
    )

    item = Item.objects.get()
    assert (item.prompt, item.answer, item.tolerance) == ("When was it formed?", "1926", Decimal(1))


@pytest.mark.parametrize(
    ("kind", "answer", "edits", "message"),
    [
        (ItemKind.CLOZE, "Leon Trotsky", {"prompt": "No blank here", "answer": ""}, "A cloze item needs a blank"),
        (ItemKind.CLOZE, "Leon Trotsky", {"prompt": "{{A}} and {{B}}", "answer": ""}, "exactly one blank"),
        (ItemKind.NUMBER, "1926", {"prompt": "When?", "answer": "soon", "tolerance": "0"}, "written in digits"),
        (ItemKind.NUMBER, "1926", {"prompt": "When?", "answer": "1926", "tolerance": "lots"}, "The tolerance must"),
        (ItemKind.NUMBER, "1926", {"prompt": "When?", "answer": "1926", "tolerance": "-1"}, "below zero"),
        (ItemKind.NUMBER, "1926", {"prompt": "  ", "answer": "1926", "tolerance": "0"}, "prompt can"),
    ],
)
def test_a_refused_edit_is_a_422_with_the_message_and_saves_nothing(
    client, instructor, deck, source, kind, answer, edits, message
):
    chosen = candidate(source, kind=kind, answer=answer)
    client.force_login(instructor)

    response = post(
        client, "draft_accept", source, {"key": chosen.key, "deck": deck.slug, "edited": "1", **edits}, **HTMX
    )

    assert response.status_code == 422
    assert message in response.content.decode()
    assert 'name="edited"' in response.content.decode()  # the edit form, open, to correct
    assert not Item.objects.exists()


def test_a_refused_accept_without_js_is_the_page_with_the_message(client, instructor, deck, source):
    chosen = candidate(source, kind=ItemKind.CLOZE, answer="Leon Trotsky")
    client.force_login(instructor)

    response = post(
        client, "draft_accept", source, {"key": chosen.key, "deck": deck.slug, "edited": "1", "prompt": "x"}
    )

    assert response.status_code == 422
    assert "A cloze item needs a blank" in response.content.decode()
    assert not Item.objects.exists()


def test_accepting_into_another_instructors_deck_is_refused(client, instructor, source):
    chosen = candidate(source, kind=ItemKind.CLOZE, answer="Leon Trotsky")
    theirs = DeckFactory(source=source)
    client.force_login(instructor)

    response = post(client, "draft_accept", source, {"key": chosen.key, "deck": theirs.slug}, **HTMX)

    assert response.status_code == 422
    assert "Choose a deck of yours" in response.content.decode()
    assert not Item.objects.exists()


def test_accepting_into_a_deck_without_a_source_gives_it_this_one(client, instructor, source):
    sourceless = DeckFactory(owner=instructor, source=None)
    chosen = candidate(source, kind=ItemKind.CLOZE, answer="Leon Trotsky")
    client.force_login(instructor)

    post(client, "draft_accept", source, {"key": chosen.key, "deck": sourceless.slug}, **HTMX)

    sourceless.refresh_from_db()
    assert sourceless.source == source
    assert Item.objects.get().deck == sourceless


def test_a_refused_accept_leaves_a_sourceless_deck_as_it_was(client, instructor, source):
    sourceless = DeckFactory(owner=instructor, source=None)
    chosen = candidate(source, kind=ItemKind.CLOZE, answer="Leon Trotsky")
    client.force_login(instructor)

    data = {"key": chosen.key, "deck": sourceless.slug, "edited": "1", "prompt": "no blank"}
    assert post(client, "draft_accept", source, data, **HTMX).status_code == 422

    sourceless.refresh_from_db()
    assert sourceless.source is None


def test_an_unknown_candidate_is_a_404(client, instructor, deck, source):
    client.force_login(instructor)

    assert post(client, "draft_accept", source, {"key": "0" * 16, "deck": deck.slug}).status_code == 404
    assert post(client, "draft_reject", source, {"key": ""}).status_code == 404


def test_the_views_state_their_methods(client, instructor, source):
    client.force_login(instructor)

    assert client.post(drafts_url(source)).status_code == 405
    assert client.get(reverse("library:draft_accept", args=[source.pk])).status_code == 405


# --- Rejecting ----------------------------------------------------------------------------------------------


def test_a_rejected_candidate_stays_hidden_until_restored(client, instructor, deck, source):
    chosen = candidate(source, kind=ItemKind.CLOZE, answer="Leon Trotsky")
    client.force_login(instructor)

    response = post(client, "draft_reject", source, {"key": chosen.key, "deck": deck.slug}, **HTMX)
    assert response.status_code == 200
    assert "Undo" in response.content.decode()

    page = client.get(drafts_url(source))
    assert chosen.key not in page.content.decode()
    assert page.context["rejected_count"] == 1

    undone = post(client, "draft_restore", source, {"key": chosen.key, "deck": deck.slug}, **HTMX)
    assert 'data-draft-action="accept"' in undone.content.decode()
    assert chosen.key in client.get(drafts_url(source)).content.decode()


def test_restoring_all_rejections_without_js(client, instructor, deck, source):
    keys = [c.key for c in candidates(source)[:3]]
    client.force_login(instructor)
    for key in keys:
        post(client, "draft_reject", source, {"key": key})
    assert client.get(drafts_url(source)).context["rejected_count"] == 3

    response = post(client, "draft_restore", source, {}, follow=True)

    assert response.context["rejected_count"] == 0
    assert not Item.objects.exists()


# --- Coverage -----------------------------------------------------------------------------------------------


def test_coverage_counts_items_per_sentence_in_decks_the_instructor_edits(
    client, instructor, deck, source, django_assert_max_num_queries
):
    first, second = source.passages.order_by("index")[:2]
    ItemFactory.create_batch(2, deck=deck, passage=first)
    ItemFactory(deck=DeckFactory(source=source), passage=second)  # another instructor's deck: not counted
    client.force_login(instructor)

    # session, user, source, counts, passages
    with django_assert_max_num_queries(5):
        response = client.get(reverse("library:coverage", args=[source.pk]))

    counts = {passage.index: count for paragraph in response.context["paragraphs"] for passage, count in paragraph}
    assert counts == {0: 2, 1: 0, 2: 0, 3: 0}
    html = response.content.decode()
    assert "1 of 4 sentences have items" in html
    assert f'href="{drafts_url(source)}?passage={second.pk}"' in html
    assert html.count('class="cov-passage cov-many" id=') == 1
    assert html.count('class="cov-passage cov-none" id=') == 3
    assert '0<span class="visually-hidden"> items: draft some</span>' in html


# --- The demo article ---------------------------------------------------------------------------------------


def test_the_demo_article_drafts_on_request_and_marks_the_decks_own_items(client, demo_deck):
    client.force_login(demo_deck.owner)

    response = client.get(drafts_url(demo_deck.source))

    assert response.status_code == 200
    rows = [row for _, rows, _ in response.context["sentences"] for row in rows]
    assert len(rows) > 150
    assert sum(1 for row in rows if row.item) >= 25  # the hand-written cloze and number items it re-proposes


# --- The edit form, loaded on demand ------------------------------------------------------------------------


def edit_url(source) -> str:
    return reverse("library:draft_edit", args=[source.pk])


def test_the_page_links_each_candidate_to_its_edit_form_instead_of_carrying_it(client, instructor, deck, source):
    client.force_login(instructor)

    html = client.get(drafts_url(source), {"deck": deck.slug}).content.decode()

    chosen = candidate(source, kind=ItemKind.NUMBER, answer="1926")
    link = f"{edit_url(source)}?key={chosen.key}&amp;deck={deck.slug}"
    assert f'href="{link}" hx-get="{link}"' in html  # htmx fetches it; without JS the link opens it as a page
    assert 'name="edited"' not in html
    assert f'id="prompt-{chosen.key}"' not in html


def test_the_edit_form_comes_as_the_candidate_open_to_edit_for_htmx(client, instructor, deck, source):
    chosen = candidate(source, kind=ItemKind.NUMBER, answer="1926")
    client.force_login(instructor)

    response = client.get(edit_url(source), {"key": chosen.key, "deck": deck.slug}, **HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<li class="draft-candidate" id="candidate-{chosen.key}"')
    assert "data-editing" in html
    assert '<details class="draft-edit" open>' in html
    assert f'id="prompt-{chosen.key}"' in html
    assert f'id="tolerance-{chosen.key}"' in html
    assert f'<input type="hidden" name="deck" value="{deck.slug}">' in html
    assert "<html" not in html


def test_without_js_the_edit_form_is_the_page_with_that_candidate_alone(client, instructor, deck, source):
    chosen = candidate(source, kind=ItemKind.NUMBER, answer="1926")
    third = source.passages.get(index=2)
    client.force_login(instructor)

    response = client.get(edit_url(source), {"key": chosen.key, "deck": deck.slug, "passage": third.pk})

    assert response.status_code == 200
    assert [row.key for _, rows, _ in response.context["sentences"] for row in rows] == [chosen.key]
    html = response.content.decode()
    assert "<html" in html
    assert 'name="edited"' in html
    assert f'<input type="hidden" name="passage" value="{third.pk}">' in html  # back to the same list after
    back = f"{drafts_url(source)}?deck={deck.slug}&amp;passage={third.pk}#candidate-{chosen.key}"
    assert f'<a href="{back}">back to the candidates</a>' in html

    # Accepting from it works as from the list.
    data = {"key": chosen.key, "deck": deck.slug, "passage": third.pk, "edited": "1", "prompt": "When?"}
    post(client, "draft_accept", source, {**data, "answer": "1926", "tolerance": "0"})
    assert Item.objects.get().prompt == "When?"


def test_an_existing_items_candidate_shows_the_item_not_a_form(client, instructor, deck, source):
    chosen = candidate(source, kind=ItemKind.NUMBER, answer="1926")
    client.force_login(instructor)
    post(client, "draft_accept", source, {"key": chosen.key, "deck": deck.slug})

    html = client.get(edit_url(source), {"key": chosen.key, "deck": deck.slug}, **HTMX).content.decode()

    assert "already an item" in html
    assert 'name="edited"' not in html


@pytest.mark.parametrize(
    ("user", "status"),
    [("student_a", 403), ("other_instructor", 404), ("instructor", 200), ("admin_user", 200)],
)
def test_the_edit_form_is_the_deck_owners_and_admins_only(client, request, source, user, status):
    client.force_login(request.getfixturevalue(user))
    key = candidate(source, kind=ItemKind.CLOZE, answer="Leon Trotsky").key

    response = client.get(edit_url(source), {"key": key}, **HTMX)

    assert response.status_code == status
    assert ('name="edited"' in response.content.decode()) == (status == 200)


def test_another_instructors_candidate_is_a_404_even_with_its_own_key(client, instructor, other_instructor):
    theirs = DeckFactory(owner=other_instructor).source
    key = candidates(theirs)[0].key
    client.force_login(instructor)

    assert client.get(edit_url(theirs), {"key": key}).status_code == 404
    assert client.get(edit_url(theirs), {"key": key}, **HTMX).status_code == 404


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({}, 404),  # no key
        ({"key": "0" * 16}, 404),  # no such candidate
        ({"key": "<script>"}, 404),
        ({"key": "GOOD", "passage": "x"}, 400),
        ({"key": "GOOD", "passage": "²"}, 400),
        ({"key": "GOOD", "passage": "9" * 40}, 400),
        ({"key": "GOOD", "passage": "999999"}, 404),
        ({"key": "GOOD", "deck": "no-such-deck"}, 404),
    ],
)
def test_a_bad_key_passage_or_deck_is_refused(client, instructor, deck, source, query, status):
    good = candidate(source, kind=ItemKind.CLOZE, answer="Leon Trotsky").key
    client.force_login(instructor)
    query = {name: good if value == "GOOD" else value for name, value in query.items()}

    for extra in ({}, HTMX):
        response = client.get(edit_url(source), query, **extra)
        assert response.status_code == status, (query, extra)
        assert 'name="edited"' not in response.content.decode()


def test_a_bad_source_id_is_a_404_and_the_edit_form_takes_no_post(client, instructor, source):
    client.force_login(instructor)

    assert client.get(f"/sources/{'9' * 40}/drafts/edit/", {"key": "x"}).status_code == 404
    assert client.get("/sources/abc/drafts/edit/", {"key": "x"}).status_code == 404
    assert client.post(edit_url(source), {"key": "x"}).status_code == 405
