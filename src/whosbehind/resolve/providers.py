"""FedRAMP providers matched to the organizations of the records by name, by resolution's own name rules.

The Marketplace writes a provider's name without its legal form ("Booz Allen Hamilton", "Cellebrite") and often
gives a UEI the award records do not carry, so step 410 (UEI, exact written name, curated keys) leaves such a
provider a node of its own: its cloud products and authorizations then stand apart from the company's contracts,
and the company's short name gives two answers. Here a provider that nothing else matched is matched to the
organizations whose name resolution's rules call the same (``scoring.decide``: the same words, the same legal form
or none on one side; never a generic name, a joint venture or two different legal forms), only when

- every organization whose name has those words is of one family: "Thomson Reuters" names THOMSON REUTERS
  CORPORATION and THOMSON REUTERS (MARKETS) LLC, of two families, and stays a node of its own;
- and the name has a word that is not a common English word (``names.is_common_word``), unless curated ownership
  holds that family: "Island", "Elastic" or "Knowledge Services" may be any small vendor of that name, and matching
  one would put the provider's cloud authorizations at DHS next to a company with no tie to them. "Deloitte" and
  "GitHub" are common by word counts (which count brands), and their families are curated.

Runs after step 410; step 500 reads the rows this adds to ``node_matches``, ranked after identifiers and exact
written names.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

import duckdb

from whosbehind.resolve import scoring
from whosbehind.resolve.decisions import Judgement
from whosbehind.resolve.names import is_common_word, normalize
from whosbehind.store import queries

RANK = 3  # after identifiers (1) and exact written names (2)


def distinctive(name: str) -> bool:
    """Whether a name has a word that is not common in English ("Cellebrite", "Booz Allen Hamilton"), read as written:
    the name keys abbreviate some words ("International" is "intl"), which word counts do not hold."""
    return any(not is_common_word(word) for word in re.findall(r"[a-z0-9]+", name.lower()))


def match(con: duckdb.DuckDBPyConnection) -> None:
    unmatched = queries.rows(con, "fedramp_providers_unmatched")
    keys = {p["node_id"]: normalize(p["name"]) for p in unmatched}
    providers = [p for p in unmatched if keys[p["node_id"]].core]
    if not providers:
        return
    words = sorted({keys[p["node_id"]].first_token for p in providers})
    same_words: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for org in queries.rows(con, "fedramp_provider_name_candidates", words=words):
        same_words[normalize(org["name"]).core].append(org)
    rows: dict[tuple[str, str], str] = {}
    for p in providers:
        key = keys[p["node_id"]]
        named = same_words.get(key.core, [])
        if len({org["family_id"] for org in named}) != 1:  # none, or several families: no one company is meant
            continue
        if not distinctive(p["name"]) and not named[0]["curated"]:
            continue
        for org in named:
            # The names have the same words (the candidates were chosen so), so the rules decide on the names alone:
            # the probability the matcher would give is not needed, and 1.0 lets no score rule refuse them.
            verdict = scoring.decide(p["name"], org["name"], 1.0)
            if verdict.judgement is Judgement.POSITIVE:
                rows.setdefault((p["node_id"], org["org_id"]), f"FedRAMP provider name {p['name']!r} and record "
                                                                f"name {org['name']!r}: {verdict.reason}")
    if rows:
        con.executemany("INSERT INTO node_matches (node_id, org_id, rank, basis) VALUES (?, ?, ?, ?)",
                        [(node, org, RANK, basis) for (node, org), basis in sorted(rows.items())])
