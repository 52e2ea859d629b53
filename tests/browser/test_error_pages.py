"""The error pages in a real browser: styled by app.css, accessible (axe), at a desktop and a phone width.

The `page` fixture audits each test's last state too, and fails on a CSP violation or a script error."""

from __future__ import annotations

import pytest
from django.urls import include, path

from tests.browser.accessibility import violations


def explode(request):
    raise RuntimeError("a failure the reader must not see")


# This module is the URLconf of its tests: the app's URLs plus a view that fails.
urlpatterns = [path("explode/", explode), path("", include("config.urls"))]

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.urls(__name__)]


@pytest.mark.parametrize(
    ("url", "heading"), [("/no-such-page/", "Page not found"), ("/explode/", "Something went wrong")]
)
@pytest.mark.parametrize("width", [1280, 390])
def test_an_error_page_is_styled_and_accessible(live_server, page, url, heading, width):
    page.set_viewport_size({"width": width, "height": 800})

    response = page.goto(f"{live_server.url}{url}")

    assert response.status in {404, 500}
    assert page.get_by_role("heading", level=1).inner_text() == heading
    # app.css is applied: the page's content sits in the app's card, not in the browser's default layout.
    assert page.locator(".card").evaluate("card => getComputedStyle(card).borderRadius") != "0px"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert violations(page) == []
    assert "must not see" not in page.content()
