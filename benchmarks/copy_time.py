"""What the ingest's all-or-nothing copy of a database file costs on a file system that cannot clone (ext4).

    python benchmarks/copy_time.py --db benchmarks/work/inc_base_2000000.duckdb [--runs 3]

Each run copies the file beside itself twice and removes the copies: as the ingest copies it
(``store/ingest.clone_or_copy``: the kernel copies through the page cache, and the flush before the swap follows),
and written past the page cache (O_DIRECT, 16 MB at a time), then flushed. Prints the seconds of each copy and of its
flush. The two compared: the ingest's copy is only worth replacing if the other is reliably faster.
"""

from __future__ import annotations

import argparse
import mmap
import os
import time
from pathlib import Path

from whosbehind.store import ingest

CHUNK = 16 << 20  # a multiple of every block size O_DIRECT asks for


def as_the_ingest_copies(source: Path, target: Path) -> tuple[float, float]:
    began = time.perf_counter()
    ingest.clone_or_copy(source, target)
    copied = time.perf_counter()
    return copied - began, _flush(target) - copied


def past_the_page_cache(source: Path, target: Path) -> tuple[float, float]:
    began = time.perf_counter()
    size = source.stat().st_size
    buffer = mmap.mmap(-1, CHUNK)  # page-aligned, as O_DIRECT needs
    reading = os.open(source, os.O_RDONLY)
    writing = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_DIRECT, 0o644)
    try:
        offset = 0
        while offset < size:
            got = os.preadv(reading, [buffer], offset)
            if got == 0:
                raise RuntimeError(f"{source} became shorter while it was copied")
            if got < CHUNK and offset + got < size:  # a regular file is read whole but at its end
                raise RuntimeError(f"{source}: a short read in the middle")
            whole_blocks = -(-got // 4096) * 4096  # the last piece padded to a block, cut back below
            os.pwritev(writing, [memoryview(buffer)[:whole_blocks]], offset)
            offset += got
        os.ftruncate(writing, size)
    finally:
        os.close(reading)
        os.close(writing)
    copied = time.perf_counter()
    return copied - began, _flush(target) - copied


def _flush(path: Path) -> float:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    return time.perf_counter()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    target = args.db.with_name(args.db.name + ".copy_time")
    print(f"{args.db} ({args.db.stat().st_size / 1e6:,.0f} MB)")
    ways = [("as the ingest copies", as_the_ingest_copies), ("past the page cache", past_the_page_cache)]
    for run in range(1, args.runs + 1):
        for name, copy in ways if run % 2 else ways[::-1]:  # each way first in turn
            os.sync()  # what an earlier copy left to write is not counted here
            try:
                seconds, flush = copy(args.db, target)
            finally:
                target.unlink(missing_ok=True)
            print(f"run {run}, {name}: copy {seconds:.2f} s, flush {flush:.2f} s")


if __name__ == "__main__":
    main()
