"""The settings page's "Optimise" panel, drawn from the memory app's selectors (review's view knows nothing of it)."""

from __future__ import annotations

from django import template

from studyapp.memory import selectors

register = template.Library()


@register.inclusion_tag("memory/_fit_panel.html", takes_context=True)
def optimise_panel(context) -> dict:
    request = context["request"]
    return {**selectors.fit_panel(request.user), "request": request, "csrf_token": context.get("csrf_token")}


@register.filter
def percentage_points(value: float | None) -> str:
    """0.0715 -> '7.2' (RMSE in bins is a gap between two probabilities, read best in percentage points)."""
    return "–" if value is None else f"{value * 100:.1f}"
