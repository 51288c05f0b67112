"""Parent links from every source, each with its source, grade and dates.

- USAspending parent UEI/DUNS/name (self-reported to SAM, grade B): computed in SQL (step 200).
- GLEIF level 2 (grade A): relationship records ``IS_DIRECTLY_CONSOLIDATED_BY`` /
  ``IS_ULTIMATELY_CONSOLIDATED_BY`` with their periods, parsed from the GLEIF API v1 JSON.
- Hoover's parent list shipped with Torn Apart (grade C: a research project's table of parent
  companies and their DUNS): gives parent names their DUNS, so a name-only parent joins its family.
- Curated ownership (``curated/ownership.yaml``): acquisitions and sales with citations and dates.

``python -m whosbehind.resolve.families GLEIF_DIR HOOVERS_CSV`` regenerates the packaged reference
files from the public samples.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

REFERENCE = resources.files("whosbehind.resolve").joinpath("reference")
CURATED = resources.files("whosbehind").joinpath("curated")
GRADES = ("A", "B", "C", "D", "E")


@dataclass(frozen=True)
class GleifEntity:
    lei: str
    legal_name: str
    other_names: str  # "; "-joined previous / alternative names
    status: str
    country: str
    city: str


@dataclass(frozen=True)
class GleifRelationship:
    child_lei: str
    parent_lei: str
    kind: str  # direct | ultimate
    status: str
    start_date: str
    end_date: str
    corroboration: str
    record_id: str
    publish_date: str


def _data_items(doc: dict[str, Any]) -> list[dict[str, Any]]:
    data = doc.get("data")
    if data is None:
        return []
    return data if isinstance(data, list) else [data]


def parse_gleif_entities(doc: dict[str, Any]) -> Iterator[GleifEntity]:
    for item in _data_items(doc):
        if item.get("type") != "lei-records":
            continue
        attrs = item["attributes"]
        entity = attrs["entity"]
        others = [o["name"] for o in entity.get("otherNames") or [] if o.get("name")]
        hq = entity.get("headquartersAddress") or entity.get("legalAddress") or {}
        yield GleifEntity(attrs["lei"], entity["legalName"]["name"], "; ".join(others), entity.get("status") or "",
                          hq.get("country") or "", hq.get("city") or "")


def parse_gleif_relationships(doc: dict[str, Any]) -> Iterator[GleifRelationship]:
    publish = ((doc.get("meta") or {}).get("goldenCopy") or {}).get("publishDate", "")[:10]
    for item in _data_items(doc):
        if item.get("type") != "relationship-records":
            continue
        rel = item["attributes"]["relationship"]
        kind = {"IS_DIRECTLY_CONSOLIDATED_BY": "direct", "IS_ULTIMATELY_CONSOLIDATED_BY": "ultimate"}.get(rel["type"])
        if kind is None:
            continue
        period = next((p for p in rel.get("periods") or [] if p.get("type") == "RELATIONSHIP_PERIOD"), {})
        yield GleifRelationship(
            child_lei=rel["startNode"]["id"], parent_lei=rel["endNode"]["id"], kind=kind, status=rel.get("status", ""),
            start_date=(period.get("startDate") or "")[:10], end_date=(period.get("endDate") or "")[:10],
            corroboration=item["attributes"]["registration"].get("corroborationLevel") or "",
            record_id=item["id"], publish_date=publish,
        )


def parse_gleif_dir(folder: Path) -> tuple[list[GleifEntity], list[GleifRelationship]]:
    entities: dict[str, GleifEntity] = {}
    rels: dict[str, GleifRelationship] = {}
    for path in sorted(folder.rglob("*.json")):
        doc = json.loads(path.read_text("utf-8"))
        for e in parse_gleif_entities(doc):
            entities.setdefault(e.lei, e)
        for r in parse_gleif_relationships(doc):
            rels.setdefault(r.record_id, r)
    return sorted(entities.values(), key=lambda e: e.lei), sorted(rels.values(), key=lambda r: r.record_id)


ORGANIZATION_WORDS = frozenset(
    {
        "group", "holdings", "company", "companies", "corporation", "association", "university", "college",
        "institute", "foundation", "trust", "partners", "services", "systems", "solutions", "technologies",
        "technology", "industries", "international", "enterprises", "county", "city", "state", "authority",
        "bank", "hospital",
    }
)


def looks_like_organization(name: str) -> bool:
    """A legal form or an organization word. The Hoover's list also names private persons (sole
    proprietors' parents): those are never stored (DESIGN.md, organizations not people)."""
    from whosbehind.resolve.names import normalize

    key = normalize(name)
    return bool(key.legal_form) or any(w in ORGANIZATION_WORDS for w in key.core.split())


