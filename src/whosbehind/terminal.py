"""Terminal rendering for the CLI: the one answer (analysis/lookup.py, analysis/organization.py) as text.

Every string that comes from data or from what a person typed is printed as text, never as Rich markup.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from whosbehind.analysis.organization import KIND_TITLES, without_a_tie


def money(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"-${-value:,.2f}" if value < 0 else f"${value:,.2f}"


def candidates(console: Console, answer: dict[str, Any]) -> None:
    """A list answer: each candidate with what tells it apart."""
    console.print(Text(f"{answer['query']!r}: {answer['reason']}"))
    table = Table(title="Candidates (not a match: choose one and look it up by its id)")
    for column in ("id", "name", "family", "obligated", "fiscal years", "registrations"):
        table.add_column(column, overflow="fold")
    for c in answer["candidates"]:
        years = f"{c['first_fy']}-{c['last_fy']}" if c.get("first_fy") else ""
        table.add_row(Text(c["id"]), Text(c["name"]), Text(c["family"]["name"] or ""), money(c["obligated"]),
                      years, Text(", ".join(c.get("identifiers") or [])))
    console.print(table)


def organization(console: Console, org: dict[str, Any]) -> None:
    """`whosbehind lookup`: the organization, its family, its money at three levels and every tie."""
    console.print(Text(f"{org['name']}  ({org['id']})", style="bold"))
    console.print(Text(f"found by {org['basis']}: {org['reason']}", style="dim"))
    if org["asked_for"]:
        console.print(Text(f"{org['asked_for']['id']} is one of this organization's records"))
    if len(org["names"]) > 1:
        console.print(Text("also written: " + "; ".join(org["names"][1:6])))
    registrations = [r["id"] for r in org["records"] if r["id"] != org["id"]]
    if registrations:
        console.print(Text(f"{len(org['records'])} records merged: " + ", ".join(r["id"] for r in org["records"][:8])))
    fam = org["family"]
    if org["totals"]:
        console.print(Text(f"obligated by the agencies in focus (all records): {money(org['obligated'])}; "
                           f"all agencies: {money(org['total_obligated'])} (USAspending, grade A)"))
    else:  # no money row pays it (a parent known from its children's reports): its family's figure, if any, follows
        console.print(Text(f"no USAspending row in these records pays this organization itself: "
                           f"{money(org['obligated'])}"))
    if len(fam["members"]) > 1:
        console.print(Text(f"family: {fam['name']} ({fam['id']}), {len(fam['members'])} organizations, "
                           f"obligated by the agencies in focus: {money(fam['obligated'])}"))
        for m in fam["members"][:12]:
            link = m["link"]
            via = (f" -> {link['parent_name']} ({link['source']}, grade {link['grade']}"
                   + (f", from {link['valid_from']}" if link["valid_from"] else "") + ")") if link else ""
            console.print(Text(f"  {m['name']} ({m['id']}){via}"))
    if org["strongest"]:
        console.print(Text("Tied to the agencies in focus through:", style="bold"))
        for s in org["strongest"][:10]:
            # whose tie it is: a family member's ("the subsidiary's tie") or a partner's, which is not of the family
            whose = "" if s["own"] else f" (the {s['relation']} tie: {s['tie_of_name']})"
            console.print(Text(f"  {s['agency_name']}: {s['title']}{whose}, grade {s['grade']}"))
    else:  # as the page says it (without_a_tie, web/templates/macros.html: no_tie)
        reason = without_a_tie(org)
        kinds = [KIND_TITLES.get(k, k) for k in reason["other_kinds"]]
        said = ": what reaches them are unverified claims alone (grade D), on which no tie rests (`whosbehind why`)" \
            if reason["unverified"] else (f"; its other ties in them ({', '.join(kinds)}) reach none of these agencies"
                                          if kinds else "")
        console.print(Text(f"No tie to the agencies in focus in these records{said}. That is not evidence of no "
                           "ties: records not yet included may hold some.", style="bold"))
    totals = Table(title="Obligations by agency and fiscal year (USAspending, grade A)")
    for c in ("agency", "FY", "obligated", "awards"):
        totals.add_column(c)
    for t in org["totals"]:
        totals.add_row(Text(t["agency_name"] or t["sub_agency_code"] or ""), str(t["fiscal_year"]),
                       money(t["obligated"]), str(t["awards"]))
    if org["totals"]:
        console.print(totals)
    ties = Table(title="Ties (every kind; `whosbehind why` shows the paths)")
    for c in ("kind", "with", "grade", "amount", "dates", "source"):
        ties.add_column(c, overflow="fold")
    for t in org["ties"][:60]:
        source = t["evidence"][0]["url"] or t["evidence"][0]["source_name"] if t["evidence"] else ""
        ties.add_row(KIND_TITLES.get(t["kind"], t["kind"]), Text(t["other_name"] or t["other_id"]), t["grade"],
                     money(t["amount"]), f"{t['first_date'] or ''} – {t['last_date'] or ''}", Text(source or ""))
    if org["ties"]:
        console.print(ties)
    if org["fedramp"]:
        fed = Table(title="FedRAMP cloud products (FedRAMP Marketplace, grade A)")
        for c in ("product", "agencies in focus", "all agencies"):
            fed.add_column(c, overflow="fold")
        for p in org["fedramp"][:20]:
            fed.add_row(Text(p["name"]), Text(", ".join(a["name"] for a in p["focus_agencies"])), str(p["agencies"]))
        console.print(fed)
    awards = Table(title="Largest awards")
    for c in ("award", "agency", "obligated", "dates", "permalink"):
        awards.add_column(c, overflow="fold")
    for a in org["largest_awards"]:
        awards.add_row(Text(a["piid"] or a["award_key"]), Text(a["abbreviation"] or a["agency_name"] or ""),
                       money(a["obligated"]), f"{a['first_date']} – {a['last_date']}",
                       Text(a["permalink"] or f"(from {a['files']})"))
    if org["largest_awards"]:
        console.print(awards)
    if org["subcontracts"]:
        subs = Table(title="Subcontracts (self-reported by the prime, grade B; not added to prime totals)")
        for c in ("direction", "with", "amount", "prime award"):
            subs.add_column(c, overflow="fold")
        for s in org["subcontracts"]:
            subs.add_row(s["direction"], Text(s["other_name"]), money(s["amount"]), Text(s["award_key"] or ""))
        console.print(subs)
    if org["candidates"]:
        console.print(Text("other registrations or candidates: " + "; ".join(
            f"{c['name']} ({c['id']})" for c in org["candidates"][:6])))


def match(console: Console, answer: dict[str, Any]) -> None:
    """`whosbehind match NAME`: the answer and how it was reached."""
    if answer["status"] != "found":
        if answer["candidates"]:
            candidates(console, answer)
        else:
            console.print(Text(f"no match for {answer['query']!r}: {answer['reason']}"))
        return
    console.print(Text(f"{answer['query']!r} -> {answer['name']} ({answer['id']})"))
    console.print(Text(f"family (ultimate parent): {answer['family']['name']} ({answer['family']['id']})"))
    console.print(Text(f"found by {answer['basis']}: {answer['reason']}"))
    detail = answer.get("match") or {}
    if detail.get("score") is not None:
        console.print(Text(f"score: {detail['score']:.4f} (Splink match probability), rule: {detail['rule']}"))
    for e in detail.get("explanation") or []:
        weight = "" if e.get("match_weight") is None else f" [weight {e['match_weight']:+.2f}]"
        values = f": {e['left']!r} vs {e['right']!r}" if e.get("right") is not None else ""
        console.print(Text(f"  {e['feature']}: {e['level']}{values}{weight}"))
    ties = answer.get("focus_ties")
    if ties:
        console.print(Text(f"ties to {ties['agencies']}: {ties['tied']}"
                           + (f"; strongest: {ties['strongest_kind']} (grade {ties['strongest_grade']}"
                              + (f", the {ties['strongest_relation']} tie: {ties['strongest_tie_of']}"
                                 if ties["strongest_tie_of"] else "") + ")"
                              if ties["tied"] == "yes" else "")
                           + f"; family obligated {money(ties['family_obligated'])}"))
