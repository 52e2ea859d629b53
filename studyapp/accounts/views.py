from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from studyapp.accounts.forms import SignUpForm
from studyapp.accounts.services import sign_up_student
from studyapp.http import HtmxHttpRequest


@require_http_methods(["GET", "POST"])
def sign_up(request: HtmxHttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("review:home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = sign_up_student(
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password1"],
            email=form.cleaned_data.get("email", ""),
        )
        login(request, user, backend="studyapp.accounts.backends.UserWithRolesBackend")
        messages.success(request, f"Welcome, {user.username}! Your student account is ready.")
        return redirect(_next_page(request) or "review:home")
    return render(request, "registration/sign_up.html", {"form": form, "next": _next_page(request)})


def _next_page(request: HtmxHttpRequest) -> str:
    """The page asked for with ?next= (as the login page has it), if it is on this site; else ""."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return url if safe else ""
