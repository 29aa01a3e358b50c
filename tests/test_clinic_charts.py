"""clinic/charts.py: inline SVG as pure functions."""

import datetime
import re
import xml.etree.ElementTree as ET

from clinic.charts import ChartDay, episode_chart, sparkline

D0 = datetime.date(2026, 11, 12)
SVG = "{http://www.w3.org/2000/svg}"


def days(pains):
    return [(D0 + datetime.timedelta(days=i), p) for i, p in enumerate(pains)]


def svg_of(markup):
    svg = markup[: markup.index("</svg>") + 6].replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
    return ET.fromstring(svg)


def hidden_table(markup):
    table = ET.fromstring(markup[markup.index("<table") :])
    assert table.get("class") == "visually-hidden"
    return [[cell.text for cell in row] for row in table.iter("tr")]


def test_sparkline_is_a_small_accessible_polyline():
    markup = sparkline(days([3, 4, 6, 5, 2, 1, 0, 0, 1, 2, 3, 2, 1, 0]), "alice: pain, last 14 days")
    svg = svg_of(markup)
    assert svg.get("role") == "img"
    title_id, desc_id = svg.get("aria-labelledby").split()
    assert svg.find(f"{SVG}title").get("id") == title_id and svg.find(f"{SVG}title").text.startswith("alice")
    assert svg.find(f"{SVG}desc").get("id") == desc_id
    assert svg.find(f"{SVG}desc").text == "14 of 14 days logged; highest 6, latest 0."
    (line,) = svg.iter(f"{SVG}polyline")
    points = [tuple(map(float, p.split(","))) for p in line.get("points").split()]
    assert len(points) == 14
    assert points[0][0] == 0 and points[-1][0] == 140
    ys = [y for _, y in points]
    assert ys.index(min(ys)) == 2  # pain 6, the highest, is drawn highest
    assert len(markup[: markup.index("</svg>") + 6]) < 700
    assert "style=" not in markup and "<script" not in markup


def test_sparkline_leaves_gaps_for_days_without_a_log_and_draws_a_lone_day_as_a_dot():
    svg = svg_of(sparkline(days([2, 3, None, None, 5, None, 4, 6]), "gaps"))
    assert [len(p.get("points").split()) for p in svg.iter(f"{SVG}polyline")] == [2, 2]
    assert len(list(svg.iter(f"{SVG}circle"))) == 1


def test_sparkline_numbers_are_in_a_hidden_table():
    rows = hidden_table(sparkline(days([None, 7]), "x"))
    assert rows == [["Day", "Pain"], ["12 Nov", "—"], ["13 Nov", "7"]]


def test_sparkline_without_logs_says_so():
    svg = svg_of(sparkline(days([None] * 14), "none"))
    assert svg.find(f"{SVG}desc").text == "No log in the last 14 days."
    assert list(svg.iter(f"{SVG}polyline")) == []


def test_labels_are_escaped():
    assert "<b>" not in sparkline(days([1]), "<b>mallory</b>")


def test_episode_chart_plots_days_against_pain_and_marks_red_flag_days():
    chart_days = [
        ChartDay(0, D0, 3),
        ChartDay(1, D0 + datetime.timedelta(days=1), 5, ("radiating_pain",)),
        ChartDay(4, D0 + datetime.timedelta(days=4), 7, ("persistent_pain", "severe_pain")),
    ]
    markup = episode_chart(chart_days, "Leg day on 12 Nov")
    svg = svg_of(markup)
    assert svg.get("role") == "img" and svg.find(f"{SVG}title").text == "Leg day on 12 Nov"
    assert svg.find(f"{SVG}desc").text == (
        "3 logs from day 0 to day 4; highest pain 7, latest 7; red flags on day 1, 4."
    )
    line = next(e for e in svg.iter(f"{SVG}polyline") if e.get("class") == "line")
    (x0, y0), (x1, y1), (x4, y4) = [tuple(map(float, p.split(","))) for p in line.get("points").split()]
    assert x0 < x1 < x4 and y0 > y1 > y4  # later days to the right, more pain higher up
    assert abs((x1 - x0) * 3 - (x4 - x1)) < 0.5  # x is the day index, gaps included
    assert len([r for r in svg.iter(f"{SVG}rect") if r.get("class") == "flag"]) == 2
    ticks = [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "tick"]
    assert ticks[:6] == ["0", "2", "4", "6", "8", "10"] and "7" in ticks[6:]  # y 0-10, x at least to day 7
    assert hidden_table(markup)[1:] == [
        ["0", "12 Nov", "3", "—"],
        ["1", "13 Nov", "5", "radiating pain"],
        ["4", "16 Nov", "7", "persistent pain, severe pain"],
    ]
    assert not re.search(r"style=|<script|on\w+=", markup)


def test_episode_chart_without_logs():
    assert svg_of(episode_chart([], "Empty")).find(f"{SVG}desc").text == "No log yet."
