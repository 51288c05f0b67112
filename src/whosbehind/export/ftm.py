"""The graph as FollowTheMoney entities, one JSON object per line, for Aleph, yente and other FtM tools.

Written directly (no followthemoney dependency, which would pull duckdb below 2): each entity is
``{"id", "schema", "properties": {name: [values]}}``. Organizations become Company (PublicBody for
agencies and offices, Asset for cloud products and systems, RealEstate for facilities); each piece of money
evidence becomes a Payment (payer → beneficiary) with its USAspending permalink as sourceUrl; parent links an
Ownership (those whosbehind inferred too, saying so); every other tie (FedRAMP, hosting, financing, facility
operation, supply, brands ...) an UnknownLink carrying its source, locator and grade. Private persons are one
bucket without a name of anyone.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import duckdb

from whosbehind.store.db import query_text

PREFIX = "wb"

GRADE_WORDS = {"A": "official record (grade A)", "B": "official but self-reported or secondary (grade B)",
               "C": "published reporting (grade C)", "E": "inferred by whosbehind (grade E)"}


def entity_id(*parts: str) -> str:
    return f"{PREFIX}-" + hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:24]


def org_entity_id(org_id: str) -> str:
    return entity_id("org", org_id)


def _value(v: Any) -> str:
    if isinstance(v, Decimal):
        return format(v, "f")
    if isinstance(v, datetime):
        return v.date().isoformat()
    if isinstance(v, date):
        return v.isoformat()
    return str(v)


def _entity(eid: str, schema: str, **props: Any) -> dict[str, Any]:
    properties = {k: [_value(v)] for k, v in props.items() if v is not None and v != ""}
    return {"id": eid, "schema": schema, "properties": properties}


def _rows(con: duckdb.DuckDBPyConnection, name: str) -> Iterator[dict[str, Any]]:
    cursor = con.execute(query_text(name))
    columns = [d[0] for d in cursor.description]
    while batch := cursor.fetchmany(5000):
        for row in batch:
            yield dict(zip(columns, row, strict=True))


NODE_SCHEMAS = {"agency": "PublicBody", "sub_agency": "PublicBody", "office": "PublicBody", "government": "PublicBody",
                "individuals": "Organization", "sector": "Organization", "cloud_product": "Asset", "system": "Asset",
                "detention_facility": "RealEstate"}


def entities(con: duckdb.DuckDBPyConnection) -> Iterator[dict[str, Any]]:
    for o in _rows(con, "export_organizations"):
        schema = NODE_SCHEMAS.get(o["kind"], "Company")
        duns = o["id"][5:] if o["id"].startswith("duns:") else None
        props = {"uniqueEntityId": o["uei"], "dunsCode": duns} if schema == "Company" else {}
        yield _entity(org_entity_id(o["id"]), schema, name=o["name"], **props,
                      notes=f"whosbehind id {o['id']}" + (f"; records merged: {o['merged_records']}"
                                                          if o["merged_records"] else ""))
    for e in _rows(con, "export_evidence"):
        grade = GRADE_WORDS.get(e["grade"], "grade " + e["grade"])
        record = (f"{e['file_name']} (sha256 {e['sha256']}) rows {e['rows']}" if e["sha256"] and e["rows"]
                  else e["locator"])
        if e["kind"] in ("prime_contract", "subcontract"):
            what = "prime contract obligations" if e["kind"] == "prime_contract" else "subaward reported by the prime"
            yield _entity(
                entity_id("evidence", e["evidence_id"]), "Payment",
                payer=org_entity_id(e["source_id"]), beneficiary=org_entity_id(e["target_id"]),
                amount=e["amount"], currency="USD", startDate=e["first_date"], endDate=e["last_date"],
                purpose=f"{what}, award {e['award_key']}", sourceUrl=e["url"], recordId=record,
                summary=f"{grade}; obligated amounts are sums of federal_action_obligation"
                if e["kind"] == "prime_contract" else f"{grade}; not added to prime totals",
            )
        elif e["kind"] == "parent":
            yield _entity(
                entity_id("evidence", e["evidence_id"]), "Ownership",
                owner=org_entity_id(e["target_id"]), asset=org_entity_id(e["source_id"]),
                role=f"parent company ({e['source_name']}, {grade})", startDate=e["first_date"],
                date=e["last_date"], recordId=record, sourceUrl=e["url"],
            )
        else:
            yield _entity(
                entity_id("evidence", e["evidence_id"]), "UnknownLink",
                subject=org_entity_id(e["source_id"]), object=org_entity_id(e["target_id"]),
                role=f"{e['kind'].replace('_', ' ')} ({grade})", startDate=e["first_date"], endDate=e["last_date"],
                publisher=e["source_name"], sourceUrl=e["url"], recordId=record, summary=e["quote"],
            )
    for link in _rows(con, "export_inferred_links"):  # families show them as members, so the export has them too
        yield _entity(
            entity_id("inferred", link["child_id"], link["parent_id"]), "Ownership",
            owner=org_entity_id(link["parent_id"]), asset=org_entity_id(link["child_id"]),
            role=f"parent company ({GRADE_WORDS.get(link['grade'], 'grade ' + link['grade'])})",
            summary=link["citation"],
        )
    for t in _rows(con, "export_ties"):
        if t["kind"] == "part_of":
            yield _entity(entity_id("part_of", t["source_id"], t["target_id"]), "UnknownLink",
                          subject=org_entity_id(t["source_id"]), object=org_entity_id(t["target_id"]),
                          role="part of (USAspending agency codes, grade A)")


def jsonl(con: duckdb.DuckDBPyConnection, *, batch: int = 2000) -> Iterator[bytes]:
    """JSON lines, in chunks of `batch` entities (one write per chunk, not per line)."""
    lines: list[bytes] = []
    for entity in entities(con):
        lines.append(json.dumps(entity, ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n")
        if len(lines) >= batch:
            yield b"".join(lines)
            lines = []
    if lines:
        yield b"".join(lines)
