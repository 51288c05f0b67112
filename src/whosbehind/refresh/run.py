"""One refresh: fetch every source asked for, check each against the API's own count, then store everything
in one ingest (all or nothing, swapped in whole, like `whosbehind ingest`), with a coverage record per source
and agency and the sha256 of every fetched file. A failure anywhere stores nothing."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from whosbehind.errors import WhosbehindError
from whosbehind.refresh import agencies as agencies_mod
from whosbehind.refresh import fedramp_feed, usaspending
from whosbehind.refresh.http import Client
from whosbehind.refresh.state import RunState
from whosbehind.store import db

SOURCES = ("usaspending", "fedramp", "all")


@dataclass
class RefreshReport:
    run_id: str = ""
    slices: list[usaspending.Slice] = field(default_factory=list)
    rows_added: int = 0
    changes: int = 0
    fedramp_snapshot: str | None = None  # the date of the snapshot stored, if a new one was

    def as_dict(self) -> dict[str, Any]:
        return {"run_id": self.run_id, "rows_added": self.rows_added, "changes": self.changes,
                "fedramp_snapshot": self.fedramp_snapshot,
                "coverage": [{"source": s.source, "agency": s.agency, "start_date": s.start, "end_date": s.end,
                              "rows": s.rows, "api_count": s.api_count, "note": s.note,
                              "files": [{"url": f.url, "name": f.path.name, "sha256": f.sha256, "bytes": f.bytes}
                                        for f in s.files]} for s in self.slices]}


def fiscal_year_start(day: date) -> date:
    return date(day.year if day.month >= 10 else day.year - 1, 10, 1)


def _read_state(db_path: Path) -> tuple[dict[tuple[str, str], date], set[str]]:
    """Where each earlier refresh stopped (source, agency -> end date) and the FedRAMP snapshot dates held."""
    if not db_path.exists():
        return {}, set()
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        ends: dict[tuple[str, str], date] = {}
        if db.has_table(con, "refresh_coverage"):
            for source, agency, end in con.execute(
                    "SELECT source, agency, max(end_date) FROM refresh_coverage GROUP BY ALL").fetchall():
                ends[(source, agency)] = end
        held: set[str] = set()
        if db.has_table(con, "raw_fedramp_snapshots"):
            held = {str(r[0]) for r in con.execute("SELECT snapshot_date FROM raw_fedramp_snapshots").fetchall()}
        return ends, held
    finally:
        con.close()


def check_count(s: usaspending.Slice) -> None:
    if s.api_count is not None and s.api_count != s.rows:
        raise WhosbehindError(
            f"refused: {s.source} for {s.agency} {s.start}..{s.end} gave {s.rows:,} rows but the API reports "
            f"{s.api_count:,}; a partial slice is never stored (nothing was stored)")


def refresh(
    db_path: Path,
    *,
    agency_terms: list[str],
    since: date | None = None,
    source: str = "all",
    via: str = "download",
    today: date | None = None,
    on_stage: Callable[[str], None] = lambda s: None,
) -> RefreshReport:
    if source not in SOURCES:
        raise WhosbehindError(f"--source {source!r}: give usaspending, fedramp or all")
    if via not in ("download", "search"):
        raise WhosbehindError(f"--via {via!r}: give download or search")
    today = today or date.today()
    if since is not None and since > today:
        raise WhosbehindError(f"--since {since}: in the future")
    chosen = [agencies_mod.find(t) for t in agency_terms]
    ends, held_snapshots = _read_state(db_path)
    state = RunState(db_path.with_name(db_path.name + ".refresh"))
    report = RefreshReport()
    files: list[Path] = []
    snapshot: fedramp_feed.FetchedSnapshot | None = None
    with Client() as client:
        if source in ("usaspending", "all"):
            for agency in chosen:
                kind = "usaspending-bulk" if via == "download" else "usaspending-search"
                start = since or (ends[(kind, agency.key)] + timedelta(days=1) if (kind, agency.key) in ends
                                  else fiscal_year_start(today))
                fetch = usaspending.bulk_download if via == "download" else usaspending.search_transactions
                found = fetch(client, agency, start, today, state, on_stage=on_stage)
                check_count(found)
                report.slices.append(found)
                files += [f.path for f in found.files]
        if source in ("fedramp", "all"):
            on_stage("fetching the FedRAMP Marketplace feed")
            snapshot = fedramp_feed.fetch(client, state)
            report.slices.append(snapshot.slice)
            if snapshot.snapshot_date in held_snapshots:
                snapshot.slice.note += f"; the snapshot of {snapshot.snapshot_date} is held already"
                snapshot = None
    _store(db_path, report, files, snapshot, on_stage)
    state.remove()
    return report


def _store(db_path: Path, report: RefreshReport, files: list[Path],
           snapshot: fedramp_feed.FetchedSnapshot | None, on_stage: Callable[[str], None]) -> None:
    from whosbehind import build

    fetched_at = datetime.now().replace(microsecond=0)
    runs_before = _run_ids(db_path)

    def then(con: duckdb.DuckDBPyConnection) -> bool:
        """Record what was fetched; load a new FedRAMP snapshot. Returns whether tables were derived again."""
        con.execute(db.sql_text("refresh_schema"))
        new_runs = [r[0] for r in con.execute("SELECT run_id FROM runs").fetchall() if r[0] not in runs_before]
        run_id = report.run_id = new_runs[0]
        for s in report.slices:
            con.execute("INSERT INTO refresh_coverage VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [run_id, s.source, s.agency, s.start, s.end, s.rows, s.api_count, s.note, fetched_at])
            for f in s.files:
                con.execute("INSERT INTO fetched_files VALUES (?, ?, ?, ?, ?, ?)",
                            [run_id, f.url, f.path.name, f.sha256, f.bytes, fetched_at])
        if snapshot is not None:
            data = snapshot.trimmed.read_bytes()
            gzip.decompress(data)  # whole, or refused before anything is kept
            con.execute("INSERT INTO fetched_fedramp_snapshots VALUES (?, ?, ?, ?, ?, ?)",
                        [evidence_sha(data), snapshot.trimmed.name, snapshot.snapshot_date, fetched_at,
                         snapshot.slice.files[0].url, data])
            on_stage("loading the FedRAMP snapshot beside the others")
            build.load_evidence(con)
            report.fedramp_snapshot = snapshot.snapshot_date
        return snapshot is not None

    ingested = build.ingest_into(db_path, files, then=then, command="refresh", on_stage=on_stage)
    report.rows_added = ingested.rows_added
    if db_path.exists():
        con = duckdb.connect(str(db_path), read_only=True)
        try:
            found = con.execute("SELECT changes FROM builds WHERE build_id = ?", [ingested.run_id]).fetchone()
            report.changes = int(found[0]) if found else 0
        finally:
            con.close()


def _run_ids(db_path: Path) -> set[str]:
    if not db_path.exists():
        return set()
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return {r[0] for r in con.execute("SELECT run_id FROM runs").fetchall()} if db.has_table(con, "runs") else set()
    finally:
        con.close()


def evidence_sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()
