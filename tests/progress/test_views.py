"""The learner's progress pages: what they show, to whom, at what cost, and the data download."""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from studyapp.library.models import ItemKind
from studyapp.review import services
from studyapp.review.models import CardState, Rating, ReviewLog, StudiedDeck
from tests.factories import ItemFactory
from tests.review.conftest import answer, make_items, study

pytestmark = pytest.mark.django_db


def body_of(response) -> str:
    return b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()


@pytest.fixture
def studying(student_a, deck):
    """student_a studies the deck (three items, one reviewed twice today) and is signed in."""
    make_items(deck, 3, passage_index=0)
    now = timezone.now()
    first, *_ = study(student_a, deck, now=now - timedelta(minutes=5))
    answer(student_a, first, Rating.AGAIN, now=now - timedelta(minutes=2), response="Trotsky")
    answer(student_a, first, Rating.GOOD, now=now - timedelta(minutes=1), response='=HYPERLINK("x")')
    return first


# --- who sees what ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("progress:overview", {}),
        ("progress:deck", {"slug": "left-opposition"}),
        ("progress:export_reviews_csv", {}),
        ("progress:export_states_csv", {}),
        ("progress:export_json", {}),
    ],
)
def test_the_progress_pages_ask_a_visitor_to_log_in(client, deck, name, kwargs):
    response = client.get(reverse(name, kwargs=kwargs))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_learner_cannot_open_another_learners_item_history(client, student_b, studying):
    client.force_login(student_b)

    assert client.get(reverse("progress:item", args=[studying.item_id])).status_code == 404


def test_a_learner_cannot_open_the_progress_of_a_deck_they_do_not_study(client, student_b, studying, deck):
    client.force_login(student_b)

    assert client.get(reverse("progress:deck", args=[deck.slug])).status_code == 404
    response = client.post(reverse("progress:exam_date", args=[deck.slug]), {"exam_on": "2099-01-01"})
    assert response.status_code == 404


def test_another_learners_reviews_never_reach_the_overview_or_the_download(client, student_b, studying):
    client.force_login(student_b)

    overview = client.get(reverse("progress:overview"))
    download = body_of(client.get(reverse("progress:export_json")))

    assert overview.context["progress"].today.reviewed == 0
    assert json.loads(download)["review_log"] == []
    assert "Trotsky" not in download


# --- the pages ----------------------------------------------------------------------------------------


def test_the_overview_shows_todays_reviews_and_the_three_charts(client, student_a, studying):
    client.force_login(student_a)

    response = client.get(reverse("progress:overview"))

    assert response.status_code == 200
    assert response.context["progress"].today.reviewed == 2
    html = response.content.decode()
    for chart_id in ("due-forecast", "review-calendar", "knowledge"):
        assert f'id="{chart_id}"' in html
    assert html.count('role="img"') == 3
    assert reverse("progress:deck", args=["left-opposition"]) in html


def test_a_learner_with_no_decks_is_pointed_to_the_decks_to_study(client, student_a):
    client.force_login(student_a)

    response = client.get(reverse("progress:overview"))

    assert "You aren't studying any deck yet" in response.content.decode()


def test_the_deck_page_tints_each_sentence_and_lists_the_hardest_items(client, student_a, studying, deck):
    client.force_login(student_a)

    response = client.get(reverse("progress:deck", args=[deck.slug]))

    html = response.content.decode()
    assert response.status_code == 200
    first_passage_paragraph = response.context["coverage"][0]
    _passage, known, tint = first_passage_paragraph[0]
    assert (known.items, known.reviewed) == (3, 1)
    assert tint == "weak"  # one item of three reviewed: a third of what it could be
    assert f'class="passage tint-{tint}"' in html
    assert reverse("progress:item", args=[studying.item_id]) in html


def test_the_item_history_lists_every_review_with_the_answer_given(client, student_a, studying):
    client.force_login(student_a)

    response = client.get(reverse("progress:item", args=[studying.item_id]))

    html = response.content.decode()
    reviews = response.context["reviews"]
    assert [log.get_rating_display() for log, _interval in reviews] == ["Again", "Good"]
    assert [interval for _log, interval in reviews] == ["1m", "10m"]  # the default learning steps
    assert "Trotsky" in html
    assert "Read it in the source" in html
    assert response.context["recall"] is not None


