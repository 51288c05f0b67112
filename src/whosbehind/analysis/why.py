"""Why is this organization here: every path from an organization or brand to an agency in focus.

A path is a chain of ties, each step with its kind, grade, evidence and dates; its grade is its weakest step.
Steps that only say two records are the same organization (``same_as``) carry a match basis, not a grade.

How paths may run (so a path always reads as a reason, never as a guess):
1. first, family steps: brand <-> owner (a brand reaches its owner's ties and the owner its brands), then
   either up to reported parents or down to reported subsidiaries, never both (no wandering to siblings);
2. then ties toward the agency: a prime contract, a subcontract under a prime, a cloud product's
   authorization, hosting a system the agency uses, supplying, financing, operating a facility on ICE's list;
3. a path ends at the first agency in focus it reaches; an agency outside the focus ends it, unless it is
   part of one in focus.
A tie reached through a family or brand step is shown as that organization's tie, not the start's own.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import duckdb

from whosbehind.errors import WhosbehindError

DEFAULT_FOCUS = ("agency:7012", "agency:7014", "agency:070")
MAX_STEPS = 7
MAX_PATHS = 300
GRADE_ORDER = "ABCDE"
FAMILY_KINDS = {"parent_up", "parent_down", "brand_up", "brand_down"}
SOURCES = {
    "prime_contract": "USAspending prime award records",
    "subcontract": "USAspending subaward reports (self-reported by the prime)",
    "parent_up": "USAspending recipient parent fields (self-reported to SAM)",
    "parent_down": "USAspending recipient parent fields (self-reported to SAM)",
    "part_of": "USAspending agency codes",
    "offers": "FedRAMP Marketplace",
    "cloud_authorization": "FedRAMP Marketplace",
    "facility_operation": "ICE detention facility list (FOIA release, 2017)",
    "detention_facility": "ICE detention facility list (FOIA release, 2017)",
}


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    kind: str  # the stored tie kind; for family steps: parent_up/parent_down/brand_up/brand_down
    stored: tuple[str, str, str] | None  # (kind, source_id, target_id) of the stored tie, None for same_as
    grade: str | None
    basis: str | None = None  # match basis of a same_as step


class Graph:
    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con
        self.names: dict[str, str] = {}
        self.kinds: dict[str, str] = {}
        self.forward: dict[str, list[Edge]] = defaultdict(list)
        self.family: dict[str, list[Edge]] = defaultdict(list)
        self.same: dict[str, list[Edge]] = defaultdict(list)
        self.ties: dict[tuple[str, str, str], dict[str, Any]] = {}
        for node_id, name, kind in con.execute(
            "SELECT id, name, kind FROM organizations UNION ALL SELECT id, name, kind FROM evidence_nodes"
        ).fetchall():
            self.names.setdefault(node_id, name)
            self.kinds.setdefault(node_id, kind)
        cursor = con.execute("SELECT kind, source_id, target_id, grade, amount, evidence_count, first_date, "
                             "last_date, status FROM all_ties")
        columns = [d[0] for d in cursor.description]
        for row in cursor.fetchall():
            tie = dict(zip(columns, row, strict=True))
            key = (tie["kind"], tie["source_id"], tie["target_id"])
            self.ties[key] = tie
            self._add(tie, key)
        for node_id, org_id, basis in con.execute("SELECT node_id, org_id, basis FROM node_matches").fetchall():
            self.same[node_id].append(Edge(node_id, org_id, "same_as", None, None, basis))
            self.same[org_id].append(Edge(org_id, node_id, "same_as", None, None, basis))

    def _add(self, tie: dict[str, Any], key: tuple[str, str, str]) -> None:
        kind, s, t, g = tie["kind"], tie["source_id"], tie["target_id"], tie["grade"]
        if kind == "prime_contract" or kind == "subcontract":
            self.forward[t].append(Edge(t, s, kind, key, g))
        elif kind == "parent":
            self.family[s].append(Edge(s, t, "parent_up", key, g))
            self.family[t].append(Edge(t, s, "parent_down", key, g))
        elif kind == "brand":
            self.family[s].append(Edge(s, t, "brand_up", key, g))
            self.family[t].append(Edge(t, s, "brand_down", key, g))
        elif kind == "system_use":
            self.forward[t].append(Edge(t, s, kind, key, g))
        elif kind == "partnership":
            self.forward[s].append(Edge(s, t, kind, key, g))
            self.forward[t].append(Edge(t, s, kind, key, g))
        else:  # part_of, offers, cloud_authorization, facility_operation, detention_facility, hosting, supply ...
            self.forward[s].append(Edge(s, t, kind, key, g))

    def name(self, node_id: str) -> str:
        return self.names.get(node_id, node_id)


def resolve(con: duckdb.DuckDBPyConnection, graph: Graph, term: str) -> list[str]:
    """The nodes a name or identifier stands for. The one place names are resolved (entity resolution plugs
    in here): an id as stored, then a UEI, then exact normalized names (records, curated entities, FedRAMP
    providers). Never a partial or fuzzy match: a wrong match would attach someone else's ties."""
    text = term.strip()
    if text in graph.names:
        return [text]
    if "uei:" + text.upper() in graph.names:
        return ["uei:" + text.upper()]
    clean = " ".join(text.upper().split())
    found = {r[0] for r in con.execute("SELECT DISTINCT id FROM org_names WHERE name = ?", [clean]).fetchall()}
    for node_id, name in graph.names.items():
        if not node_id.startswith(("curated:", "fedramp-csp:", "operator:")):
            continue
        plain = name.split(" (")[0]
        inner = name[name.find("(") + 1:name.find(")")] if "(" in name and ")" in name else ""
        if clean in {" ".join(x.upper().split()) for x in (name, plain, inner, node_id.split(":", 1)[1]) if x}:
            found.add(node_id)
    return sorted(found)


