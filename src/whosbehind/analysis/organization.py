"""One answer per organization: what `lookup`, the organization page, the API, the one-pager, the exports and
screening all show. The page and the JSON are two renderings of the dict ``answer`` builds.

Answers change only when the database is rebuilt: the build computes the organizations' answers in batches
(``answers``: each query runs once per batch, one answer is a batch of one) and stores them as JSON
(``store_answers``): every answer on a full build, after a scoped ingest those its rows may have changed
(analysis/answer_scope.py). The faces read them by key (``stored``, ``stored_json``).

Money has three levels, each stored and reconciled by `whosbehind check`: the record as published
(``records``), the organization, i.e. every record resolution merged into it (``total_obligated``,
``totals``), and the family under one ultimate parent (``family``). ``obligated`` is the organization's money
from the agencies in focus (ICE, CBP and DHS by default).
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from decimal import Decimal
from typing import Any

import duckdb

from whosbehind import jsontext
from whosbehind.analysis import changes, why
from whosbehind.errors import WhosbehindError
from whosbehind.model import GRADE_RANK, TIE_KIND_TITLES, Grade, Relation, TieKind
from whosbehind.store import db, queries

DEFAULT_FOCUS_CODES = ("7012", "7014", "070")  # ICE, CBP, DHS
EVIDENCE_PER_TIE = 3
MAX_FAMILY_MEMBERS = 30  # whose own ties and cloud products an organization's answer also lists
# The ties of one kind an answer lists, largest first; ``tie_kinds`` counts them all and
# /api/organizations/{id}/ties pages through them all. A maker whose products thousands of awards name would
# otherwise carry megabytes in every answer.
TIES_PER_KIND = 100
# Why-paths an answer carries per agency: as many as the page shows (``paths_count`` says how many there are;
# /api/why gives them all).
PATHS_PER_AGENCY = 8
RECENT_CHANGES = 20  # the newest changes of the family an answer carries ("What changed"; the feed has more)
# The order and the titles of tie kinds on every face (model.py holds the one list).
KIND_TITLES = {str(kind): title for kind, title in TIE_KIND_TITLES.items() if kind != TieKind.PART_OF}


class NotFound(WhosbehindError):
    """Asked for an id that is not in this database (``asked``, when a subclass names it)."""

    asked: str = ""

    def page_values(self) -> dict[str, str]:
        """What a page's words for it put in (web/app.py, NOT_FOUND_WORDS)."""
        return {"id": repr(self.asked)}


class NoSuchOrganization(NotFound):
    """Asked for an organization by an id this database does not hold (a page says so in its own language:
    web/app.py, NOT_FOUND_WORDS)."""

    def __init__(self, org_id: str) -> None:
        self.asked = org_id
        super().__init__(f"no organization with id {org_id!r} in this database")


class NoSuchChangesPage(NotFound):
    """Asked for a page of a list of changes past its last one (a page says so in its own language)."""

    def __init__(self, page: int, pages: int) -> None:
        self.asked, self.pages = str(page), pages
        super().__init__(f"page {page}: there are {pages} pages of changes")

    def page_values(self) -> dict[str, str]:
        return {"page": self.asked, "pages": str(self.pages)}


class NoSuchEvidence(NotFound):
    """Asked for a piece of evidence by an id this database does not hold (a page says so in its own language)."""

    def __init__(self, evidence_id: str) -> None:
        self.asked = evidence_id
        super().__init__(f"no evidence {evidence_id!r} in this database")


def focus_ids(con: duckdb.DuckDBPyConnection, codes: tuple[str, ...] = DEFAULT_FOCUS_CODES) -> set[str]:
    return {r["id"] for r in queries.rows(con, "focus_agency_ids", codes=list(codes))}


