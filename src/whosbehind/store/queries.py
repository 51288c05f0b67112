"""Running the named read queries in ``store/sql/queries``: rows come back as plain dicts."""

from __future__ import annotations

from typing import Any

import duckdb

from whosbehind.store.db import query_text


def rows(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> list[dict[str, Any]]:
    cursor = con.execute(query_text(name), params)
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def one(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> dict[str, Any] | None:
    found = rows(con, name, **params)
    return found[0] if found else None


def raw_rows(con: duckdb.DuckDBPyConnection, source_format: str, sha256: str, rows: list[int]) -> list[dict[str, Any]]:
    """Rows as published, from the raw table of their format (columns a format never stores, and the personal
    columns of private persons' rows, are absent or empty), with the contact persons of their descriptions
    withheld as everywhere else (sources/contacts.py)."""
    from whosbehind.sources import all_formats
    from whosbehind.sources.contacts import without_contacts
    from whosbehind.store.db import quote

    tables = {f.key: f.raw_table for f in all_formats()}
    if source_format not in tables:
        return []
    table = quote(tables[source_format])
    names = [r[0] for r in con.execute(f"SELECT * FROM {table} LIMIT 0").description
             if r[0] not in ("_run_id", "_individual")]
    # A link column is shown only when it holds an http(s) link (the web_url macro); anything else, such as a
    # script link, is said to be there but not shown, so no page carries it.
    select = ", ".join(
        f"CASE WHEN {quote(n)} IS NULL OR web_url({quote(n)}) IS NOT NULL THEN {quote(n)} "
        f"ELSE '(not an http(s) link: not shown)' END AS {quote(n)}"
        if "permalink" in n.lower() or "url" in n.lower() else quote(n) for n in names)
    cursor = con.execute(f"SELECT {select} FROM {table} WHERE _sha256 = ? AND list_contains(?, _row) ORDER BY _row",
                         [sha256, rows])
    columns = [d[0] for d in cursor.description]
    return [{c: without_contacts(v) if "description" in c.lower() and isinstance(v, str) else v
             for c, v in zip(columns, row, strict=True) if v not in (None, "")} for row in cursor.fetchall()]
