"""Server-drawn SVG charts: real geometry, escaped labels, and the same numbers as a table."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from django.template.loader import render_to_string

from studyapp.progress.charts import bar_chart, calendar_heatmap, histogram, nice_ticks

SVG = "{http://www.w3.org/2000/svg}"


def parse(chart) -> ET.Element:
    return ET.fromstring(str(chart.svg))  # noqa: S314 - our own output, not untrusted input


def bars(root: ET.Element) -> list[ET.Element]:
    return [rect for rect in root.iter(f"{SVG}rect") if "bar" in rect.get("class", "").split()]


def day_cells(root: ET.Element) -> dict[str, ET.Element]:
    """The calendar's day cells by their tooltip ("3 reviews on Mon 2 Nov 2026")."""
    return {
        rect.find(f"{SVG}title").text: rect
        for rect in root.iter(f"{SVG}rect")
        if "day" in rect.get("class", "").split()
    }


def texts(root: ET.Element, css_class: str) -> list[ET.Element]:
    return [text for text in root.iter(f"{SVG}text") if css_class in text.get("class", "").split()]


def gridline_ys(root: ET.Element) -> list[float]:
    return sorted(float(line.get("y1")) for line in root.iter(f"{SVG}line") if line.get("class") == "grid")


def simple_bars(values, **kwargs):
    arguments = {
        "chart_id": "due",
        "title": "Due soon",
        "labels": [f"Day {i + 1}" for i in range(len(values))],
        "x_label": "Day",
        "y_label": "Items due",
    }
    return bar_chart(values=values, **(arguments | kwargs))


# --- bar charts ----------------------------------------------------------------------------------------------


def test_bar_chart_scales_the_tallest_bar_to_the_plot_height():
    root = parse(simple_bars([10, 20, 40]))
    tallest = bars(root)[2]
    plot_top, *_, baseline = gridline_ys(root)

    assert float(tallest.get("y")) == pytest.approx(plot_top)
    assert float(tallest.get("y")) + float(tallest.get("height")) == pytest.approx(baseline)


def test_bar_heights_are_proportional_to_the_values():
    heights = [float(bar.get("height")) for bar in bars(parse(simple_bars([10, 20, 40])))]

    assert heights[1] == pytest.approx(2 * heights[0], abs=0.02)
    assert heights[2] == pytest.approx(4 * heights[0], abs=0.02)


def test_bars_scale_to_the_round_top_tick_not_to_the_largest_value():
    root = parse(simple_bars([37]))
    plot_top, *_, baseline = gridline_ys(root)

    assert float(bars(root)[0].get("height")) == pytest.approx(37 / 40 * (baseline - plot_top), abs=0.02)


def test_a_zero_value_gives_a_bar_without_height_standing_on_the_baseline():
    root = parse(simple_bars([0, 5]))
    zero = bars(root)[0]

    assert float(zero.get("height")) == 0
    assert float(zero.get("y")) == pytest.approx(gridline_ys(root)[-1])


def test_bars_sit_side_by_side_in_order_with_equal_widths():
    found = bars(parse(simple_bars([1, 2, 3, 4])))
    xs = [float(bar.get("x")) for bar in found]

    assert xs == sorted(xs)
    assert len({bar.get("width") for bar in found}) == 1


@pytest.mark.parametrize(
    ("maximum", "ticks"),
    [
        pytest.param(37, (0, 10, 20, 30, 40), id="37-in-tens"),
        pytest.param(100, (0, 25, 50, 75, 100), id="100-in-quarters"),
        pytest.param(9, (0, 5, 10), id="9-in-fives-not-2.5s"),
        pytest.param(1, (0, 1, 2), id="1-still-three-ticks"),
        pytest.param(1234, (0, 500, 1000, 1500), id="1234-in-five-hundreds"),
    ],
)
def test_nice_ticks_are_round_numbers_from_zero_to_at_least_the_maximum(maximum, ticks):
    assert nice_ticks(maximum) == ticks


