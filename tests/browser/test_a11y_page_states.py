"""Pages the every-page audit can't reach by a GET of a URL name: refusals, limits and the lockout (answers to a
POST), the forbidden and CSRF-failure pages, the set-a-new-password form behind a valid reset link, turning off a
second factor that is on, and the pages of our own markup inside Django's admin (the move-items action, the
parameter fits). Each is reached as a user would reach it and audited by axe at desktop and phone widths (serious
and critical violations fail; a page of ours must not scroll sideways on a phone)."""

from __future__ import annotations

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.oath import totp

from tests.browser.accessibility import violations
from tests.browser.conftest import log_in
from tests.factories import (
    PASSWORD,
    ClassroomFactory,
    DeckFactory,
    ItemFactory,
    MembershipFactory,
    ParameterFitFactory,
    QuizFactory,
    TOTPDeviceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DESKTOP, PHONE = 1280, 390


def audit_at_both_widths(page, state: str, *, ours: bool = True) -> None:
    found = []
    for width in (DESKTOP, PHONE):
        page.set_viewport_size({"width": width, "height": 900})
        found += [f"{width} px: {violation}" for violation in violations(page)]
        if ours and width == PHONE and (scroll := page.evaluate("document.documentElement.scrollWidth")) > PHONE:
            found.append(f"{width} px: the page scrolls sideways ({scroll} px wide)")
    page.set_viewport_size({"width": DESKTOP, "height": 900})
    assert not found, f"{state} ({page.url}):\n" + "\n".join(found)


def submit_login(page, live_server, username: str, password: str):
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        page.get_by_role("button", name="Log in").click()
    return answer.value


def test_the_lockout_page_after_too_many_wrong_passwords(live_server, page, settings):
    settings.AXES_FAILURE_LIMIT = 2
    UserFactory(username="forgetful", roles=["Students"])
    statuses = [submit_login(page, live_server, "forgetful", "wrong-password").status for _ in range(3)]

    assert statuses[-1] == 429, statuses
    assert page.get_by_role("heading", level=1).inner_text() == "Too many failed logins"
    audit_at_both_widths(page, "lockout")


def test_the_sign_up_and_password_reset_limits(live_server, page, settings):
    cache.clear()  # the limits count in the cache, which outlives a test
    settings.SIGNUP_RATE = "1/h"
    settings.PASSWORD_RESET_RATE = "1/h"
    try:
        for username in ("first_newcomer", "second_newcomer"):
            page.context.clear_cookies()
            page.goto(live_server.url + reverse("sign_up"))
            page.locator("#id_username").fill(username)
            page.locator("#id_password1").fill(PASSWORD)
            page.locator("#id_password2").fill(PASSWORD)
            page.get_by_role("button", name="Sign up").click()
        assert "second_newcomer" not in page.content()
        page.get_by_role("heading", level=1).wait_for()
        audit_at_both_widths(page, "sign-up limit reached")

        page.context.clear_cookies()
        for _ in range(2):
            page.goto(live_server.url + reverse("password_reset"))
            page.get_by_label("Email").fill("someone@example.org")
            with page.expect_response(lambda response: response.request.method == "POST") as answer:
                page.get_by_role("button", name="Send the link").click()
        assert answer.value.status == 429
        audit_at_both_widths(page, "password reset limit reached")
    finally:
        cache.clear()


def test_the_set_a_new_password_form_behind_a_valid_reset_link(live_server, page):
    user = UserFactory(username="resetting", roles=["Students"])
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)

    page.goto(live_server.url + reverse("password_reset_confirm", kwargs={"uidb64": uidb64, "token": token}))

    assert page.url.endswith("/set-password/")
    page.locator("#id_new_password1").wait_for()
    audit_at_both_widths(page, "set a new password")


def test_a_refused_email_change_link_a_forbidden_page_and_a_refused_quiz(live_server, page):
    student = UserFactory(username="refused_student", roles=["Students"])
    classroom = ClassroomFactory(created_by=UserFactory(roles=["Instructors"]))
    MembershipFactory(classroom=classroom, student=student)
    quiz = QuizFactory(classroom=classroom, title="An empty quiz")  # no decks: starting it is refused
    log_in(page, live_server, "refused_student", PASSWORD)

    response = page.goto(live_server.url + reverse("email_change_confirm", kwargs={"token": "not-a-token"}))
    assert response.status >= 400
    audit_at_both_widths(page, "refused email change link")

    response = page.goto(live_server.url + reverse("library:my_decks"))  # an instructor's page
    assert response.status == 403
    audit_at_both_widths(page, "forbidden")

    page.goto(live_server.url + reverse("quizzes:detail", kwargs={"pk": quiz.pk}))
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        page.locator(f"form[action='{reverse('quizzes:start', kwargs={'pk': quiz.pk})}'] [type=submit]").click()
    assert answer.value.status == 409
    assert "no questions" in page.get_by_role("alert").inner_text()
    audit_at_both_widths(page, "refused quiz start")


def test_turning_off_a_second_factor_that_is_on_and_a_wrong_code(live_server, page):
    device = TOTPDeviceFactory(user=UserFactory(username="with_phone", roles=["Students"]), confirmed=True)
    log_in(page, live_server, "with_phone", PASSWORD)
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    page.get_by_label("Code").fill(f"{code:06d}")
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(lambda url: reverse("second_factor_verify") not in url)

    page.goto(live_server.url + reverse("second_factor_disable"))
    audit_at_both_widths(page, "second factor turn-off (when on)")
    page.get_by_label("Code").fill("000000" if code else "111111")  # not the code of now
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        page.locator("main [type=submit]").click()
    assert answer.value.status == 422
    audit_at_both_widths(page, "second factor turn-off, a wrong code")


def test_the_csrf_failure_page(live_server, page):
    UserFactory(username="stale_form", roles=["Students"])
    page.goto(live_server.url + reverse("login"))
    page.context.clear_cookies()  # the form outlived its CSRF cookie (a browser restarted, cookies cleared)
    page.get_by_label("Username").fill("stale_form")
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        page.get_by_role("button", name="Log in").click()

    assert answer.value.status == 403
    audit_at_both_widths(page, "CSRF failure")


def test_our_pages_inside_the_admin(live_server, page, admin_user):
    deck = DeckFactory(title="To move from")
    DeckFactory(title="To move to")
    ItemFactory.create_batch(2, deck=deck, passage=None)
    ParameterFitFactory(learner=UserFactory(username="fitted"))
    log_in(page, live_server, admin_user.username, PASSWORD)

    page.goto(live_server.url + reverse("admin:library_item_changelist"))
    page.locator("#action-toggle").check()
    page.locator("select[name=action]").select_option("move_items")
    page.get_by_role("button", name="Go").click()
    page.get_by_role("heading", name="Move items").wait_for()
    audit_at_both_widths(page, "admin: move items to another deck", ours=False)

    page.goto(live_server.url + reverse("admin:memory_parameterfit_changelist"))
    audit_at_both_widths(page, "admin: parameter fits", ours=False)
    page.locator("#result_list tbody a").first.click()
    page.locator("#content").wait_for()
    audit_at_both_widths(page, "admin: one parameter fit", ours=False)