def test_the_item_history_of_an_item_not_yet_reviewed_does_not_show_its_answer(client, student_a, deck):
    item = ItemFactory(deck=deck, prompt="Who led the Left Opposition?", answer="Lev Davidovich Bronstein")
    study(student_a, deck)
    client.force_login(student_a)

    html = client.get(reverse("progress:item", args=[item.pk])).content.decode()

    assert "Who led the Left Opposition?" in html
    assert "Bronstein" not in html


@pytest.fixture
def cloze(deck):
    """A cloze item drawn from the first sentence of the deck's source, its second word blanked."""
    sentence = deck.source.passages.get(index=0)
    blanked = sentence.text.split()[1]
    prompt = sentence.text.replace(blanked, "{{" + blanked + "}}", 1)
    return ItemFactory(deck=deck, kind=ItemKind.CLOZE, passage=sentence, prompt=prompt, answer="")


def test_the_item_history_of_a_cloze_not_yet_reviewed_shows_neither_its_blank_nor_its_source_sentence(
    client, student_a, deck, cloze
):
    study(student_a, deck)
    client.force_login(student_a)

    html = client.get(reverse("progress:item", args=[cloze.pk])).content.decode()

    assert "[…]" in html
    assert cloze.answer not in html
    assert cloze.passage.text not in html
    assert "Read it in the source" not in html
    assert "after your first review" in html


def test_the_item_history_shows_the_source_sentence_once_the_item_is_reviewed(client, student_a, deck, cloze):
    [state] = [s for s in study(student_a, deck) if s.item_id == cloze.pk]
    answer(student_a, state, Rating.GOOD, now=timezone.now())
    client.force_login(student_a)

    html = client.get(reverse("progress:item", args=[cloze.pk])).content.decode()

    assert cloze.passage.text in html
    assert "Read it in the source" in html


# --- the exam date ------------------------------------------------------------------------------------


def test_a_learner_sets_an_exam_date_and_sees_the_forecast(client, student_a, studying, deck):
    client.force_login(student_a)
    exam_on = timezone.now().date() + timedelta(days=30)

    response = client.post(reverse("progress:exam_date", args=[deck.slug]), {"exam_on": exam_on.isoformat()})

    assert response.status_code == 302
    assert StudiedDeck.objects.get(learner=student_a, deck=deck).exam_on == exam_on
    page = client.get(reverse("progress:deck", args=[deck.slug]))
    assert page.context["exam"].exam_on == exam_on
    assert "if you keep to the schedule" in page.content.decode()


def test_an_exam_date_in_the_past_is_refused_with_a_reason(client, student_a, studying, deck):
    client.force_login(student_a)

    response = client.post(reverse("progress:exam_date", args=[deck.slug]), {"exam_on": "2001-01-01"}, follow=True)

    assert "The exam date has to be today or later." in response.content.decode()
    assert StudiedDeck.objects.get(learner=student_a, deck=deck).exam_on is None


def test_an_exam_date_that_is_not_a_date_is_refused(client, student_a, studying, deck):
    client.force_login(student_a)

    response = client.post(reverse("progress:exam_date", args=[deck.slug]), {"exam_on": "next tuesday"}, follow=True)

    assert "Enter a valid date." in response.content.decode()


def test_an_empty_exam_date_removes_it(client, student_a, studying, deck):
    StudiedDeck.objects.filter(learner=student_a, deck=deck).update(exam_on=timezone.now().date())
    client.force_login(student_a)

    client.post(reverse("progress:exam_date", args=[deck.slug]), {"exam_on": ""})

    assert StudiedDeck.objects.get(learner=student_a, deck=deck).exam_on is None


def test_the_exam_date_is_changed_only_by_post(client, student_a, studying, deck):
    client.force_login(student_a)

    assert client.get(reverse("progress:exam_date", args=[deck.slug])).status_code == 405


