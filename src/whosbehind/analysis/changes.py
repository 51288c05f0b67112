"""What changed: awards, modifications, claims and family links between builds (``change_log``), and FedRAMP
authorizations that appeared at or disappeared from an agency between snapshots (``raw_fedramp_*``).

One list, one shape (the ``changes --json`` contract): ``change``, ``kind``, ``organization`` (``id``,
``name``), ``agency`` (``id``, ``name``, or null), ``source_id``, ``amount``, ``detected_between`` (the two
build or snapshot dates), ``evidence`` (in words, English); each change also carries ``parts``, what its evidence is
written from, so that a page words it in its own language (``web/formatting.change_evidence``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb

from whosbehind.analysis import ranking
from whosbehind.errors import WhosbehindError
from whosbehind.model import LookupBasis
from whosbehind.store import db, queries

FEDRAMP_PRODUCT_URL = "https://marketplace.fedramp.gov/products/"


def read_names(con: duckdb.DuckDBPyConnection, names: list[str]) -> list[tuple[dict[str, str] | None, bool]]:
    """The organization each name means (or None), and whether the name reads as a private person's (withheld:
    never stored, shown or sent): the one place `changes --org`, watchlists and feeds turn a name into an
    organization."""
    from whosbehind.analysis import lookup  # the one way in, as on every other face

    if not names:
        return []
    found = lookup.lookup_many(con, [n.strip() for n in names])
    return [({"id": a.id, "name": a.name} if a.found and a.id else None, a.basis == LookupBasis.PRIVATE_PERSON)
            for a in found]


def resolve_organizations(con: duckdb.DuckDBPyConnection, names: list[str]) -> list[dict[str, str] | None]:
    """The organization each name means, or None (read_names)."""
    return [org for org, _person in read_names(con, names)]


def resolve_organization(con: duckdb.DuckDBPyConnection, name: str) -> dict[str, str] | None:
    return resolve_organizations(con, [name])[0]


def agency_scope(con: duckdb.DuckDBPyConnection, term: str) -> list[str]:
    """The agency ids an --agency value covers (a toptier agency covers its sub-agencies)."""
    chosen = ranking.find_agency(con, term)
    return sorted(r["id"] for r in queries.rows(con, "changes_agency_scope", id=chosen.id))


def family_scope(con: duckdb.DuckDBPyConnection, org_id: str) -> set[str]:
    """Every id whose changes belong to this organization's family (a node no organization holds: its own)."""
    families = [r["family_id"] for r in queries.rows(con, "changes_families_of", id=org_id)] or [org_id]
    return {r["id"] for r in queries.rows(con, "change_scope", families=families)} | {org_id}


def _day(value: Any) -> str:
    return value.date().isoformat() if hasattr(value, "date") and callable(value.date) else value.isoformat()


def _fedramp(row: dict[str, Any]) -> dict[str, Any]:
    relations = ", ".join(row["relations"] or []) or "none"
    before = ", ".join(row["previous_relations"] or []) or "none"
    what = ("listed at this agency" if row["change"] == "appeared" else "no longer listed at this agency")
    product = row["cso"] or row["product_id"]
    if row["csp"]:  # a product without a provider named: no empty brackets
        product += f" ({row['csp']})"
    where = f"{row['pointer']} " if row["pointer"] else ""
    evidence = (f"FedRAMP Marketplace data.json: {product} {what}; "
                f"relations {before} on {row['previous']} -> {relations} on {row['snapshot_date']}; "
                f"{where}(grade A)")
    return {
        "change": row["change"], "kind": "cloud_authorization",
        "organization": {"id": row["org_id"], "name": row["org_name"]},
        "agency": {"id": row["agency_id"], "name": row["agency_name"]},
        "source_id": row["product_id"], "amount": None,
        "detected_between": [row["previous"].isoformat(), row["snapshot_date"].isoformat()],
        "evidence": evidence, "url": FEDRAMP_PRODUCT_URL + row["product_id"],
        "product": row["cso"],
        "parts": {"source": "fedramp", "product": row["cso"] or row["product_id"], "provider": row["csp"],
                  "relations": list(row["relations"] or []),
                  "previous_relations": list(row["previous_relations"] or []), "pointer": row["pointer"],
                  "grade": "A"},
    }


def _logged(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "change": row["change"], "kind": row["kind"],
        "organization": {"id": row["org_id"], "name": row["org_name"]},
        "agency": {"id": row["agency_id"], "name": row["agency_name"]} if row["agency_id"] else None,
        "source_id": row["source_id"], "amount": row["amount"],
        "detected_between": [_day(row["detected_from"]), _day(row["detected_to"])],
        "evidence": row["evidence"], "url": row["url"],
        "previous_amount": row["previous_amount"],
        "builds": [row["previous_build_id"], row["build_id"]],
        "parts": _logged_parts(row),
    }


# What the evidence of a logged change is written from (store/sql/build_changes.sql): where it comes from and
# its parts, by the kind of change; any other kind is a curated claim's.
_PARTS = {"prime_contract": ("usaspending", ("source_rows", "previous_source_rows", "last_date", "grade")),
          "parent": ("family", ("grade", "parent_name", "link_source", "quoted"))}
