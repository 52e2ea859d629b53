"""The learner's day: in their time zone, starting at their `day_starts_at` hour (04:00 by default, as Anki)."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta


@dataclass(frozen=True)
class LearnerDay:
    date: date  # the calendar date the day is named after (its start's local date)
    start: datetime  # UTC
    end: datetime  # UTC, exclusive


def _local_start(day: date, hour: int, zone: zoneinfo.ZoneInfo) -> datetime:
    # Round-trip through UTC so a start hour inside a DST gap lands on the real instant after the gap.
    return datetime.combine(day, time(hour), tzinfo=zone).astimezone(UTC)


def learner_day(now: datetime, *, zone: zoneinfo.ZoneInfo, starts_at: int) -> LearnerDay:
    """The learner's day containing `now`. Days are 23 or 25 hours long across a DST change."""
    local = now.astimezone(zone)
    day = local.date()
    if local.hour < starts_at:
        day -= timedelta(days=1)
    return learner_day_on(day, zone=zone, starts_at=starts_at)


def learner_day_on(day: date, *, zone: zoneinfo.ZoneInfo, starts_at: int) -> LearnerDay:
    """The learner's day named `day`."""
    return LearnerDay(
        date=day,
        start=_local_start(day, starts_at, zone),
        end=_local_start(day + timedelta(days=1), starts_at, zone),
    )
