"""Everything known about one organization: behind `whosbehind lookup` and the organization page."""

from __future__ import annotations

from typing import Any

import duckdb

from whosbehind.errors import WhosbehindError
from whosbehind.store import queries


def find_organization(con: duckdb.DuckDBPyConnection, term: str) -> dict[str, Any]:
    found = queries.rows(con, "find_organizations", term=term.strip(), limit=10)
    if not found:
        raise WhosbehindError(f"no organization named like {term!r} in this database")
    return found[0]


def profile(con: duckdb.DuckDBPyConnection, term: str, *, limit: int = 10) -> dict[str, Any]:
    org = find_organization(con, term)
    family = queries.rows(con, "family_members", family_id=org["family_id"])
    family_head = next((m for m in family if m["id"] == org["family_id"]), None)
    names = [r[0] for r in con.execute(
        "SELECT name FROM org_names WHERE id = ? ORDER BY n_rows DESC, name", [org["id"]]
    ).fetchall()]
    merged = queries.one(con, "web_organization", id=org["id"]) or {}
    return {
        "id": org["id"],
        "name": org["name"],
        "names": names,
        # The organization this record was merged into (`whosbehind explain` says why), if any.
        "merged_into": ({"id": merged["merged_into_id"], "name": merged["merged_into_name"]}
                        if merged.get("merged_into_id") else None),
        "family": {
            "id": org["family_id"],
            "name": family_head["name"] if family_head else org["name"],
            "members": [{"id": m["id"], "name": m["name"], "reported_parent": m["parent_id"],
                         "source": m["evidence_locator"], "merged_into": m["merged_into"]} for m in family],
        },
        "totals": queries.rows(con, "organization_totals", id=org["id"]),
        "family_totals": (queries.rows(con, "web_family_totals", family_id=org["family_id"])
                          if len(family) > 1 else []),
        "largest_awards": queries.rows(con, "largest_awards", id=org["id"], limit=limit),
        "subcontracts": queries.rows(con, "subcontracts", id=org["id"], limit=limit),
        "other_matches": [
            {"id": o["id"], "name": o["name"]}
            for o in queries.rows(con, "find_organizations", term=term.strip(), limit=6)[1:]
        ],
    }
