"""Loading evidence beyond contracts: the bundled FedRAMP snapshots, the ICE facility list and the curated
claims, into their raw tables, then rebuilding the steps from 400 on. All or nothing.

The raw tables are replaced as a whole on each load, so loading twice gives the same database.
"""

from __future__ import annotations

import csv
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import duckdb

from whosbehind.errors import WhosbehindError
from whosbehind.resolve import families
from whosbehind.sources import curated, fedramp, ice_facilities
from whosbehind.sources.files import duckdb_literal_path
from whosbehind.store import db

RAW_TABLES = ("raw_fedramp_snapshots", "raw_fedramp_products", "raw_fedramp_agencies", "raw_fedramp_authorizations",
              "raw_fedramp_leveraged", "raw_fedramp_descriptions",
              "raw_ice_facilities", "raw_curated_sources", "raw_curated_entities", "raw_curated_entity_keys",
              "raw_curated_claims", "raw_curated_citations", "raw_curated_records")
# What the bundled files must give: a source that silently breaks fails the build instead.
EXPECTED_PRODUCTS = {"2023-10-10": 440, "2025-04-17": 541, "2026-04-28": 642}
EXPECTED_FACILITIES = 1685


@dataclass
class EvidenceReport:
    snapshots: dict[str, int] = field(default_factory=dict)
    facilities: int = 0
    claims: int = 0
    entities: int = 0
    sources: int = 0


def bundled_dir() -> Path:
    return Path(str(resources.files("whosbehind").joinpath("bundled_evidence")))


def load(
    con: duckdb.DuckDBPyConnection,
    *,
    fedramp_files: list[Path] | None = None,
    facility_file: Path | None = None,
    claims_dir: Path | None = None,
    check_counts: bool = True,
    derive: Callable[[duckdb.DuckDBPyConnection], None],
) -> EvidenceReport:
    """Replace the evidence raw tables with these files (default: the bundled ones) and rebuild steps 4xx."""
    base = bundled_dir()
    fedramp_files = fedramp_files or sorted((base / "fedramp").glob("*.json.gz"))
    facility_file = facility_file or base / "ice_facilities.csv.gz"
    snapshots = [fedramp.read_snapshot(p) for p in fedramp_files]
    snapshots += _fetched_snapshots(con, {s.snapshot_date for s in snapshots})  # kept by `whosbehind refresh`
    facilities, facility_sha = ice_facilities.read(facility_file)
    cur = curated.load(claims_dir)
    problems = families.claims_problems(cur)
    if problems:
        shown = "; ".join(problems[:5])
        raise WhosbehindError(f"curated claims do not validate ({len(problems)} problems): {shown}")
    report = EvidenceReport({s.snapshot_date: len(s.products) for s in snapshots}, len(facilities),
                            len(cur.claims), len(cur.entities), len(cur.sources))
    if check_counts:
        _check_counts(report)
    db.ensure_schema(con)
    with db.transaction(con):
        con.execute(db.sql_text("400_evidence_schema"))
        for table in RAW_TABLES:
            con.execute(f"DELETE FROM {table}")
        _insert_fedramp(con, snapshots)
        _insert_facilities(con, facility_file.name, facility_sha, facilities)
        _insert_curated(con, cur)
        derive(con)  # build.derive_evidence (build.derive on a store with no contract graph yet)
    return report


def _fetched_snapshots(con: duckdb.DuckDBPyConnection, held: set[str]) -> list[fedramp.Snapshot]:
    """FedRAMP snapshots fetched by `whosbehind refresh` (stored in the database), read like the bundled ones."""
    if not db.has_table(con, "fetched_fedramp_snapshots"):
        return []
    found = []
    workdir = Path(tempfile.mkdtemp(prefix="whosbehind-fedramp-"))
    try:
        for name, content in con.execute("SELECT file_name, content FROM fetched_fedramp_snapshots "
                                         "ORDER BY snapshot_date").fetchall():
            path = workdir / name
            path.write_bytes(content)
            snap = fedramp.read_snapshot(path)
            if snap.snapshot_date not in held:
                found.append(snap)
                held.add(snap.snapshot_date)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return found


