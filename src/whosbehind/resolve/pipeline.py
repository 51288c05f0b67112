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

A scoped derive (build.derive) keeps these tables; they are made again only when the names, records or reported
parents read differ from the last run's (``inputs_digest``). Rows of companies already known usually leave every
decision as it was and skip the scoring; they do not when they bring a new name, address or phone number, move a
record's first or last year, change the industry or agency a company is most often paid under, or report a parent.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from contextlib import ExitStack
from typing import Any

import duckdb

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


def _register(stack: ExitStack, con: duckdb.DuckDBPyConnection, name: str, columns: dict[str, str],
              rows: list[tuple[Any, ...]]) -> None:
    """Python rows as the temporary table incoming_NAME until ``stack`` closes."""
    stack.enter_context(db.rows_table(con, f"incoming_{name}", columns, rows))


def _date(value: str | None) -> str | None:
    return value or None


def store_inputs(con: duckdb.DuckDBPyConnection) -> None:
    for table in ("reference_names", "gleif_relationships", "brands"):
        con.execute(f"DELETE FROM {table}")
    ref_names: list[tuple[Any, ...]] = []
    for e in families.gleif_entities():
        ref_names.append((f"lei:{e['lei']}", e["legal_name"], "gleif", "A"))
        ref_names.extend((f"lei:{e['lei']}", o, "gleif previous or other name", "A")
                         for o in e["other_names"].split("; ") if o)
    ref_names.extend((f"duns:{h['duns']}", h["name"], "hoovers", "C") for h in families.hoovers_parents())
    rels = [(r["child_lei"], r["parent_lei"], r["kind"], r["status"], _date(r["start_date"]), _date(r["end_date"]),
             r["corroboration"], r["record_id"], _date(r["publish_date"])) for r in families.gleif_relationships()]
    brand_rows = [(b.brand, normalize(b.brand).exact, b.owner_id, b.owner_name, b.grade, b.citation)
                  for b in families.brands()]
    s = "VARCHAR"
    with ExitStack() as stack:
        _register(stack, con, "reference_names", dict.fromkeys(("id", "name", "source", "grade"), s), ref_names)
        _register(stack, con, "gleif_relationships", dict.fromkeys((
            "child_lei", "parent_lei", "kind", "status", "start_date", "end_date", "corroboration", "record_id",
            "publish_date"), s), rels)
        _register(stack, con, "brands", dict.fromkeys((
            "brand", "brand_key", "owner_id", "owner_name", "grade", "citation"), s), brand_rows)
        con.execute(db.query_text("resolve_store_inputs"))


CURATORS = "whosbehind-curators (ownership.yaml)"


def curated_ownership_ids(own: families.Ownership, records: list[dict[str, Any]],
                          known: set[str] | None = None) -> dict[str, list[str]]:
    """The organization ids each curated organization names: its identifiers, and every record written under
    its name, a name it lists, or a former name (the same ``exact`` key). A name two curated organizations
    claim belongs to the one that calls it its own, never to the one that used it before (SAIC after 2013)."""
    own_keys: dict[str, set[str]] = {}
    former_keys: dict[str, set[str]] = {}
    for k, o in own.organizations.items():
        own_keys[k] = {normalize(n).exact for n in (o.name, *o.records)} - {""}
        former_keys[k] = {normalize(n).exact for n, _ in o.formerly} - {""}
    claimed = set().union(*own_keys.values()) if own_keys else set()
    by_exact: dict[str, set[str]] = defaultdict(set)
    for r in records:
        by_exact[r["exact"]].add(r["org_id"])
    # An identifier a curated organization lists is that organization's, whatever other names its records
    # carry (the records write RELX PLC beside RELX INC. under one DUNS).
    listed = {i: k for k, o in own.organizations.items() for i in o.ids}
    # Only organizations of the records (not a reference list's entry no record points at).
    known = known if known is not None else {r["org_id"] for r in records}
    out = {}
    for k, o in own.organizations.items():
        keys = own_keys[k] | (former_keys[k] - claimed)
        by_name = {i for key in keys for i in by_exact.get(key, ()) if listed.get(i, k) == k and i in known}
        own_id = {o.fallback_id} & known  # an organization known by its name id (a brand's owner)
        out[k] = sorted((set(o.ids) & known) | by_name | own_id)
    return out


