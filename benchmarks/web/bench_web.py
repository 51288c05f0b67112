"""Load benchmark of the web app: the organization endpoint and page under 50 concurrent connections for
30 s from loopback (wrk), side by side with Datasette serving the same money table from SQLite.

    python benchmarks/web/bench_web.py --db benchmarks/work/whosbehind_1000000.duckdb

The database must hold at least 1M transaction rows (build one with benchmarks/generate_transactions.py and
`whosbehind ingest`). Requests rotate over every organization that has money, so the numbers are not one hot
row. Scenarios:

- whosbehind API `/api/organizations/{id}` (family, totals by agency and year, tie kinds, largest awards,
  subcontracts), with its answer cache (answers are kept until the database file is replaced) and without
  it (WHOSBEHIND_WEB_CACHE=0: every request runs its queries);
- whosbehind page `/org/{id}` (cached);
- Datasette: a canned query returning the same totals by agency and fiscal year for one recipient, from a
  SQLite copy of the money table (amounts in integer cents, index on recipient_id).

Results are printed and, with --append-results, appended as a section to benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import socket
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote
from urllib.request import urlopen

import duckdb

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
WORK = ROOT / "benchmarks" / "work" / "web"
LUA = """
paths = {}
for line in io.lines(os.getenv("WRK_PATHS")) do paths[#paths + 1] = line end
counter = 0
request = function()
  counter = counter % #paths + 1
  return wrk.format("GET", paths[counter])
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urlopen(url, timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def to_ms(value: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value)
    if not m:
        raise ValueError(value)
    n, unit = float(m.group(1)), m.group(2)
    return {"us": n / 1000, "ms": n, "s": n * 1000, "m": n * 60_000}[unit]


def run_wrk(base: str, paths: list[str], *, connections: int, duration: int, threads: int) -> dict:
    WORK.mkdir(parents=True, exist_ok=True)
    (WORK / "paths.txt").write_text("\n".join(paths) + "\n")
    (WORK / "rotate.lua").write_text(LUA)
    # a short warm-up, not measured
    subprocess.run(["wrk", "-t1", "-c4", "-d3s", "-s", str(WORK / "rotate.lua"), base], check=True,
                   capture_output=True, env={**os.environ, "WRK_PATHS": str(WORK / "paths.txt")})
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "10s",
         "-s", str(WORK / "rotate.lua"), base],
        check=True, capture_output=True, text=True, env={**os.environ, "WRK_PATHS": str(WORK / "paths.txt")},
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", out, re.M))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": rps, "p50_ms": to_ms(lat["50"]), "p90_ms": to_ms(lat["90"]), "p99_ms": to_ms(lat["99"]),
            "requests": total, "non_2xx": int(errors.group(1)) if errors else 0,
            "socket_errors": socket_errors.group(1) if socket_errors else "", "raw": out}


def sqlite_copy(db: Path, target: Path) -> None:
    """The money table (the columns the totals need) in SQLite, amounts as integer cents, indexed."""
    if target.exists():
        target.unlink()
    src = duckdb.connect(str(db), read_only=True)
    dst = sqlite3.connect(target)
    dst.execute("CREATE TABLE money (recipient_id TEXT, sub_agency_code TEXT, fiscal_year INTEGER, "
                "amount_cents INTEGER, award_key TEXT)")
    cursor = src.execute("SELECT recipient_id, sub_agency_code, fiscal_year, CAST(round(amount * 100) AS BIGINT), "
                         "award_key FROM money")
    while batch := cursor.fetchmany(50_000):
        dst.executemany("INSERT INTO money VALUES (?, ?, ?, ?, ?)", batch)
    dst.execute("CREATE INDEX money_recipient ON money (recipient_id, sub_agency_code, fiscal_year)")
    dst.commit()
    dst.close()
    src.close()


