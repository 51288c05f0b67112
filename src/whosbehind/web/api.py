"""The JSON API: each route reads one thing through ``analysis.views`` and returns it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from whosbehind.analysis import lookup, ranking, screening, views
from whosbehind.analysis import organization as organization_mod
from whosbehind.errors import WhosbehindError
from whosbehind.export import ftm, tables
from whosbehind.jsontext import dumps
from whosbehind.web import answers, limits

router = APIRouter(prefix="/api")

PageSize = Annotated[int, Query(ge=1, le=500, description="Items per page, 1 to 500.")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip.")]
TieKind = Literal[tuple(organization_mod.KIND_TITLES)]  # type: ignore[valid-type]
EvidenceKind = TieKind


def json_response(value: Any, status_code: int = 200) -> Response:
    return Response(dumps(value), media_type="application/json", status_code=status_code)


def db(request: Request):
    return request.app.state.db


@router.get("/search", summary="Organizations by name or id", tags=["search"])
def api_search(request: Request, q: Annotated[str, Query(min_length=1, max_length=200)],
               limit: Annotated[int, Query(ge=1, le=100)] = 20) -> Response:
    """The lookup's answer first (flagged `answer`), then its candidates, then names containing the text."""
    return json_response(db(request).cached(("search", q, limit), lambda con: views.search(con, q, limit=limit)))


@router.get("/lookup", summary="What a name, brand, system, UEI, DUNS or id stands for", tags=["search"])
def api_lookup(request: Request, q: Annotated[str, Query(min_length=1, max_length=200)]) -> Response:
    """The same answer as `whosbehind lookup --json`: the organization with its family, money at three levels,
    every tie and its evidence; or, when the name fits several organizations, the candidates."""
    return json_response(db(request).cached(("lookup", q), lambda con: organization_mod.for_query(con, q)))


@router.get("/why", summary="Every path from an organization to ICE, CBP or DHS", tags=["search"])
def api_why(request: Request, q: Annotated[str, Query(min_length=1, max_length=200)]) -> Response:
    """The same answer as `whosbehind why --json`."""
    from whosbehind.analysis import why

    return json_response(db(request).cached(("why", q), lambda con: why.why(con, q)))


@router.get("/suggest", summary="Suggestions while typing", tags=["search"])
def api_suggest(request: Request, q: Annotated[str, Query(min_length=1, max_length=200)],
                limit: Annotated[int, Query(ge=1, le=20)] = 8) -> Response:
    items = db(request).cached(("suggest", q.strip().upper(), limit),
                               lambda con: views.suggest(con, q, limit=limit))
    return json_response({"query": q, "items": items})


@router.get("/organizations/{org_id:path}/ties", summary="Ties of an organization, paginated", tags=["organizations"])
def api_ties(request: Request, org_id: str, kind: TieKind | None = None, limit: PageSize = 50,
             offset: Offset = 0) -> Response:
    return json_response(db(request).cached(
        ("ties", org_id, kind, limit, offset),
        lambda con: views.ties(con, org_id, kind=kind, limit=limit, offset=offset)))


@router.get("/organizations/{org_id:path}/evidence", summary="Evidence touching an organization, paginated",
            tags=["organizations"])
def api_evidence(request: Request, org_id: str, kind: EvidenceKind | None = None,
                 other: Annotated[str | None, Query(description="Only evidence shared with this id.")] = None,
                 limit: PageSize = 50, offset: Offset = 0) -> Response:
    return json_response(db(request).cached(
        ("evidence", org_id, kind, other, limit, offset),
        lambda con: views.evidence(con, org_id, kind=kind, other=other, limit=limit, offset=offset)))


@router.get("/organizations/{org_id:path}/export.csv", summary="Every piece of evidence for one organization (CSV)",
            tags=["exports"], response_class=Response)
def api_org_csv(request: Request, org_id: str) -> Response:
    def build(con: Any) -> bytes:
        views.organization(con, org_id)  # 404 for an unknown id
        return tables.organization_csv(con, org_id)

    body = db(request).cached(("org_csv", org_id), build)
    filename = "whosbehind-" + "".join(c if c.isalnum() else "-" for c in org_id)[:80] + ".csv"
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/organizations/{org_id:path}", summary="An organization: family, totals, ties, awards",
            tags=["organizations"])
