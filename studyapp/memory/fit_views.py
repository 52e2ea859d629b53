"""The "Optimise" panel of the study settings page: start a fit, follow it, restore the parameters before it.

Each view answers htmx with the panel alone (memory/_fit_panel.html) and a plain browser with the
settings page again, where the panel shows the same thing; so a reload always finds the fit.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from studyapp.http import HtmxHttpRequest
from studyapp.memory import selectors, services

SETTINGS_PANEL = "optimise"  # the panel's id on the settings page


def _settings_page() -> str:
    return f"{reverse('review:settings')}#{SETTINGS_PANEL}"


def _panel(
    request: HtmxHttpRequest, *, error: str = "", notice: str = "", status: int = 200, started: bool = False
) -> HttpResponse:
    context = selectors.fit_panel(request.user, error=error, notice=notice)
    # The stage is read out when the fit starts, not on every poll that finds it unchanged.
    context["started"] = started
    return render(request, "memory/_fit_panel.html", context, status=status)


@require_POST
@login_required
def optimise(request: HtmxHttpRequest) -> HttpResponse:
    try:
        services.start_fit(learner=request.user, now=timezone.now())
    except services.TooFewReviews as refused:
        if request.htmx:
            return _panel(request, error=refused.message, status=422)
        messages.error(request, refused.message)
        return redirect(_settings_page())
    if request.htmx:
        return _panel(request, started=True)
    messages.success(request, "Your fit has started; this page shows how far it has got.")
    return redirect(_settings_page())


@require_safe
@login_required
def fit_status(request: HtmxHttpRequest) -> HttpResponse:
    """The panel, polled by htmx while a fit runs. A plain browser is sent to the settings page, which shows it."""
    if not request.htmx:
        return redirect(_settings_page())
    return _panel(request)


@require_POST
@login_required
def restore(request: HtmxHttpRequest, fit_id: int) -> HttpResponse:
    fit = selectors.get_fit_for_learner(request.user, fit_id)
    try:
        updated = services.restore_parameters(learner=request.user, fit=fit, now=timezone.now())
    except services.RestoreRefused as refused:
        if request.htmx:
            return _panel(request, error=refused.message, status=422)
        messages.error(request, refused.message)
        return redirect(_settings_page())
    done = (
        f"Restored the parameters in use before that fit; {updated:,} card{'s' if updated != 1 else ''} "
        "recomputed with them."
    )
    if request.htmx:
        return _panel(request, notice=done)
    messages.success(request, done)
    return redirect(_settings_page())
