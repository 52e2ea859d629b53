"""The library's pages: the deck list, a deck, and a source text with its passages."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from studyapp.library.models import Item, ItemKind
from studyapp.library.templatetags.library_tags import cloze_hidden, cloze_shown, render_markdown
from tests.factories import DeckFactory, ItemFactory

pytestmark = pytest.mark.django_db


def page(client, url: str, user=None) -> str:
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def distinctive_typed_answer(deck) -> str:
    """A typed item's answer that appears nowhere on the deck page except where answers are shown."""
    items = list(deck.items.all())
    elsewhere = " ".join([deck.title, deck.description, deck.source.title, *(item.prompt for item in items)])
    for item in items:
        if item.kind == ItemKind.TYPED and re.fullmatch(r"[A-Za-z ]{6,}", item.answer) and item.answer not in elsewhere:
            return item.answer
    raise AssertionError("the demo deck has no typed item with a distinctive answer")


# --- Home --------------------------------------------------------------------------------


def test_the_home_page_says_when_there_are_no_decks(client, db):
    assert "No decks yet." in page(client, reverse("library:home"))


# --- Deck page ----------------------------------------------------------------------------


def test_an_unknown_deck_is_not_found(client, student_a):
    client.force_login(student_a)

    assert client.get(reverse("library:deck_detail", args=["no-such-deck"])).status_code == 404


def test_a_co_owner_and_an_admin_see_the_answers(client, instructor, other_instructor, admin_user):
    deck = DeckFactory(owner=instructor)
    deck.co_owners.add(other_instructor)
    ItemFactory(deck=deck, kind=ItemKind.TYPED, answer="Preobrazhensky")

    for user in (other_instructor, admin_user):
        assert "Preobrazhensky" in page(client, deck.get_absolute_url(), user)


# --- Sanitising authored text -----------------------------------------------------------------


def test_markdown_in_prompts_is_rendered_and_sanitised(client, instructor):
    deck = DeckFactory(owner=instructor)
    ItemFactory(
        deck=deck,
        prompt=(
            'Who wrote **this**? <script>alert("prompt")</script>\n\n'
            '<img src="x" onerror="alert(1)"> [a link](javascript:alert(2)) <a href="/ok" onclick="alert(3)">ok</a>'
        ),
    )

    content = page(client, deck.get_absolute_url(), instructor)

    assert "<strong>this</strong>" in content
    assert "<script>alert" not in content
    assert "alert(" not in content
    assert "onerror" not in content
    assert "onclick" not in content
    assert "javascript:" not in content


def test_the_owner_sees_an_answer_written_in_markdown_as_plain_text(client, instructor):
    deck = DeckFactory(owner=instructor)
    ItemFactory(deck=deck, kind=ItemKind.TYPED, prompt="Who?", answer="*Leon* **Trotsky** <b>x</b>")

    content = page(client, deck.get_absolute_url(), instructor)

    assert '<span class="label">Answer:</span> Leon Trotsky x</p>' in content


def test_a_script_in_a_cloze_prompt_never_reaches_a_student(client, student_a):
    deck = DeckFactory()
    ItemFactory(deck=deck, kind=ItemKind.CLOZE, prompt="In {{1923}} <script>alert('x')</script> he wrote.")

    content = page(client, deck.get_absolute_url(), student_a)

    assert "[…]" in content
    assert "alert(" not in content


