from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import get_usage

from studyapp.accounts.client_ip import ratelimit_key
from studyapp.accounts.forms import LoginForm, SignUpForm
from studyapp.accounts.services import sign_up_student
from studyapp.http import HtmxHttpRequest, posted

SIGN_UP_GROUP = "accounts.sign_up"


@require_http_methods(["GET", "POST"])
def sign_up(request: HtmxHttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("review:home")
    if request.method == "POST" and (usage := _sign_up_limit_reached(request)):
        minutes_left = max(1, round(usage["time_left"] / 60))
        context = {"limit": usage["limit"], "minutes_left": minutes_left}
        return render(request, "accounts/sign_up_limited.html", context, status=429)
    form = SignUpForm(posted(request))
    if request.method == "POST" and form.is_valid():
        user = sign_up_student(
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password1"],
            email=form.cleaned_data.get("email", ""),
        )
        _count_sign_up(request)
        login(request, user, backend="studyapp.accounts.backends.UserWithRolesBackend")
        messages.success(request, f"Welcome, {user.username}! Your student account is ready.")
        return redirect(_next_page(request) or "review:home")
    context = {"form": form, "next": _next_page(request)}
    return render(request, "registration/sign_up.html", context, status=422 if form.errors else 200)


def _sign_up_limit_reached(request: HtmxHttpRequest) -> dict | None:
    """The usage (count, limit, seconds left) when the client's address has made SIGNUP_RATE's worth of accounts.

    django-ratelimit keeps the count in the cache, per address and fixed window. Only accounts made count
    (`_count_sign_up`), not a form sent back with a typo.
    """
    usage = get_usage(request, group=SIGN_UP_GROUP, key=ratelimit_key, rate=settings.SIGNUP_RATE)
    return usage if usage is not None and usage["count"] >= usage["limit"] else None


def _count_sign_up(request: HtmxHttpRequest) -> None:
    get_usage(request, group=SIGN_UP_GROUP, key=ratelimit_key, rate=settings.SIGNUP_RATE, increment=True)


def _next_page(request: HtmxHttpRequest) -> str:
    """The page asked for with ?next= (as the login page has it), if it is on this site; else ""."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return url if safe and url.startswith("/") else ""  # a bare word would go to redirect() as a view name: a 500


class LoginView(auth_views.LoginView):
    """Django's login, with the username's length checked and 422 for wrong credentials, as for any form."""

    form_class = LoginForm

    def form_invalid(self, form: LoginForm) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=422)