async def api_organization(request: Request, org_id: str,
                           as_of: Annotated[date | None, Query(description="Also the family as it was on this "
                                                                         "day (YYYY-MM-DD).")] = None) -> Response:
    """The one answer: family, money at three levels, every tie, FedRAMP products, why-paths, awards."""
    database = db(request)
    if as_of is not None:  # a family as of a day is asked for rarely: answered without the cache
        return json_response(await run_in_threadpool(database.cached, ("org_as_of", org_id, as_of.isoformat()),
                                                     lambda con: organization_mod.answer(con, org_id,
                                                                                         as_of=as_of.isoformat())))
    return Response(await answers.organization_json_now(database, org_id), media_type="application/json")


@router.get("/changes", summary="What changed for an organization's family, an agency or a watchlist, paginated",
            tags=["changes"])
def api_changes(request: Request,
                organization: Annotated[str | None, Query(max_length=300, description="An organization's id.")] = None,
                agency: Annotated[str | None, Query(max_length=100, description="ICE, CBP, DHS or a code.")] = None,
                watchlist: Annotated[str | None, Query(max_length=64, description="A watchlist's name.")] = None,
                limit: PageSize = 100, offset: Offset = 0) -> Response:
    """Give one of organization, agency or watchlist. Each change is an object of the `whosbehind changes --json`
    contract, newest first, in the order of the pages and feeds; `total` counts them all."""
    from whosbehind.web import feeds

    kind, key = feeds.one_scope(organization=organization, agency=agency, watchlist=watchlist)
    return json_response(db(request).cached(("api_changes", kind, key, limit, offset),
                                            lambda con: feeds.changes_of(con, kind, key, limit=limit, offset=offset)))


@router.get("/evidence/{evidence_id:path}", summary="One piece of evidence with its source rows",
            tags=["evidence"])
def api_evidence_item(request: Request, evidence_id: Annotated[str, Path(max_length=300)]) -> Response:
    """Any piece of evidence by its id: kind/sha256/first row for rows of a file, kind/digest for the rest."""
    return json_response(db(request).cached(("evidence_item", evidence_id),
                                            lambda con: views.evidence_item(con, evidence_id)))


@router.get("/agencies", summary="Agencies in the database", tags=["agencies"])
def api_agencies(request: Request) -> Response:
    return json_response({"items": db(request).cached(("agencies",), views.agencies)})


@router.get("/agencies/{agency}", summary="An agency: top families, money by year, what it buys", tags=["agencies"])
def api_agency(request: Request, agency: str, limit: Annotated[int, Query(ge=1, le=500)] = 25) -> Response:
    return json_response(db(request).cached(("agency", agency, limit),
                                            lambda con: views.agency(con, agency, limit=limit)))


@router.get("/top", summary="Families ranked by what an agency obligated to them", tags=["agencies"])
def api_top(request: Request, agency: str = "ICE",
            fy: Annotated[int | None, Query(ge=1990, le=2100)] = None,
            since: Annotated[int | None, Query(ge=1990, le=2100)] = None,
            limit: Annotated[int, Query(ge=1, le=500)] = 20) -> Response:
    return json_response(db(request).cached(
        ("top", agency, fy, since, limit),
        lambda con: views.top(con, agency, fiscal_year=fy, since=since, limit=limit)))


@router.post("/check", summary="Screen a list of vendor names", tags=["search"])
def api_check(request: Request, names: list[str],
              agency: Annotated[list[str] | None, Query(description=(
                  "Agencies in focus, as `match --agency` reads them (ICE, CBP, DHS, a code or part of a name); "
                  "repeat for several (at most 20). Default: ICE, CBP and DHS."))] = None) -> Response:
    """One row per name, the table `whosbehind match --file` writes: found, several candidates or not found;
    the organization and family; whether the family has ties to the agencies in focus (`agency`: ICE, CBP and DHS
    unless given) and the strongest one's kind and grade; the money obligated by those agencies; the page.
    `agencies` names the agencies in focus, in every row and, with their ids and codes, beside the rows."""
    if len(names) > 5000:
        raise WhosbehindError("at most 5000 names per request")
    with limits.check_slot(), db(request).connection() as con:
        agencies = screening.focus(con, agency)
        return json_response(screening.as_json(agencies, _screen_rows(con, names, agencies)))


def _screen_rows(con: Any, names: list[str], agencies: tuple[ranking.Agency, ...]) -> list[dict[str, Any]]:
    """Each distinct name looked up once (web/limits.py), one row per name of the list in its order, an empty
    one too ("not found"), as `match --file` numbers them."""
    cleaned = [(n or "").strip() for n in names]
    by_name = {r["input"]: r for r in screening.screen(con, list(dict.fromkeys(cleaned)), agencies=agencies)}
    rows = [dict(by_name[n]) for n in cleaned]
    for i, row in enumerate(rows, start=1):
        row["row"] = i
    return rows


# --- exports ------------------------------------------------------------------------------------------


@router.get("/export/graph.ftm.jsonl", summary="The whole graph as FollowTheMoney entities (JSON lines)",
            tags=["exports"], response_class=StreamingResponse)
def api_export_ftm(request: Request) -> StreamingResponse:
    database = db(request)

    def lines() -> Iterator[bytes]:
        with database.connection() as con:
            yield from ftm.jsonl(con)

    return StreamingResponse(lines(), media_type="application/x-ndjson",
                             headers={"Content-Disposition": 'attachment; filename="whosbehind.ftm.jsonl"'})


@router.get("/export/{table}.{fmt}", summary="A whole table of the graph as CSV or Parquet", tags=["exports"],
            response_class=Response)
def api_export(request: Request, table: Literal["organizations", "ties", "evidence"],
               fmt: Literal["csv", "parquet"]) -> Response:
    body = db(request).cached(("export", table, fmt), lambda con: tables.export(con, table, fmt))
    media = "text/csv; charset=utf-8" if fmt == "csv" else "application/vnd.apache.parquet"
    return Response(body, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="whosbehind-{table}.{fmt}"'})


# --- OpenRefine reconciliation ------------------------------------------------------------------------

RECONCILE_TYPE = {"id": "Organization", "name": "Organization"}


def manifest(request: Request) -> dict[str, Any]:
    base = str(request.base_url).rstrip("/")
    return {
        "versions": ["0.2"],
        "name": "whosbehind organizations",
        "identifierSpace": f"{base}/org/",
        "schemaSpace": f"{base}/methodology#organizations",
        "defaultTypes": [RECONCILE_TYPE],
        "view": {"url": f"{base}/org/{{{{id}}}}"},
    }


def reconcile_one(con: Any, query: dict[str, Any]) -> dict[str, Any]:
    """OpenRefine: the lookup's answer scores 100 and is a match; candidates of a list score lower, never a match."""
    text = str(query.get("query") or "").strip()
    try:
        limit = max(1, min(int(query.get("limit") or 5), 25))
    except (TypeError, ValueError):
        raise WhosbehindError("limit must be a whole number") from None
    if not text:
        return {"result": []}
    found = lookup.lookup(con, text)
    results = []
    if found.found and found.id:
        results.append({"id": found.id, "name": found.name, "score": 100, "match": True, "type": [RECONCILE_TYPE]})
    for c in found.candidates[: limit - len(results)]:
        results.append({"id": c["id"], "name": c["name"], "score": 50 if found.found else 70, "match": False,
                        "type": [RECONCILE_TYPE]})
    return {"result": results[:limit]}


@router.get("/reconcile", summary="OpenRefine reconciliation service", tags=["reconciliation"])
def api_reconcile(request: Request, queries: Annotated[str | None, Query()] = None) -> Response:
    """Without `queries`: the service manifest. With `queries` (a JSON object of query objects, as OpenRefine
    sends it): the organization the one lookup finds (score 100, a match), else its candidates (70, never a
    match)."""
    return _reconcile(request, queries)


@router.post("/reconcile", summary="OpenRefine reconciliation service (form POST)", tags=["reconciliation"])
def api_reconcile_post(request: Request, queries: Annotated[str | None, Form()] = None) -> Response:
    """Without `queries`: the service manifest. With `queries` (a JSON object of query objects, as OpenRefine
    sends it, by GET or form POST): the organization the one lookup finds (score 100, a match), else its
    candidates (70, never a match)."""
    return _reconcile(request, queries)


def _reconcile(request: Request, raw: str | None) -> Response:
    if not raw:
        return json_response(manifest(request))
    try:
        batch = json.loads(raw)
    except json.JSONDecodeError:
        raise WhosbehindError("queries must be a JSON object like {\"q0\": {\"query\": \"GEO GROUP\"}}") from None
    if not isinstance(batch, dict) or not all(isinstance(v, dict) for v in batch.values()):
        raise WhosbehindError("queries must be a JSON object of query objects")
    if len(batch) > 500:
        raise WhosbehindError("at most 500 queries per request")
    with limits.check_slot(), db(request).connection() as con:
        return json_response({key: reconcile_one(con, q) for key, q in batch.items()})