_CLAIM_PARTS = ("claim", ("grade", "claim_status", "quoted"))


def _logged_parts(row: dict[str, Any]) -> dict[str, Any] | None:
    """The parts of a logged change's evidence, so a page can word it in its own language; None for a change
    logged before they were kept (its page shows the stored words)."""
    if row.get("grade") is None:
        return None
    source, names = _PARTS.get(row["kind"], _CLAIM_PARTS)
    return {"source": source} | {n: row[n].isoformat() if isinstance(row[n], date) else row[n] for n in names}


# CHANGE_ORDER, one order on every face (the CLI, a page's "what changed", the feeds, the API, a watchlist's report):
# newest day first; within a day by kind, change, organization name, source id, agency id, then the evidence of a
# change between builds or the pointer of a FedRAMP change, a missing value last. The queries that read changes
# (changes_builds.sql, changes_fedramp.sql, answer_changes.sql) sort so; list_changes merges them so (_tie_break).

# Where changes are read from: the query, the tables it needs, and how a row becomes a change.
_SOURCES = (("changes_builds", ("change_log",), _logged),
            ("changes_fedramp", ("fedramp_agency_changes",), _fedramp))


def list_changes(
    con: duckdb.DuckDBPyConnection,
    *,
    since: date | None = None,
    agencies: list[str] | None = None,
    org_ids: set[str] | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Every change, newest first (the newest ``limit``); ``org_ids`` keeps only changes of these organizations
    (ids or nodes)."""
    if org_ids is not None and not org_ids:
        return []
    found: list[dict[str, Any]] = []
    scope = {"since": since, "agencies": agencies, "orgs": sorted(org_ids) if org_ids is not None else None,
             "limit": limit}
    for name, has, row in _SOURCES:
        if all(db.has_table(con, t) for t in has):
            found += [row(r) for r in queries.rows(con, name, **scope)]
    found.sort(key=_tie_break)
    found.sort(key=lambda c: c["detected_between"][1], reverse=True)  # stable: newest day first, then the above
    return found[:limit] if limit is not None else found


def _last(value: Any) -> tuple[bool, str]:
    """A sort key that puts a missing value last, as SQL's ORDER BY does."""
    return (value is None, "" if value is None else str(value))


def _tie_break(c: dict[str, Any]) -> tuple[tuple[bool, str], ...]:
    """CHANGE_ORDER within a day: kind, change, organization name, source id, agency id, then a logged change's
    evidence or a FedRAMP change's pointer."""
    logged = "builds" in c
    return (_last(c["kind"]), _last(c["change"]), _last(c["organization"]["name"]), _last(c["source_id"]),
            _last((c["agency"] or {}).get("id")), _last(c["evidence"] if logged else None),
            _last(None if logged else c["parts"]["pointer"]))


def recent_by_family(con: duckdb.DuckDBPyConnection, families: list[str], *, limit: int = 20
                     ) -> dict[str, dict[str, Any]]:
    """Each family's newest ``limit`` changes and how many there are (every id that belongs to the family, as
    ``family_scope``): the "What changed" of an organization's answer, for a batch of families at once."""
    out: dict[str, dict[str, Any]] = {}
    if not (db.has_table(con, "change_log") and db.has_table(con, "fedramp_agency_changes")):
        return out
    scope = queries.rows(con, "change_scope", families=families)
    if not scope:  # (no family asked for)
        return out
    for r in queries.rows(con, "answer_changes", scope=scope, limit=limit):
        found = out.setdefault(r.pop("for_family"), {"recent": [], "total": r["total"]})
        found["recent"].append(_logged(r) if r["source"] == "build" else _fedramp(r))
    return out


def count_changes(con: duckdb.DuckDBPyConnection, *, agencies: list[str] | None = None,
                  org_ids: set[str] | None = None) -> int:
    """How many changes ``list_changes`` would give without a limit (a page shows the newest few of them)."""
    if org_ids is not None and not org_ids:
        return 0
    scope = {"since": None, "agencies": agencies, "orgs": sorted(org_ids) if org_ids is not None else None,
             "limit": None}
    total = 0
    for name, has, _row in _SOURCES:
        if all(db.has_table(con, t) for t in has):
            total += con.execute(f"SELECT count(*) FROM ({db.query_text(name).rstrip().rstrip(';')})",
                                 scope).fetchone()[0]
    return total


def changes_for(
    con: duckdb.DuckDBPyConnection,
    *,
    since: date | None = None,
    agency: str | None = None,
    org: str | None = None,
) -> list[dict[str, Any]]:
    """`whosbehind changes`: the options as the user typed them."""
    agencies = agency_scope(con, agency) if agency else None
    org_ids = None
    if org:
        found = resolve_organization(con, org)
        if found is None:
            raise WhosbehindError(f"no organization matches {org!r} (try `whosbehind match {org!r}`)")
        org_ids = family_scope(con, found["id"])
    return list_changes(con, since=since, agencies=agencies, org_ids=org_ids)
