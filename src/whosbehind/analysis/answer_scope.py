"""Which stored answers a scoped build may have changed: publishing computes those again and keeps the rest.

A scoped derive (build.derive) makes again only what the awards of the files just stored reach, yet an
organization's answer reads more than its own rows: its family's totals, members and their ties, what changed
for the family, and every tie along its why-paths. ``store/sql/answer_scope.sql`` compares the tables answers
read with how they were before the derive (``answer_scope_begin.sql``) and finds the nodes whose own rows
differ, the families that differ, and the ties (or the evidence they cite) that differ; its query
``answer_scope_nodes`` widens those nodes to every member of those families. Here they are widened to every node
whose why-walk can step onto a differing tie (``why.reaching``). An answer outside that set reads the very rows it
read before, so its stored JSON and pages stay as they are; tests/fresh and the incremental benchmark check that
it equals a full build's; tests/fresh also checks that every table answers read is noted before the derive.
"""

from __future__ import annotations

import duckdb

from whosbehind.analysis import why
from whosbehind.store import db, queries


def begin(con: duckdb.DuckDBPyConnection) -> None:
    """Note the tables answers read, before a scoped derive changes them."""
    con.execute(db.sql_text("answer_scope_begin"))


def affected(con: duckdb.DuckDBPyConnection) -> set[str] | None:
    """The nodes whose answer may differ since ``begin``, or None to compute every answer again: when an agency's
    row changed, or when the organizations holding an award made again are more than half of those answered."""
    con.execute(db.sql_text("answer_scope_holders"))
    share = queries.one(con, "answer_scope_share")
    if share["holders"] * 2 > share["answered"]:
        return None  # most answers are computed again anyway: comparing the tables would only add to the time
    con.execute(db.sql_text("answer_scope"))
    if queries.one(con, "answer_scope_whole")["whole"]:
        return None
    parts: dict[str, set[str]] = {"answer": set(), "walk": set()}
    for row in queries.rows(con, "answer_scope_nodes"):
        if row["id"] is not None:
            parts[row["part"]].add(row["id"])
    for tie in queries.rows(con, "answer_scope_ties"):
        parts["walk"].update(why.walked_from(tie["kind"], tie["source_id"], tie["target_id"]))
    return parts["answer"] | why.reaching(why.Graph.of(con), parts["walk"])
