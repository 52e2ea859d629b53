"""Bad input in the query string of every page that reads one: any value of its parameters (and stray ones) gets the
page, or a 4xx saying why, never a 5xx. The pages: drafting (?passage, ?deck) and a candidate's edit form (?key too),
a new deck (?source), a new item (?kind), an export (?format), the deck report and its CSVs (?classroom), the quiz
report (?page, ?table), the quiz form's refresh (every field), the retention forecast (?retention), login and sign-up
(?next)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from tests.bad_input import HTMX, client_of, form_data, per_example_rollback, rolled_back
from tests.factories import ClassroomFactory, DeckFactory, ItemFactory, QuizFactory

# (URL name, the arguments it takes from the world, the query parameters its view reads, who asks)
PAGES = [
    ("library:drafts", "source", ["passage", "deck"], "author"),
    ("library:draft_edit", "source", ["key", "passage", "deck"], "author"),
    ("library:deck_new", None, ["source"], "author"),
    ("library:item_new", "deck", ["kind"], "author"),
    ("library:export", "deck", ["format"], "author"),
    ("progress:deck_report", "deck", ["classroom"], "author"),
    ("progress:deck_report_students_csv", "deck", ["classroom"], "author"),
    ("progress:deck_report_items_csv", "deck", ["classroom"], "author"),
    ("quizzes:report", "quiz", ["page", "table"], "author"),
    ("quizzes:report_csv", "quiz", ["page", "table"], "author"),
    ("quizzes:create", "classroom", ["refresh", "title", "decks", "selection", "item_count", "tag", "items"], "author"),
    ("quizzes:edit", "quiz", ["refresh", "opens_at", "closes_at", "mark", "time_limit", "attempts_allowed"], "author"),
    ("memory:retention_forecast", None, ["retention"], "author"),
    ("login", None, ["next"], "anonymous"),
    ("sign_up", None, ["next"], "anonymous"),
]


@pytest.fixture
def world(instructor):
    deck = DeckFactory(owner=instructor, slug="queried")
    ItemFactory(deck=deck, kind="number")
    classroom = ClassroomFactory(created_by=instructor)
    quiz = QuizFactory(classroom=classroom, decks=[deck], item_count=1)
    return {"source": deck.source_id, "deck": deck.slug, "classroom": classroom.pk, "quiz": quiz.pk}


@pytest.mark.parametrize(("name", "argument", "parameters", "who"), PAGES, ids=[page[0] for page in PAGES])
@per_example_rollback
@given(query=st.data(), htmx=st.booleans())
def test_a_pages_query_of_any_values_is_read_or_refused(
    instructor, world, name, argument, parameters, who, query, htmx
):
    client = client_of(instructor if who == "author" else None)
    url = reverse(name, args=[] if argument is None else [world[argument]])
    params = query.draw(form_data(parameters, good={"refresh": "1"}))
    with rolled_back():
        response = client.get(f"{url}?{urlencode(params, doseq=True)}", **(HTMX if htmx else {}))
    assert response.status_code < 500, (name, params)
    if 400 <= response.status_code < 500 and response.status_code != 404:
        assert response.content.strip()
