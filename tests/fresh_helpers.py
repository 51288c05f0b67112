"""Helpers for the fresh-data tests: a writable copy of the built sample, and small files cut from it."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb
import pyarrow as pa

from samples import API_FY2025, API_ZIP, member_rows, write_csv
from whosbehind import build
from whosbehind.store import db

NEW_AWARD = "CONT_AWD_70B01C25F99999999_7014_70B01C23D00000009_7014"


def copy_db(source: Path, target_dir: Path) -> Path:
    target = target_dir / "copy.duckdb"
    shutil.copy2(source, target)
    return target


def modification_file(path: Path) -> tuple[Path, str]:
    """A 3-row API transaction list cut from the bundled FY2025 CBP/ICE file: a new modification (number 1,
    $1,000.00, 2025-10-01) of its first award, and a new award (the second row under an award id the sample
    does not hold). Returns the file and the first award's key."""
    rows = member_rows(API_ZIP, API_FY2025)
    header, first, second = rows[0], list(rows[1]), list(rows[2])
    first[3], first[4], first[5] = "1000.0", "2025-10-01", "1"
    second[1] = "70B01C25F99999999"
    second[9] = NEW_AWARD
    return write_csv(path, [header, first, second]), first[9]


def db_digest(path: Path) -> str:
    """The sha256 of the database file's bytes (a run that stores nothing leaves it byte-identical)."""
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "absent"


def table_digests(path: Path) -> dict[str, str]:
    """Per table: its row count and the sum of every row's hash (order-independent): equal digests, equal
    contents (up to hash collisions)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
        return {t: con.execute(f'SELECT count(*) || \':\' || coalesce(sum(hash(x)), 0) FROM "{t}" x').fetchone()[0]
                for t in tables}
    finally:
        con.close()


# Bookkeeping of runs and builds differs by nature, and so does the digest `check` verifies, which covers it (the
# test checks the digest against the tables instead).
BOOKKEEPING = {"runs", "builds", "change_log", "build_state_awards", "build_state_claims", "build_state_links",
               "derived_digests"}


# What publishing stores: the answers and their pages (step 600).
PUBLISHED = ("organization_answers", "organization_pages", "organization_pages_made")


def _rows(con: duckdb.DuckDBPyConnection, table: str) -> pa.Table:
    cursor = con.execute(f"SELECT * FROM {table}")
    names = [d[0] for d in cursor.description]
    rows = cursor.fetchall()
    return pa.table({name: [r[i] for r in rows] for i, name in enumerate(names)})


def differs_from_a_full_derive(db_path: Path, tmp_path: Path, before: Path) -> list[str]:
    """The tables of ``db_path`` that differ from a full derive (and publishing) of the same stored rows.

    ``before``: the database whose rows ``db_path`` added to, its pages all rendered from its answers (a build).
    The full derive is published over ``before``'s answers and pages, as a build after ``before`` would be: every
    answer is computed again, and the page of each answer that differs from ``before``'s is rendered anew; the
    others are ``before``'s, rendered from the same answer by the same template. So a page an ingest kept for an
    answer it changed is caught, without rendering the thousands of pages no row changed."""
    source = duckdb.connect(str(before), read_only=True)
    try:
        published = {t: _rows(source, t) for t in PUBLISHED}
    finally:
        source.close()
    again = tmp_path / "again.duckdb"
    shutil.copy2(db_path, again)
    con = db.connect(again)
    with db.transaction(con):
        build.derive(con)
        for table, rows in published.items():
            con.register("before_rows", rows)
            con.execute(f"DELETE FROM {table}")
            con.execute(f"INSERT INTO {table} SELECT * FROM before_rows")
            con.unregister("before_rows")
        build.publish(con, processes=2)  # pytest's main module guards its work, as publish asks (two cores in CI)
    con.close()
    ingested, derived = table_digests(db_path), table_digests(again)
    assert set(ingested) == set(derived)
    return sorted(t for t in ingested if t not in BOOKKEEPING and ingested[t] != derived[t])
