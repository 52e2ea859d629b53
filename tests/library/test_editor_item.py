"""The item editor: a form that follows the kind, rows of choices and events, validation, the preview, schedules."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from studyapp.library.models import Choice, Deck, Event, EventData, Item, ItemKind
from studyapp.review.models import CardState, ReviewLog, ReviewState
from tests.factories import DeckFactory, ItemFactory, ReviewLogFactory, ReviewStateFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def deck(instructor) -> Deck:
    return DeckFactory(owner=instructor, slug="opposition", source=SourceFactory(created_by=instructor))


@pytest.fixture
def author(client, instructor):
    client.force_login(instructor)
    return client


def new_url(deck) -> str:
    return reverse("library:item_new", args=[deck.slug])


def rows(prefix: str, *rows: dict) -> dict:
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0"}
    for n, row in enumerate(rows):
        data |= {f"{prefix}-{n}-{key}": value for key, value in row.items()}
    return data


def post(client, url: str, **data):
    return client.post(url, {"action": "save", "tags": "", "passage": "", **data})


# --- The form follows the kind -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "shown", "hidden"),
    [
        ("basic", ["id_prompt", "id_answer", "id_explanation"], ["id_accepted_answers", "id_tolerance", "choice-rows"]),
        ("typed", ["id_answer", "id_accepted_answers"], ["id_tolerance"]),
        ("cloze", ["id_prompt", "id_accepted_answers"], ["id_answer", "id_tolerance"]),
        ("number", ["id_answer", "id_tolerance"], ["id_accepted_answers"]),
        ("multiple_choice", ["choice-rows"], ["id_answer", "event-rows"]),
        ("chronology", ["event-rows"], ["id_answer", "choice-rows"]),
        ("true_false", ["id_answer_0", "id_answer_1"], ["id_tolerance"]),
    ],
)
def test_the_form_shows_only_the_fields_of_its_kind(author, deck, kind, shown, hidden):
    page = author.get(new_url(deck), {"kind": kind}).content.decode()

    for element in shown:
        assert f'id="{element}"' in page
    for element in hidden:
        assert f'id="{element}"' not in page


def test_changing_the_kind_re_renders_the_form_without_errors_or_saving(author, deck):
    data = {"action": "change_kind", "kind": "multiple_choice", "prompt": "Who wrote it?", "passage": "", "tags": ""}

    plain = author.post(new_url(deck), data)
    htmx = author.post(new_url(deck), data, HTTP_HX_REQUEST="true")

    assert plain.status_code == htmx.status_code == 200
    for response in (plain, htmx):
        page = response.content.decode()
        assert 'id="choice-rows"' in page
        assert page.count('name="choices-') >= 4 * 4  # four blank rows of text, correct, position, remove
        assert 'class="field-errors"' not in page
        assert "Who wrote it?" in page
    assert "<html" not in htmx.content.decode()
    assert not Item.objects.exists()


def test_add_a_row_adds_one_blank_row_and_keeps_what_was_typed(author, deck):
    data = {"action": "add_choice", "kind": "multiple_choice", "prompt": "Who?"} | rows(
        "choices", {"text": "Trotsky", "is_correct": "on", "ORDER": "1"}, {"text": "Stalin", "ORDER": "2"}
    )

    page = author.post(new_url(deck), data).content.decode()

    assert 'name="choices-TOTAL_FORMS" value="3"' in page
    assert 'value="Trotsky"' in page
    assert 'name="choices-2-text"' in page


# --- Saving ----------------------------------------------------------------------------------------------------


def test_a_typed_item_keeps_its_accepted_answers_one_per_line(author, deck):
    passage = deck.source.passages.get(index=0)

    response = post(
        author,
        new_url(deck),
        kind="typed",
        prompt="Who wrote the letter?",
        answer="Leon Trotsky",
        accepted_answers="Trotsky\r\n\r\n  L. Trotsky \r\n",
        explanation="",
        passage=str(passage.pk),
        tags="people, 1923",
    )

    item = Item.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("library:deck_edit", args=[deck.slug]) + f"#item-{item.pk}"
    assert (item.accepted_answers, item.passage, item.position) == (["Trotsky", "L. Trotsky"], passage, 0)
    assert sorted(t.name for t in item.tags.all()) == ["1923", "people"]
    edit = author.get(reverse("library:item_edit", args=[item.pk])).content.decode()
    assert "Trotsky\nL. Trotsky</textarea>" in edit


def test_a_cloze_item_takes_its_answer_from_the_blank(author, deck):
    post(author, new_url(deck), kind="cloze", prompt="In 1923 {{Leon Trotsky}} wrote.", explanation="")

    assert Item.objects.get().answer == "Leon Trotsky"


def test_a_multiple_choice_item_saves_its_rows_in_their_positions_without_removed_or_blank_ones(author, deck):
    data = rows(
        "choices",
        {"text": "Stalin", "ORDER": "2"},
        {"text": "Trotsky", "is_correct": "on", "ORDER": "1"},
        {"text": "Bukharin", "ORDER": "3", "DELETE": "on"},
        {"text": "", "ORDER": "4"},
        {"text": "Zinoviev", "is_correct": "on", "ORDER": "5"},
    )

    response = post(author, new_url(deck), kind="multiple_choice", prompt="Who signed?", explanation="", **data)

    assert response.status_code == 302
    item = Item.objects.get()
    assert [(c.text, c.is_correct, c.order) for c in item.choices.all()] == [
        ("Trotsky", True, 0),
        ("Stalin", False, 1),
        ("Zinoviev", True, 2),
    ]
    assert item.answer == "Trotsky; Zinoviev"


def test_a_chronology_item_saves_its_events(author, deck):
    data = rows(
        "events",
        {"text": "Expelled", "when": "1927", "sort_key": "19270000"},
        {"text": "Letter", "when": "Oct 1923", "sort_key": "19231000"},
        {"text": "United", "when": "1926", "sort_key": "19260000"},
    )

    post(author, new_url(deck), kind="chronology", prompt="Order them.", explanation="", **data)

    item = Item.objects.get()
    assert item.answer == "Letter → United → Expelled"
    assert item.events.count() == 3


def test_changing_a_number_item_to_basic_clears_its_tolerance(author, deck):
    item = ItemFactory(deck=deck, kind=ItemKind.NUMBER)

    post(
        author,
        reverse("library:item_edit", args=[item.pk]),
        kind="basic",
        prompt="When?",
        answer="In 1923",
        explanation="",
    )

    item.refresh_from_db()
    assert (item.kind, item.answer, item.tolerance) == ("basic", "In 1923", Decimal(0))


# --- Validation: every error is the model's, shown at its field, and nothing is saved --------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "basic", "prompt": "  ", "answer": "A"}, "This field is required."),
        ({"kind": "basic", "prompt": "Q?", "answer": ""}, "This field is required."),
        ({"kind": "cloze", "prompt": "No blank here."}, "A cloze item needs a blank"),
        ({"kind": "cloze", "prompt": "{{One}} and {{two}}."}, "A cloze item has exactly one blank"),
        (
            {"kind": "number", "prompt": "When?", "answer": "soon", "tolerance": "0"},
            "must be a number written in digits",
        ),
        (
            {"kind": "number", "prompt": "When?", "answer": "1923", "tolerance": "-1"},
            "The tolerance can&#x27;t be below",
        ),
        ({"kind": "true_false", "prompt": "Is it?", "answer": "Maybe"}, "Select a valid choice."),
        ({"kind": "basic", "prompt": "Q", "answer": "A", "passage": "999999"}, "Choose a sentence of this deck"),
        ({"kind": "basic", "prompt": "Q", "answer": "A", "tags": ",".join(f"t{n}" for n in range(21))}, "At most 20"),
        ({"kind": "galaxy", "prompt": "Q", "answer": "A"}, "Select a valid choice. galaxy is not one of"),
        ({"kind": "multiple_choice", "prompt": "Q"}, "A multiple-choice item needs at least 2 choices."),
        (
            {"kind": "multiple_choice", "prompt": "Q"} | rows("choices", {"text": "A"}, {"text": "B"}),
            "Mark at least one choice as correct.",
        ),
        (
            {"kind": "multiple_choice", "prompt": "Q"}
            | rows("choices", {"text": "A", "is_correct": "on"}, {"text": " a "}),
            "Two choices have the same text.",
        ),
        (
            {"kind": "chronology", "prompt": "Q"}
            | rows(
                "events", {"text": "A", "sort_key": "1"}, {"text": "B", "sort_key": "1"}, {"text": "C", "sort_key": "2"}
            ),
            "Two events have the same date",
        ),
        (
            {"kind": "chronology", "prompt": "Q"}
            | rows("events", {"text": "A", "sort_key": "1"}, {"text": "B"}, {"text": "C", "sort_key": "2"}),
            "Give the event a sort key",
        ),
        (
            {"kind": "chronology", "prompt": "Q"}
            | rows("events", {"text": "A", "sort_key": "1"}, {"text": "B", "sort_key": "9" * 30}, {"text": "C"}),
            "Ensure this value is less than or equal to",
        ),
    ],
)
def test_each_rule_refuses_with_its_message_and_saves_nothing(author, deck, data, message):
    response = post(author, new_url(deck), explanation="", **data)

    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Item.objects.exists()
    assert not Choice.objects.exists()
    assert not Event.objects.exists()


def test_a_deck_without_a_source_offers_no_sentence(author, instructor):
    deck = DeckFactory(owner=instructor, source=None)

    page = author.get(new_url(deck)).content.decode()

    assert "This deck has no source text" in page
    assert 'name="passage"' not in page


# --- The passage picker -------------------------------------------------------------------------------------


def test_the_picker_lists_every_sentence_as_a_radio_and_shows_the_chosen_one_in_its_paragraph(author, deck):
    item = ItemFactory(deck=deck, passage=deck.source.passages.get(index=1))

    page = author.get(reverse("library:item_edit", args=[item.pk])).content.decode()

    assert page.count('name="passage"') == deck.source.passages.count() + 1  # and "No sentence"
    assert f'value="{item.passage_id}" class="pick-radio" data-sentence="{item.passage.text}" checked' in page
    assert (
        '<blockquote class="picker-context">In 1923 Leon Trotsky wrote a secret letter to the party leaders. '
        "<mark>Forty-six party members signed a platform in October 1923.</mark> </blockquote>"
    ) in page


def test_the_editor_page_takes_a_fixed_number_of_queries(author, deck, django_assert_max_num_queries):
    item = ItemFactory(deck=deck, kind=ItemKind.MULTIPLE_CHOICE, tags=["a", "b"])

    # session, user, item with deck and passage, tags, choices, events, passages; the preview:
    # the paragraph of the passage
    with django_assert_max_num_queries(10):
        response = author.get(reverse("library:item_edit", args=[item.pk]))

    assert response.status_code == 200


# --- The preview ----------------------------------------------------------------------------------------------


def preview(client, deck, **data):
    return client.post(reverse("library:item_preview", args=[deck.slug]), {"passage": "", "tags": "", **data})


def writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}]


def test_the_preview_shows_both_sides_of_an_unsaved_cloze_and_writes_nothing(author, deck):
    passage = deck.source.passages.get(index=0)

    with CaptureQueriesContext(connection) as queries:
        response = preview(
            author,
            deck,
            kind="cloze",
            prompt="In 1923 {{Leon Trotsky}} wrote a *secret* letter.",
            explanation="See the **letter**.",
            passage=str(passage.pk),
        )

    page = response.content.decode()
    question, answer = page.split("Answer side, after a right answer")
    assert "<p>In 1923 […] wrote a <em>secret</em> letter.</p>" in question
    assert "Leon Trotsky" not in question
    assert 'id="preview-response"' in question
    assert "<strong>Leon Trotsky</strong>" in answer
    assert '<dd class="correct-answer">Leon Trotsky</dd>' in answer
    assert "<p>See the <strong>letter</strong>.</p>" in answer
    assert f"<mark>{passage.text}</mark>" in answer
    assert writes(queries.captured_queries) == []
    assert not Item.objects.exists()


def test_the_preview_of_a_multiple_choice_item_lists_its_choices_without_marking_the_right_one(author, deck):
    data = rows("choices", {"text": "Trotsky", "is_correct": "on"}, {"text": "Stalin"}, {"text": "Kamenev"})

    page = preview(author, deck, kind="multiple_choice", prompt="Who?", explanation="", **data).content.decode()

    question, answer = page.split("Answer side, after a right answer")
    assert question.count('name="preview-choice"') == 3
    assert 'type="radio"' in question
    assert "correct" not in question.lower().replace("correct-answer", "")
    assert '<dd class="correct-answer">Trotsky</dd>' in answer
    assert not Choice.objects.exists()


def test_the_preview_of_a_chronology_shows_its_events_out_of_order(author, deck):
    data = rows(
        "events",
        {"text": "First", "sort_key": "1"},
        {"text": "Second", "sort_key": "2"},
        {"text": "Third", "sort_key": "3"},
    )

    page = preview(author, deck, kind="chronology", prompt="Order", explanation="", **data).content.decode()

    question, answer = page.split("Answer side, after a right answer")
    shown = sorted(("First", "Second", "Third"), key=question.index)
    assert shown != ["First", "Second", "Third"]  # never the true order: the card would be trivial
    assert "First → Second → Third" in answer


def test_previewing_an_edit_leaves_the_saved_item_as_it_was(author, deck):
    item = ItemFactory(deck=deck, kind=ItemKind.TYPED, prompt="Saved prompt", answer="Saved")

    response = preview(author, deck, item=str(item.pk), kind="typed", prompt="Changed **prompt**", answer="New")

    assert "Changed <strong>prompt</strong>" in response.content.decode()
    item.refresh_from_db()
    assert (item.prompt, item.answer) == ("Saved prompt", "Saved")


def test_an_incomplete_item_previews_as_the_list_of_what_is_missing(author, deck):
    page = preview(author, deck, kind="cloze", prompt="No blank", explanation="").content.decode()

    assert "The preview appears once the item is complete" in page
    assert "A cloze item needs a blank" in page


def test_the_preview_button_works_without_javascript(author, deck):
    response = post(
        author, new_url(deck), action="preview", kind="basic", prompt="Front?", answer="Back", explanation=""
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Question side" in page
    assert "<html" in page
    assert not Item.objects.exists()


def test_markdown_in_the_preview_is_sanitised(author, deck):
    page = preview(
        author, deck, kind="basic", prompt="<script>alert(1)</script>[x](javascript:alert(1))", answer="A"
    ).content.decode()

    assert "<script>alert" not in page
    assert "javascript:" not in page


# --- Learners' schedules ------------------------------------------------------------------------------------


@pytest.fixture
def studied(deck, student_a, student_b):
    """A typed item student_a has reviewed (with a log) and student_b has not started."""
    item = ItemFactory(deck=deck, kind=ItemKind.TYPED, prompt="Who wrote?", answer="Leon Trotsky")
    now = timezone.now()
    ReviewStateFactory(
        learner=student_a,
        item=item,
        state=CardState.REVIEW,
        stability=12.0,
        difficulty=5.0,
        reps=3,
        last_review=now,
        first_review=now,
        due=now + timezone.timedelta(days=12),
    )
    ReviewStateFactory(learner=student_b, item=item)
    ReviewLogFactory(learner=student_a, item=item)
    return item


def edit(client, item, **changes):
    data = {
        "kind": "typed",
        "prompt": item.prompt,
        "answer": item.answer,
        "accepted_answers": "",
        "explanation": "",
        **changes,
    }
    return post(client, reverse("library:item_edit", args=[item.pk]), **data)


def test_a_change_that_keeps_the_answer_keeps_schedules_without_asking(author, studied, student_a):
    response = edit(author, studied, prompt="Who wrote the letter?", accepted_answers="Trotsky")

    assert response.status_code == 302
    state = ReviewState.objects.get(learner=student_a, item=studied)
    assert (state.state, state.reps, state.stability) == (CardState.REVIEW, 3, 12.0)


def test_a_changed_answer_asks_first_naming_the_learners_and_saves_nothing_yet(author, studied):
    response = edit(author, studied, answer="Lev Trotsky")

    page = response.content.decode()
    assert response.status_code == 200
    assert "1 learner has studied this item, and its answer changes." in page
    assert 'name="schedules" value="reset"' in page
    studied.refresh_from_db()
    assert studied.answer == "Leon Trotsky"


def test_keeping_schedules_saves_the_answer_and_leaves_the_learners_as_they_were(author, studied, student_a):
    edit(author, studied, answer="Lev Trotsky", schedules="keep")

    studied.refresh_from_db()
    assert studied.answer == "Lev Trotsky"
    assert ReviewState.objects.get(learner=student_a, item=studied).state == CardState.REVIEW


def test_resetting_makes_the_item_new_for_its_learners_and_keeps_their_history(author, studied, student_a, student_b):
    before = ReviewState.objects.get(learner=student_a, item=studied)

    response = edit(author, studied, answer="Lev Trotsky", schedules="reset")

    assert response.status_code == 302
    state = ReviewState.objects.get(learner=student_a, item=studied)
    assert (state.state, state.reps, state.stability, state.last_review) == (CardState.NEW, 0, None, None)
    assert state.version == before.version + 1
    assert ReviewLog.objects.filter(learner=student_a, item=studied).count() == 1
    assert ReviewState.objects.get(learner=student_b, item=studied).version == 0  # untouched: it was new
    follow = author.get(reverse("library:deck_edit", args=[studied.deck.slug])).content.decode()
    assert "1 learner start it afresh." in follow


def test_a_changed_right_choice_or_event_order_asks_too(author, deck, student_a):
    item = ItemFactory(deck=deck, kind=ItemKind.MULTIPLE_CHOICE)
    ReviewStateFactory(learner=student_a, item=item, state=CardState.REVIEW, last_review=timezone.now())
    url = reverse("library:item_edit", args=[item.pk])
    base = {"kind": "multiple_choice", "prompt": item.prompt, "explanation": ""}

    reworded_wrong = post(
        author,
        url,
        **base,
        **rows("choices", {"text": "Leon Trotsky", "is_correct": "on"}, {"text": "J. Stalin"}, {"text": "Zinoviev"}),
    )
    other_right = post(
        author, url, **base, **rows("choices", {"text": "Leon Trotsky"}, {"text": "J. Stalin", "is_correct": "on"})
    )

    assert reworded_wrong.status_code == 302
    assert "has studied this item" in other_right.content.decode()
    chronology = ItemFactory(deck=deck, kind=ItemKind.CHRONOLOGY)
    ReviewStateFactory(learner=student_a, item=chronology, state=CardState.REVIEW, last_review=timezone.now())
    events = [EventData("Letter", "1923", 1923), EventData("United", "1926", 1926), EventData("Expelled", "1927", 1925)]
    response = post(
        author,
        reverse("library:item_edit", args=[chronology.pk]),
        kind="chronology",
        prompt=chronology.prompt,
        explanation="",
        **rows("events", *({"text": e.text, "when": e.when, "sort_key": str(e.sort_key)} for e in events)),
    )
    assert "has studied this item" in response.content.decode()
