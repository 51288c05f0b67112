"""Train the shipped Splink model from a built database: ``python -m whosbehind.resolve.train DB``.

Ground truth: names that share a UEI or DUNS belong to the same organization. u-probabilities come from
random pairs, m-probabilities from the pairs that share an identifier. The result is written to
``reference/splink_model.json``; builds load it and never retrain, so they are reproducible.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from whosbehind.resolve import scoring
from whosbehind.store import db, queries


def training_records(db_path: Path) -> list[dict]:
    con = db.connect(db_path, read_only=True)
    try:
        rows = queries.rows(con, "resolve_training_names")
    finally:
        con.close()
    return [scoring.record(str(i), r["id"], r["name"], naics=r["naics"], agency=r["agency"], truth=r["id"])
            for i, r in enumerate(rows)]


def main(argv: list[str]) -> None:  # pragma: no cover - maintenance script
    records = training_records(Path(argv[0]))
    model = scoring.train(records)
    out = Path(__file__).parent / "reference" / scoring.MODEL_FILE
    out.write_text(json.dumps(model, indent=2, sort_keys=True) + "\n", "utf-8")
    print(f"trained on {len(records)} names; wrote {out}")


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
