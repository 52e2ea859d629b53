"""When an item is due, in the learner's days: the one notion of "today" for every progress page.

The learner's day runs in their time zone from their `day_starts_at` hour (04:00 by default), so at 00:36
an item due at 09:00 is due tomorrow, not today, and "due today" means what the study queue counts as
due today (everything due before the day's end). Django's `naturalday` would compare calendar dates in
the server's time zone instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import dateformat

from studyapp.review.days import LearnerDay
from studyapp.review.models import StudySettings


@dataclass(frozen=True)
class LearnerCalendar:
    """The learner's settings and their day at the moment a page is drawn."""

    settings: StudySettings
    today: LearnerDay

    @classmethod
    def at(cls, study_settings: StudySettings, now: datetime) -> LearnerCalendar:
        return cls(study_settings, study_settings.day_at(now))

    def day_of(self, moment: datetime) -> date:
        """The learner's day (its name) that contains `moment`."""
        return self.settings.day_at(moment).date

    def due_label(self, due: datetime) -> str:
        """In words: overdue (due on an earlier day), today, tomorrow, or its day ("3 Feb", "3 Feb 2027")."""
        if due < self.today.start:
            return "overdue"
        if due < self.today.end:
            return "today"
        day = self.day_of(due)
        if day == self.today.date + timedelta(days=1):
            return "tomorrow"
        return dateformat.format(day, "j M" if day.year == self.today.date.year else "j M Y")