def test_fractional_values_get_fractional_ticks():
    assert nice_ticks(0.85, integers=False) == (0, 0.25, 0.5, 0.75, 1)


def test_the_y_axis_is_labelled_with_the_nice_ticks_from_the_bottom_up():
    root = parse(simple_bars([3, 37]))
    labels = sorted(texts(root, "tick-y"), key=lambda text: -float(text.get("y")))

    assert [text.text for text in labels] == ["0", "10", "20", "30", "40"]
    assert [float(text.get("y")) for text in reversed(labels)] == pytest.approx(gridline_ys(root))


def test_x_labels_appear_every_tick_every_bars():
    labels = [f"{day} Dec" for day in range(1, 31)]
    root = parse(simple_bars(list(range(30)), labels=labels, tick_every=7))

    assert [text.text for text in texts(root, "tick-x")] == ["1 Dec", "8 Dec", "15 Dec", "22 Dec", "29 Dec"]


def test_every_bar_has_a_tooltip_with_its_label_and_formatted_value():
    root = parse(simple_bars([1234, 5], labels=["Mon", "Tue"]))

    assert [bar.find(f"{SVG}title").text for bar in bars(root)] == ["Mon: 1,234", "Tue: 5"]


def test_the_highlighted_bar_gets_the_accent_class():
    found = bars(parse(simple_bars([1, 2, 3], highlight=1)))

    assert [bar.get("class") for bar in found] == ["bar", "bar bar-highlight", "bar"]


def test_axis_titles_are_drawn_as_text():
    root = parse(simple_bars([1, 2]))

    assert texts(root, "axis-title-x")[0].text == "Day"
    assert texts(root, "axis-title-y")[0].text == "Items due"


def test_labels_and_titles_are_escaped():
    chart = simple_bars([1], labels=["<script>alert(1)</script>"], title='Due & "soon"')

    assert "<script>" not in chart.svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in chart.svg
    assert parse(chart).find(f"{SVG}title").text == 'Due & "soon"'


def test_aria_labelledby_points_at_the_svg_title_and_desc():
    root = parse(simple_bars([1, 2]))
    ids = root.get("aria-labelledby").split()

    assert root.get("role") == "img"
    assert ids == ["due-title", "due-desc"]
    assert root.find(f"{SVG}title").get("id") == "due-title"
    assert root.find(f"{SVG}desc").get("id") == "due-desc"


def test_the_svg_scales_by_its_viewbox_and_has_no_inline_style_or_script():
    chart = simple_bars([1, 2])
    root = parse(chart)

    assert root.get("viewBox") == "0 0 600 300"
    assert root.get("width") is None
    assert root.get("height") is None
    assert root.get("class") == "chart chart-bar"
    assert "style" not in chart.svg
    assert "script" not in chart.svg


def test_the_default_description_gives_the_total_and_the_highest_bar():
    chart = simple_bars([3, 40, 12, 40], labels=["1 Dec", "2 Dec", "3 Dec", "4 Dec"])

    assert chart.description == "95 items due in total; the highest is 2 Dec with 40."
    assert parse(chart).find(f"{SVG}desc").text == chart.description


def test_a_describe_function_writes_the_description():
    chart = simple_bars([1, 2], describe=lambda labels, values: f"{len(labels)} days, peak {max(values)}.")

    assert chart.description == "2 days, peak 2."


def test_the_rows_repeat_the_values_as_formatted_text():
    chart = simple_bars([1200, 0], labels=["Mon", "Tue"])

    assert chart.columns == ("Day", "Items due")
    assert chart.rows == (("Mon", "1,200"), ("Tue", "0"))


def test_value_format_applies_to_ticks_rows_and_tooltips():
    chart = simple_bars([0.5, 0.85], labels=["Deck A", "Deck B"], value_format="{:.0%}")

    assert chart.rows == (("Deck A", "50%"), ("Deck B", "85%"))
    assert [text.text for text in texts(parse(chart), "tick-y")] == ["0%", "25%", "50%", "75%", "100%"]


