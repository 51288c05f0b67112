"""Why is this organization here: every path from an organization or brand to an agency in focus.

A path is a chain of ties of the one graph (step 500: ties between canonical nodes), each step with its kind,
grade, evidence and dates; its grade is its weakest step.

How paths may run (so a path always reads as a reason, never as a guess):
1. first, family steps: brand <-> owner (a brand reaches its owner's ties and the owner its brands), then
   either up to parents or down to subsidiaries, never both (no wandering to siblings);
2. then ties toward the agency: a prime contract, a subcontract under a prime, a cloud product's
   authorization, hosting a system the agency uses, supplying, financing, operating a facility on ICE's list,
   a product named in an award to a reseller, a cloud product running on another;
3. at most one partnership step: a partner's tie is shown, a partner's partner's never;
4. a path ends at the first agency in focus it reaches; an agency outside the focus ends it, unless it is
   part of one in focus (one more step, to that agency); a path reaches its first agency in at most MAX_STEPS
   steps (``reaching`` relies on that); one path per distinct chain of ties.
A tie reached through a family, brand or partner step is shown as that organization's tie, not the start's.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

import duckdb

from whosbehind.errors import WhosbehindError
from whosbehind.model import GRADE_RANK, SAID_AS_REPORTED, Relation
from whosbehind.store import queries

DEFAULT_FOCUS = ("agency:7012", "agency:7014", "agency:070")
MAX_STEPS = 5
MAX_PATHS = 300  # paths returned, chosen so that every kind of chain and agency shows (see _diverse)
PATHS_PER_CHAIN = 20  # paths of one kind of chain to one agency, the strongest first
WALK_BUDGET = 150  # paths found through one first tie kind before the walk stops looking further that way
FAMILY_KINDS = {"parent_up", "parent_down", "brand_up", "brand_down"}
# Ties walked from their target to their source: money flows from the agency (source) to the recipient
# (target); an agency (source) uses a system (target); a cloud product (source) runs on a host (target).
REVERSED = {"prime_contract", "subcontract", "system_use", "runs_on"}


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    kind: str  # the stored tie kind; for family steps: parent_up/parent_down/brand_up/brand_down
    stored: tuple[str, str, str]  # (kind, source_id, target_id) of the stored tie
    grade: str | None


class Graph:
    """The ties of one database, read once and kept while the file does not change. It holds no connection: the
    server's requests share it, each reading evidence with its own (``paths_from_many``)."""

    _kept: ClassVar[dict[tuple[str, float], Graph]] = {}

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.names: dict[str, str] = {}
        self.kinds: dict[str, str] = {}
        self.forward: dict[str, list[Edge]] = defaultdict(list)
        self.family: dict[str, list[Edge]] = defaultdict(list)
        self.ties: dict[tuple[str, str, str], dict[str, Any]] = {}
        for node in queries.rows(con, "why_graph_nodes"):
            self.names[node["id"]] = node["name"]
            self.kinds[node["id"]] = node["kind"]
        for tie in queries.rows(con, "why_graph_ties"):  # one row per kind and pair: awards added up there
            key = (tie["kind"], tie["source_id"], tie["target_id"])
            self.ties[key] = tie
            self._add(tie, key)

    @classmethod
    def of(cls, con: duckdb.DuckDBPyConnection) -> Graph:
        """The graph of this connection's database file, built once per version of the file."""
        path = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
                           ).fetchone()
        file = Path(path[0]) if path and path[0] else None
        if file is None or not file.exists():
            return cls(con)
        key = (str(file.resolve()), file.stat().st_mtime)
        graph = cls._kept.get(key)
        if graph is None:
            cls._kept.clear()
            graph = cls._kept[key] = cls(con)
        return graph

    @classmethod
    def forget(cls) -> None:
        """Drop the kept graph: a build calls this before publishing, as the file it writes keeps its time until
        it is closed, and its copy (store/ingest.py) the time of the file it was copied from."""
        cls._kept.clear()

    def _add(self, tie: dict[str, Any], key: tuple[str, str, str]) -> None:
        if tie["kind"] == "parent" and tie["status"] and "current" not in tie["status"]:
            return  # an ended ownership is history, not a path
        for start, end, step in steps_of(tie["kind"], tie["source_id"], tie["target_id"]):
            edges = self.family if step in FAMILY_KINDS else self.forward
            edges[start].append(Edge(start, end, step, key, tie["grade"]))

    def name(self, node_id: str) -> str:
        return self.names.get(node_id, node_id)


