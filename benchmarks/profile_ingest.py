"""Where does `whosbehind ingest` spend its time and memory? One in-process run, statement by statement.

Runs ``store.ingest.ingest`` on one file into a fresh database through a connection wrapper that times every
SQL statement and records the peak resident set size of the process while it runs (polled every 20 ms), and
times the hashing / UTF-8 pass over the file. Prints a table, slowest first, and writes it as JSON.

    /tmp/venv/bin/python benchmarks/profile_ingest.py benchmarks/work/transactions_250000_seed2.csv
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import threading
import time
from pathlib import Path

import psutil

from whosbehind import build
from whosbehind.sources import files
from whosbehind.store import db
from whosbehind.store import ingest as ingest_mod


class Sampler:
    def __init__(self) -> None:
        self.proc = psutil.Process()
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.proc.memory_info().rss)
            self._stop.wait(0.02)

    def reset(self) -> int:
        self.peak = self.proc.memory_info().rss
        return self.peak

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def describe(sql: str) -> str:
    text = re.sub(r"\s+", " ", re.sub(r"--[^\n]*", "", sql)).strip()
    created = re.search(r"CREATE (?:OR REPLACE )?(?:TEMP )?(?:TABLE|VIEW) (\w+)", text)
    if created:
        return f"CREATE {created.group(1)}"
    if text.startswith("INSERT INTO raw_"):
        return "INSERT raw rows FROM read_csv(…)"
    return text[:90]


class TimedConnection:
    """Delegates to a DuckDB connection; times execute() calls."""

    def __init__(self, con, sampler: Sampler, log: list) -> None:
        self._con = con
        self._sampler = sampler
        self._log = log

    def execute(self, sql, params=None):
        self._sampler.reset()
        start = time.perf_counter()
        result = self._con.execute(sql, params) if params is not None else self._con.execute(sql)
        elapsed = time.perf_counter() - start
        if ";" in sql.strip().rstrip(";"):  # a multi-statement step: name it by its tables
            names = [describe(s) for s in sql.split(";") if "CREATE" in s]
            label = " + ".join(n for n in names if n.startswith("CREATE"))[:120] or describe(sql)
        else:
            label = describe(sql)
        self._log.append({"step": label, "seconds": elapsed, "peak_rss": self._sampler.peak})
        return result

    def __getattr__(self, name):
        return getattr(self._con, name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("csv", type=Path)
    parser.add_argument("--db", type=Path, default=Path(__file__).resolve().parent / "work" / "profile.duckdb")
    parser.add_argument("--json", type=Path, default=None, help="write the steps here as JSON")
    args = parser.parse_args(argv)
    for p in (args.db, args.db.with_name(args.db.name + ".wal")):
        p.unlink(missing_ok=True)

    sampler = Sampler()
    log: list[dict] = []
    real_scan = files._scan

    def timed_scan(*a, **k):
        sampler.reset()
        start = time.perf_counter()
        out = real_scan(*a, **k)
        log.append({"step": "sha256 + UTF-8 check (Python, streaming)", "seconds": time.perf_counter() - start,
                    "peak_rss": sampler.peak})
        return out

    files._scan = timed_scan
    started = time.perf_counter()
    con = db.connect(args.db)
    timed = TimedConnection(con, sampler, log)
    ingest_mod.ingest(timed, [args.csv], derive=build.derive)
    con.close()
    total = time.perf_counter() - started
    sampler.stop()
    for p in (args.db, args.db.with_name(args.db.name + ".wal")):
        p.unlink(missing_ok=True)

    accounted = sum(s["seconds"] for s in log)
    print(f"{args.csv.name}: total {total:.2f} s in-process ({accounted:.2f} s in the steps below)")
    print(f"{'seconds':>8} {'share':>6} {'peak RSS':>10}  step")
    for s in sorted(log, key=lambda s: -s["seconds"]):
        if s["seconds"] < 0.05:
            continue
        print(f"{s['seconds']:8.2f} {s['seconds'] / total:6.1%} {s['peak_rss'] / 2**20:7,.0f} MiB  {s['step']}")
    if args.json:
        args.json.write_text(json.dumps({"file": args.csv.name, "total_s": total, "steps": log}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
