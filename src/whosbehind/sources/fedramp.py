"""FedRAMP Marketplace ``data.json``: cloud products, their providers, and the agencies that authorized them.

The Marketplace feed (GSA, ``https://raw.githubusercontent.com/GSA/marketplace-fedramp-gov-data/main/data.json``)
is published daily. Each snapshot says which agency authorized (initial ATO) or reused (agency ATO leveraging
an existing package) which product, with dates. whosbehind keeps every snapshot it was given, so what was
authorized when, and what appeared or disappeared between snapshots, can be shown.

Where the authorizations are in a snapshot (``relation`` in the rows this module yields):
- ``initial_ato``: ``data.AtoMapping[]`` (2025 on): initial ATOs, one row per product and agency, with ``ato_date``,
  ``auth_date`` and ``exp_date``; ``agency_id`` may be a sub-agency (``22-002-04`` ICE).
- ``reuse``: ``data.ReuseMapping[]`` (2025 on) and ``data.Products[].agency_reuse[]``: reuse ATOs;
  ``sub_id`` is the sub-agency when there is one.
- ``listed``: ``data.Agencies[].auths[]`` (every version, the only agency-side list in 2023): the products the
  Marketplace lists on the agency's page, initial and reused alike, without dates.
- ``in_process``: ``data.Agencies[].procs[]``: the agency is sponsoring an authorization still in process (kept
  as state, never a tie).
Products carry ``csp`` (provider name) and, for some, ``uei`` (the provider's SAM Unique Entity ID).

The bundled copy (``bundled_evidence/fedramp``) is trimmed by :func:`trim` to the fields read here; the
originals' sha256 are kept in ``bundled_evidence/SOURCES.md``.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whosbehind.errors import InputError
from whosbehind.model import Grade

PUBLISHER = "U.S. General Services Administration, FedRAMP PMO (FedRAMP Marketplace)"
URL = "https://github.com/GSA/marketplace-fedramp-gov-data"
LICENCE = "U.S. government work (public domain in the U.S.)"
GRADE = Grade.A

# FedRAMP agency ids of the agencies whosbehind focuses on by default (Agencies[].id in data.json).
FOCUS_AGENCIES = {"22-002": "Department of Homeland Security", "22-002-04": "Immigration and Customs Enforcement",
                  "22-002-02": "Customs and Border Protection"}

PRODUCT_FIELDS = ("id", "csp", "cso", "status", "auth_type", "auth_date", "impact_level", "uei",
                  "service_model", "independent_assessor", "agency_authorizations", "agency_reuse",
                  "leveraged_systems", "small_business", "deployment_model", "service_desc")
AGENCY_FIELDS = ("id", "parent", "sub", "sub_id")
ATO_FIELDS = ("id", "agency_id", "parent", "sub", "ato_date", "auth_date", "exp_date")
REUSE_FIELDS = ("id", "agency_id", "parent", "sub_id", "sub", "ato_date", "auth_date", "exp_date")


@dataclass
class Snapshot:
    """One version of data.json, reduced to rows."""

    file_name: str
    sha256: str  # of the file as read (the bundled trimmed copy, or an original)
    last_change: str  # meta.last_change: when GSA published this version
    products: list[dict[str, Any]] = field(default_factory=list)
    agencies: list[dict[str, Any]] = field(default_factory=list)
    authorizations: list[dict[str, Any]] = field(default_factory=list)
    leveraged: list[dict[str, Any]] = field(default_factory=list)  # Products[].leveraged_systems[]
    descriptions: list[dict[str, Any]] = field(default_factory=list)  # Products[].service_desc, deployment_model

    @property
    def snapshot_date(self) -> str:
        return self.last_change[:10]


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def iso_date(value: Any) -> str | None:
    """'2024-02-20T20:00:00.000Z' -> '2024-02-20'; placeholders ('Not Active', 'No FRR Date', '') -> None."""
    text = _text(value)
    if not text or len(text) < 10 or not text[:4].isdigit() or text[4] != "-" or text[7] != "-":
        return None
    return text[:10]


def load_json(path: Path) -> tuple[dict[str, Any], str]:
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if path.name.endswith(".gz"):
        raw = gzip.decompress(raw)
    try:
        return json.loads(raw.decode("utf-8")), digest
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(path.name, f"not a FedRAMP Marketplace data.json: {exc}") from exc


def read_snapshot(path: Path) -> Snapshot:
    doc, digest = load_json(path)
    data = doc.get("data") if isinstance(doc, dict) else None
    if not isinstance(data, dict) or not isinstance(data.get("Products"), list):
        raise InputError(path.name, "not a FedRAMP Marketplace data.json (no data.Products list)")
    meta = doc.get("meta") or {}
    snap = Snapshot(path.name, digest, _text(meta.get("last_change")) or "")
    if not snap.last_change:
        raise InputError(path.name, "meta.last_change is missing: the snapshot cannot be dated")
    for i, p in enumerate(data["Products"]):
        snap.products.append({
            "product_id": _text(p.get("id")), "csp": _text(p.get("csp")), "cso": _text(p.get("cso")),
            "status": _text(p.get("status")), "auth_type": _text(p.get("auth_type")),
            "auth_date": iso_date(p.get("auth_date")), "impact_level": _text(p.get("impact_level")),
            "uei": (_text(p.get("uei")) or "").upper() or None,
            "service_model": ", ".join(s for s in (p.get("service_model") or []) if s) or None,
            "independent_assessor": _text(p.get("independent_assessor")),
            "pointer": f"/data/Products/{i}",
        })
        product_id = _text(p.get("id"))
        if not product_id:
            continue
        for j, ls in enumerate(p.get("leveraged_systems") or []):
            if isinstance(ls, dict):
                snap.leveraged.append({"product_id": product_id, "leveraged_id": _text(ls.get("id")),
                                       "csp": _text(ls.get("csp")), "cso": _text(ls.get("cso")),
                                       "pointer": f"/data/Products/{i}/leveraged_systems/{j}"})
        desc = p.get("service_desc")
        desc = desc.strip() if isinstance(desc, str) and desc.strip() else None
        if desc or p.get("deployment_model"):
            snap.descriptions.append({"product_id": product_id, "deployment_model": _text(p.get("deployment_model")),
                                      "service_desc": desc, "pointer": f"/data/Products/{i}/service_desc"})
    for a in data.get("Agencies") or []:
        snap.agencies.append({"agency_id": _text(a.get("id")), "parent": _text(a.get("parent")),
                              "sub": _text(a.get("sub"))})
    snap.authorizations = _authorizations(data)
    return snap


def _authorizations(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Every (product, agency, relation) the snapshot states, with the dates the mapping rows give."""
    # Mapping rows (with dates) come first, so the pointer kept for a relation is the dated row when there is one.
    found: dict[tuple[str, str, str], dict[str, Any]] = {}

    def add(product: Any, agency: Any, relation: str, pointer: str, **dates: Any) -> None:
        product_id, agency_id = _text(product), _text(agency)
        if not product_id or not agency_id:
            return
        key = (product_id, agency_id, relation)
        row = found.get(key)
        if row is None:
            row = found[key] = {"product_id": product_id, "fedramp_agency_id": agency_id, "relation": relation,
                                "ato_date": None, "auth_date": None, "exp_date": None, "pointer": pointer}
        for name, value in dates.items():
            if row[name] is None and iso_date(value):
                row[name] = iso_date(value)

    for i, r in enumerate(data.get("AtoMapping") or []):
        add(r.get("id"), r.get("agency_id"), "initial_ato", f"/data/AtoMapping/{i}",
            ato_date=r.get("ato_date"), auth_date=r.get("auth_date"), exp_date=r.get("exp_date"))
    for i, r in enumerate(data.get("ReuseMapping") or []):
        add(r.get("id"), _text(r.get("sub_id")) or r.get("agency_id"), "reuse", f"/data/ReuseMapping/{i}",
            ato_date=r.get("ato_date"), auth_date=r.get("auth_date"), exp_date=r.get("exp_date"))
    for i, a in enumerate(data.get("Agencies") or []):
        for j, auth in enumerate(a.get("auths") or []):
            add(auth.get("id") if isinstance(auth, dict) else auth, a.get("id"), "listed",
                f"/data/Agencies/{i}/auths/{j}")
        for j, proc in enumerate(a.get("procs") or []):
            add(proc.get("id") if isinstance(proc, dict) else proc, a.get("id"), "in_process",
                f"/data/Agencies/{i}/procs/{j}")
    for i, p in enumerate(data.get("Products") or []):
        for j, agency in enumerate(p.get("agency_reuse") or []):
            add(p.get("id"), agency, "reuse", f"/data/Products/{i}/agency_reuse/{j}")
    return sorted(found.values(), key=lambda r: (r["product_id"], r["fedramp_agency_id"], r["relation"]))