def why(con: duckdb.DuckDBPyConnection, term: str, *, focus: tuple[str, ...] = DEFAULT_FOCUS) -> dict[str, Any]:
    graph = Graph(con)
    starts = resolve(con, graph, term)
    if not starts:
        raise WhosbehindError(f"no organization, brand or system named exactly {term!r} (try `whosbehind lookup`)")
    focus_set = set(focus)
    aliases = {e.target: e.source for f in focus for e in graph.same.get(f, [])}  # curated:ice -> agency:7012
    raw_paths: list[list[Edge]] = []
    for start in starts:
        _walk(graph, start, [], {start}, "start", focus_set, aliases, raw_paths)
    unique = {tuple(p): p for p in raw_paths}
    paths = [_describe(graph, p, focus_set, aliases) for p in unique.values()]
    paths.sort(key=lambda p: (GRADE_ORDER.index(p["grade"]), not p["own"], len(p["steps"]), p["agency"]))
    return {"query": term, "matched": [{"id": s, "name": graph.name(s)} for s in starts],
            "focus": [{"id": f, "name": graph.name(f)} for f in focus], "paths": paths[:MAX_PATHS],
            "paths_total": len(paths)}


def _walk(graph: Graph, node: str, path: list[Edge], seen: set[str], phase: str, focus: set[str],
          aliases: dict[str, str], out: list[list[Edge]]) -> None:
    if len(out) >= MAX_PATHS * 4:
        return
    if path and (node in focus or node in aliases):
        out.append(list(path))
        return
    if path and _is_agency(graph, node):
        for e in graph.forward.get(node, []):
            if e.kind == "part_of" and e.target in focus and e.target not in seen:
                out.append([*path, e])
        return
    if len(path) >= MAX_STEPS:
        return
    last = path[-1].kind if path else None
    moves: list[tuple[Edge, str]] = []
    if last != "same_as":
        moves += [(e, phase) for e in graph.same.get(node, [])]
    if phase != "chain":
        for e in graph.family.get(node, []):
            if e.kind.startswith("brand"):
                moves.append((e, phase))
            elif e.kind == "parent_up" and phase in ("start", "up"):
                moves.append((e, "up"))
            elif e.kind == "parent_down" and phase in ("start", "down"):
                moves.append((e, "down"))
    moves += [(e, "chain") for e in graph.forward.get(node, []) if e.kind != "part_of"]
    for edge, next_phase in moves:
        if edge.target in seen:
            continue
        seen.add(edge.target)
        path.append(edge)
        _walk(graph, edge.target, path, seen, next_phase, focus, aliases, out)
        path.pop()
        seen.discard(edge.target)


def _is_agency(graph: Graph, node: str) -> bool:
    return node.startswith(("agency:", "fedramp-agency:")) or graph.kinds.get(node) in ("agency", "sub_agency")


