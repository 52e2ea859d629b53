"""Session lifetime (accounts/receivers.py): students keep SESSION_COOKIE_AGE, staff lose theirs at browser close."""

from __future__ import annotations

from django.conf import settings

from tests.factories import PASSWORD


def test_a_students_session_lasts_the_configured_age(client, student_a):
    client.force_login(student_a)  # the receiver runs on user_logged_in, whatever the login path

    assert not client.session.get_expire_at_browser_close()
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE == 14 * 24 * 60 * 60


def test_an_instructors_session_ends_at_browser_close(client, instructor):
    client.force_login(instructor)

    assert client.session.get_expire_at_browser_close()


def test_a_superusers_session_ends_at_browser_close_also_when_logging_in_through_the_admin(client, admin_user):
    response = client.post(
        "/admin/login/?next=/admin/", {"username": admin_user.username, "password": PASSWORD, "next": "/admin/"}
    )

    assert response.status_code == 302
    assert client.session.get_expire_at_browser_close()
    assert not response.cookies[settings.SESSION_COOKIE_NAME]["expires"]
