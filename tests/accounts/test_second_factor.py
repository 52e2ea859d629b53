"""The second factor (django-otp, TOTP): required of staff with REQUIRE_STAFF_2FA, optional for anyone."""

from __future__ import annotations

import re
import time
from base64 import b32decode

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

VERIFY = reverse("second_factor_verify")
SETUP = reverse("second_factor_setup")
DISABLE = reverse("second_factor_disable")


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code an authenticator app holding the device's key shows now (or a step later)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=steps_ahead):06d}"


def device_for(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def password_login(client, user, url: str = "/accounts/login/"):
    response = client.post(url, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return response


@pytest.fixture
def staff_2fa(settings):
    settings.REQUIRE_STAFF_2FA = True


def test_with_require_staff_2fa_a_staff_user_must_enter_a_totp_code_before_the_admin_opens(
    client, staff_2fa, admin_user
):
    device = device_for(admin_user)
    password_login(client, admin_user, "/admin/login/?next=/admin/")

    before = client.get("/admin/")
    assert before.status_code == 302
    assert before["Location"] == f"{VERIFY}?next=%2Fadmin%2F"
    verified = client.post(f"{VERIFY}?next=/admin/", {"token": code_for(device), "next": "/admin/"})
    assert verified.status_code == 302
    assert verified["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_with_require_staff_2fa_a_staff_user_must_enter_a_totp_code_before_the_app_opens(client, staff_2fa, instructor):
    device = device_for(instructor)
    password_login(client, instructor)

    assert client.get(reverse("library:my_decks"))["Location"].startswith(VERIFY)
    assert client.get(reverse("review:home"))["Location"].startswith(VERIFY)
    assert client.post(reverse("review:settings"))["Location"] == VERIFY  # a POST is refused, not carried out
    client.post(VERIFY, {"token": code_for(device)})
    assert client.get(reverse("library:my_decks")).status_code == 200


def test_an_htmx_request_owing_a_code_is_sent_to_the_code_page_as_a_whole_page(client, staff_2fa, instructor):
    device_for(instructor)
    password_login(client, instructor)

    response = client.get(reverse("review:home"), headers={"HX-Request": "true"})

    assert response["HX-Redirect"].startswith(VERIFY)


def test_a_wrong_code_is_refused(client, staff_2fa, admin_user):
    device = device_for(admin_user)
    password_login(client, admin_user)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"

    response = client.post(VERIFY, {"token": wrong})

    assert response.status_code == 422
    assert "That code is not right" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_after_a_wrong_code_the_next_try_waits(client, staff_2fa, admin_user):
    device = device_for(admin_user)
    password_login(client, admin_user)
    client.post(VERIFY, {"token": "000000" if code_for(device) != "000000" else "111111"})

    response = client.post(VERIFY, {"token": code_for(device)})

    assert response.status_code == 422
    assert "Too many wrong codes in a row: wait" in response.content.decode()


def test_a_code_that_is_not_six_digits_gets_a_clear_message(client, staff_2fa, admin_user):
    device_for(admin_user)
    password_login(client, admin_user)

    response = client.post(VERIFY, {"token": "12ab"})

    assert response.status_code == 422
    assert "Enter the six digits your authenticator app shows." in response.content.decode()


def test_a_code_typed_with_a_space_is_accepted(client, staff_2fa, admin_user):
    device = device_for(admin_user)
    password_login(client, admin_user)
    code = code_for(device)

    assert client.post(VERIFY, {"token": f"{code[:3]} {code[3:]}"}).status_code == 302


def test_a_code_is_not_accepted_twice(client, staff_2fa, admin_user):
    device = device_for(admin_user)
    password_login(client, admin_user)
    code = code_for(device)
    client.post(VERIFY, {"token": code})
    client.logout()
    password_login(client, admin_user)

    assert client.post(VERIFY, {"token": code}).status_code == 422


def test_a_staff_user_with_no_device_is_sent_to_set_one_up(client, staff_2fa, admin_user):
    password_login(client, admin_user)

    to_verify = client.get("/admin/")
    to_setup = client.get(to_verify["Location"])

    assert to_setup.status_code == 302
    assert to_setup["Location"] == f"{SETUP}?next=%2Fadmin%2F"
    page = client.get(to_setup["Location"]).content.decode()
    assert "Your role needs a second factor" in page


def test_the_setup_page_shows_the_qr_code_as_inline_svg_without_styles_and_the_key_as_text(client, student_a):
    client.force_login(student_a)

    page = client.get(SETUP).content.decode()

    svg = re.search(r"<svg\b.*?</svg>", page, re.S).group()
    assert 'class="qr-code"' in svg
    assert 'role="img"' in svg
    assert "style" not in svg  # the CSP forbids inline styles
    secret = re.search(r'<code class="secret-key">([A-Z2-7 ]+)</code>', page).group(1)
    assert len(secret.replace(" ", "")) == 32  # 20 random bytes in base 32


def test_setup_confirms_a_device_with_a_valid_code(client, student_a):
    client.force_login(student_a)
    page = client.get(SETUP).content.decode()
    secret = re.search(r'<code class="secret-key">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")
    app = TOTPDevice(key=b32decode(secret).hex())  # what the authenticator app holds after scanning

    response = client.post(SETUP, {"token": code_for(app)})

    assert response.status_code == 302
    device = TOTPDevice.objects.get(user=student_a)
    assert device.confirmed
    assert device.key == app.key
    assert client.get(reverse("review:home")).status_code == 200  # verified by the setup code itself


def test_setup_refuses_a_wrong_code_and_makes_no_device(client, student_a):
    client.force_login(student_a)
    client.get(SETUP)

    response = client.post(SETUP, {"token": "123456"})

    assert response.status_code == 422
    assert "That code does not match" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=student_a).exists()


def test_a_student_who_turned_it_on_must_enter_a_code_at_the_next_login(client, student_a):
    device = device_for(student_a)
    password_login(client, student_a)

    assert client.get(reverse("review:home"))["Location"].startswith(VERIFY)
    client.post(VERIFY, {"token": code_for(device)})
    assert client.get(reverse("review:home")).status_code == 200


def test_a_student_turns_it_off_with_a_current_code(client, student_a):
    device = device_for(student_a)
    password_login(client, student_a)
    client.post(VERIFY, {"token": code_for(device)})

    response = client.post(DISABLE, {"token": code_for(device, steps_ahead=1)})

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=student_a).exists()
    client.logout()
    password_login(client, student_a)
    assert client.get(reverse("review:home")).status_code == 200


def test_turning_it_off_is_not_possible_with_the_password_alone(client, student_a):
    device_for(student_a)
    password_login(client, student_a)

    response = client.post(DISABLE, {"token": "123456"})

    assert response["Location"] == VERIFY
    assert TOTPDevice.objects.filter(user=student_a).exists()


def test_staff_cannot_turn_it_off_while_the_setting_requires_it(client, staff_2fa, admin_user):
    device = device_for(admin_user)
    password_login(client, admin_user)
    client.post(VERIFY, {"token": code_for(device)})

    response = client.post(DISABLE, {"token": code_for(device, steps_ahead=1)})

    assert response.status_code == 403
    assert "Your role needs a second factor" in response.content.decode()
    assert TOTPDevice.objects.filter(user=admin_user).exists()


def test_without_the_setting_staff_log_in_with_the_password_only(client, admin_user):
    password_login(client, admin_user, "/admin/login/?next=/admin/")

    assert client.get("/admin/").status_code == 200


def test_without_a_device_or_the_setting_a_page_costs_no_extra_query(client, student_a, settings):
    client.force_login(student_a)
    url = reverse("review:settings")
    client.get(url)  # the session is read from the cache from here on

    with CaptureQueriesContext(connection) as with_second_factor:
        client.get(url)
    settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if "otp" not in name and "second_factor" not in name]
    with CaptureQueriesContext(connection) as without:
        client.get(url)

    assert len(with_second_factor) == len(without) > 0


def test_the_security_links_say_whether_it_is_on(rf, student_a):
    request = rf.get("/account/")
    request.user = student_a
    assert "Set up a code from an authenticator app" in render_to_string(
        "accounts/_security_links.html", {"request": request}
    )
    device_for(student_a)
    assert "Turn it off" in render_to_string("accounts/_security_links.html", {"request": request})


def test_a_code_from_two_and_a_half_minutes_ago_is_refused(client, student_a, monkeypatch):
    device = device_for(student_a)
    password_login(client, student_a)
    stale = code_for(device)
    monkeypatch.setattr(time, "time", lambda real=time.time: real() + 5 * device.step)

    assert client.post(VERIFY, {"token": stale}).status_code == 422


def test_the_setup_page_shows_the_same_key_until_it_is_confirmed(client, student_a):
    client.force_login(student_a)
    key = re.compile(r'<code class="secret-key">([A-Z2-7 ]+)</code>')

    first = key.search(client.get(SETUP).content.decode()).group(1)
    client.post(SETUP, {"token": "123456"})

    assert key.search(client.get(SETUP).content.decode()).group(1) == first
