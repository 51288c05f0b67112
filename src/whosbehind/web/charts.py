"""Charts drawn on the server as inline SVG: no script, no external library, readable when printed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from markupsafe import Markup

from whosbehind.web.formatting import short_money

COLOURS = ("#1f5f8b", "#c8553d", "#588157", "#8d6a9f", "#b08836", "#4a4e69")


def bars_by_year(rows: list[dict[str, Any]], *, series_key: str = "series", title: str = "") -> Markup:
    """Grouped bars: one group per fiscal year, one bar per series (e.g. agency). Rows need fiscal_year,
    obligated and series_key. Negative totals (deobligations) are drawn as zero-height with their label."""
    years = sorted({r["fiscal_year"] for r in rows if r["fiscal_year"] is not None})
    series = sorted({str(r.get(series_key) or "") for r in rows})
    if not years:
        return Markup("")
    values: dict[tuple[int, str], Decimal] = {}
    for r in rows:
        if r["fiscal_year"] is None:
            continue
        k = (r["fiscal_year"], str(r.get(series_key) or ""))
        values[k] = values.get(k, Decimal(0)) + Decimal(r["obligated"] or 0)
    top = max([v for v in values.values() if v > 0] or [Decimal(1)])
    width, height, left, bottom, top_pad = 720, 260, 70, 40, 24
    legend_h = 18 * len(series) if len(series) > 1 else 0
    plot_h = height - bottom - top_pad
    group_w = (width - left - 10) / len(years)
    bar_w = max(2.0, min(28.0, (group_w - 6) / len(series)))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height + legend_h}" '
             f'width="100%" class="chart"><title>{escape(title)}</title>',
             f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{width - 5}" y2="{top_pad + plot_h}" stroke="#555"/>',
             f'<text x="{left - 6}" y="{top_pad + 4}" text-anchor="end" font-size="11">'
             f'{escape(short_money(top))}</text>',
             f'<text x="{left - 6}" y="{top_pad + plot_h}" text-anchor="end" font-size="11">$0</text>']
    for i, year in enumerate(years):
        x0 = left + i * group_w + 3
        for j, name in enumerate(series):
            v = values.get((year, name))
            if v is None:
                continue
            h = float(max(v, Decimal(0)) / top) * plot_h
            x = x0 + j * bar_w
            label = f"FY{year} {name}: {short_money(v)}"
            parts.append(f'<rect x="{x:.1f}" y="{top_pad + plot_h - h:.1f}" width="{bar_w - 1:.1f}" height="{h:.1f}" '
                         f'fill="{COLOURS[j % len(COLOURS)]}"><title>{escape(label)}</title></rect>')
        if len(years) <= 16 or i % 2 == 0:
            parts.append(f'<text x="{x0 + group_w / 2 - 3:.1f}" y="{top_pad + plot_h + 16}" text-anchor="middle" '
                         f'font-size="11">{year}</text>')
    for j, name in enumerate(series if len(series) > 1 else []):
        y = height + 18 * j
        parts.append(f'<rect x="{left}" y="{y - 10}" width="12" height="12" fill="{COLOURS[j % len(COLOURS)]}"/>'
                     f'<text x="{left + 18}" y="{y}" font-size="12">{escape(name)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
