"""The whole graph as tables (organizations, ties, evidence), written as CSV or Parquet."""

from __future__ import annotations

import io
import zipfile

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from whosbehind.export import safe_csv
from whosbehind.store.db import query_text

TABLES = ("organizations", "ties", "evidence")
FORMATS = ("csv", "parquet")


def table(con: duckdb.DuckDBPyConnection, name: str, **params: object) -> pa.Table:
    if name not in TABLES and name != "organization_evidence":
        raise ValueError(f"unknown table {name!r}; one of {', '.join(TABLES)}")
    relation = con.sql(query_text(f"export_{name}"), params=params or None)
    fetch = getattr(relation, "to_arrow_table", None) or relation.arrow  # duckdb 2 / duckdb 1.x
    return fetch()


def to_csv(data: pa.Table) -> bytes:
    sink = io.BytesIO()
    pacsv.write_csv(safe_csv.table(data), sink)  # no cell a spreadsheet would run as a formula
    return sink.getvalue()


def to_parquet(data: pa.Table) -> bytes:
    sink = io.BytesIO()
    pq.write_table(data, sink, compression="zstd")
    return sink.getvalue()


def export(con: duckdb.DuckDBPyConnection, name: str, fmt: str) -> bytes:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    data = table(con, name)
    return to_csv(data) if fmt == "csv" else to_parquet(data)


def export_zip(con: duckdb.DuckDBPyConnection, fmt: str) -> bytes:
    """All three tables in one zip archive."""
    sink = io.BytesIO()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name in TABLES:
            z.writestr(f"{name}.{fmt}", export(con, name, fmt))
    return sink.getvalue()


def organization_csv(con: duckdb.DuckDBPyConnection, org_id: str) -> bytes:
    return to_csv(table(con, "organization_evidence", id=org_id))
