"""Issue-2 performance benchmark: whosbehind ingest and ranking against DuckDB and pandas, side by side.

For each size it generates a Prime Award Transactions file (``generate_transactions.py``) and measures, each
in its own process:

(a) ``whosbehind ingest FILE --db fresh.duckdb``, end to end;
(b) DuckDB's own ``CREATE TABLE t AS SELECT * FROM read_csv(FILE)`` into a database file (same duckdb);
(b') the same with every column read as text and whosbehind's memory limit: what storing the file verbatim
    under the same cap costs DuckDB alone (no target; it shows how much of (a) is the store itself);
(c) pandas ``read_csv`` of the file plus a group-by of ``federal_action_obligation`` by recipient parent for
    ICE, with the default C parser and, as a second row, with ``engine="pyarrow"``;
(d) the same ranking from whosbehind's stored database: ``whosbehind top --agency ICE --limit 0 --json`` as
    a CLI process, and ``analysis.ranking.top_families`` timed inside one process.

Wall time is measured around the process; peak memory is the larger of the process tree's resident set size
polled every 20 ms (psutil) and the kernel's ``ru_maxrss`` for the process. Results go to
``benchmarks/RESULTS.md`` and ``benchmarks/results.json``. Times are never asserted anywhere.

    /tmp/venv/bin/python benchmarks/bench_ingest.py                 # 250k, 1M, 2M rows
    /tmp/venv/bin/python benchmarks/bench_ingest.py --sizes 20000   # a quick run
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import textwrap
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORK = HERE / "work"
PY = sys.executable
ICE_NAME = "U.S. Immigration and Customs Enforcement"


@dataclass
class Measure:
    label: str
    wall: float
    peak_rss: int  # bytes
    rows: int
    returncode: int
    cpu: float = 0.0  # user + system seconds of the process and its children
    load: tuple[float, float] = (0.0, 0.0)  # 1-minute load average before and after (other work on the machine)
    stdout: str = field(default="", repr=False)
    stderr: str = field(default="", repr=False)
    extra: dict = field(default_factory=dict)

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.wall if self.wall else float("nan")


# Runs the CLI exactly as the `whosbehind` console script does, from whichever code PYTHONPATH selects.
CLI_SHIM = "import sys; from whosbehind.cli import app; sys.argv[0] = 'whosbehind'; sys.exit(app())"
CODE_ENV: dict[str, str] = {}  # set by use_code(): the environment every contender runs in


def whosbehind_cmd(*args: str) -> list[str]:
    return [PY, "-c", CLI_SHIM, *args]


def use_code(rev: str) -> dict:
    """Benchmark a committed revision (a clean copy of its src/ under benchmarks/work), or the working tree.

    Other work may be in progress in the working tree; a copy of a commit makes the numbers reproducible.
    """
    env = dict(os.environ)
    env.pop("WHOSBEHIND_DB", None)
    if rev == "working":
        status = subprocess.run(["git", "status", "--short", "src"], capture_output=True, text=True, cwd=REPO)
        CODE_ENV.clear()
        CODE_ENV.update(env)
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO)
        return {"code": f"working tree on {commit.stdout.strip()}",
                "uncommitted_src_changes": len(status.stdout.splitlines())}
    sha = subprocess.run(["git", "rev-parse", "--short", rev], capture_output=True, text=True, cwd=REPO,
                         check=True).stdout.strip()
    target = WORK / f"code-{sha}"
    if not (target / "src" / "whosbehind").exists():
        target.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", "--format=tar", sha, "src"], capture_output=True, cwd=REPO,
                                 check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    env["PYTHONPATH"] = str(target / "src")
    CODE_ENV.clear()
    CODE_ENV.update(env)
    return {"code": f"commit {sha} (clean copy of src/)", "uncommitted_src_changes": 0}


def run_measured(label: str, argv: list[str], rows: int, env: dict | None = None) -> Measure:
    """Run argv, polling the RSS of its whole process tree; wall time around the process."""
    peak = 0
    stop = threading.Event()
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=REPO)
    ps = psutil.Process(proc.pid)

    def poll() -> None:
        nonlocal peak
        while not stop.is_set():
            try:
                total = ps.memory_info().rss
                for child in ps.children(recursive=True):
                    with contextlib.suppress(psutil.Error):
                        total += child.memory_info().rss
                peak = max(peak, total)
            except psutil.Error:
                pass
            stop.wait(0.02)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    out_chunks: list[bytes] = []
    err_chunks: list[bytes] = []
    readers = [threading.Thread(target=lambda s=s, b=b: b.append(s.read()), daemon=True)
               for s, b in ((proc.stdout, out_chunks), (proc.stderr, err_chunks))]
    for reader in readers:
        reader.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    stop.set()
    poller.join()
    for reader in readers:
        reader.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    peak = max(peak, usage.ru_maxrss * 1024)  # Linux: kilobytes
    out = b"".join(out_chunks).decode("utf-8", "replace")
    err = b"".join(err_chunks).decode("utf-8", "replace")
    if proc.returncode != 0:
        print(f"  !! {label} exited {proc.returncode}:\n{textwrap.indent(err[-3000:], '     ')}", file=sys.stderr)
    cpu = usage.ru_utime + usage.ru_stime
    return Measure(label, wall, peak, rows, proc.returncode, cpu, (load_before, os.getloadavg()[0]), out, err)


# --- the contenders -------------------------------------------------------------------------------------------

DUCKDB_SCRIPT = """
import sys, duckdb
con = duckdb.connect(sys.argv[2])
con.execute("SET enable_progress_bar = false")
con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [sys.argv[1]])
print(con.execute("SELECT count(*) FROM t").fetchone()[0])
con.close()
"""

# (b') the floor for what whosbehind stores: every column kept as text, under the same memory cap as (a).
DUCKDB_TEXT_SCRIPT = """
import sys, duckdb
con = duckdb.connect(sys.argv[2])
con.execute("SET enable_progress_bar = false")
con.execute(f"SET memory_limit = '{sys.argv[3]}'")
con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?, all_varchar = true)", [sys.argv[1]])
print(con.execute("SELECT count(*) FROM t").fetchone()[0])
con.close()
"""

PANDAS_SCRIPT = """
import json, sys
import pandas as pd
path, engine = sys.argv[1], sys.argv[2]
df = pd.read_csv(path, engine=engine) if engine != "c" else pd.read_csv(path)
ice = df[df["awarding_sub_agency_name"] == sys.argv[3]]
ranking = (
    ice.groupby("recipient_parent_uei", dropna=False)
    .agg(name=("recipient_parent_name", "first"), obligated=("federal_action_obligation", "sum"))
    .sort_values("obligated", ascending=False)
)
print(json.dumps({
    "rows": len(df), "families": len(ranking), "total": round(float(ranking["obligated"].sum()), 2),
    "top": [str(u) for u in ranking.index[:10]],
}))
"""

TOP_INPROCESS_SCRIPT = """
import json, statistics, sys, time
from pathlib import Path
t0 = time.perf_counter()
from whosbehind.analysis import ranking
from whosbehind.store import db
t1 = time.perf_counter()
con = db.connect(Path(sys.argv[1]), read_only=True)
t2 = time.perf_counter()
times = []
for i in range(int(sys.argv[2])):
    s = time.perf_counter()
    agency = ranking.find_agency(con, "ICE")
    rows = ranking.top_families(con, agency, limit=0)
    times.append(time.perf_counter() - s)