def test_a_chart_of_zeros_is_empty_but_keeps_its_rows():
    chart = simple_bars([0, 0, 0])

    assert chart.is_empty
    assert len(chart.rows) == 3
    assert chart.description == "No items due yet."
    assert not simple_bars([0, 1]).is_empty


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({"values": [1, 2], "labels": ["only one"]}, id="labels-and-values-differ-in-length"),
        pytest.param({"values": [-1]}, id="negative-value"),
        pytest.param({"values": []}, id="no-bars"),
        pytest.param({"values": [1], "highlight": 1}, id="highlight-out-of-range"),
        pytest.param({"values": [1], "tick_every": 0}, id="tick-every-zero"),
    ],
)
def test_bar_chart_refuses_data_it_cannot_draw(kwargs):
    values = kwargs.pop("values")
    with pytest.raises(ValueError):  # noqa: PT011 - each case has its own message
        simple_bars(values, **kwargs)


def test_a_chart_id_with_a_space_is_refused_since_aria_labelledby_would_split_it():
    with pytest.raises(ValueError, match="html id"):
        bar_chart(chart_id="due soon", title="T", labels=["a"], values=[1], x_label="x", y_label="y")


def test_histogram_draws_a_bar_per_bucket_and_describes_the_largest_group():
    buckets = [("0–50%", 3), ("50–90%", 12), ("90–100%", 5)]
    chart = histogram(chart_id="recall", title="Recall", buckets=buckets, x_label="Recall", y_label="Items")

    assert len(bars(parse(chart))) == 3
    assert chart.rows == (("0–50%", "3"), ("50–90%", "12"), ("90–100%", "5"))
    assert chart.description == "20 items in all; the largest group is 50–90% with 12."


def test_histogram_labels_only_as_many_buckets_as_fit():
    buckets = [(f"{low}–{low + 10}%", low) for low in range(0, 100, 10)]
    chart = histogram(chart_id="recall", title="Recall", buckets=buckets, x_label="Recall", y_label="Items")

    assert [text.text for text in texts(parse(chart), "tick-x")] == ["0–10%", "30–40%", "60–70%", "90–100%"]


# --- calendar heatmap ------------------------------------------------------------------------------------------

WEDNESDAY = date(2026, 11, 25)


def test_the_calendar_draws_whole_weeks_up_to_the_end_day_and_none_after():
    root = parse(calendar_heatmap(chart_id="cal", title="Reviews", counts={}, end=WEDNESDAY, weeks=2))
    cells = day_cells(root)

    assert len(cells) == 7 + 3
    assert "0 reviews on Mon 16 Nov 2026" in cells
    assert "0 reviews on Wed 25 Nov 2026" in cells
    assert "0 reviews on Thu 26 Nov 2026" not in cells


def test_a_year_of_weeks_ending_on_a_sunday_draws_371_days():
    sunday = date(2026, 11, 29)
    chart = calendar_heatmap(chart_id="cal", title="Reviews", counts={sunday: 1}, end=sunday)

    assert len(day_cells(parse(chart))) == 53 * 7
    assert chart.description.startswith("Studied on 1 of the last 371 days")


def test_cells_are_placed_by_week_column_and_weekday_row_monday_first():
    cells = day_cells(parse(calendar_heatmap(chart_id="cal", title="R", counts={}, end=WEDNESDAY, weeks=2)))
    monday, tuesday, next_monday = (
        cells["0 reviews on Mon 16 Nov 2026"],
        cells["0 reviews on Tue 17 Nov 2026"],
        cells["0 reviews on Mon 23 Nov 2026"],
    )

    assert tuesday.get("x") == monday.get("x")
    assert float(tuesday.get("y")) > float(monday.get("y"))
    assert next_monday.get("y") == monday.get("y")
    assert float(next_monday.get("x")) > float(monday.get("x"))


