"""Changing the email address: a signed, time-limited link to the new address, used by the account's owner."""

from __future__ import annotations

import re
import time
from html import unescape
from unittest import mock

import pytest
from django.core import mail, signing
from django.urls import reverse

from studyapp.accounts.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def ask_to_change(client, new_email: str, password: str = PASSWORD):
    return client.post(reverse("email_change"), {"new_email": new_email, "password": password})


def link_in(message) -> str:
    match = re.search(r"http://testserver(/account/email/confirm/\S+/)", message.body)
    assert match, message.body
    return match.group(1)


def text(response) -> str:
    return unescape(response.content.decode())


def address_of(user: User) -> str:
    user.refresh_from_db()
    return user.email


def test_the_address_changes_only_when_the_link_mailed_to_the_new_address_is_confirmed(client, student_a):
    client.force_login(student_a)

    response = ask_to_change(client, "new-home@example.org")

    assert response.status_code == 302
    assert response["Location"] == reverse("account")
    assert address_of(student_a) == "student_a@example.org"
    [message] = mail.outbox
    assert message.to == ["new-home@example.org"]
    link = link_in(message)
    confirm_page = client.get(link)
    assert confirm_page.status_code == 200
    assert "Use <strong>new-home@example.org</strong>" in text(confirm_page)
    assert address_of(student_a) == "student_a@example.org"  # opening the link (or a mail scanner) changes nothing
    confirmed = client.post(link, follow=True)
    assert address_of(student_a) == "new-home@example.org"
    assert "Your email address is now new-home@example.org." in text(confirmed)


def test_the_old_address_is_told_of_the_change(client, student_a):
    client.force_login(student_a)
    ask_to_change(client, "new-home@example.org")

    client.post(link_in(mail.outbox[0]))

    notice = mail.outbox[-1]
    assert notice.to == ["student_a@example.org"]
    assert notice.subject == "Your Study tool email address was changed"
    assert "now new-home@example.org instead of student_a@example.org" in notice.body


def test_a_wrong_password_is_refused_with_422_and_nothing_is_mailed(client, student_a):
    client.force_login(student_a)

    response = ask_to_change(client, "new-home@example.org", password="not-my-password")

    assert response.status_code == 422
    assert "That isn't your password." in text(response)
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("new_email", "message"),
    [("not an address", "Enter a valid email address."), ("Student_A@example.org", "That is already your address.")],
)
def test_a_bad_or_unchanged_address_is_refused_with_422(client, student_a, new_email, message):
    client.force_login(student_a)

    response = ask_to_change(client, new_email)

    assert response.status_code == 422
    assert message in text(response)
    assert mail.outbox == []


def test_an_address_another_account_uses_gets_a_notice_not_a_link_and_the_asker_sees_the_usual_page(
    client, student_a, student_b
):
    client.force_login(student_a)

    taken = ask_to_change(client, "STUDENT_B@example.org")  # another account's address, in another case
    free = ask_to_change(client, "free@example.org")

    assert taken.status_code == free.status_code == 302
    notice, link_mail = mail.outbox
    assert notice.to == ["STUDENT_B@example.org"]
    assert "an account already uses this address" in notice.body
    assert "/account/email/confirm/" not in notice.body
    assert link_mail.to == ["free@example.org"]
    assert address_of(student_a) == "student_a@example.org"


def test_a_link_opened_by_another_user_is_refused_and_changes_nothing(client, student_a, student_b):
    client.force_login(student_a)
    ask_to_change(client, "new-home@example.org")
    link = link_in(mail.outbox[0])
    client.force_login(student_b)

    shown = client.get(link)
    posted = client.post(link)

    assert shown.status_code == posted.status_code == 403
    assert "This link confirms an address for another account." in text(posted)
    assert address_of(student_a) == "student_a@example.org"
    assert address_of(student_b) == "student_b@example.org"


def test_a_link_is_refused_after_it_expires(client, student_a, settings):
    settings.EMAIL_CHANGE_TIMEOUT = 60 * 60
    client.force_login(student_a)
    ask_to_change(client, "new-home@example.org")
    link = link_in(mail.outbox[0])

    with mock.patch("django.core.signing.time.time", return_value=time.time() + 60 * 60 + 5):
        response = client.post(link)

    assert response.status_code == 410
    assert "This link has expired." in text(response)
    assert address_of(student_a) == "student_a@example.org"


def test_a_link_for_a_stale_request_is_refused(client, student_a):
    client.force_login(student_a)
    ask_to_change(client, "first@example.org")
    ask_to_change(client, "second@example.org")
    first, second = (link_in(message) for message in mail.outbox)
    client.post(second)

    response = client.post(first)

    assert response.status_code == 400
    assert "This link is out of date" in text(response)
    assert address_of(student_a) == "second@example.org"


def test_a_tampered_link_is_refused(client, student_a):
    client.force_login(student_a)
    ask_to_change(client, "new-home@example.org")
    token = link_in(mail.outbox[0]).split("/")[-2]
    payload = signing.loads(token, salt="studyapp.accounts.email_change")
    # The same payload with another address, signed by someone who doesn't hold the site's key.
    forged = signing.dumps(
        payload | {"email": "evil@example.org"}, key="a-guess", salt="studyapp.accounts.email_change"
    )

    response = client.post(reverse("email_change_confirm", args=[forged]))

    assert response.status_code == 400
    assert "This isn't a valid confirmation link." in text(response)
    assert address_of(student_a) == "student_a@example.org"


def test_an_address_taken_after_the_link_was_sent_is_refused_when_confirming(client, student_a):
    client.force_login(student_a)
    ask_to_change(client, "contested@example.org")
    UserFactory(username="quicker", email="Contested@example.org")

    response = client.post(link_in(mail.outbox[0]))

    assert response.status_code == 409
    assert "Another account now uses this address" in text(response)
    assert address_of(student_a) == "student_a@example.org"


def test_an_account_without_an_address_can_add_one_and_no_notice_goes_anywhere(client, student_a):
    User.objects.filter(pk=student_a.pk).update(email="")
    client.force_login(student_a)
    ask_to_change(client, "first-address@example.org")

    client.post(link_in(mail.outbox[0]))

    assert address_of(student_a) == "first-address@example.org"
    assert len(mail.outbox) == 1  # the link only
