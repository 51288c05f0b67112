"""Matching names a person gives (one, or a whole vendor list) to organizations and their families.

``match_names(con, names)`` is what `whosbehind match` and the check-a-list page call. A name is
matched when exactly one organization (after merging) clears the rules of ``scoring.decide``; a brand
(curated) reaches its owner. Otherwise the answer is "no match", with the closest candidates and why
they were not taken, never a guess.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

import duckdb

from whosbehind.resolve import scoring
from whosbehind.resolve.decisions import Judgement
from whosbehind.resolve.names import NameKey, is_common_word, normalize
from whosbehind.sources.persons import is_given_name, names_a_listed_company, reads_as_person
from whosbehind.store import queries


@dataclass
class MatchResult:
    query: str
    match: dict[str, str] | None  # {"id", "name"}: the organization (after merging)
    family: dict[str, str] | None  # {"id", "name"}: its ultimate parent
    score: float | None  # Splink match probability of the best name pair (1.0 for a brand)
    rule: str  # which rule decided: same-name, spelling-variant, brand, ambiguous, no-match ...
    explanation: list[dict[str, Any]] = field(default_factory=list)
    matched_name: str | None = None
    brand: dict[str, str] | None = None
    candidates: list[dict[str, Any]] = field(default_factory=list)
    focus_ties: dict[str, Any] | None = None  # filled by match_names(..., focus_codes=...)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _orgs(con: duckdb.DuckDBPyConnection, ids: set[str]) -> dict[str, dict[str, Any]]:
    if not ids:
        return {}
    return {r["id"]: r for r in queries.rows(con, "match_organizations", ids=sorted(ids))}


def _result_for_org(query: str, org: dict[str, Any], **kw: Any) -> MatchResult:
    return MatchResult(
        query=query,
        match={"id": org["canonical_id"], "name": org["canonical_name"] or org["name"]},
        family={"id": org["family_id"], "name": org["family_name"] or org["family_id"]},
        **kw,
    )


def candidate_record(unique_id: str, stored: dict[str, Any]) -> dict[str, Any]:
    """A stored name as a Splink record: its stored keys, and no address context (names only)."""
    core = stored["core"] or ""
    return {**stored, "unique_id": unique_id, "truth": None, "lone_word": core if core and " " not in core else None,
            "compact": normalize(stored["name"]).compact or None, **dict.fromkeys(scoring.CONTEXT_COLUMNS)}


def match_names(
    con: duckdb.DuckDBPyConnection,
    names: list[str],
    *,
    focus_codes: list[str] | None = None,
    model: dict[str, Any] | None = None,
) -> list[MatchResult]:
    """One result per input name, in input order. ``focus_codes``: agency codes (e.g. 7012, 7014) whose
    obligations to the matched family are reported in ``focus_ties``."""
    model = model or scoring.load_model()
    keys = [normalize(n) for n in names]
    results: list[MatchResult | None] = [None] * len(names)

    brands = {b["brand_key"]: b for b in queries.rows(con, "match_brands", keys=[k.exact for k in keys if k.exact])}
    brand_orgs = _orgs(con, {b["owner_id"] for b in brands.values()})
    for i, k in enumerate(keys):
        b = brands.get(k.exact)
        if b and b["owner_id"] in brand_orgs:
            results[i] = _result_for_org(
                names[i], brand_orgs[b["owner_id"]], score=1.0, rule="brand", matched_name=b["brand"],
                brand={"brand": b["brand"], "owner_id": b["owner_id"], "grade": b["grade"], "citation": b["citation"]},
                explanation=[{"feature": "brand", "level": f"curated brand of {b['owner_name']} (grade {b['grade']})",
                              "left": names[i], "right": b["brand"], "match_weight": None}])

    todo = [i for i, r in enumerate(results) if r is None]
    left = [scoring.record(f"q{i}", "", names[i]) for i in todo if keys[i].core]
    scored: dict[str, list[dict[str, Any]]] = {}
    if left:
        cands = queries.rows(con, "match_candidates", cores=[r["core"] for r in left],
                             tokens=[r["tokens"] for r in left], block_a=[r["block_a"] for r in left],
                             block_b=[r["block_b"] for r in left],
                             lone_words=[r["lone_word"] for r in left if r["lone_word"]],
                             first_tokens=[r["first_token"] for r in left])
        right = [candidate_record(f"c{j}", c) for j, c in enumerate(cands)]
        for row in scoring.predict_between(model, left, right, threshold=0.0):
            if str(row["unique_id_l"]).startswith("c"):
                row = {k[:-2] + ("_r" if k.endswith("_l") else "_l") if k.endswith(("_l", "_r")) else k: v
                       for k, v in row.items()}
            scored.setdefault(row["unique_id_l"], []).append(row)

    cand_orgs = _orgs(con, {row["org_id_r"] for rows in scored.values() for row in rows})
    for i in todo:
        rows = sorted(scored.get(f"q{i}", []), key=lambda r: (-r["match_probability"], r["org_id_r"]))
        verdicts = []
        for row in rows:
            v = scoring.decide(names[i], row["name_r"], float(row["match_probability"]))
            verdicts.append((row, v))
        # Reference-only names (a Hoover's or GLEIF entity no record points at) are not organizations here.
        positives = [(row, v) for row, v in verdicts
                     if v.judgement is Judgement.POSITIVE and row["org_id_r"] in cand_orgs]
        candidates = [{"id": row["org_id_r"], "name": row["name_r"], "score": round(row["match_probability"], 4),
                       "decision": v.judgement.value, "rule": v.rule, "reason": v.reason}
                      for row, v in verdicts[:5]]
        clusters = {cand_orgs[row["org_id_r"]]["canonical_id"] for row, _ in positives}
        if len(clusters) == 1:
            row, v = positives[0]
            results[i] = _result_for_org(
                names[i], cand_orgs[row["org_id_r"]], score=round(float(row["match_probability"]), 6), rule=v.rule,
                matched_name=row["name_r"], candidates=candidates,
                explanation=[{"feature": "decision", "level": v.reason, "left": names[i], "right": row["name_r"],
                              "match_weight": None}, *scoring.explain_pair(model, row)])
            continue
        if len(clusters) > 1:
            fams = {cand_orgs[row["org_id_r"]]["family_id"] for row, _ in positives}
            head = _orgs(con, fams).get(next(iter(fams))) if len(fams) == 1 else None
            if head is not None:
                # Several organizations of one family fit the name ("Peraton"): the answer is the family's head.
                results[i] = _result_for_org(
                    names[i], head, score=round(float(positives[0][0]["match_probability"]), 6),
                    rule="one-family", matched_name=head["name"], candidates=candidates,
                    explanation=[{"feature": "decision",
                                  "level": f"the name fits {len(clusters)} organizations, all of one family: "
                                           + ", ".join(sorted(clusters)),
                                  "left": names[i], "right": head["name"], "match_weight": None}])
                continue
            org = cand_orgs[positives[0][0]["org_id_r"]]
            family = ({"id": org["family_id"], "name": org["family_name"] or org["family_id"]}
                      if len(fams) == 1 else None)
            results[i] = MatchResult(
                names[i], None, family, round(float(positives[0][0]["match_probability"]), 6), "ambiguous",
                [{"feature": "decision", "level": f"the name fits {len(clusters)} different organizations"
                  + (" of one family" if family else "") + ": " + ", ".join(sorted(clusters)),
                  "left": names[i], "right": None, "match_weight": None}], candidates=candidates)
            continue
        by_word = lone_word_match(con, names[i], keys[i], rows, cand_orgs, candidates)
        if by_word is not None:
            results[i] = by_word
            continue
        best = verdicts[0] if verdicts else None
        results[i] = MatchResult(
            names[i], None, None, round(float(best[0]["match_probability"]), 6) if best else None, "no-match",
            [{"feature": "decision", "level": ("no organization clears the rules; closest: "
                                               f"{best[0]['name_r']} ({best[1].reason})") if best
              else "no stored name shares a blocking key with this name (try the full name, e.g. with its "
                   "second word or legal form)", "left": names[i], "right": None,
              "match_weight": None}], candidates=candidates)

    # A name that reads as a private person's, and that no organization answers or begins with ("Booz Allen"
    # begins BOOZ ALLEN HAMILTON INC) is never matched or named; nor is one that begins with a company's own
    # first word, no first name, as a product's name does ("Palantir Foundry"), or a curated name ("Peter Kiewit":
    # PETER KIEWIT SONS', INC., which blocking may not score), nor a listed company's ("Goldman Sachs").
    for i, r in enumerate(results):
        if r is not None and r.rule == "no-match" and not any(
                _words(c["name"]).startswith(_words(names[i])) for c in r.candidates) and not _company_first(
                names[i], r.candidates) and typed_as_person(con, names[i], keys[i]):
            results[i] = withheld_person(names[i])
    final = [r for r in results if r is not None]
    if focus_codes:
        fam_ids = sorted({r.family["id"] for r in final if r.family})
        ties = {t["family_id"]: t for t in queries.rows(con, "family_focus_ties", families=fam_ids, codes=focus_codes)}
        for r in final:
            t = ties.get(r.family["id"]) if r.family else None
            r.focus_ties = {"tied": t is not None, "obligated": t["obligated"] if t else Decimal("0"),
                            "awards": t["awards"] if t else 0, "agency_codes": focus_codes}
    return final


# Said of every name that reads as a person's, whether or not that person received anything: it never tells
# whether a person is a recipient, nor calls a company with a name like a person's one ("Red Cross").
WITHHELD = "reads as a person's name; not looked up"


def _words(name: str) -> str:
    return " ".join(re.findall(r"[A-Z0-9]+", name.upper())) + " "


def _company_first(query: str, candidates: list[dict[str, Any]]) -> bool:
    """Whether the query's first word is no first name and begins a scored organization's name."""
    first = _words(query).split(" ", 1)[0]
    return bool(first) and not is_given_name(first) and any(
        _words(c["name"]).split(" ", 1)[0] == first for c in candidates)


def begins_a_curated_name(con: duckdb.DuckDBPyConnection, key: NameKey) -> bool:
    """Whether a curated name (claims or ownership, reviewed) begins with these whole words."""
    return bool(key.core) and queries.one(con, "lookup_curated_prefix", core=key.core)["curated"]


def typed_as_person(con: duckdb.DuckDBPyConnection, text: str, key: NameKey) -> bool:
    """Whether words a person typed read as a private person's name (``reads_as_person``) and name no company known
    by such a name: neither the beginning of a curated name ("Peter Kiewit": PETER KIEWIT SONS', INC.) nor a listed
    company ("Goldman Sachs"). Such words are never looked up (the matcher, and the lookup's respacing)."""
    return reads_as_person(text) and not begins_a_curated_name(con, key) and not names_a_listed_company(text)


def withheld_person(query: str) -> MatchResult:
    """The answer for a private person's name: no organization, no candidates, no family."""
    return MatchResult(
        query, None, None, None, "individual",
        [{"feature": "decision", "level": f"{WITHHELD}: whosbehind never "
          "names or matches private persons (their money counts under 'Individual recipients (names withheld)')",
          "left": query, "right": None, "match_weight": None}])


def common_word_alone(con: duckdb.DuckDBPyConnection, word: str) -> bool:
    """Whether a lone word is common in English (``names.is_common_word``: "Chase", "Apollo", but also "Lockheed",
    since word counts include brands) and begins no curated name. Such a word, typed alone, names no one company:
    many carry it, whatever few of them the records hold. One a curated name begins with is that company's."""
    return is_common_word(word) and not queries.one(con, "lookup_curated_word", word=word)["curated"]


def lone_word_match(con: duckdb.DuckDBPyConnection, query: str, key: NameKey, rows: list[dict[str, Any]],
                    cand_orgs: dict[str, dict[str, Any]], candidates: list[dict[str, Any]]) -> MatchResult | None:
    """A one-word query ("Palantir") names a company by its distinctive first word. It matches when every
    organization whose name begins with that word belongs to one family: the answer is the family's head
    (ultimate parent) when its own name begins with the word, else the one organization found. Short or
    generic words ("GEO", "Global"), common English words no curated name begins with ("Apollo", "Liberty":
    ``common_word_alone``) and words shared by several families ("Deloitte") get no match."""
    if key.lone_word is None or key.is_generic or common_word_alone(con, key.lone_word):
        return None
    found = [r for r in rows if normalize(r["name_r"]).first_token == key.lone_word and r["org_id_r"] in cand_orgs]
    if not found:
        return None
    families = {cand_orgs[r["org_id_r"]]["family_id"] for r in found}
    clusters = {cand_orgs[r["org_id_r"]]["canonical_id"] for r in found}
    if len(families) != 1:
        return None
    (family_id,) = families
    head = _orgs(con, {family_id}).get(family_id)
    if head is not None and normalize(head["name"]).first_token == key.lone_word:
        org = head
    elif len(clusters) == 1:
        org = cand_orgs[found[0]["org_id_r"]]
    else:
        return None
    # The score shown is the answer's own best name pair, not another family member's.
    own = [r for r in found if cand_orgs[r["org_id_r"]]["canonical_id"] == org["canonical_id"]]
    best = max(own or found, key=lambda r: float(r["match_probability"]))
    names = sorted({r["name_r"] for r in found})
    return _result_for_org(
        query, org, score=round(float(best["match_probability"]), 6), rule="lone-word-family",
        matched_name=org["name"], candidates=candidates,
        explanation=[{"feature": "decision",
                      "level": f"every organization whose name begins with {key.lone_word!r} belongs to one family "
                               f"({len(clusters)} organization(s), names: {'; '.join(names[:5])})",
                      "left": query, "right": org["name"], "match_weight": None}])


def match_name(con: duckdb.DuckDBPyConnection, name: str, **kw: Any) -> MatchResult:
    return match_names(con, [name], **kw)[0]


def explain(con: duckdb.DuckDBPyConnection, org_id: str) -> dict[str, Any] | None:
    """Why these records were merged into this organization, and where its family comes from."""
    org = queries.one(con, "explain_organization", id=org_id)
    if org is None:
        return None
    members = list(org["members"] or [org_id])
    decisions = queries.rows(con, "explain_decisions", members=members)
    path_row = queries.one(con, "explain_family_path", id=org["canonical_id"])
    path = list(path_row["path"]) if path_row else [org["canonical_id"]]
    links = queries.rows(con, "explain_family_links", ids=path)
    names = [r["name"] for r in queries.rows(con, "explain_names", members=members)]
    return {
        "id": org["id"], "name": org["name"],
        "organization": {"id": org["canonical_id"], "name": org["canonical_name"]},
        "family": {"id": org["family_id"], "name": org["family_name"]},
        "members": members,
        "names": names,
        "merge_decisions": decisions,
        "family_path": path,
        "family_links": links,
    }