def _describe(graph: Graph, path: list[Edge], focus: set[str], aliases: dict[str, str]) -> dict[str, Any]:
    end = path[-1].target
    agency = aliases.get(end, end)
    steps = [_step(graph, e) for e in path]
    graded = [s["grade"] for s in steps if s["grade"]]
    grade = max(graded, key=GRADE_ORDER.index) if graded else "E"
    prefix = [e for e in path if e.kind in FAMILY_KINDS or e.kind == "same_as"]
    first_tie = next((e for e in path if e.kind not in FAMILY_KINDS and e.kind != "same_as"), None)
    holder = first_tie.source if first_tie else path[0].source
    family_hops = [e.kind for e in path[: path.index(first_tie)] if e.kind in FAMILY_KINDS] if first_tie else []
    through_partner = any(e.kind == "partnership" for e in path)
    own = not family_hops and not through_partner
    relation = "own"
    if family_hops:
        relation = {"parent_up": "reported parent's", "parent_down": "reported subsidiary's",
                    "brand_up": "brand owner's", "brand_down": "brand's"}[family_hops[-1]]
    elif through_partner:
        relation = "partner's"
    text = " ".join(s["text"] for s in steps if s["kind"] != "same_as")
    if not own:
        text = f"This is the {relation} tie ({graph.name(holder)}), not {graph.name(path[0].source)}'s own. " + text
    return {
        "agency": agency, "agency_name": graph.name(agency), "grade": grade, "own": own, "tie_of": holder,
        "tie_of_name": graph.name(holder), "relation": relation,
        # A tie of the start organization inferred from this path is whosbehind's inference: grade E.
        "inferred_tie_grade": None if own else "E",
        "disputed": any(s["status"] and ("disputed" in s["status"] or "not_established" in s["status"])
                        for s in steps),
        "steps": steps, "text": text, "prefix_steps": len(prefix),
    }


def _money(value: Decimal | None) -> str:
    return "" if value is None else f"${value:,.2f}"


def _step(graph: Graph, e: Edge) -> dict[str, Any]:
    tie = graph.ties.get(e.stored) if e.stored else None
    kind = e.kind
    a, b = graph.name(e.source), graph.name(e.target)
    step: dict[str, Any] = {
        "from": e.source, "from_name": a, "to": e.target, "to_name": b, "kind": kind,
        "grade": e.grade, "source": SOURCES.get(kind, "curated claim"),
        "first_date": tie["first_date"] if tie else None, "last_date": tie["last_date"] if tie else None,
        "amount": tie["amount"] if tie else None, "status": tie["status"] if tie else None, "evidence": [],
    }
    when = ""
    if tie and (tie["first_date"] or tie["last_date"]):
        when = f" ({tie['first_date'] or '?'} to {tie['last_date'] or '?'})"
    if kind == "same_as":
        step["match"] = e.basis
        step["text"] = f"{a} is matched to {b} ({e.basis})."
    elif kind == "prime_contract":
        amount = _money(tie["amount"] if tie else None)
        count = f" ({tie['evidence_count']} award-file records)" if tie else ""
        step["text"] = f"USAspending records show {b} obligated {amount} to {a}{when}{count}."
    elif kind == "subcontract":
        step["text"] = f"{b} reported subawards of {_money(tie['amount'] if tie else None)} to {a}{when} (grade B)."
    elif kind == "parent_up":
        step["text"] = f"{a} reports {b} as its parent (self-reported, grade B)."
    elif kind == "parent_down":
        step["text"] = f"{b} reports {a} as its parent (self-reported, grade B)."
    elif kind == "part_of":
        step["text"] = f"{a} is part of {b}."
    elif kind == "offers":
        step["text"] = f"The FedRAMP Marketplace lists {a} as the provider of {b}."
    elif kind == "cloud_authorization":
        step["text"] = f"The FedRAMP Marketplace lists {b} as having authorized or reused {a}{when}."
    elif kind == "facility_operation":
        step["text"] = f"ICE's facility list (FOIA release) names {a} as the operator of {b}{when}."
    elif kind == "detention_facility":
        step["text"] = f"{a} is on ICE's detention facility list{when}."
    step["evidence"] = _evidence(graph, e)
    if "text" not in step:
        step["text"] = _claim_text(kind, a, b, step["evidence"], e)
    return step


def _claim_text(kind: str, a: str, b: str, evidence: list[dict[str, Any]], e: Edge) -> str:
    from whosbehind.sources.curated import KIND_WORDS

    verb = KIND_WORDS.get(kind.replace("_up", "").replace("_down", ""), kind)
    subject, obj = (b, a) if kind in ("system_use", "brand_down") else (a, b)
    if kind == "system_use":
        verb = "uses"
    cited = "; ".join(sorted({x["source_name"] for x in evidence if x.get("source_name")}))
    caveat = next((x["note"] for x in evidence if x.get("note")), None)
    status = next((x["status"] for x in evidence if x.get("status")), "reported")
    lead = "It is not established that" if status in ("not_established", "disputed") else "Reported:"
    text = f"{lead} {subject} {verb} {obj} ({cited}; grade {e.grade})."
    return text + (f" Caveat: {caveat}" if (caveat and status != "reported") or (caveat and kind == "hosting") else "")


def _evidence(graph: Graph, e: Edge) -> list[dict[str, Any]]:
    if not e.stored:
        return []
    kind, s, t = e.stored
    if kind in ("prime_contract", "subcontract", "parent", "part_of"):
        cursor = graph.con.execute(
            "SELECT award_key, file_name, sha256, permalink, amount, first_date, last_date, grade FROM evidence "
            "WHERE kind = ? AND source_id = ? AND target_id = ? ORDER BY amount DESC NULLS LAST LIMIT 5", [kind, s, t])
    else:
        cursor = graph.con.execute(
            "SELECT source_name, locator, sha256, url, quote, first_date, last_date, claim_id, status, note, grade "
            "FROM evidence_items WHERE kind = ? AND source_id = ? AND target_id = ? "
            "ORDER BY first_date DESC NULLS LAST, locator LIMIT 5", [kind, s, t])
    columns = [d[0] for d in cursor.description]
    items = [dict(zip(columns, r, strict=True)) for r in cursor.fetchall()]
    for item in items:
        if item.get("claim_id"):
            item["records"] = [
                {"type": r[0], "id": r[1], "note": r[2], "in_database": r[3], "url": r[4]}
                for r in graph.con.execute("SELECT type, record_id, note, found, url FROM claim_records "
                                           "WHERE claim_id = ?", [item["claim_id"]]).fetchall()]
    return items


def claim_problems() -> list[str]:
    """What `whosbehind check` rejects in the curated claims: no citation, unknown subject or object, bad
    dates, duplicates, anything the schema refuses."""
    from whosbehind.sources import curated

    try:
        return curated.load().problems
    except WhosbehindError as exc:
        return [str(exc)]


def render(found: dict[str, Any], *, limit: int = 20) -> str:
    """Plain text: one block per path, weakest grade first said, steps in order."""
    lines = [f"{found['query']}: matched " + "; ".join(f"{m['name']} ({m['id']})" for m in found["matched"])]
    if not found["paths"]:
        lines.append("No path to " + ", ".join(f["name"] for f in found["focus"]) + " in this database.")
        return "\n".join(lines)
    lines.append(f"{found['paths_total']} path(s) to an agency in focus; showing {min(limit, len(found['paths']))}.")
    for i, p in enumerate(found["paths"][:limit], 1):
        who = "own tie" if p["own"] else f"the {p['relation']} tie ({p['tie_of_name']}), not its own"
        flag = "; includes a claim that is not established" if p["disputed"] else ""
        lines.append(f"\n{i}. {p['agency_name']} - path grade {p['grade']} ({who}{flag})")
        for s in p["steps"]:
            if s["kind"] == "same_as":
                lines.append(f"   = {s['text']}")
                continue
            lines.append(f"   [{s['grade']}] {s['text']}")
            shown_records: set[tuple[str, str]] = set()  # two citations of one claim share its official record
            for ev in s["evidence"][:2]:
                where = ev.get("permalink") or ev.get("url") or ev.get("file_name") or ev.get("locator") or ""
                if where:
                    lines.append(f"       source: {where}")
                for rec in ev.get("records", [])[:2]:
                    if (rec["type"], rec["id"]) not in shown_records:
                        shown_records.add((rec["type"], rec["id"]))
                        lines.append(f"       backed by {rec['type']} {rec['id']}: {rec['note']}")
    return "\n".join(lines)
