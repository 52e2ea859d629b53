"""Login throttling (django-axes): five wrong passwords for a username from an address pause its logins."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone

from studyapp.accounts.client_ip import client_address
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/?next=/admin/"


def log_in(client, username: str, password: str, url: str = LOGIN, address: str = "127.0.0.1"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


def fail_five_times(client, username: str, url: str = LOGIN, address: str = "127.0.0.1"):
    refused = 200 if url.startswith("/admin/") else 422  # the admin's login page keeps Django's status
    for _ in range(4):
        assert log_in(client, username, "wrong-password", url, address).status_code == refused
    return log_in(client, username, "wrong-password", url, address)


def test_five_wrong_passwords_lock_the_user_out_for_15_minutes_even_with_the_right_one(client, student_a):
    fifth = fail_five_times(client, student_a.username)

    assert fifth.status_code == 429
    page = fifth.content.decode()
    assert "Too many failed logins" in page
    assert "Try again in about 15 minutes" in page
    assert int(fifth["Retry-After"]) in range(14 * 60, 15 * 60 + 1)
    with_the_right_password = log_in(client, student_a.username, PASSWORD)
    assert with_the_right_password.status_code == 429
    assert SESSION_KEY not in client.session


def test_the_limit_and_the_cool_off_come_from_the_settings(client, settings, student_a):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = timedelta(minutes=30)

    log_in(client, student_a.username, "wrong-password")
    second = log_in(client, student_a.username, "wrong-password")

    assert second.status_code == 429
    assert "After 2 wrong passwords" in second.content.decode()
    assert "Try again in about 30 minutes" in second.content.decode()


def test_the_lockout_page_is_the_apps_own(client, student_a):
    page = fail_five_times(client, student_a.username).content.decode()

    assert '<main id="main"' in page  # base.html, with the navigation and styles
    assert "Until then even the right password is refused." in page


def test_tries_during_the_cool_off_do_not_push_the_time_back(client, student_a):
    fail_five_times(client, student_a.username)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=10))

    later = log_in(client, student_a.username, PASSWORD)

    assert later.status_code == 429
    assert "Try again in about 5 minutes" in later.content.decode()


def test_after_the_cool_off_the_right_password_logs_in(client, student_a):
    fail_five_times(client, student_a.username)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=15, seconds=1))

    response = log_in(client, student_a.username, PASSWORD)

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(student_a.pk)


def test_four_wrong_passwords_then_the_right_one_log_in_and_start_the_count_again(client, student_a):
    for _ in range(4):
        log_in(client, student_a.username, "wrong-password")

    assert log_in(client, student_a.username, PASSWORD).status_code == 302
    assert not AccessAttempt.objects.exists()


def test_another_user_from_the_same_address_is_not_locked(client, student_a, student_b):
    fail_five_times(client, student_a.username)

    response = log_in(client, student_b.username, PASSWORD)

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(student_b.pk)


def test_the_same_user_from_another_address_is_not_locked(client, student_a):
    fail_five_times(client, student_a.username, address="203.0.113.7")

    assert log_in(client, student_a.username, PASSWORD, address="198.51.100.2").status_code == 302


def test_the_admin_login_is_throttled_too(client, admin_user):
    fifth = fail_five_times(client, admin_user.username, url=ADMIN_LOGIN)

    assert fifth.status_code == 429
    assert "Too many failed logins" in fifth.content.decode()
    assert log_in(client, admin_user.username, PASSWORD, url=ADMIN_LOGIN).status_code == 429
    assert SESSION_KEY not in client.session


def test_a_superuser_unlocks_from_the_admin(client, student_a, admin_user):
    fail_five_times(client, student_a.username)
    attempt = AccessAttempt.objects.get(username=student_a.username)
    client.force_login(admin_user)

    changelist = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert "Unlock: forget the selected failed logins" in changelist.content.decode()
    response = client.post(
        reverse("admin:axes_accessattempt_changelist"), {"action": "unlock", "_selected_action": [attempt.pk]}
    )

    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    client.logout()
    assert log_in(client, student_a.username, PASSWORD).status_code == 302


def test_deleting_the_attempt_in_the_admin_unlocks_too(client, student_a, admin_user):
    fail_five_times(client, student_a.username)
    attempt = AccessAttempt.objects.get(username=student_a.username)
    client.force_login(admin_user)

    client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})

    client.logout()
    assert log_in(client, student_a.username, PASSWORD).status_code == 302


def test_an_instructor_cannot_unlock(client, student_a, instructor):
    fail_five_times(client, student_a.username)
    client.force_login(instructor)

    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403
    assert AccessAttempt.objects.exists()


def test_the_address_is_remote_addr_unless_a_proxy_header_is_set(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    assert client_address(request) == "10.0.0.1"  # a header anyone can send is not believed by default

    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    assert client_address(request) == "203.0.113.9"  # the entry our one proxy appended, not the client's own
    settings.CLIENT_IP_PROXY_COUNT = 2
    assert client_address(request) == "1.2.3.4"


def test_behind_a_proxy_the_lockout_follows_the_forwarded_address(client, settings, student_a):
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    for _ in range(5):
        client.post(LOGIN, {"username": student_a.username, "password": "nope"}, HTTP_X_FORWARDED_FOR="203.0.113.9")

    other = client.post(
        LOGIN, {"username": student_a.username, "password": PASSWORD}, HTTP_X_FORWARDED_FOR="198.51.100.2"
    )
    locked = client.post(
        LOGIN, {"username": student_a.username, "password": PASSWORD}, HTTP_X_FORWARDED_FOR="203.0.113.9"
    )

    assert other.status_code == 302
    assert locked.status_code == 429


def test_ipv6_addresses_count_per_64_network(rf):
    one = rf.get("/", REMOTE_ADDR="2001:db8:1:2:aaaa::1")
    other_in_same_network = rf.get("/", REMOTE_ADDR="2001:db8:1:2:bbbb::9")

    assert client_address(one) == client_address(other_in_same_network) == "2001:db8:1:2::"
