"""Due dates on the progress pages are told in the learner's days (their time zone, their day start), the same
days the study queue counts "due today" in: never in the server's calendar, as Django's naturalday did."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from studyapp.progress.due import LearnerCalendar
from studyapp.review import selectors, services
from studyapp.review.models import StudySettings
from tests.factories import ItemFactory
from tests.review.conftest import configure, make_review_state, study

pytestmark = pytest.mark.django_db

# 00:36 in Paris on Friday 16 January 2026: the learner's day (from 04:00) is still Thursday the 15th.
PARIS_NIGHT = datetime(2026, 1, 15, 23, 36, tzinfo=UTC)


def paris_calendar(now: datetime = PARIS_NIGHT) -> LearnerCalendar:
    return LearnerCalendar.at(StudySettings(timezone="Europe/Paris", day_starts_at=4), now)


def paris(day: int, hour: int, minute: int = 0, *, month: int = 1, year: int = 2026) -> datetime:
    """A moment given in Paris winter time (UTC+1), as UTC."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC) - timedelta(hours=1)


@pytest.mark.parametrize(
    ("due", "label"),
    [
        (paris(14, 22), "overdue"),  # due on the learner's Wednesday
        (paris(15, 3, 59), "overdue"),  # still Wednesday: the day starts at 04:00
        (paris(15, 4), "today"),
        (paris(16, 0, 30), "today"),  # a few minutes ago, same learner's day
        (paris(16, 3, 59), "today"),
        (paris(16, 4), "tomorrow"),  # the learner's Friday starts at 04:00
        (paris(16, 9), "tomorrow"),  # the calendar says "today" in Paris; the learner hasn't slept yet
        (paris(17, 3), "tomorrow"),
        (paris(17, 4), "17 Jan"),
        (paris(3, 9, month=2, year=2027), "3 Feb 2027"),
    ],
)
def test_a_due_moment_is_labelled_in_the_learners_day(due, label):
    assert paris_calendar().due_label(due) == label


def test_the_due_label_filter_reads_the_calendar():
    html = Template("{% load progress_tags %}{{ due|due_label:calendar }}|{{ none|due_label:calendar }}").render(
        Context({"due": paris(16, 9), "none": None, "calendar": paris_calendar()})
    )

    assert html == "tomorrow|—"


# --- on the pages ---------------------------------------------------------------------------------------


@pytest.fixture
def learner_far_east(student_a):
    """student_a lives in Kolkata (UTC+5:30) with days from 04:00: their day and the server's UTC day differ."""
    configure(student_a, timezone="Asia/Kolkata", day_starts_at=4)
    return student_a


def due_cells(html: str) -> dict[int, str]:
    """The hardest items' table: item id -> the text of its Due cell."""
    table = html.split('id="hardest-heading"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"progress/items/(\d+)/.*?<td>([^<]*)</td>\s*</tr>", table, flags=re.DOTALL)
    return {int(item_id): label for item_id, label in rows}


def test_the_hardest_items_say_due_today_only_for_what_the_queue_counts_today(client, learner_far_east, deck):
    now = timezone.now()
    items = ItemFactory.create_batch(4, deck=deck)
    states = study(learner_far_east, deck, now=now - timedelta(days=30))
    day = services.settings_for(learner_far_east).day_at(now)
    dues = [day.start - timedelta(hours=2), day.start + timedelta(minutes=1), day.end + timedelta(hours=1)]
    dues.append(day.end + timedelta(days=3))
    for number, (state, due) in enumerate(zip(states, dues, strict=True)):
        make_review_state(state, due=due, last_review=now - timedelta(days=40), lapses=4 - number)
    client.force_login(learner_far_east)

    response = client.get(reverse("progress:deck", args=[deck.slug]))

    labels = due_cells(response.content.decode())
    later = response.context["calendar"].day_of(dues[3])
    assert [labels[item.pk] for item in items[:3]] == ["overdue", "today", "tomorrow"]
    assert labels[items[3].pk].startswith(f"{later.day} {later:%b}")  # with the year too, across New Year
    still_due = response.context["progress"].due_now
    assert still_due.review == 2  # the overdue item and today's: the page's "Still due" agrees with its labels
    assert selectors.queue_counts(learner_far_east, services.settings_for(learner_far_east), now, deck).review == 2


def test_the_hardest_items_say_suspended_rather_than_a_due_date(client, student_a, deck):
    item = ItemFactory(deck=deck)
    (state,) = study(student_a, deck)
    make_review_state(state, due=timezone.now() - timedelta(days=3), lapses=9, suspended=True)
    client.force_login(student_a)

    html = client.get(reverse("progress:deck", args=[deck.slug])).content.decode()

    assert due_cells(html) == {item.pk: "suspended"}


def test_the_item_history_tells_the_due_day_in_the_learners_day(client, learner_far_east, deck):
    ItemFactory(deck=deck)
    (state,) = study(learner_far_east, deck)
    day = services.settings_for(learner_far_east).day_at(timezone.now())
    make_review_state(state, due=day.end + timedelta(minutes=5))
    client.force_login(learner_far_east)

    html = client.get(reverse("progress:item", args=[state.item_id])).content.decode()

    assert "<dt>Due</dt><dd>Tomorrow</dd>" in html
