"""The Django admin for the library, as a superuser uses it."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.forms import CheckboxInput
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.models import DBTaskResult

from studyapp.accounts.models import User
from studyapp.classroom.models import Classroom
from studyapp.library.models import Choice, Deck, Event, Item, ItemKind, Passage, Source, Tag
from studyapp.memory.models import ParameterFit
from studyapp.quizzes.models import Attempt, Quiz
from studyapp.review.models import ReviewDay, ReviewLog, ReviewState, StudiedDeck, StudySettings
from tests.factories import (
    AccessAttemptFactory,
    AccessFailureLogFactory,
    AccessLogFactory,
    AttemptFactory,
    ChoiceFactory,
    ClassroomFactory,
    DBTaskResultFactory,
    DeckFactory,
    EventFactory,
    GroupFactory,
    ItemFactory,
    ParameterFitFactory,
    PassageFactory,
    QuizFactory,
    ReviewDayFactory,
    ReviewLogFactory,
    ReviewStateFactory,
    SourceFactory,
    StudiedDeckFactory,
    StudySettingsFactory,
    TagFactory,
    TOTPDeviceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

FACTORIES = {
    Group: GroupFactory,
    User: UserFactory,
    Source: SourceFactory,
    Passage: PassageFactory,
    Tag: TagFactory,
    Deck: DeckFactory,
    Item: ItemFactory,
    Choice: ChoiceFactory,
    Event: EventFactory,
    StudySettings: StudySettingsFactory,
    StudiedDeck: StudiedDeckFactory,
    ReviewState: ReviewStateFactory,
    ReviewLog: ReviewLogFactory,
    ReviewDay: ReviewDayFactory,
    Classroom: ClassroomFactory,
    Quiz: QuizFactory,
    Attempt: AttemptFactory,
    ParameterFit: ParameterFitFactory,
    AccessAttempt: AccessAttemptFactory,
    AccessLog: AccessLogFactory,
    AccessFailureLog: AccessFailureLogFactory,
    TOTPDevice: TOTPDeviceFactory,
    DBTaskResult: DBTaskResultFactory,
}
# Passages only ever come from splitting a source's text, so the admin offers no add page.
# The review log is append-only: only reviews write it; its daily sums only its triggers.
# Attempts start only when a student starts one; fits and tasks only when a learner asks; login records only
# when someone logs in.
NO_ADD_PAGE = {
    Passage,
    ReviewLog,
    ReviewDay,
    Attempt,
    ParameterFit,
    DBTaskResult,
    AccessAttempt,
    AccessLog,
    AccessFailureLog,
}


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def form_data(response) -> dict:
    """The POST data a browser sends for an admin change form as rendered (main form, inlines, management forms).

    Like a browser, it sends a textarea's line breaks as CRLF.
    """
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms.append(inline.formset.management_form)
        forms.extend(inline.formset.forms)
    data: dict = {}
    for form in forms:
        for field in form:
            value = field.value()
            if isinstance(field.field.widget, CheckboxInput):
                if value:
                    data[field.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[field.html_name] = [str(v) for v in value]
            elif value is not None:
                data[field.html_name] = str(value).replace("\r\n", "\n").replace("\n", "\r\n")
    return data


def item_form(deck: Deck, passage: Passage | None, **values) -> dict:
    """POST data for the Item add page, with empty choice and event inlines unless given."""
    data = {
        "deck": deck.pk,
        "kind": ItemKind.BASIC,
        "prompt": "Who wrote a secret letter in 1923?",
        "answer": "",
        "accepted_answers": "",
        "explanation": "",
        "tolerance": "0",
        "passage": passage.pk if passage else "",
        "position": "",
    }
    for prefix in ("choices", "events"):
        data |= {
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    return data | values


def choice_rows(*rows: tuple[str, bool]) -> dict:
    data = {"choices-TOTAL_FORMS": str(len(rows))}
    for number, (text, correct) in enumerate(rows):
        data[f"choices-{number}-text"] = text
        if correct:
            data[f"choices-{number}-is_correct"] = "on"
    return data


# --- Every page renders -------------------------------------------------------------------


def test_every_registered_model_has_a_factory():
    assert set(admin.site._registry) <= set(FACTORIES)


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda model: model._meta.label)
def test_the_changelist_add_and_change_pages_render_for_a_superuser(admin_client, model, settings):
    if model is DBTaskResult:  # its pages read the task through the database backend (the tests run tasks at once)
        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    obj = FACTORIES[model]()

    changelist = admin_client.get(admin_url(model, "changelist"))
    searched = admin_client.get(admin_url(model, "changelist"), {"q": "Trotsky"})
    add = admin_client.get(admin_url(model, "add"))
    change = admin_client.get(admin_url(model, "change", obj.pk))

    assert changelist.status_code == 200
    assert changelist.context["cl"].result_count >= 1
    assert searched.status_code == 200
    assert add.status_code == (403 if model in NO_ADD_PAGE else 200)
    assert change.status_code == 200
    assert change.context["original"] == obj


def test_the_admin_is_closed_to_students_and_anonymous_visitors(client, student_a):
    url = admin_url(Item, "changelist")

    anonymous = client.get(url)
    client.force_login(student_a)
    student = client.get(url)

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("admin:login"))
    assert student.status_code == 302
    assert student["Location"].startswith(reverse("admin:login"))


# --- Items -----------------------------------------------------------------------------------


def test_the_item_change_page_shows_its_passage_text_and_a_link_into_the_source(admin_client):
    item = ItemFactory()

    response = admin_client.get(admin_url(Item, "change", item.pk))

    content = response.content.decode()
    assert f'<p class="passage-text">{item.passage.text}</p>' in content
    assert f'href="/sources/{item.deck.source_id}/#passage-0"' in content


def test_accepted_answers_are_typed_one_per_line_and_kept_as_a_list(admin_client):
    deck = DeckFactory()
    data = item_form(
        deck,
        None,
        kind=ItemKind.TYPED,
        answer="Leon Trotsky",
        accepted_answers="Trotsky, Lev Trotsky\r\nL. Trotsky\r\n",
    )

    response = admin_client.post(admin_url(Item, "add"), data)

    assert response.status_code == 302
    item = Item.objects.get()
    assert item.accepted_answers == ["Trotsky, Lev Trotsky", "L. Trotsky"]
    change = admin_client.get(admin_url(Item, "change", item.pk)).content.decode()
    assert "Trotsky, Lev Trotsky\nL. Trotsky</textarea>" in change


def test_the_passage_is_chosen_by_an_autocomplete_that_shows_and_searches_its_text(admin_client):
    item = ItemFactory()

    change = admin_client.get(admin_url(Item, "change", item.pk)).content.decode()
    found = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "library", "model_name": "item", "field_name": "passage", "term": "platform"},
    ).json()

    assert 'class="admin-autocomplete' in change
    assert f"§0: {item.passage.text}" in change  # the chosen passage shows by its text, not an id
    assert [result["text"] for result in found["results"]] == [
        f"{item.deck.source.title} §1: Forty-six party members signed a platform in October 1923."
    ]


def test_adding_a_multiple_choice_item_with_no_correct_choice_is_refused(admin_client):
    deck = DeckFactory()
    data = item_form(deck, deck.source.passages.first(), kind=ItemKind.MULTIPLE_CHOICE) | choice_rows(
        ("Leon Trotsky", False), ("Joseph Stalin", False)
    )

    response = admin_client.post(admin_url(Item, "add"), data)

    assert response.status_code == 200
    assert "Mark at least one choice as correct." in response.content.decode()
    assert not Item.objects.exists()
    assert not Choice.objects.exists()


def test_adding_a_multiple_choice_item_fills_in_its_answer_from_the_choices(admin_client):
    deck = DeckFactory()
    data = item_form(deck, deck.source.passages.first(), kind=ItemKind.MULTIPLE_CHOICE) | choice_rows(
        ("Joseph Stalin", False), ("Leon Trotsky", True), ("Grigory Zinoviev", True)
    )

    response = admin_client.post(admin_url(Item, "add"), data)

    assert response.status_code == 302
    item = Item.objects.get()
    assert item.answer == "Leon Trotsky; Grigory Zinoviev"
    assert [(c.text, c.order) for c in item.choices.all()] == [
        ("Joseph Stalin", 0),
        ("Leon Trotsky", 1),
        ("Grigory Zinoviev", 2),
    ]
    assert item.position == 0


def test_adding_choices_to_an_item_that_is_not_multiple_choice_is_refused(admin_client):
    deck = DeckFactory()
    data = item_form(deck, None, kind=ItemKind.TYPED, answer="Trotsky") | choice_rows(("A", True), ("B", False))

    response = admin_client.post(admin_url(Item, "add"), data)

    assert "Only multiple-choice items have choices" in response.content.decode()
    assert not Item.objects.exists()


def test_adding_a_cloze_without_a_blank_shows_the_plain_language_error(admin_client):
    deck = DeckFactory()
    data = item_form(deck, None, kind=ItemKind.CLOZE, prompt="In 1923 Trotsky wrote a letter.")

    response = admin_client.post(admin_url(Item, "add"), data)

    assert response.status_code == 200
    assert "A cloze item needs a blank" in response.content.decode()
    assert not Item.objects.exists()


def test_the_duplicate_action_copies_items_with_their_parts_to_the_end_of_the_deck(admin_client):
    deck = DeckFactory()
    typed = ItemFactory(deck=deck, kind=ItemKind.TYPED, tags=["people"])
    choice = ItemFactory(deck=deck, kind=ItemKind.MULTIPLE_CHOICE)
    ItemFactory(deck=deck)

    response = admin_client.post(
        admin_url(Item, "changelist"),
        {"action": "duplicate_items", "_selected_action": [typed.pk, choice.pk]},
        follow=True,
    )

    assert "Duplicated 2 items." in response.content.decode()
    copies = list(deck.items.filter(position__gte=3).order_by("position"))
    assert [(c.kind, c.prompt, c.answer, c.position) for c in copies] == [
        (typed.kind, typed.prompt, typed.answer, 3),
        (choice.kind, choice.prompt, choice.answer, 4),
    ]
    assert [t.name for t in copies[0].tags.all()] == ["people"]
    assert [(c.text, c.is_correct) for c in copies[1].choices.all()] == [
        (c.text, c.is_correct) for c in choice.choices.all()
    ]
    assert copies[0].passage == typed.passage
    assert Item.objects.get(pk=typed.pk).position == 0


def test_the_move_action_asks_for_the_deck_then_moves_the_items_to_its_end(admin_client):
    source = SourceFactory()
    here, there = DeckFactory(source=source), DeckFactory(source=source, title="Target deck")
    ItemFactory(deck=there)
    first, second = ItemFactory(deck=here), ItemFactory(deck=here, kind=ItemKind.CHRONOLOGY)
    selection = {"action": "move_items", "_selected_action": [first.pk, second.pk]}

    form = admin_client.post(admin_url(Item, "changelist"), selection)
    moved = admin_client.post(admin_url(Item, "changelist"), selection | {"apply": "1", "deck": there.pk}, follow=True)

    assert form.status_code == 200
    assert "Move these 2 items" in form.content.decode()
    assert "Moved 2 items to “Target deck”." in moved.content.decode()
    assert list(there.items.order_by("position").values_list("pk", "position")) == [
        (there.items.first().pk, 0),
        (first.pk, 1),
        (second.pk, 2),
    ]
    assert not here.items.exists()


def test_the_move_action_refuses_to_move_items_to_a_deck_with_another_source(admin_client):
    here = DeckFactory()
    elsewhere = DeckFactory(source=SourceFactory(title="Another article"), title="Elsewhere")
    item = ItemFactory(deck=here)

    response = admin_client.post(
        admin_url(Item, "changelist"),
        {"action": "move_items", "_selected_action": [item.pk], "apply": "1", "deck": elsewhere.pk},
        follow=True,
    )

    assert "1 of the items are drawn from a source that “Elsewhere” does not use" in response.content.decode()
    item.refresh_from_db()
    assert (item.deck, item.position) == (here, 0)
    assert not elsewhere.items.exists()


# --- Sources -----------------------------------------------------------------------------------


def test_adding_a_source_splits_it_into_passages_and_records_who_added_it(admin_client, admin_user):
    response = admin_client.post(
        admin_url(Source, "add"),
        {
            "title": "A new text",
            "author": "",
            "publication": "",
            "text": "One sentence. Another sentence.\n\nA third.",
            "passages-TOTAL_FORMS": "0",
            "passages-INITIAL_FORMS": "0",
            "passages-MIN_NUM_FORMS": "0",
            "passages-MAX_NUM_FORMS": "1000",
        },
    )

    assert response.status_code == 302
    source = Source.objects.get(title="A new text")
    assert source.created_by == admin_user
    assert list(source.passages.values_list("text", flat=True)) == ["One sentence.", "Another sentence.", "A third."]


def test_the_source_admin_refuses_to_change_a_text_whose_passages_have_items(admin_client):
    item = ItemFactory()
    source = item.deck.source
    url = admin_url(Source, "change", source.pk)
    data = form_data(admin_client.get(url))
    data["text"] = source.text.replace("1923", "1924")

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "Items are linked to sentences of this text, so the text can" in response.content.decode()
    source.refresh_from_db()
    assert "1924" not in source.text
    assert Passage.objects.filter(pk=item.passage_id, text__contains="1923").exists()


def test_the_source_admin_lets_the_title_of_a_source_with_items_change(admin_client):
    item = ItemFactory()
    source = item.deck.source
    text = source.text
    passage_ids = list(source.passages.values_list("pk", flat=True))
    assert text.endswith("\n")
    url = admin_url(Source, "change", source.pk)
    data = form_data(admin_client.get(url))
    assert "\r\n" in data["text"]  # what a browser sends back for the unchanged text
    data["title"] = "A better title"

    response = admin_client.post(url, data)

    assert response.status_code == 302
    source.refresh_from_db()
    assert (source.title, source.text) == ("A better title", text)
    assert list(source.passages.values_list("pk", flat=True)) == passage_ids
    assert Item.objects.get(pk=item.pk).passage_id == item.passage_id


def test_the_demo_source_can_be_retitled_in_the_admin(admin_client, demo_deck):
    source = demo_deck.source
    passage_ids = list(source.passages.values_list("pk", flat=True))
    url = admin_url(Source, "change", source.pk)
    data = form_data(admin_client.get(url))
    data["title"] = "The Left Opposition (article)"

    response = admin_client.post(url, data)

    assert response.status_code == 302
    source.refresh_from_db()
    assert source.title == "The Left Opposition (article)"
    assert list(source.passages.values_list("pk", flat=True)) == passage_ids


def test_the_source_admin_re_splits_a_changed_text_that_no_item_uses(admin_client):
    source = SourceFactory()
    url = admin_url(Source, "change", source.pk)
    data = form_data(admin_client.get(url))
    data["text"] = "Just one sentence now.\r\n\r\nAnd a second paragraph.\r\n"

    response = admin_client.post(url, data)

    assert response.status_code == 302
    source.refresh_from_db()
    assert source.text == "Just one sentence now.\n\nAnd a second paragraph.\n"
    assert list(source.passages.values_list("index", "start", "end")) == [(0, 0, 22), (1, 24, 47)]
