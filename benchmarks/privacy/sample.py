"""How the names of labels.csv were chosen from the bundled records (run it to see the same list again).

    python benchmarks/privacy/sample.py > candidates.csv

Every recipient, parent, subrecipient and prime-recipient name of the bundled sample is read with the file and
row where it first appears (files in name order, rows in file order); names are compared after upper-casing
and collapsing spaces. Four strata:

- ``no-organisation-word``: every name without one of the organisation words of the earlier rule
  (``has_organisation_word`` in store/sql/000_macros.sql): the hard cases, persons and businesses without a
  legal-form word alike;
- ``sole-proprietor``: every recipient or subrecipient name on a row whose business-type columns say sole
  proprietorship, and that has an organisation word;
- ``reads-as-person``: every other name that probablepeople tags as a person or household: the traps for
  the classifier (companies named after people, persons with a title);
- ``random``: 120 of the remaining names, drawn with ``random.Random(12)``.

The output has no label: labels.csv adds them (see README.md).
"""

from __future__ import annotations

import csv
import random
import re
import sys

from records import iter_name_cells

# The organisation words of the earlier SQL rule (store/sql/000_macros.sql, has_organisation_word), as they
# stood when the set was drawn.
EARLIER_WORDS = re.compile(
    r"\b(LLC|L\.L\.C|INC|INCORPORATED|CORP|CORPORATION|CO|COMPANY|LTD|LIMITED|LP|LLP|PLLC|PC|PA|GROUP|JV|JOINT|"
    r"VENTURE|PARTNERS|PARTNERSHIP|ASSOCIATES|ENTERPRISES?|SERVICES?|SOLUTIONS|SYSTEMS|TECHNOLOGY|TECHNOLOGIES|"
    r"CONSULTING|INDUSTRIES|INTERNATIONAL|HOLDINGS|TRUST|FOUNDATION|UNIVERSITY|COLLEGE|ASSOCIATION|SOCIETY|"
    r"INSTITUTE|CENTER|CENTRE|HOSPITAL|CLINIC|COUNTY|CITY|STATE|DEPARTMENT|AUTHORITY|BUILDERS|CONSTRUCTION|"
    r"ARMAMENT|SUPPLY|PRODUCTS|STORE|SHOP|LAW|FIRM|OFFICE|AGENCY|DATA|TELECOM|COURIER)\b"
)
RANDOM_SIZE = 120
SEED = 12


def _key(name: str) -> str:
    return " ".join(name.upper().split())


def _sole_proprietor(record: dict[str, str]) -> bool:
    return (record.get("sole_proprietorship") == "t"
            or "SOLE PROPRIETOR" in (record.get("subawardee_business_types") or "").upper())


def candidates() -> list[dict[str, str]]:
    import probablepeople

    first = {}
    for cell in iter_name_cells():
        first.setdefault(_key(cell.name), cell)
    chosen: dict[str, str] = {}
    for key, cell in first.items():
        if not EARLIER_WORDS.search(key):
            chosen[key] = "no-organisation-word"
        elif cell.column in ("recipient_name", "subawardee_name") and _sole_proprietor(cell.record):
            chosen[key] = "sole-proprietor"
    for key in first:
        if key in chosen:
            continue
        try:
            kind = probablepeople.tag(key)[1]
        except probablepeople.RepeatedLabelError:
            kind = "Corporation"
        if kind in ("Person", "Household"):
            chosen[key] = "reads-as-person"
    rest = sorted(k for k in first if k not in chosen)
    for key in random.Random(SEED).sample(rest, RANDOM_SIZE):
        chosen[key] = "random"
    out = []
    for key, stratum in chosen.items():
        c = first[key]
        out.append({"archive": c.archive, "member": c.member, "row": str(c.row), "column": c.column,
                    "stratum": stratum, "name": c.name})
    return sorted(out, key=lambda r: (r["archive"], r["member"], int(r["row"]), r["column"]))


def main() -> None:
    rows = candidates()
    writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


if __name__ == "__main__":
    main()
