"""How well whosbehind tells a private person's name from an organization's, on labelled bundled records.

    python benchmarks/privacy/bench.py                    # prints the figures
    python benchmarks/privacy/bench.py --write-results    # and rewrites its part of benchmarks/RESULTS.md

Each name of ``labels.csv`` is read back from the bundled row it points at, and judged the way the ingest
judges it: the whole SQL predicate of its format (business-type columns, the earlier rules, and
``reads_as_person``), evaluated on that row in DuckDB. Side by side: the name rule alone, the earlier rules
alone (before ``reads_as_person``), and probablepeople's own reading (person or household) alone.

Recall of persons is the share of persons withheld (target at least 0.98: a person named is the worst error);
precision is the share of withheld names that are persons (target at least 0.90). Errors are listed by
file and row; a person's name is never printed, an organization's is.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import defaultdict
from pathlib import Path

import duckdb

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from records import labelled  # noqa: E402

from whosbehind.sources import persons as persons_mod  # noqa: E402
from whosbehind.store.db import sql_text  # noqa: E402

RESULTS = HERE.parent / "RESULTS.md"
BEGIN = "<!-- privacy/bench.py: begin (rewritten by each run with --write-results) -->"
END = "<!-- privacy/bench.py: end -->"
RECALL_TARGET, PRECISION_TARGET = 0.98, 0.90


def predicate_for(fmt, column: str) -> str:
    """The SQL the ingest uses to decide whether this column's name is a private person's."""
    for predicate, columns in fmt.person_checks:
        if columns[0] == column:
            return predicate
    return fmt.individual_predicate




def ingest_decisions(items: list[dict], *, earlier: bool = False) -> list[bool]:
    """Evaluate each item's ingest predicate on its own row, in DuckDB, as the ingest does."""
    con = duckdb.connect()
    con.execute(sql_text("000_macros"))
    if earlier:
        con.execute("CREATE MACRO reads_as_person(name) AS false")
    else:
        persons_mod.register(con)
    decisions = []
    for item in items:
        fmt = item["fmt"]
        values = [item["record"].get(c) for c in fmt.columns]
        select = ", ".join(f"?::VARCHAR AS \"{c.replace(chr(34), chr(34) * 2)}\"" for c in fmt.columns)
        predicate = predicate_for(fmt, item["column"])
        decided = con.execute(f"SELECT coalesce({predicate}, false) FROM (SELECT {select})", values).fetchone()[0]
        decisions.append(bool(decided))
    con.close()
    return decisions


def parser_decisions(items: list[dict]) -> list[bool]:
    import probablepeople

    out = []
    for item in items:
        try:
            out.append(probablepeople.tag(item["text"])[1] in ("Person", "Household"))
        except probablepeople.RepeatedLabelError:
            out.append(False)
    return out


def score(items: list[dict], decided: list[bool]) -> dict:
    tp = sum(1 for i, d in zip(items, decided, strict=True) if d and i["label"] == "person")
    fp = sum(1 for i, d in zip(items, decided, strict=True) if d and i["label"] != "person")
    fn = sum(1 for i, d in zip(items, decided, strict=True) if not d and i["label"] == "person")
    return {"tp": tp, "fp": fp, "fn": fn,
            "recall": tp / (tp + fn) if tp + fn else 1.0,
            "precision": tp / (tp + fp) if tp + fp else 1.0}


def run() -> dict:
    started = time.perf_counter()
    items = labelled()
    contenders = {
        "whosbehind ingest (business-type columns + earlier rules + reads_as_person)": ingest_decisions(items),
        "name rule alone (reads_as_person)": [persons_mod.reads_as_person(i["text"]) for i in items],
        "earlier rules alone (before reads_as_person)": ingest_decisions(items, earlier=True),
        "probablepeople alone (tagged Person or Household)": parser_decisions(items),
    }
    main = next(iter(contenders.values()))
    strata = defaultdict(list)
    for index, item in enumerate(items):
        strata[item["stratum"]].append(index)
    by_stratum = {
        s: score([items[i] for i in idx], [main[i] for i in idx]) | {
            "names": len(idx), "persons": sum(1 for i in idx if items[i]["label"] == "person")}
        for s, idx in sorted(strata.items())
    }
    errors = []
    for item, decided in zip(items, main, strict=True):
        if decided == (item["label"] == "person"):
            continue
        where = f"{item['archive']}!{item['member']} row {item['row']} ({item['column']})"
        if item["label"] == "person":
            errors.append(f"person not withheld: {where}")
        else:
            errors.append(f"organization withheld: {item['text']} ({where})")
    return {
        "names": len(items), "persons": sum(1 for i in items if i["label"] == "person"),
        "contenders": {name: score(items, d) for name, d in contenders.items()},
        "strata": by_stratum, "errors": errors, "seconds": time.perf_counter() - started,
    }


