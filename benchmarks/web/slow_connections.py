"""Load check: does `whosbehind serve` keep answering normal requests while many slow clients hold connections?

Starts the server on loopback over a database, opens N connections that each send a request line and then
trickle one header byte per second (a "slowloris"; a client the server drops reconnects at once, so N stay
held), and meanwhile asks normal questions five times a second, each with a 5 s timeout. Everything ends after
``--seconds`` (default 40): the check is bounded in time and never leaves loopback.

    python benchmarks/web/slow_connections.py --db whosbehind.duckdb            # 2,000 slow connections
    python benchmarks/web/slow_connections.py --db ... --slow 2000 --server plain  # uvicorn's defaults

``--server serve`` (default) runs `whosbehind serve` (web/limits.py: header deadline, connection cap);
``--server plain`` runs the same app under uvicorn's default settings, as `serve` did before those limits.
``--write-results`` puts the table in benchmarks/RESULTS.md between this script's markers.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import resource
import socket
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

PATHS = ("/api/search?q=geo", "/", "/api/agencies", "/api/organizations/duns:612706465", "/org/duns:612706465",
         "/agency/ICE")
BEGIN, END = "<!-- slow_connections.py: begin -->", "<!-- slow_connections.py: end -->"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(kind: str, db: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "WHOSBEHIND_DB": str(db)}
    if kind == "serve":
        command = [sys.executable, "-m", "whosbehind", "serve", "--db", str(db), "--port", str(port)]
    else:
        command = [sys.executable, "-c", "import uvicorn; uvicorn.run('whosbehind.web.server:app', "
                   f"host='127.0.0.1', port={port}, log_level='warning', access_log=False)"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/agencies", timeout=5)
            for path in PATHS:  # each normal answer once, so the check measures load, not a first computation
                httpx.get(f"http://127.0.0.1:{port}{path}", timeout=60)
            return process
        except httpx.TransportError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit("the server did not start")


async def slow_client(port: int, stop: float, stats: dict[str, int]) -> None:
    while time.monotonic() < stop:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            stats["refused"] += 1
            await asyncio.sleep(1)
            continue
        stats["held"] += 1
        try:
            writer.write(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            await writer.drain()
            while time.monotonic() < stop:
                await asyncio.sleep(1)
                if reader.at_eof():
                    break
                writer.write(b"a")
                await writer.drain()
        except (OSError, ConnectionError):
            pass
        finally:
            stats["held"] -= 1
            if time.monotonic() < stop:
                stats["dropped"] += 1
            writer.close()


async def normal_client(port: int, stop: float, start_at: float) -> list[tuple[float, str, str, float]]:
    results: list[tuple[float, str, str, float]] = []
    await asyncio.sleep(max(start_at - time.monotonic(), 0))
    async with httpx.AsyncClient(timeout=5) as client:
        i = 0
        while time.monotonic() < stop:
            path = PATHS[i % len(PATHS)]
            i += 1
            began = time.perf_counter()
            try:
                r = await client.get(f"http://127.0.0.1:{port}{path}")
                outcome = "ok" if r.status_code == 200 else f"status {r.status_code}"
            except httpx.HTTPError as exc:
                outcome = type(exc).__name__
            results.append((time.perf_counter() - began, outcome, path, time.monotonic() - start_at))
            await asyncio.sleep(0.2)
    return results


async def run(port: int, slow: int, seconds: float) -> dict[str, object]:
    stats = {"held": 0, "dropped": 0, "refused": 0}
    began = time.monotonic()
    stop = began + seconds
    tasks = []
    for i in range(slow):
        tasks.append(asyncio.create_task(slow_client(port, stop, stats)))
        if i % 200 == 199:
            await asyncio.sleep(0.05)
    # Normal requests start once the slow connections are open (10 s in), and run to the end.
    samples: list[int] = []

    async def sample() -> None:
        while time.monotonic() < stop:
            samples.append(stats["held"])
            await asyncio.sleep(1)

    sampler = asyncio.create_task(sample())
    results = await normal_client(port, stop, began + 10)
    await asyncio.gather(*tasks, sampler)
    latencies = sorted(r[0] for r in results if r[1] == "ok")
    failures = [r[1] for r in results if r[1] != "ok"]
    slowest = sorted(results, reverse=True)[:3]
    return {
        "requests": len(results), "ok": len(latencies), "failures": len(failures),
        "failure_kinds": sorted(set(failures)),
        "p50_ms": statistics.median(latencies) * 1000 if latencies else None,
        "p95_ms": latencies[int(len(latencies) * 0.95) - 1] * 1000 if latencies else None,
        "max_ms": latencies[-1] * 1000 if latencies else None,
        "slow_held_median": statistics.median(samples[10:]) if samples[10:] else 0,
        "slow_dropped": stats["dropped"], "slow_refused": stats["refused"],
        "slowest": [f"{p} {t * 1000:.0f} ms at {at:.1f} s" for t, _, p, at in slowest],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--slow", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=40)
    parser.add_argument("--server", choices=("serve", "plain"), default="serve")
    parser.add_argument("--write-results", action="store_true")
    args = parser.parse_args()
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    port = free_port()
    load_before = os.getloadavg()[0]
    server = start(args.server, args.db.resolve(), port)
    try:
        found = asyncio.run(run(port, args.slow, args.seconds))
    finally:
        server.terminate()
        server.wait(timeout=30)
    found.update(server=args.server, slow=args.slow, seconds=args.seconds, load_before=round(load_before, 2))
    print(found)
    if args.write_results:
        write_results(found, args)


def write_results(found: dict[str, object], args: argparse.Namespace) -> None:
    path = Path(__file__).resolve().parents[1] / "RESULTS.md"
    text = path.read_text("utf-8")
    rows = []
    if BEGIN in text:
        section = text[text.index(BEGIN):text.index(END)]
        rows = [line for line in section.splitlines() if line.startswith("| `")]
        text = text[:text.index(BEGIN)] + text[text.index(END) + len(END):].lstrip("\n")
    fmt = lambda v: "-" if v is None else f"{v:,.0f}" if isinstance(v, float) and v > 100 else (  # noqa: E731
        f"{v:.1f}" if isinstance(v, float) else str(v))
    what = "`whosbehind serve`" if args.server == "serve" else "`uvicorn` defaults (serve before the limits)"
    rows = [r for r in rows if not r.startswith(f"| {what} | {args.slow:,} |")]
    rows.append(f"| {what} | {args.slow:,} | {found['requests']} | {found['failures']} "
                f"{', '.join(found['failure_kinds']) if found['failure_kinds'] else ''} | {fmt(found['p50_ms'])} | "
                f"{fmt(found['p95_ms'])} | {fmt(found['max_ms'])} | {fmt(found['slow_held_median'])} | "
                f"{found['slow_dropped']:,} | {found['load_before']} |")
    block = "\n".join([
        BEGIN,
        "## Web: normal requests while slow clients hold connections (issue 13)",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} CPUs (clients and server share them), "
        f"Python {platform.python_version()}, loopback only. Database: the bundled sample (`whosbehind build`).",
        "Each slow client sends a request line and one header start, then one byte a second, and reconnects when "
        "dropped; normal requests rotate over " + ", ".join(f"`{p}`" for p in PATHS) + " (each asked once before "
        "the slow clients start), five a second with a 5 s timeout, from 10 s after the slow clients start until "
        "the end.",
        "Command: `python benchmarks/web/slow_connections.py --db <db> --slow N --seconds S [--server plain] "
        "--write-results`.",
        "",
        "| server | slow clients | normal requests | failed | p50 ms | p95 ms | max ms | slow connections held "
        "(median) | slow clients dropped by the server | load before |",
        "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|",
        *rows,
        END,
    ])
    path.write_text(text.rstrip("\n") + "\n\n" + block + "\n", "utf-8")


if __name__ == "__main__":
    main()
