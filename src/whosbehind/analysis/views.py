"""What the web pages, the JSON API and the exports show: plain dicts read through the named queries.

Every function takes an open (read-only) connection and returns data only; wording and layout are the
web layer's business. Money is never added across kinds: subcontracts are listed beside prime money.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import duckdb

from whosbehind.analysis import ranking
from whosbehind.errors import WhosbehindError
from whosbehind.store import queries

TIE_KINDS = ("prime_contract", "subcontract", "parent", "part_of")
EVIDENCE_KINDS = ("prime_contract", "subcontract", "parent")
INDIVIDUALS = "individuals"


class NotFound(WhosbehindError):
    """Asked for an id that is not in this database."""


def data_date(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    return queries.one(con, "web_data_date") or {}


def suggest(con: duckdb.DuckDBPyConnection, term: str, *, limit: int = 8) -> list[dict[str, Any]]:
    term = term.strip()
    if not term:
        return []
    return [{"id": r["id"], "name": r["name"], "kind": r["kind"]}
            for r in queries.rows(con, "web_suggest", term=term, limit=limit)]


def search(con: duckdb.DuckDBPyConnection, term: str, *, limit: int = 20) -> list[dict[str, Any]]:
    """Organizations by id or name: exact names first, then names starting with, then containing the text."""
    term = term.strip()
    if not term:
        return []
    found = queries.rows(con, "find_organizations", term=term, limit=limit)
    match = {3: "id", 2: "exact name", 1: "name starts with", 0: "name contains"}
    return [{"id": r["id"], "name": r["name"], "kind": r["kind"], "family_id": r["family_id"],
             "match": match.get(r["exact"], "name contains"), "obligated": r["obligated"]} for r in found]


def organization(con: duckdb.DuckDBPyConnection, org_id: str) -> dict[str, Any]:
    """An organization with its family, names, totals, tie summary, largest awards and subcontracts."""
    org = queries.one(con, "web_organization", id=org_id)
    if org is None:
        raise NotFound(f"no organization with id {org_id!r} in this database")
    family = queries.rows(con, "family_members", family_id=org["family_id"])
    own_totals = queries.rows(con, "organization_totals", id=org_id)
    family_totals = queries.rows(con, "web_family_totals", family_id=org["family_id"]) if len(family) > 1 else []
    parent = next((m["parent_id"] for m in family if m["id"] == org_id), None)
    names = queries.rows(con, "web_organization_names", id=org_id) if org["kind"] != INDIVIDUALS else []
    return {
        "id": org["id"],
        "name": org["name"],
        "kind": org["kind"],
        "uei": org["uei"],
        "names": [n["name"] for n in names],
        "merged_into": ({"id": org["merged_into_id"], "name": org["merged_into_name"]}
                        if org["merged_into_id"] else None),
        "family": {
            "id": org["family_id"],
            "name": org["family_name"] or org["name"],
            "reported_parent": parent,
            "parent_chain": parent_chain(con, org_id),
            "members": [{"id": m["id"], "name": m["name"], "reported_parent": m["parent_id"],
                         "source": m["evidence_locator"], "as_of": m["as_of"], "merged_into": m["merged_into"]}
                        for m in family],
        },
        "totals": own_totals,
        "total_obligated": sum((t["obligated"] or Decimal(0) for t in own_totals), Decimal(0)),
        "family_totals": family_totals,
        "family_total_obligated": sum((t["obligated"] or Decimal(0) for t in family_totals), Decimal(0)),
        "tie_kinds": queries.rows(con, "web_tie_kinds", id=org_id),
        "largest_awards": queries.rows(con, "largest_awards", id=org_id, limit=10),
        "subcontracts": queries.rows(con, "subcontracts", id=org_id, limit=20),
    }


def parent_reports(members: list[dict[str, Any]]) -> tuple[int, bool]:
    """How many family members reported a parent, and whether those reports alone link the family (no member
    was joined by a merge or by curated ownership): the family's wording follows it (grade B or not)."""
    reporting = sum(1 for m in members if m["reported_parent"])
    return reporting, reporting >= len(members) - 1 and not any(m["merged_into"] for m in members)


def organization_page(con: duckdb.DuckDBPyConnection, org_id: str) -> dict[str, Any]:
    """`organization`, plus what its page shows beside it: the first ties of each kind and its source files."""
    org = organization(con, org_id)
    org["ties_by_kind"] = {k["kind"]: ties(con, org_id, kind=k["kind"], limit=25) for k in org["tie_kinds"]}
    org["files"] = queries.rows(con, "web_organization_files", id=org_id)
    return org


PAGE_ONLY = ("ties_by_kind", "files")


def parent_chain(con: duckdb.DuckDBPyConnection, org_id: str) -> list[dict[str, Any]]:
    """The organization, then each reported parent up to the family head (stops at a cycle)."""
    chain: list[dict[str, Any]] = []
    seen: set[str] = set()
    current: str | None = org_id
    while current and current not in seen and len(chain) < 20:
        seen.add(current)
        org = queries.one(con, "web_organization", id=current)
        if org is None:
            break
        members = queries.rows(con, "family_members", family_id=org["family_id"])
        me = next((m for m in members if m["id"] == current), None)
        chain.append({"id": current, "name": org["name"], "source": me["evidence_locator"] if me else None})
        current = me["parent_id"] if me else None
    return chain


