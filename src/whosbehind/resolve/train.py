"""Train the shipped Splink model from a built database: ``python -m whosbehind.resolve.train DB``.

Training records are recipients with the context their rows carry (query ``resolve_context_records``);
records that share a UEI or DUNS belong to the same organization. The model is estimated without
labels (u from random pairs, m by expectation maximisation); the labels only choose the merge threshold
for records with addresses. The result is written to ``reference/splink_model.json``; builds load it and
never retrain, so they are reproducible.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from whosbehind.resolve import scoring
from whosbehind.resolve.quality import truth_labels
from whosbehind.store import db, queries


def context_records(db_path: Path) -> list[dict[str, Any]]:
    """Every record of an identified organization with its context, labelled with its organization."""
    con = db.connect(db_path, read_only=True)
    try:
        rows = queries.rows(con, "resolve_context_records")
    finally:
        con.close()
    labels = truth_labels([[f"{k}:{r[k]}" for k in ("uei", "duns") if r[k]] for r in rows])
    return [scoring.context_record(str(i), "", r, truth=label)
            for i, (r, label) in enumerate(zip(rows, labels, strict=True))]


def main(argv: list[str]) -> None:  # pragma: no cover - maintenance script
    records = context_records(Path(argv[0]))
    model = scoring.train(records)
    threshold, score = scoring.choose_threshold(model, records)
    model[scoring.THRESHOLD_KEY] = threshold
    out = Path(__file__).parent / "reference" / scoring.MODEL_FILE
    out.write_text(json.dumps(model, indent=2, sort_keys=True) + "\n", "utf-8")
    print(f"trained on {len(records)} records; threshold {threshold:.6f} (precision {score.precision:.4f}, "
          f"recall {score.recall:.4f} on these records); wrote {out}")


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
