"""FedRAMP providers matched to the organizations of the records by name, by resolution's own name rules.

The Marketplace writes a provider's name without its legal form ("Booz Allen Hamilton", "Cellebrite") and often
gives a UEI the award records do not carry, so step 410 (UEI, exact written name, curated keys) leaves such a
provider a node of its own: its cloud products and authorizations then stand apart from the company's contracts,
and the company's short name gives two answers. Here a provider that nothing else matched is matched to the
organizations whose name resolution's rules call the same (``scoring.decide``: the same words, the same legal form
or none on one side; never a generic name, a joint venture or two different legal forms), only when every
organization whose name has those words is of one family: "Thomson Reuters" names THOMSON REUTERS CORPORATION and
THOMSON REUTERS (MARKETS) LLC, of two families, and stays a node of its own. Runs after step 410; step 500 reads
the rows this adds to ``node_matches``, ranked after identifiers and exact written names.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import duckdb

from whosbehind.resolve import scoring
from whosbehind.resolve.decisions import Judgement
from whosbehind.resolve.names import normalize
from whosbehind.store import queries

RANK = 3  # after identifiers (1) and exact written names (2)


def match(con: duckdb.DuckDBPyConnection) -> None:
    providers = [p for p in queries.rows(con, "fedramp_providers_unmatched") if normalize(p["name"]).core]
    if not providers:
        return
    keys = {p["node_id"]: normalize(p["name"]) for p in providers}
    words = sorted({k.first_token for k in keys.values()})
    same_words: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for org in queries.rows(con, "fedramp_provider_name_candidates", words=words):
        same_words[normalize(org["name"]).core].append(org)
    rows: dict[tuple[str, str], str] = {}
    for p in providers:
        named = same_words.get(keys[p["node_id"]].core, [])
        if len({org["family_id"] for org in named}) != 1:  # none, or several families: no one company is meant
            continue
        for org in named:
            verdict = scoring.decide(p["name"], org["name"], 1.0)
            if verdict.judgement is Judgement.POSITIVE:
                rows.setdefault((p["node_id"], org["org_id"]), f"FedRAMP provider name {p['name']!r} and record "
                                                                f"name {org['name']!r}: {verdict.reason}")
    con.executemany("INSERT INTO node_matches VALUES (?, ?, ?, ?)",
                    [(node, org, RANK, basis) for (node, org), basis in sorted(rows.items())])
