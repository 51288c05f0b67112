"""Watchlists: a named list of organizations (from a CSV), and what changed for their families.

``add`` keeps the list in the database (written into a copy that replaces the file whole, as an ingest does,
so a running web server keeps reading); ``report`` matches each entry to an organization and lists the changes
of its family (``analysis.changes``); ``post`` sends a report to a webhook.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb

from whosbehind.analysis import changes as changes_mod
from whosbehind.analysis.screening import read_names
from whosbehind.errors import WhosbehindError
from whosbehind.store import db, digest, ingest, writelock

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
CSV_FIELDS = ("entry", "change", "kind", "organization_id", "organization_name", "agency_id", "agency_name",
              "source_id", "amount", "detected_from", "detected_to", "evidence", "url")


def check_name(name: str) -> str:
    if not NAME.fullmatch(name or ""):
        raise WhosbehindError(f"watchlist name {name!r}: use letters, digits, '-', '_' or '.' (at most 64)")
    return name


def add(db_path: Path, name: str, file: Path) -> dict[str, Any]:
    """Keep (or replace) the list NAME with the names in FILE; returns the entries and what each matched."""
    check_name(name)
    entries = [n.strip() for n in read_names(file)]
    empty = [i for i, n in enumerate(entries, start=2) if not n]
    if empty:
        raise WhosbehindError(f"{file}: line {empty[0]}: empty name")
    if not entries:
        raise WhosbehindError(f"{file}: no names in it")
    if not db_path.exists():
        raise WhosbehindError(f"{db_path}: no database yet; run `whosbehind build` or `whosbehind ingest` first")
    with writelock.writing(db_path):  # one writer at a time, as for an ingest
        # Read before the copy of the database file (ingest.in_a_copy): a list refused is refused without one.
        with db.connect(db_path, read_only=True) as con:
            kept, withheld = _organization_names(con, entries)
        if not kept:
            raise WhosbehindError(f"{file}: every name in it reads as a private person's name; a watchlist "
                                  "keeps organizations only")

        def keep(con: duckdb.DuckDBPyConnection) -> bool:
            with db.transaction(con):
                con.execute(db.sql_text("watchlists"))
                con.execute("DELETE FROM watchlists WHERE name = ?", [name])
                now = datetime.now().replace(microsecond=0)
                con.executemany("INSERT INTO watchlists VALUES (?, ?, ?, ?)",
                                [[name, i, e["entry"], now] for i, e in enumerate(kept, start=1)])
                digest.record(con)  # `whosbehind check` verifies the tables against what this run wrote
            return True

        ingest.in_a_copy(db_path, keep, also_remove=(db_path.with_name(db_path.name + ".watch"),))  # (older copy)
    return {"watchlist": name, "entries": kept, "withheld": withheld}


def _organization_names(con: duckdb.DuckDBPyConnection, listed: list[str]) -> tuple[list[dict[str, Any]], int]:
    """Each entry with the organization it matches (or None), leaving out the names that read as a private
    person's (never stored, reported or sent: whosbehind names organizations, not people); and how many those were."""
    kept = [{"entry": e, "organization": org}
            for e, (org, person) in zip(listed, changes_mod.read_names(con, listed), strict=True) if not person]
    return kept, len(listed) - len(kept)


def entries(con: duckdb.DuckDBPyConnection, name: str) -> list[str]:
    check_name(name)
    if not db.has_table(con, "watchlists"):
        found = []
    else:
        found = [r[0] for r in con.execute("SELECT entry FROM watchlists WHERE name = ? ORDER BY position",
                                           [name]).fetchall()]
    if not found:
        raise WhosbehindError(f"no watchlist called {name!r} (`whosbehind watch add {name} --file vendors.csv`)")
    return found


def report(con: duckdb.DuckDBPyConnection, name: str, *, since: date | None = None) -> dict[str, Any]:
    """What changed for the families of the list's organizations, newest first; each change names the entry
    (or entries) it is reported for."""
    # a list kept before names were read so may hold a person's name: left out here too
    kept, withheld = _organization_names(con, entries(con, name))
    scopes: dict[str, set[str]] = {}
    for e in kept:
        if e["organization"] is not None:
            for node in changes_mod.family_scope(con, e["organization"]["id"]):
                scopes.setdefault(node, set()).add(e["entry"])
    found = changes_mod.list_changes(con, since=since, org_ids=set(scopes))
    for c in found:
        c["entries"] = sorted(scopes[c["organization"]["id"]])
    return {"watchlist": name, "since": since, "generated_at": datetime.now(UTC).replace(microsecond=0),
            "entries": kept, "withheld": withheld, "changes": found}


def as_csv(found: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for c in found["changes"]:
        agency = c["agency"] or {}
        writer.writerow({"entry": "; ".join(c["entries"]), "change": c["change"], "kind": c["kind"],
                         "organization_id": c["organization"]["id"], "organization_name": c["organization"]["name"],
                         "agency_id": agency.get("id"), "agency_name": agency.get("name"),
                         "source_id": c["source_id"], "amount": "" if c["amount"] is None else f"{c['amount']:.2f}",
                         "detected_from": c["detected_between"][0], "detected_to": c["detected_between"][1],
                         "evidence": c["evidence"], "url": c.get("url") or ""})
    return out.getvalue()


def post(url: str, payload: bytes) -> int:
    """POST the report (JSON) to a webhook; an answer other than 2xx, or no answer, is one readable line."""
    import httpx

    try:
        response = httpx.post(url, content=payload, headers={"Content-Type": "application/json"}, timeout=30.0)
    except httpx.HTTPError as exc:
        raise WhosbehindError(f"webhook {url}: {exc or type(exc).__name__}") from None
    if not 200 <= response.status_code < 300:
        raise WhosbehindError(f"webhook {url}: answered HTTP {response.status_code}")
    return response.status_code
