"""Describing a merge explanation in words: behind `whosbehind explain`."""

from __future__ import annotations

from typing import Any


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
        unchecked = "; not checked against the document cited" if link.get("checked") is False else ""
        kind = f"{link['kind']}, " if link.get("kind") else ""
        lines.append(f"  {'*' if link['in_force'] else ' '} {link['child_name']} -> {link['parent_name']} "
                     f"({kind}{link['source']}, grade {link['grade']}, {dates}, as of {link['as_of'] or '?'}"
                     f"{unchecked})\n      {link['citation']}")
    return "\n".join(lines)
