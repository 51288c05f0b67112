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