def why(con: duckdb.DuckDBPyConnection, term: str, *, focus: tuple[str, ...] = DEFAULT_FOCUS) -> dict[str, Any]:
    """Every path from what `term` names (read by the one lookup) to the agencies in focus."""
    from whosbehind.analysis import lookup

    found = lookup.lookup(con, term)
    if not found.found or found.id is None:
        listed = "; ".join(f"{c['name']} ({c['id']})" for c in found.candidates[:5])
        raise WhosbehindError(f"{term!r}: {found.reason}" + (f"; candidates: {listed}" if listed else ""))
    result = paths_from(con, found.id, focus=focus)
    result["query"] = term
    result["family"] = found.family
    return result


def paths_from(con: duckdb.DuckDBPyConnection, start: str, *, focus: tuple[str, ...] = DEFAULT_FOCUS,
               evidence: bool = True) -> dict[str, Any]:
    """Paths from one node. Without ``evidence`` the steps carry no evidence items (screening a long list)."""
    return paths_from_many(con, [start], focus=focus, evidence=evidence)[start]


def paths_from_many(con: duckdb.DuckDBPyConnection, starts: list[str], *, focus: tuple[str, ...] = DEFAULT_FOCUS,
                    evidence: bool = True) -> dict[str, dict[str, Any]]:
    """``paths_from`` for many nodes at once: the evidence of every tie they walk is read in one query (the
    build stores the answers this way)."""
    graph = Graph.of(con)
    focus_set = set(focus)
    chosen_of: dict[str, tuple[list[list[Edge]], int]] = {}
    for start in starts:
        raw_paths: list[list[Edge]] = []
        _walk(graph, start, [], {start}, "start", focus_set, raw_paths, {})
        unique = {tuple(e.stored for e in p): p for p in raw_paths}
        chosen_of[start] = (_diverse(graph, list(unique.values())), len(unique))
    keys = {e.stored for chosen, _n in chosen_of.values() for p in chosen for e in p}
    cited = _evidence(con, keys) if evidence else {}
    out = {}
    for start, (chosen, total) in chosen_of.items():
        paths = [_describe(graph, p, cited) for p in chosen]
        # Strongest first; within a grade, a company's own products and ties before other companies' products
        # that merely run on them.
        paths.sort(key=lambda p: (GRADE_RANK[p["grade"]], not p["own"],
                                  any(s["kind"] == "runs_on" for s in p["steps"]), len(p["steps"]), p["agency"]))
        out[start] = {"query": start, "matched": [{"id": start, "name": graph.name(start)}],
                      "focus": [{"id": f, "name": graph.name(f)} for f in focus], "paths": paths,
                      "paths_total": total}
    return out


def _grade_of(graph: Graph, path: list[Edge]) -> str:
    return max((e.grade or "E" for e in path), key=GRADE_RANK.__getitem__)


def _family_rank(path: list[Edge]) -> tuple[int, bool]:
    """Among paths of one grade, the one whose steps into the family are the stronger links first, then ownership
    before a brand claim: a holder that is both a cited subsidiary (A) and a brand in reporting (C), Amazon Web
    Services for Amazon.com, is named by the subsidiary link its lines then follow (organization.strongest keeps
    the first path of each line)."""
    hops = [e for e in path if e.kind in FAMILY_KINDS]
    weakest = max((GRADE_RANK[e.grade or "E"] for e in hops), default=0)
    return weakest, any(e.kind.startswith("brand") for e in hops)


