"""The retention simulator's chart: reviews a day and items remembered after a year, against desired retention.

Drawn like the progress charts (studyapp/progress/charts.py, whose helpers and `Chart` it reuses): an
SVG string with escaped labels, classes from app.css ("Charts") instead of styles, a <title> and
<desc>, and the same numbers as table rows under the picture (progress/_chart.html). Two panels share
the x axis, one per measure, since their units differ; the chosen retention is a vertical line across
both with a dot on each curve.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from django.utils.html import format_html
from django.utils.safestring import SafeString

from studyapp.memory.simulation import Forecast, Point
from studyapp.progress.charts import Chart, _check_chart_id, _num, _svg, nice_ticks

WIDTH = 600
PANEL_HEIGHT = 150
_TOP = 64  # the chosen retention's label, then the first panel's title
_GAP = 56  # between the panels: the second panel's title
_BOTTOM = 72  # x tick labels, then the x axis title
_LEFT = 96  # y tick labels (up to "10,000") and the rotated y titles
_RIGHT = 24


def _x_ticks(low: Decimal, high: Decimal) -> list[Decimal]:
    first = (low * 20).to_integral_value(rounding="ROUND_CEILING") / 20
    ticks = []
    tick = first
    while tick <= high:
        ticks.append(tick)
        tick += Decimal("0.05")
    return ticks


def retention_chart(forecast: Forecast, chosen: Decimal, *, chart_id: str = "retention-forecast") -> Chart:
    """The forecast's points as two lines against desired retention, `chosen` marked."""
    _check_chart_id(chart_id)
    points = forecast.points
    low, high = points[0].retention, points[-1].retention
    plot_left, plot_right = _LEFT, WIDTH - _RIGHT
    height = _TOP + 2 * PANEL_HEIGHT + _GAP + _BOTTOM
    at_chosen = forecast.at(chosen)

    def x_of(retention: Decimal) -> float:
        return plot_left + float((retention - low) / (high - low)) * (plot_right - plot_left)

    bottom = _TOP + 2 * PANEL_HEIGHT + _GAP
    chosen_x = _num(x_of(chosen))
    # The marker first, so the curves and their dots are drawn over it; its label above the panel titles.
    parts: list[SafeString] = [
        format_html(
            '<line class="marker" x1="{}" y1="{}" x2="{}" y2="{}"/><text class="marker-label" x="{}" y="{}">{}</text>',
            chosen_x,
            _num(28),
            chosen_x,
            _num(bottom),
            chosen_x,
            _num(20),
            f"{chosen:.2f}",
        )
    ]
    panels: list[tuple[str, Callable[[Point], float]]] = [
        ("Reviews a day", lambda point: point.reviews_per_day),
        ("Items remembered after a year", lambda point: point.remembered),
    ]
    for index, (label, value_of) in enumerate(panels):
        top = _TOP + index * (PANEL_HEIGHT + _GAP)
        parts.extend(_panel(points, x_of, value_of, at_chosen, label=label, top=top, left=plot_left, right=plot_right))
    for tick in _x_ticks(low, high):
        parts.append(
            format_html(
                '<text class="tick tick-x" x="{}" y="{}">{}</text>', _num(x_of(tick)), _num(bottom + 28), f"{tick:.2f}"
            )
        )
    parts.append(
        format_html(
            '<text class="axis-title axis-title-x" x="{}" y="{}">Desired retention</text>',
            _num((plot_left + plot_right) / 2),
            _num(height - 10),
        )
    )

    description = (
        f"From {low:.2f} to {high:.2f}, reviews a day rise from about {points[0].reviews_per_day:,.0f} "
        f"to {points[-1].reviews_per_day:,.0f}; items remembered after a year go from about "
        f"{points[0].remembered:,.0f} to {points[-1].remembered:,.0f} of {forecast.collection.size:,}. "
        f"Marked: {chosen:.2f}, about {at_chosen.reviews_per_day:,.0f} reviews a day and "
        f"{at_chosen.remembered:,.0f} items remembered."
    )
    title = f"A year of study at each desired retention ({forecast.collection.size:,} items)"
    return Chart(
        title=title,
        description=description,
        svg=_svg(
            chart_id=chart_id,
            css_class="chart chart-line",
            width=WIDTH,
            height=height,
            title=title,
            description=description,
            body=parts,
        ),
        columns=("Desired retention", "Reviews a day", "Minutes a day", "Items remembered after a year"),
        rows=tuple(
            (
                f"{point.retention:.2f}",
                f"{point.reviews_per_day:,.1f}",
                f"{point.minutes_per_day:,.1f}",
                f"{point.remembered:,.0f}",
            )
            for point in points
        ),
        chart_id=chart_id,
        is_empty=False,
    )


def _panel(
    points: Sequence[Point],
    x_of: Callable[[Decimal], float],
    value_of: Callable[[Point], float],
    at_chosen: Point,
    *,
    label: str,
    top: float,
    left: float,
    right: float,
) -> list[SafeString]:
    """One measure: gridlines and round ticks, the line through the points, a dot at the chosen retention."""
    ticks = nice_ticks(max(value_of(point) for point in points))
    bottom = top + PANEL_HEIGHT

    def y_of(value: float) -> float:
        return bottom - value / ticks[-1] * PANEL_HEIGHT

    parts = [
        format_html('<text class="panel-title" x="{}" y="{}">{}</text>', _num(left), _num(top - 12), label),
    ]
    for tick in ticks:
        y = _num(y_of(tick))
        parts.append(
            format_html(
                '<line class="grid" x1="{}" y1="{}" x2="{}" y2="{}"/>'
                '<text class="tick tick-y" x="{}" y="{}" dy=".35em">{}</text>',
                _num(left),
                y,
                _num(right),
                y,
                _num(left - 8),
                y,
                f"{tick:,}",
            )
        )
    path = " ".join(f"{_num(x_of(point.retention))},{_num(y_of(value_of(point)))}" for point in points)
    parts.append(
        format_html(
            '<line class="axis" x1="{}" y1="{}" x2="{}" y2="{}"/><polyline class="line" points="{}"/>',
            _num(left),
            _num(bottom),
            _num(right),
            _num(bottom),
            path,
        )
    )
    for point in points:
        parts.append(
            format_html(
                '<circle class="point" cx="{}" cy="{}" r="4"><title>{}: {}</title></circle>',
                _num(x_of(point.retention)),
                _num(y_of(value_of(point))),
                f"{point.retention:.2f}",
                f"{value_of(point):,.1f}",
            )
        )
    parts.append(
        format_html(
            '<circle class="point point-chosen" cx="{}" cy="{}" r="7"><title>{}: about {}</title></circle>',
            _num(x_of(at_chosen.retention)),
            _num(y_of(value_of(at_chosen))),
            f"{at_chosen.retention:.2f}",
            f"{value_of(at_chosen):,.0f}",
        )
    )
    return parts