def curated_ownership_decisions(own: families.Ownership, ids: dict[str, list[str]]) -> list[Decision]:
    """The records a curated organization names are one organization (curated positives: a negative line in
    decisions.csv still keeps two apart)."""
    out = []
    for k, found in sorted(ids.items()):
        for other in found[1:]:
            out.append(Decision(found[0], other, Judgement.POSITIVE, CURATORS, MODEL_VERSION,
                                f"both name {own.organizations[k].name} in curated ownership (organization {k})"))
    return out


def curated_ownership_rows(own: families.Ownership, ids: dict[str, list[str]], head_of: Any
                           ) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Rows of curated_links and curated_organizations, between the clusters the curated names found. An
    organization that is an entity of the curated claims (``entity``: Ring, Amazon Rekognition) has that entity's
    node as a head too, after any the records name: its links start from that node, which stays the claims' own
    (no decision merges it with a record)."""
    heads: dict[str, list[str]] = {}
    for k, o in own.organizations.items():
        found = sorted({head_of(i) for i in ids[k]})
        first = canonical_id(found) if found else (o.entity_id or o.fallback_id)
        heads[k] = [first, *(h for h in found if h != first)]
        if found and o.entity:
            heads[k].append(o.entity_id)
    # Only links that reach the records: a child the records name, or the parent of such a child (Refinitiv,
    # through Thomson Reuters (Markets)), or a claims' entity whose parent is one of those (Ring, of Amazon.com); a
    # database of other records gets no curated organizations.
    live = {k for k, found in ids.items() if found}
    while True:
        grown = (live | {link.parent for link in own.links if link.child in live}
                 | {link.child for link in own.links if link.parent in live and own.organizations[link.child].entity})
        if grown == live:
            break
        live = grown
    org_rows = [(h, k, o.name, bool(o.formerly), o.standalone, o.note)
                for k, o in sorted(own.organizations.items()) for h in heads[k] if ids[k] or (o.entity and k in live)]
    link_rows = []
    for link in own.links:
        if link.child not in live:
            continue
        child, parent = own.organizations[link.child], own.organizations[link.parent]
        for h in heads[link.child]:
            # A link not read in the document it cites is no stronger than published reporting (C); the
            # citation keeps the grade the document would give.
            grade = link.grade if link.checked else max(link.grade, "C")
            citation = link.citation if link.checked or grade == link.grade else (
                f"{link.citation} (grade {link.grade} once checked against this document; not checked)")
            link_rows.append((h, child.name, heads[link.parent][0], parent.name, _date(link.valid_from),
                              _date(link.valid_to), _date(link.as_of), grade, citation,
                              " ".join(x for x in (link.kind + ".", link.note) if x), link.kind, link.checked))
    return link_rows, org_rows


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
    first = rec.get("first_date")
    if not first:
        return ""
    last = rec.get("last_date") or first  # a summary row may give no latest action date
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


def names_that_join(names: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The names (rows of query ``resolve_names``) that may make two registrations one organization by name alone
    (the same legal name, a curated organization's name). Set aside:

    - a name a registration's rows seldom write (``minor``): a subaward's parent field once gave Deloitte &
      Touche's name to the registration Deloitte Consulting's rows report as their parent, which made the two firms
      one;
    - the names the records give a registration known only from parent fields (no row pays it) that Hoover's list
      of parents names as another company: Sprint's rows report as their parent, under Sprint's own name, the DUNS
      Hoover's gives SoftBank Group, which made SoftBank a name of Sprint (the reference's own name stays: it joins
      what it names). A registration some row pays keeps the names its rows give it.
    """
    elsewhere: dict[str, set[str]] = defaultdict(set)
    for r in names:
        if r.get("in_records") is False and r.get("paid") is False:
            elsewhere[r["id"]].add(normalize(r["name"]).core)
    return [r for r in names if not r.get("minor")
            and (r.get("in_records") is False or not elsewhere[r["id"]] - {normalize(r["name"]).core})]