def trim(doc: dict[str, Any]) -> dict[str, Any]:
    """The fields whosbehind reads, in the published structure (so the same reader reads both).

    Array order is kept, so JSON pointers into the trimmed copy equal pointers into the original."""
    data = doc["data"]

    def pick(row: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
        return {n: row[n] for n in names if n in row}

    agencies = []
    for a in data.get("Agencies") or []:
        row = pick(a, AGENCY_FIELDS)
        row["auths"] = [{"id": x.get("id")} for x in a.get("auths") or []]
        row["procs"] = [{"id": x.get("id")} for x in a.get("procs") or []]
        agencies.append(row)
    out: dict[str, Any] = {"meta": doc.get("meta", {}), "data": {
        "Products": [pick(p, PRODUCT_FIELDS) for p in data.get("Products") or []],
        "Agencies": agencies,
    }}
    if "AtoMapping" in data:
        out["data"]["AtoMapping"] = [pick(r, ATO_FIELDS) for r in data["AtoMapping"]]
    if "ReuseMapping" in data:
        out["data"]["ReuseMapping"] = [pick(r, REUSE_FIELDS) for r in data["ReuseMapping"]]
    return out


def write_trimmed(source: Path, target: Path) -> str:
    """Write the trimmed copy of one original as gzip (deterministic bytes); returns the original's sha256."""
    doc, digest = load_json(source)
    text = json.dumps(trim(doc), ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    with open(target, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as handle:
        handle.write(text.encode("utf-8"))
    return digest


if __name__ == "__main__":  # pragma: no cover - maintenance: python -m whosbehind.sources.fedramp SRC.json OUT.gz
    print(write_trimmed(Path(sys.argv[1]), Path(sys.argv[2])))
