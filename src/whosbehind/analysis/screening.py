"""Screening a list of names (a council's vendors, a fund's holdings): one table for every face.

CLI `match --file`, the web's check-a-list page and its CSV, and the API's `/api/check` all return these rows.
Each name goes through the one lookup; "not found" and "found, no ties" are different answers. Ties and money are
counted to the agencies in focus (``focus``: ICE, CBP and DHS unless the person names others), which every row
names, so a saved table says what its "tied" and amounts are about.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

import duckdb

from whosbehind.analysis import lookup, organization, ranking, why
from whosbehind.errors import WhosbehindError
from whosbehind.export import safe_csv
from whosbehind.model import LookupBasis
from whosbehind.resolve import match
from whosbehind.store import queries
from whosbehind.web.formatting import org_path

# strongest_relation: whose tie the strongest is ("own", or a family member's or a partner's, as analysis/why.py
# names it: "subsidiary's", "partner's", ...); strongest_tie_of: that organization's name, empty for its own
FIELDS = ("row", "input", "result", "id", "name", "family_id", "family_name", "tied", "strongest_kind",
          "strongest_grade", "strongest_agency", "strongest_relation", "strongest_tie_of", "obligated",
          "family_obligated", "page", "note", "agencies")
RESULT_WORDS = {"found": "found", "list": "several candidates", "not_found": "not found",
                "withheld": match.WITHHELD}


# ICE, CBP, DHS: organization.DEFAULT_FOCUS_CODES, with the names a person knows them by
DEFAULT_FOCUS = tuple(zip(("ICE", "CBP", "DHS"), organization.DEFAULT_FOCUS_CODES, strict=True))
MAX_FOCUS = 20
MAX_TERM = 100  # characters of one agency's name as given


def focus(con: duckdb.DuckDBPyConnection, terms: Sequence[str] | None = None) -> tuple[ranking.Agency, ...]:
    """The agencies a screening counts ties and money to: each term read as `--agency` reads it
    (``ranking.find_agency``: an abbreviation, a code or part of a name; one line when it is not one agency), an
    agency named twice counted once. When none is given: those of ICE, CBP and DHS this database holds records of
    (all three, named by their abbreviations, when it holds none of them: every name is then "no")."""
    if isinstance(terms, str):
        raise TypeError("focus takes a list of agencies, not one string")
    given = [t.strip() for t in (terms or ()) if t.strip()]
    if len(given) > MAX_FOCUS:
        raise WhosbehindError(f"at most {MAX_FOCUS} agencies at a time")
    if any(len(t) > MAX_TERM for t in given):
        raise WhosbehindError(f"an agency is named in at most {MAX_TERM} characters")
    if not given:
        known = ranking.known_agencies(con, [code for _, code in DEFAULT_FOCUS])
        return tuple(known) or tuple(ranking.Agency(f"agency:{code}", abbreviation, code, abbreviation)
                                     for abbreviation, code in DEFAULT_FOCUS)
    chosen: dict[str, ranking.Agency] = {}
    for term in given:
        agency = ranking.find_agency(con, term)
        chosen.setdefault(agency.code, agency)
    return tuple(chosen.values())


def focus_label(agencies: Sequence[ranking.Agency]) -> str:
    """How a row and a page's headings name the agencies in focus: "ICE, CBP, DHS"."""
    return ", ".join(a.label for a in agencies)


def screen(con: duckdb.DuckDBPyConnection, names: list[str], *,
           agencies: Sequence[ranking.Agency] | None = None) -> list[dict[str, Any]]:
    """One row per name (``FIELDS``), its ties and money counted to ``agencies`` (``focus``; ICE, CBP and DHS when
    not given, those of them the database holds records of)."""
    agencies = tuple(agencies) if agencies is not None else focus(con)
    focus_codes = tuple(a.code for a in agencies)
    answers = lookup.lookup_many(con, names)
    focus_heads = tuple(sorted(f"agency:{c}" for c in focus_codes))
    focus_ids = organization.focus_ids(con, focus_codes)
    strongest: dict[str, list[dict[str, Any]]] = {}  # per organization: its page's "Tied to ... through"
    family_money: dict[str, Decimal] = {}
    rows = []
    for i, a in enumerate(answers, start=1):
        row: dict[str, Any] = dict.fromkeys(FIELDS, "")
        row.update(row=i, input=a.query, result=RESULT_WORDS[a.status], note=a.reason, rule=a.basis or "",
                   agencies=focus_label(agencies))
        if a.found and a.id and a.family:
            family_id = a.family["id"]
            # The paths from the organization itself, as its page has them: a family member's tie through its
            # parent is as strong as its weakest step, the link to that parent included.
            if a.id not in strongest:
                paths = why.paths_from(con, a.id, focus=focus_heads, evidence=False)["paths"]
                strongest[a.id] = organization.strongest(paths)
            if family_id not in family_money:
                family_money[family_id] = _family_money(con, family_id, focus_ids)
            best = strongest[a.id]
            own = _org_money(con, a.id, focus_ids)
            row.update(id=a.id, name=a.name, family_id=family_id, family_name=a.family["name"],
                       tied="yes" if best else "no", obligated=own, family_obligated=family_money[family_id],
                       page=org_path(a.id))
            if best:
                row.update(strongest_kind=best[0]["kind"], strongest_grade=best[0]["grade"],
                           strongest_agency=best[0]["agency_name"], strongest_relation=best[0]["relation"],
                           strongest_tie_of="" if best[0]["own"] else best[0]["tie_of_name"])
        elif a.candidates:
            row["note"] = a.reason + "; candidates: " + "; ".join(f"{c['name']} ({c['id']})" for c in a.candidates[:5])
        row["candidates"] = a.candidates
        rows.append(row)
    return rows


