"""Recording every build: what it held (awards and their obligations, curated claims, family links) and what
changed since the build before it. Runs on the database being built, before it is swapped in, so a build that
fails records nothing (see ``store/sql/build_changes.sql``)."""

from __future__ import annotations

from datetime import datetime

import duckdb

from whosbehind.store import db


def record_build(con: duckdb.DuckDBPyConnection, build_id: str, command: str,
                 built_at: datetime | None = None, *, scoped: bool = False) -> int:
    """Log this build's differences from the previous one and keep its state; returns how many changes.

    ``scoped``: the derive just before was scoped (build.derive), on this connection, and nothing else changed
    the tables since: only the awards it made again (its temp table ``graph_scope_awards``) are compared, when a
    build was recorded before (else there is no state to keep, and every award is compared). Every command that
    derives records its build, so the state kept is the one of the derive before.
    """
    built_at = built_at or datetime.now().replace(microsecond=0)
    with db.transaction(con):
        con.execute("CREATE OR REPLACE TEMP TABLE this_build AS "
                    "SELECT ?::VARCHAR AS build_id, ?::VARCHAR AS command, ?::TIMESTAMP AS built_at",
                    [build_id, command, built_at])
        baseline = db.has_table(con, "builds") and con.execute("SELECT count(*) FROM builds").fetchone()[0] > 0
        con.execute(db.sql_text("record_derived_awards" if scoped and baseline else "record_every_award"))
        con.execute(db.sql_text("build_changes"))
        if scoped and baseline and db.has_table(con, "digest_changes", temporary=True):
            # the state's rows removed and added, summed for the digest (store/digest.py) as the derive's steps do
            for rows, sign in (("state_awards_gone", -1), ("state_awards_made", 1)):
                con.execute("INSERT INTO digest_changes BY NAME FROM row_sums(?, 'build_state_awards', ?)",
                            [rows, sign])
        found = con.execute("SELECT changes FROM builds WHERE build_id = ?", [build_id]).fetchone()
    return int(found[0]) if found else 0