def _diverse(graph: Graph, paths: list[list[Edge]]) -> list[list[Edge]]:
    """At most PATHS_PER_CHAIN paths per agency and kind of chain, strongest and shortest first, MAX_PATHS in all:
    hundreds of cloud products running on one host never hide the awards that name its products."""
    ranked = sorted(paths, key=lambda p: (GRADE_RANK[_grade_of(graph, p)], _family_rank(p),
                                          any(e.kind == "runs_on" for e in p), len(p),
                                          [(e.kind, e.source, e.target) for e in p]))
    counts: dict[tuple[str, tuple[str, ...]], int] = {}
    out = []
    for p in ranked:
        key = (p[-1].target, tuple(e.kind for e in p))
        if counts.get(key, 0) < PATHS_PER_CHAIN:
            counts[key] = counts.get(key, 0) + 1
            out.append(p)
    return out[:MAX_PATHS]


def _walk(graph: Graph, node: str, path: list[Edge], seen: set[str], phase: str, focus: set[str],
          out: list[list[Edge]], found: dict[str, int]) -> None:
    # The walk's budget is kept per kind of the first tie, so that one kind with a huge fan-out (cloud products
    # running on a host) cannot use up the search before the others are walked.
    first = next((e.kind for e in path if e.kind not in FAMILY_KINDS), None)
    if first is not None and found.get(first, 0) >= WALK_BUDGET:
        return
    if path and node in focus:
        out.append(list(path))
        found[first or ""] = found.get(first or "", 0) + 1
        return
    if path and _is_agency(graph, node):
        for e in graph.forward.get(node, []):
            if e.kind == "part_of" and e.target in focus and e.target not in seen:
                out.append([*path, e])
                found[first or ""] = found.get(first or "", 0) + 1
        return
    if len(path) >= MAX_STEPS:  # (``reaching``, which a scoped build trusts, walks back as far as this)
        return
    partnered = any(e.kind == "partnership" for e in path)
    moves: list[tuple[Edge, str]] = []
    if phase != "chain":
        for e in graph.family.get(node, []):  # a brand owner counts as a parent, a brand as a subsidiary
            if e.kind in ("parent_up", "brand_up") and phase in ("start", "up"):
                moves.append((e, "up"))
            elif e.kind in ("parent_down", "brand_down") and phase in ("start", "down"):
                moves.append((e, "down"))
    last = path[-1].kind if path else None
    moves += [(e, "chain") for e in graph.forward.get(node, []) if _may_follow(last, e.kind, partnered)]
    for edge, next_phase in moves:
        if edge.target in seen:
            continue
        seen.add(edge.target)
        path.append(edge)
        _walk(graph, edge.target, path, seen, next_phase, focus, out, found)
        path.pop()
        seen.discard(edge.target)


def _may_follow(last: str | None, kind: str, partnered: bool) -> bool:
    """Which tie may come next, so that a path reads as one reason: an award naming a product leads only to
    that award's prime contract; a product runs on a host only right after the host's provider offers it (one
    hop: the products running on those products are theirs; a partner's hosts are not walked); one partnership
    at most."""
    if kind == "part_of" or (partnered and kind == "partnership"):
        return False
    if last == "named_in_award":
        return kind == "prime_contract"
    if kind == "runs_on":
        return last == "offers" and not partnered
    return True


def steps_of(kind: str, source: str, target: str) -> tuple[tuple[str, str, str], ...]:
    """The steps a walk may take along a stored tie: (from, to, step kind). Both the graph (Graph._add) and the
    scope of a scoped build (walked_from) read them here, so the two cannot disagree on a tie's direction."""
    if kind in REVERSED:
        return ((target, source, kind),)
    if kind in ("parent", "brand"):
        return ((source, target, f"{kind}_up"), (target, source, f"{kind}_down"))
    if kind == "partnership":
        return ((source, target, kind), (target, source, kind))
    # part_of, offers, cloud_authorization, facility_operation, detention_facility, hosting, supply ...
    return ((source, target, kind),)


def walked_from(kind: str, source: str, target: str) -> tuple[str, ...]:
    """The nodes a walk leaves by a tie of this kind: a change to the tie changes the paths of every node whose
    walk reaches one of them. An ended ownership, which the graph leaves out, counts too: it was a step before."""
    return tuple(dict.fromkeys(start for start, _end, _step in steps_of(kind, source, target)))


def reaching(graph: Graph, nodes: set[str]) -> set[str]:
    """Every node whose walk (``_walk``) may step on one of ``nodes``: the nodes themselves and those that lead to
    them in at most MAX_STEPS steps. A walk ends at an agency, so it never leads on from one."""
    leading: dict[str, set[str]] = defaultdict(set)
    for edges in (*graph.forward.values(), *graph.family.values()):
        for e in edges:
            leading[e.target].add(e.source)
    found, frontier = set(nodes), set(nodes)
    for _ in range(MAX_STEPS):
        frontier = {u for v in frontier for u in leading.get(v, ()) if u not in found and not _is_agency(graph, u)}
        found |= frontier
    return found


def _is_agency(graph: Graph, node: str) -> bool:
    return node.startswith(("agency:", "fedramp-agency:")) or graph.kinds.get(node) in ("agency", "sub_agency")


def _describe(graph: Graph, path: list[Edge], cited: dict[tuple[str, str, str], list[dict[str, Any]]]
              ) -> dict[str, Any]:
    agency = path[-1].target
    steps = [_step(graph, e, cited.get(e.stored, [])) for e in path]
    graded = [s["grade"] for s in steps if s["grade"]]
    grade = max(graded, key=GRADE_RANK.__getitem__) if graded else "E"
    first_tie = next((e for e in path if e.kind not in FAMILY_KINDS), None)
    holder = first_tie.source if first_tie else path[0].source
    family_hops = [e.kind for e in path[: path.index(first_tie)] if e.kind in FAMILY_KINDS] if first_tie else []
    partner = next((e for e in path if e.kind == "partnership"), None)
    own = not family_hops and partner is None
    relation = Relation.OWN
    if family_hops:
        relation = {"parent_up": Relation.PARENT, "parent_down": Relation.SUBSIDIARY,
                    "brand_up": Relation.BRAND_OWNER, "brand_down": Relation.BRAND}[family_hops[-1]]
    elif partner is not None:
        relation, holder = Relation.PARTNER, partner.target
    text = " ".join(s["text"] for s in steps)
    if not own:
        text = f"This is the {relation} tie ({graph.name(holder)}), not {graph.name(path[0].source)}'s own. " + text
    return {
        "agency": agency, "agency_name": graph.name(agency), "grade": grade, "own": own, "tie_of": holder,
        "tie_of_name": graph.name(holder), "relation": relation,
        # A tie of the start organization inferred from this path is whosbehind's inference: grade E.
        "inferred_tie_grade": None if own else "E",
        "disputed": any(s["status"] and ("disputed" in s["status"] or "not_established" in s["status"])
                        for s in steps),
        "steps": steps, "text": text, "prefix_steps": len(family_hops),
    }


def money(value: Decimal | None) -> str:
    """Dollars with cents, a minus sign before the dollar sign."""
    if value is None:
        return ""
    return f"-${-value:,.2f}" if value < 0 else f"${value:,.2f}"