def test_the_busiest_day_is_level_4_and_empty_days_are_level_0():
    counts = {date(2026, 11, 2): 80, date(2026, 11, 3): 1, date(2026, 11, 4): 2, date(2026, 11, 5): 3}
    cells = day_cells(parse(calendar_heatmap(chart_id="cal", title="R", counts=counts, end=WEDNESDAY)))

    assert cells["80 reviews on Mon 2 Nov 2026"].get("class") == "day level-4"
    assert cells["1 review on Tue 3 Nov 2026"].get("class") == "day level-1"
    assert cells["0 reviews on Fri 6 Nov 2026"].get("class") == "day level-0"


def test_levels_follow_the_quartiles_of_the_days_with_reviews():
    start = date(2026, 11, 1)
    counts = {start + timedelta(days=i): count for i, count in enumerate([1, 2, 3, 4, 5, 6, 7, 8])}
    cells = day_cells(parse(calendar_heatmap(chart_id="cal", title="R", counts=counts, end=WEDNESDAY)))
    level_of = {
        int(title.split()[0]): int(cell.get("class").removeprefix("day level-"))
        for title, cell in cells.items()
        if not title.startswith("0 ")
    }

    assert level_of == {1: 1, 2: 1, 3: 2, 4: 2, 5: 3, 6: 3, 7: 4, 8: 4}


def test_equal_counts_all_get_the_darkest_level():
    counts = {date(2026, 11, 2): 5, date(2026, 11, 9): 5}
    cells = day_cells(parse(calendar_heatmap(chart_id="cal", title="R", counts=counts, end=WEDNESDAY)))

    assert {cells[f"5 reviews on Mon {day} Nov 2026"].get("class") for day in (2, 9)} == {"day level-4"}


def test_month_labels_sit_above_the_first_week_that_starts_in_the_month():
    # 1 March 2026 is a Sunday: March's first column is the week of Monday 2 March.
    root = parse(calendar_heatmap(chart_id="cal", title="R", counts={}, end=date(2026, 3, 31), weeks=9))
    cells = day_cells(root)
    months = {text.text: text.get("x") for text in texts(root, "month")}

    assert months["Mar"] == cells["0 reviews on Mon 2 Mar 2026"].get("x")
    assert months["Feb"] == cells["0 reviews on Mon 2 Feb 2026"].get("x")


def test_the_first_columns_month_is_dropped_when_the_next_month_follows_too_closely():
    # The first column is the week of Monday 26 Jan; February starts in the next column.
    root = parse(calendar_heatmap(chart_id="cal", title="R", counts={}, end=date(2026, 3, 31), weeks=10))

    assert [text.text for text in texts(root, "month")] == ["Feb", "Mar"]


def test_weekday_labels_are_monday_wednesday_and_friday():
    root = parse(calendar_heatmap(chart_id="cal", title="R", counts={}, end=WEDNESDAY, weeks=2))

    assert [text.text for text in texts(root, "weekday")] == ["Mon", "Wed", "Fri"]


def test_the_legend_runs_from_less_to_more_through_the_five_levels():
    root = parse(calendar_heatmap(chart_id="cal", title="R", counts={}, end=WEDNESDAY))
    legend = [rect.get("class") for rect in root.iter(f"{SVG}rect") if not rect.get("class").startswith("day")]

    assert [text.text for text in texts(root, "legend")] == ["Less", "More"]
    assert legend == ["level-0", "level-1", "level-2", "level-3", "level-4"]


def test_counts_outside_the_drawn_days_are_ignored():
    counts = {WEDNESDAY + timedelta(days=1): 9, WEDNESDAY - timedelta(days=400): 9, WEDNESDAY: 2}
    chart = calendar_heatmap(chart_id="cal", title="R", counts=counts, end=WEDNESDAY)

    assert chart.rows == (("Wed 25 Nov 2026", "2"),)


