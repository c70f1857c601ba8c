"""`antechamber records stats`: the table it prints, and the report `--html` writes.

One HTML file with inline CSS and inline SVG charts: no script, no font, no image or anything
else fetched, so that it opens the same on an auditor's laptop offline and prints on paper.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from html import escape

from antechamber.consent.records import DayStats

__all__ = ["granted_totals", "report_html", "stats_table"]

_ACTION_COLOURS = {"accept_all": "#2e7d32", "save": "#f9a825", "reject_all": "#c62828"}
_OTHER_COLOUR = "#546e7a"
_WIDTH = 720

_CSS = """
body { font: 14px/1.45 system-ui, sans-serif; color: #1a1a1a; margin: 2rem auto; max-width: 760px; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
.meta { color: #555; margin-top: 0; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid #ddd; padding: .25rem .5rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.legend span { display: inline-block; margin-right: 1rem; }
.legend i { display: inline-block; width: .8rem; height: .8rem; margin-right: .3rem; }
svg text { font: 11px system-ui, sans-serif; fill: #333; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; }
  svg, table { break-inside: avoid; } }
@page { size: A4; margin: 15mm; }
"""


def report_html(days: list[DayStats], *, since: datetime | None = None) -> str:
    """The report for these days (as `ConsentStore.stats` returns them)."""
    total = sum(d.choices for d in days)
    actions = _actions(days)
    period = (
        f"{days[0].day.isoformat()} to {days[-1].day.isoformat()} (UTC)" if days else "no records"
    )
    if since is not None:
        period += f"; records since {since.isoformat()}"
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>Consent records report</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>Consent records report</h1>",
        f'<p class="meta">{escape(period)}. {total:,} choices on {len(days):,} days. '
        f"Generated {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by antechamber.</p>",
        "<p>Each choice a visitor made on the cookie banner or the preferences page is one "
        "record, stored before the choice was confirmed to the visitor.</p>",
    ]
    if days:
        parts += [
            "<h2>Choices per day</h2>",
            _legend(actions),
            _day_chart(days, actions),
            "<h2>Share of choices granting each category and partner</h2>",
            _share_chart(days, total),
            "<h2>Choices per day, in numbers</h2>",
            _day_table(days, actions),
        ]
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _actions(days: list[DayStats]) -> list[str]:
    seen = {a for d in days for a in d.actions}
    return [a for a in _ACTION_COLOURS if a in seen] + sorted(seen - set(_ACTION_COLOURS))


def _colour(action: str) -> str:
    return _ACTION_COLOURS.get(action, _OTHER_COLOUR)


def _legend(actions: list[str]) -> str:
    items = "".join(
        f'<span><i style="background:{_colour(a)}"></i>{escape(a)}</span>' for a in actions
    )
    return f'<p class="legend">{items}</p>'


def _day_chart(days: list[DayStats], actions: list[str]) -> str:
    """Stacked bars, one per day, coloured by action."""
    height, left, bottom = 220, 44, 24
    plot_w, plot_h = _WIDTH - left - 8, height - bottom - 8
    top = max(d.choices for d in days) or 1
    step = plot_w / len(days)
    bar = max(step * 0.8, 1.0)
    shapes = [
        f'<line x1="{left}" y1="{8 + plot_h}" x2="{_WIDTH - 8}" y2="{8 + plot_h}" stroke="#999"/>',
        f'<text x="{left - 6}" y="14" text-anchor="end">{top:,}</text>',
        f'<text x="{left - 6}" y="{8 + plot_h}" text-anchor="end">0</text>',
    ]
    for n, d in enumerate(days):
        x = left + n * step + (step - bar) / 2
        y = 8.0 + plot_h
        for action in actions:
            h = plot_h * d.actions[action] / top
            if h <= 0:
                continue
            y -= h
            shapes.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{_colour(action)}"><title>{d.day.isoformat()} {escape(action)}: '
                f"{d.actions[action]:,}</title></rect>"
            )
    labels = {0, len(days) - 1} | set(range(0, len(days), max(len(days) // 6, 1)))
    for n in sorted(labels):
        x = left + n * step + step / 2
        anchor = "end" if n == len(days) - 1 and n else "middle"
        shapes.append(
            f'<text x="{x:.1f}" y="{height - 6}" text-anchor="{anchor}">'
            f"{days[n].day.isoformat()}</text>"
        )
    return _svg(height, "Choices per day, stacked by action", shapes)


def _share_chart(days: list[DayStats], total: int) -> str:
    """One horizontal bar per category and partner: the share of all choices granting it."""
    rows = granted_totals(days)
    row_h, label_w = 22, 200
    height = max(row_h * len(rows) + 8, 30)
    plot_w = _WIDTH - label_w - 70
    shapes = []
    for n, (kind, key, count) in enumerate(rows):
        y = 4 + n * row_h
        share = count / total if total else 0.0
        fill = "#1565c0" if kind == "category" else "#6a1b9a"
        shapes += [
            f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end">{escape(key)} ({kind})</text>',
            f'<rect x="{label_w}" y="{y + 3}" width="{plot_w}" height="{row_h - 6}" fill="#eee"/>',
            f'<rect x="{label_w}" y="{y + 3}" width="{plot_w * share:.1f}" height="{row_h - 6}" '
            f'fill="{fill}"/>',
            f'<text x="{label_w + plot_w + 6}" y="{y + 15}">{100 * share:.1f}%</text>',
        ]
    return _svg(height, "Share of choices granting each category and partner", shapes)


def _day_table(days: list[DayStats], actions: list[str]) -> str:
    head = "".join(f"<th>{escape(a)}</th>" for a in actions)
    rows = [f"<tr><th>day</th><th>choices</th>{head}</tr>"]
    for d in days:
        cells = "".join(f"<td>{d.actions[a]:,}</td>" for a in actions)
        rows.append(f"<tr><td>{d.day.isoformat()}</td><td>{d.choices:,}</td>{cells}</tr>")
    return "<table>" + "\n".join(rows) + "</table>"


def _svg(height: int, label: str, shapes: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(label)}" '
        f'width="100%" viewBox="0 0 {_WIDTH} {height}">' + "".join(shapes) + "</svg>"
    )


def stats_table(days: list[DayStats]) -> str:
    """Choices per day by action, then the share of all choices granting each key."""
    if not days:
        return "no consent records in that period\n"
    actions = sorted({a for d in days for a in d.actions})
    lines = [f"{'day':<10}  {'choices':>8}" + "".join(f"  {a:>11}" for a in actions)]
    for d in days:
        lines.append(
            f"{d.day.isoformat():<10}  {d.choices:>8}"
            + "".join(f"  {d.actions[a]:>11}" for a in actions)
        )
    total = sum(d.choices for d in days)
    lines.append(f"{'total':<10}  {total:>8}" + "".join(
        f"  {sum(d.actions[a] for d in days):>11}" for a in actions
    ))  # fmt: skip
    lines.append("")
    lines.append(f"{'granted':<24}  {'kind':<8}  {'choices':>8}  {'share':>7}")
    for kind, key, count in granted_totals(days):
        lines.append(f"{key:<24}  {kind:<8}  {count:>8}  {100 * count / total:>6.1f}%")
    return "\n".join(lines) + "\n"


def granted_totals(days: list[DayStats]) -> list[tuple[str, str, int]]:
    """(kind, key, choices granting it) over all days, categories first, by key."""
    rows: list[tuple[str, str, int]] = []
    for kind, per_day in (
        ("category", [d.categories for d in days]),
        ("partner", [d.partners for d in days]),
    ):
        total: Counter[str] = Counter()
        for counts in per_day:
            total.update(counts)
        rows += [(kind, key, total[key]) for key in sorted(total)]
    return rows
