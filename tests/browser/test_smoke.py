"""A real browser logs into the admin and opens the demo deck."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from studyapp.accounts.models import User
from tests.browser.conftest import screenshot

# serialized_rollback keeps the groups made by the data migration across these flushing tests.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("load_demo", quiet_logins=True, skip_history=True)  # the admin needs the deck, not ada's reviews


def test_an_admin_logs_into_the_admin_and_opens_the_demo_deck(demo, live_server, page):
    User.objects.create_superuser("root-admin", password="a-long-browser-password")

    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill("root-admin")
    page.get_by_label("Password").fill("a-long-browser-password")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Decks").first.click()
    page.get_by_role("link", name="The Left Opposition, 1927").click()

    assert page.get_by_label("Slug").input_value() == "left-opposition-1927"

    page.goto(f"{live_server.url}/decks/left-opposition-1927/")
    assert page.get_by_role("heading", level=1).inner_text() == "The Left Opposition, 1927"
    assert page.locator(".item-list > li").count() >= 80
    screenshot(page, "deck")
