"""`whosbehind refresh-families`: ask the live registries for parents, store their answers, derive families again.

The database is changed whole or not at all: the run works on a copy and swaps it in when everything is stored
and derived (as an ingest does). Which organizations are asked about: the UEIs and LEIs given, else the
``limit`` organizations with a UEI that received the most money, and every LEI the database knows (GLEIF
reference, curated ownership).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from whosbehind.sources.registries import GleifClient, RegistryLink, UsaspendingRecipientClient
from whosbehind.store import changes, db, digest, ingest, queries, writelock


@dataclass
class RefreshReport:
    asked_ueis: list[str] = field(default_factory=list)
    asked_leis: list[str] = field(default_factory=list)
    links: list[RegistryLink] = field(default_factory=list)

    @property
    def by_registry(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for link in self.links:
            out[link.registry] = out.get(link.registry, 0) + 1
        return out


def _default_ueis(con: duckdb.DuckDBPyConnection, limit: int) -> list[str]:
    return [r["uei"] for r in queries.rows(con, "registry_best_paid_ueis", limit=limit)]


def _default_leis(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "SELECT DISTINCT substr(id, 5) FROM organizations WHERE id LIKE 'lei:%' ORDER BY 1").fetchall()
    return [r[0] for r in rows]


def refresh(db_path: Path, *, gleif: GleifClient | None, usaspending: UsaspendingRecipientClient | None,
            ueis: list[str] | None = None, leis: list[str] | None = None, limit: int = 50) -> RefreshReport:
    """Ask, store, derive again; one writer at a time (the lock an ingest takes, store/writelock.py)."""
    if not db_path.exists():
        from whosbehind.errors import WhosbehindError

        raise WhosbehindError(f"{db_path}: no database yet; run `whosbehind build` or `whosbehind ingest` first")
    with writelock.writing(db_path):
        return _refresh_locked(db_path, gleif=gleif, usaspending=usaspending, ueis=ueis, leis=leis, limit=limit)


def _refresh_locked(db_path: Path, *, gleif: GleifClient | None, usaspending: UsaspendingRecipientClient | None,
                    ueis: list[str] | None, leis: list[str] | None, limit: int) -> RefreshReport:
    report = RefreshReport()

    def work(con: duckdb.DuckDBPyConnection) -> bool:
        db.check_layout(con, db_path)
        report.asked_ueis = list(ueis) if ueis else (_default_ueis(con, limit) if usaspending else [])
        report.asked_leis = list(leis) if leis else (_default_leis(con) if gleif else [])
        if usaspending is not None:
            for uei in report.asked_ueis:
                report.links.extend(usaspending.parents_of(uei))
        if gleif is not None:
            for lei in report.asked_leis:
                report.links.extend(gleif.parents(lei))
        con.execute("CREATE TABLE IF NOT EXISTS raw_registry_links (registry VARCHAR, child_id VARCHAR, "
                    "child_name VARCHAR, parent_id VARCHAR, parent_name VARCHAR, kind VARCHAR, valid_from DATE, "
                    "valid_to DATE, status VARCHAR, url VARCHAR, retrieved_at TIMESTAMP, sha256 VARCHAR)")
        with db.transaction(con):
            if report.links:
                con.executemany(
                    "INSERT INTO raw_registry_links VALUES (?, ?, ?, ?, ?, ?, nullif(?, '')::DATE, "
                    "nullif(?, '')::DATE, ?, ?, ?::TIMESTAMPTZ::TIMESTAMP, ?)",
                    [(x.registry, x.child_id, x.child_name, x.parent_id, x.parent_name, x.kind, x.valid_from,
                      x.valid_to, x.status, x.url, x.retrieved_at, x.sha256) for x in report.links])
            from whosbehind import build  # the build runs resolution; imported here, not at module level

            build.derive(con)
        # Recorded like every build (store/changes.py), so `changes` lists the family links the registries
        # brought, and the next scoped ingest compares its awards with the state of this derive.
        changes.record_build(con, f"refresh-{datetime.now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}",
                             "refresh-families")
        with db.transaction(con):
            build.publish(con)
            digest.record(con)  # what `check` verifies the derived tables against
        return True

    # on a copy, swapped in when everything is stored and derived; a registry that fails leaves the file as it was
    ingest.in_a_copy(db_path, work, also_remove=(db_path.with_name(db_path.name + ".refreshing"),))  # (older copy)
    return report
