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
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from whosbehind.errors import WhosbehindError
from whosbehind.model import OFFICIAL_OR_REPORTED, IdKind
from whosbehind.sources import curated

REFERENCE = resources.files("whosbehind.resolve").joinpath("reference")
CURATED = resources.files("whosbehind").joinpath("curated")


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
    proprietors' parents): those are never stored (README, principle 4: organizations, not people)."""
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
#
# ``curated/ownership.yaml`` holds three lists (the format is described in its header):
# ``sources``        documents, each cited once by key: publisher, title, date, url (only when sure);
# ``organizations``  the companies links speak of: today's name, the identifiers and the names as written in
#                    the records that find it, names it had before (renames, dated), or ``standalone: true``
#                    for a company no public document shows owned by another;
# ``links``          child -> parent, of a kind (subsidiary, brand, acquisition, merger, spin-off, rename,
#                    joint-venture member), from/until dates, the grade of its source and ``checked: false``
#                    when the link was not checked against the document it cites.

LINK_KINDS = ("subsidiary", "brand", "acquisition", "merger", "spin-off", "rename", "joint-venture member")


@dataclass(frozen=True)
class CuratedOrganization:
    key: str
    name: str  # today's name
    ids: tuple[str, ...]  # identifiers (uei:, duns:, lei:) the records carry for it
    records: tuple[str, ...]  # names as the records write it (any registration)
    formerly: tuple[tuple[str, str], ...]  # (previous name, until ISO date)
    standalone: bool
    note: str
    # The entity of the curated claims this organization is (a brand or system the claims speak of, such as
    # Ring or Amazon Rekognition): its links also start from that entity's node (resolve/pipeline.py).
    entity: str = ""

    @property
    def entity_id(self) -> str:
        return f"{IdKind.CURATED}{self.entity}" if self.entity else ""

    @property
    def fallback_id(self) -> str:
        """The id of an organization no record names (a parent outside the records): its name."""
        from whosbehind.resolve.names import clean_display

        return f"name:{clean_display(self.name)}"


@dataclass(frozen=True)
class OwnershipLink:
    child: str  # organization key
    parent: str
    kind: str
    valid_from: str
    valid_to: str
    as_of: str
    grade: str
    checked: bool
    citation: str  # "publisher, date, title: URL"; several joined with " | "
    note: str


@dataclass(frozen=True)
class Ownership:
    organizations: dict[str, CuratedOrganization]
    links: list[OwnershipLink]


def _iso(value: Any, where: str) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    if len(text) == 4 and text.isdigit():  # a year only: the document gives no day
        return f"{text}-01-01"
    if len(text) == 7 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit():  # a month only
        return f"{text}-01"
    raise ValueError(f"{where}: {value!r} is not an ISO date")


def _cite(c: dict[str, Any], where: str) -> str:
    if not c.get("publisher") or not c.get("title"):
        raise ValueError(f"{where}: every citation needs a publisher and a title")
    url = f": {c['url']}" if c.get("url") else ""
    return f"{c['publisher']}, {c.get('date', 'n.d.')}, {c['title']}{url}"


def _citations(entry: dict[str, Any], where: str, sources: dict[str, str] | None = None) -> str:
    parts = []
    for key in ([entry["source"]] if entry.get("source") else []) + list(entry.get("sources") or []):
        if sources is None or key not in sources:
            raise ValueError(f"{where}: unknown source {key!r}")
        parts.append(sources[key])
    parts.extend(_cite(c, where) for c in entry.get("citations") or [])
    if not parts:
        raise ValueError(f"{where}: at least one citation is required")
    return " | ".join(parts)


def read_ownership(text: str, source: str = "ownership.yaml") -> Ownership:
    """Parse and check the curated ownership file; a bad entry is an error naming the entry, never skipped."""
    doc = _document(text, source)
    sources: dict[str, str] = {}
    for i, c in enumerate(doc.get("sources") or [], start=1):
        if not c.get("key"):
            raise ValueError(f"{source} source {i}: key is required")
        sources[c["key"]] = _cite(c, f"{source} source {c['key']}")
    orgs: dict[str, CuratedOrganization] = {}
    for i, o in enumerate(doc.get("organizations") or [], start=1):
        where = f"{source} organization {o.get('key') or i}"
        if not o.get("key") or not o.get("name"):
            raise ValueError(f"{where}: key and name are required")
        if o["key"] in orgs:
            raise ValueError(f"{where}: key used twice")
        ids = tuple(o.get("ids") or ())
        for x in ids:
            if x.split(":", 1)[0] not in ("uei", "duns", "lei") or ":" not in x:
                raise ValueError(f"{where}: {x!r} is not an identifier id (uei:, duns:, lei:)")
        formerly = tuple((f["name"], _iso(f.get("until"), where)) for f in o.get("formerly") or ())
        entity = str(o.get("entity") or "")
        if entity and not re.fullmatch(r"[a-z0-9][a-z0-9-]*", entity):
            raise ValueError(f"{where}: entity {entity!r} is not a valid entity id (claims/entities.yaml)")
        if entity and any(other.entity == entity for other in orgs.values()):
            raise ValueError(f"{where}: entity {entity!r} is another organization's already")
        orgs[o["key"]] = CuratedOrganization(o["key"], o["name"], ids, tuple(o.get("records") or ()), formerly,
                                             bool(o.get("standalone")), o.get("note", ""), entity)
    links = []
    for i, e in enumerate(doc.get("links") or [], start=1):
        where = f"{source} link {i} ({e.get('child')} -> {e.get('parent')})"
        for key in ("child", "parent", "kind", "grade"):
            if not e.get(key):
                raise ValueError(f"{where}: {key} is required")
        for key in ("child", "parent"):
            if e[key] not in orgs:
                raise ValueError(f"{where}: {key} {e[key]!r} is not in organizations")
            if orgs[e[key]].standalone and key == "child" and not e.get("until"):
                raise ValueError(f"{where}: {e[key]!r} is marked standalone, so a link from it must have ended")
        if e["kind"] not in LINK_KINDS:
            raise ValueError(f"{where}: kind must be one of {', '.join(LINK_KINDS)}")
        if e["grade"] not in OFFICIAL_OR_REPORTED:
            raise ValueError(f"{where}: grade must be A, B or C (README, principle 1)")
        valid_from, valid_to = _iso(e.get("from"), where), _iso(e.get("until"), where)
        if valid_from and valid_to and valid_to <= valid_from:
            raise ValueError(f"{where}: until must come after from")
        links.append(OwnershipLink(
            child=e["child"], parent=e["parent"], kind=e["kind"], valid_from=valid_from, valid_to=valid_to,
            as_of=_iso(e.get("as_of"), where), grade=e["grade"], checked=e.get("checked") is True,
            citation=_citations(e, where, sources), note=e.get("note", ""),
        ))
    for i, u in enumerate(doc.get("unresolved") or [], start=1):
        if not u.get("name") or not u.get("note"):
            raise ValueError(f"{source} unresolved {i}: name and note are required")
    return Ownership(orgs, links)


