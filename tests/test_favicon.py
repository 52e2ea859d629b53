"""The site's icon: linked from every page, and /favicon.ico (which browsers ask for anyway) is not a 404."""

from __future__ import annotations

import pytest
from django.templatetags.static import static
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_favicon_ico_redirects_permanently_to_the_svg_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"] == static("favicon.svg")


def test_favicon_ico_leads_to_an_image(client, settings):
    settings.WHITENOISE_USE_FINDERS = True  # serve static files from the app folders, as `runserver` does
    response = client.get("/favicon.ico", follow=True)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.lstrip().startswith(b"<svg")


def test_every_page_links_the_icon(client):
    html = client.get(reverse("library:home")).content.decode()

    assert f'<link rel="icon" href="{static("favicon.svg")}" type="image/svg+xml">' in html
