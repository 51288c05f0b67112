"""How figures, grades and links are written on pages: one place, so every page says it the same way."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote

GRADES = {
    "A": ("official record", "an official record with a stable identifier (e.g. a USAspending award)"),
    "B": ("self-reported", "official but self-reported or secondary (e.g. subaward reports, SAM.gov parent "
                           "self-reports)"),
    "C": ("reported", "credible published reporting, with its publication, date and URL"),
    "D": ("unverified", "an unverified tip, never published on its own"),
    "E": ("inferred", "inferred by whosbehind, always with the path that produced it"),
}



def web_url(value: Any) -> str:
    """A link from the data, for an href: the URL when it is http(s), else an empty string (no link)."""
    text = str(value or "").strip()
    if re.fullmatch(r"(?i)https?://[^\s\"'<>`\\]+", text):
        return text
    return ""


def money(value: Any) -> str:
    if value is None:
        return "—"
    value = Decimal(value)
    sign = "−" if value < 0 else ""
    return f"{sign}${abs(value):,.2f}"


def short_money(value: Any) -> str:
    if value is None:
        return "—"
    value = Decimal(value)
    sign = "−" if value < 0 else ""
    v = abs(value)
    for size, word in ((Decimal(10) ** 9, "billion"), (Decimal(10) ** 6, "million")):
        if v >= size:
            return f"{sign}${v / size:,.2f} {word}"
    return f"{sign}${v:,.0f}"


def day(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def grade_label(grade: str | None) -> str:
    if not grade:
        return "—"
    return f"grade {grade}: {GRADES.get(grade, ('', ''))[0]}"


def grade_help(grade: str | None) -> str:
    return GRADES.get(grade or "", ("", ""))[1]


def org_path(org_id: str) -> str:
    return "/org/" + quote(org_id, safe=":")


def agency_path(code: str) -> str:
    return "/agency/" + quote(code, safe="")


def evidence_path(evidence_id: str) -> str:
    return "/evidence/" + evidence_id


def jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        # Dollars as a JSON number with cents; exact for any amount below $10 trillion.
        return float(value) if abs(value) < Decimal("1e13") else str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(x) for k, x in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(x) for x in value]
    return value


def dumps(value: Any) -> bytes:
    return json.dumps(jsonable(value), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
