"""How long `check` spends on the digest of the derived tables (store/digest.py) for one database.

    python benchmarks/digest_time.py --db whosbehind.duckdb

Prints the tables covered, the entries compared and the seconds of each of five computations.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import duckdb

from whosbehind.store import digest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, required=True)
    args = parser.parse_args()
    con = duckdb.connect(str(args.db), read_only=True)
    tables = digest.covered_tables(con)
    rows = sum(con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables)
    times = []
    for _ in range(5):
        began = time.perf_counter()
        entries = digest.compute(con)
        times.append(time.perf_counter() - began)
    print(f"{len(tables)} tables, {rows:,} rows, {len(entries)} entries; seconds: "
          + ", ".join(f"{t:.3f}" for t in times))


if __name__ == "__main__":
    main()