def sam_firms(path: Path) -> dict:
    """Out of sample: the firm names of a SAM.gov public exclusions extract (a zip holding one CSV, column
    Classification = Firm), none of which were read while the rules were written. SAM registers a person's
    own practice as a firm too ("SURNAME, GIVEN, D.D.S."), so the share read as persons is an upper bound
    on the false-positive rate, not the rate itself."""
    import io
    import zipfile

    with zipfile.ZipFile(path) as archive:
        member = next(m for m in archive.namelist() if m.lower().endswith(".csv"))
        text = archive.read(member).decode("latin-1")
    firms = sorted({r["Name"].strip() for r in csv.DictReader(io.StringIO(text))
                    if r["Classification"] == "Firm" and r["Name"].strip()})
    read = sum(1 for name in firms if persons_mod.reads_as_person(name))
    return {"file": path.name, "firms": len(firms), "read_as_person": read}


def render(result: dict) -> str:
    main = next(iter(result["contenders"].values()))
    met = main["recall"] >= RECALL_TARGET and main["precision"] >= PRECISION_TARGET
    lines = [
        BEGIN,
        "## Private persons withheld (issue 12)",
        "",
        "Command: `python benchmarks/privacy/bench.py --write-results"
        + (f" --sam-exclusions {result['sam']['file']}" if result.get("sam") else "")
        + "` (labels and how they were made: `benchmarks/privacy/README.md`).",
        "",
        f"{result['names']} labelled recipient, parent and subrecipient names of the bundled records, "
        f"{result['persons']} of them persons. A person withheld is a true positive; recall is the share of "
        f"persons withheld (target {RECALL_TARGET}), precision the share of withheld names that are persons "
        f"(target {PRECISION_TARGET}).",
        "",
        "| decision | persons withheld | persons named | organizations withheld | recall | precision |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, s in result["contenders"].items():
        lines.append(f"| {name} | {s['tp']} | {s['fn']} | {s['fp']} | {s['recall']:.3f} | {s['precision']:.3f} |")
    lines += ["", "By stratum (the ingest's decision):", "",
              "| stratum | names | persons | persons named | organizations withheld | recall | precision |",
              "|---|---:|---:|---:|---:|---:|---:|"]
    for stratum, s in result["strata"].items():
        lines.append(f"| {stratum} | {s['names']} | {s['persons']} | {s['fn']} | {s['fp']} | "
                     f"{s['recall']:.3f} | {s['precision']:.3f} |")
    lines += ["", f"Targets {'met' if met else 'NOT met'}: recall {main['recall']:.3f} "
              f"(>= {RECALL_TARGET}), precision {main['precision']:.3f} (>= {PRECISION_TARGET}).", "",
              "Errors of the ingest's decision (persons by file and row only):", ""]
    lines += [f"- {e}" for e in result["errors"]] or ["- none"]
    if result.get("sam"):
        sam = result["sam"]
        lines += ["", f"Out of sample (`--sam-exclusions {sam['file']}`): of {sam['firms']:,} distinct firm names of "
                  f"the SAM.gov public exclusions extract, {sam['read_as_person']} "
                  f"({sam['read_as_person'] / sam['firms']:.1%}) read as a person's name. SAM registers a person's "
                  "own practice as a firm too, so this bounds the false-positive rate from above."]
    lines += ["", END]
    return "\n".join(lines)


def write_results(text: str, path: Path = RESULTS) -> None:
    current = path.read_text("utf-8") if path.exists() else ""
    if BEGIN in current and END in current:
        head, rest = current.split(BEGIN, 1)
        _old, tail = rest.split(END, 1)
        updated = head + text + tail
    else:
        updated = current.rstrip("\n") + "\n\n" + text + "\n"
    path.write_text(updated, "utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write-results", action="store_true", help="rewrite this part of benchmarks/RESULTS.md")
    parser.add_argument("--sam-exclusions", type=Path, help="a SAM.gov public exclusions extract (.zip): "
                        "how many of its firm names read as persons (out of sample)")
    args = parser.parse_args()
    result = run()
    if args.sam_exclusions:
        result["sam"] = sam_firms(args.sam_exclusions)
    text = render(result)
    print(text)
    print(f"({result['seconds']:.1f} s)", file=sys.stderr)
    if args.write_results:
        write_results(text)


if __name__ == "__main__":
    main()
