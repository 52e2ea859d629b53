"""The second factor (TOTP through django-otp): who must give a code, and the middleware that asks for it.

A user must verify a code after the password when they have turned a second factor on, or, with
REQUIRE_STAFF_2FA, when they are staff or a superuser. Until then every page, the admin's too, sends them to
the code page (or, with no device yet, to set one up); only that page, the setup page and logging out answer.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect
from django_otp.plugins.otp_totp.models import TOTPDevice

# Whether the logged-in user has a confirmed device, noted in the session at login so that a page costs no
# query to find out (the flag is refreshed when the user turns the second factor on or off).
HAS_DEVICE_SESSION_KEY = "accounts_second_factor_on"

# Pages a user who still owes a code may open.
_OPEN_URL_NAMES = ("second_factor_verify", "second_factor_setup", "logout", "admin:logout")


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def required_by_role(user) -> bool:
    """Staff and superusers must use a second factor when REQUIRE_STAFF_2FA is on."""
    return settings.REQUIRE_STAFF_2FA and (user.is_staff or user.is_superuser)


def owes_a_code(request: HttpRequest) -> bool:
    """Logged in with the password, but not yet verified with a code where one is needed."""
    # No session cookie, no login; then the flag and the setting: most requests never need `request.user` here.
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    if not request.session.get(HAS_DEVICE_SESSION_KEY) and not settings.REQUIRE_STAFF_2FA:
        return False
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return False
    return bool(request.session.get(HAS_DEVICE_SESSION_KEY)) or required_by_role(user)


@receiver(user_logged_in, dispatch_uid="accounts_note_second_factor_at_login")
def note_second_factor_at_login(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[HAS_DEVICE_SESSION_KEY] = TOTPDevice.objects.filter(user=user, confirmed=True).exists()


class SecondFactorMiddleware:
    """Sends a user who owes a code to the code page. After django_otp's OTPMiddleware (it sets `is_verified`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._open_paths: frozenset[str] | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if owes_a_code(request) and request.path_info not in self.open_paths():
            url = reverse("second_factor_verify")
            if request.method == "GET":  # back to the page asked for; a POST's URL is no page to land on
                url += "?" + urlencode({"next": request.get_full_path()})
            if request.headers.get("HX-Request"):
                return HttpResponseClientRedirect(url)  # a whole page, not a form swapped into a card
            return redirect(url)
        return self.get_response(request)

    def open_paths(self) -> frozenset[str]:
        # Reversed on first use, not at start-up: the URLconf may not be loaded yet then.
        if self._open_paths is None:
            self._open_paths = frozenset(reverse(name) for name in _OPEN_URL_NAMES)
        return self._open_paths