# --- downloads ----------------------------------------------------------------------------------------


def test_the_reviews_csv_has_every_review_with_formulas_escaped(client, student_a, studying):
    client.force_login(student_a)

    response = client.get(reverse("progress:export_reviews_csv"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(body_of(response).lstrip("\ufeff"))))
    assert [row["rating"] for row in rows] == ["Again", "Good"]
    assert [row["response"] for row in rows] == ["Trotsky", '\'=HYPERLINK("x")']
    assert rows[0]["shown_as"] == CardState.NEW


def test_the_items_csv_has_one_row_per_item_studied(client, student_a, studying):
    client.force_login(student_a)

    rows = list(
        csv.DictReader(io.StringIO(body_of(client.get(reverse("progress:export_states_csv"))).lstrip("\ufeff")))
    )

    assert len(rows) == 3
    assert sorted(row["state"] for row in rows) == ["learning", "new", "new"]


def test_the_json_download_holds_the_log_and_the_states(client, student_a, studying):
    client.force_login(student_a)

    data = json.loads(body_of(client.get(reverse("progress:export_json"))))

    assert data["learner"] == "student_a"
    assert [row["rating"] for row in data["review_log"]] == ["Again", "Good"]
    assert data["review_log"][1]["response"] == '=HYPERLINK("x")'  # JSON isn't a spreadsheet: kept as typed
    assert len(data["review_states"]) == 3


# --- cost ---------------------------------------------------------------------------------------------


def add_history(learner, deck, reviews: int) -> None:
    """`reviews` log rows spread over the past 400 days, straight into the table (triggers sum them)."""
    items = list(deck.items.all())
    now = timezone.now()
    study_settings = services.settings_for(learner)
    rows = []
    for number in range(reviews):
        when = now - timedelta(days=number % 400, minutes=number % 600)
        rows.append(
            ReviewLog(
                learner=learner,
                item=items[number % len(items)],
                deck=deck,
                rating=Rating.AGAIN if number % 7 == 0 else Rating.GOOD,
                state=CardState.REVIEW,
                reviewed_at=when,
                day=study_settings.day_at(when).date,
                tests_memory=number % 3 == 0,
                client_uuid=uuid.uuid4(),
                state_before={},
                state_after={},
            )
        )
    ReviewLog.objects.bulk_create(rows, batch_size=1000)


@pytest.mark.parametrize("reviews", [10, 5_000])
def test_the_overview_runs_the_same_queries_whatever_the_size_of_the_history(
    client, student_a, studying, deck, reviews, django_assert_num_queries
):
    add_history(student_a, deck, reviews)
    client.force_login(student_a)

    # the user (with settings; the session is cached), then the past year's days, the streak, states by
    # deck, knowledge by deck, studied decks, queue counts, the forecast, and the decks' class assignments
    with django_assert_num_queries(9):
        response = client.get(reverse("progress:overview"))

    assert response.context["progress"].retention[2].tests > 0


@pytest.mark.parametrize("reviews", [10, 5_000])
def test_the_deck_page_runs_the_same_queries_whatever_the_size_of_the_history(
    client, student_a, studying, deck, reviews, django_assert_num_queries
):
    add_history(student_a, deck, reviews)
    client.force_login(student_a)

    # the overview's eight (not its class assignments), the studied deck, the hardest items, the passages'
    # knowledge and the passages
    with django_assert_num_queries(12):
        client.get(reverse("progress:deck", args=[deck.slug]))


def test_a_screen_reader_hears_how_well_each_sentence_is_known(client, student_a, studying, deck):
    make_items(deck, 1, passage_index=1)
    study(student_a, deck)
    client.force_login(student_a)

    html = client.get(reverse("progress:deck", args=[deck.slug])).content.decode()

    # One of the first sentence's three items reviewed (recall 100% right after): a third of what it could be.
    assert '<span class="visually-hidden"> (weak: 33% recall)</span>' in html
    assert '<span class="visually-hidden"> (not yet studied)</span>' in html
