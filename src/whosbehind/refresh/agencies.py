"""The agencies a refresh asks for, named as USAspending's filters name them (from the bundled agency codes, so
no database is needed)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources

from whosbehind.errors import WhosbehindError


@dataclass(frozen=True)
class RefreshAgency:
    key: str  # ICE, CBP, DHS or the code as given: names the agency in coverage records
    tier: str  # toptier | subtier
    code: str
    name: str
    toptier_name: str

    def filter(self, kind: str = "awarding") -> dict[str, str]:
        found = {"type": kind, "tier": self.tier, "name": self.name}
        if self.tier == "subtier":
            found["toptier_name"] = self.toptier_name
        return found

    @property
    def node_id(self) -> str:
        return f"agency:{self.code}"


def _codes() -> list[dict[str, str]]:
    path = resources.files("whosbehind.sources").joinpath("reference", "agency_codes.csv")
    with path.open("r", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def find(term: str) -> RefreshAgency:
    """ICE, CBP, DHS, or a toptier (070) or subtier (7012) code."""
    want = term.strip().upper()
    if not want:  # it would match the first agency without an abbreviation
        raise WhosbehindError(f"--agency {term!r}: empty; give ICE, CBP, DHS or a code like 7012 or 070")
    rows = _codes()
    for r in rows:
        if want in (r["toptier_code"], (r["toptier_abbreviation"] or "").upper()):
            return RefreshAgency(want, "toptier", r["toptier_code"], r["toptier_name"], r["toptier_name"])
    for r in rows:
        if want in (r["subtier_code"], (r["subtier_abbreviation"] or "").upper()):
            return RefreshAgency(want, "subtier", r["subtier_code"], r["subtier_name"], r["toptier_name"])
    raise WhosbehindError(f"--agency {term!r}: not an agency USAspending knows (give ICE, CBP, DHS or a code "
                          "like 7012 or 070)")
