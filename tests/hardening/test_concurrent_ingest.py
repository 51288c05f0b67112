"""Item 1: two ingests into one database never lose a file. The second waits for the first's lock (or, with
no time to wait, refuses in one line and exits 1); both files' rows end up stored.

Inputs: two real files cut from the bundled sample (fy13.csv of the 2018-era transactions, 157 rows, and the
2025-03-28 University of Minnesota award summaries, 5 rows), ingested by two processes started at several
offsets from each other.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from filelock import FileLock

from samples import LEGACY_FY13, LEGACY_ZIP, MN_ZIP, UMN_SUMMARIES, Cli, member_bytes


def _files(folder: Path) -> tuple[Path, Path]:
    a = folder / "fy13.csv"
    a.write_bytes(member_bytes(LEGACY_ZIP, LEGACY_FY13))
    b = folder / "Contracts_PrimeAwardSummaries_2025-03-28_H02M59S08_1.csv"
    b.write_bytes(member_bytes(MN_ZIP, UMN_SUMMARIES))
    return a, b


def _start(path: Path, db: Path, **env: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "whosbehind", "ingest", str(path), "--db", str(db)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **env})


def _stored(db: Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return dict(con.execute("SELECT file_name, row_count FROM source_files").fetchall())
    finally:
        con.close()


@pytest.mark.parametrize("offset", [0.0, 0.4, 1.2])
def test_two_ingests_at_once_keep_both_files(tmp_path, offset):
    a, b = _files(tmp_path)
    db = tmp_path / "both.duckdb"
    first = _start(a, db)
    time.sleep(offset)
    second = _start(b, db)
    outcomes = [(p.wait(timeout=120), *p.communicate()) for p in (first, second)]
    stored = _stored(db)
    for (code, _out, err), path, rows in zip(outcomes, (a, b), (157, 5), strict=True):
        assert "Traceback" not in err, err
        if code == 0:
            assert stored.get(path.name) == rows, (err, stored)  # "rows added" is true
        else:  # refused: said so in one line, and stored nothing of it
            assert code == 1 and len(err.strip().splitlines()) == 1, err
            assert "another ingest or build" in err
    assert stored == {a.name: 157, b.name: 5}


def test_a_busy_database_is_refused_in_one_line_and_left_as_it_was(tmp_path, monkeypatch):
    a, b = _files(tmp_path)
    cli = Cli(tmp_path / "busy.duckdb")
    assert cli.run("ingest", str(a)).exit_code == 0
    before = cli.db.read_bytes()
    monkeypatch.setenv("WHOSBEHIND_LOCK_TIMEOUT", "0")
    with FileLock(str(cli.db) + ".lock"):  # another writer holds the database
        result = cli.run("ingest", str(b))
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "another ingest or build is writing" in lines[0], result.output
    assert cli.db.read_bytes() == before
    assert cli.run("ingest", str(b)).exit_code == 0  # the lock is free again: it goes through
    assert _stored(cli.db) == {a.name: 157, b.name: 5}
