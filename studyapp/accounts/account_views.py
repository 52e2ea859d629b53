"""The account page, password reset by email, changing the email address, and deleting the account."""

from __future__ import annotations

from axes.utils import reset as reset_login_failures
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe
from django_ratelimit.core import get_usage

from studyapp.accounts import selectors, services
from studyapp.accounts.account_forms import AccountDeletionForm, EmailChangeForm
from studyapp.accounts.client_ip import ratelimit_key
from studyapp.http import HtmxHttpRequest, posted

# --- The account page ------------------------------------------------------------------------------------


@login_required
@require_safe
def account(request: HtmxHttpRequest) -> HttpResponse:
    return render(request, "accounts/account.html", {"account_user": request.user})


# --- Password reset: Django's views, with a 422 for a form to correct ----------------------------------------


class _UnprocessableWhenInvalid:
    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=422)


def _reset_address_key(group: str, request) -> str:
    return request.POST.get("email", "").strip().casefold()


# Reset requests are counted per client address and per email address asked for (so nobody can flood a mailbox,
# from one address or many); the count doesn't depend on whether the address has an account.
_RESET_LIMITS = (
    ("accounts.password_reset.client", ratelimit_key),
    ("accounts.password_reset.email", _reset_address_key),
)


class PasswordResetView(_UnprocessableWhenInvalid, auth_views.PasswordResetView):
    """Says the same whether or not the address has an account (Django's form mails only the accounts it finds)."""

    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    extra_email_context = {"hours": settings.PASSWORD_RESET_TIMEOUT // 3600}

    def form_valid(self, form):
        rate = settings.PASSWORD_RESET_RATE
        usages = [get_usage(self.request, group=group, key=key, rate=rate) for group, key in _RESET_LIMITS]
        reached = [usage for usage in usages if usage is not None and usage["count"] >= usage["limit"]]
        if reached:
            minutes_left = max(1, round(max(usage["time_left"] for usage in reached) / 60))
            context = {"minutes_left": minutes_left}
            return render(self.request, "registration/password_reset_limited.html", context, status=429)
        for group, key in _RESET_LIMITS:
            get_usage(self.request, group=group, key=key, rate=rate, increment=True)
        return super().form_valid(form)


class PasswordResetConfirmView(_UnprocessableWhenInvalid, auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        # Whoever set a new password through the mailed link holds the mailbox: a login pause (axes) is over.
        reset_login_failures(username=form.user.get_username())
        return response


# --- Changing the email address ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def email_change(request: HtmxHttpRequest) -> HttpResponse:
    form = EmailChangeForm(request.user, posted(request))
    if request.method == "POST":
        if form.is_valid():
            new_email = form.cleaned_data["new_email"]
            services.request_email_change(
                user=request.user,
                new_email=new_email,
                link_for=lambda token: request.build_absolute_uri(reverse("email_change_confirm", args=[token])),
            )
            hours = settings.EMAIL_CHANGE_TIMEOUT // 3600
            messages.success(
                request,
                f"We sent a link to {new_email}. Open it within {hours} hours, logged in as {request.user.username}, "
                "to start using that address. Until then your address stays as it is.",
            )
            return redirect("account")
        return render(request, "accounts/email_change.html", {"form": form}, status=422)
    return render(request, "accounts/email_change.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def email_change_confirm(request: HtmxHttpRequest, token: str) -> HttpResponse:
    """GET asks to confirm (a mail scanner that follows the link changes nothing); POST changes the address."""
    try:
        if request.method == "POST":
            services.confirm_email_change(user=request.user, token=token)
            messages.success(request, f"Your email address is now {request.user.email}.")
            return redirect("account")
        new_email = services.read_email_change(token, user=request.user)
    except services.EmailChangeRefused as refusal:
        return render(
            request, "accounts/email_change_refused.html", {"message": refusal.message}, status=refusal.status
        )
    return render(request, "accounts/email_change_confirm.html", {"new_email": new_email, "token": token})


# --- Deleting the account -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: HtmxHttpRequest) -> HttpResponse:
    user = request.user
    if selectors.is_last_superuser(user):
        return render(request, "accounts/account_delete.html", {"refusal": services.LAST_SUPERUSER_MESSAGE}, status=409)
    summary = selectors.deletion_summary(user)
    heir = selectors.heir_admin(user)
    form = AccountDeletionForm(user, posted(request), offer_transfer=summary.has_authored_work and heir is not None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.delete_account(user, decks=form.fate)
            except services.AccountDeletionRefused as refusal:
                context = {"refusal": refusal.message}
                return render(request, "accounts/account_delete.html", context, status=409)
            username = user.username
            logout(request)
            messages.success(request, f"The account {username} and its data are deleted. Goodbye.")
            return redirect("library:home")
        status = 422
    else:
        status = 200
    context = {"form": form, "summary": summary}
    return render(request, "accounts/account_delete.html", context, status=status)
