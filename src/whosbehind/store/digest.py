"""A digest of every derived table, recorded by the run that built them and verified by `whosbehind check`.

`check` redoes the money from the raw text, but the pages, `lookup` and the API also read names, families,
links, award lists and evidence from derived tables. A change to any of them after the build (by hand, by
another program, by a damaged disk) must not go unnoticed: each run that writes the database records, per
table, its row count and an order-independent sum of row hashes (and of each column's values, to name the
column that changed), and the definition of every view. `check` recomputes them and names what differs.

Covered: every table and view of the database except the raw tables (``raw_*``, the published rows as they
came, which the money check reads again), ``source_files``, ``runs`` and this digest itself. The list is read
from DuckDB's catalog, so a table added by a later build step is covered without being named here.

Sums of row hashes add up, so the large tables a derive keeps (store/sql/scope_added.sql: the money, names,
records' and organizations' awards, resolution's records, evidence) need not be read again: their steps sum the
rows they remove and add as they go (``begin``, macro ``row_sums``), and ``record`` adds that to the digest stored
before. Every other table is read whole (the family and organization totals too: kept as well, but small). A
table changed by hand stays different from its digest after such an update
(the sums carry the difference on), so `check` keeps naming it until a full derive
(`whosbehind ingest --derive-all`) reads every table again.
"""

from __future__ import annotations

from typing import Any

import duckdb

from whosbehind.store import db

TABLE = "derived_digests"
NOT_DERIVED = ("source_files", "runs", TABLE)
DEFINITION = "(definition)"  # column_name of a view's entry
ROW = "(row)"  # column_name of a table's whole-row entry


def covered_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' "
        "AND NOT starts_with(table_name, 'raw_') AND NOT list_contains(?, table_name) ORDER BY table_name",
        [list(NOT_DERIVED)]).fetchall()]


def compute(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, int, int]]:
    """(table, column or (row) or (definition), rows, digest) for every covered table and view."""
    _compute_into_digest_now(con)
    return con.execute("FROM digest_now").fetchall()


def _compute_into_digest_now(con: duckdb.DuckDBPyConnection, known: frozenset[str] = frozenset()) -> None:
    """The entries of every covered table and view but the tables ``known``, in the temp table digest_now."""
    con.execute("CREATE OR REPLACE TEMP TABLE digest_now "
                "(table_name VARCHAR, column_name VARCHAR, rows BIGINT, digest HUGEINT)")
    tables = [t for t in covered_tables(con) if t not in known]
    if tables:
        # hash() of a row or value, summed as a 128-bit integer: the same rows in any order give the same sum. One
        # statement for every table: sixty small tables took 0.17 s one statement each, 0.11 s together.
        con.execute("INSERT INTO digest_now " + " UNION ALL ".join(["FROM row_sums(?, ?, 1)"] * len(tables)),
                    [value for t in tables for value in (db.quote(t), t)])
    con.execute("INSERT INTO digest_now " + db.query_text("digest_views"), {"definition": DEFINITION})


def begin(con: duckdb.DuckDBPyConnection) -> None:
    """Before the steps of a derive run: start summing what they change (store/sql/digest_begin.sql), or, in a
    later derive of the same connection, start the tables dropped since from nothing (digest_continue.sql)."""
    tables = covered_tables(con)
    if db.has_table(con, "digest_changes", temporary=True):
        con.execute(db.sql_text("digest_continue"), [tables])
    else:
        con.execute(db.sql_text("digest_begin"))
        con.execute(db.query_text("digest_start"), {"version": duckdb.__version__, "tables": tables})
        con.execute(f"DELETE FROM {TABLE}")


def record(con: duckdb.DuckDBPyConnection) -> None:
    """Store the digest of the derived tables at the end of a run that wrote them: for a table whose every change
    since the stored digest was summed (``begin``), that digest plus the changes; for the others, computed."""
    known: frozenset[str] = frozenset()
    if db.has_table(con, "digest_changes", temporary=True):
        con.execute("CREATE OR REPLACE TEMP TABLE digest_updated AS " + db.query_text("digest_updated"),
                    {"tables": covered_tables(con)})
        known = frozenset(r[0] for r in con.execute("SELECT DISTINCT table_name FROM digest_updated").fetchall())
    _compute_into_digest_now(con, known)
    if known:
        con.execute("INSERT INTO digest_now FROM digest_updated")
    con.execute(f"CREATE OR REPLACE TABLE {TABLE} AS SELECT *, ?::VARCHAR AS duckdb_version FROM digest_now",
                [duckdb.__version__])
    # the next derive starts from what is stored now
    con.execute("DROP TABLE IF EXISTS temp.digest_changes; DROP TABLE IF EXISTS temp.digest_updated; "
                "DROP TABLE IF EXISTS temp.digest_now")


def recorded_version(con: duckdb.DuckDBPyConnection) -> str | None:
    """The DuckDB version that recorded the digest, or None when none was recorded."""
    if not db.has_table(con, TABLE):
        return None
    found = con.execute(f"SELECT any_value(duckdb_version) FROM {TABLE}").fetchone()
    return found[0] if found else None


def is_current(con: duckdb.DuckDBPyConnection) -> bool:
    """A digest is recorded, by this DuckDB (hash() is only comparable within one version)."""
    return recorded_version(con) == duckdb.__version__


def verify(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """What differs from the recorded digest: one entry per table or view, naming the columns that changed."""
    version = recorded_version(con)
    if version is None:
        return [{"table": None, "problem": "no digest of the derived tables was recorded (built by an earlier "
                 "version, or derived by a run that did not record one): run `whosbehind ingest` with a file it "
                 "holds, or `whosbehind build`, to derive and record them again"}]
    if version != duckdb.__version__:
        return [{"table": None, "problem": f"the digest was recorded by DuckDB {version} and this is DuckDB "
                 f"{duckdb.__version__}, whose hashes differ: run `whosbehind ingest` with a file it holds, or "
                 "`whosbehind build`, to derive and record them again"}]
    stored: dict[tuple[str, str], tuple[int, int]] = {
        (t, c): (int(r), int(d)) for t, c, r, d in con.execute(
            f"SELECT table_name, column_name, rows, digest FROM {TABLE}").fetchall()}
    now = {(t, c): (r, d) for t, c, r, d in compute(con)}
    problems: list[dict[str, Any]] = []
    for name in sorted({t for t, _ in stored} | {t for t, _ in now}):
        before = {c: v for (t, c), v in stored.items() if t == name}
        after = {c: v for (t, c), v in now.items() if t == name}
        if not before:
            problems.append({"table": name, "problem": "not made by the build (added afterwards)"})
        elif not after:
            problems.append({"table": name, "problem": "missing (removed after the build)"})
        elif DEFINITION in before or DEFINITION in after:
            if before != after:
                problems.append({"table": name, "problem": "view definition changed after the build"})
        elif before != after:
            (rows_before, _), (rows_after, _) = before[ROW], after.get(ROW, (None, None))
            changed = [c for c in before if c != ROW and before[c] != after.get(c)]
            changed += [c for c in after if c not in before]
            detail = f"{rows_before:,} rows recorded, {rows_after:,} now" if rows_before != rows_after else (
                "values changed" + (f" in {', '.join(changed)}" if changed else " (rows rearranged across columns)"))
            problems.append({"table": name, "problem": f"changed after the build: {detail}", "columns": changed})
    return problems
