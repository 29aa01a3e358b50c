"""Inline SVG charts drawn in Python: no script, nothing inline that a strict CSP blocks
(presentation attributes only, no style attributes), and accessible: role="img" with a
<title> and <desc>, and the same numbers in a visually hidden table for screen readers.

Pure functions of plain data, returning safe markup.
"""

from dataclasses import dataclass
from itertools import count

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe

PAIN_MAX = 10
_ids = count(1)


def _uid(prefix):
    return f"{prefix}{next(_ids)}"


def _fmt(number):
    return f"{number:.1f}".rstrip("0").rstrip(".")


def sparkline(points, label, width=140, height=32):
    """A polyline of pain (0-10) over consecutive days. points: [(date, pain or None)].

    Days without a log leave a gap in the line; a lone logged day is a dot.
    """
    step = width / max(len(points) - 1, 1)
    pad = 2

    def xy(i, pain):
        return f"{_fmt(i * step)},{_fmt(pad + (height - 2 * pad) * (1 - pain / PAIN_MAX))}"

    runs, run = [], []
    for i, (_, pain) in enumerate([*points, (None, None)]):
        if pain is not None:
            run.append((i, pain))
        elif run:
            runs.append(run)
            run = []
    shapes = []
    for run in runs:
        if len(run) == 1:
            x, y = xy(*run[0]).split(",")
            shapes.append(f'<circle cx="{x}" cy="{y}" r="1.8"/>')
        else:
            shapes.append(f'<polyline points="{" ".join(xy(i, p) for i, p in run)}"/>')
    logged = [p for _, p in points if p is not None]
    desc = (
        f"{len(logged)} of {len(points)} days logged; highest {max(logged)}, latest {logged[-1]}."
        if logged
        else f"No log in the last {len(points)} days."
    )
    title_id = _uid("spark")
    svg = format_html(
        '<svg class="spark" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-labelledby="{t} {t}d">'
        '<title id="{t}">{label}</title><desc id="{t}d">{desc}</desc>'
        '<line class="base" x1="0" x2="{w}" y1="{base}" y2="{base}"/>'
        '<g fill="currentColor" stroke="currentColor" stroke-width="1.5">{shapes}</g></svg>',
        w=width,
        h=height,
        t=title_id,
        base=height - pad,
        label=label,
        desc=desc,
        shapes=mark_safe("".join(shapes).replace("<polyline", '<polyline fill="none"')),
    )
    return svg + _table(label, ("Day", "Pain"), [(f"{day:%d %b}", "—" if p is None else p) for day, p in points])


@dataclass(frozen=True)
class ChartDay:
    day: int  # day index: 0 is the workout's date
    date: object
    pain: int
    flags: tuple = ()  # reason codes first raised by this day's log


def episode_chart(days, title, width=560, height=220):
    """Pain (0-10, y) by day index (x) over one workout's logs, red-flag days marked.

    days: [ChartDay] in day order. A day that raised a flag gets a red diamond around its
    point and the reasons in the table, so the mark does not rest on colour alone.
    """
    left, right, top, bottom = 34, 12, 10, 30
    last_day = max([7, *(d.day for d in days)])
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(day):
        return left + plot_w * day / last_day

    def y(pain):
        return top + plot_h * (1 - pain / PAIN_MAX)

    grid = format_html_join(
        "",
        '<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}"/>'
        '<text class="tick" x="{}" y="{}" text-anchor="end">{}</text>',
        ((left, width - right, _fmt(y(p)), _fmt(y(p)), left - 6, _fmt(y(p) + 4), p) for p in (0, 2, 4, 6, 8, 10)),
    )
    every = 1 if last_day <= 14 else max(1, last_day // 10)
    xticks = format_html_join(
        "",
        '<text class="tick" x="{}" y="{}" text-anchor="middle">{}</text>',
        ((_fmt(x(d)), height - bottom + 16, d) for d in range(0, last_day + 1, every)),
    )
    line = " ".join(f"{_fmt(x(d.day))},{_fmt(y(d.pain))}" for d in days)
    points = format_html_join(
        "",
        '<circle class="pt" cx="{}" cy="{}" r="3.5"/>',
        ((_fmt(x(d.day)), _fmt(y(d.pain))) for d in days),
    )
    flags = format_html_join(
        "",
        '<rect class="flag" x="{}" y="{}" width="12" height="12" transform="rotate(45 {} {})"/>',
        ((_fmt(x(d.day) - 6), _fmt(y(d.pain) - 6), _fmt(x(d.day)), _fmt(y(d.pain))) for d in days if d.flags),
    )
    flagged = [d for d in days if d.flags]
    desc = (
        f"{len(days)} logs from day {days[0].day} to day {days[-1].day}; highest pain "
        f"{max(d.pain for d in days)}, latest {days[-1].pain}; "
        + (f"red flags on day {', '.join(str(d.day) for d in flagged)}." if flagged else "no red flag.")
        if days
        else "No log yet."
    )
    t = _uid("chart")
    svg = format_html(
        '<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-labelledby="{t} {t}d">'
        '<title id="{t}">{title}</title><desc id="{t}d">{desc}</desc>{grid}{xticks}'
        '<text class="axis" x="{cx}" y="{h}" text-anchor="middle" dy="-2">day after the workout</text>'
        '<polyline class="line" fill="none" points="{line}"/>{flags}{points}</svg>',
        w=width,
        h=height,
        t=t,
        title=title,
        desc=desc,
        grid=grid,
        xticks=xticks,
        cx=_fmt(left + plot_w / 2),
        line=line,
        flags=flags,
        points=points,
    )
    rows = [(d.day, f"{d.date:%d %b}", d.pain, ", ".join(f.replace("_", " ") for f in d.flags) or "—") for d in days]
    return svg + _table(title, ("Day", "Date", "Pain", "Red flag raised"), rows)


def _table(caption, headings, rows):
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headings)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return mark_safe(
        f'<table class="visually-hidden"><caption>{escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )
