"""Which families an agency pays most: the ranking behind `whosbehind top` and the home page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import duckdb

from whosbehind.errors import WhosbehindError
from whosbehind.model import NOT_OFFICIAL
from whosbehind.store import queries


@dataclass(frozen=True)
class Agency:
    id: str
    name: str
    code: str
    abbreviation: str

    @property
    def label(self) -> str:
        """How a heading or a list names it: its abbreviation (ICE), else its name."""
        return self.abbreviation or self.name


def known_agencies(con: duckdb.DuckDBPyConnection, terms: Sequence[str]) -> list[Agency]:
    """The agency each term names (``find_agency``), leaving out the terms this database has no agency for."""
    found = []
    for term in terms:
        try:
            found.append(find_agency(con, term))
        except WhosbehindError:
            continue
    return found


def find_agency(con: duckdb.DuckDBPyConnection, term: str) -> Agency:
    """ICE, CBP, DHS, a code (7012, 070) or part of a name; refuses when it is not one agency."""
    matches = queries.rows(con, "agency_match", term=term.strip())
    exact = [m for m in matches if m["code"] == term.strip() or m["abbreviation"].upper() == term.strip().upper()]
    chosen = exact or matches
    if not chosen:
        raise WhosbehindError(f"no agency matches {term!r} in this database (try ICE, CBP, DHS or a code like 7012)")
    if len(chosen) > 1 and not exact:
        names = ", ".join(f"{m['name']} ({m['code']})" for m in chosen[:5])
        raise WhosbehindError(f"{term!r} matches several agencies: {names}; give a code")
    m = chosen[0]
    return Agency(m["id"], m["name"], m["code"], m["abbreviation"])


def top_families(
    con: duckdb.DuckDBPyConnection,
    agency: Agency,
    *,
    fiscal_year: int | None = None,
    since: int | None = None,
    limit: int | None = 20,
) -> list[dict]:
    """Families ranked by obligations; with no limit the list adds up to the agency's total. Each row's ``linked``
    says, per grade, how much of its money reaches the family only through an ownership link of no official record
    (queries/top_families.sql)."""
    ranked = queries.rows(con, "top_families", code=agency.code, fy=fiscal_year, since=since,
                          not_official=sorted(NOT_OFFICIAL))
    return ranked if not limit else ranked[:limit]


def top_families_as_of(
    con: duckdb.DuckDBPyConnection,
    agency: Agency,
    day: date | None,
    *,
    at_obligation: bool = False,
    fiscal_year: int | None = None,
    since: int | None = None,
    limit: int | None = 20,
) -> list[dict]:
    """Families ranked by obligations, each company counted in the family that owned it on ``day`` or, with
    ``at_obligation``, on the date of each obligation. The same money as `top_families`, grouped otherwise."""
    ranked = queries.rows(con, "top_families_as_of", code=agency.code, fy=fiscal_year, since=since,
                          day=day or date.today(), at_obligation=at_obligation)
    return ranked if not limit else ranked[:limit]


def agency_total(con: duckdb.DuckDBPyConnection, agency: Agency, **filters: int | None) -> Decimal:
    return sum((r["obligated"] for r in top_families(con, agency, limit=0, **filters)), Decimal("0"))