def test_the_calendar_describes_the_active_days_the_total_and_the_busiest_day():
    counts = {date(2026, 11, 2): 3, date(2026, 11, 3): 1201, date(2026, 11, 4): 0}
    chart = calendar_heatmap(chart_id="cal", title="R", counts=counts, end=WEDNESDAY)

    assert chart.description == "Studied on 2 of the last 367 days, 1,204 reviews; most on 3 Nov 2026 (1,201)."


def test_the_calendar_table_lists_only_days_with_a_count_in_date_order():
    counts = {date(2026, 11, 3): 1, date(2026, 11, 2): 12, date(2026, 11, 4): 0}
    chart = calendar_heatmap(chart_id="cal", title="R", counts=counts, end=WEDNESDAY, unit="card")

    assert chart.columns == ("Day", "Cards")
    assert chart.rows == (("Mon 2 Nov 2026", "12"), ("Tue 3 Nov 2026", "1"))


def test_the_unit_is_pluralised_in_tooltips_except_for_one():
    counts = {date(2026, 11, 23): 1, date(2026, 11, 24): 2}
    cells = day_cells(parse(calendar_heatmap(chart_id="cal", title="R", counts=counts, end=WEDNESDAY, weeks=1)))

    assert set(cells) == {"1 review on Mon 23 Nov 2026", "2 reviews on Tue 24 Nov 2026", "0 reviews on Wed 25 Nov 2026"}


def test_a_calendar_without_reviews_is_empty():
    chart = calendar_heatmap(chart_id="cal", title="R", counts={WEDNESDAY: 0}, end=WEDNESDAY, weeks=2)

    assert chart.is_empty
    assert chart.rows == ()
    assert chart.description == "No reviews in the last 10 days."


def test_the_calendar_is_plain_date_arithmetic_across_a_dst_change():
    # Europe and the US change their clocks on 29 March and 8 March 2026: dates don't care.
    end = date(2026, 4, 5)  # a Sunday
    cells = day_cells(parse(calendar_heatmap(chart_id="cal", title="R", counts={}, end=end, weeks=6)))
    sundays = sorted(
        (float(cell.get("x")), title) for title, cell in cells.items() if title.startswith("0 reviews on Sun")
    )

    assert len(cells) == 42
    assert [title for _, title in sundays][-3:] == [
        "0 reviews on Sun 22 Mar 2026",
        "0 reviews on Sun 29 Mar 2026",
        "0 reviews on Sun 5 Apr 2026",
    ]


def test_a_long_calendar_is_marked_wide_so_it_scrolls_on_a_phone():
    wide = parse(calendar_heatmap(chart_id="cal", title="R", counts={}, end=WEDNESDAY))
    short = parse(calendar_heatmap(chart_id="cal", title="R", counts={}, end=WEDNESDAY, weeks=12))

    assert wide.get("class") == "chart chart-heatmap chart-heatmap-wide"
    assert short.get("class") == "chart chart-heatmap"


# --- the template ------------------------------------------------------------------------------------------


def test_the_template_shows_the_svg_and_the_numbers_in_a_table():
    chart = simple_bars([4, 7], labels=["<b>Mon</b>", "Tue"])

    html = render_to_string("progress/_chart.html", {"chart": chart})

    assert '<figure class="chart-figure" id="due">' in html
    assert '<div class="chart-scroll" tabindex="0" role="region" aria-label="Due soon (scrolls sideways)"><svg ' in html
    assert "<caption>Due soon</caption>" in html
    assert '<th scope="col">Day</th>' in html
    assert '<th scope="col" class="num">Items due</th>' in html
    assert '<tr><th scope="row">&lt;b&gt;Mon&lt;/b&gt;</th><td class="num">4</td></tr>' in html
    assert "<b>Mon</b>" not in html


def test_the_template_says_nothing_yet_instead_of_an_empty_plot():
    chart = calendar_heatmap(chart_id="cal", title="Reviews", counts={}, end=WEDNESDAY)

    html = render_to_string("progress/_chart.html", {"chart": chart})

    assert "<svg" not in html
    assert "Nothing to show here yet" in html
    assert '<td colspan="2">Nothing yet.</td>' in html
