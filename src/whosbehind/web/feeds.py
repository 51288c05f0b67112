"""Atom feeds of what changed (per organization's family, per agency, per watchlist) and the "what changed"
section the pages include (templates/changes.html).

Routes: ``/feeds/organization/{id}``, ``/feeds/agency/{ICE|CBP|DHS|code}``, ``/feeds/watchlist/{name}``.
Each entry is one change of ``analysis.changes`` (an award that appeared or changed between builds, a FedRAMP
authorization that appeared at or left an agency between snapshots, a claim, a family link), with its evidence.
Entry ids are derived from the change itself, so a feed reader sees each change once.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, time
from typing import Any

import duckdb
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response
from feedgen.feed import FeedGenerator

from whosbehind import watch
from whosbehind.analysis import changes as changes_mod
from whosbehind.analysis import ranking
from whosbehind.analysis.organization import NoSuchOrganization
from whosbehind.analysis.views import NotFound
from whosbehind.errors import WhosbehindError
from whosbehind.model import OrgKind
from whosbehind.web import i18n
from whosbehind.web.formatting import agency_path, change_evidence, feed_path, money, org_path, watchlist_path

router = APIRouter(include_in_schema=False)
ATOM = "application/atom+xml; charset=utf-8"
FEED_ENTRIES = 100
KIND_WORDS = {"cloud_authorization": "cloud authorization", "prime_contract": "award", "parent": "parent company"}


# The nodes a change can name as its organization (analysis/changes.py), whose changes a feed follows: a company, a
# FedRAMP provider, a facility operator, a bank, a brand (an agency has its own feed; a product's changes are its
# provider's).
CHANGE_HOLDERS = [str(OrgKind.COMPANY), "cloud_provider", "facility_operator", "bank", "brand"]

Found = tuple[dict[str, Any], list[dict[str, Any]], int]  # what a feed or a page is about, its newest changes, how many


def organization_changes(con: duckdb.DuckDBPyConnection, org_id: str, limit: int | None = None) -> Found:
    # the node the id stands for (node_canonical: an organization's records, a FedRAMP provider or curated company
    # matched to it), or a node no organization holds, its own family as its answer has it (answer_changes.sql)
    found = con.execute("SELECT g.id, g.name FROM node_canonical n JOIN graph_nodes g ON g.id = n.canonical_id "
                        "WHERE n.node_id = ? AND list_contains(?, g.kind)", [org_id, CHANGE_HOLDERS]).fetchone()
    if found is None:
        raise NoSuchOrganization(org_id)
    scope = changes_mod.family_scope(con, found[0])
    return ({"id": found[0], "name": found[1], "path": org_path(found[0])},
            changes_mod.list_changes(con, org_ids=scope, limit=limit), changes_mod.count_changes(con, org_ids=scope))


def agency_changes(con: duckdb.DuckDBPyConnection, term: str, limit: int | None = None) -> Found:
    try:
        chosen = ranking.find_agency(con, term)
    except WhosbehindError as exc:
        raise NotFound(str(exc)) from None
    scope = changes_mod.agency_scope(con, chosen.code)
    return ({"id": chosen.id, "name": chosen.name, "path": agency_path(chosen.abbreviation or chosen.code)},
            changes_mod.list_changes(con, agencies=scope, limit=limit), changes_mod.count_changes(con, agencies=scope))


def watchlist_changes(con: duckdb.DuckDBPyConnection, name: str, limit: int | None = None) -> Found:
    try:
        found = watch.report(con, name)
    except WhosbehindError as exc:
        raise NotFound(str(exc)) from None
    listed = found["changes"]
    return ({"id": name, "name": name, "title": f"watchlist {name}", "path": watchlist_path(name)}, listed[:limit],
            len(listed))


SCOPES = {"organization": organization_changes, "agency": agency_changes, "watchlist": watchlist_changes}
CHANGES_PER_PAGE = 100  # on the page that lists them all (/changes)


def one_scope(**given: str | None) -> tuple[str, str]:
    """The one scope a request names (organization=…, agency=… or watchlist=…), as (kind, key)."""
    chosen = [(kind, key) for kind, key in given.items() if key]
    if len(chosen) != 1 or chosen[0][0] not in SCOPES:
        raise WhosbehindError("give one of organization, agency or watchlist, e.g. ?agency=ICE")
    return chosen[0]


def changes_of(con: duckdb.DuckDBPyConnection, kind: str, key: str, *, limit: int, offset: int = 0) -> dict[str, Any]:
    """One page of the changes of an organization's family, an agency or a watchlist, in the order of every face:
    the /changes page and /api/changes."""
    scope, found, total = SCOPES[kind](con, key, offset + limit)
    return {"scope": {"kind": kind, "key": key, **scope}, "total": total, "offset": offset, "limit": limit,
            "changes": found[offset:]}


def _instant(day: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(0, 0), tzinfo=UTC)


def entry_id(c: dict[str, Any]) -> str:
    key = "|".join([c["change"], c["kind"], str(c["source_id"]), (c["agency"] or {}).get("id") or "",
                    str(c["organization"]["id"]), *c["detected_between"]])
    return "urn:whosbehind:change:" + hashlib.sha256(key.encode()).hexdigest()[:32]


def title(c: dict[str, Any]) -> str:
    what = KIND_WORDS.get(c["kind"], c["kind"].replace("_", " "))
    at = f" {'from' if c['change'] == 'disappeared' else 'at'} {c['agency']['name']}" if c["agency"] else ""
    product = f" {c['product']}" if c.get("product") else ""
    return f"{c['organization']['name']}: {what}{product} {c['change']}{at} ({c['source_id']})"


def atom(scope: dict[str, Any], found: list[dict[str, Any]], base: str, self_path: str) -> bytes:
    fg = FeedGenerator()
    fg.id(f"{base}{self_path}")
    fg.title(f"whosbehind: what changed for {scope.get('title') or scope['name']}")
    fg.author({"name": "whosbehind"})
    fg.link(href=f"{base}{self_path}", rel="self", type="application/atom+xml")
    if scope.get("path"):
        fg.link(href=f"{base}{scope['path']}", rel="alternate", type="text/html")
    fg.subtitle("Awards and modifications between builds, FedRAMP authorizations between snapshots, curated "
                "claims and family links, each with its evidence.")
    newest = max((c["detected_between"][1] for c in found), default="1970-01-01")
    fg.updated(_instant(newest))
    for c in reversed(found[:FEED_ENTRIES]):  # feedgen puts the last added first
        e = fg.add_entry()
        e.id(entry_id(c))
        e.title(title(c))
        e.updated(_instant(c["detected_between"][1]))
        amount = f" Amount: {money(c['amount'])}." if c["amount"] is not None else ""
        with i18n.use("en"):  # the evidence in the words the English page uses
            evidence = change_evidence(c).striptags()
        e.summary(f"{c['change']} between {c['detected_between'][0]} and {c['detected_between'][1]}.{amount} "
                  f"Evidence: {evidence}")
        if c.get("url"):
            e.link(href=c["url"], rel="alternate")
        elif c["organization"]["id"]:  # every node a change names has its page (a FedRAMP provider's too)
            e.link(href=base + org_path(c["organization"]["id"]), rel="alternate")
    return fg.atom_str(pretty=True)


def _feed(request: Request, kind: str, key: str) -> Response:
    base = request.app.state.public_url or str(request.base_url).rstrip("/")
    self_path = feed_path(kind, key)

    def build(con: duckdb.DuckDBPyConnection) -> bytes:
        scope, found, _total = SCOPES[kind](con, key, FEED_ENTRIES)
        return atom(scope, found, base, self_path)

    body = request.app.state.db.cached(("atom_feed", kind, key, base), build)
    return Response(body, media_type=ATOM)


@router.get("/feeds/organization/{org_id}")
def organization_feed(request: Request, org_id: str) -> Response:
    return _feed(request, "organization", org_id)


@router.get("/feeds/agency/{agency}")
def agency_feed(request: Request, agency: str) -> Response:
    return _feed(request, "agency", agency)


@router.get("/feeds/watchlist/{name}")
def watchlist_feed(request: Request, name: str) -> Response:
    return _feed(request, "watchlist", name)


def register(app: FastAPI) -> None:
    """Add the feed routes, and ``recent_changes(kind, key, limit)`` for templates: include changes.html as
    ``{% with what_changed = recent_changes('organization', org.id) %}{% include "changes.html" %}{% endwith %}``."""
    app.include_router(router)
    database = app.state.db

    def recent_changes(kind: str, key: str, limit: int = 20) -> dict[str, Any]:
        def build(con: duckdb.DuckDBPyConnection) -> tuple[list[dict[str, Any]], int]:
            try:
                return SCOPES[kind](con, key, limit)[1:]
            except NotFound:
                return [], 0

        found, total = database.cached(("recent_changes", kind, key, limit), build)
        return {"changes": found, "total": total, "kind": kind, "key": key}

    app.state.templates.env.globals["recent_changes"] = recent_changes
