"""Issue-16 benchmark: adding a small file to a large database against deriving that database again.

Side by side, in one run, each in its own process:

(F) the full derive of a database built from N generated rows (``build.derive`` over every stored row), timed
    step by step;
(I) ``whosbehind ingest SMALL.csv`` of a 1,000-row file into a copy of the same database, end to end (copy of
    the file for the atomic swap, load, derive, the build record of ``changes``, publishing, the digest): the
    command as a person runs it, in a process of its own, nothing else imported or timed;
(I') the same ingest into another copy, with each part and each derive step timed: where (I) goes (its wrapper
    imports what it times before the run, so its wall is not (I)'s);
(F+) the same ingest with ``--derive-all`` into another copy: every table derived again and every answer published
    again, the ingest a person would run without the scoped derive. The target is against (F), the stricter.

With ``--bundled`` the database is the bundled build instead (about 65,000 rows, but every organization of the
sample, 8,350 answers to publish), where publishing, not the derive, is most of an ingest. A base made by an
earlier version is made again: an ingest keeps tables only when this very code derived them.

(F) and (I) are each run several times (``--repeat-full``, ``--repeat``), each from a fresh copy of the database,
and the run of median time is the one reported: a single run of (I) varied by a second from the next. The identity
check reads the database the last run of (I) left (every run adds the same file to the same copy).

The target of issue 16 is (I) at most 10 percent of (F), with identical tables afterwards. With ``--identity``
the run also derives (I)'s database again from its stored rows, renders every page from scratch, and compares
every derived table (row count and an order-independent digest) with what (I) left.

Generated files come from ``generate_transactions.py`` (values drawn from the bundled real samples). Results
go between this script's markers in ``benchmarks/RESULTS.md``. Times are never asserted anywhere.

    python benchmarks/bench_incremental.py                          # 2,000,000 rows + 1,000
    python benchmarks/bench_incremental.py --rows 50000 --identity  # a quick look
    python benchmarks/bench_incremental.py --bundled --identity     # into the bundled build
    python benchmarks/bench_incremental.py --work /mnt/xfs          # the databases on another file system

The file system the databases are on matters: where it can clone a file (XFS, Btrfs, APFS), the ingest's copy of
the database is a clone (``ingest.clone_or_copy``); on ext4 it copies the bytes. ``--work`` puts the databases
(not the generated CSV files) in another folder, and the run's results get a section of their own per file system.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORK = HERE / "work"
PY = sys.executable
RESULTS = HERE / "RESULTS.md"


def markers(bundled: bool, work_fs: str | None = None) -> tuple[str, str]:
    """Where each kind of run goes in RESULTS.md: the generated database, or the bundled build; databases on a file
    system given with --work get sections of their own."""
    kind = (" bundled" if bundled else "") + (f" on {work_fs}" if work_fs else "")
    return f"<!-- bench_incremental.py{kind}: begin -->", f"<!-- bench_incremental.py{kind}: end -->"


# Times each numbered step and each Python step after one (build._after) of whatever derive runs in the
# process: both scripts below time build.derive itself, not a copy of its loop.
STEP_TIMES = r"""
import time
from whosbehind import build
steps = {}
run_step = build.db.run_step
def timed_step(con, step):
    t = time.perf_counter()
    run_step(con, step)
    steps[step] = time.perf_counter() - t
build.db.run_step = timed_step
after = build._after
def timed_after(step):
    then = after(step)
    if then is None:
        return None
    def run(con):
        t = time.perf_counter()
        then(con)
        steps[then.__name__.strip("_").replace("_", " ") + " (after " + step + ")"] = time.perf_counter() - t
    return run
build._after = timed_after
"""

DERIVE_SCRIPT = STEP_TIMES + r"""
import json, sys
from pathlib import Path
from whosbehind.store import db
con = db.connect(Path(sys.argv[1]))
started = time.perf_counter()
with db.transaction(con):
    build.derive(con)  # a full one: no files added
total = time.perf_counter() - started
if "--publish" in sys.argv:  # the identity check: answers and pages too, every page rendered from scratch
    with db.transaction(con):
        con.execute("DELETE FROM organization_pages_made")
        build.publish(con)
