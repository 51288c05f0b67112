"""The JSON of an answer (jsontext.dumps, what the API serves and the build stores) is written by orjson for speed;
it must be the very bytes the standard library writes from the same answer, for every kind of value answers hold
(amounts as numbers with cents, amounts beyond $10 trillion as text, dates, names in any script)."""

from __future__ import annotations

import json
from pathlib import Path

from whosbehind import jsontext
from whosbehind.analysis import organization
from whosbehind.store import db, queries


def _standard(value: object) -> bytes:
    return json.dumps(jsontext.jsonable(value), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def test_every_answer_is_written_as_the_standard_library_writes_it(built_db: Path) -> None:
    con = db.connect(built_db, read_only=True)
    try:
        ids = [r["id"] for r in queries.rows(con, "answer_ids")]
        found = organization.answers(con, ids)
    finally:
        con.close()
    assert len(found) > 1000
    different = [i for i, a in found.items() if jsontext.dumps(a) != _standard(a)]
    assert different == []
    # what orjson refuses (an integer beyond 64 bits, keys that are not text) is still written
    odd = {1: 2**70, "when": [None, 0.5]}
    assert jsontext.dumps(odd) == _standard(odd) == b'{"1":1180591620717411303424,"when":[null,0.5]}'