@dataclass(frozen=True)
class Brand:
    brand: str
    owner_id: str
    owner_name: str
    grade: str
    citation: str


def read_brands(text: str, source: str = "brands.yaml") -> list[Brand]:
    doc = _document(text, source)
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
        if not (folder / name).is_file():
            raise WhosbehindError(f"{folder / name}: no such file (WHOSBEHIND_CURATED names a folder holding "
                                  "ownership.yaml, brands.yaml and decisions.csv)")
        return (folder / name).read_text("utf-8")
    return CURATED.joinpath(name).read_text("utf-8")


def curated_document(name: str) -> dict[str, Any]:
    """A curated YAML file's mapping (``curated_text``), for a reader that needs only part of it."""
    return _document(curated_text(name), name)


def _document(text: str, source: str) -> dict[str, Any]:
    """A curated YAML file's mapping; a file YAML cannot read, or one that is not a mapping, is one line naming the
    file and where (its entries are checked by the reader of each file)."""
    import yaml

    try:
        doc = curated.read_yaml(text)
    except yaml.YAMLError as exc:
        mark, problem = getattr(exc, "problem_mark", None), getattr(exc, "problem", None) or str(exc)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        raise WhosbehindError(f"{source}: not valid YAML{where}: {' '.join(problem.split())}") from None
    if doc is None:  # an empty file
        return {}
    if not isinstance(doc, dict):
        raise WhosbehindError(f"{source}: not a mapping of sections (organizations, brands, ...)")
    return doc


def ownership() -> Ownership:
    try:
        return read_ownership(curated_text("ownership.yaml"))
    except ValueError as exc:  # one readable line, the database unchanged (the build is one transaction)
        raise WhosbehindError(str(exc)) from None


def entity_problems(entities: Iterable[str]) -> list[str]:
    """The organizations of curated ownership whose ``entity`` the curated claims in use do not hold: a build
    refuses them (a link would start from a node that is not there)."""
    held = set(entities)
    return [f"ownership.yaml organization {o.key}: entity {o.entity!r} is not an entity of the curated claims"
            for o in ownership().organizations.values() if o.entity and o.entity not in held]


def claims_problems(cur: curated.Curated) -> list[str]:
    """What makes a set of curated claims unusable: its own problems (``curated.problems``), then an entity curated
    ownership names that it does not hold. A build refuses them, and `whosbehind check` reports them."""
    return [*cur.problems, *entity_problems(cur.entities)]


def brands() -> list[Brand]:
    try:
        return read_brands(curated_text("brands.yaml"))
    except ValueError as exc:  # as ownership(): one readable line
        raise WhosbehindError(str(exc)) from None


def family_as_of(con: Any, org_ids: list[str], day: date | str) -> dict[str, dict[str, Any]]:
    """The family each organization belonged to on ``day`` (from the dated table ``family_periods``): for each
    id, ``family_id``, ``family_name`` and the period (``valid_from``, ``valid_to``; None = open) that covers the
    day. The ranking's default (`top`, the home page) is today's families; this is the `--as-of` reading."""
    from whosbehind.store import queries

    when = date.fromisoformat(day) if isinstance(day, str) else day
    return {r["id"]: r for r in queries.rows(con, "family_as_of", ids=list(org_ids), day=when)}


def family_members_as_of(con: Any, family_id: str, day: date | str) -> list[dict[str, Any]]:
    """The organizations in a family on ``day`` (the head first), each with the period that covers the day."""
    from whosbehind.store import queries

    when = date.fromisoformat(day) if isinstance(day, str) else day
    return queries.rows(con, "family_members_as_of", family=family_id, day=when)


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
