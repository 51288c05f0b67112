"""How the award descriptions of contacts_labels.csv were chosen (prints the same cells again, without labels).

    .venv/bin/python benchmarks/privacy/contacts_sample.py [--csv PATH]

Every award-description cell of the three bundled archives (the columns in DESCRIPTION_COLUMNS), the first file
and row where each distinct text appears, in two strata:

- ``contact``: 150 drawn with random.Random(1201) from the texts where an @, a phone-like number or a contact
  marker is found (CONTACT below, the test step 100 made before the rules were revised): where the rules act;
- ``other``: 50 drawn with random.Random(1202) from the rest: names the rules would not see.

With --csv the cells are written with their text, for reading by hand; the labels file keeps only pointers and
character offsets, never the text.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from records import SAMPLE, iter_rows  # noqa: E402

DESCRIPTION_COLUMNS = {
    "api_transactions": ("Transaction Description",),
    "transactions_2018": ("award_description",),
    "prime_award_summaries": ("prime_award_base_transaction_description",),
    "prime_award_transactions": ("transaction_description", "prime_award_base_transaction_description"),
    "subawards": ("subaward_description",),
}
# The test of the macro public_text when the sample was drawn (RE2 there, Python here); the macro has since
# learnt more triggers (store/sql/100_money_rows.sql).
CONTACT = re.compile(r"@|\d{3}[ .)-]+\d{3}|\b(POC|COR|COTR|ACOR|ATTN|ATTENTION|CONTACT|REPRESENTATIVE|CO|KO|CS)\b",
                     re.IGNORECASE)
SIZES = {"contact": (150, 1201), "other": (50, 1202)}


def description_cells() -> list[tuple[str, str, int, str, str]]:
    """(archive, member, row, column, text) for the first cell holding each distinct description."""
    seen: set[str] = set()
    out = []
    for archive in sorted(SAMPLE.glob("*.zip")):
        for member, fmt, number, record in iter_rows(archive):
            for column in DESCRIPTION_COLUMNS.get(fmt.key, ()):
                text = (record.get(column) or "").strip()
                if text and text not in seen:
                    seen.add(text)
                    out.append((archive.name, member, number, column, text))
    return out


def draw() -> list[tuple[str, tuple[str, str, int, str, str]]]:
    cells = description_cells()
    strata = {"contact": [c for c in cells if CONTACT.search(c[4])],
              "other": [c for c in cells if not CONTACT.search(c[4])]}
    out = []
    for name, (size, seed) in SIZES.items():
        out += [(name, c) for c in random.Random(seed).sample(strata[name], size)]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, help="write the drawn cells with their text here")
    args = parser.parse_args()
    drawn = draw()
    if args.csv:
        with args.csv.open("w", encoding="utf-8", newline="") as handle:
            out = csv.writer(handle)
            out.writerow(["archive", "member", "row", "column", "stratum", "text", "spans"])
            for stratum, (archive, member, row, column, text) in drawn:
                out.writerow([archive, member, row, column, stratum, text, ""])
    for stratum, (archive, member, row, column, _text) in drawn:
        print(stratum, archive, member, row, column, sep="\t")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