def same_legal_name_decisions(names: list[dict[str, Any]], parents: dict[str, set[str]],
                              known_ids: set[str] | None = None) -> list[Decision]:
    """One organization under several registrations: identified organizations (UEI, DUNS) written under the
    same legal name in full (the ``exact`` key: every word and the legal form, "CACI, INC. - FEDERAL" =
    "CACI INC. - FEDERAL") are one organization, as when a company took a UEI in 2022 beside its DUNS or
    registered a second office.

    ``names`` are those that may join registrations (``names_that_join``). Not for a name without a legal form or a
    generic one ("FOUR LLC"): those need the context rules. Kept apart when the records show two companies: each
    reports a parent, and no parent is shared. Different states are not enough (in the bundled records every same
    legal name found in two states with no state in common is one company: Federal Prison Industries, Harris, L-3,
    Ernst & Young, FedEx; benchmarks/RESULTS.md). A person keeps two apart with a negative line in
    ``curated/decisions.csv``.
    """
    by_key: dict[str, dict[str, str]] = defaultdict(dict)
    for r in names:
        org = r["id"]
        if not is_identifier_id(org) or org.startswith("lei:") or (known_ids is not None and org not in known_ids):
            continue
        key = normalize(r["name"])
        if not key.legal_form or key.is_generic or not key.core:
            continue
        by_key[key.exact].setdefault(org, r["name"])
    out: dict[tuple[str, str], Decision] = {}
    for exact in sorted(by_key):
        ids = sorted(by_key[exact])
        for i, a in enumerate(ids):
            for b in ids[i + 1:]:
                pa_, pb_ = parents.get(a, set()) - {b}, parents.get(b, set()) - {a}
                if pa_ and pb_ and not pa_ & pb_:
                    continue
                reason = (f"{by_key[exact][a]} ~ {by_key[exact][b]}: the same legal name in full under two "
                          "registrations, and no record shows two companies (no two different reported parents)")
                out.setdefault(pair_key(a, b), Decision(*pair_key(a, b), Judgement.POSITIVE, "model:same-legal-name",
                                                        MODEL_VERSION, reason, score=1.0))
    return [out[k] for k in sorted(out)]


def model_decisions(pairs: list[dict[str, Any]], curated: list[Decision] | None = None,
                    context: list[Decision] | None = None) -> list[Decision]:
    """The model's decisions, one per pair of organizations (the best of their names' pairs).

    ``context`` decisions (identified organizations joined on name and context) are kept as they are.
    Identifiers already joined by a curated or a context decision count as one when deciding whether a
    name is ambiguous.
    """
    context = context or []
    curated_clusters, _ = build_clusters([*(curated or []), *context])
    # per pair: its rank (context first, then positive, then the higher score as stored, rounded, then the greatest
    # reason text, so that pairs of names with equal scores, which Splink lists in no fixed order, give every build
    # the same decision)
    best: dict[tuple[str, str], tuple[tuple[int, float, str], Decision]] = {
        d.pair: ((2, d.score or 0.0, d.reason), d) for d in context}
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
        rank = (1 if judgement is Judgement.POSITIVE else 0, round(prob, 6), dec.reason)
        held = best.get((a, b))
        if held is None or rank > held[0]:
            best[(a, b)] = (rank, dec)
    decisions = [v[1] for v in best.values()]
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


# Columns of query ``resolve_context_records`` that change when a known record gets new rows and that resolution
# does not read as they are: how many rows, which files, and the dates, of which only the years are read (``_seen``,
# in a decision's reason).
CHANGED_BY_NEW_ROWS = ("n_rows", "sources", "first_date", "last_date")


def inputs_digest(names: list[dict[str, Any]], parents: list[dict[str, Any]], companies: list[str],
                  context_rows: list[dict[str, Any]]) -> str:
    """A digest of everything ``run`` reads from the database. What else it reads (the packaged reference files,
    the curated files the settings name, the shipped model, the libraries' versions) is in ``db.code_fingerprint``,
    which a scoped derive shares with the derive whose tables it keeps (``build._can_scope``)."""
    digest = hashlib.sha256()
    for part in (names, parents, companies):
        digest.update(repr(part).encode() + b"\0")
    for r in context_rows:
        digest.update(repr(([v for k, v in r.items() if k not in CHANGED_BY_NEW_ROWS], _seen(r))).encode())
    return digest.hexdigest()


# What ``run`` writes, kept by a scoped derive with the inputs of step 150 (reference_names, gleif_relationships and
# brands: the packaged and curated files, written by ``store_inputs``).
RESULTS = ("resolution_decisions", "resolution", "match_names", "curated_links", "curated_organizations")