print(json.dumps({"total": total, "steps": steps}))
"""

# `whosbehind ingest SMALL --db DB --json` in this process, with the parts of the run timed.
INGEST_SCRIPT = STEP_TIMES + r"""
import json, shutil, sys
COMMIT = "commit of the stored rows and derived tables (DuckDB's checkpoint), reading the file"
from whosbehind.cli import app
from whosbehind.store import changes, digest, ingest
parts, publishing, answers = {}, {}, {}
def timed(name, fn, into=parts):
    def run(*a, **k):
        t = time.perf_counter()
        try:
            return fn(*a, **k)
        finally:
            into[name] = into.get(name, 0.0) + time.perf_counter() - t
    return run
# The copy runs in a thread while build.prepare loads what the run would load after it (ingest._copy_while): the
# part is the wall of both; each alone goes beside the publishing parts.
overlapped = {}
ingest.clone_or_copy = timed("the copy alone (a thread)", ingest.clone_or_copy, overlapped)
build.prepare = timed("build.prepare alone (modules, page template, name parser)", build.prepare, overlapped)
ingest._copy_while = timed("copy of the database file (all-or-nothing swap), build.prepare meanwhile",
                           ingest._copy_while)
ingest.raw.load = timed("storing the rows", ingest.raw.load)
build.derive = timed("derive", build.derive)
# The ingest's transaction: storing and deriving, then COMMIT, where DuckDB writes what the transaction changed and
# checkpoints (the parts inside it are subtracted below).
stored_and_derived = {}
ingest.ingest = timed("ingest step", ingest.ingest, stored_and_derived)
changes.record_build = timed("recording the build (changes)", changes.record_build)
build.publish = timed("publishing answers and pages", build.publish)
digest.record = timed("digest of the derived tables (check)", digest.record)
# Inside publishing (apart from the parts above, which they would count twice): how long each of its three stages
# takes, and how many of the stored answers it computes again.
from whosbehind.analysis import answer_scope, organization
from whosbehind.web import prerender
def nested(name, fn):
    return timed(name, fn, publishing)
affected = answer_scope.affected
def counted(con):
    found = affected(con)
    answers["stored"] = con.execute("SELECT count(*) FROM organization_answers").fetchone()[0]
    answers["computed again"] = answers["stored"] if found is None else len(found)
    return found
answer_scope.affected = nested("which answers may differ (answer scope)", counted)
organization.store_answers = nested("computing and storing those answers", organization.store_answers)
prerender.store_pages = nested("rendering their pages (two languages)", prerender.store_pages)
started = time.perf_counter()
try:
    app(["ingest", sys.argv[2], "--db", sys.argv[1], "--json", *sys.argv[3:]], standalone_mode=False)
finally:
    if stored_and_derived:
        parts[COMMIT] = (stored_and_derived["ingest step"] - parts.get("storing the rows", 0.0)
                         - parts.get("derive", 0.0))
    parts["whole run, in process"] = time.perf_counter() - started
    print(json.dumps({"parts": parts, "steps": steps, "publishing": publishing, "answers": answers,
                      "overlapped": overlapped}))
"""

# How many records the database's money pays, and how many awards: what a small file can reach.
SHAPE_SCRIPT = r"""
import json, sys
import duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
con.execute("SET enable_progress_bar = false")  # a slow query would print a bar into the JSON
paid, awards = con.execute("SELECT count(DISTINCT recipient_id), count(DISTINCT award_key) FROM money").fetchone()
print(json.dumps({"records_paid": paid, "awards": awards}))
"""

DIGEST_SCRIPT = r"""
import json, sys
import duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
con.execute("SET enable_progress_bar = false")  # a slow query would print a bar into the JSON
tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
skip = {"runs", "builds", "change_log", "build_state_awards", "build_state_claims", "build_state_links",
        "derived_digests"}
out = {}
for t in tables:
    if t in skip or t.startswith("raw_") or t in ("source_files", "agency_codes"):
        continue
    out[t] = con.execute(f'SELECT count(*), coalesce(sum(hash(x)), 0)::VARCHAR FROM "{t}" x').fetchone()
print(json.dumps(out))
"""

# What `whosbehind check` finds of the digest (I) recorded, which a scoped ingest brings up to date from the rows
# its steps removed and added: the tables it names as changed since.
VERIFY_SCRIPT = r"""
import json, sys
from pathlib import Path
from whosbehind.store import db, digest
con = db.connect(Path(sys.argv[1]), read_only=True)
con.execute("SET enable_progress_bar = false")  # a slow query would print a bar into the JSON
print(json.dumps([p["table"] or p["problem"] for p in digest.verify(con)]))
"""


def settled_copy(source: Path, target: Path) -> None:
    """The copy each timed run starts from, written out to disk before the clock starts, so that the run does not
    pay for flushing the benchmark's own 1.2 GB copy, as a database written at an earlier ingest would not. (The
    ingest's own copy of the file still took 0.3 to 3.6 s from one run to the next at 2M rows, with or without.)"""
    shutil.copy2(source, target)
    os.sync()