print(json.dumps({
    "import_s": t1 - t0, "connect_s": t2 - t1, "first_s": times[0],
    "warm_median_s": statistics.median(times[1:]) if len(times) > 1 else times[0],
    "families": len(rows), "total": str(sum(r["obligated"] for r in rows)),
    "top": [r["id"] for r in rows[:10]],
}))
"""


def bench_size(rows: int, seed: int, keep: bool, top_repeats: int) -> dict:
    WORK.mkdir(parents=True, exist_ok=True)
    csv_path = WORK / f"transactions_{rows}_seed{seed}.csv"
    wb_db = WORK / f"whosbehind_{rows}.duckdb"
    duck_db = WORK / f"duckdb_{rows}.duckdb"
    result: dict = {"rows": rows, "seed": seed, "file": csv_path.name}

    print(f"== {rows:,} rows", file=sys.stderr, flush=True)
    if not csv_path.exists():
        gen = run_measured("generate", [PY, str(HERE / "generate_transactions.py"), "--rows", str(rows),
                                        "--seed", str(seed), "--out", str(csv_path), "--quiet"], rows)
        if gen.returncode:
            raise SystemExit("generation failed")
        result["generate_s"] = gen.wall
    result["file_bytes"] = csv_path.stat().st_size
    print(f"  file: {result['file_bytes'] / 1e6:,.0f} MB", file=sys.stderr, flush=True)

    measures: list[Measure] = []

    def fresh(path: Path) -> None:
        for p in (path, path.with_name(path.name + ".wal")):
            p.unlink(missing_ok=True)

    fresh(duck_db)
    m = run_measured("(b) DuckDB CREATE TABLE AS read_csv", [PY, "-c", DUCKDB_SCRIPT, str(csv_path), str(duck_db)],
                     rows)
    m.extra["db_bytes"] = duck_db.stat().st_size if duck_db.exists() else None
    measures.append(m)
    report(m)

    fresh(duck_db)
    limit = os.environ.get("WHOSBEHIND_MEMORY_LIMIT", "1GB")
    m = run_measured(f"(b') DuckDB CREATE TABLE AS read_csv, every column as text, {limit} memory limit",
                     [PY, "-c", DUCKDB_TEXT_SCRIPT, str(csv_path), str(duck_db), limit], rows)
    m.extra["db_bytes"] = duck_db.stat().st_size if duck_db.exists() else None
    measures.append(m)
    report(m)

    fresh(wb_db)
    env = CODE_ENV
    m = run_measured("(a) whosbehind ingest", whosbehind_cmd("ingest", str(csv_path), "--db", str(wb_db)), rows, env)
    m.extra["db_bytes"] = wb_db.stat().st_size if wb_db.exists() else None
    measures.append(m)
    report(m)

    for engine, label in (("c", "(c) pandas read_csv + group-by (C parser)"),
                          ("pyarrow", "(c') pandas read_csv + group-by (pyarrow parser)")):
        m = run_measured(label, [PY, "-c", PANDAS_SCRIPT, str(csv_path), engine, ICE_NAME], rows)
        if m.returncode == 0:
            m.extra.update(json.loads(m.stdout))
        measures.append(m)
        report(m)

    m = run_measured("(d0) CLI start-up floor: whosbehind --help", whosbehind_cmd("--help"), rows, env)
    measures.append(m)
    report(m)
    cli_runs = [run_measured("(d) whosbehind top (CLI)", whosbehind_cmd("top", "--agency", "ICE", "--limit", "0",
                                                                        "--json", "--db", str(wb_db)), rows, env)
                for _ in range(top_repeats)]
    median_wall = statistics.median(r.wall for r in cli_runs)
    m = min(cli_runs, key=lambda r: abs(r.wall - median_wall))
    m.extra["runs"] = [round(r.wall, 3) for r in cli_runs]
    if m.returncode == 0:
        ranked = json.loads(m.stdout)
        m.extra["families"] = len(ranked)
        m.extra["total"] = str(sum(_decimal(r["obligated"]) for r in ranked))
        m.extra["top"] = [r["id"] for r in ranked[:10]]
    measures.append(m)
    report(m)

    m = run_measured("(d) whosbehind top (in-process)", [PY, "-c", TOP_INPROCESS_SCRIPT, str(wb_db), "11"], rows,
                     env)
    if m.returncode == 0:
        m.extra.update(json.loads(m.stdout))
    measures.append(m)
    report(m)

    result["measures"] = [
        {k: v for k, v in asdict(x).items() if k not in {"stdout", "stderr"}} | {"rows_per_s": x.rows_per_s}
        for x in measures
    ]
    result["agreement"] = agreement(measures)
    if not keep:
        for p in (csv_path, wb_db, duck_db):
            fresh(p)
    return result


def _decimal(value):
    from decimal import Decimal

    return Decimal(str(value))


def agreement(measures: list[Measure]) -> dict:
    """Do pandas and whosbehind give the same answer? (ICE total, top ten families by parent UEI)."""
    by = {m.label: m.extra for m in measures}
    pandas_c = by.get("(c) pandas read_csv + group-by (C parser)", {})
    cli = by.get("(d) whosbehind top (CLI)", {})
    if "total" not in pandas_c or "total" not in cli:
        return {}
    wb_top = [t.removeprefix("uei:") for t in cli["top"]]
    return {
        "pandas_ice_total": pandas_c["total"],
        "whosbehind_ice_total": cli["total"],
        "totals_equal_to_the_cent": abs(float(cli["total"]) - pandas_c["total"]) < 0.005,
        "same_top10": wb_top == pandas_c["top"],
    }


def report(m: Measure) -> None:
    print(f"  {m.label:<52} {m.wall:8.2f} s  {m.rows_per_s:>12,.0f} rows/s  {m.peak_rss / 2**20:8,.0f} MiB"
          + ("" if m.returncode == 0 else f"  EXIT {m.returncode}"), file=sys.stderr, flush=True)


# --- validation on a small file -------------------------------------------------------------------------------

def validate(seed: int) -> dict:
    """A small generated file must be accepted by `whosbehind ingest`, and `whosbehind check` must pass."""
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"validate_{seed}.csv"
    db_path = WORK / "validate.duckdb"
    db_path.unlink(missing_ok=True)
    subprocess.run([PY, str(HERE / "generate_transactions.py"), "--rows", "5000", "--seed", str(seed),
                    "--out", str(path), "--quiet"], check=True)
    ingest = subprocess.run(whosbehind_cmd("ingest", str(path), "--db", str(db_path), "--json"),
                            capture_output=True, text=True, env=CODE_ENV)
    check = subprocess.run(whosbehind_cmd("check", "--db", str(db_path)), capture_output=True, text=True,
                           env=CODE_ENV)
    outcome = {
        "rows": 5000,
        "ingest_exit": ingest.returncode,
        "detected": next((line.strip() for line in (ingest.stdout + ingest.stderr).splitlines()
                          if "Prime Award Transactions" in line), ""),
        "check_exit": check.returncode,
        "check_output": check.stdout.strip().splitlines(),
    }
    path.unlink(missing_ok=True)
    db_path.unlink(missing_ok=True)
    if ingest.returncode or check.returncode:
        print(ingest.stdout, ingest.stderr, check.stdout, check.stderr, file=sys.stderr)
        raise SystemExit("validation failed: whosbehind does not accept the generated file")
    return outcome


# --- the report -----------------------------------------------------------------------------------------------

def machine() -> dict:
    import duckdb
    import pandas
    import pyarrow

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO)
    disk = shutil.disk_usage(WORK if WORK.exists() else HERE)
    return {
        "cpu": cpu,
        "logical_cpus": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "disk_total_gb": round(disk.total / 1e9),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "pandas": pandas.__version__,
        "pyarrow": pyarrow.__version__,
        "psutil": psutil.__version__,
        "repository_head": commit.stdout.strip(),
        "whosbehind_memory_limit": os.environ.get("WHOSBEHIND_MEMORY_LIMIT", "1GB (default)"),
    }


def mib(n: int) -> str:
    return f"{n / 2**20:,.0f} MiB"


def write_results(results: dict, path: Path) -> None:
    sizes = results["sizes"]
    lines = [
        "# Benchmark results: ingest and ranking (issue 2, Performance)",
        "",
        f"Produced {results['finished']} by:",
        "",
        "```",
        results["command"],
        "```",
        "",
        "## Machine",
        "",
    ]
    mach = results["machine"]
    lines += [f"- {k.replace('_', ' ')}: {v}" for k, v in mach.items()]
    lines += [
        "",
        "Every contender runs in its own process, one after the other, with the CSV file in the page cache "
        "(it was just written). The machine is shared: other work may run at the same time, so each row gives "
        "the CPU seconds of the process tree and the 1-minute load average before and after it (2 cores: a load "
        "above 2 means the contender was competing for CPU; compare CPU seconds then). Wall seconds are measured "
        "around the process (start-up "
        "and imports included); peak memory is the process tree's resident set size (polled every 20 ms, and "
        "the kernel's max RSS), native DuckDB memory included. Each contender ran once per size, except "
        "(d), whose CLI row is the median of several runs and whose in-process row is the median of 10 warm "
        "calls after a first one.",
        "",
        "Generated files: `benchmarks/generate_transactions.py --rows N --seed "
        f"{results['seed']}` (values drawn from the bundled real samples; see that file's docstring).",
        "",
        "Validation (5,000 generated rows): `whosbehind ingest` exit "
        f"{results['validation']['ingest_exit']}, `whosbehind check` exit {results['validation']['check_exit']}: "
        + "; ".join(results["validation"]["check_output"]),
        "",
    ]
    for size in sizes:
        lines += size_table(size)
    lines += targets_section(sizes)
    if results.get("reading"):  # written by hand after a run, kept in RESULTS.json with the figures it reads
        lines += ["## Reading", "", *results["reading"], ""]
    mine = BEGIN + "\n" + "\n".join(lines).rstrip() + "\n" + END + "\n"
    path.write_text(merge_sections(path.read_text("utf-8") if path.exists() else "", mine), encoding="utf-8")


# RESULTS.md is shared with other benchmarks: this one rewrites only its own part, between these markers.
BEGIN = "<!-- bench_ingest.py: begin (rewritten by each run) -->"
END = "<!-- bench_ingest.py: end -->"
OWN_HEADINGS = ("# Benchmark results: ingest and ranking", "## Machine", "## Targets (issue 2)")


def merge_sections(existing: str, mine: str) -> str:
    if BEGIN in existing and END in existing:
        head, rest = existing.split(BEGIN, 1)
        return head + mine + "\n" + rest.split(END, 1)[1].lstrip("\n")
    # No markers yet: drop an unmarked earlier copy of this benchmark's part, keep every other section.
    kept: list[str] = []
    skipping = False
    for line in existing.splitlines(keepends=True):
        if line.startswith("#"):
            title = line.strip()
            skipping = title.startswith(OWN_HEADINGS) or (title.startswith("## ") and " rows (" in title)
        if not skipping:
            kept.append(line)
    others = "".join(kept).strip()
    return mine + ("\n" + others + "\n" if others else "")


def find(size: dict, prefix: str) -> dict | None:
    return next((m for m in size["measures"] if m["label"].startswith(prefix)), None)


def size_table(size: dict) -> list[str]:
    rows = size["rows"]
    lines = [
        f"## {rows:,} rows ({size['file_bytes'] / 1e6:,.0f} MB CSV)",
        "",
        "| contender | wall s | rows/s | peak memory | CPU s | load before/after | notes |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for m in size["measures"]:
        notes = []
        extra = m["extra"]
        if extra.get("db_bytes"):
            notes.append(f"database file {extra['db_bytes'] / 1e6:,.0f} MB")
        if "runs" in extra:
            notes.append(f"median of {len(extra['runs'])} runs: {', '.join(f'{r:.2f}' for r in extra['runs'])} s")
        if "first_s" in extra:
            notes.append(
                f"query: first call {extra['first_s'] * 1000:,.1f} ms, warm median "
                f"{extra['warm_median_s'] * 1000:,.1f} ms; imports {extra['import_s']:.2f} s, "
                f"connect {extra['connect_s']:.2f} s"
            )
        if "families" in extra:
            notes.append(f"{extra['families']:,} families")
        if m["returncode"]:
            notes.append(f"**exited {m['returncode']}**")
        wall = f"{m['wall']:,.2f}"
        rate = "—" if m["label"].startswith("(d0)") else f"{m['rows_per_s']:,.0f}"
        load = f"{m['load'][0]:.1f} / {m['load'][1]:.1f}"
        lines.append(f"| {m['label']} | {wall} | {rate} | {mib(m['peak_rss'])} | {m['cpu']:,.1f} | {load} | "
                     f"{'; '.join(notes)} |")
        if "first_s" in extra:
            q = extra["warm_median_s"]
            lines.append(f"| (d) query alone, in-process, warm | {q:,.4f} | {rows / q:,.0f} | (same process) | | | "
                         "find_agency + top_families(limit=0) on an open connection |")
    agree = size.get("agreement") or {}
    if agree:
        lines += [
            "",
            f"Same answer? ICE total: pandas {agree['pandas_ice_total']:,.2f} (float), whosbehind "
            f"{agree['whosbehind_ice_total']} (exact decimal); equal to the cent: "
            f"{'yes' if agree['totals_equal_to_the_cent'] else 'no'}. Same top ten: "
            f"{'yes' if agree['same_top10'] else 'no'} (pandas groups by the reported immediate parent UEI; "
            "whosbehind follows parent-of-parent chains into one family, so where chains exist the two lists "
            "differ by design; the sum of either list is the ICE total).",
        ]
    lines.append("")
    return lines


def targets_section(sizes: list[dict]) -> list[str]:
    lines = ["## Targets (issue 2)", "", "| size | target | measured | met? |", "|---|---|---|---|"]
    for size in sizes:
        a, b = find(size, "(a)"), find(size, "(b)")
        c_all = [m for m in (find(size, "(c)"), find(size, "(c')")) if m and not m["returncode"]]
        d_cli, d_in = find(size, "(d) whosbehind top (CLI)"), find(size, "(d) whosbehind top (in-process)")
        label = f"{size['rows']:,}"
        if a and b:
            ratio = a["wall"] / b["wall"]
            cpu_ratio = a["cpu"] / b["cpu"] if b.get("cpu") else float("nan")
            lines.append(f"| {label} | (a) within 1.5x of (b) | {a['wall']:.1f} s / {b['wall']:.1f} s = "
                         f"{ratio:.2f}x (CPU seconds: {a.get('cpu', 0):.0f} / {b.get('cpu', 0):.0f} = "
                         f"{cpu_ratio:.2f}x) | {'met' if ratio <= 1.5 else 'not met'} |")
        b_text = find(size, "(b')")
        if a and b_text:
            ratio_text = a["wall"] / b_text["wall"]
            lines.append(f"| {label} | (no target) (a) against (b'), a store of the same text under the same memory "
                         f"limit | {a['wall']:.1f} s / {b_text['wall']:.1f} s = {ratio_text:.2f}x | — |")
        if c_all and d_cli:
            c = min(c_all, key=lambda m: m["wall"])
            speed = c["wall"] / d_cli["wall"]
            lines.append(f"| {label} | (d) CLI at least 50x faster than (c) (fastest pandas) | {c['wall']:.2f} s / "
                         f"{d_cli['wall']:.2f} s = {speed:,.0f}x | {'met' if speed >= 50 else 'not met'} |")
        if c_all and d_in and "warm_median_s" in d_in["extra"]:
            c = min(c_all, key=lambda m: m["wall"])
            q = d_in["extra"]["warm_median_s"]
            speed = c["wall"] / q
            lines.append(f"| {label} | (d) query in-process at least 50x faster than (c) | {c['wall']:.2f} s / "
                         f"{q:.4f} s = {speed:,.0f}x | {'met' if speed >= 50 else 'not met'} |")
        if a:
            lines.append(f"| {label} | (a) peak memory under 2 GB | {mib(a['peak_rss'])} | "
                         f"{'met' if a['peak_rss'] < 2e9 else 'not met'} |")
    a_peaks = [(s["rows"], find(s, "(a)")["peak_rss"]) for s in sizes if find(s, "(a)")]
    if len(a_peaks) >= 2:
        (r0, p0), (r1, p1) = a_peaks[0], a_peaks[-1]
        growth = p1 / p0
        lines.append(
            f"| {r0:,} → {r1:,} | (a) peak memory flat (here: the largest size's peak within 1.25x of the "
            f"smallest's) | {mib(p0)} → {mib(p1)} = {growth:.2f}x | {'met' if growth <= 1.25 else 'not met'} |"
        )
    lines.append("")
    return lines


def parse_size(text: str) -> int:
    text = text.strip().lower().replace("_", "")
    factor = 1
    if text.endswith("k"):
        factor, text = 1_000, text[:-1]
    elif text.endswith("m"):
        factor, text = 1_000_000, text[:-1]
    return int(float(text) * factor)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="250k,1M,2M", help="comma-separated row counts (250k, 1M, 2M …)")
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep generated CSVs and databases in benchmarks/work")
    parser.add_argument("--top-repeats", type=int, default=5, help="CLI runs of `whosbehind top` per size")
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--code", default="HEAD",
                        help="git revision of whosbehind to measure (a clean copy of its src/), or 'working'")
    parser.add_argument("--render", action="store_true",
                        help="only rewrite RESULTS.md from the RESULTS.json of the last run")
    args = parser.parse_args(argv)
    sizes = [parse_size(s) for s in args.sizes.split(",")]
    if args.render:
        write_results(json.loads(args.results.with_suffix(".json").read_text()), args.results)
        return 0

    command = "python benchmarks/bench_ingest.py " + " ".join(
        shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:]))
    results: dict = {"command": command.strip(), "seed": args.seed, "machine": machine(), "sizes": []}
    results["machine"].update(use_code(args.code))
    print("validating a small generated file with whosbehind ingest + check", file=sys.stderr, flush=True)
    results["validation"] = validate(args.seed)
    for rows in sizes:
        results["sizes"].append(bench_size(rows, args.seed, args.keep, args.top_repeats))
        results["finished"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        args.results.parent.mkdir(parents=True, exist_ok=True)
        args.results.with_suffix(".json").write_text(json.dumps(results, indent=2, default=str) + "\n")
        write_results(results, args.results)
    print(f"results: {args.results}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