def _check_counts(report: EvidenceReport) -> None:
    wrong = {d: (n, report.snapshots.get(d)) for d, n in EXPECTED_PRODUCTS.items() if report.snapshots.get(d) != n}
    if wrong:
        raise WhosbehindError(f"bundled FedRAMP snapshots did not load as published: {wrong}")
    if report.facilities != EXPECTED_FACILITIES:
        raise WhosbehindError(f"bundled ICE facility list: expected {EXPECTED_FACILITIES} rows, "
                              f"read {report.facilities}")


def _insert_fedramp(con: duckdb.DuckDBPyConnection, snapshots: list[fedramp.Snapshot]) -> None:
    for s in snapshots:
        day = s.snapshot_date
        con.execute("INSERT INTO raw_fedramp_snapshots VALUES (?, ?, ?, ?, ?, ?)",
                    [s.sha256, s.file_name, s.last_change, day, len(s.products), len(s.agencies)])
        _bulk(con, "raw_fedramp_products",
            [[s.sha256, day, p["product_id"], p["csp"], p["cso"], p["status"], p["auth_type"], p["auth_date"],
              p["impact_level"], p["uei"], p["service_model"], p["independent_assessor"], p["pointer"]]
             for p in s.products if p["product_id"]])
        _bulk(con, "raw_fedramp_agencies",
                        [[s.sha256, day, a["agency_id"], a["parent"], a["sub"]] for a in s.agencies if a["agency_id"]])
        _bulk(con, "raw_fedramp_authorizations",
            [[s.sha256, day, a["product_id"], a["fedramp_agency_id"], a["relation"], a["ato_date"], a["auth_date"],
              a["exp_date"], a["pointer"]] for a in s.authorizations])
        _bulk(con, "raw_fedramp_leveraged",
              [[s.sha256, day, x["product_id"], x["leveraged_id"], x["csp"], x["cso"], x["pointer"]]
               for x in s.leveraged])
        _bulk(con, "raw_fedramp_descriptions",
              [[s.sha256, day, x["product_id"], x["deployment_model"], x["service_desc"], x["pointer"]]
               for x in s.descriptions])


def _insert_facilities(con: duckdb.DuckDBPyConnection, file_name: str, sha256: str, rows: list[dict]) -> None:
    record_date = ice_facilities.record_date(rows)
    _bulk(con, "raw_ice_facilities",
        [[sha256, file_name, record_date, int(r["row"]), r["detloc"], r["name"], r["city"], r["county"], r["state"],
          r["aor"], r["type"], r["type_detailed"], r["ice_funded"], r["capacity"], r["date_of_first_use"],
          r["date_of_last_use"], r["facility_operator"], r["facility_owner"],
          r["best_known_contract_initiation_date"], r["best_known_contract_expiration_date"],
          r["guaranteed_minimum"], r["authorization_status"],
          ice_facilities.is_company_operator(r["facility_operator"])]
         for r in rows if r["detloc"]])


def _insert_curated(con: duckdb.DuckDBPyConnection, cur: curated.Curated) -> None:
    table_rows = curated.rows(cur)
    for table, found in table_rows.items():
        _bulk(con, f"raw_curated_{table}", found)


def _bulk(con: duckdb.DuckDBPyConnection, table: str, rows: Iterable[Sequence[object]]) -> None:
    """Insert many rows at once through a temporary CSV (row-by-row inserts are slow in DuckDB).

    Empty text is stored as NULL, as the readers already do; DuckDB casts the text to each column's type."""
    workdir = Path(tempfile.mkdtemp(prefix="whosbehind-evidence-"))
    try:
        path = workdir / "rows.csv"
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            count = 0
            for row in rows:
                writer.writerow(["" if v is None else v for v in row])
                count += 1
        if not count:
            return
        width = len(con.execute(f"SELECT * FROM {table} LIMIT 0").description)
        columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width)) + "}"
        con.execute(
            f"INSERT INTO {table} SELECT * FROM read_csv(?, header = false, auto_detect = false, delim = ',', "
            f"quote = '\"', escape = '\"', columns = {columns})",
            [duckdb_literal_path(path)],
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
