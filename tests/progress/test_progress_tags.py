"""The progress pages' filters: shares as percentages, durations as words."""

from __future__ import annotations

import pytest

from studyapp.progress.templatetags.progress_tags import duration, percent


@pytest.mark.parametrize(
    ("share", "decimals", "shown"), [(0.873, 0, "87%"), (0.9166, 1, "91.7%"), (1.0, 0, "100%"), (None, 0, "—")]
)
def test_a_share_is_shown_as_a_percentage_or_a_dash_when_there_is_none(share, decimals, shown):
    assert percent(share, decimals) == shown


@pytest.mark.parametrize(
    ("milliseconds", "shown"),
    [(None, "0 s"), (45_396, "45 s"), (754_000, "13 min"), (3_600_000, "1 h"), (5_400_000, "1 h 30 min")],
)
def test_a_duration_is_shown_in_the_largest_sensible_units(milliseconds, shown):
    assert duration(milliseconds) == shown
