"""Login throttling's lockout page (django-axes) and the second factor's pages (django-otp, TOTP)."""

from __future__ import annotations

import time
from base64 import b32encode
from datetime import timedelta
from urllib.parse import urlencode

import segno
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_http_methods
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from studyapp.accounts.second_factor import HAS_DEVICE_SESSION_KEY, confirmed_device, required_by_role
from studyapp.accounts.security_forms import TokenForm
from studyapp.accounts.views import _next_page
from studyapp.http import posted

# The secret of a device being set up waits in the session until the user proves their app has it.
PENDING_KEY_SESSION_KEY = "accounts_second_factor_pending_key"


def locked_out(request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None) -> HttpResponse:
    """axes' AXES_LOCKOUT_CALLABLE: the page for a login refused during a cool-off, saying when to try again."""
    cool_off = get_cool_off(request)
    username = get_client_username(request, credentials) or ""
    # The cool-off runs from the last failure counted (tries during it are not counted, so the time holds).
    last_failure = (
        AccessAttempt.objects.filter(username=username, ip_address=request.axes_ip_address).aggregate(
            last=Max("attempt_time")
        )["last"]
        or getattr(request, "axes_attempt_time", None)
        or timezone.now()
    )
    retry_at = last_failure + cool_off
    wait = max(retry_at - timezone.now(), timedelta(0))
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "retry_at": retry_at,
        "minutes_left": max(1, round(wait.total_seconds() / 60)),
    }
    response = render(request, "accounts/lockout.html", context, status=429)
    response["Retry-After"] = str(int(wait.total_seconds()))
    return response


def _go_on(request: HttpRequest) -> HttpResponse:
    return redirect(_next_page(request) or settings.LOGIN_REDIRECT_URL)


@require_http_methods(["GET", "POST"])
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """The code asked for after the password."""
    device = confirmed_device(request.user)
    if device is None:
        if required_by_role(request.user):
            return redirect(_with_next("second_factor_setup", request))
        request.session[HAS_DEVICE_SESSION_KEY] = False  # turned off in another session
        return _go_on(request)
    form = TokenForm(posted(request))
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
            allowed, details = device.verify_is_allowed()
            if not allowed:
                seconds = max(1, int((details["locked_until"] - timezone.now()).total_seconds()) + 1)
                form.add_error("token", f"Too many wrong codes in a row: wait {seconds} seconds, then try again.")
            elif device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                request.session[HAS_DEVICE_SESSION_KEY] = True
                return _go_on(request)
            else:
                form.add_error("token", "That code is not right. Check the app's clock, or wait for the next code.")
    status = 422 if form.errors else 200
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next_page(request)}, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """Shows a new secret (a QR code and as text) and turns the second factor on once a code from it matches."""
    if confirmed_device(request.user) is not None:
        return render(request, "accounts/otp_setup.html", {"already_on": True})
    if PENDING_KEY_SESSION_KEY not in request.session:  # one secret until it is confirmed, however often shown
        request.session[PENDING_KEY_SESSION_KEY] = random_hex(20)
    key = request.session[PENDING_KEY_SESSION_KEY]
    device = TOTPDevice(user=request.user, name="Authenticator app", key=key, confirmed=True)
    form = TokenForm(posted(request))
    if request.method == "POST" and form.is_valid():
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = time.time()
        if totp.verify(int(form.cleaned_data["token"]), device.tolerance):
            device.last_t = totp.t()  # this code can't be used again to log in
            with transaction.atomic():
                TOTPDevice.objects.filter(user=request.user).delete()
                device.save()
            del request.session[PENDING_KEY_SESSION_KEY]
            otp_login(request, device)
            request.session[HAS_DEVICE_SESSION_KEY] = True
            messages.success(request, "Second factor on: after your password you will be asked for a code.")
            return _go_on(request)
        form.add_error(
            "token", "That code does not match. Scan the code again (or type the key), then enter a new code."
        )
    context = {
        "form": form,
        "qr_svg": _qr_svg(device.config_url),
        "secret": _grouped(b32encode(device.bin_key).decode()),
        "required": required_by_role(request.user),
        "next": _next_page(request),
    }
    return render(request, "accounts/otp_setup.html", context, status=422 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@login_required
def disable(request: HttpRequest) -> HttpResponse:
    """Turns the second factor off, after a current code. Not for those whose role requires it."""
    device = confirmed_device(request.user)
    required = required_by_role(request.user)
    form = TokenForm(posted(request))
    context = {"device": device, "required": required, "form": form, "next": _next_page(request)}
    if device is None:
        return render(request, "accounts/otp_disable.html", context)
    if required:
        return render(request, "accounts/otp_disable.html", context, status=403 if request.method == "POST" else 200)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
            if device.verify_token(form.cleaned_data["token"]):
                TOTPDevice.objects.filter(user=request.user).delete()
                request.session[HAS_DEVICE_SESSION_KEY] = False
                request.session.pop(DEVICE_ID_SESSION_KEY, None)
                messages.success(request, "Second factor off: your password alone logs you in.")
                return _go_on(request)
            form.add_error("token", "That code is not right; the second factor stays on.")
    return render(request, "accounts/otp_disable.html", context, status=422 if form.errors else 200)


def _with_next(url_name: str, request: HttpRequest) -> str:
    next_page = _next_page(request)
    return reverse(url_name) + (f"?{urlencode({'next': next_page})}" if next_page else "")


def _qr_svg(data: str) -> SafeString:
    """The QR code as inline SVG: segno writes paths with presentation attributes, no style, so the CSP allows it."""
    svg = segno.make(data, error="m", micro=False).svg_inline(
        scale=5, dark="#000", light="#fff", svgclass="qr-code", lineclass=None, title="QR code of your secret key"
    )
    return mark_safe(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S308 - made here from our own data


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
