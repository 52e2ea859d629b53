"""The retention simulator on the study settings page: a year of study per desired retention, for the signed-in learner.

One GET view. The settings page loads its panel with htmx (the first run of the simulator can take
seconds: studyapp/memory/simulation.py); moving the slider asks for the chart alone (the request's
HX-Target is the chart); without JavaScript the same URL is a page of its own with a Redraw button.
Only `request.user`'s settings and collection are ever read.
"""

from __future__ import annotations

import logging
from decimal import Decimal, InvalidOperation

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from studyapp.http import HtmxHttpRequest
from studyapp.memory import simulation
from studyapp.memory.simulation_chart import retention_chart
from studyapp.review import services as review_services

logger = logging.getLogger(__name__)

CHART_TARGET = "forecast-chart"


class BadRetention(ValueError):
    pass


def chosen_retention(text: str | None, *, default: Decimal, highest: Decimal) -> Decimal:
    """The slider's value, checked: a number of at most two decimals from 0.70 to `highest`; none means `default`."""
    if text is None or text == "":
        return default
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise BadRetention(f"“{text[:20]}” is not a retention: give a number such as 0.85.") from None
    if not value.is_finite() or not simulation.LOWEST_RETENTION <= value <= highest:
        raise BadRetention(f"A retention to show is from {simulation.LOWEST_RETENTION} to {highest}.")
    if value != value.quantize(Decimal("0.01")):
        raise BadRetention("A retention to show has at most two decimals, such as 0.85.")
    return value.quantize(Decimal("0.01"))


@require_safe
@login_required
def retention_forecast(request: HtmxHttpRequest) -> HttpResponse:
    study_settings = review_services.settings_for(request.user)
    collection = simulation.collection_of(study_settings, size=simulation.collection_size(request.user))
    # The slider reaches 0.97, or the learner's own retention when it is set higher.
    highest = max(simulation.HIGHEST_RETENTION, collection.desired_retention)
    default = min(collection.desired_retention, highest)
    context: dict = {
        "collection": collection,
        "personal_parameters": bool(study_settings.fsrs_parameters),
        "highest": highest,
        "chart_target": CHART_TARGET,
        "usable_parameters": simulation.usable(collection.parameters),
    }
    slider = bool(request.htmx) and request.htmx.target == CHART_TARGET
    # The slider's redraw is read out (app.js, data-announce); the panel loading after the page is not.
    context["announce"] = slider
    template = (
        "memory/_forecast_chart.html"
        if slider
        else "memory/_forecast_panel.html"
        if request.htmx
        else "memory/retention_forecast.html"
    )
    try:
        chosen = chosen_retention(request.GET.get("retention"), default=default, highest=highest)
    except BadRetention as error:
        context.update(error=str(error), chosen=default)
        return render(request, template, context, status=422)
    context["chosen"] = chosen
    if collection.size and collection.new_per_day and context["usable_parameters"]:
        try:
            forecast = simulation.cached_forecast(request.user.pk, collection)
        except simulation.SimulationFailed:
            logger.exception("retention forecast failed for learner %s", request.user.pk)
            context["failed"] = True
            return render(request, template, context)
        context.update(
            forecast=forecast,
            advice=simulation.advice(forecast),
            at_chosen=forecast.at(chosen),
            chart=retention_chart(forecast, chosen),
        )
    return render(request, template, context)
