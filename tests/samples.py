"""Ways to cut small real files from the bundled sample, and to run the CLI against one database.

Small test files are always cut from the bundled sample (``src/whosbehind/sample``, provenance in its
SOURCES.md): a header and a few real rows, sometimes with one value changed to make the bad input a test
is about. Each test says what it changed.
"""

from __future__ import annotations

import csv
import io
import json
import socket
import threading
import time
import zipfile
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import uvicorn
from filelock import FileLock
from typer.testing import CliRunner

from whosbehind.cli import app

SAMPLE = Path(str(resources.files("whosbehind").joinpath("sample")))
MN_ZIP = SAMPLE / "usaspending-ice-mn-2025.zip"
LEGACY_ZIP = SAMPLE / "torn-apart-ice-fy13-18.zip"
API_ZIP = SAMPLE / "cbp-ice-transactions-fy21-26.zip"

MN_SUMMARIES = "usaspending-ice-mn-2025/data/mn_all/Contracts_PrimeAwardSummaries_2025-03-21_H19M57S23_1.csv"
UMN_SUMMARIES = "usaspending-ice-mn-2025/data/umn/Contracts_PrimeAwardSummaries_2025-03-28_H02M59S08_1.csv"
SUBAWARDS = "usaspending-ice-mn-2025/data/all_after_2020/Contracts_Subawards_2025-03-28_H03M23S17_1.csv"
API_FY2025 = "cbp-ice-transactions-fy21-26/CBP_ICE_FY2025_Contract_Obligations.csv"
LEGACY_FY13 = "torn-apart-ice-fy13-18/fy13.csv"
LEGACY_FY14 = "torn-apart-ice-fy13-18/fy14.csv"


def member_bytes(archive: Path, member: str) -> bytes:
    with zipfile.ZipFile(archive) as z:
        return z.read(member)


def member_rows(archive: Path, member: str, header: bool = True) -> list[list[str]]:
    """All rows of a bundled CSV, header first (when it has one)."""
    return list(csv.reader(io.StringIO(member_bytes(archive, member).decode("utf-8"))))


def query(db: Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    """The rows of one read-only query on a database file, closed again at once (a later writer is not refused)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return path


class Cli:
    """Runs whosbehind commands in-process against one database file."""

    def __init__(self, db: Path):
        self.db = db
        self.runner = CliRunner()

    def run(self, *args: str, env: dict[str, str] | None = None) -> Any:
        return self.runner.invoke(app, [*args, "--db", str(self.db)], catch_exceptions=False, env=env)

    def json(self, *args: str) -> Any:
        result = self.run(*args, "--json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)




def build_once(folder: Path) -> Path:
    """The bundled sample built into ``folder``, once for every process that asks: the first builds it under a
    lock, the others wait for it, then find it complete; a build that failed fails each of them with its output,
    rather than being tried again by each in turn. Tests must not write to it (they copy it first)."""
    db, complete, failed = folder / "whosbehind.duckdb", folder / "complete", folder / "failed"
    with FileLock(str(folder / "lock")):
        if not complete.exists() and not failed.exists():
            db.unlink(missing_ok=True)  # a build that ended but was stopped before it was marked complete
            result = Cli(db).run("build")
            (complete if result.exit_code == 0 else failed).write_text(result.output)
    if failed.exists():
        raise AssertionError(f"the build of the bundled sample failed:\n{failed.read_text()}")
    return db


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """A web app served by uvicorn in a thread on 127.0.0.1. ``make_app`` gets the server's URL (pages print
    it); ``options`` go to uvicorn.Config as `whosbehind serve` would give them."""

    def __init__(self, make_app: Callable[[str], Any], **options: Any):
        # The socket is bound here and handed to uvicorn: a port found free and let go would be free for another
        # process of the run to take in the second or so before the server binds it.
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.app = make_app(self.url)
        self.server = uvicorn.Server(uvicorn.Config(self.app, host="127.0.0.1", port=self.port, **options))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.socket.close()
        self.app.state.db.close()