def names_pasted(con: duckdb.DuckDBPyConnection, lines: list[str]) -> list[str]:
    """The names of lines typed or pasted into a form, one per line, as a person pastes them from a sentence or a
    cell: a line with commas or semicolons ("Palantir, Amazon, Motorola") is several names when the line as a whole
    names nothing here, and every part of it names an organization or candidates. A name that holds a comma
    ("THE GEO GROUP, INC.", "Geo Group, Inc., The") is found whole and stays one; so does a line whose parts do
    not all name something, and one that reads as a person's name ("DOE, JANE"): its answer says so."""
    lines = [line.strip() for line in lines]
    parts = {line: [p.strip() for p in re.split(r"[,;]", line) if p.strip()] for line in lines}
    several = [line for line in dict.fromkeys(lines) if len(parts[line]) > 1]
    if not several:
        return lines
    whole = dict(zip(several, lookup.lookup_many(con, several), strict=True))
    unread = [line for line in several
              if whole[line].status == "not_found" and whole[line].basis != LookupBasis.PRIVATE_PERSON]
    pieces = list(dict.fromkeys(p for line in unread for p in parts[line]))
    named = {p for p, a in zip(pieces, lookup.lookup_many(con, pieces), strict=True) if a.status in ("found", "list")}
    split = {line for line in unread if all(p in named for p in parts[line])}
    return [name for line in lines for name in (parts[line] if line in split else [line])]


def as_json(agencies: Sequence[ranking.Agency], rows: list[dict[str, Any]]) -> dict[str, Any]:
    """A screened list as `match --file --json` and `POST /api/check` give it: the agencies in focus, with their
    ids and codes, beside the rows."""
    return {"agencies": [dataclasses.asdict(a) for a in agencies], "items": rows}


def _org_money(con: duckdb.DuckDBPyConnection, org_id: str, focus: set[str]) -> Decimal:
    return sum((t["obligated"] for t in queries.rows(con, "answer_totals", ids=[org_id])
                if f"agency:{t['sub_agency_code']}" in focus or f"agency:{t['toptier_code']}" in focus), Decimal(0))


def _family_money(con: duckdb.DuckDBPyConnection, family_id: str, focus: set[str]) -> Decimal:
    return sum((t["obligated"] for t in queries.rows(con, "answer_family_totals", families=[family_id])
                if f"agency:{t['sub_agency_code']}" in focus or f"agency:{t['toptier_code']}" in focus), Decimal(0))


# A first row holding one of these (any case) is a header, and names are read from that column; else every row is a
# name, read from the first column.
NAME_HEADERS = ("name", "vendor", "vendor name", "company", "supplier", "recipient")


def names_in_csv(text: str) -> list[str]:
    """The names of a list as a person saves it (a council's vendors, a fund's holdings): the column under a
    name header, else the first column of every row, without the spaces around them. One name per data row, an
    empty one too, so that a screened row's number is its row in the person's spreadsheet. The CLI, watchlists
    and the web's check-a-list read a file with this one reading."""
    # newline="": the csv module reads the line endings itself (a list saved with CR alone, as old Excel for Mac
    # does, is read too)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        rows = list(reader)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            problem = (f"a cell longer than {csv.field_size_limit():,} characters is not a name; is this a list of "
                       "names?")
        else:
            problem = f"not readable as CSV ({exc})"
        raise WhosbehindError(f"line {reader.line_num}: {problem}") from None
    if not rows:
        return []
    header = [h.strip().lower() for h in rows[0]]
    column = next((i for i, h in enumerate(header) if h in NAME_HEADERS), None)
    if column is not None:
        rows = rows[1:]
    else:
        column = 0
    return [(r[column] if column < len(r) else "").strip() for r in rows]


def read_names(path: Path) -> list[str]:
    """The names of a CSV file (``names_in_csv``)."""
    if not path.exists():
        raise WhosbehindError(f"{path}: no such file")
    try:
        text = path.read_text("utf-8-sig")
    except UnicodeDecodeError:
        raise WhosbehindError(f"{path}: not UTF-8 text; save the list as a UTF-8 CSV") from None
    try:
        names = names_in_csv(text)
    except WhosbehindError as exc:
        raise WhosbehindError(f"{path}: {exc}") from None
    if not names:
        raise WhosbehindError(f"{path}: empty file")
    return names


TEXT_FIELDS = {"input", "result", "id", "name", "family_id", "family_name", "tied", "strongest_kind",
               "strongest_grade", "strongest_agency", "strongest_relation", "strongest_tie_of", "page", "note",
               "agencies"}


def write_csv(rows: list[dict[str, Any]], handle: TextIO, *, base_url: str = "") -> None:
    writer = csv.DictWriter(handle, fieldnames=FIELDS, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for r in rows:
        out = dict(r)
        for money_field in ("obligated", "family_obligated"):
            if isinstance(out[money_field], Decimal):
                out[money_field] = format(out[money_field], "f")
        if out["page"]:
            out["page"] = base_url + out["page"]
        # Names and notes are text a spreadsheet must not run; the row number and amounts are numbers.
        writer.writerow(safe_csv.row(out, TEXT_FIELDS))
