"""What lookup makes of the matcher's verdicts (resolve/match.py), on the built database's own records."""

from __future__ import annotations

from pathlib import Path

import duckdb

from whosbehind.analysis import lookup
from whosbehind.resolve.match import MatchResult


def test_an_ambiguous_verdict_whose_top_candidates_are_one_organizations_records_answers_it(built_db: Path):
    # The matcher says "ambiguous" when the positive names belong to two organizations or more, but it keeps only
    # its five best candidates: those can all be records that resolution merged into one organization. Lookup
    # answered with a KeyError then (a 500 on the web); it answers that organization.
    con = duckdb.connect(str(built_db), read_only=True)
    try:
        canonical, records, name = con.execute(
            "SELECT canonical_id, list(id ORDER BY id), any_value(name) FROM organizations "
            "WHERE kind = 'company' GROUP BY canonical_id HAVING count(*) >= 2 ORDER BY count(*) DESC, 1 LIMIT 1"
        ).fetchone()
        result = MatchResult(name, None, None, 0.97, "ambiguous",
                             [{"feature": "decision", "level": "the name fits 2 different organizations"}],
                             candidates=[{"id": r, "name": name, "score": 0.97, "decision": "positive"}
                                         for r in records[:5]])
        found = lookup._from_matcher(con, name.title(), result)
    finally:
        con.close()
    assert found is not None and found.status == "found"
    assert found.id == canonical
    assert found.basis == "name match"
