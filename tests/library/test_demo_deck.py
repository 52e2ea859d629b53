"""The demo deck (`fixtures/left-opposition-1927.json`, loaded by `load_demo`) is sound.

It is the first thing every user sees, so its items must pass the same rules as
anything typed into the admin, point at the sentence they came from, and be
answerable from that sentence.
"""

from __future__ import annotations

import re
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command

from studyapp.accounts.models import User
from studyapp.accounts.roles import INSTRUCTORS, STUDENTS
from studyapp.accounts.services import DEMO_ACCOUNTS, DEMO_INSTRUCTOR
from studyapp.library.models import (
    Choice,
    ChoiceData,
    Deck,
    Event,
    EventData,
    Item,
    ItemKind,
    Passage,
    Source,
    Tag,
    derived_answer,
    validate_choices,
    validate_events,
)

DEMO_TEXT_FILE = Path(django_settings.BASE_DIR) / "fixtures" / "left-opposition-1927.txt"
BODY_END = "But the Left Opposition had kept the idea of socialism from below alive."
READING_LIST = [
    "The Birth of Stalinism by Michal Reiman, reviewed by Chris Harman",
    "Trotsky: 1923-1927 Fighting the Rising Stalinist Bureaucracy by Tony Cliff",
    "The Platform of the 46 in The Interregnum 1923-1924 by EH Carr",
]
DEMO_DECK_SLUG = "left-opposition-1927"
PAGE_FURNITURE = ["We use cookies", "Subscribe", "Leave a Reply", "Bookmarks", "Share this", "Comments"]


def demo_items(deck: Deck) -> list[Item]:
    return list(deck.items.select_related("passage").prefetch_related("choices", "events").order_by("position"))


def normalised(text: str) -> str:
    """Casefolded, with curly apostrophes made straight, for 'does the passage say it' checks."""
    return text.replace("\u2019", "'").replace("\u2018", "'").casefold()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in (User, Deck, Source, Passage, Item, Choice, Event, Tag)}


class TestTheDemoDeck:
    """Read-only checks of the loaded demo deck; they share one `load_demo` (see `shared_demo_deck`)."""

    @pytest.fixture
    def demo_deck(self, shared_demo_deck):
        return shared_demo_deck

    # --- Size and variety ----------------------------------------------------------------

    def test_the_demo_deck_has_at_least_80_items_of_at_least_6_kinds(self, demo_deck):
        kinds = Counter(demo_deck.items.values_list("kind", flat=True))

        assert sum(kinds.values()) >= 80
        assert len(kinds) >= 6
        assert kinds[ItemKind.CHRONOLOGY] >= 2

    def test_the_demo_deck_is_owned_by_the_demo_instructor_and_draws_on_its_source(self, demo_deck):
        assert demo_deck.owner.username == DEMO_INSTRUCTOR
        assert demo_deck.source.title == "Bolsheviks in the Left Opposition in 1927"
        assert demo_deck.source.passages.count() > 80

    # --- Every item passes the rules ------------------------------------------------------

    def test_every_demo_item_passes_full_validation_unchanged(self, demo_deck):
        for item in demo_items(demo_deck):
            stored = (item.prompt, item.answer, list(item.accepted_answers))

            item.full_clean()

            # Validation normalises (strips, fills in cloze answers): the stored data already is normal.
            assert (item.prompt, item.answer, item.accepted_answers) == stored, f"item at position {item.position}"

    def test_every_demo_items_choices_and_events_pass_validation(self, demo_deck):
        for item in demo_items(demo_deck):
            choices = [ChoiceData(c.text, c.is_correct) for c in item.choices.all()]
            events = [EventData(e.text, e.when, e.sort_key) for e in item.events.all()]

            validate_choices(item.kind, choices)
            validate_events(item.kind, events)

            if item.kind in (ItemKind.MULTIPLE_CHOICE, ItemKind.CHRONOLOGY):
                assert item.answer == derived_answer(item.kind, choices, events), f"item at position {item.position}"

    def test_every_chronology_event_of_the_demo_deck_shows_its_date(self, demo_deck):
        events = Event.objects.filter(item__deck=demo_deck)

        assert events.exists()
        assert all(event.when.strip() for event in events)

    # --- Passages -------------------------------------------------------------------------

    def test_every_demo_passage_is_the_source_text_between_its_offsets(self, demo_deck):
        source = demo_deck.source
        passages = list(source.passages.all())

        assert [p.index for p in passages] == list(range(len(passages)))
        for passage in passages:
            assert passage.text == source.text[passage.start : passage.end]
            passage.full_clean()

    def test_every_demo_item_links_a_passage_of_the_decks_source(self, demo_deck):
        items = demo_items(demo_deck)

        assert [item.position for item in items if item.passage is None] == []
        assert {item.passage.source_id for item in items} == {demo_deck.source_id}

    def test_every_body_paragraph_of_the_article_has_at_least_one_item(self, demo_deck):
        passages = list(demo_deck.source.passages.all())
        read_more = next(p for p in passages if p.text == "Read more")
        body_paragraphs = {p.paragraph for p in passages if p.index < read_more.index}
        with_items = set(Item.objects.filter(deck=demo_deck).values_list("passage__paragraph", flat=True))

        assert len(body_paragraphs) > 30
        assert sorted(body_paragraphs - with_items) == []

    @pytest.mark.parametrize("kind", [ItemKind.TYPED, ItemKind.CLOZE])
    def test_typed_and_cloze_answers_are_found_in_their_passage(self, demo_deck, kind):
        items = [item for item in demo_items(demo_deck) if item.kind == kind]

        assert items
        unsupported = [
            (item.position, item.answer)
            for item in items
            if not any(
                normalised(answer) in normalised(item.passage.text) for answer in [item.answer, *item.accepted_answers]
            )
        ]
        assert unsupported == []

    def test_number_answers_are_found_in_their_passage(self, demo_deck):
        items = [item for item in demo_items(demo_deck) if item.kind == ItemKind.NUMBER]

        assert items
        for item in items:
            digits_in_passage = re.findall(r"\d+", item.passage.text.replace(",", ""))
            assert any(item.answer in number for number in digits_in_passage), (item.position, item.answer)

    # --- The source text --------------------------------------------------------------------

    def test_the_demo_source_text_is_the_article_without_page_furniture(self, demo_deck):
        text = demo_deck.source.text

        assert text == DEMO_TEXT_FILE.read_text(encoding="utf-8")
        for furniture in PAGE_FURNITURE:
            assert furniture.casefold() not in text.casefold(), furniture

    def test_the_demo_source_body_ends_with_its_last_sentence_then_the_reading_list(self, demo_deck):
        body, _, reading_list = demo_deck.source.text.partition("\n\nRead more\n\n")

        assert body.endswith("socialism from below alive.")
        assert body.rstrip().endswith(BODY_END)
        assert reading_list.splitlines() == READING_LIST

    def test_load_demo_creates_the_demo_accounts_with_their_roles(self, demo_deck):
        users = {user.username: user for user in User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS])}

        assert set(users) == {"ada", "ben", "irene", "admin"}
        assert users["ada"].is_student
        assert users["ben"].is_student
        assert not users["ada"].is_instructor
        assert set(users["irene"].groups.values_list("name", flat=True)) == {INSTRUCTORS}
        assert users["admin"].is_superuser
        assert users["admin"].is_staff
        for account in DEMO_ACCOUNTS:
            assert users[account.username].check_password(account.password)
            assert users[account.username].first_name == account.first_name
        assert not users["irene"].groups.filter(name=STUDENTS).exists()


