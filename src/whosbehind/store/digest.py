"""A digest of every derived table, recorded by the run that built them and verified by `whosbehind check`.

`check` redoes the money from the raw text, but the pages, `lookup` and the API also read names, families,
links, award lists and evidence from derived tables. A change to any of them after the build (by hand, by
another program, by a damaged disk) must not go unnoticed: each run that writes the database records, per
table, its row count and an order-independent sum of row hashes (and of each column's values, to name the
column that changed), and the definition of every view. `check` recomputes them and names what differs.

Covered: every table and view of the database except the raw tables (``raw_*``, the published rows as they
came, which the money check reads again), ``source_files``, ``runs`` and this digest itself. The list is read
from DuckDB's catalog, so a table added by a later build step is covered without being named here.
"""

from __future__ import annotations

from typing import Any

import duckdb

from whosbehind.store.db import has_table, quote

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
    out: list[tuple[str, str, int, int]] = []
    for table in covered_tables(con):
        columns = [r[0] for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() "
            "AND schema_name = 'main' AND table_name = ? ORDER BY column_index", [table]).fetchall()]
        # hash() of a row or value, summed as a 128-bit integer: the same rows in any order give the same sum.
        sums = ", ".join(["coalesce(sum(hash(t)::HUGEINT), 0)",
                          *(f"coalesce(sum(hash({quote(c)})::HUGEINT), 0)" for c in columns)])
        found = con.execute(f"SELECT count(*), {sums} FROM {quote(table)} t").fetchone()
        rows = int(found[0])
        out.append((table, ROW, rows, int(found[1])))
        out.extend((table, c, rows, int(v)) for c, v in zip(columns, found[2:], strict=True))
    for name, sql in con.execute(
            "SELECT view_name, sql FROM duckdb_views() WHERE database_name = current_database() "
            "AND schema_name = 'main' AND NOT internal ORDER BY view_name").fetchall():
        out.append((name, DEFINITION, 0, int(con.execute("SELECT hash(?)::HUGEINT", [sql]).fetchone()[0])))
    return out


def record(con: duckdb.DuckDBPyConnection) -> None:
    """Store the digest of the derived tables as they are now (the end of a run that wrote them)."""
    found = compute(con)
    con.execute(f"CREATE OR REPLACE TABLE {TABLE} (table_name VARCHAR, column_name VARCHAR, rows BIGINT, "
                "digest HUGEINT, duckdb_version VARCHAR)")
    con.executemany(f"INSERT INTO {TABLE} VALUES (?, ?, ?, ?, ?)",
                    [(*f, duckdb.__version__) for f in found])


def recorded_version(con: duckdb.DuckDBPyConnection) -> str | None:
    """The DuckDB version that recorded the digest, or None when none was recorded."""
    if not has_table(con, TABLE):
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
                 "version): run `whosbehind ingest` with a file it holds, or `whosbehind build`, to derive and "
                 "record them again"}]
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
