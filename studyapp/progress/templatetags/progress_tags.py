"""Filters for the progress pages: shares as percentages, durations as words, due dates in the learner's days."""

from __future__ import annotations

from datetime import datetime

from django import template

from studyapp.progress.due import LearnerCalendar

register = template.Library()


@register.filter
def percent(value: float | None, decimals: int = 0) -> str:
    """0.873 -> "87%"; None -> "—" (nothing to show yet)."""
    if value is None:
        return "—"
    return f"{value * 100:.{decimals}f}%"


@register.filter
def duration(milliseconds: int | None) -> str:
    """45_396 -> "45 s"; 754_000 -> "12 min"; 5_400_000 -> "1 h 30 min"."""
    seconds = round((milliseconds or 0) / 1000)
    if seconds < 60:
        return f"{seconds} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


@register.filter
def due_label(due: datetime | None, calendar: LearnerCalendar) -> str:
    """`{{ state.due|due_label:calendar }}`: "overdue", "today", "tomorrow" or a date, in the learner's days."""
    return calendar.due_label(due) if due is not None else "—"
