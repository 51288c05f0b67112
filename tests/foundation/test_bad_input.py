"""Bad input gets one readable line naming the file (and row), a non-zero exit, and loses nothing."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import duckdb
import pytest

from samples import (
    API_FY2025,
    API_ZIP,
    LEGACY_FY13,
    LEGACY_ZIP,
    MN_SUMMARIES,
    MN_ZIP,
    SAMPLE,
    Cli,
    member_bytes,
    member_rows,
    write_csv,
)


def _snapshot(db: Path) -> dict:
    """What a user could see: every table's row count and the money they hold."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1").fetchall()]
        state = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
        if "family_totals" in tables:
            state["money"] = con.execute("SELECT sum(obligated) FROM family_totals").fetchone()[0]
        return state
    finally:
        con.close()


@pytest.fixture(scope="session")
def small_db_template(tmp_path_factory) -> Path:
    """A database holding one real file: the 2025-03-28 University of Minnesota summaries."""
    folder = tmp_path_factory.mktemp("small")
    umn = folder / "Contracts_PrimeAwardSummaries_2025-03-28_H02M59S08_1.csv"
    umn.write_bytes(member_bytes(MN_ZIP, "usaspending-ice-mn-2025/data/umn/"
                                         "Contracts_PrimeAwardSummaries_2025-03-28_H02M59S08_1.csv"))
    cli = Cli(folder / "small.duckdb")
    result = cli.run("ingest", str(umn))
    assert result.exit_code == 0, result.output
    return cli.db


@pytest.fixture
def small_db(fresh, small_db_template):
    shutil.copy(small_db_template, fresh.db)
    return fresh


def _refused(cli, path: Path, *expected: str) -> str:
    before = _snapshot(cli.db)
    result = cli.run("ingest", str(path))
    assert result.exit_code != 0
    message = result.output.strip().splitlines()
    assert len(message) == 1, result.output  # one readable line, no traceback
    assert path.name in message[0]
    for text in expected:
        assert text in message[0], message[0]
    assert _snapshot(cli.db) == before
    return message[0]


