"""What the web pages, the JSON API and the exports show: plain dicts read through the named queries.

Every function takes an open (read-only) connection and returns data only; wording and layout are the
web layer's business. Money is never added across kinds: subcontracts are listed beside prime money.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import duckdb

from whosbehind.analysis import lookup, ranking
from whosbehind.analysis import organization as organization_mod
from whosbehind.store import queries

INDIVIDUALS = "individuals"
NotFound = organization_mod.NotFound


def data_date(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    return queries.one(con, "web_data_date") or {}


def suggest(con: duckdb.DuckDBPyConnection, term: str, *, limit: int = 8) -> list[dict[str, Any]]:
    """Names beginning with the text first, then containing it, each leading to its organization (a list to
    choose from: the answer itself comes from the lookup)."""
    term = term.strip()
    if not term:
        return []
    return [{"id": r["id"], "name": r["name"], "kind": r["kind"]}
            for r in queries.rows(con, "web_suggest", term=term, limit=limit)]


def search(con: duckdb.DuckDBPyConnection, term: str, *, limit: int = 20) -> dict[str, Any]:
    """The lookup's answer for the text, then other organizations whose names contain it (not matches)."""
    term = term.strip()
    if not term:
        return {"query": term, "answer": None, "items": []}
    found = lookup.lookup(con, term)
    items: list[dict[str, Any]] = []
    if found.found:
        items.append({"id": found.id, "name": found.name, "kind": found.kind, "family": found.family,
                      "match": found.basis, "answer": True})
    items += [{"id": c["id"], "name": c["name"], "kind": c["kind"], "family": c["family"],
               "match": "candidate", "answer": False, "obligated": c["obligated"]} for c in found.candidates]
    shown = {i["id"] for i in items}
    more = [r for r in suggest(con, term, limit=limit) if r["id"] not in shown][:max(0, limit - len(items))]
    # each with its family, as the answer and the candidates have theirs
    families = {n["id"]: lookup.family_of(n)
                for n in queries.rows(con, "lookup_nodes", ids=[r["id"] for r in more])} if more else {}
    items += [{**r, "family": families.get(r["id"]), "match": "name contains the text", "answer": False} for r in more]
    return {"query": term, "answer": found.to_dict(), "items": items[:limit]}


def organization(con: duckdb.DuckDBPyConnection, org_id: str) -> dict[str, Any]:
    """The one answer for an organization (analysis/organization.py), as the build stored it."""
    return organization_mod.stored(con, org_id)


def organization_as_of(con: duckdb.DuckDBPyConnection, org_id: str, day: str) -> dict[str, Any]:
    """The answer with the family as it was on ``day`` beside today's."""
    return organization_mod.answer(con, org_id, as_of=day)


def ties(con: duckdb.DuckDBPyConnection, org_id: str, *, kind: str | None = None, limit: int = 50,
         offset: int = 0) -> dict[str, Any]:
    """Every tie of one organization, any kind, one page at a time."""
    node = _require_org(con, org_id)
    found = queries.rows(con, "web_ties", id=node["id"], kind=kind, limit=limit, offset=offset)
    total = found[0]["total"] if found else queries.one(con, "web_ties_count", id=node["id"], kind=kind)["total"]
    for r in found:
        r.pop("total")
    return {"id": node["id"], "kind": kind, "total": total, "limit": limit, "offset": offset, "items": found}


def evidence(con: duckdb.DuckDBPyConnection, org_id: str, *, kind: str | None = None, other: str | None = None,
             limit: int = 50, offset: int = 0) -> dict[str, Any]:
    _require_org(con, org_id)
    found = queries.rows(con, "web_evidence", id=org_id, kind=kind, other=other, limit=limit, offset=offset)
    total = found[0]["total"] if found else None
    for r in found:
        r.pop("total")
    if total is None:
        first = queries.rows(con, "web_evidence", id=org_id, kind=kind, other=other, limit=1, offset=0)
        total = first[0]["total"] if first else 0
    return {"id": org_id, "kind": kind, "other": other, "total": total, "limit": limit, "offset": offset,
            "items": found}


def evidence_item(con: duckdb.DuckDBPyConnection, evidence_id: str) -> dict[str, Any]:
    """One piece of evidence by its id, with the counted rows behind it and the first of them as published."""
    item = queries.one(con, "web_evidence_item", evidence_id=evidence_id)
    if item is None:
        raise organization_mod.NoSuchEvidence(evidence_id)
    item["source_rows"], item["raw_rows"] = [], []
    if item["sha256"] and item["rows"]:
        name = "web_evidence_subaward_rows" if item["kind"] == "subcontract" else "web_evidence_money_rows"
        item["source_rows"] = queries.rows(con, name, sha256=item["sha256"], rows=item["rows"])
        item["raw_rows"] = queries.raw_rows(con, item["source_format"], item["sha256"], list(item["rows"][:3]))
    return item


def _require_org(con: duckdb.DuckDBPyConnection, org_id: str) -> dict[str, Any]:
    node = queries.one(con, "lookup_node", id=org_id)
    if node is None:
        raise organization_mod.NoSuchOrganization(org_id)
    return node


def agencies(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    return queries.rows(con, "web_agencies")


def agency(con: duckdb.DuckDBPyConnection, term: str, *, limit: int = 25) -> dict[str, Any]:
    chosen = ranking.find_agency(con, term)
    ranked = ranking.top_families(con, chosen, limit=0)
    return {
        "id": chosen.id, "name": chosen.name, "code": chosen.code, "abbreviation": chosen.abbreviation,
        "total_obligated": sum((r["obligated"] for r in ranked), Decimal(0)),
        "families": len(ranked),
        "top_families": ranked[:limit],
        "by_fiscal_year": queries.rows(con, "web_agency_years", code=chosen.code),
        "psc": queries.rows(con, "web_agency_buys", scheme="psc", code=chosen.code, limit=15),
        "naics": queries.rows(con, "web_agency_buys", scheme="naics", code=chosen.code, limit=15),
    }


def top(con: duckdb.DuckDBPyConnection, term: str, *, fiscal_year: int | None = None, since: int | None = None,
        limit: int = 20) -> dict[str, Any]:
    chosen = ranking.find_agency(con, term)
    rows = ranking.top_families(con, chosen, fiscal_year=fiscal_year, since=since, limit=limit)
    return {"agency": {"id": chosen.id, "name": chosen.name, "code": chosen.code,
                       "abbreviation": chosen.abbreviation},
            "fiscal_year": fiscal_year, "since": since,
            "items": [{"rank": i, **r} for i, r in enumerate(rows, 1)]}


def source_coverage(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    return {"files": queries.rows(con, "web_source_files"), "coverage": queries.rows(con, "web_source_coverage")}
