"""Load benchmark of the web app: the organization endpoint and page under 50 concurrent connections from
loopback (wrk), side by side with Datasette serving a totals query over the same money table from SQLite.

    python benchmarks/web/bench_web.py --db benchmarks/work/web/bundled_1M.duckdb --write-results

The database must hold at least 1M money rows: the bundled sample (`whosbehind build`) plus a file of
benchmarks/generate_transactions.py ingested into it. Requests rotate over every organization whose answer the
build stored (every node of the graph but the agencies and their offices), in an order shuffled once, so each
one is asked about as often as the others and no few of them stay in a cache: the server keeps at most 2,048
answers in memory, fewer than there are organizations, and a rotation never asks for one it still holds.
Every scenario starts its own server. Scenarios:

- whosbehind API `/api/organizations/{id}` and page `/org/{id}`, each with the in-memory cache off
  (WHOSBEHIND_WEB_CACHE=0) and with it on (the default): the answer and the page the build stored, read by key;
- the page with a query (`?lang=es`), which is rendered on each visit from the stored answer (no target);
- the chart images of the page (`/org/{id}/chart/years.svg`), which are drawn on a first request: no target,
  shown so that what a first visit costs in all is in the table;
- Datasette: a canned query returning totals by agency and fiscal year for one recipient, from a SQLite copy
  of the money table (amounts in integer cents, index on recipient_id), rotating over every recipient.

Results are printed and, with --write-results, written to their own section of benchmarks/RESULTS.md
(between the bench_web.py markers; the rest of the file is left alone).
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
import zlib
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote
from urllib.request import urlopen

import duckdb

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
WORK = ROOT / "benchmarks" / "work" / "web"
# Each wrk thread walks the whole list from its own starting point (thread k of n at k/n of it): threads that
# all started at the top would ask for the same page one after another, and the second visit would be a cache hit.
LUA = """
local next_id = 0
function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end
function init(args)
  paths = {}
  for line in io.lines(os.getenv("WRK_PATHS")) do paths[#paths + 1] = line end
  counter = math.floor(id * #paths / tonumber(os.getenv("WRK_THREADS")))
end
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
    load_before = os.getloadavg()[0]
    (WORK / "paths.txt").write_text("\n".join(paths) + "\n")
    (WORK / "rotate.lua").write_text(LUA)
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "10s",
         "-s", str(WORK / "rotate.lua"), base],
        check=True, capture_output=True, text=True,
        env={**os.environ, "WRK_PATHS": str(WORK / "paths.txt"), "WRK_THREADS": str(threads)},
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", out, re.M))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": rps, "p50_ms": to_ms(lat["50"]), "p90_ms": to_ms(lat["90"]), "p99_ms": to_ms(lat["99"]),
            "requests": total, "load_before": load_before, "non_2xx": int(errors.group(1)) if errors else 0,
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


API_NO_CACHE = "whosbehind API /api/organizations/{id}, cache off (every request reads the stored answer)"
API = "whosbehind API /api/organizations/{id}, default cache (2,048 answers: a rotation never hits it)"
PAGE_NO_CACHE = "whosbehind page /org/{id}, cache off (every request sends the page the build rendered)"
PAGE = "whosbehind page /org/{id}, default cache"
PAGE_RENDERED = ("whosbehind page /org/{id}?lang=es, a query: rendered on each visit from the stored answer "
                 "(no target)")
CHARTS = "whosbehind chart image /org/{id}/chart/years.svg, drawn on first request (no target)"
DATASETTE = "Datasette canned query organization_totals.json (totals by agency and year)"
TARGET_P99_MS = 100
TARGETED = (API_NO_CACHE, API, PAGE_NO_CACHE, PAGE)

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
    parser.add_argument("--write-results", action="store_true",
                        help="write the bench_web.py section of benchmarks/RESULTS.md")
    args = parser.parse_args()

    con = duckdb.connect(str(args.db), read_only=True)
    tx_rows = con.execute("SELECT count(*) FROM money").fetchone()[0]
    org_ids = [r[0] for r in con.execute("SELECT id FROM organization_answers ORDER BY hash(id), id").fetchall()]
    kinds = dict(con.execute("SELECT g.kind, count(*) FROM organization_answers a JOIN graph_nodes g USING (id) "
                             "GROUP BY 1 ORDER BY 2 DESC").fetchall())
    ids = [r[0] for r in con.execute(
        "SELECT DISTINCT recipient_id FROM money WHERE recipient_id NOT IN ('individuals', 'unknown') "
        "ORDER BY hash(recipient_id), recipient_id").fetchall()]
    sizes = sorted(len(zlib.decompress(r[0])) for r in con.execute("SELECT body FROM organization_answers").fetchall())
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

        paths = {
            API_NO_CACHE: (["/api/organizations/" + quote(i, safe=":") for i in org_ids],
                           {"WHOSBEHIND_WEB_CACHE": "0"}),
            API: (["/api/organizations/" + quote(i, safe=":") for i in org_ids], {}),
            PAGE_NO_CACHE: (["/org/" + quote(i, safe=":") for i in org_ids], {"WHOSBEHIND_WEB_CACHE": "0"}),
            PAGE: (["/org/" + quote(i, safe=":") for i in org_ids], {}),
            PAGE_RENDERED: (["/org/" + quote(i, safe=":") + "?lang=es" for i in org_ids], {}),
            CHARTS: (["/org/" + quote(i, safe=":") + "/chart/years.svg" for i in org_ids], {}),
        }
        for name, (rotation, env_extra) in paths.items():
            p, base = serve(env_extra)
            results[name] = run_wrk(base, rotation, connections=args.connections, duration=args.duration,
                                    threads=args.threads)
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
        results[DATASETTE] = run_wrk(dbase, ds_paths, connections=args.connections, duration=args.duration,
                                     threads=args.threads)
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
                p.wait()

    import datasette

    meta = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "db": str(args.db), "money_rows": tx_rows,
        "organizations_rotated": len(org_ids), "kinds": kinds, "recipients_rotated": len(ids),
        "answer_bytes": {"median": sizes[len(sizes) // 2], "p99": sizes[int(0.99 * len(sizes))], "max": sizes[-1]},
        "connections": args.connections, "duration_s": args.duration,
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
    if args.write_results:
        write_results(meta, results)


BEGIN = "<!-- bench_web.py: begin (rewritten by each run with --write-results) -->"
END = "<!-- bench_web.py: end -->"


def write_results(meta: dict, results: dict[str, dict]) -> None:
    kinds = ", ".join(f"{n:,} {k.replace('_', ' ')}" for k, n in meta["kinds"].items())
    lines = [BEGIN, "## Web: organization endpoint and page under load (issue 11)", "",
             f"Measured {meta['date']} on {meta['cpus']} CPUs (wrk and the server share them; 1-minute load average "
             "before each run in the table), Python {python}, DuckDB {duckdb}, Datasette {datasette}.".format(**meta),
             f"Database: the bundled sample (`whosbehind build`) plus `benchmarks/generate_transactions.py --rows "
             f"1000000 --seed 2` ingested into it: {meta['money_rows']:,} money rows. whosbehind requests rotate "
             f"over all {meta['organizations_rotated']:,} organizations whose answers the build stored ({kinds}); "
             f"stored answers are {meta['answer_bytes']['median']:,} bytes at the median, "
             f"{meta['answer_bytes']['p99']:,} at the 99th percentile, {meta['answer_bytes']['max']:,} at most. "
             f"Datasette's rotate over all {meta['recipients_rotated']:,} recipients with money.",
             f"Load: `wrk -t{meta['wrk_threads']} -c{meta['connections']} -d{meta['duration_s']}s --latency` from "
             f"loopback; `whosbehind serve --workers {meta['serve_workers']}`, a new server per row; Datasette "
             "with the same money table in SQLite (integer cents, index on recipient_id), "
             "`--immutable`, a canned query.",
             "Command: `python benchmarks/web/bench_web.py --db <db> --write-results`.", "",
             "| what | requests/s | p50 ms | p90 ms | p99 ms | requests | errors | load before |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name, r in results.items():
        errors = r["non_2xx"] + timeouts(r["socket_errors"])
        lines.append(f"| {name} | {r['rps']:,.0f} | {r['p50_ms']:.2f} | {r['p90_ms']:.2f} | {r['p99_ms']:.2f} | "
                     f"{r['requests']:,} | {errors} | {r['load_before']:.2f} |")
    lines += ["", f"Targets (issue 11): p99 under {TARGET_P99_MS} ms for the organization endpoint and page at "
              f"{meta['connections']} connections on one server process, and ahead of Datasette in the same run.", "",
              "| target | measured | met? |", "|---|---|---|"]
    datasette = results[DATASETTE]
    for name in TARGETED:
        r = results[name]
        lines.append(f"| p99 < {TARGET_P99_MS} ms: {name} | {r['p99_ms']:.2f} ms | "
                     f"{'met' if r['p99_ms'] < TARGET_P99_MS else 'not met'} |")
        ahead = r["rps"] > datasette["rps"] and r["p99_ms"] < datasette["p99_ms"]
        lines.append(f"| ahead of Datasette: {name} | {r['rps']:,.0f} vs {datasette['rps']:,.0f} req/s, "
                     f"p99 {r['p99_ms']:.2f} vs {datasette['p99_ms']:.2f} ms | {'met' if ahead else 'not met'} |")
    lines += ["", END]
    path = ROOT / "benchmarks" / "RESULTS.md"
    text = path.read_text("utf-8")
    section = "\n".join(lines)
    if BEGIN in text and END in text:
        text = text[:text.index(BEGIN)] + section + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text, "utf-8")


def timeouts(socket_errors: str) -> int:
    return sum(int(n) for n in re.findall(r"\d+", socket_errors))


if __name__ == "__main__":
    main()
