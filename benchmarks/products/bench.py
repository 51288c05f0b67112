"""Precision and recall of the products that award descriptions name (issue 14), on hand-labelled awards.

    .venv/bin/python benchmarks/products/bench.py [--db PATH] [--json]

Without --db it builds the bundled sample into a temporary database first. The labels are
benchmarks/products/labels.csv (how they were made: benchmarks/products/README.md). For each labelled award,
the expected (maker, role) pairs are compared with `product_mentions` of the build:

- maker attribution: a pair (award, maker) is predicted when product_mentions has a row for it;
  precision = correct predicted pairs / predicted pairs, recall = correct predicted pairs / expected pairs;
- role: the same with (award, maker, role) triples, and the share of correctly attributed makers whose role
  is right.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb

HERE = Path(__file__).resolve().parent
LABELS = HERE / "labels.csv"


def read_labels(path: Path = LABELS, sample: str | None = None) -> dict[str, set[tuple[str, str]]]:
    """Expected (maker, role) pairs per award; `sample` keeps one sample (random, named, holdout)."""
    out: dict[str, set[tuple[str, str]]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if sample and row["sample"].split(":")[0] != sample:
                continue
            pairs = set()
            for item in filter(None, (row["expected"] or "").split(";")):
                maker, role = item.split(":")
                pairs.add((maker.strip(), role.strip()))
            out[row["award_key"]] = pairs
    return out


def held_out_samples(path: Path = LABELS) -> list[str]:
    """The held-out samples in the order they were drawn (holdout, holdout2, ...)."""
    with path.open(encoding="utf-8", newline="") as handle:
        names = {row["sample"] for row in csv.DictReader(handle) if row["sample"].startswith("holdout")}
    return sorted(names, key=lambda n: int(n.removeprefix("holdout") or 1))


def predictions(con: duckdb.DuckDBPyConnection, keys: list[str]) -> dict[str, set[tuple[str, str]]]:
    out: dict[str, set[tuple[str, str]]] = {k: set() for k in keys}
    rows = con.execute("SELECT DISTINCT award_key, maker_entity, role FROM product_mentions "
                       "WHERE award_key IN (SELECT unnest(?))", [keys]).fetchall()
    for key, maker, role in rows:
        out[key].add((maker, role))
    return out


def score(expected: dict[str, set[tuple[str, str]]], predicted: dict[str, set[tuple[str, str]]]) -> dict:
    exp_m = {(k, m) for k, pairs in expected.items() for m, _ in pairs}
    pred_m = {(k, m) for k, pairs in predicted.items() for m, _ in pairs}
    exp_r = {(k, m, r) for k, pairs in expected.items() for m, r in pairs}
    pred_r = {(k, m, r) for k, pairs in predicted.items() for m, r in pairs}
    tp_m, tp_r = exp_m & pred_m, exp_r & pred_r

    def ratio(a: int, b: int) -> float | None:
        return round(a / b, 4) if b else None

    errors = []
    for k in sorted(expected):
        if expected[k] != predicted.get(k, set()):
            errors.append({"award_key": k, "expected": sorted(expected[k]),
                           "predicted": sorted(predicted.get(k, set()))})
    return {
        "awards": len(expected),
        "awards_with_a_maker": sum(1 for v in expected.values() if v),
        "maker": {"expected": len(exp_m), "predicted": len(pred_m), "correct": len(tp_m),
                  "precision": ratio(len(tp_m), len(pred_m)), "recall": ratio(len(tp_m), len(exp_m))},
        "role": {"expected": len(exp_r), "predicted": len(pred_r), "correct": len(tp_r),
                 "precision": ratio(len(tp_r), len(pred_r)), "recall": ratio(len(tp_r), len(exp_r)),
                 "right_role_of_correct_makers": ratio(len(tp_r), len(tp_m))},
        "disagreements": errors,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="a database built from the bundled sample (default: build one)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if db is None:
            db = Path(tmp) / "bench.duckdb"
            built = subprocess.run([sys.executable, "-m", "whosbehind", "build", "--db", str(db)],
                                   capture_output=True, text=True)
            if built.returncode != 0:
                sys.stderr.write(built.stderr)
                return 1
        con = duckdb.connect(str(db), read_only=True)
        results = {}
        for name, sample in [("all", None)] + [(h, h) for h in held_out_samples()]:
            expected = read_labels(sample=sample)
            results[name] = score(expected, predictions(con, sorted(expected)))
        con.close()
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    for name, result in results.items():
        m, r = result["maker"], result["role"]
        print(f"[{name}] {result['awards']} labelled awards, {result['awards_with_a_maker']} naming a maker's product")
        print(f"  maker attribution: precision {m['precision']} ({m['correct']}/{m['predicted']}), "
              f"recall {m['recall']} ({m['correct']}/{m['expected']})")
        print(f"  maker and role: precision {r['precision']} ({r['correct']}/{r['predicted']}), "
              f"recall {r['recall']} ({r['correct']}/{r['expected']}); "
              f"right role for {r['right_role_of_correct_makers']} of the correctly attributed makers")
        for e in result["disagreements"]:
            print(f"    {e['award_key']}: expected {e['expected']}, predicted {e['predicted']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
