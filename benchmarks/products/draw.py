"""Draw a sample of awards to label for the product lexicon, without looking at what the classifier says.

    .venv/bin/python benchmarks/products/draw.py --db PATH --sample NAME --size N --seed S [--parts K] --out DIR

The pool is every award of the build whose descriptions contain a brand word: an alias of the lexicon
(curated/products.yaml), a trap word, or a maker outside the lexicon (BRAND_WORDS below), less the awards
labels.csv already holds and the awards of individual recipients (their names are never written here). The
sample is drawn at random from that pool, so its predicted pairs are a random sample of the pool's predicted
pairs and its precision estimates the classifier's on awards nobody has read.

Each part is a CSV to read by hand: `award_key`, `recipient_name`, `rows`, and `descriptions` (the award's
distinct descriptions, upper-cased and sorted, joined by " || "), with empty `expected` and `note` columns to fill.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
from pathlib import Path

import duckdb

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "src"))

from whosbehind.resolve import products  # noqa: E402

# Makers outside the lexicon and ordinary words that look like products: the pool includes their awards so that
# a sample holds the traps a reader meets, not only the lexicon's names.
BRAND_WORDS = [
    r"ZOOM", r"BROCADE", r"AKAMAI", r"SAMSUNG", r"LENOVO", r"JUNIPER", r"PALO ALTO", r"FORTINET", r"NETAPP",
    r"CLEAR", r"GOTHAM", r"CLEARVIEW", r"LEXISNEXIS", r"WESTLAW", r"GLOCK", r"SIG",
    r"COLT", r"TASER", r"AXON", r"AXIOM", r"GRAYKEY", r"ESRI", r"ARCGIS", r"TABLEAU", r"MULESOFT", r"RED HAT",
    r"SAP", r"ADOBE", r"APPLE", r"IPHONE", r"IPAD", r"AZURE", r"GOVCLOUD",
]


def pool_regex() -> str:
    lex = products.load_lexicon()
    words = [alias for product in lex.products.values() for alias in product.aliases] + BRAND_WORDS
    return "|".join(f"(?:{w})" for w in words)


def labelled_keys() -> set[str]:
    with (HERE / "labels.csv").open(encoding="utf-8", newline="") as handle:
        return {row["award_key"] for row in csv.DictReader(handle)}


def pool(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, int, str]]:
    # Python's re, not DuckDB's RE2: the lexicon's aliases are read on word boundaries with look-behinds
    brand = re.compile(rf"(?<![A-Z0-9])(?:{pool_regex()})(?![A-Z0-9])")
    rows = con.execute(
        """
        WITH ordered AS (
            SELECT award_key, recipient_name, individual, upper(coalesce(description, '')) AS description,
                   row_number() OVER (PARTITION BY award_key ORDER BY action_date, sha256, row_no) AS n
            FROM money
        )
        SELECT award_key, arg_min(recipient_name, n), count(*), bool_or(individual),
               list(DISTINCT description ORDER BY description)
        FROM ordered GROUP BY award_key ORDER BY award_key
        """).fetchall()
    taken = labelled_keys()
    return [(key, name, count, " || ".join(texts)) for key, name, count, individual, texts in rows
            if key not in taken and not individual and any(brand.search(t) for t in texts)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--sample", required=True)
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--parts", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    con = duckdb.connect(str(args.db), read_only=True)
    rows = pool(con)
    drawn = random.Random(args.seed).sample(rows, args.size)
    print(f"pool: {len(rows)} unlabelled awards; drawn {len(drawn)} with seed {args.seed}")
    args.out.mkdir(parents=True, exist_ok=True)
    for part in range(args.parts):
        path = args.out / f"{args.sample}_part{part + 1}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            out = csv.writer(handle)
            out.writerow(["award_key", "recipient_name", "rows", "descriptions", "expected", "note"])
            for key, name, count, descriptions in drawn[part::args.parts]:
                out.writerow([key, name, count, descriptions, "", ""])
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