def _step(graph: Graph, e: Edge, evidence: list[dict[str, Any]]) -> dict[str, Any]:
    tie = graph.ties[e.stored]
    kind = e.kind
    a, b = graph.name(e.source), graph.name(e.target)
    cited = "; ".join(dict.fromkeys(x["source_name"] for x in evidence if x.get("source_name")))
    step: dict[str, Any] = {
        "from": e.source, "from_name": a, "to": e.target, "to_name": b, "kind": kind, "grade": e.grade,
        "source": cited or "the records named in its evidence", "cited": cited, "first_date": tie["first_date"],
        "last_date": tie["last_date"], "amount": tie["amount"], "awards": tie["awards"], "status": tie["status"],
        "evidence": evidence,
    }
    dated = tie["first_date"] or tie["last_date"]
    when = f" ({tie['first_date'] or '?'} to {tie['last_date'] or '?'})" if dated else ""
    amount = money(tie["amount"])
    if kind == "prime_contract":
        step["text"] = (f"USAspending records show {b} obligated {amount} to {a}{when} under "
                        f"{tie['awards']} award(s) (grade {e.grade}).")
    elif kind == "subcontract":
        step["text"] = f"{b} reported subawards of {amount} to {a}{when} (self-reported, grade {e.grade})."
    elif kind in ("parent_up", "parent_down"):
        child, parent = (a, b) if kind == "parent_up" else (b, a)
        if e.grade in SAID_AS_REPORTED:
            # published, not an official record: said as reported, where it was reported (README, principle 2)
            where = next((x["locator"] for x in evidence if x.get("locator")), None) or cited or "its citation"
            step["text"] = f"Reported in {where}: {child} is a subsidiary of {parent} (grade {e.grade})."
        else:
            step["text"] = f"{child} is a subsidiary of {parent} ({cited}, grade {e.grade})."
    elif kind == "part_of":
        step["text"] = f"{a} is part of {b}."
    elif kind == "offers":
        step["text"] = f"The FedRAMP Marketplace lists {a} as the provider of {b} (grade {e.grade})."
    elif kind == "cloud_authorization":
        step["text"] = f"The FedRAMP Marketplace lists {b} as having authorized or reused {a}{when} (grade {e.grade})."
    elif kind == "runs_on":
        step["text"] = f"The FedRAMP Marketplace lists {b} as built on or leveraging {a} (grade {e.grade})."
    elif kind == "detention_facility":
        step["text"] = f"{a} is on {b}'s detention facility list ({cited}){when}."
    elif kind == "named_in_award":
        quote = next((x["quote"] for x in evidence if x.get("quote")), "")
        quoted = f': "{quote}"' if quote else ""
        step["text"] = (f"USAspending records show {amount} obligated to {b} under {tie['awards']} award(s) whose "
                        f"description names {a}'s product{quoted} (grade {e.grade}). The description names {a}; "
                        f"{a} is not the prime contractor and its share is not public.")
    else:
        step["text"] = _claim_text(kind, a, b, evidence, e, when)
    return step


def _claim_text(kind: str, a: str, b: str, evidence: list[dict[str, Any]], e: Edge, when: str) -> str:
    """A claim in its own words: the curated summary with its figures, who reported it and the grade."""
    from whosbehind.sources.curated import KIND_WORDS

    cited = "; ".join(dict.fromkeys(x["source_name"] for x in evidence if x.get("source_name")))
    summary = next((x["summary"] for x in evidence if x.get("summary")), None)
    status = next((x["status"] for x in evidence if x.get("status")), "reported")
    if summary:
        lead = "Not established:" if status in ("not_established", "disputed") else "Reported:"
        text = f"{lead} {summary} ({cited}; grade {e.grade})."
    else:
        verb = KIND_WORDS.get(kind.replace("_up", "").replace("_down", ""), kind.replace("_", " "))
        subject, obj = (b, a) if kind in ("brand_down",) else (a, b)
        text = f"{subject} {verb} {obj}{when} ({cited}; grade {e.grade})."
    caveat = next((x["note"] for x in evidence if x.get("note") and x.get("claim_id")), None)
    return text + (f" Caveat: {caveat}" if caveat else "")


def _evidence(con: duckdb.DuckDBPyConnection, keys: set[tuple[str, str, str]]
              ) -> dict[tuple[str, str, str], list[dict[str, Any]]]:
    """The strongest five pieces of evidence of each tie on the paths, read at once, with the official records
    each curated claim links to."""
    if not keys:
        return {}
    ordered = sorted(keys)
    rows = queries.rows(con, "why_evidence", kinds=[k[0] for k in ordered], sources=[k[1] for k in ordered],
                        targets=[k[2] for k in ordered])
    claims = sorted({r["claim_id"] for r in rows if r["claim_id"]})
    records: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in queries.rows(con, "why_claim_records", claims=claims) if claims else []:
        records[r.pop("claim_id")].append(r)
    out: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        key = (r.pop("kind"), r.pop("source_id"), r.pop("target_id"))
        if r["claim_id"]:
            r["records"] = records.get(r["claim_id"], [])
        out[key].append(r)
    return out


def reaching_amount(path: dict[str, Any]) -> Decimal:
    """What the agency obligated on the tie that reaches it (the path's last step): a path's weight among paths of
    one grade, so that GEO Group's $3.1 billion from ICE comes before its $1.3 million from CBP, and contracts
    before a FedRAMP authorization (no amount)."""
    return Decimal(path["steps"][-1].get("amount") or 0) if path["steps"] else Decimal(0)


def by_agency(paths: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Paths grouped by the agency they reach, strongest first within each; the agencies by their strongest path's
    grade, then by the money of their largest tie, then by name."""
    groups: dict[str, dict[str, Any]] = {}
    for p in paths:
        g = groups.setdefault(p["agency"], {"agency": p["agency"], "agency_name": p["agency_name"], "paths": []})
        g["paths"].append(p)
    return sorted(groups.values(), key=lambda g: (GRADE_RANK[g["paths"][0]["grade"]],
                                                  -max(reaching_amount(p) for p in g["paths"]), g["agency_name"]))


def claim_problems() -> list[str]:
    """What `whosbehind check` rejects in the curated claims: no citation, unknown subject or object, bad
    dates, duplicates, anything the schema refuses, and an entity curated ownership names that they do not hold."""
    from whosbehind.resolve import families
    from whosbehind.sources import curated

    try:
        return families.claims_problems(curated.load())
    except WhosbehindError as exc:
        return [str(exc)]


# Steps through something another organization makes or runs: a system built on or leveraging a product, a system a
# company hosts, a product named in another company's award.
THROUGH_OTHERS = frozenset({"runs_on", "hosting", "named_in_award"})


def _whose(path: dict[str, Any]) -> str:
    """Whose tie a path shows, and whether the agency deals with the organization itself: a FedRAMP path from a
    provider to an agency that uses another product built on its own is its own tie, but an indirect one; its own
    product authorized, a facility it operates, a contract seen from the parent agency (part_of) are direct."""
    if not path["own"]:
        return f"the {path['relation']} tie ({path['tie_of_name']}), not its own"
    if not any(s["kind"] in THROUGH_OTHERS for s in path["steps"]):
        return "own tie"
    return f"own tie, indirect: {len(path['steps'])} steps"


def render(found: dict[str, Any], *, limit: int = 20) -> str:
    """Plain text: one block per path, weakest grade first said, steps in order."""
    lines = [f"{found['query']}: " + "; ".join(f"{m['name']} ({m['id']})" for m in found["matched"])
             + (f", family {found['family']['name']}" if found.get("family") else "")]
    if not found["paths"]:
        lines.append("No path to " + ", ".join(f["name"] for f in found["focus"]) + " in this database.")
        return "\n".join(lines)
    kept = len(found["paths"])
    cut = (f", {kept} kept (the strongest {PATHS_PER_CHAIN} of each kind of chain to each agency)"
           if found["paths_total"] > kept else "")
    lines.append(f"{found['paths_total']} path(s) to an agency in focus{cut}; showing {min(limit, kept)}.")
    for i, p in enumerate(found["paths"][:limit], 1):
        who = _whose(p)
        flag = "; includes a claim that is not established" if p["disputed"] else ""
        lines.append(f"\n{i}. {p['agency_name']} - path grade {p['grade']} ({who}{flag})")
        for s in p["steps"]:
            lines.append(f"   [{s['grade']}] {s['text']}")
            shown_records: set[tuple[str, str]] = set()  # two citations of one claim share its official record
            for ev in s["evidence"][:2]:
                where = ev.get("url") or ev.get("locator") or ""
                if where:
                    lines.append(f"       source: {where}")
                for rec in ev.get("records", [])[:2]:
                    if (rec["type"], rec["id"]) not in shown_records:
                        shown_records.add((rec["type"], rec["id"]))
                        lines.append(f"       backed by {rec['type']} {rec['id']}: {rec['note']}")
    return "\n".join(lines)
