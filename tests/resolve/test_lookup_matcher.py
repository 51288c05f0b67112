"""What lookup makes of the matcher's verdicts (resolve/match.py), on the built database's own records."""

from __future__ import annotations

from pathlib import Path

import duckdb

from whosbehind.analysis import lookup
from whosbehind.resolve.match import MatchResult


def test_an_ambiguous_verdict_whose_top_candidates_are_one_organizations_records_is_a_list(built_db: Path):
    # The matcher says "ambiguous" when the positive names belong to two organizations or more, but it keeps only
    # its five best candidates: those can all be records that resolution merged into one organization. Lookup
    # failed with a KeyError then (a 500 on the web). It must not answer that organization as the match either:
    # the name fits others; it is offered to choose, with the matcher's reason.
    con = duckdb.connect(str(built_db), read_only=True)
    try:
        canonical, records, name = con.execute(
            "SELECT canonical_id, list(id ORDER BY id), any_value(name) FROM organizations "
            "WHERE kind = 'company' GROUP BY canonical_id HAVING count(*) >= 2 ORDER BY count(*) DESC, 1 LIMIT 1"
        ).fetchone()
        result = MatchResult(name, None, None, 0.97, "ambiguous",
                             [{"feature": "decision", "level": "the name fits 2 different organizations: "
                                                                  f"{canonical}, uei:ZZZZZZZZZZZZ"}],
                             candidates=[{"id": r, "name": name, "score": 0.97, "decision": "positive"}
                                         for r in records[:5]])
        found = lookup._from_matcher(con, name.title(), result)
    finally:
        con.close()
    assert found is not None and found.status == "list" and found.basis == "name match"
    assert [c["id"] for c in found.candidates] == [canonical]
    assert found.reason.startswith("the name fits 2 different organizations") and found.match["rule"] == "ambiguous"