def run(cmd: list[str], **kw) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, **kw)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr[-2000:]}")
    return wall, done


def _derived_by_this_code(path: Path, env: dict[str, str]) -> bool:
    check = ("import sys; from pathlib import Path; from whosbehind.store import db; "
             "con = db.connect(Path(sys.argv[1])); print(db.derived_by_this_code(con))")
    return run([PY, "-c", check, str(path)], env=env)[1].stdout.strip() == "True"


def file_system(folder: Path) -> str:
    """The type of the file system a folder is on (ext4, xfs, btrfs, tmpfs), as the mount table names it."""
    found, best, where = "unknown", -1, folder.resolve()
    for line in Path("/proc/mounts").read_text().splitlines():
        _, mount, kind, *_ = line.split()
        mount = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m[1], 8)), mount)  # spaces and tabs come as octal escapes
        if where.is_relative_to(mount) and len(mount) > best:
            found, best = kind, len(mount)
    return found


def odd(text: str) -> int:
    """A number of runs: odd, so that one run is the median."""
    n = int(text)
    if n < 1 or n % 2 == 0:
        raise argparse.ArgumentTypeError(f"{text}: give an odd number of runs, 1 or more")
    return n


def median_run(runs: list[tuple[float, Any]]) -> tuple[float, Any]:
    """The run of median wall time, with what it reported."""
    return sorted(runs, key=lambda r: r[0])[len(runs) // 2]


def load() -> float:
    return os.getloadavg()[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--identity", action="store_true", help="derive (I)'s database again and compare tables")
    parser.add_argument("--keep", action="store_true", help="keep generated files and databases")
    parser.add_argument("--repeat", type=odd, default=5, help="runs of (I), each into a fresh copy (median taken)")
    parser.add_argument("--repeat-full", type=odd, default=3, help="runs of (F), each on a fresh copy (median taken)")
    parser.add_argument("--bundled", action="store_true",
                        help="into the bundled build (`whosbehind build`: every organization of the sample) instead")
    parser.add_argument("--render", action="store_true", help="only write RESULTS.md again from the last run's JSON")
    parser.add_argument("--work", type=Path, help="folder for the databases (another file system); default "
                        "benchmarks/work")
    args = parser.parse_args(argv)
    databases = args.work or WORK
    work_fs = file_system(args.work) if args.work else None
    output = WORK / ("bench_incremental" + ("_bundled" if args.bundled else "") + (f"_{work_fs}" if work_fs else "")
                     + ".json")
    if args.render:
        render(json.loads(output.read_text()))
        return 0
    WORK.mkdir(exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    big, small = WORK / f"inc_{args.rows}.csv", WORK / f"inc_small_{args.small}.csv"
    databases.mkdir(parents=True, exist_ok=True)
    base = databases / ("inc_base_bundled.duckdb" if args.bundled else f"inc_base_{args.rows}.duckdb")
    notes: list[str] = []
    if base.exists() and not _derived_by_this_code(base, env):
        # An ingest keeps tables only when this very code derived them, so a base made by an earlier version is
        # made again (derived again in place, its file would keep the old tables' space and copy slower).
        base.unlink()
    if args.bundled and not base.exists():
        wall, _ = run([PY, "-m", "whosbehind", "build", "--db", str(base)], env=env)
        notes.append(f"the bundled build was made by `whosbehind build` in {wall:.0f} s")
    if not args.bundled and not big.exists():
        wall, _ = run([PY, str(HERE / "generate_transactions.py"), "--rows", str(args.rows), "--seed", "2",
                       "--out", str(big), "--quiet"])
        notes.append(f"generated {args.rows:,} rows in {wall:.0f} s")
    if not small.exists():
        run([PY, str(HERE / "generate_transactions.py"), "--rows", str(args.small), "--seed", "16",
             "--out", str(small), "--quiet"])
    if not args.bundled and not base.exists():
        wall, _ = run([PY, "-m", "whosbehind", "ingest", str(big), "--db", str(base), "--json"], env=env)
        notes.append(f"the {args.rows:,}-row database was built by `whosbehind ingest` in {wall:.0f} s")
    size_mb = base.stat().st_size / 1e6
    shape = json.loads(run([PY, "-c", SHAPE_SCRIPT, str(base)])[1].stdout)

    full_db, incr_db = databases / "inc_full.duckdb", databases / "inc_incr.duckdb"
    # Each of (F) and (I) is run several times, each time from a fresh copy of the base: one run of (I) varied by a
    # second from the next (the copy of the file alone took 0.3 to 6.1 s, RESULTS.md), so the target is judged on
    # the medians.
    before = load()
    fulls = []
    for _ in range(args.repeat_full):
        settled_copy(base, full_db)
        wall, done = run([PY, "-c", DERIVE_SCRIPT, str(full_db)], env=env)
        fulls.append((wall, json.loads(done.stdout.strip().splitlines()[-1])))
    wall_f, derive = median_run(fulls)
    load_f = (before, load())

    before = load()
    ingests = []
    for _ in range(args.repeat):
        settled_copy(base, incr_db)
        # what (I) writes to the file system (the kernel's count of the bytes a process dirties, 512-byte blocks):
        # the whole database when the ingest copies the file, what the run changes when it clones it
        blocks = resource.getrusage(resource.RUSAGE_CHILDREN).ru_oublock
        wall, done = run([PY, "-m", "whosbehind", "ingest", str(small), "--db", str(incr_db), "--json"], env=env)
        written = (resource.getrusage(resource.RUSAGE_CHILDREN).ru_oublock - blocks) * 512 / 1e6
        ingests.append((wall, (json.loads(done.stdout), written)))
    wall_i, (report, written_mb) = median_run(ingests)
    load_i = (before, load())

    # (I') where (I) goes: the same ingest, timed part by part, into another copy
    settled_copy(base, full_db)
    wall_parts, done = run([PY, "-c", INGEST_SCRIPT, str(full_db), str(small)], env=env)
    timed = json.loads(done.stdout.strip().splitlines()[-1])  # the report, then (last line) the timed parts

    # (F+) the same command, told to derive every table again and so to publish every answer again: the ingest a
    # person would run if there were no scoped derive (the target is against (F), the stricter).
    settled_copy(base, full_db)
    wall_all, _ = run([PY, "-m", "whosbehind", "ingest", str(small), "--db", str(full_db), "--json", "--derive-all"],
                      env=env)

    identity = None
    if args.identity:
        again = databases / "inc_again.duckdb"
        shutil.copy2(incr_db, again)
        run([PY, "-c", DERIVE_SCRIPT, str(again), "--publish"], env=env)
        a = json.loads(run([PY, "-c", DIGEST_SCRIPT, str(incr_db)], env=env)[1].stdout)
        b = json.loads(run([PY, "-c", DIGEST_SCRIPT, str(again)], env=env)[1].stdout)
        identity = {"tables": len(a), "different": sorted(t for t in a if a[t] != b.get(t)),
                    "digest_problems": json.loads(run([PY, "-c", VERIFY_SCRIPT, str(incr_db)], env=env)[1].stdout)}
        again.unlink(missing_ok=True)

    result = {
        "produced": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": " ".join(["python", "benchmarks/bench_incremental.py", *(argv or sys.argv[1:])]),
        "rows": args.rows, "small": args.small, "bundled": args.bundled, "database_mb": round(size_mb),
        "file_system": file_system(databases), "work_fs": work_fs,
        "full_derive_process_s": round(wall_f, 2), "full_derive_s": round(derive["total"], 2),
        "steps": {k: round(v, 2) for k, v in derive["steps"].items()},
        "ingest_small_s": round(wall_i, 2), "ingest_written_mb": round(written_mb),
        "rows_added": report["rows_added"], "derived": report["derived"],
        "scoped": report["scoped"], "ingest_parts": {k: round(v, 2) for k, v in timed["parts"].items()},
        "ingest_steps": {k: round(v, 2) for k, v in timed["steps"].items()},
        "publishing_parts": {k: round(v, 2) for k, v in timed["publishing"].items()},
        "overlapped_parts": {k: round(v, 2) for k, v in timed.get("overlapped", {}).items()},
        "ingest_timed_s": round(wall_parts, 2),
        "answers": timed["answers"], "shape": shape,
        "ingest_derive_all_s": round(wall_all, 2),
        "full_runs_s": [round(w, 2) for w, _ in fulls], "ingest_runs_s": [round(w, 2) for w, _ in ingests],
        "ratio": round(wall_i / wall_f, 3), "load_full": load_f, "load_ingest": load_i, "identity": identity,
        "notes": notes, "machine": f"{platform.machine()}, {os.cpu_count()} logical cpus, python "
                                   f"{platform.python_version()}",
    }
    output.write_text(json.dumps(result, indent=1))
    render(result)
    for leftover in (full_db, incr_db):
        leftover.unlink(missing_ok=True)
    if not args.keep:
        for leftover in (big, small, base) if not args.bundled else (base,):
            leftover.unlink(missing_ok=True)
    print(json.dumps(result, indent=1))
    return 0


# The parts of an ingest that still read or write the whole database, whatever the file adds.
FIXED = ("copy of the database file (all-or-nothing swap), build.prepare meanwhile",
         "copy of the database file (all-or-nothing swap)", "digest of the derived tables (check)")


def render(r: dict) -> None:
    full_steps, ingest_steps = r["steps"], r.get("ingest_steps", {})
    steps = "\n".join(f"| {k} | {v:.2f} | {ingest_steps.get(k, 0):.2f} |" for k, v in full_steps.items())
    parts = r.get("ingest_parts", {})
    timed_wall = r.get("ingest_timed_s", r["ingest_small_s"])  # (I'), whose parts these are
    whole = parts.get("whole run, in process", timed_wall)
    part_rows = "\n".join(f"| {k} | {v:.2f} |" for k, v in parts.items() if k != "whole run, in process")
    other = whole - sum(v for k, v in parts.items() if k != "whole run, in process")
    fixed = sum(parts.get(k, 0) for k in FIXED) + (timed_wall - whole)
    ident = ("not checked" if r["identity"] is None else
             f"{r['identity']['tables']} derived tables compared, different: {r['identity']['different'] or 'none'}; "
             f"`check` of the digest (I) recorded: {r['identity'].get('digest_problems') or 'no table differs'}")
    met = "met" if r["ratio"] <= 0.10 else "not met"
    lf, li = r["load_full"], r["load_ingest"]
    what = "the bundled build's database" if r.get("bundled") else f"the {r['rows']:,}-row database"
    full = f"full derive of {what} ({r['database_mb']:,} MB), process"
    small = (f"`whosbehind ingest` of a {r['small']:,}-row file into a copy of it ({r['rows_added']:,} rows added, "
             f"derived: {r['derived']}, scoped: {r.get('scoped')}"
             + (f"; {r['ingest_written_mb']:,} MB written" if "ingest_written_mb" in r else "") + ")")
    ratio = (f"{r['ingest_small_s']:.2f} s / {r['full_derive_process_s']:.2f} s = "
             f"{100 * r['ingest_small_s'] / r['full_derive_process_s']:.1f}%: {met}")
    pub, answers, shape = r.get("publishing_parts", {}), r.get("answers", {}), r.get("shape", {})
    publishing = ""
    if pub and answers:
        publishing = (f"Publishing computed again {answers['computed again']:,} of the {answers['stored']:,} stored "
                      "answers: " + "; ".join(f"{k} {v:.2f} s" for k, v in pub.items()) + ".")
    overlapped = r.get("overlapped_parts", {})
    if overlapped:
        publishing = " ".join(filter(None, [publishing, "Inside the copy's part, each alone: " + "; ".join(
            f"{k} {v:.2f} s" for k, v in overlapped.items()) + "."]))
    reach = ""
    if shape and answers:
        reach = (f"The generated rows pay {shape['records_paid']:,} records over {shape['awards']:,} awards (the "
                 "recipients of the real Minnesota summaries the generator draws from), so the "
                 f"{r['small']:,}-row file reaches {answers['computed again']:,} of the {answers['stored']:,} answers, "
                 "each of an organization with thousands of awards. ")
    everything = against_all = ""
    if "ingest_derive_all_s" in r:
        everything = (f"| (F+) | the same ingest with `--derive-all` (every table derived again, every answer "
                      f"published again) | {r['ingest_derive_all_s']:.2f} |\n")
        against_all = (f" Against (F+): {r['ingest_small_s']:.1f} s / {r['ingest_derive_all_s']:.1f} s = "
                       f"{100 * r['ingest_small_s'] / r['ingest_derive_all_s']:.0f}%.")
    why = (f"What every ingest pays whatever the file adds (the copy of the file for the all-or-nothing swap, with "
           f"build.prepare meanwhile, the digest, and starting the process with what the wrapper imports) took "
           f"{fixed:.1f} s in (I'), "
           f"{100 * fixed / r['full_derive_process_s']:.0f}% of (F) on their own; publishing (which (F) does not "
           f"include) and the steps still made whole take most of the rest (tables above). {reach}")
    if met == "not met":
        why = ("Why the target is not met: " + why[0].lower() + why[1:] + "The statements of steps 110-200 that "
               "still read all of `money` (reported parents, agency units, DUNS to UEI) would have to be kept per "
               "record or award, the answers and pages made again from what changed in them rather than whole for "
               "each organization in scope, and the swap done without copying the whole file.")
    runs = ""
    if "ingest_runs_s" in r:  # (F) and (I) above are the runs of median time of these
        runs = ("(F) and (I) are each the median of their runs, each from a fresh copy of the database: (F) "
                + ", ".join(f"{w:.2f}" for w in r["full_runs_s"]) + " s; (I) "
                + ", ".join(f"{w:.2f}" for w in r["ingest_runs_s"]) + " s (the ratio of each run of (I) to the "
                f"median (F): {min(r['ingest_runs_s']) / r['full_derive_process_s']:.1%} to "
                f"{max(r['ingest_runs_s']) / r['full_derive_process_s']:.1%}).\n")
    begin, end = markers(r.get("bundled", False), r.get("work_fs"))
    title = "into the bundled build" if r.get("bundled") else f"into {r['rows']:,} generated rows"
    if r.get("file_system"):  # the ingest's copy is a clone where the file system can make one
        title += f", databases on {r['file_system']}"
    text = f"""{begin}
## Incremental derive (issue 16), {title}

Produced {r['produced']} by `{r['command']}` ({r['machine']}; the machine is shared: 1-minute load
{lf[0]:.1f} / {lf[1]:.1f} around (F), {li[0]:.1f} / {li[1]:.1f} around (I)).
{' '.join(n[0].upper() + n[1:] + '.' for n in r['notes'])}

| | what | wall s |
|---|---|---:|
| (F) | {full} | {r['full_derive_process_s']:.2f} |
| (I) | {small} | {r['ingest_small_s']:.2f} |
{everything}
{runs}Target: (I) at most 10% of (F). Measured: {ratio}.{against_all}
Identity: {ident} (the identity derive renders every page from scratch too).

Where (I) goes, as (I') timed it into another copy ({timed_wall:.2f} s in all; seconds; the rest of that
process, {timed_wall - whole:.2f} s, is starting Python and importing whosbehind and what the wrapper times;
{other:.2f} s inside the run is neither of these):

| part of the ingest | s |
|---|---:|
{part_rows}

{publishing}

The derive, step by step: (F) full, (I') scoped (`build.derive` given the files just stored):

| step | (F) s | (I') s |
|---|---:|---:|
{steps}

What is scoped: an ingest whose new files all hold award rows, into tables this very code derived
(`db.code_fingerprint`), makes again only what the awards those files hold (plus the awards of any DUNS whose
UEI the new rows change) can change: which copy of a row counts and the `money` rows (steps 100-200), the names
each award's rows write (200, added up into `org_names`), the records name resolution reads (step 205, kept in
parts per source file), the product reading and the product ties with their evidence (430, 500, widened to the
awards of a record whose family changed), each record's awards per agency and year and a prime award's evidence
(300, 500) and the
organizations' awards (500), with the awards of any record resolution moves to another organization; the ties and
the strongest evidence each shows, for the ties whose evidence changed (500); the family and organization totals
are brought up to date by what those awards' rows add and take away (added up again whole for a group a record
joined or left, or one holding a record some award pays no amount, 300 and 500); the build record of `changes`
compares those awards alone. Publishing computes again only
the answers those changes can reach (`analysis/answer_scope.py`: the organizations whose rows, family, ties or
cited evidence differ, and every node whose why-walk can reach such a tie), and renders again the pages of the
answers that changed. The digest `check` verifies is brought up to date from the rows those steps removed and
added; the other tables' digests are computed whole. Still made whole on every derive: organizations (200),
families (220), the totals by record, the evidence of the other kinds (curated claims, FedRAMP, reported
parents: made again, then compared) and the lookup index. Name resolution (Splink's scoring, the decisions and
clusters) runs again only when a name, record or reported parent it reads differs from the last derive's
(`resolve/pipeline.py`, table `resolution_inputs`): rows of known companies usually keep its tables as they are.

{why}
{end}"""
    current = RESULTS.read_text("utf-8")
    if begin in current:
        head, rest = current.split(begin, 1)
        current = head + text + rest.split(end, 1)[1]
    else:
        current = current.rstrip("\n") + "\n\n" + text + "\n"
    RESULTS.write_text(current, "utf-8")


if __name__ == "__main__":
    sys.exit(main())