# --- load_demo ----------------------------------------------------------------------------


def test_load_demo_twice_changes_nothing(demo_deck, settings):
    before = counts()
    hashes = dict(User.objects.values_list("username", "password"))
    out = StringIO()

    call_command("load_demo", quiet_logins=True, skip_history=True, stdout=out)

    assert counts() == before
    assert dict(User.objects.values_list("username", "password")) == hashes
    assert "already loaded" in out.getvalue()
    assert "Kept demo account ada." in out.getvalue()


def test_load_demo_keeps_a_password_a_demo_user_has_changed(demo_deck, settings):
    ada = User.objects.get(username="ada")
    ada.set_password("a-new-secret-of-ada")
    ada.save()

    call_command("load_demo", quiet_logins=True, skip_history=True, stdout=StringIO())

    ada.refresh_from_db()
    assert ada.check_password("a-new-secret-of-ada")
    assert User.objects.filter(username="ada").count() == 1


def test_load_demo_prints_the_demo_logins_unless_asked_not_to(db, settings):
    settings.DEBUG = True
    loud, quiet = StringIO(), StringIO()

    call_command("load_demo", skip_history=True, stdout=loud)
    call_command("load_demo", quiet_logins=True, skip_history=True, stdout=quiet)

    assert "Demo logins" in loud.getvalue()
    assert "ada-studies-1927" in loud.getvalue()
    assert "Demo logins" not in quiet.getvalue()


def test_with_debug_off_load_demo_needs_an_owner_and_makes_no_demo_accounts(db, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--owner"):
        call_command("load_demo", stdout=StringIO())

    assert not User.objects.exists()
    assert not Deck.objects.exists()


def test_with_debug_off_load_demo_loads_the_deck_for_the_given_owner_only(instructor, settings):
    settings.DEBUG = False
    out = StringIO()

    call_command("load_demo", owner=instructor.username, stdout=out)

    deck = Deck.objects.get(slug=DEMO_DECK_SLUG)
    assert deck.owner == instructor
    assert deck.items.count() >= 80
    assert list(User.objects.values_list("username", flat=True)) == [instructor.username]
    assert "Demo logins" not in out.getvalue()


def test_load_demo_refuses_an_unknown_owner(db, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="No user named “nobody”"):
        call_command("load_demo", owner="nobody", stdout=StringIO())

    assert not Deck.objects.exists()
