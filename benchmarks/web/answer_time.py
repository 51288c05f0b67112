"""How long one organization's answer takes to build on its own, as a batch of one (analysis/organization.py):
what a visit costs when no stored answer serves it (``?as_of=``, an agency), and how long the build's batches
take per answer (``store_answers``, timed here over every stored answer).

    python benchmarks/web/answer_time.py DB [--sample 300]

Companies are taken evenly from every company of the database (ordered by id), not the largest few, so the
figure is what a visitor rotating over all of them meets. One process, one read-only connection; the first answer
(which reads the graph of why-paths once) is not counted. Times are printed, never asserted.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from whosbehind.analysis import organization
from whosbehind.store import db


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--sample", type=int, default=300, help="about how many companies to time")
    args = parser.parse_args()
    con = db.connect(args.db, read_only=True)
    ids = [r[0] for r in con.execute("SELECT id FROM graph_nodes WHERE kind = 'company' ORDER BY id").fetchall()]
    sample = ids[:: max(1, len(ids) // args.sample)]
    organization.answer(con, sample[0])
    times = []
    for org_id in sample:
        started = time.perf_counter()
        organization.answer(con, org_id)
        times.append(time.perf_counter() - started)
    times.sort()
    every = [r[0] for r in con.execute("SELECT id FROM organization_answers ORDER BY id").fetchall()]
    started = time.perf_counter()
    for start in range(0, len(every), organization.ANSWER_BATCH):
        organization.answers(con, every[start:start + organization.ANSWER_BATCH])
    batched = time.perf_counter() - started
    print(f"every stored answer in batches of {organization.ANSWER_BATCH}: {len(every)} in {batched:.1f} s "
          f"({batched / max(len(every), 1) * 1000:.2f} ms each)")
    print(f"{len(ids)} companies, {len(sample)} timed: median {statistics.median(times) * 1000:.0f} ms, "
          f"p90 {times[int(0.9 * len(times))] * 1000:.0f} ms, p99 {times[int(0.99 * len(times))] * 1000:.0f} ms, "
          f"max {times[-1] * 1000:.0f} ms")


if __name__ == "__main__":
    main()
