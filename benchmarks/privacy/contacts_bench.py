"""How many of the contact persons that award descriptions name are withheld (sources/contacts.py).

    .venv/bin/python benchmarks/privacy/contacts_bench.py [--json]

The labels (contacts_labels.csv; how they were drawn: contacts_sample.py) point at description cells of the
bundled archives and give, as character offsets, every stretch that names a person (``name``) or gives an
e-mail address (``email``) or a phone number (``phone``). The text is read back from the archive, passed
through ``without_contacts``, and each labelled stretch counts as withheld when none of it is left in the
result: neither the whole nor any word of three letters or more that the text holds nowhere else. Words outside
every stretch that the filter removed are counted as withheld in excess. Nothing here prints a labelled stretch:
a miss is reported by file, row and kind.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from records import SAMPLE, iter_rows  # noqa: E402

from whosbehind.sources.contacts import without_contacts  # noqa: E402

LABELS = HERE / "contacts_labels.csv"
KINDS = ("name", "email", "phone")


def labelled(path: Path = LABELS) -> list[dict]:
    """Each labelled cell with its text read back from the bundled archive and its spans as (kind, start, end)."""
    with path.open(encoding="utf-8", newline="") as handle:
        labels = list(csv.DictReader(handle))
    wanted = {(lab["archive"], lab["member"], int(lab["row"])) for lab in labels}
    records = {}
    for archive in sorted({a for a, _m, _r in wanted}):
        for member, _fmt, number, record in iter_rows(SAMPLE / archive):
            if (archive, member, number) in wanted:
                records[(archive, member, number)] = record
    out = []
    for lab in labels:
        text = (records[(lab["archive"], lab["member"], int(lab["row"]))].get(lab["column"]) or "").strip()
        spans = []
        for item in filter(None, lab["spans"].split(";")):
            kind, bounds = item.split(":")
            start, end = (int(x) for x in bounds.split("-"))
            spans.append((kind, start, end))
        out.append({**lab, "text": text, "spans": spans})
    return out


def words_pattern(fragment: str) -> str:
    """The fragment's words in order, anything but letters and digits between them, on word boundaries, in any
    case: for Python's re and DuckDB's RE2 alike (tests/privacy/test_contacts.py reads it in both)."""
    words = re.findall(r"[A-Z0-9]+", fragment.upper())
    return r"(?i)(^|[^A-Z0-9])" + r"[^A-Z0-9]+".join(words) + r"([^A-Z0-9]|$)"


def _present(fragment: str, text: str) -> bool:
    return bool(re.findall(r"[A-Z0-9]+", fragment.upper())) and re.search(words_pattern(fragment), text) is not None


def _words_outside(cell: dict) -> set[str]:
    """The words the text has outside every labelled stretch."""
    text, spans = cell["text"].upper(), [(s, e) for _k, s, e in cell["spans"]]
    return {m.group() for m in re.finditer(r"[A-Z0-9]+", text) if not any(s <= m.start() < e for s, e in spans)}


def _left(fragment: str, shown: str, outside: set[str]) -> bool:
    """Whether any of the stretch is still shown: the whole of it, or one of its words of three letters or more
    (a surname left behind) that the text does not also hold elsewhere."""
    if _present(fragment, shown):
        return True
    words = {w for w in re.findall(r"[A-Z]{3,}", fragment.upper()) if w not in outside}
    return any(_present(w, shown) for w in words)


def measure(cells: list[dict]) -> dict:
    withheld: Counter[str] = Counter()
    labelled_spans: Counter[str] = Counter()
    misses = []
    excess = outside = 0
    for cell in cells:
        shown = without_contacts(cell["text"]) or ""
        outside_words = _words_outside(cell)
        for kind, start, end in cell["spans"]:
            labelled_spans[kind] += 1
            if _left(cell["text"][start:end], shown, outside_words):
                misses.append({"member": cell["member"], "row": int(cell["row"]), "column": cell["column"],
                               "kind": kind})
            else:
                withheld[kind] += 1
        inside = [(s, e) for _k, s, e in cell["spans"]]
        for m in re.finditer(r"[A-Z0-9]+", cell["text"].upper()):
            if any(s <= m.start() < e for s, e in inside):
                continue
            outside += 1
            if shown != cell["text"] and not _present(m.group(), shown):
                excess += 1
    total = sum(labelled_spans.values())
    return {
        "cells": len(cells),
        "cells_with_a_person": sum(1 for c in cells if c["spans"]),
        "by_kind": {k: {"labelled": labelled_spans[k], "withheld": withheld[k]} for k in KINDS},
        "recall": round(sum(withheld.values()) / total, 4) if total else None,
        "words_withheld_in_excess": excess,
        "words_outside_the_spans": outside,
        "misses": misses,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = measure(labelled())
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"{result['cells']} labelled descriptions, {result['cells_with_a_person']} naming or contacting a person")
    for kind, n in result["by_kind"].items():
        print(f"  {kind}: {n['withheld']} of {n['labelled']} withheld")
    print(f"  recall: {result['recall']}; words withheld that name no one: {result['words_withheld_in_excess']} "
          f"of {result['words_outside_the_spans']}")
    for miss in result["misses"]:
        print(f"    missed {miss['kind']}: {miss['member']} row {miss['row']} ({miss['column']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
