"""Charts for the progress pages, drawn as SVG strings on the server.

Why no chart library: a JavaScript one needs a script, and usually inline styles, that our strict
Content-Security-Policy refuses, and it leaves screen-reader users a picture without the numbers;
pygal draws on the server, but its SVG carries inline styles and scripts. So a chart here is a plain
SVG string: every label goes through `format_html` (escaped), colours and fonts come from classes in
app.css (section "Charts"), and the geometry is in fixed viewBox units so the picture scales with its
box. Each `Chart` also carries the same numbers as table rows, which `progress/_chart.html` shows
under the picture, so the numbers reach everyone, with or without sight, CSS or JavaScript.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

# English names of our own, so nothing depends on the server's locale.
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

# An html id that aria-labelledby can point at: it splits on spaces, so none are allowed.
_CHART_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")
_SVG_NS = "http://www.w3.org/2000/svg"

Describe = Callable[[Sequence[str], Sequence[float]], str]


@dataclass(frozen=True)
class Chart:
    title: str  # "Due in the next 30 days"
    description: str  # one sentence in words: the summary a glance at the picture gives
    svg: SafeString  # <svg role="img" aria-labelledby="<id>-title <id>-desc" viewBox=...>
    columns: tuple[str, ...]  # header of the data table
    rows: tuple[tuple[str, ...], ...]  # the same numbers as text
    chart_id: str  # html id of the figure; the svg's <title> and <desc> ids start with it
    is_empty: bool  # every value is zero: the template says so instead of drawing an empty plot


# --- bar charts --------------------------------------------------------------------------------------------

# The bar chart's coordinate system. Text is 22 units high (app.css) so that a 600-unit-wide chart
# squeezed into a 360px phone still prints it at about 12px; wider screens get a smaller font.
BAR_WIDTH = 600
BAR_HEIGHT = 300
_BAR_TOP = 16  # room for the half of the top tick label above its gridline
_BAR_BOTTOM = 72  # x tick labels, then the x axis title
_BAR_RIGHT = 12
_BAR_CHAR = 13  # a generous width of one character of 22-unit text
_BAR_Y_TITLE = 34  # the band on the left for the rotated y axis title


def nice_ticks(maximum: float, *, integers: bool = True) -> tuple[int | float, ...]:
    """3 to 5 round numbers from 0 to the first one at or above `maximum`: 0, 10, 20, 30, 40 for 37.

    Steps are 1, 2, 2.5 or 5 times a power of ten; with `integers` no step is fractional (no 2.5,
    nothing below 1), since half an item makes no sense on an axis of counts.
    """
    maximum = max(maximum, 1) if integers else (maximum if maximum > 0 else 1)
    raw = maximum / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    step: float = 10 * magnitude
    for factor in (1, 2, 2.5, 5, 10):
        candidate = round(factor * magnitude, 12)
        if candidate >= raw and not (integers and not float(candidate).is_integer()):
            step = candidate
            break
    if integers:
        step = max(step, 1)
    intervals = max(2, math.ceil(maximum / step - 1e-9))
    return tuple(_tidy(round(i * step, 10)) for i in range(intervals + 1))


def bar_chart(
    *,
    chart_id: str,
    title: str,
    labels: Sequence[str],
    values: Sequence[int | float],
    x_label: str,
    y_label: str,
    describe: Describe | None = None,
    value_format: str = "{:,}",
    tick_every: int = 1,
    highlight: int | None = None,
) -> Chart:
    """Vertical bars over `labels`, on a y axis of 3–5 round ticks (see `nice_ticks`).

    Bars scale to the top tick, so the tallest bar reaches the top of the plot only when its value
    is itself a round number. Every `tick_every`-th bar (0, tick_every, 2·tick_every…) gets its label
    under the axis; each bar has a "label: value" tooltip; the bar at index `highlight` (today, say)
    gets the accent colour. `describe(labels, values)` writes the description; by default: the total
    and the highest bar (pass your own when a total means nothing, as for percentages).
    """
    _check_chart_id(chart_id)
    labels = tuple(str(label) for label in labels)
    values = tuple(values)
    if not values:
        raise ValueError("A bar chart needs at least one bar.")
    if len(labels) != len(values):
        raise ValueError(f"{len(labels)} labels for {len(values)} values.")
    if any(value < 0 for value in values):
        raise ValueError("Bar values can't be negative.")
    if tick_every < 1:
        raise ValueError("tick_every must be 1 or more.")
    if highlight is not None and not 0 <= highlight < len(values):
        raise ValueError(f"highlight={highlight} is not the index of a bar.")

    ticks = nice_ticks(max(values), integers=all(isinstance(value, int) for value in values))
    tick_texts = [value_format.format(tick) for tick in ticks]
    count = len(values)
    labelled = range(0, count, tick_every)

    left = _BAR_Y_TITLE + max(len(text) for text in tick_texts) * _BAR_CHAR + 12
    # Labels are centred under their bars: keep the last one from running off the right edge.
    widest_label = max(len(labels[i]) for i in labelled) * _BAR_CHAR
    slot_guess = (BAR_WIDTH - left - _BAR_RIGHT) / count
    overhang = widest_label / 2 - (count - 1 - labelled[-1] + 0.5) * slot_guess
    right = _BAR_RIGHT + max(0.0, overhang)

    plot_left, plot_right = left, BAR_WIDTH - right
    plot_top, plot_bottom = _BAR_TOP, BAR_HEIGHT - _BAR_BOTTOM
    plot_height = plot_bottom - plot_top
    slot = (plot_right - plot_left) / count
    top = ticks[-1]

    def y_of(value: float) -> float:
        return plot_bottom - value / top * plot_height

    parts: list[SafeString] = []
    for tick, text in zip(ticks, tick_texts, strict=True):
        y = _num(y_of(tick))
        parts.append(
            format_html(
                '<line class="grid" x1="{}" y1="{}" x2="{}" y2="{}"/>'
                '<text class="tick tick-y" x="{}" y="{}" dy=".35em">{}</text>',
                _num(plot_left),
                y,
                _num(plot_right),
                y,
                _num(plot_left - 8),
                y,
                text,
            )
        )
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        height = value / top * plot_height
        parts.append(
            format_html(
                '<rect class="{}" x="{}" y="{}" width="{}" height="{}"><title>{}: {}</title></rect>',
                "bar bar-highlight" if index == highlight else "bar",
                _num(plot_left + index * slot + slot * 0.1),
                _num(plot_bottom - height),
                _num(slot * 0.8),
                _num(height),
                label,
                value_format.format(value),
            )
        )
    for index in labelled:
        parts.append(
            format_html(
                '<text class="tick tick-x" x="{}" y="{}">{}</text>',
                _num(plot_left + (index + 0.5) * slot),
                _num(plot_bottom + 28),
                labels[index],
            )
        )
    y_title_x, y_title_y = _num(_BAR_Y_TITLE / 2), _num(plot_top + plot_height / 2)
    parts.append(
        format_html(
            '<line class="axis" x1="{}" y1="{}" x2="{}" y2="{}"/>'
            '<text class="axis-title axis-title-x" x="{}" y="{}">{}</text>'
            '<text class="axis-title axis-title-y" x="{}" y="{}" dy=".35em" transform="rotate(-90 {} {})">{}</text>',
            _num(plot_left),
            _num(plot_bottom),
            _num(plot_right),
            _num(plot_bottom),
            _num((plot_left + plot_right) / 2),
            _num(BAR_HEIGHT - 10),
            x_label,
            y_title_x,
            y_title_y,
            y_title_x,
            y_title_y,
            y_label,
        )
    )

    if describe is None:
        description = _describe_bars(labels, values, y_label=y_label, value_format=value_format)
    else:
        description = describe(labels, values)
    return Chart(
        title=title,
        description=description,
        svg=_svg(
            chart_id=chart_id,
            css_class="chart chart-bar",
            width=BAR_WIDTH,
            height=BAR_HEIGHT,
            title=title,
            description=description,
            body=parts,
        ),
        columns=(x_label, y_label),
        rows=tuple((label, value_format.format(value)) for label, value in zip(labels, values, strict=True)),
        chart_id=chart_id,
        is_empty=not any(values),
    )


def histogram(
    *,
    chart_id: str,
    title: str,
    buckets: Sequence[tuple[str, int]],
    x_label: str,
    y_label: str,
    describe: Describe | None = None,
) -> Chart:
    """A distribution as bars, one per bucket ("0–10%", "10–20%"…), counts on the y axis.

    Bucket labels are labelled as often as they fit without overlapping (every other one for ten
    "90–100%"-wide labels); the table under the chart has them all.
    """
    labels = tuple(label for label, _ in buckets)
    counts = tuple(count for _, count in buckets)
    if describe is None:

        def describe(labels: Sequence[str], counts: Sequence[float]) -> str:
            noun = _lower_first(y_label)
            if not any(counts):
                return f"No {noun} yet."
            peak = _first_max(counts)
            return f"{sum(counts):,} {noun} in all; the largest group is {labels[peak]} with {counts[peak]:,}."

    # Estimate with the widest plot (no left margin beyond the titles) to pick a spacing that fits.
    plot_guess = BAR_WIDTH - _BAR_Y_TITLE - 5 * _BAR_CHAR - 12 - _BAR_RIGHT
    widest = max((len(label) for label in labels), default=0) * _BAR_CHAR + _BAR_CHAR
    tick_every = max(1, math.ceil(widest / (plot_guess / max(len(labels), 1))))
    return bar_chart(
        chart_id=chart_id,
        title=title,
        labels=labels,
        values=counts,
        x_label=x_label,
        y_label=y_label,
        describe=describe,
        tick_every=tick_every,
    )


def _describe_bars(labels: Sequence[str], values: Sequence[float], *, y_label: str, value_format: str) -> str:
    noun = _lower_first(y_label)
    if not any(values):
        return f"No {noun} yet."
    peak = _first_max(values)
    return (
        f"{value_format.format(_tidy(sum(values)))} {noun} in total; "
        f"the highest is {labels[peak]} with {value_format.format(values[peak])}."
    )


# --- calendar heatmap ----------------------------------------------------------------------------------------

# The heatmap's coordinate system: 13-unit cells 16 units apart, 15-unit text. 53 weeks make it
# 888 units wide; app.css gives it a min-width so a phone scrolls it instead of shrinking the text.
_CELL = 13
_STEP = 16
_HEAT_LEFT = 40  # weekday labels
_HEAT_TOP = 24  # month labels
_LEGEND_WORD = 36  # room for "Less" or "More"
_LEGEND_WIDTH = 2 * (_LEGEND_WORD + 5) + 4 * _STEP + _CELL
_WIDE_WEEKS = 26  # above this many weeks the heatmap scrolls on a phone rather than shrinks


def calendar_heatmap(
    *,
    chart_id: str,
    title: str,
    counts: Mapping[date, int],
    end: date,
    weeks: int = 53,
    unit: str = "review",
) -> Chart:
    """A calendar of `weeks` columns, Monday on top, ending with the week of `end`; days after `end` are not drawn.

    A day's shade (level-0 to level-4) says how its count ranks among the days with any: level-0
    for none, then the quartiles of the non-zero counts, the busiest day always level-4. `unit` is
    what is counted, in the singular; its plural adds an "s". Counts outside the drawn days are ignored.
    """
    _check_chart_id(chart_id)
    if weeks < 1:
        raise ValueError("A calendar needs at least one week.")
    first = end - timedelta(days=end.weekday() + 7 * (weeks - 1))  # the Monday of the first column
    days = [first + timedelta(days=offset) for offset in range((end - first).days + 1)]
    day_counts = [counts.get(day, 0) for day in days]
    if any(count < 0 for count in day_counts):
        raise ValueError("Counts can't be negative.")
    levels = _levels(day_counts)

    parts: list[SafeString] = []
    for column, month in _month_labels(first, weeks):
        parts.append(
            format_html(
                '<text class="month" x="{}" y="{}">{}</text>', _num(_HEAT_LEFT + column * _STEP), _HEAT_TOP - 8, month
            )
        )
    for row in (0, 2, 4):
        parts.append(
            format_html(
                '<text class="weekday" x="{}" y="{}" dy=".35em">{}</text>',
                _HEAT_LEFT - 6,
                _num(_HEAT_TOP + row * _STEP + _CELL / 2),
                WEEKDAYS[row],
            )
        )
    for offset, (day, count, level) in enumerate(zip(days, day_counts, levels, strict=True)):
        parts.append(
            format_html(
                '<rect class="day level-{}" x="{}" y="{}" width="{}" height="{}" rx="2"><title>{} on {}</title></rect>',
                level,
                _HEAT_LEFT + (offset // 7) * _STEP,
                _HEAT_TOP + day.weekday() * _STEP,
                _CELL,
                _CELL,
                _counted(count, unit),
                _long_date(day),
            )
        )

    # The legend, right-aligned under the grid: Less ▫▫▫▫▫ More.
    grid_right = max(_HEAT_LEFT + (weeks - 1) * _STEP + _CELL, _LEGEND_WIDTH + 4)
    grid_bottom = _HEAT_TOP + 6 * _STEP + _CELL
    legend_top = grid_bottom + 12
    cells_left = grid_right - _LEGEND_WORD - 5 - (4 * _STEP + _CELL)
    text_y = _num(legend_top + _CELL / 2)
    less = format_html('<text class="legend legend-less" x="{}" y="{}" dy=".35em">Less</text>', cells_left - 5, text_y)
    parts.append(less)
    for level in range(5):
        parts.append(
            format_html(
                '<rect class="level-{}" x="{}" y="{}" width="{}" height="{}" rx="2"/>',
                level,
                cells_left + level * _STEP,
                legend_top,
                _CELL,
                _CELL,
            )
        )
    more_x = cells_left + 4 * _STEP + _CELL + 5
    parts.append(format_html('<text class="legend legend-more" x="{}" y="{}" dy=".35em">More</text>', more_x, text_y))

    active = [(day, count) for day, count in zip(days, day_counts, strict=True) if count]
    if active:
        busiest_day, busiest = active[_first_max([count for _, count in active])]
        description = (
            f"Studied on {len(active):,} of the last {len(days):,} days, {_counted(sum(day_counts), unit)}; "
            f"most on {_short_date(busiest_day)} ({busiest:,})."
        )
    else:
        description = f"No {_plural(unit)} in the last {len(days):,} days."
    css_class = "chart chart-heatmap chart-heatmap-wide" if weeks > _WIDE_WEEKS else "chart chart-heatmap"
    return Chart(
        title=title,
        description=description,
        svg=_svg(
            chart_id=chart_id,
            css_class=css_class,
            width=grid_right + 4,
            height=legend_top + _CELL + 6,
            title=title,
            description=description,
            body=parts,
        ),
        columns=("Day", _plural(unit).capitalize()),
        rows=tuple((_long_date(day), f"{count:,}") for day, count in active),
        chart_id=chart_id,
        is_empty=not active,
    )


def _levels(counts: Sequence[int]) -> list[int]:
    """0 for no count; else 1–3 by the quartiles (nearest rank) of the non-zero counts, 4 above them or at the max."""
    busy = sorted(count for count in counts if count)
    if not busy:
        return [0] * len(counts)
    quartiles = [busy[math.ceil(share * len(busy)) - 1] for share in (0.25, 0.5, 0.75)]
    highest = busy[-1]
    return [
        0 if not count else 4 if count >= highest else 1 + sum(count > quartile for quartile in quartiles)
        for count in counts
    ]


def _month_labels(first: date, weeks: int) -> list[tuple[int, str]]:
    """(column, "Nov") for the first column whose Monday is in each month; the first column is labelled too,
    unless the next label comes so soon that the two would overlap."""
    labels = []
    for column in range(weeks):
        monday = first + timedelta(weeks=column)
        if column == 0 or monday.month != (monday - timedelta(weeks=1)).month:
            labels.append((column, MONTHS[monday.month - 1]))
    if len(labels) > 1 and labels[1][0] < 3:
        del labels[0]
    return labels


# --- shared -----------------------------------------------------------------------------------------------------


def _svg(
    *,
    chart_id: str,
    css_class: str,
    width: float,
    height: float,
    title: str,
    description: str,
    body: Iterable[SafeString],
) -> SafeString:
    # No width or height on the root: CSS sizes it, the viewBox keeps its proportions.
    return format_html(
        '<svg xmlns="{ns}" viewBox="0 0 {width} {height}" class="{css_class}" role="img"'
        ' aria-labelledby="{id}-title {id}-desc">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{description}</desc>{body}</svg>',
        ns=_SVG_NS,
        width=_num(width),
        height=_num(height),
        css_class=css_class,
        id=chart_id,
        title=title,
        description=description,
        body=format_html_join("", "{}", ((part,) for part in body)),
    )


def _check_chart_id(chart_id: str) -> None:
    if not _CHART_ID.match(chart_id):
        raise ValueError(f"{chart_id!r} is not a usable html id (a letter, then letters, digits, - or _).")


def _num(value: float) -> str:
    """A coordinate for an attribute: at most two decimals, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _tidy(value: float) -> int | float:
    """10.0 → 10, so "{:,}" prints "10" and not "10.0"."""
    return int(value) if float(value).is_integer() else value


def _first_max(values: Sequence[float]) -> int:
    return max(range(len(values)), key=values.__getitem__)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _plural(unit: str) -> str:
    return f"{unit}s"


def _counted(count: int, unit: str) -> str:
    return f"{count:,} {unit if count == 1 else _plural(unit)}"


def _long_date(day: date) -> str:
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"


def _short_date(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