def answer(con: duckdb.DuckDBPyConnection, node_id: str, *, focus_codes: tuple[str, ...] = DEFAULT_FOCUS_CODES,
           awards: int = 10, subcontracts: int = 20, as_of: str | None = None) -> dict[str, Any]:
    """Everything about one node of the graph (an id of any of its records leads to it)."""
    node = queries.one(con, "lookup_node", id=node_id)
    if node is None:
        raise NoSuchOrganization(node_id)
    org = answers(con, [node["id"]], focus_codes=focus_codes, awards=awards, subcontracts=subcontracts)[node["id"]]
    if node_id != org["id"]:
        org["asked_for"] = {"id": node_id, "name": node["asked_name"] or node_id}
    if as_of:
        org["family_as_of"] = family_on(con, org["id"], as_of)
    return org


def answers(con: duckdb.DuckDBPyConnection, ids: list[str], *,
            focus_codes: tuple[str, ...] = DEFAULT_FOCUS_CODES, awards: int = 10,
            subcontracts: int = 20) -> dict[str, dict[str, Any]]:
    """The answers of a batch of nodes of the graph (their own ids, as ``lookup_node`` gives them), each query
    run once for the whole batch: one answer is a batch of one, and the build stores every organization's
    answer this way (``store_answers``)."""
    heads = {h["id"]: h for h in queries.rows(con, "answer_header", ids=ids)}
    ids = [i for i in ids if i in heads]
    focus = focus_ids(con, focus_codes)
    families = sorted({h["family_id"] for h in heads.values() if h["family_id"]})
    totals = _grouped(con, "answer_totals", ids=ids)
    records = _grouped(con, "answer_records", ids=ids)
    names = _grouped(con, "answer_names", ids=ids)
    members = _grouped(con, "answer_family", "for_family", families=families)
    family_totals = _grouped(con, "answer_family_totals", "for_family", families=families)
    largest = _grouped(con, "answer_largest_awards", ids=ids, limit=awards)
    subs = _grouped(con, "answer_subcontracts", ids=ids, limit=subcontracts)
    files = _grouped(con, "answer_files", ids=ids)
    # The other organizations of a family (and its brands) have ties of their own: shown as theirs.
    others = {i: [m for m in members.get(heads[i]["family_id"], []) if m["id"] != i][:MAX_FAMILY_MEMBERS]
              for i in ids}
    holders = sorted(set(ids) | {m["id"] for row in others.values() for m in row})
    ties = _ties(con, holders)
    fedramp_rows = _grouped(con, "answer_fedramp", ids=holders)
    paths = why.paths_from_many(con, ids, focus=tuple(sorted(_focus_heads(focus_codes))))
    changed = changes.recent_by_family(con, families, limit=RECENT_CHANGES)
    out = {}
    for org_id in ids:
        head, own_ties = heads[org_id], ties.get(org_id, [])
        fam_totals = family_totals.get(head["family_id"], [])
        family = members.get(head["family_id"], [])
        family_ties = [{**t, "holder_id": m["id"], "holder_name": m["name"]} for m in others[org_id]
                       for t in ties.get(m["id"], []) if t["kind"] not in ("parent", "brand", "offers")]
        org_totals = totals.get(org_id, [])
        found = paths[org_id]
        out[org_id] = {
            "id": org_id,
            "name": head["name"],
            "kind": head["kind"],
            "uei": head["uei"],
            "asked_for": None,
            "names": [n["name"] for n in names.get(org_id, [])],
            "records": records.get(org_id, []),
            "obligated": _sum(t["obligated"] for t in org_totals if _in_focus(t, focus)),
            "total_obligated": _sum(t["obligated"] for t in org_totals),
            "totals": org_totals,
            "family": {
                "id": head["family_id"],
                "name": head["family_name"] or head["name"],
                "obligated": _sum(t["obligated"] for t in fam_totals if _in_focus(t, focus)),
                "total_obligated": _sum(t["obligated"] for t in fam_totals),
                "by_agency": _by_agency(fam_totals),
                "members": [_member(m) for m in family],
            },
            "family_totals": fam_totals if len(family) > 1 else [],
            "ties": _listed(own_ties),
            "tie_kinds": _tie_kinds(own_ties),
            "family_ties": _listed(family_ties),
            "through_others": _through_others(own_ties + family_ties),
            "fedramp": _fedramp(fedramp_rows.get(org_id, []), focus)
            + [p for m in others[org_id] for p in _fedramp(fedramp_rows.get(m["id"], []), focus, m)],
            "largest_awards": largest.get(org_id, []),
            "subcontracts": subs.get(org_id, []),
            "why": {"paths_total": found["paths_total"], "by_agency": _why_groups(found["paths"])},
            "strongest": strongest(found["paths"]),
            "files": files.get(org_id, []),
            "changes": changed.get(head["family_id"], {"recent": [], "total": 0}),
            "family_as_of": None,
        }
    return out


