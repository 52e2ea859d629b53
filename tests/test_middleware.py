"""Personal responses carry `Cache-Control: no-store` (studyapp/middleware.py); the public home page doesn't."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import reverse

from studyapp.middleware import PrivateNoStoreMiddleware
from tests.factories import DeckFactory
from tests.review.conftest import make_items, study


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_a_students_study_page_is_not_stored(client, student_a):
    deck = DeckFactory()
    make_items(deck, 2)
    study(student_a, deck)
    client.force_login(student_a)

    response = client.get(reverse("review:session", args=[deck.slug]))

    assert response.status_code == 200
    assert no_store(response)
    assert "private" in response["Cache-Control"]


def test_an_htmx_partial_is_not_stored(client, student_a):
    deck = DeckFactory()
    make_items(deck, 2)
    study(student_a, deck)
    client.force_login(student_a)

    response = client.get(reverse("review:session", args=[deck.slug]), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert "<html" not in response.content.decode()  # the partial, not the page
    assert no_store(response)


def test_a_csv_export_is_not_stored(client, student_a):
    client.force_login(student_a)

    response = client.get(reverse("progress:export_reviews_csv"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert no_store(response)


def test_a_redirect_for_a_logged_in_user_is_not_stored_either(client, student_a):
    client.force_login(student_a)

    response = client.get(reverse("login"))

    assert no_store(response)


def test_the_anonymous_home_page_is_left_cacheable(client, db):
    # Public content, the same for every visitor: the middleware leaves it to the browser's defaults.
    response = client.get(reverse("library:home"))

    assert response.status_code == 200
    assert not no_store(response)


def test_a_views_own_cache_control_is_kept(rf, student_a):
    def view(request):
        response = HttpResponse("a file that may be cached")
        response["Cache-Control"] = "private, max-age=60"
        return response

    request = rf.get("/")
    request.user = student_a

    response = PrivateNoStoreMiddleware(view)(request)

    assert response["Cache-Control"] == "private, max-age=60"