def test_truncated_zip_is_refused(small_db, tmp_path):
    data = (SAMPLE / "torn-apart-ice-fy13-18.zip").read_bytes()
    cut = tmp_path / "torn-apart-cut.zip"
    cut.write_bytes(data[: len(data) // 2])  # the real archive, cut in half
    _refused(small_db, cut, "zip")


def test_empty_file_is_refused(small_db, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    _refused(small_db, empty, "empty")


def test_unknown_header_is_refused(small_db, tmp_path):
    rows = member_rows(API_ZIP, API_FY2025)[:5]
    rows[0][2] = "Vendor"  # one renamed column in an otherwise real file
    line = _refused(small_db, write_csv(tmp_path / "renamed.csv", rows), "line 1")
    assert "header" in line


def test_latin1_file_is_refused_with_its_line(small_db, tmp_path):
    rows = member_rows(API_ZIP, API_FY2025)[:6]
    rows[4][2] = "CAFÉ SERVICES LLC"  # a real row whose name now has an accent, saved as latin-1
    path = tmp_path / "latin1.csv"
    path.write_bytes("\n".join(",".join(f'"{v}"' for v in r) for r in rows).encode("latin-1"))
    _refused(small_db, path, "line 5", "UTF-8")


def test_non_numeric_amount_is_refused_with_its_row(small_db, tmp_path):
    rows = member_rows(API_ZIP, API_FY2025)[:10]
    rows[7][3] = "12,5OO.00"  # letter O typed for zeros, as spreadsheets sometimes carry
    _refused(small_db, write_csv(tmp_path / "amount.csv", rows), "row 7", "Federal Action Obligation", "not an amount")


def test_file_cut_inside_a_quoted_field_is_refused(small_db, tmp_path):
    text = member_bytes(API_ZIP, API_FY2025).decode("utf-8")
    cut_at = text.index('"BORDER WALL CONSTRUCTION') + 10  # mid-way through a real quoted description
    path = tmp_path / "cut.csv"
    path.write_text(text[:cut_at], encoding="utf-8")
    _refused(small_db, path, "line")


def test_same_file_twice_changes_nothing(small_db, tmp_path):
    # The first 20 rows of the FY2025 CBP/ICE list, as a file of their own.
    path = write_csv(tmp_path / "fy2025-first-rows.csv", member_rows(API_ZIP, API_FY2025)[:21])
    assert small_db.run("ingest", str(path)).exit_code == 0
    once = _snapshot(small_db.db)
    stat = os.stat(small_db.db)
    second = small_db.run("ingest", str(path))
    assert second.exit_code == 0
    assert "already stored" in second.output
    # nothing new: the file is not even rewritten (a server reading it keeps its cache)
    assert (os.stat(small_db.db).st_ino, os.stat(small_db.db).st_mtime_ns) == (stat.st_ino, stat.st_mtime_ns)
    # The same bytes inside a zip are the same file too.
    archive = tmp_path / "again.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(path, arcname="again/" + path.name)
    assert small_db.run("ingest", str(archive)).exit_code == 0
    assert _snapshot(small_db.db) == once


@pytest.mark.parametrize(("refusing", "problem"), [
    # the copy is written to disk while the rows are derived: an I/O error on fsync
    ("fsync", "the updated copy of the database could not be written to disk (Input/output error)"),
    # the last step puts the copy in the old file's place: a file made immutable, a folder made read-only (the copy
    # was left beside the database, as large as it)
    ("replace", "the updated database could not take the place of the old one (Operation not permitted)"),
])
def test_a_copy_or_swap_the_disk_refuses_leaves_the_database_as_it_was(small_db, tmp_path, monkeypatch, refusing,
                                                                        problem):
    """An ingest builds into a copy of the database and swaps it in at the end. When the disk refuses either, the
    run fails in one line, the database is as it was and no copy is left behind."""
    path = write_csv(tmp_path / "fy2025-first-rows.csv", member_rows(API_ZIP, API_FY2025)[:21])
    before = _snapshot(small_db.db)
    error = OSError(errno.EIO, "Input/output error") if refusing == "fsync" else PermissionError(
        errno.EPERM, "Operation not permitted")

    def refused(*args) -> None:
        raise error

    monkeypatch.setattr(os, refusing, refused)
    result = small_db.run("ingest", str(path))
    monkeypatch.undo()
    assert result.exit_code == 1
    # the file's own line, then one line for the error, no traceback
    errors = [line for line in result.output.strip().splitlines() if not line.startswith("stored: ")]
    assert errors == [f"error: {small_db.db}: {problem}; nothing from this run was stored"], result.output
    assert _snapshot(small_db.db) == before
    assert sorted(p.name for p in small_db.db.parent.iterdir() if ".building" in p.name) == []


@pytest.mark.parametrize("file_system", ["clones files", "copies bytes"])
def test_an_ingest_keeps_who_may_read_the_database(small_db, tmp_path, monkeypatch, request, file_system):
    """The ingest builds into a copy of the database: a clone where the file system can make one (XFS, Btrfs,
    APFS), the bytes copied elsewhere. A database its owner alone may read stays so after the swap either way (a
    clone is a new file, made with the process's default permissions)."""
    from whosbehind.store import ingest

    def clone(source, target) -> None:  # what a clone gives: the same bytes in a new file
        Path(target).write_bytes(Path(source).read_bytes())

    def refused(source, target) -> None:  # ext4, tmpfs: refused without making a file
        raise OSError("Operation not supported (os error 95)")

    monkeypatch.setattr(ingest.reflink_copy, "reflink", clone if file_system == "clones files" else refused)
    small_db.db.chmod(0o600)
    umask = os.umask(0o022)  # a new file is readable by others unless its permissions are copied
    request.addfinalizer(lambda: os.umask(umask))
    before = _snapshot(small_db.db)
    path = write_csv(tmp_path / "fy2025-first-rows.csv", member_rows(API_ZIP, API_FY2025)[:21])
    result = small_db.run("ingest", str(path))
    assert result.exit_code == 0, result.output
    assert _snapshot(small_db.db)["source_files"] == before["source_files"] + 1  # the file was stored
    assert small_db.db.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("links", ["a file system with hard links", "one that refuses them"])
def test_a_large_database_replaced_by_an_ingest_is_removed_after_it(small_db, tmp_path, monkeypatch, links):
    """The file a large database's swap replaces is removed by a process the ingest does not wait for (freeing a
    1.1 GB file took 0.2 s on ext4): whichever way, the database is the new one and nothing is left beside it once
    that process is done. A refused hard link frees it in the run, as the rename always did."""
    from whosbehind.store import ingest

    monkeypatch.setattr(ingest, "REMOVE_LATER_BYTES", 0)  # the 256 MB of a real database: this one is small
    if links == "one that refuses them":
        def refused(*args) -> None:
            raise PermissionError(errno.EPERM, "Operation not permitted")
        monkeypatch.setattr(os, "link", refused)
    old = os.stat(small_db.db).st_ino
    removed_later = []
    remove_later = ingest._remove_later

    def spied(path: Path) -> None:
        removed_later.append((path.name, os.stat(path).st_ino))  # what it is given: the replaced file
        remove_later(path)

    monkeypatch.setattr(ingest, "_remove_later", spied)
    before = _snapshot(small_db.db)
    path = write_csv(tmp_path / "fy2025-first-rows.csv", member_rows(API_ZIP, API_FY2025)[:21])
    result = small_db.run("ingest", str(path))
    assert result.exit_code == 0, result.output
    assert os.stat(small_db.db).st_ino != old
    assert removed_later == ([(small_db.db.name + ".building.old", old)] if links == "a file system with hard links"
                             else [])
    assert _snapshot(small_db.db)["source_files"] == before["source_files"] + 1
    deadline = time.monotonic() + 30
    while any(".building" in p.name for p in small_db.db.parent.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sorted(p.name for p in small_db.db.parent.iterdir() if ".building" in p.name) == []


def test_a_swap_refused_for_a_large_database_leaves_it_as_it_was(small_db, tmp_path, monkeypatch):
    """The second name a large database is given before its swap goes when the swap is refused: the database is as
    it was, under its one name."""
    from whosbehind.store import ingest

    monkeypatch.setattr(ingest, "REMOVE_LATER_BYTES", 0)
    before = _snapshot(small_db.db)

    def refused(*args) -> None:
        raise PermissionError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "replace", refused)
    path = write_csv(tmp_path / "fy2025-first-rows.csv", member_rows(API_ZIP, API_FY2025)[:21])
    result = small_db.run("ingest", str(path))
    monkeypatch.undo()
    assert result.exit_code == 1
    assert "could not take the place of the old one (Operation not permitted)" in result.output
    assert _snapshot(small_db.db) == before and os.stat(small_db.db).st_nlink == 1
    assert sorted(p.name for p in small_db.db.parent.iterdir() if ".building" in p.name) == []


def test_a_summary_without_its_latest_action_date_is_stored(small_db, tmp_path):
    """A Prime Award Summaries row may leave its latest action date empty. A record whose only row is such a one
    (here a real row of the bundled Minnesota file, its address and latest date emptied) has a first date and no
    last: the ingest stores it and name resolution reads it."""
    rows = member_rows(MN_ZIP, MN_SUMMARIES)
    header, row = rows[0], list(rows[1])
    row[header.index("award_latest_action_date")] = ""
    row[header.index("recipient_address_line_1")] = ""
    path = write_csv(tmp_path / "no-latest-date.csv", [header, row])
    result = small_db.run("ingest", str(path))
    assert result.exit_code == 0, result.output
    assert "stored: no-latest-date.csv" in result.output


def test_ambiguous_dates_are_refused(small_db, tmp_path):
    # Real 2018-era rows whose dates all read both ways (day and month <= 12), with the fiscal-year column
    # blanked so nothing can settle the order.
    rows = member_rows(LEGACY_ZIP, LEGACY_FY13)
    header, body = rows[0], rows[1:]
    date_cols = [header.index(c) for c in ("action_date", "last_modified_date")]
    fy = header.index("fiscal_year")

    def readable_both_ways(row: list[str]) -> bool:
        return all(int(row[i].split("/")[0]) <= 12 for i in date_cols if row[i])

    chosen = [r for r in body if readable_both_ways(r)][:3]
    assert chosen
    for r in chosen:
        r[fy] = ""
    line = _refused(small_db, write_csv(tmp_path / "ambiguous.csv", [header, *chosen]), "ambiguous")
    assert "ISO" in line


def test_killed_run_leaves_database_as_it_was(small_db, tmp_path):
    before = _snapshot(small_db.db)
    folder = tmp_path / "many"
    folder.mkdir()
    for archive in ("cbp-ice-transactions-fy21-26.zip", "torn-apart-ice-fy13-18.zip", "usaspending-ice-mn-2025.zip"):
        shutil.copy(SAMPLE / archive, folder / archive)
    process = subprocess.Popen(
        [sys.executable, "-m", "whosbehind", "ingest", str(folder), "--db", str(small_db.db)],
        stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stderr is not None
    # Wait until the run has stored at least one file inside its transaction, then kill it outright.
    deadline = time.monotonic() + 120
    for line in process.stderr:
        if line.startswith("stored:") or time.monotonic() > deadline:
            break
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL
    assert _snapshot(small_db.db) == before
    # And the database still works: what the killed run left is removed and an ingest completes (three real rows
    # of the FY2025 CBP/ICE list, which the killed run was storing, rather than the whole sample again).
    few = write_csv(tmp_path / "fy2025-first-rows.csv", member_rows(API_ZIP, API_FY2025)[:4])
    report = small_db.json("ingest", str(few))
    assert report["rows_added"] == 3 and report["derived"]
    assert not small_db.db.with_name(small_db.db.name + ".building").exists()


def test_mn_summaries_are_read_month_first(small_db, tmp_path, built_db):
    # The Minnesota export was re-saved by a spreadsheet: 5/10/23 is 10 May 2023 (its fiscal-year column says 2023).
    con = duckdb.connect(str(built_db), read_only=True)
    order = con.execute("SELECT date_order FROM source_files WHERE file_name = ?",
                        [MN_SUMMARIES.rsplit("/", 1)[-1]]).fetchone()[0]
    legacy = con.execute("SELECT date_order FROM source_files WHERE file_name = 'fy16.csv'").fetchone()[0]
    assert (order, legacy) == ("MDY", "DMY")
    wrong_year = con.execute(
        "SELECT count(*) FROM money_rows m JOIN raw_prime_award_summaries r ON r._sha256 = m.sha256 "
        "AND r._row = m.row_no WHERE m.fiscal_year <> TRY_CAST(r.award_base_action_date_fiscal_year AS INT)"
    ).fetchone()[0]
    assert wrong_year == 0


def test_readers_are_not_blocked_by_an_ingest(small_db, tmp_path):
    # A reader (the web server, another terminal) keeps the database open while an ingest runs.
    reader = duckdb.connect(str(small_db.db), read_only=True)
    before = reader.execute("SELECT count(*) FROM money").fetchone()[0]
    path = tmp_path / API_FY2025.rsplit("/", 1)[-1]
    path.write_bytes(member_bytes(API_ZIP, API_FY2025))
    result = small_db.run("ingest", str(path))
    assert result.exit_code == 0, result.output
    # The open reader still sees the database as it was; a new reader sees the new rows.
    assert reader.execute("SELECT count(*) FROM money").fetchone()[0] == before
    reader.close()
    after = duckdb.connect(str(small_db.db), read_only=True)
    assert after.execute("SELECT count(*) FROM money").fetchone()[0] > before
    after.close()


def test_tables_derived_by_another_version_are_refused_then_derived_again(small_db, tmp_path):
    # A database from an older whosbehind: its raw rows are fine, its derived tables are not what this
    # version reads. Readers say so in one line; the next ingest, even of a file already stored, derives again.
    con = duckdb.connect(str(small_db.db))
    con.execute("DROP TABLE derived_layout")  # as in a database derived before layouts were recorded
    raw_rows = con.execute("SELECT count(*) FROM raw_prime_award_summaries").fetchone()[0]
    con.close()
    refused = small_db.run("top", "--agency", "ICE")
    assert refused.exit_code == 1
    line = " ".join(refused.output.split())
    assert "derived by another version (layout 0)" in line and "whosbehind build" in line
    assert "Traceback" not in line
    umn = tmp_path / "Contracts_PrimeAwardSummaries_2025-03-28_H02M59S08_1.csv"
    umn.write_bytes(member_bytes(MN_ZIP, "usaspending-ice-mn-2025/data/umn/"
                                         "Contracts_PrimeAwardSummaries_2025-03-28_H02M59S08_1.csv"))
    again = small_db.json("ingest", str(umn))
    assert again["rows_added"] == 0 and again["derived"] is True
    assert [f["status"] for f in again["files"]] == ["already stored"]
    assert small_db.json("top", "--agency", "ICE", "--limit", "3")
    assert small_db.json("ingest", str(umn))["derived"] is False  # derived once is enough
    con = duckdb.connect(str(small_db.db), read_only=True)
    assert con.execute("SELECT count(*) FROM raw_prime_award_summaries").fetchone()[0] == raw_rows
    con.close()
