"""The resolution step of a build: runs after step 200 (organizations from exact identifiers), before 210.

1. Reference and curated inputs are stored: GLEIF level 2 and the Hoover's parent list (packaged reference
   files), curated ownership, brands and decisions (``curated/``).
2. Every name (organizations' names, reference names) is scored against its blocked candidates by the
   shipped Splink model; ``scoring.decide`` turns scores into positive / unsure decisions.
3. Identified organizations are compared on their records with addresses (``context_decisions``): two
   identifiers are one organization only when ``scoring.decide_records`` says so on name and context
   (the same name in the same state, or a score over name and context above the shipped threshold).
4. Curated decisions are added (they win), clusters are built (``decisions.build_clusters``), and the
   decisions, the clusters and the match index are stored for steps 210-220 and for `whosbehind match`.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import duckdb
import pyarrow as pa

from whosbehind.resolve import families, scoring
from whosbehind.resolve.decisions import (
    CONTEXT_RULES,
    Decision,
    Judgement,
    build_clusters,
    canonical_id,
    is_identifier_id,
    pair_key,
    read_curated,
)
from whosbehind.resolve.names import normalize
from whosbehind.store import db, queries

# The date of the shipped model and its rules. Model decisions are dated by it, not by the build, so every build
# of the same inputs writes the same decision log; change it with the model or the rules.
MODEL_VERSION = "2026-11-30"
# Low on purpose: the model only proposes pairs; `scoring.decide` applies the merge rules and thresholds.
PREDICT_THRESHOLD = 0.001


def _register(con: duckdb.DuckDBPyConnection, name: str, columns: dict[str, pa.DataType],
              rows: list[tuple[Any, ...]]) -> None:
    arrays = [pa.array([r[i] for r in rows], type=t) for i, t in enumerate(columns.values())]
    con.register(f"incoming_{name}", pa.Table.from_arrays(arrays, names=list(columns)))


def _date(value: str | None) -> str | None:
    return value or None


def store_inputs(con: duckdb.DuckDBPyConnection) -> None:
    s, d = pa.string(), pa.date32()
    ref_names: list[tuple[Any, ...]] = []
    for e in families.gleif_entities():
        ref_names.append((f"lei:{e['lei']}", e["legal_name"], "gleif", "A"))
        ref_names.extend((f"lei:{e['lei']}", o, "gleif previous or other name", "A")
                         for o in e["other_names"].split("; ") if o)
    ref_names.extend((f"duns:{h['duns']}", h["name"], "hoovers", "C") for h in families.hoovers_parents())
    _register(con, "reference_names", {"id": s, "name": s, "source": s, "grade": s}, ref_names)

    rels = [(r["child_lei"], r["parent_lei"], r["kind"], r["status"], _date(r["start_date"]), _date(r["end_date"]),
             r["corroboration"], r["record_id"], _date(r["publish_date"])) for r in families.gleif_relationships()]
    _register(con, "gleif_relationships", {"child_lei": s, "parent_lei": s, "kind": s, "status": s,
                                           "start_date": s, "end_date": s, "corroboration": s,
                                           "record_id": s, "publish_date": s}, rels)
    links = [(o.child_id, o.child_name, o.parent_id, o.parent_name, _date(o.valid_from), _date(o.valid_to),
              _date(o.as_of), o.grade, o.citation, o.note) for o in families.ownership()]
    _register(con, "curated_links", {"child_id": s, "child_name": s, "parent_id": s, "parent_name": s,
                                     "valid_from": s, "valid_to": s, "as_of": s, "grade": s, "citation": s,
                                     "note": s}, links)
    brand_rows = [(b.brand, normalize(b.brand).exact, b.owner_id, b.owner_name, b.grade, b.citation)
                  for b in families.brands()]
    _register(con, "brands", {"brand": s, "brand_key": s, "owner_id": s, "owner_name": s, "grade": s,
                              "citation": s}, brand_rows)
    del d
    con.execute(db.query_text("resolve_store_inputs"))
    for name in ("reference_names", "gleif_relationships", "curated_links", "brands"):
        con.unregister(f"incoming_{name}")


# Rules that keep two identified organizations apart: one record pair ruled so keeps them apart, even when
# other records of theirs would be merged (a name without its legal form). A legal form changed at the same
# address merges two records, but not two identifiers: a conversion that took a new registration made a
# new legal entity, and the two are left to the family links. Sister names ("KCORP SUPPORT SERVICES" /
# "KCORP TECHNOLOGY SERVICES") are two companies whatever else their records share.
VETO_RULES = frozenset({"empty", "joint-venture", "numbers-differ", "legal-form-differs", "legal-form-changed",
                        "sister-names"})


def _seen(rec: dict[str, Any]) -> str:
    """When a record's rows were written: " (2013-2018)", so a reader of a decision sees a registration
    replaced by another (a DUNS before 2022, a UEI after) rather than two at once."""
    first, last = rec.get("first_date"), rec.get("last_date")
    if not first:
        return ""
    return f" ({first.year})" if first.year == last.year else f" ({first.year}-{last.year})"


def _rank(dec: Decision) -> tuple[bool, float, str]:
    return (dec.decided_by in CONTEXT_RULES, dec.score or 0.0, dec.reason)


def context_decisions(records: list[dict[str, Any]], model: dict[str, Any],
                      known_ids: set[str] | None = None) -> list[Decision]:
    """Positive decisions between identified organizations, one per pair, from their records with addresses.

    ``records`` are ``scoring.record``s whose ``org_id`` is the organization each belongs to; only those
    with an address on both sides are compared, and only ids in ``known_ids`` (when given). A pair of
    organizations is joined when ``scoring.decide_records`` accepts one pair of their records and vetoes
    none; every other pair stays apart, as identifiers first demands.
    """
    placed = [r for r in records if scoring.has_address(r)
              and (known_ids is None or r["org_id"] in known_ids)]
    by_id = {r["unique_id"]: r for r in placed}
    threshold = scoring.context_threshold(model)
    found: dict[tuple[str, str], Decision] = {}
    vetoed: set[tuple[str, str]] = set()
    # Every blocked pair, whatever its score: the rules decide some of them without it.
    for a, b, prob in scoring.scored_pairs(model, placed, threshold=0.0):
        ra, rb = sorted((by_id[a], by_id[b]), key=lambda r: r["org_id"])
        if ra["org_id"] == rb["org_id"]:
            continue
        pair = (ra["org_id"], rb["org_id"])
        verdict = scoring.decide_records(ra, rb, prob, threshold)
        if verdict.rule in VETO_RULES:
            vetoed.add(pair)
            continue
        if verdict.judgement is not Judgement.POSITIVE:
            continue
        where = " ~ ".join(f"{r['name']} at {r['address']} {r['zip5'] or ''}".rstrip() + _seen(r) for r in (ra, rb))
        dec = Decision(*pair, Judgement.POSITIVE, f"model:{verdict.rule}", MODEL_VERSION,
                       f"{where}: {verdict.reason}", score=round(float(prob), 6))
        held = found.get(pair)
        # A rule allowed to join identifiers first, then the best-scored record pair explains the decision;
        # ties go by text, so every build says the same.
        if held is None or _rank(dec) > _rank(held):
            found[pair] = dec
    return [found[pair] for pair in sorted(found) if pair not in vetoed]


def model_decisions(pairs: list[dict[str, Any]], curated: list[Decision] | None = None,
                    context: list[Decision] | None = None) -> list[Decision]:
    """The model's decisions, one per pair of organizations (the best of their names' pairs).

    ``context`` decisions (identified organizations joined on name and context) are kept as they are.
    Identifiers already joined by a curated or a context decision count as one when deciding whether a
    name is ambiguous.
    """
    context = context or []
    curated_clusters, _ = build_clusters([*(curated or []), *context])
    best: dict[tuple[str, str], tuple[int, float, Decision]] = {
        d.pair: (2, d.score or 0.0, d) for d in context}
    for p in pairs:
        left, right = p["org_id_l"], p["org_id_r"]
        if left == right:
            continue
        prob = float(p["match_probability"])
        verdict = scoring.decide(p["name_l"], p["name_r"], prob)
        judgement, rule, reason = verdict.judgement, verdict.rule, verdict.reason
        if is_identifier_id(left) and is_identifier_id(right):
            if judgement is not Judgement.POSITIVE:
                continue
            # Identifiers first: two different identifiers are never merged on a name. Kept for review.
            judgement, rule = Judgement.UNSURE, "different-identifiers"
            reason = f"{reason}, but the records carry different identifiers"
        elif judgement is Judgement.UNSURE and prob < scoring.REVIEW_THRESHOLD:
            continue
        a, b = pair_key(left, right)
        names = (p["name_l"], p["name_r"]) if a == left else (p["name_r"], p["name_l"])
        dec = Decision(a, b, judgement, f"model:{rule}", MODEL_VERSION,
                       f"{names[0]} ~ {names[1]}: {reason}", score=round(prob, 6))
        rank = (1 if judgement is Judgement.POSITIVE else 0, prob, dec)
        held = best.get((a, b))
        if held is None or rank[:2] > held[:2]:
            best[(a, b)] = rank
    decisions = [v[2] for v in best.values()]
    # A name that matches several different identified organizations is ambiguous: merge it with none.
    # partners[name id] = the clusters of identifiers (their roots) the name matched
    partners: dict[str, set[str]] = defaultdict(set)
    for dec in decisions:
        if dec.judgement is Judgement.POSITIVE:
            for x, y in ((dec.left_id, dec.right_id), (dec.right_id, dec.left_id)):
                if not is_identifier_id(x) and is_identifier_id(y):
                    partners[x].add(curated_clusters.find(y))
    ambiguous = {x for x, roots in partners.items() if len(roots) > 1}
    out = []
    for dec in decisions:
        if dec.judgement is Judgement.POSITIVE and (dec.left_id in ambiguous or dec.right_id in ambiguous):
            which, other = ((dec.left_id, dec.right_id) if dec.left_id in ambiguous
                            else (dec.right_id, dec.left_id))
            own = curated_clusters.find(other)
            elsewhere = sorted(canonical_id(curated_clusters.members(root)) for root in partners[which]
                               if root != own)
            dec = Decision(dec.left_id, dec.right_id, Judgement.UNSURE, "model:ambiguous", dec.decided_at,
                           f"{dec.reason}; but {which} also matches {', '.join(elsewhere)}", dec.score)
        out.append(dec)
    return sorted(out, key=lambda d: d.pair)


def run(con: duckdb.DuckDBPyConnection) -> None:
    """Fill the resolution tables of step 150 (called by ``build.derive`` after step 200)."""
    store_inputs(con)
    names = queries.rows(con, "resolve_names")
    records = [scoring.record(str(i), r["id"], r["name"], naics=r["naics"], agency=r["agency"])
               for i, r in enumerate(names)]
    model = scoring.load_model()
    pairs = scoring.predict_within(model, records, threshold=PREDICT_THRESHOLD)
    placed = [scoring.context_record(str(i), r["org_id"], r)
              for i, r in enumerate(queries.rows(con, "resolve_context_records"))]
    curated = read_curated(families.curated_text("decisions.csv"))
    known = {r["id"] for r in names}
    decisions = curated + model_decisions(pairs, curated, context_decisions(placed, model, known))
    clusters, applied = build_clusters(decisions)

    name_of = {}
    for r in names:
        name_of.setdefault(r["id"], r["name"])
    s = pa.string()
    _register(con, "resolution_decisions", {
        "left_id": s, "right_id": s, "left_name": s, "right_name": s, "judgement": s, "decided_by": s,
        "decided_at": s, "reason": s, "rule": s, "score": pa.float64(), "applied": pa.bool_(), "note": s,
    }, [(a.decision.left_id, a.decision.right_id, name_of.get(a.decision.left_id), name_of.get(a.decision.right_id),
         a.decision.judgement.value, a.decision.decided_by, a.decision.decided_at, a.decision.reason,
         a.decision.decided_by.removeprefix("model:") if not a.decision.curated else "curated",
         a.decision.score, a.applied, a.note) for a in applied])
    resolution = []
    for members in clusters.components():
        if len(members) < 2:
            continue
        head = canonical_id(members)
        resolution.extend((m, head) for m in sorted(members) if m != head)
    _register(con, "resolution", {"org_id": s, "canonical_id": s}, sorted(resolution))
    _register(con, "match_names", {c: s for c in (
        "id", "name", "exact", "core", "tokens", "legal_form", "first_token", "block_a", "block_b", "naics", "agency")},
        [(r["org_id"], r["name"], r["exact"], r["core"], r["tokens"], r["legal_form"], r["first_token"],
          r["block_a"], r["block_b"], r["naics"], r["agency"]) for r in records])
    con.execute(db.query_text("resolve_store_results"))
    for name in ("resolution_decisions", "resolution", "match_names"):
        con.unregister(f"incoming_{name}")