def run(con: duckdb.DuckDBPyConnection) -> None:
    """Fill the resolution tables of step 150 (called by ``build.derive`` after step 205). A scoped derive keeps
    them: when what resolution reads is what the last run read (``inputs_digest``), its results stand as they are;
    otherwise they are made again."""
    stored = [r[0] for r in con.execute("SELECT digest FROM resolution_inputs").fetchall()]
    if not stored:
        store_inputs(con)  # a full derive (tables just made) or one that never finished
    names = queries.rows(con, "resolve_names")
    context_rows = queries.rows(con, "resolve_context_records")
    parent_rows = queries.rows(con, "resolve_reported_parents")
    companies = [r[0] for r in
                 con.execute("SELECT id FROM organizations WHERE kind = 'company' ORDER BY id").fetchall()]
    digest = inputs_digest(names, parent_rows, companies, context_rows)
    if stored == [digest]:
        return
    for table in (*RESULTS, "resolution_inputs"):
        con.execute(f"DELETE FROM {table}")
    # Only the names that may join registrations are matched (names_that_join): a name set aside would make a
    # name-only record match a registration it does not name (Centerra's name-only rows and the parent DUNS its
    # registration reports under its own name, which Hoover's gives A&M Capital).
    joining = names_that_join(names)
    records = [scoring.record(str(i), r["id"], r["name"], naics=r["naics"], agency=r["agency"])
               for i, r in enumerate(joining)]
    model = scoring.load_model()
    pairs = scoring.predict_within(model, records, threshold=PREDICT_THRESHOLD)
    placed = [scoring.context_record(str(i), r["org_id"], r) for i, r in enumerate(context_rows)]
    own = families.ownership()
    # The organizations of the records, and those a curated brand names (a brand reaches its owner's family).
    in_records = set(companies) | {b.owner_id for b in families.brands()}
    own_ids = curated_ownership_ids(own, records, in_records)
    curated = curated_ownership_decisions(own, own_ids) + read_curated(families.curated_text("decisions.csv"))
    known = {r["id"] for r in names}
    parents: dict[str, set[str]] = defaultdict(set)
    for r in parent_rows:
        parents[r["child_id"]].add(r["parent_id"])
    context = context_decisions(placed, model, known)
    held = {d.pair for d in context}
    context += [d for d in same_legal_name_decisions(joining, parents, known) if d.pair not in held]
    decisions = curated + model_decisions(pairs, curated, context)
    clusters, applied = build_clusters(decisions)

    name_of = {}
    for r in names:
        name_of.setdefault(r["id"], r["name"])
    decision_rows = [(a.decision.left_id, a.decision.right_id, name_of.get(a.decision.left_id),
                      name_of.get(a.decision.right_id), a.decision.judgement.value, a.decision.decided_by,
                      a.decision.decided_at, a.decision.reason,
                      a.decision.decided_by.removeprefix("model:") if not a.decision.curated else "curated",
                      a.decision.score, a.applied, a.note) for a in applied]
    resolution = []
    for members in clusters.components():
        if len(members) < 2:
            continue
        head = canonical_id(members)
        resolution.extend((m, head) for m in sorted(members) if m != head)

    def head_of(org_id: str) -> str:
        return canonical_id(clusters.members(org_id))

    link_rows, org_rows = curated_ownership_rows(own, own_ids, head_of)
    s, b = "VARCHAR", "BOOLEAN"
    with ExitStack() as stack:
        _register(stack, con, "resolution_decisions", {
            "left_id": s, "right_id": s, "left_name": s, "right_name": s, "judgement": s, "decided_by": s,
            "decided_at": s, "reason": s, "rule": s, "score": "DOUBLE", "applied": b, "note": s}, decision_rows)
        _register(stack, con, "resolution", {"org_id": s, "canonical_id": s}, sorted(resolution))
        _register(stack, con, "curated_links", {
            "child_id": s, "child_name": s, "parent_id": s, "parent_name": s, "valid_from": s, "valid_to": s,
            "as_of": s, "grade": s, "citation": s, "note": s, "kind": s, "checked": b}, link_rows)
        _register(stack, con, "curated_organizations", {
            "org_id": s, "key": s, "name": s, "renamed": b, "standalone": b, "note": s}, org_rows)
        _register(stack, con, "match_names", dict.fromkeys((
            "id", "name", "exact", "core", "tokens", "legal_form", "first_token", "block_a", "block_b", "naics",
            "agency"), s), [(r["org_id"], r["name"], r["exact"], r["core"], r["tokens"], r["legal_form"],
                              r["first_token"], r["block_a"], r["block_b"], r["naics"], r["agency"]) for r in records])
        con.execute(db.query_text("resolve_store_results"))
    # last: a digest stands for results only once they are stored
    con.execute("INSERT INTO resolution_inputs VALUES (?)", [digest])
