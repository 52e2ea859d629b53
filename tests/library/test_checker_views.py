"""The deck checker's page and `check_deck` command: who may see it, what it shows, its exit codes and queries."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from studyapp.library.checker_views import item_editor_url
from studyapp.library.models import ItemKind
from tests.factories import DeckFactory, ItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def deck(instructor):
    return DeckFactory(owner=instructor, slug="checked")


@pytest.fixture
def clean_deck(deck):
    ItemFactory(deck=deck, kind=ItemKind.TYPED, prompt="Who led the Red Army in the civil war?", answer="Trotsky")
    ItemFactory(deck=deck, kind=ItemKind.CLOZE, prompt="Forty-six party members signed a {{platform}}.", answer="")
    return deck


@pytest.fixture
def faulty_deck(deck):
    """A give-away (item 2 states item 1's year next to its subject), a stop-word blank and an item with no passage."""
    ItemFactory(
        deck=deck, kind=ItemKind.NUMBER, prompt="In what year did Trotsky write the secret letter?", answer="1923"
    )
    ItemFactory(
        deck=deck,
        kind=ItemKind.BASIC,
        prompt="What did the letter say?",
        answer="That the revolution was going astray.",
        explanation="Trotsky's secret letter of 1923 criticised the party's economic policies.",
    )
    ItemFactory(deck=deck, kind=ItemKind.CLOZE, prompt="Trotsky wrote {{the}} letter.", answer="")
    ItemFactory(deck=deck, kind=ItemKind.TYPED, prompt="Who founded the Red Army?", answer="Trotsky", passage=None)
    return deck


def url(deck) -> str:
    return reverse("library:check_deck", args=[deck.slug])


# --- Who may see it ---------------------------------------------------------------------------------------------


def test_a_visitor_is_sent_to_log_in(client, deck):
    response = client.get(url(deck))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("user", ["student_a", "student_b"])
def test_students_are_refused(client, deck, user, request):
    client.force_login(request.getfixturevalue(user))

    assert client.get(url(deck)).status_code == 403


def test_another_instructor_gets_a_404(client, deck, other_instructor):
    client.force_login(other_instructor)

    assert client.get(url(deck)).status_code == 404


@pytest.mark.parametrize("user", ["instructor", "admin_user"])
def test_the_owner_and_an_admin_see_the_page(client, deck, user, request):
    client.force_login(request.getfixturevalue(user))

    response = client.get(url(deck))

    assert response.status_code == 200
    assert f'Check the deck: <a href="{deck.get_absolute_url()}">{deck.title}</a>' in response.content.decode()


def test_a_co_owner_sees_the_page(client, deck, other_instructor):
    deck.co_owners.add(other_instructor)
    client.force_login(other_instructor)

    assert client.get(url(deck)).status_code == 200


def test_an_unknown_deck_is_a_404(client, instructor):
    client.force_login(instructor)

    assert client.get(reverse("library:check_deck", args=["no-such-deck"])).status_code == 404


def test_the_page_answers_only_get(client, deck, instructor):
    client.force_login(instructor)

    assert client.post(url(deck)).status_code == 405


# --- What it shows ----------------------------------------------------------------------------------------------


def test_a_clean_deck_says_so(client, clean_deck, instructor):
    client.force_login(instructor)

    content = client.get(url(clean_deck)).content.decode()

    assert "No problems found" in content
    assert "check-finding" not in content


def test_findings_are_grouped_by_kind_and_link_each_item_to_its_editor(client, faulty_deck, instructor):
    items = list(faulty_deck.items.order_by("position"))
    client.force_login(instructor)

    content = client.get(url(faulty_deck)).content.decode()

    assert "3 findings." in content
    give_away = content.index('id="check-give-away"')
    stop_word = content.index('id="check-cloze-stop-word"')
    no_passage = content.index('id="check-no-passage"')
    assert give_away < stop_word < no_passage
    assert "Item 2 gives away the answer to item 1" in content
    assert "The explanation of item 2 names “1923”" in content
    for item in (items[1], items[0], items[2], items[3]):
        assert f'href="{item_editor_url(item.pk)}"' in content
    assert "No problems found" not in content


def test_item_links_go_to_the_item_editor():
    assert item_editor_url(7) == reverse("library:item_edit", args=[7])


def test_the_page_makes_a_fixed_number_of_queries(client, faulty_deck, instructor, django_assert_max_num_queries):
    for number in range(30):
        ItemFactory(deck=faulty_deck, kind=ItemKind.MULTIPLE_CHOICE, prompt=f"Question {number}?")
        ItemFactory(deck=faulty_deck, kind=ItemKind.CHRONOLOGY, prompt=f"Order {number}.")
    client.force_login(instructor)
    client.get(url(faulty_deck))  # the session and the user's groups are now cached where they can be

    # 1 the session, 2 the user, 3 their groups (is_instructor), 4 the deck they may edit with its source and owner,
    # 5 the items, 6 their choices, 7 their events. None per item: 64 items, 7 queries.
    with django_assert_max_num_queries(7):
        response = client.get(url(faulty_deck))

    assert response.status_code == 200


# --- The command ------------------------------------------------------------------------------------------------


def test_the_command_prints_the_findings_and_exits_1(faulty_deck):
    out = StringIO()

    with pytest.raises(SystemExit) as exit_:
        call_command("check_deck", "checked", stdout=out)

    assert exit_.value.code == 1
    text = out.getvalue()
    assert "Answers given away by another item (1)" in text
    assert "- Item 2 gives away the answer to item 1" in text
    assert "    The explanation of item 2 names “1923” (near “letter”, “secret”, “trotskys”)" in text
    assert "Cloze blanks that are stop words (1)" in text
    assert "Items citing no passage (1)" in text
    assert text.rstrip().endswith("3 findings in “" + faulty_deck.title + "”.")


def test_the_command_exits_0_for_a_clean_deck(clean_deck):
    out = StringIO()

    call_command("check_deck", "checked", stdout=out)

    assert out.getvalue() == f"“{clean_deck.title}” is clean: the checker found nothing.\n"


def test_the_command_refuses_an_unknown_slug(db):
    with pytest.raises(CommandError, match="No deck with slug “nothing-here”"):
        call_command("check_deck", "nothing-here", stdout=StringIO())


# --- The demo deck ----------------------------------------------------------------------------------------------


def test_the_demo_deck_is_clean(demo_deck):
    out = StringIO()

    call_command("check_deck", "left-opposition-1927", stdout=out)  # exit status 0: no SystemExit

    assert out.getvalue() == "“The Left Opposition, 1927” is clean: the checker found nothing.\n"