class TestTheDemoDeckPages:
    """Pages of the demo deck; the tests share one `load_demo` (see `shared_demo_deck`)."""

    @pytest.fixture
    def demo_deck(self, shared_demo_deck):
        return shared_demo_deck

    def test_the_home_page_lists_the_demo_deck_to_anonymous_visitors(self, client, demo_deck):
        content = page(client, reverse("library:home"))

        assert demo_deck.title in content
        assert f'href="{demo_deck.get_absolute_url()}"' in content
        assert "128 items" in content
        assert "Sign up" in content

    def test_the_home_page_lists_the_demo_deck_to_a_student(self, client, demo_deck, student_a):
        content = page(client, reverse("library:home"), student_a)

        assert demo_deck.title in content
        assert "Irene" in content, "the owner is shown by name"

    def test_the_deck_page_requires_login(self, client, demo_deck):
        url = demo_deck.get_absolute_url()

        response = client.get(url)

        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next={url}"

    def test_a_student_sees_the_questions_but_not_the_answers(self, client, demo_deck, student_a):
        answer = distinctive_typed_answer(demo_deck)

        content = page(client, demo_deck.get_absolute_url(), student_a)

        assert content.count('class="card item"') == 128
        assert answer not in content
        assert 'class="answer"' not in content
        assert "Edit items" not in content

    def test_a_student_sees_cloze_prompts_with_the_blank_hidden(self, client, demo_deck, student_a):
        clozes = list(demo_deck.items.filter(kind=ItemKind.CLOZE))

        content = page(client, demo_deck.get_absolute_url(), student_a)

        assert clozes
        assert "{{" not in content
        for item in clozes:
            assert str(render_markdown(cloze_hidden(item.prompt))) in content
            assert f"<strong>{item.answer}</strong>" not in content

    def test_the_owning_instructor_sees_the_answers_and_the_blanks(self, client, demo_deck):
        answer = distinctive_typed_answer(demo_deck)
        cloze = demo_deck.items.filter(kind=ItemKind.CLOZE).first()

        content = page(client, demo_deck.get_absolute_url(), demo_deck.owner)

        assert f'<span class="label">Answer:</span> {answer}</p>' in content
        assert str(render_markdown(cloze_shown(cloze.prompt))) in content
        assert "Edit items" in content

    def test_another_instructor_does_not_see_the_answers_of_a_deck_they_do_not_own(
        self, client, demo_deck, other_instructor
    ):
        content = page(client, demo_deck.get_absolute_url(), other_instructor)

        assert distinctive_typed_answer(demo_deck) not in content
        assert 'class="answer"' not in content

    def test_the_deck_page_links_each_item_to_its_source_sentence(self, client, demo_deck, student_a):
        item = demo_deck.items.select_related("passage").first()

        content = page(client, demo_deck.get_absolute_url(), student_a)

        assert f'href="/sources/{demo_deck.source_id}/#passage-{item.passage.index}"' in content
        assert "Drawn from" in content

    def test_the_deck_page_makes_a_fixed_number_of_queries(
        self, client, demo_deck, student_a, django_assert_max_num_queries
    ):
        client.force_login(student_a)
        client.get(reverse("library:home"))  # the session is now in the cache

        # 1 the user with their roles (auth backend), 2 the deck with owner and source,
        # 3 may the user edit it (EXISTS), 4 the items with their passages,
        # 5-7 prefetched tags, choices and events. None per item: 128 items, 7 queries.
        with django_assert_max_num_queries(7):
            response = client.get(demo_deck.get_absolute_url())

        assert response.status_code == 200

    def test_the_source_page_makes_a_fixed_number_of_queries(
        self, client, demo_deck, student_a, django_assert_max_num_queries
    ):
        client.force_login(student_a)
        client.get(reverse("library:home"))

        # 1 the user with their roles, 2 the source, 3 its passages (prefetched),
        # 4 the items drawn from them with their decks. None per passage.
        with django_assert_max_num_queries(4):
            response = client.get(demo_deck.source.get_absolute_url())

        assert response.status_code == 200

    def test_the_source_page_requires_login(self, client, demo_deck):
        response = client.get(demo_deck.source.get_absolute_url())

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_the_source_page_shows_every_passage_with_its_anchor(self, client, demo_deck, student_a):
        passages = list(demo_deck.source.passages.all())

        content = page(client, demo_deck.source.get_absolute_url(), student_a)

        ids = re.findall(r'id="passage-(\d+)"', content)
        assert [int(i) for i in ids] == [p.index for p in passages]
        assert f'id="passage-0" tabindex="-1">{passages[0].text}</span>' in content
        assert content.count('class="source-paragraph"') == len({p.paragraph for p in passages})

    def test_the_source_page_links_a_passage_to_the_items_drawn_from_it(self, client, demo_deck, student_a):
        first_item = Item.objects.filter(passage__index=0, deck=demo_deck).order_by("position").first()
        count = Item.objects.filter(passage__index=0, deck=demo_deck).count()

        content = page(client, demo_deck.source.get_absolute_url(), student_a)

        assert f'href="{demo_deck.get_absolute_url()}#item-{first_item.pk}"' in content
        assert f'title="{count} items drawn from this sentence">{count}</a>' in content
