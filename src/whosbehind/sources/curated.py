"""Curated evidence: cited claims that official records do not carry, in YAML files reviewed like code.

Files live in ``curated/claims/*.yaml`` (see the README there). Each file may hold three lists:

``sources``   publications a claim cites (publisher, title, date, URL where known).
``entities``  the companies, banks, brands, systems, agencies and sectors claims speak of, with the keys that
              tie them to records: UEI, DUNS, names exactly as USAspending writes them, FedRAMP provider
              names, ICE facility-operator codes, agency codes.
``claims``    one claim each: ``kind``, ``subject``, ``object``, ``period``, ``amount``, ``grade``, ``status``,
              ``citations`` (source + short quote), the company's published ``response``, and ``records``: the
              official records in the bundled data that back it (linked, never merged into it).

The models below are the schema: unknown fields are refused, dates are checked, and :func:`problems` finds
what ``whosbehind check`` rejects (no citation, an unknown subject or object, bad dates, a duplicate).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from whosbehind import settings
from whosbehind.errors import WhosbehindError

# libyaml's parser where PyYAML has it (its wheels do): the same documents, read several times faster; the build
# reads the ownership, product and claim files on every derive.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(text: str) -> Any:
    """The document of a curated YAML file, as ``yaml.safe_load`` reads it (plain data only)."""
    return yaml.load(text, Loader=_LOADER)  # a safe loader: CSafeLoader or SafeLoader

ClaimKind = Literal["hosting", "financing", "facility_operation", "supply", "sales_pitch", "partnership", "brand",
                    "system_use"]
EntityKind = Literal["company", "bank", "brand", "system", "agency", "government", "sector"]
Status = Literal["reported", "disputed", "not_established", "ended"]

# What each kind of claim says, read subject -> object. Used for wording and for the direction of paths.
KIND_WORDS = {
    "hosting": "hosts",
    "financing": "financed",
    "facility_operation": "operates detention for",
    "supply": "supplies",
    "sales_pitch": "pitched",
    "partnership": "has a partnership with",
    "brand": "is a brand or business of",
    "system_use": "uses",
}
# Which entity kinds a claim's subject and object may be.
ALLOWED = {
    "hosting": ({"company"}, {"system"}),
    "financing": ({"bank", "company"}, {"company", "sector"}),
    "facility_operation": ({"company"}, {"agency", "system"}),
    "supply": ({"company"}, {"agency", "system", "government"}),
    "sales_pitch": ({"company", "brand"}, {"agency", "system", "government"}),
    "partnership": ({"company", "brand"}, {"company", "brand"}),
    "brand": ({"brand", "company", "bank"}, {"company", "bank"}),
    "system_use": ({"agency"}, {"system"}),
}
PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
DEFAULT_DIR = Path(__file__).resolve().parents[1] / "curated" / "claims"


def claims_dir() -> Path:
    """Where the claim files are: $WHOSBEHIND_CLAIMS, else the claims shipped in the package (curated/claims)."""
    return settings.claims_dir() or DEFAULT_DIR


def check_partial_date(value: Any) -> str | None:
    """YYYY, YYYY-MM or YYYY-MM-DD, a real calendar date. YAML may hand us a date object."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    if not PARTIAL_DATE.match(text):
        raise ValueError(f"{text!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
    parts = [int(p) for p in text.split("-")]
    try:
        date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a calendar date: {exc}") from exc
    return text


def first_day(value: str | None) -> date | None:
    if not value:
        return None
    parts = [int(p) for p in value.split("-")]
    return date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def last_day(value: str | None) -> date | None:
    if not value:
        return None
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 3:
        return date(*parts)
    if len(parts) == 2:
        nxt = date(parts[0] + (parts[1] == 12), parts[1] % 12 + 1, 1)
        return date.fromordinal(nxt.toordinal() - 1)
    return date(parts[0], 12, 31)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    publisher: str = Field(min_length=2)
    title: str = Field(min_length=2)
    date: str | None = None
    url: str | None = Field(default=None, pattern=r"^https?://")
    author: str | None = None
    note: str | None = None

    _date = field_validator("date", mode="before")(classmethod(lambda cls, v: check_partial_date(v)))


class Keys(Strict):
    """How an entity is found in the records. Each key is an exact identifier or an exact written name."""

    uei: list[str] = []
    duns: list[str] = []
    record_names: list[str] = []  # exactly as USAspending writes the recipient (compared after clean_name)
    fedramp_csp: list[str] = []  # Products[].csp as the FedRAMP Marketplace writes the provider
    ice_facility_operator: list[str] = []  # facility_operator codes of the ICE facility list
    agency_code: str | None = None  # USAspending agency or sub-agency code (070, 7012, 7014)
    fedramp_agency: str | None = None  # FedRAMP Marketplace agency id (22-002-04)
    basis: str | None = None  # why a name or code is read as this entity, when it is not self-evident


class Entity(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str = Field(min_length=2)
    kind: EntityKind
    keys: Keys = Keys()
    note: str | None = None


class Period(Strict):
    start: str | None = None
    end: str | None = None

    _dates = field_validator("start", "end", mode="before")(classmethod(lambda cls, v: check_partial_date(v)))

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.start and self.end and first_day(self.start) > last_day(self.end):
            raise ValueError(f"period starts ({self.start}) after it ends ({self.end})")
        return self


class Amount(Strict):
    value: Decimal = Field(gt=0)
    currency: Literal["USD"] = "USD"
    what: str = Field(min_length=3)  # e.g. "revolving credit line", "contract ceiling", "bonds underwritten"


class Citation(Strict):
    source: str
    quote: str = Field(min_length=10, max_length=600)
    locator: str | None = None  # paragraph or section, when a long piece needs it


class Response(Strict):
    status: Literal["did_not_respond", "responded", "none_cited"]
    text: str | None = None
    source: str | None = None  # the source that reports the response (or its absence)


class RecordLink(Strict):
    type: Literal["usaspending_award", "fedramp_product", "ice_facility"]
    id: str
    note: str = Field(min_length=5)  # how the record matches the claim (and how it does not)


class Claim(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    kind: ClaimKind
    subject: str
    object: str
    period: Period = Period()
    amount: Amount | None = None
    grade: Literal["A", "B", "C", "D"]
    status: Status = "reported"
    summary: str = Field(min_length=10)
    caveat: str | None = None
    citations: list[Citation]
    response: Response | None = None
    records: list[RecordLink] = []

    @model_validator(mode="after")
    def _caveats_lower_the_grade(self) -> Claim:
        if self.status in ("disputed", "not_established") and self.grade in ("A", "B", "C"):
            raise ValueError(f"a {self.status} claim carries grade D, not {self.grade}")
        if self.status in ("disputed", "not_established") and not self.caveat:
            raise ValueError(f"a {self.status} claim needs a caveat saying what is not established")
        return self


class ClaimFile(Strict):
    sources: list[Source] = []
    entities: list[Entity] = []
    claims: list[Claim] = []


@dataclass
class Curated:
    sources: dict[str, Source]
    entities: dict[str, Entity]
    claims: list[Claim]
    files: dict[str, str]  # claim id / entity id / source id -> file name it came from
    problems: list[str]


def load(directory: Path | None = None) -> Curated:
    """Read and validate every file; problems are collected, not raised (``check`` reports them all)."""
    directory = directory or claims_dir()
    if not directory.is_dir():
        raise WhosbehindError(f"{directory}: no curated claims folder (set WHOSBEHIND_CLAIMS to its path)")
    out = Curated({}, {}, [], {}, [])
    for path in sorted(directory.glob("*.yaml")):
        try:
            doc = read_yaml(path.read_text("utf-8")) or {}
            parsed = ClaimFile.model_validate(doc)
        except yaml.YAMLError as exc:
            out.problems.append(f"{path.name}: not valid YAML: {exc}")
            continue
        except UnicodeDecodeError as exc:  # a binary file, or text saved in another encoding
            out.problems.append(f"{path.name}: not UTF-8 text (byte {exc.start + 1}: {exc.reason})")
            continue
        except OSError as exc:  # a folder named *.yaml, a file that may not be read
            out.problems.append(f"{path.name}: cannot be read ({exc.strerror or exc})")
            continue
        except ValidationError as exc:
            for err in exc.errors():
                where = ".".join(str(p) for p in err["loc"])
                item = _item_id(doc, err["loc"])
                out.problems.append(f"{path.name}: {item}{where}: {err['msg']}")
            continue
        for s in parsed.sources:
            _add(out, out.sources, s.id, s, path.name, "source")
        for e in parsed.entities:
            _add(out, out.entities, e.id, e, path.name, "entity")
        for c in parsed.claims:
            if any(x.id == c.id for x in out.claims):
                out.problems.append(f"{path.name}: claim {c.id}: duplicated id (also in {out.files[c.id]})")
                continue
            out.claims.append(c)
            out.files[c.id] = path.name
    out.problems.extend(problems(out))
    return out


def _item_id(doc: Any, loc: tuple[Any, ...]) -> str:
    try:
        item = doc[loc[0]][loc[1]]
        return f"{item.get('id', '?')}: " if isinstance(item, dict) else ""
    except (KeyError, IndexError, TypeError):
        return ""


def _add(out: Curated, table: dict[str, Any], key: str, value: Any, file_name: str, what: str) -> None:
    if key in table:
        out.problems.append(f"{file_name}: {what} {key}: duplicated id (also in {out.files.get(what + ':' + key)})")
        return
    table[key] = value
    out.files[f"{what}:{key}"] = file_name


def problems(cur: Curated) -> list[str]:
    """What makes the set of claims unusable: unknown references, missing citations, bad dates, duplicates."""
    found: list[str] = []
    seen: dict[tuple[str, str, str, str | None], str] = {}
    for c in cur.claims:
        where = f"{cur.files.get(c.id, '?')}: claim {c.id}"
        if not c.citations:
            found.append(f"{where}: no citation")
        for cit in c.citations:
            if cit.source not in cur.sources:
                found.append(f"{where}: cites unknown source {cit.source!r}")
        if c.response and c.response.source and c.response.source not in cur.sources:
            found.append(f"{where}: response cites unknown source {c.response.source!r}")
        for role, ref in (("subject", c.subject), ("object", c.object)):
            if ref not in cur.entities:
                found.append(f"{where}: unknown {role} {ref!r}")
        if c.subject == c.object:
            found.append(f"{where}: subject and object are the same")
        if c.subject in cur.entities and c.object in cur.entities:
            subj_kinds, obj_kinds = ALLOWED[c.kind]
            if cur.entities[c.subject].kind not in subj_kinds:
                found.append(f"{where}: a {c.kind} claim cannot have a {cur.entities[c.subject].kind} as subject")
            if cur.entities[c.object].kind not in obj_kinds:
                found.append(f"{where}: a {c.kind} claim cannot have a {cur.entities[c.object].kind} as object")
        published = [last_day(cur.sources[x.source].date) for x in c.citations
                     if x.source in cur.sources and cur.sources[x.source].date]
        if c.period.start and published and first_day(c.period.start) > max(published):
            found.append(f"{where}: period starts ({c.period.start}) after its newest citation was published")
        key = (c.kind, c.subject, c.object, c.period.start)
        if c.kind == "partnership":
            key = (c.kind, *sorted((c.subject, c.object)), c.period.start)  # type: ignore[assignment]
        if key in seen:
            found.append(f"{where}: duplicates claim {seen[key]} (same kind, subject, object and start)")
        else:
            seen[key] = c.id
    return found


def rows(cur: Curated) -> dict[str, list[tuple[Any, ...]]]:
    """The curated files as rows for the raw tables (see store/sql/400_evidence_schema.sql)."""
    out: dict[str, list[tuple[Any, ...]]] = {"sources": [], "entities": [], "entity_keys": [], "claims": [],
                                              "citations": [], "records": []}
    for s in cur.sources.values():
        out["sources"].append((s.id, s.publisher, s.title, s.date, s.url, s.author, s.note,
                               cur.files[f"source:{s.id}"]))
    for e in cur.entities.values():
        out["entities"].append((e.id, e.name, e.kind, e.note, e.keys.basis, cur.files[f"entity:{e.id}"]))
        k = e.keys
        for key_type, values in (("uei", k.uei), ("duns", k.duns), ("record_name", k.record_names),
                                 ("fedramp_csp", k.fedramp_csp), ("ice_facility_operator", k.ice_facility_operator),
                                 ("agency_code", [k.agency_code] if k.agency_code else []),
                                 ("fedramp_agency", [k.fedramp_agency] if k.fedramp_agency else [])):
            for v in values:
                out["entity_keys"].append((e.id, key_type, v))
    for c in cur.claims:
        response = c.response
        out["claims"].append((
            c.id, c.kind, c.subject, c.object, c.period.start, c.period.end,
            first_day(c.period.start), last_day(c.period.end),
            c.amount.value if c.amount else None, c.amount.what if c.amount else None,
            c.grade, c.status, c.summary, c.caveat,
            response.status if response else None, response.text if response else None,
            response.source if response else None, cur.files[c.id],
        ))
        for n, cit in enumerate(c.citations, 1):
            out["citations"].append((c.id, n, cit.source, cit.quote, cit.locator))
        for link in c.records:
            out["records"].append((c.id, link.type, link.id, link.note))
    return out
