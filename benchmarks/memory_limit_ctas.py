"""How much does a DuckDB memory limit slow DuckDB's own load of a CSV? Contender (b) of bench_ingest.py,
run with and without limits, each in its own process, on one file.

    python benchmarks/memory_limit_ctas.py FILE.csv [--limits none,1GB,2GB,4GB,6GB] [--text]

Prints wall seconds and peak resident memory (the kernel's max RSS of each child) for each limit. With --text
every column is read as text, as whosbehind stores it.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SCRIPT = """
import sys, duckdb
con = duckdb.connect(sys.argv[2])
con.execute("SET enable_progress_bar = false")
if sys.argv[3] != "none":
    con.execute(f"SET memory_limit = '{sys.argv[3]}'")
text = ", all_varchar = true" if sys.argv[4] == "text" else ""
con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv(?{text})", [sys.argv[1]])
con.close()
"""


def run_once(csv_path: Path, limit: str, text: bool) -> tuple[float, int]:
    """Wall seconds and the child's own peak resident memory in KiB."""
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "t.duckdb"
        start = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-c", SCRIPT, str(csv_path), str(target), limit,
                                  "text" if text else "typed"])
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status):
            raise SystemExit(f"the load with memory_limit {limit} failed")
    return wall, usage.ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("csv", type=Path)
    parser.add_argument("--limits", default="none,1GB,2GB,4GB,6GB")
    parser.add_argument("--text", action="store_true", help="read every column as text")
    args = parser.parse_args()
    for limit in args.limits.split(","):
        wall, peak_kib = run_once(args.csv, limit, args.text)
        print(f"memory_limit {limit:>5}: {wall:7.2f} s, peak {peak_kib / 1024:,.0f} MiB", flush=True)


if __name__ == "__main__":
    main()
