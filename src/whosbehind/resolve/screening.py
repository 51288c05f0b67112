"""Screening a vendor list and describing matches in words: behind `whosbehind match` and `explain`."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path
from typing import Any

import duckdb

from whosbehind.errors import WhosbehindError
from whosbehind.resolve.match import MatchResult, match_names

OUTPUT_FIELDS = ("row", "input_name", "match_id", "match_name", "family_id", "family_name", "score", "rule",
                 "focus_tied", "focus_obligated", "focus_awards", "explanation")


def match_one(con: duckdb.DuckDBPyConnection, name: str, *, focus_codes: list[str]) -> dict[str, Any]:
    if not name.strip():
        raise WhosbehindError("the name is empty")
    return match_names(con, [name], focus_codes=focus_codes)[0].to_dict()


def read_names(path: Path) -> list[str]:
    """Names from a CSV: the column called name (any case), else the first column. One per data row."""
    if not path.exists():
        raise WhosbehindError(f"{path}: no such file")
    try:
        text = path.read_text("utf-8-sig")
    except UnicodeDecodeError:
        raise WhosbehindError(f"{path}: not UTF-8 text; save the list as a UTF-8 CSV") from None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise WhosbehindError(f"{path}: empty file")
    header = [h.strip().lower() for h in rows[0]]
    col = header.index("name") if "name" in header else 0
    return [(r[col] if col < len(r) else "") for r in rows[1:]]


def screen_file(con: duckdb.DuckDBPyConnection, path: Path, *, focus_codes: list[str]) -> list[dict[str, Any]]:
    names = read_names(path)
    results = match_names(con, [n if n.strip() else "" for n in names], focus_codes=focus_codes)
    return [row_for(i, r) for i, r in enumerate(results, start=1)]


def row_for(i: int, r: MatchResult) -> dict[str, Any]:
    ties = r.focus_ties or {}
    return {
        "row": i, "input_name": r.query,
        "match_id": r.match["id"] if r.match else "", "match_name": r.match["name"] if r.match else "",
        "family_id": r.family["id"] if r.family else "", "family_name": r.family["name"] if r.family else "",
        "score": "" if r.score is None else f"{r.score:.4f}", "rule": r.rule,
        "focus_tied": "yes" if ties.get("tied") else "no",
        "focus_obligated": f"{ties.get('obligated', 0):.2f}", "focus_awards": ties.get("awards", 0),
        "explanation": r.explanation[0]["level"] if r.explanation else "",
    }


def write_csv(rows: list[dict[str, Any]], path: Path | None) -> None:
    handle = path.open("w", encoding="utf-8", newline="") if path else sys.stdout
    try:
        w = csv.DictWriter(handle, fieldnames=OUTPUT_FIELDS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    finally:
        if path:
            handle.close()


def describe(r: dict[str, Any]) -> str:
    lines = []
    if r["rule"] == "individual":
        lines.append(f"{r['query']!r}: an individual recipient; name withheld")
    elif r["match"] is None:
        lines.append(f"no match for {r['query']!r}" + (" (ambiguous)" if r["rule"] == "ambiguous" else ""))
        if r["family"]:
            lines.append(f"every candidate belongs to one family: {r['family']['name']} ({r['family']['id']})")
    else:
        lines.append(f"{r['query']!r} -> {r['match']['name']} ({r['match']['id']})")
        lines.append(f"family (ultimate parent): {r['family']['name']} ({r['family']['id']})")
        if r["score"] is not None:
            lines.append(f"score: {r['score']:.4f} (Splink match probability), rule: {r['rule']}")
    for e in r["explanation"]:
        weight = "" if e.get("match_weight") is None else f" [weight {e['match_weight']:+.2f}]"
        values = f": {e['left']!r} vs {e['right']!r}" if e.get("right") is not None else ""
        lines.append(f"  {e['feature']}: {e['level']}{values}{weight}")
    if r["match"] is None and r.get("candidates"):
        lines.append("closest candidates:")
        lines.extend(f"  {c['name']} ({c['id']}) score {c['score']}: {c['decision']}, {c['reason']}"
                     for c in r["candidates"][:3])
    if r.get("focus_ties") and r.get("match"):
        t = r["focus_ties"]
        lines.append(f"ties to agencies {', '.join(t['agency_codes'])}: " + (
            f"yes, ${t['obligated']:,.2f} obligated to the family in {t['awards']} awards (USAspending, grade A)"
            if t["tied"] else "none in this database"))
    return "\n".join(lines)


def describe_explanation(x: dict[str, Any]) -> str:
    lines = [f"{x['name']} ({x['id']})"]
    if x["organization"]["id"] != x["id"]:
        lines.append(f"merged into: {x['organization']['name']} ({x['organization']['id']})")
    lines.append(f"members: {', '.join(x['members'])}")
    if x["names"]:
        lines.append("names seen: " + "; ".join(x["names"][:12]))
    lines.append("merge decisions:")
    if not x["merge_decisions"]:
        lines.append("  none: known by its identifier alone")
    for d in x["merge_decisions"][:20]:
        state = "applied" if d["applied"] else f"not applied ({d['note']})"
        score = "" if d["score"] is None else f", score {d['score']:.4f}"
        lines.append(f"  {d['judgement']} {d['left_id']} = {d['right_id']} by {d['decided_by']} "
                     f"on {d['decided_at']}{score}: {state}\n    {d['reason']}")
    lines.append(f"family: {x['family']['name']} ({x['family']['id']}); path: {' -> '.join(x['family_path'])}")
    for link in x["family_links"]:
        dates = f"from {link['valid_from'] or '?'}" + (f" until {link['valid_to']}" if link["valid_to"] else "")
        lines.append(f"  {'*' if link['in_force'] else ' '} {link['child_name']} -> {link['parent_name']} "
                     f"({link['source']}, grade {link['grade']}, {dates}, as of {link['as_of'] or '?'})\n"
                     f"      {link['citation']}")
    return "\n".join(lines)