def parse_hoovers(text: str) -> list[tuple[str, str]]:
    """The Torn Apart Hoover's list: ``name, duns`` quoted with single quotes. Returns (name, 9-digit DUNS)
    for every row, persons included; `main` keeps only organizations in the packaged file."""
    reader = csv.reader(io.StringIO(text), quotechar="'", skipinitialspace=True)
    header = next(reader)
    if [h.strip() for h in header] != ["name", "duns"]:
        raise ValueError(f"unexpected Hoover's header {header!r}")
    out = []
    for row in reader:
        if len(row) != 2 or not row[1].strip().isdigit():
            raise ValueError(f"unexpected Hoover's row {row!r}")
        out.append((row[0].strip(), row[1].strip().zfill(9)))
    return out


def _read_reference_csv(name: str) -> list[dict[str, str]]:
    with REFERENCE.joinpath(name).open("r", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def gleif_entities() -> list[dict[str, str]]:
    return _read_reference_csv("gleif_entities.csv")


def gleif_relationships() -> list[dict[str, str]]:
    return _read_reference_csv("gleif_relationships.csv")


def hoovers_parents() -> list[dict[str, str]]:
    return _read_reference_csv("hoovers_parents.csv")


# ---- curated ownership --------------------------------------------------------------------------

@dataclass(frozen=True)
class OwnershipLink:
    child_id: str
    child_name: str
    parent_id: str
    parent_name: str
    valid_from: str
    valid_to: str
    as_of: str
    grade: str
    citation: str  # "publisher, date, title: URL"; several joined with " | "
    note: str


def _iso(value: Any, where: str) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise ValueError(f"{where}: {value!r} is not an ISO date") from None


def _citations(entry: dict[str, Any], where: str) -> str:
    cites = entry.get("citations") or []
    if not cites:
        raise ValueError(f"{where}: at least one citation is required")
    parts = []
    for c in cites:
        if not c.get("url") or not c.get("publisher"):
            raise ValueError(f"{where}: every citation needs a publisher and a url")
        parts.append(f"{c['publisher']}, {c.get('date', 'n.d.')}, {c.get('title', '')}: {c['url']}")
    return " | ".join(parts)


def read_ownership(text: str, source: str = "ownership.yaml") -> list[OwnershipLink]:
    doc = yaml.safe_load(text) or {}
    out = []
    for i, e in enumerate(doc.get("ownership") or [], start=1):
        where = f"{source} entry {i}"
        for key in ("child", "parent", "grade"):
            if not e.get(key):
                raise ValueError(f"{where}: {key} is required")
        if e["grade"] not in GRADES:
            raise ValueError(f"{where}: grade must be one of {GRADES}")
        child, parent = e["child"], e["parent"]
        out.append(OwnershipLink(
            child_id=child["id"], child_name=child.get("name", ""), parent_id=parent["id"],
            parent_name=parent.get("name", ""), valid_from=_iso(e.get("from"), where),
            valid_to=_iso(e.get("until"), where),
            as_of=_iso(e.get("as_of"), where), grade=e["grade"], citation=_citations(e, where), note=e.get("note", ""),
        ))
    return out


@dataclass(frozen=True)
class Brand:
    brand: str
    owner_id: str
    owner_name: str
    grade: str
    citation: str


def read_brands(text: str, source: str = "brands.yaml") -> list[Brand]:
    doc = yaml.safe_load(text) or {}
    out = []
    for i, e in enumerate(doc.get("brands") or [], start=1):
        where = f"{source} entry {i}"
        if not e.get("brand") or not (e.get("owner") or {}).get("id"):
            raise ValueError(f"{where}: brand and owner.id are required")
        out.append(Brand(e["brand"], e["owner"]["id"], e["owner"].get("name", ""), e.get("grade", "C"),
                         _citations(e, where)))
    return out


def curated_text(name: str) -> str:
    """A curated file: from $WHOSBEHIND_CURATED if set (reviewing changes), else the packaged copy."""
    from whosbehind import settings

    folder = settings.curated_dir()
    if folder:
        return (folder / name).read_text("utf-8")
    return CURATED.joinpath(name).read_text("utf-8")


def ownership() -> list[OwnershipLink]:
    return read_ownership(curated_text("ownership.yaml"))


def brands() -> list[Brand]:
    return read_brands(curated_text("brands.yaml"))


def _write_csv(path: Path, rows: Iterable[Any], fields: list[str]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        w = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow(asdict(r) if not isinstance(r, dict) else r)


def main(argv: list[str]) -> None:  # pragma: no cover - maintenance script
    gleif_dir, hoovers_csv = Path(argv[0]), Path(argv[1])
    out = Path(__file__).parent / "reference"
    ents, rels = parse_gleif_dir(gleif_dir)
    _write_csv(out / "gleif_entities.csv", ents, list(GleifEntity.__dataclass_fields__))
    _write_csv(out / "gleif_relationships.csv", rels, list(GleifRelationship.__dataclass_fields__))
    hv = [{"name": n, "duns": d} for n, d in parse_hoovers(hoovers_csv.read_text("utf-8"))
          if looks_like_organization(n)]
    _write_csv(out / "hoovers_parents.csv", hv, ["name", "duns"])
    print(f"{len(ents)} GLEIF entities, {len(rels)} GLEIF relationships, {len(hv)} Hoover's parents")


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