DATASETTE_QUERY = (
    "SELECT sub_agency_code, fiscal_year, sum(amount_cents) / 100.0 AS obligated, count(*) AS source_rows, "
    "count(DISTINCT award_key) AS awards FROM money WHERE recipient_id = :id "
    "GROUP BY sub_agency_code, fiscal_year ORDER BY sub_agency_code, fiscal_year"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=1, help="whosbehind serve worker processes")
    parser.add_argument("--append-results", action="store_true")
    args = parser.parse_args()

    con = duckdb.connect(str(args.db), read_only=True)
    tx_rows = con.execute("SELECT count(*) FROM money").fetchone()[0]
    ids = [r[0] for r in con.execute(
        "SELECT recipient_id FROM money WHERE recipient_id NOT IN ('individuals', 'unknown') "
        "GROUP BY 1 ORDER BY count(*) DESC, 1").fetchall()]
    con.close()
    if tx_rows < 1_000_000:
        sys.exit(f"{args.db} has {tx_rows:,} money rows; the benchmark needs at least 1,000,000")
    WORK.mkdir(parents=True, exist_ok=True)
    sqlite_db = WORK / "bench.db"
    t = time.monotonic()
    sqlite_copy(args.db, sqlite_db)
    copy_s = time.monotonic() - t
    (WORK / "metadata.json").write_text(json.dumps(
        {"databases": {"bench": {"queries": {"organization_totals": {"sql": DATASETTE_QUERY}}}}}))

    results: dict[str, dict] = {}
    procs = []
    try:
        def serve(env_extra: dict[str, str]) -> tuple[subprocess.Popen, str]:
            port = free_port()
            command = [sys.executable, "-m", "whosbehind", "serve", "--db", str(args.db), "--port", str(port),
                       "--workers", str(args.workers)]
            p = subprocess.Popen(command, env={**os.environ, **env_extra},
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            procs.append(p)
            base = f"http://127.0.0.1:{port}"
            wait_up(base + "/api/agencies")
            return p, base

        org_paths = ["/api/organizations/" + quote(i, safe=":") for i in ids]
        page_paths = ["/org/" + quote(i, safe=":") for i in ids]
        p, base = serve({})
        for path in org_paths + page_paths:  # every answer once, so the cached runs measure the served path
            urlopen(base + path, timeout=120).read()
        results["whosbehind API /api/organizations/{id} (cached)"] = run_wrk(
            base, org_paths, connections=args.connections, duration=args.duration, threads=args.threads)
        results["whosbehind page /org/{id} (cached)"] = run_wrk(
            base, page_paths, connections=args.connections, duration=args.duration, threads=args.threads)
        p.terminate()
        p.wait()
        p, base = serve({"WHOSBEHIND_WEB_CACHE": "0"})
        results["whosbehind API /api/organizations/{id} (no cache: every query runs)"] = run_wrk(
            base, org_paths, connections=args.connections, duration=args.duration, threads=args.threads)
        p.terminate()
        p.wait()

        port = free_port()
        datasette_bin = str(Path(sys.executable).parent / "datasette")
        d = subprocess.Popen([datasette_bin, "serve", "--immutable", str(sqlite_db), "-p", str(port),
                              "-m", str(WORK / "metadata.json"), "--setting", "num_sql_threads", "3"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(d)
        dbase = f"http://127.0.0.1:{port}"
        wait_up(dbase + "/bench.json")
        ds_paths = [f"/bench/organization_totals.json?id={quote(i, safe='')}" for i in ids]
        results["Datasette canned query organization_totals.json (same totals)"] = run_wrk(
            dbase, ds_paths, connections=args.connections, duration=args.duration, threads=args.threads)
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
                p.wait()

    import datasette

    meta = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "db": str(args.db), "money_rows": tx_rows,
        "organizations_rotated": len(ids), "connections": args.connections, "duration_s": args.duration,
        "wrk_threads": args.threads, "serve_workers": args.workers, "cpus": os.cpu_count(),
        "python": platform.python_version(), "duckdb": duckdb.__version__, "datasette": datasette.__version__,
        "sqlite_copy_s": round(copy_s, 1),
    }
    for name, r in results.items():
        print(f"{name}: {r['rps']:.0f} req/s, p50 {r['p50_ms']:.2f} ms, p99 {r['p99_ms']:.2f} ms, "
              f"{r['requests']} requests, non-2xx {r['non_2xx']} {r['socket_errors']}")
    print(json.dumps(meta))
    (WORK / "results.json").write_text(json.dumps({"meta": meta, "results": {
        k: {x: y for x, y in v.items() if x != "raw"} for k, v in results.items()}}, indent=2))
    if args.append_results:
        append_results(meta, results)


def append_results(meta: dict, results: dict[str, dict]) -> None:
    lines = ["", "## Web: organization endpoint and page under load (issue 5)", "",
             f"Measured {meta['date']} on {meta['cpus']} CPUs (the same machine runs wrk, the server and, "
             "when they ran, other benchmarks), Python {python}, DuckDB {duckdb}, "
             "Datasette {datasette}.".format(**meta),
             f"Database: `{meta['db']}`, {meta['money_rows']:,} money rows (generated transactions, "
             f"`benchmarks/generate_transactions.py`); requests rotate over all {meta['organizations_rotated']} "
             "organizations with money.",
             f"Load: `wrk -t{meta['wrk_threads']} -c{meta['connections']} -d{meta['duration_s']}s --latency` from "
             f"loopback; `whosbehind serve --workers {meta['serve_workers']}`; Datasette with the same money table in "
             "SQLite (integer cents, index on recipient_id), `--immutable`, canned query for the same totals.",
             "Command: `python benchmarks/web/bench_web.py --db <db> --append-results`.", "",
             "| what | requests/s | p50 ms | p99 ms | requests | errors |", "|---|---:|---:|---:|---:|---:|"]
    for name, r in results.items():
        lines.append(f"| {name} | {r['rps']:.0f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['requests']:,} | "
                     f"{r['non_2xx']} {r['socket_errors']} |")
    lines.append("")
    with open(ROOT / "benchmarks" / "RESULTS.md", "a", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
