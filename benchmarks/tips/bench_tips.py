"""Tip line costs: one Argon2id codename derivation, a submission (with a 1 MB image and a PDF), a status check,
and how many status checks a second the Argon2id work allows with two at a time (the store's limit).

    python benchmarks/tips/bench_tips.py [--repeats 10]

Prints a Markdown block for benchmarks/RESULTS.md. Everything runs in a temporary folder.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
import tempfile
import threading
import time
from pathlib import Path

from PIL import Image
from pypdf import PdfWriter

from whosbehind.tips import codenames, crypto, scrub
from whosbehind.tips.store import Attachment, TipStore


def timed(fn, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def files() -> list[tuple[str, bytes]]:
    image = Image.effect_noise((700, 500), 60).convert("RGB")
    exif = Image.Exif()
    exif.get_ifd(0x8825)[2] = (44.0, 58.0, 12.0)
    jpg = io.BytesIO()
    image.save(jpg, "JPEG", quality=95, exif=exif)
    writer = PdfWriter()
    for _ in range(20):
        writer.add_blank_page(612, 792)
    writer.add_metadata({"/Author": "someone"})
    pdf = io.BytesIO()
    writer.write(pdf)
    return [("photo.jpg", jpg.getvalue()), ("doc.pdf", pdf.getvalue())]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = TipStore(Path(folder) / "tips")
        for i in range(3):
            store.add_moderator(f"desk{i}", crypto.new_key_pair()[1], "a long moderator password")
        salt = store.salt()
        derive = timed(lambda: codenames.derive(codenames.new_codename(), salt), args.repeats)
        sample = files()
        sizes = {n: len(b) for n, b in sample}

        def submit() -> str:
            cleaned = [scrub.scrub(n, b, i) for i, (n, b) in enumerate(sample, 1)]
            code, _ = store.submit("a message " * 200, [Attachment(c.name, c.media_type, c.content, c.cleaned,
                                                                   c.not_removed) for c in cleaned])
            return code

        codes: list[str] = []
        submissions = timed(lambda: codes.append(submit()), args.repeats)
        status = timed(lambda: store.status(codes[0]), args.repeats)

        done = 0
        lock = threading.Lock()
        stop = time.perf_counter() + 5

        def worker() -> None:
            nonlocal done
            while time.perf_counter() < stop:
                store.status(codes[-1])
                with lock:
                    done += 1

        threads = [threading.Thread(target=worker) for _ in range(8)]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        rate = done / (time.perf_counter() - start)

    def med(xs: list[float]) -> str:
        return f"{statistics.median(xs) * 1000:.0f} ms (min {min(xs) * 1000:.0f}, max {max(xs) * 1000:.0f})"

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, load average {load} at the end; {args.repeats} repeats each, medians.\n")
    print("| what | time |\n|---|---|")
    print(f"| Argon2id codename derivation (64 MiB, 3 passes, 4 lanes) | {med(derive)} |")
    print(f"| submission: metadata removal of a {sizes['photo.jpg'] // 1024} KB JPEG and a 20-page PDF, "
          f"encryption to 3 moderators, store | {med(submissions)} |")
    print(f"| status check with the right codename | {med(status)} |")
    print(f"| status checks per second, 8 threads asking, 2 derivations at a time | {rate:.1f}/s |")


if __name__ == "__main__":
    main()
