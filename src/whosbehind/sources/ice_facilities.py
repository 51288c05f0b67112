"""ICE detention facility list: an ICE record released under FOIA (to the National Immigrant Justice Center,
November 2017), minimally cleaned and published by the University of Washington Center for Human Rights
(``UWCHR/ice-facilities``, ``clean/output/facil-list.csv.gz``, pipe-delimited, 135 columns).

Each row is a facility ICE used or could use (``detloc`` is ICE's facility code), with its type (IGSA, CDF,
SPC, USMS IGA, BOP, ORR ...), the ``facility_operator`` and ``facility_owner`` as ICE wrote them (``GEO``,
``CCA``, ``COUNTY`` ...), and dates of first and last use. The record's own date is the newest
``date_of_last_use`` in it (the list was pulled in November 2017).

Grade B: an official record, but released under FOIA and published by a third party after cleaning, and the
operator is a short code, not an identifier. Operator codes that name a company become ``facility_operation``
ties; codes that name a kind of public body (COUNTY, CITY, BOP, FEDERAL, ORR ...) or a kind of place (HOTEL,
HOSPITAL) stay attributes of the facility.

The bundled copy (``bundled_evidence/ice_facilities.csv.gz``) keeps the columns read here, from the original
whose sha256 is in ``bundled_evidence/SOURCES.md``.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import re
import sys
from datetime import date, datetime
from pathlib import Path

from whosbehind.errors import InputError
from whosbehind.model import Grade

PUBLISHER = "U.S. Immigration and Customs Enforcement (FOIA release to NIJC, Nov 2017); cleaned copy by UWCHR"
URL = "https://github.com/UWCHR/ice-facilities"
LICENCE = "U.S. government record (FOIA release)"
GRADE = Grade.B

COLUMNS = ("detloc", "name", "city", "county", "state", "aor", "type", "type_detailed", "ice_funded",
           "capacity", "date_of_first_use", "date_of_last_use", "facility_operator", "facility_owner",
           "best_known_contract_initiation_date", "best_known_contract_expiration_date", "guaranteed_minimum",
           "authorization_status")

# Operator codes that describe a kind of public body or place, not one organization.
PUBLIC_OR_GENERIC = re.compile(r"^(COUNTY|CITY|BOP|FEDERAL|ORR|HOSPITAL|HOTEL|OTHER|STATE|USM|ICE|PRIVATE)\b")


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    text = " ".join(value.split())
    return None if text.lower() in ("", "nan") else text


def parse_date(value: str | None) -> str | None:
    """'9/20/2007' -> '2007-09-20' (the file writes month first)."""
    text = _clean(value)
    if not text:
        return None
    try:
        return datetime.strptime(text, "%m/%d/%Y").date().isoformat()
    except ValueError:
        return None


def is_company_operator(code: str | None) -> bool:
    return bool(code) and not PUBLIC_OR_GENERIC.match(code or "")


def read(path: Path) -> tuple[list[dict[str, str | None]], str]:
    """Rows of the facility list (original or bundled copy), and the file's sha256."""
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    text = gzip.decompress(raw).decode("utf-8") if path.name.endswith(".gz") else raw.decode("utf-8")
    reader = csv.DictReader(io.StringIO(text), delimiter="|")
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(path.name, f"not the ICE facility list: missing columns {missing[:4]}")
    rows = []
    for n, r in enumerate(reader, 1):
        row: dict[str, str | None] = {c: _clean(r.get(c)) for c in COLUMNS}
        row["row"] = str(n)
        for c in ("date_of_first_use", "date_of_last_use", "best_known_contract_initiation_date",
                  "best_known_contract_expiration_date"):
            row[c] = parse_date(row[c])
        rows.append(row)
    return rows, digest


def record_date(rows: list[dict[str, str | None]]) -> date:
    """The date of the record: its newest date of last use."""
    newest = max((r["date_of_last_use"] for r in rows if r["date_of_last_use"]), default=None)
    if newest is None:
        raise InputError("ice facility list", "no date_of_last_use in the file: the record cannot be dated")
    return date.fromisoformat(newest)


def write_trimmed(source: Path, target: Path) -> str:
    """The columns read here, pipe-delimited, gzip (deterministic bytes); returns the original's sha256."""
    raw = source.read_bytes()
    text = gzip.decompress(raw).decode("utf-8") if source.name.endswith(".gz") else raw.decode("utf-8")
    reader = csv.DictReader(io.StringIO(text), delimiter="|")
    out = io.StringIO()
    writer = csv.writer(out, delimiter="|", lineterminator="\n")
    writer.writerow(COLUMNS)
    for r in reader:
        writer.writerow([r.get(c, "") for c in COLUMNS])
    with open(target, "wb") as handle, gzip.GzipFile(fileobj=handle, mode="wb", mtime=0, filename="") as gz:
        gz.write(out.getvalue().encode("utf-8"))
    return hashlib.sha256(raw).hexdigest()


if __name__ == "__main__":  # pragma: no cover - maintenance: python -m whosbehind.sources.ice_facilities SRC OUT
    print(write_trimmed(Path(sys.argv[1]), Path(sys.argv[2])))
