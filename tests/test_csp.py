"""The strict Content-Security-Policy header is on every response the app gives to a GET.

The URLs are those the every-page browser test visits (tests/browser/test_every_page.py, held to the URLconf
there), each for the role that sees it, plus the GET URLs it leaves out because they aren't pages (downloads,
a redirect) and a 404.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.browser.test_every_page import PAGES, build_world

EXPECTED = {
    "default-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def _directives(header: str) -> dict[str, str]:
    parts = (part.strip().split(None, 1) for part in header.split(";") if part.strip())
    return dict(parts)


def test_the_header_parser_reads_each_directive():
    assert _directives("default-src 'self'; frame-ancestors 'none'") == {
        "default-src": "'self'",
        "frame-ancestors": "'none'",
    }


@pytest.mark.django_db
def test_every_get_url_of_the_app_sends_the_strict_policy():
    world = build_world()
    users = {"anonymous": None, "student": world.student, "instructor": world.instructor, "admin": world.admin}
    extra = {
        "student": [
            reverse("favicon"),
            reverse("progress:export_reviews_csv"),
            reverse("progress:export_states_csv"),
            reverse("progress:export_json"),
            "/no-such-page/",
        ],
        "instructor": [
            reverse("progress:deck_report_students_csv", kwargs={"slug": world.deck.slug}),
            reverse("progress:deck_report_items_csv", kwargs={"slug": world.deck.slug}),
            reverse("quizzes:report_csv", kwargs={"pk": world.quiz.pk}),
        ],
    }
    checked = []
    for role, user in users.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        urls = [page.url(world) for page in PAGES if page.role == role]
        for url in urls + extra.get(role, []):
            response = client.get(url)
            assert response.status_code < 500, url
            header = response.headers.get("Content-Security-Policy", "")
            assert _directives(header) == EXPECTED, f"{url} ({role}): {header!r}"
            assert "unsafe" not in header
            checked.append(url)
    assert len(checked) > 60  # every page of every role, not an empty loop