def ties(con: duckdb.DuckDBPyConnection, org_id: str, *, kind: str | None = None, limit: int = 50,
         offset: int = 0) -> dict[str, Any]:
    _require_org(con, org_id)
    found = queries.rows(con, "web_ties", id=org_id, kind=kind, limit=limit, offset=offset)
    total = found[0]["total"] if found else _count_ties(con, org_id, kind)
    for r in found:
        r.pop("total")
        r["direction"] = "out" if r["source_id"] == org_id else "in"
    return {"id": org_id, "kind": kind, "total": total, "limit": limit, "offset": offset, "items": found}


def _count_ties(con: duckdb.DuckDBPyConnection, org_id: str, kind: str | None) -> int:
    kinds = queries.rows(con, "web_tie_kinds", id=org_id)
    return sum(k["ties"] for k in kinds if kind is None or k["kind"] == kind)


def evidence(con: duckdb.DuckDBPyConnection, org_id: str, *, kind: str | None = None, other: str | None = None,
             limit: int = 50, offset: int = 0) -> dict[str, Any]:
    _require_org(con, org_id)
    found = queries.rows(con, "web_evidence", id=org_id, kind=kind, other=other, limit=limit, offset=offset)
    total = found[0]["total"] if found else None
    for r in found:
        r.pop("total")
        r["evidence_id"] = evidence_id(r)
    if total is None:
        first = queries.rows(con, "web_evidence", id=org_id, kind=kind, other=other, limit=1, offset=0)
        total = first[0]["total"] if first else 0
    return {"id": org_id, "kind": kind, "other": other, "total": total, "limit": limit, "offset": offset,
            "items": found}


def evidence_id(row: dict[str, Any]) -> str:
    """A stable address for one piece of evidence: its kind, the source file's sha256 and its first row."""
    return f"{row['kind']}/{row['sha256']}/{row['rows'][0]}"


def evidence_item(con: duckdb.DuckDBPyConnection, kind: str, sha256: str, row: int) -> dict[str, Any]:
    item = queries.one(con, "web_evidence_item", kind=kind, sha256=sha256, row=row)
    if item is None:
        raise NotFound(f"no {kind} evidence at row {row} of file {sha256}")
    item["evidence_id"] = evidence_id(item)
    if kind == "subcontract":
        item["source_rows"] = queries.rows(con, "web_evidence_subaward_rows", sha256=sha256, rows=item["rows"])
    else:
        item["source_rows"] = queries.rows(con, "web_evidence_money_rows", sha256=sha256, rows=item["rows"])
    return item


def _require_org(con: duckdb.DuckDBPyConnection, org_id: str) -> dict[str, Any]:
    org = queries.one(con, "web_organization", id=org_id)
    if org is None:
        raise NotFound(f"no organization with id {org_id!r} in this database")
    return org


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
        "psc": queries.rows(con, "web_agency_psc", code=chosen.code, limit=15),
        "naics": queries.rows(con, "web_agency_naics", code=chosen.code, limit=15),
    }


def top(con: duckdb.DuckDBPyConnection, term: str, *, fiscal_year: int | None = None, since: int | None = None,
        limit: int = 20) -> dict[str, Any]:
    chosen = ranking.find_agency(con, term)
    rows = ranking.top_families(con, chosen, fiscal_year=fiscal_year, since=since, limit=limit)
    return {"agency": {"id": chosen.id, "name": chosen.name, "code": chosen.code,
                       "abbreviation": chosen.abbreviation},
            "fiscal_year": fiscal_year, "since": since,
            "items": [{"rank": i, **r} for i, r in enumerate(rows, 1)]}


def screen(con: duckdb.DuckDBPyConnection, names: list[str], focus: list[ranking.Agency]) -> list[dict[str, Any]]:
    """Check a list of vendor names: exact or normalized name lookup only, one best candidate each."""
    out: list[dict[str, Any]] = []
    for raw in names:
        name = raw.strip()
        if not name:
            continue
        found = search(con, name, limit=3)
        best = next((f for f in found if f["match"] in ("id", "exact name")), None)
        if best is None:
            same = queries.rows(con, "web_normalized_names", normalized=normalize(name))
            best = {"id": same[0]["id"], "name": same[0]["name"]} if same else None
        status = "exact name" if best else ("similar names only" if found else "not found")
        row: dict[str, Any] = {"input": name, "status": status, "id": None, "name": None, "family_id": None,
                               "family_name": None, "obligated_all": None}
        for a in focus:
            row[f"obligated_{a.abbreviation or a.code}"] = None
        if best:
            org = queries.one(con, "web_organization", id=best["id"]) or {}
            fam = queries.rows(con, "web_family_totals", family_id=org.get("family_id"))
            row.update(id=best["id"], name=best["name"], family_id=org.get("family_id"),
                       family_name=org.get("family_name"),
                       obligated_all=sum((t["obligated"] for t in fam), Decimal(0)))
            for a in focus:
                row[f"obligated_{a.abbreviation or a.code}"] = sum(
                    (t["obligated"] for t in fam if a.code in (t["sub_agency_code"], t["toptier_code"])), Decimal(0))
        row["candidates"] = [] if best else [{"id": f["id"], "name": f["name"], "match": f["match"]} for f in found]
        out.append(row)
    return out


def normalize(name: str) -> str:
    """Case, punctuation and spacing ignored: 'Palantir USG, Inc.' and 'PALANTIR USG INC' are the same."""
    return " ".join(re.sub(r"[^A-Z0-9]+", " ", name.upper()).split())


def source_coverage(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    return {"files": queries.rows(con, "web_source_files"), "coverage": queries.rows(con, "web_source_coverage")}