def _why_groups(paths: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Why-paths by agency, the strongest PATHS_PER_AGENCY of each, with how many there are."""
    groups = why.by_agency(paths)
    for g in groups:
        g["paths_count"] = len(g["paths"])
        g["paths"] = g["paths"][:PATHS_PER_AGENCY]
    return groups


def _grouped(con: duckdb.DuckDBPyConnection, name: str, key: str = "for_id", **params: Any
             ) -> dict[str, list[dict[str, Any]]]:
    """The rows of a batch query, per node (or family) they are for, in the query's order."""
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in queries.rows(con, name, **params):
        out[r.pop(key)].append(r)
    return out


ANSWER_BATCH = 1000  # answers computed and written at a time by the build: memory stays bounded


def store_answers(con: duckdb.DuckDBPyConnection, only: set[str] | None = None) -> int:
    """Compute every organization's answer (or those in ``only``: analysis/answer_scope.py) and store it as the
    JSON the API serves (table of step 600), a batch at a time; returns how many changed (new, different, or gone:
    temp table ``answers_changed``, whose pages are rendered again). Run by the build once the graph is
    complete."""
    every = [r["id"] for r in queries.rows(con, "answer_ids")]
    ids = every if only is None else [i for i in every if i in only]
    for start in range(0, len(ids), ANSWER_BATCH):
        found = answers(con, ids[start:start + ANSWER_BATCH])
        with db.rows_table(con, "incoming_answers", {"id": "VARCHAR", "body": "BLOB"},
                           [(i, zlib.compress(jsontext.dumps(a))) for i, a in found.items()]):
            con.execute(db.query_text("answer_store"))
    with db.rows_table(con, "answers_wanted", {"id": "VARCHAR"}, [(i,) for i in every]):
        con.execute(db.query_text("answer_replace"))
    return con.execute("SELECT count(*) FROM answers_changed").fetchone()[0]


def stored_bodies(con: duckdb.DuckDBPyConnection) -> dict[str, bytes]:
    """Every stored answer, compressed, by its node's id (for a server that reads them by key all day: 17 MB
    for the bundled build's 8,350 answers)."""
    return dict(con.execute(db.query_text("answer_stored_all")).fetchall())


def from_body(body: bytes) -> bytes:
    """A stored answer's JSON, from its stored (compressed) form."""
    return zlib.decompress(body)


def stored_json(con: duckdb.DuckDBPyConnection, node_id: str) -> bytes | None:
    """The stored answer an id leads to, as the API's JSON; None when the build stored none for it (agencies,
    offices, or an id not in the database)."""
    row = queries.one(con, "answer_stored", id=node_id) or queries.one(con, "answer_stored_via", id=node_id)
    if row is None:
        return None
    body = from_body(row["body"])
    if row["id"] == node_id:
        return body
    org = jsontext.loads(body)
    org["asked_for"] = {"id": node_id, "name": row["asked_name"] or node_id}
    return jsontext.dumps(org)


def stored(con: duckdb.DuckDBPyConnection, node_id: str) -> dict[str, Any]:
    """The answer for an id, read from the store when the build stored it, computed otherwise; the same dict
    either way (dates as ISO text once stored)."""
    body = stored_json(con, node_id)
    return jsontext.loads(body) if body is not None else answer(con, node_id)


def family_on(con: duckdb.DuckDBPyConnection, org_id: str, day: str) -> dict[str, Any] | None:
    """The family an organization belonged to on a day (dated ownership: resolve/families.py), beside today's."""
    from whosbehind.resolve import families

    try:
        found = families.family_as_of(con, [org_id], day).get(org_id)
    except ValueError:
        raise WhosbehindError(f"as of {day!r}: give a date as YYYY-MM-DD") from None
    if found is None:
        return {"date": day, "id": org_id, "name": None, "members": []}
    members = families.family_members_as_of(con, found["family_id"], day)
    return {"date": day, "id": found["family_id"], "name": found["family_name"],
            "members": [{"id": m["id"], "name": m["name"]} for m in members]}


def for_query(con: duckdb.DuckDBPyConnection, query: str, **options: Any) -> dict[str, Any]:  # options: answer's
    """`lookup --json` and `GET /api/lookup`: the answer for what a person typed, or the candidates."""
    from whosbehind.analysis import lookup

    found = lookup.lookup(con, query)
    if not found.found or found.id is None:
        if not found.candidates:
            raise NotFound(f"{query!r}: {found.reason}")
        return found.to_dict()
    org = answer(con, found.id, **options) if options else stored(con, found.id)
    return {**org, "query": query, "status": "found", "basis": found.basis, "reason": found.reason,
            "asked_for": found.asked_for or org["asked_for"], "candidates": found.candidates}


def _focus_heads(codes: tuple[str, ...]) -> set[str]:
    return {f"agency:{c}" for c in codes}


def _in_focus(row: dict[str, Any], focus: set[str]) -> bool:
    return f"agency:{row['sub_agency_code']}" in focus or f"agency:{row['toptier_code']}" in focus


def _sum(values: Any) -> Decimal:
    return sum((v or Decimal(0) for v in values), Decimal(0))


def _by_agency(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A family's money per sub-agency, all fiscal years: the figure rankings show."""
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        key = r["sub_agency_code"] or r["toptier_code"] or "unknown"
        row = out.setdefault(key, {"agency_code": key, "toptier_code": r["toptier_code"],
                                   "agency_name": r["agency_name"], "abbreviation": r.get("abbreviation"),
                                   "obligated": Decimal(0), "source_rows": 0})
        row["obligated"] += r["obligated"] or Decimal(0)
        row["source_rows"] += r["source_rows"] or 0
    return sorted(out.values(), key=lambda r: -r["obligated"])


def _member(m: dict[str, Any]) -> dict[str, Any]:
    link = None
    if m["parent_id"]:
        link = {"parent_id": m["parent_id"], "parent_name": m["parent_name"], "source": m["link_source"],
                "grade": m["link_grade"], "valid_from": m["valid_from"], "as_of": m["as_of"], "citation": m["citation"]}
    return {"id": m["id"], "name": m["name"], "kind": m["kind"], "obligated": m["obligated"], "link": link}


def _ties(con: duckdb.DuckDBPyConnection, ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Every tie of each node, in the order of the tie kinds; those an answer lists (the first TIES_PER_KIND of
    each kind, its own or a family member's) with their strongest few pieces of evidence. Most of a reseller's
    ties are single awards naming a product: reading evidence for the ones no answer lists cost more than the
    rest of the answer."""
    order = {kind: n for n, kind in enumerate(KIND_TITLES)}
    out = _grouped(con, "answer_ties", ids=ids)
    listed = {(t["kind"], t["source_id"], t["target_id"], t["award_key"])
              for ties in out.values() for t in _listed(ties)}
    evidence: dict[tuple[str, str, str, str | None], list[dict[str, Any]]] = defaultdict(list)
    if listed:
        keys = sorted(listed, key=lambda k: (k[0], k[1], k[2], k[3] or ""))
        for e in queries.rows(con, "answer_tie_evidence", kinds=[k[0] for k in keys], sources=[k[1] for k in keys],
                              targets=[k[2] for k in keys], award_keys=[k[3] for k in keys],
                              per_tie=EVIDENCE_PER_TIE):
            evidence[(e.pop("kind"), e.pop("source_id"), e.pop("target_id"), e.pop("tie_award_key"))].append(e)
    for ties in out.values():
        for t in ties:
            t["evidence"] = evidence.get((t["kind"], t["source_id"], t["target_id"], t["award_key"]), [])
        ties.sort(key=lambda t: order.get(t["kind"], len(order)))
    return out


def _through_others(ties: list[dict[str, Any]]) -> dict[str, Any]:
    """Money that reaches a product's maker (or its family) through others: awards to resellers and integrators
    whose descriptions name the maker's products, by role. Never added to the maker's own prime totals."""
    named = [t for t in ties if t["kind"] == "named_in_award" and t["direction"] == "out"]
    by_role: dict[str, Decimal] = defaultdict(Decimal)
    by_recipient: dict[str, dict[str, Any]] = {}
    for t in named:
        by_role[t["role"] or "unknown"] += t["amount"] or Decimal(0)
        r = by_recipient.setdefault(t["other_id"], {"id": t["other_id"], "name": t["other_name"], "awards": 0,
                                                    "amount": Decimal(0)})
        r["awards"] += 1
        r["amount"] += t["amount"] or Decimal(0)
    return {"awards": len(named), "amount": _sum(t["amount"] for t in named), "by_role": dict(by_role),
            "recipients": sorted(by_recipient.values(), key=lambda r: -r["amount"])}


def family_products_only(answer: dict[str, Any]) -> list[str]:
    """The makers in its family whose products awards to others name, when none of those products is the
    organization's own (Ring's page: Amazon Web Services'); empty otherwise. Its page then says the money reaches its
    family, not it."""
    if not answer["through_others"]["awards"] or any(
            t["kind"] == TieKind.NAMED_IN_AWARD and t["direction"] == "out" for t in answer["ties"]):
        return []
    return list(dict.fromkeys(t["holder_name"] for t in answer["family_ties"]
                              if t["kind"] == TieKind.NAMED_IN_AWARD and t["direction"] == "out"))


def _tie_kinds(ties: list[dict[str, Any]]) -> list[dict[str, Any]]:
    kinds: dict[str, dict[str, Any]] = {}
    for t in ties:
        k = kinds.setdefault(t["kind"], {"kind": t["kind"], "title": KIND_TITLES.get(t["kind"], t["kind"]),
                                         "ties": 0, "listed": 0, "best_grade": t["grade"],
                                         "weakest_grade": t["grade"]})
        k["ties"] += 1
        k["listed"] = min(k["ties"], TIES_PER_KIND)
        k["best_grade"] = min(k["best_grade"], t["grade"])
        k["weakest_grade"] = max(k["weakest_grade"], t["grade"])
    return list(kinds.values())


def _listed(ties: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The first TIES_PER_KIND ties of each kind, in the order given (largest first within a kind)."""
    seen: dict[str, int] = defaultdict(int)
    out = []
    for t in ties:
        seen[t["kind"]] += 1
        if seen[t["kind"]] <= TIES_PER_KIND:
            out.append(t)
    return out


def _fedramp(rows: list[dict[str, Any]], focus: set[str], holder: dict[str, Any] | None = None
             ) -> list[dict[str, Any]]:
    """Cloud products with the agencies in focus that authorized or reuse them, and how many agencies in all;
    ``holder`` names the family member that offers them when it is not the organization itself."""
    products: dict[str, dict[str, Any]] = {}
    for r in rows:
        p = products.setdefault(r["product_id"], {"id": r["product_id"], "name": r["product"],
                                                  "status": r["product_status"], "impact_level": r["impact_level"],
                                                  "holder_id": holder["id"] if holder else None,
                                                  "holder_name": holder["name"] if holder else None,
                                                  "agencies": 0, "focus_agencies": []})
        if r["agency_id"]:
            p["agencies"] += 1
            if r["agency_id"] in focus:
                p["focus_agencies"].append({"id": r["agency_id"], "name": r["agency_name"],
                                            "first_date": r["first_date"], "last_date": r["last_date"],
                                            "status": r["status"], "grade": r["grade"]})
    return sorted(products.values(), key=lambda p: (-len(p["focus_agencies"]), -p["agencies"], p["name"]))


def without_a_tie(answer: dict[str, Any]) -> dict[str, Any] | None:
    """What a face says of an organization with no tie to the agencies in focus (no strongest line), or None when it
    has one: ``unverified``, whether paths reach the agencies all the same, each through a claim of grade D (never a
    tie on its own: Amazon Rekognition's use by ICE); ``other_kinds``, the kinds of the ties it has, which reach none
    of the agencies unless ``unverified`` (JPMorgan Chase's financing claim)."""
    if answer["strongest"]:
        return None
    return {"unverified": bool(answer["why"]["by_agency"]),
            "other_kinds": list(dict.fromkeys(t["kind"] for t in answer["ties"]))}


def tied_through(lines: list[dict[str, Any]]) -> list[tuple[str, list[list[dict[str, Any]]]]]:
    """Strongest lines as a page and a one-pager list them: by agency, in the order of each agency's strongest line;
    within an agency, the organization's own lines first, then each other holder's together (whose they are is
    said once, before them)."""
    by_agency: dict[str, list[dict[str, Any]]] = {}
    for line in lines:
        by_agency.setdefault(line["agency_name"], []).append(line)
    out = []
    for agency_name, of_agency in by_agency.items():
        held: dict[str, list[dict[str, Any]]] = {}
        for line in sorted(of_agency, key=lambda line: not line["own"]):  # a stable sort: its own first
            held.setdefault(line["tie_of"], []).append(line)
        out.append((agency_name, list(held.values())))
    return out


def strongest(paths: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One line per agency, kind of tie and holder, strongest grade first: the summary a page, a one-pager and
    screening lead with ("Tied to ICE through: FedRAMP authorization (A), hosting of ICM (C), ..."). A path of
    grade D (a claim its own source does not establish) is no line: grade D is never shown on its own."""
    seen: dict[tuple[str, str, bool, str | None], dict[str, Any]] = {}
    weight: dict[tuple[str, str, bool, str | None], Decimal] = {}  # the money of each line's tie
    for p in paths:
        if p["grade"] == Grade.D:
            continue  # unverified or not established: listed with its caveat under "why", never stated as a tie
        kinds = [s["kind"] for s in p["steps"] if s["kind"] not in why.FAMILY_KINDS]
        if p["relation"] == Relation.PARTNER and kinds[:1] == [TieKind.PARTNERSHIP] and len(kinds) > 1:
            # the line names the partner's own tie to the agency (Axon's prime contracts with CBP, for Ring);
            # the partnership is the step that leads to it, and the line's grade is the weaker of the two
            kinds = kinds[1:]
        kind = "cloud_authorization" if kinds[:1] == ["offers"] else (kinds[0] if kinds else "parent")
        # a family member's tie is a line of its own: GEO Group's page names B.I. Incorporated's ICE contracts
        # beside GEO Care's, not only the stronger graded of the two
        key = (p["agency"], kind, p["own"], None if p["own"] else p["tie_of"])
        if key in seen and GRADE_RANK[p["grade"]] >= GRADE_RANK[seen[key]["grade"]]:
            continue
        seen[key] = {"agency": p["agency"], "agency_name": p["agency_name"], "kind": kind,
                     "title": KIND_TITLES.get(kind, kind), "grade": p["grade"], "own": p["own"],
                     "tie_of": p["tie_of"], "tie_of_name": p["tie_of_name"], "relation": p["relation"],
                     "text": p["text"]}
        weight[key] = why.reaching_amount(p)
    # among lines of one grade, its own before its family's, then the most money first: screening reports the first
    return [line for _, line in sorted(seen.items(), key=lambda kv: (
        GRADE_RANK[kv[1]["grade"]], not kv[1]["own"], -weight[kv[0]], kv[1]["agency_name"], kv[1]["title"]))]
