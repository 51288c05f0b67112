"""Charts drawn on the server as inline SVG with Vega-Lite (altair builds the spec, vl-convert renders it): no
script in the browser, readable on a phone and when printed. Every chart is drawn at the width of a phone's
column (it shrinks, never grows past it) so its text stays at the size it was drawn; the figures it shows are
also in a table beside it.

The family picture is a small layered drawing computed here (organizations in one column, the agencies in
focus in the other, one line per tie coloured by its strongest grade) and drawn with Vega-Lite marks: the
layout needs no graph library, and the same renderer keeps fonts and sizes alike across charts.
"""

from __future__ import annotations

import itertools
import json
import re
from decimal import Decimal
from functools import lru_cache
from typing import Any

from markupsafe import Markup, escape

from whosbehind.model import Relation
from whosbehind.web.i18n import gettext as _

WIDTH = 330  # the whole drawing, in CSS pixels: fits a 360 px phone's column
FONT = "DejaVu Sans, Verdana, sans-serif"
COLOURS = ["#1f5f8b", "#c8553d", "#3f7d3a", "#8d6a9f", "#9a6f12", "#4a4e69"]
GRADE_COLOURS = {"A": "#145a32", "B": "#7d6608", "C": "#1a5276", "D": "#6c3483", "E": "#6c3483"}
GRADE_DASH = {"A": [1, 0], "B": [1, 0], "C": [6, 3], "D": [2, 3], "E": [2, 3]}
_ids = itertools.count(1)


def _config() -> dict[str, Any]:
    return {"font": FONT, "aria": False, "view": {"stroke": None},
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "labelColor": "#17202a", "titleColor": "#17202a"},
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "labelLimit": 0, "labelColor": "#17202a",
                       "titleColor": "#17202a"}}


@lru_cache(maxsize=512)
def _svg(spec_json: str) -> str:
    import vl_convert

    return vl_convert.vegalite_to_svg(json.loads(spec_json))


def _embed(spec: dict[str, Any], title: str) -> Markup:
    """The SVG of a spec, made to scale down with its column and named for screen readers; ids made unique
    on the page."""
    svg = _svg(json.dumps(spec, sort_keys=True, default=str))
    n = next(_ids)
    svg = re.sub(r'id="([^"]+)"', lambda m: f'id="c{n}-{m.group(1)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#c{n}-{m.group(1)})", svg)
    svg = re.sub(r"<svg ", f'<svg role="img" aria-labelledby="chart-{n}" ', svg, count=1)
    svg = re.sub(r'class="marks"', 'class="chart"', svg, count=1)
    head, _sep, body = svg.partition(">")
    # The drawing is one image, named by its title: the roles Vega gives its marks would be read out one by one.
    body = re.sub(r' (?:role|aria-roledescription|aria-label|aria-hidden)="[^"]*"', "", body)
    svg = f'{head}><title id="chart-{n}">{escape(title)}</title>{body}'
    return Markup(svg)


def _money_label() -> str:
    """A Vega expression writing an axis value as $41.6M / $3.1B / $250K, in the page's language."""
    v = "abs(datum.value)"
    return (f"(datum.value < 0 ? '−' : '') + '$' + ({v} >= 1e9 ? format({v} / 1e9, '.1~f') + '{_('B')}' : "
            f"{v} >= 1e6 ? format({v} / 1e6, '.1~f') + '{_('M')}' : {v} >= 1e3 ? format({v} / 1e3, '.0f') + 'K' : "
            f"format({v}, '.0f'))")


def bars_by_year(rows: list[dict[str, Any]], *, series_key: str = "series", title: str = "") -> Markup:
    """Obligations per fiscal year, one bar per year (years down the side so any number of them fits a phone),
    split by series (e.g. agency) when there are several. Deobligations go left of zero."""
    import altair as alt

    values: dict[tuple[int, str], Decimal] = {}
    for r in rows:
        if r.get("fiscal_year") is None:
            continue
        name = str(r.get("abbreviation") if series_key == "agency_name" and r.get("abbreviation")
                   else r.get(series_key) or "")
        key = (int(r["fiscal_year"]), _(name) if name else "")
        values[key] = values.get(key, Decimal(0)) + Decimal(r.get("obligated") or 0)
    if not values:
        return Markup("")
    data = [{"year": str(y), "series": s, "obligated": float(v)} for (y, s), v in sorted(values.items())]
    series = sorted({s for _y, s in values})
    years = sorted({y for y, _s in values})
    colour: Any = alt.value(COLOURS[0])
    if len(series) > 1:
        colour = alt.Color("series:N", title=_("agency"), sort=series,
                           scale=alt.Scale(domain=series, range=COLOURS[: len(series)]),
                           legend=alt.Legend(orient="bottom", direction="vertical", columns=1))
    chart = alt.Chart(alt.Data(values=data)).mark_bar(height={"band": 0.8}).encode(
        y=alt.Y("year:O", title=_("fiscal year"), sort=[str(y) for y in years],
                axis=alt.Axis(labelAngle=0, ticks=False)),
        x=alt.X("sum(obligated):Q", title=_("obligated (US dollars)"),
                axis=alt.Axis(labelExpr=_money_label(), tickCount=4, labelFlush=True, labelOverlap=True,
                              grid=True)),
        color=colour,
    ).properties(width=WIDTH - 80, height={"step": 18})
    spec = chart.to_dict()
    spec["config"] = _config()
    return _embed(spec, title)


NETWORK_HOLDERS = 8  # organizations drawn on the left of the network: the organization and 7 that hold ties


def _drawn_lines(org: dict[str, Any]
                 ) -> tuple[list[tuple[str, str]], list[tuple[tuple[str, str], dict[str, Any]]]]:
    """The holders the network draws (id, name), top to bottom: the organization, then the first holders in the
    strongest lines' order, up to NETWORK_HOLDERS in all; and the strongest-tie lines it draws, each with its holder."""
    holders: list[tuple[str, str]] = [(org["id"], org["name"])]
    drawn = []
    for s in org.get("strongest") or []:
        holder = (org["id"], org["name"]) if s["own"] else (s["tie_of"], s["tie_of_name"] or s["tie_of"])
        if holder not in holders:
            if len(holders) >= NETWORK_HOLDERS:
                continue
            holders.append(holder)
        drawn.append((holder, s))
    return holders, drawn


def with_partners(org: dict[str, Any]) -> bool:
    """Whether the network draws a partner's ties besides its family's (its caption and title then say so)."""
    return any(s.get("relation") == Relation.PARTNER for _holder, s in _drawn_lines(org)[1])


def family_network(org: dict[str, Any]) -> Markup:
    """The organization, the members of its family and the partners that hold ties, and the agencies they are tied
    to: one line per organization and agency, coloured and dashed by the strongest grade of the ties it stands for.
    A partner is labelled as one: it is not of the family."""
    import altair as alt

    edges: dict[tuple[str, str], dict[str, Any]] = {}
    partners: set[str] = set()
    agencies: list[tuple[str, str]] = []
    holders, drawn = _drawn_lines(org)
    for holder, s in drawn:
        if s.get("relation") == Relation.PARTNER:
            partners.add(holder[0])
        agency = (s["agency"], s["agency_name"])
        if agency not in agencies:
            agencies.append(agency)
        e = edges.setdefault((holder[0], agency[0]), {"grade": s["grade"]})
        e["grade"] = min(e["grade"], s["grade"])
    if not edges:
        return Markup("")
    step = 46
    height = step * max(len(holders), len(agencies))
    left_x, right_x = 172, WIDTH - 52

    def ys(n: int) -> list[float]:
        return [height / 2 + (i - (n - 1) / 2) * step for i in range(n)]

    hy = dict(zip([h[0] for h in holders], ys(len(holders)), strict=True))
    ay = dict(zip([a[0] for a in agencies], ys(len(agencies)), strict=True))
    lines = [{"x": left_x, "y": hy[h], "x2": right_x, "y2": ay[a], "grade": e["grade"]} for (h, a), e in edges.items()]
    nodes = [{"x": left_x, "y": hy[i], "label": _("%(name)s (partner)") % {"name": _short(n, 14)} if i in partners
              else _short(n, 24), "align": "right", "dx": -8, "own": i == org["id"]} for i, n in holders]
    nodes += [{"x": right_x, "y": ay[i], "label": _abbreviation(n), "align": "left", "dx": 8, "own": False}
              for i, n in agencies]
    grades = sorted({e["grade"] for e in edges.values()})
    x = alt.X("x:Q", scale=None, axis=None)
    y = alt.Y("y:Q", scale=None, axis=None)
    colour = alt.Color("grade:N", title=_("strongest grade"),
                       scale=alt.Scale(domain=grades, range=[GRADE_COLOURS[g] for g in grades]),
                       legend=alt.Legend(orient="bottom", direction="horizontal"))
    dash = alt.StrokeDash("grade:N", scale=alt.Scale(domain=grades, range=[GRADE_DASH[g] for g in grades]),
                          legend=None)
    edge_layer = alt.Chart(alt.Data(values=lines)).mark_rule(strokeWidth=2.5).encode(
        x=x, y=y, x2="x2:Q", y2="y2:Q", color=colour, strokeDash=dash)
    node_layer = alt.Chart(alt.Data(values=nodes)).mark_circle(size=110, opacity=1).encode(
        x=x, y=y, color=alt.condition("datum.own", alt.value("#c8553d"), alt.value("#17202a")))
    left_labels = alt.Chart(alt.Data(values=[n for n in nodes if n["align"] == "right"])).mark_text(
        align="right", dx=-9, fontSize=12, baseline="middle").encode(x=x, y=y, text="label:N")
    right_labels = alt.Chart(alt.Data(values=[n for n in nodes if n["align"] == "left"])).mark_text(
        align="left", dx=9, fontSize=12, fontWeight="bold", baseline="middle").encode(x=x, y=y, text="label:N")
    chart = alt.layer(edge_layer, node_layer, left_labels, right_labels).properties(
        width=WIDTH, height=height + 10)
    spec = chart.to_dict()
    spec["config"] = _config()
    return _embed(spec, network_title(org))


def _short(name: str, n: int) -> str:
    return name if len(name) <= n else name[: n - 1].rstrip() + "…"


ABBREVIATIONS = {"U.S. Immigration and Customs Enforcement": "ICE", "U.S. Customs and Border Protection": "CBP",
                 "Department of Homeland Security": "DHS"}


def _abbreviation(name: str) -> str:
    return ABBREVIATIONS.get(name, _short(name, 10))


def organization_chart(org: dict[str, Any], chart: str) -> str:
    """One chart of an organization's page as an SVG file (an empty drawing when it has nothing to draw)."""
    if chart == "years":
        drawn = bars_by_year(org["totals"], series_key="agency_name", title=years_title(org))
    else:
        drawn = family_network(org)
    return str(drawn) or '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>'


def years_title(org: dict[str, Any]) -> str:
    return _("Obligations to %(name)s by fiscal year") % {"name": org["name"]}


def network_title(org: dict[str, Any]) -> str:
    if with_partners(org):
        return (_("Ties of %(name)s, its family and its partners to the agencies, by strongest grade")
                % {"name": org["name"]})
    return _("Ties of %(name)s and its family to the agencies, by strongest grade") % {"name": org["name"]}
