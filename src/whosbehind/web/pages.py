"""Pages for people: server-rendered HTML that reads fine without JavaScript and prints cleanly."""

from __future__ import annotations

import asyncio
import io
import math
from datetime import UTC, datetime
from importlib import resources
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from whosbehind import jsontext
from whosbehind.analysis import ranking, screening, views
from whosbehind.analysis.organization import RECENT_CHANGES, NoSuchChangesPage
from whosbehind.errors import WhosbehindError
from whosbehind.store import queries
from whosbehind.web import answers, charts, feeds, i18n, limits, prerender
from whosbehind.web.formatting import org_path

router = APIRouter(include_in_schema=False)

MAX_CHECK_NAMES = 5000


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    database = request.app.state.db
    lang = context.setdefault("lang", i18n.for_request(request))
    context.setdefault("data_date", database.held("data_date", views.data_date))  # one per database version
    context.setdefault("page_url", public_url(request))
    context.setdefault("path", request.url.path)
    # the address the language switch leads to: this page with what was asked (a search, a filter, a page of
    # rows) in the other language; a form's answer (POST) leads to the form
    query = request.url.query if request.method == "GET" else ""
    context.setdefault("here", request.url.path + ("?" + query if query else ""))
    with i18n.use(lang):
        return request.app.state.templates.TemplateResponse(request, template, context, status_code=status_code)


def site_url(request: Request) -> str:
    return request.app.state.public_url or str(request.base_url).rstrip("/")


def public_url(request: Request) -> str:
    base = request.app.state.public_url or str(request.base_url).rstrip("/")
    path = request.url.path
    return base + path + (("?" + request.url.query) if request.url.query else "")


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    def build(con: Any) -> list[dict[str, Any]]:
        out = []
        for agency in ranking.known_agencies(con, request.app.state.focus):
            out.append(views.agency(con, agency.code, limit=10))
        return out

    focus = request.app.state.db.cached(("home",), build)
    return render(request, "home.html", focus=focus)


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, q: Annotated[str, Query(max_length=200)] = "") -> Response:
    found = request.app.state.db.cached(("search", q, 50), lambda con: views.search(con, q, limit=50)) if q else None
    if found and found["answer"]["status"] == "found" and request.query_params.get("list") != "1":
        # The lookup found the organization: go to its page (the list stays one click away).
        return RedirectResponse(org_path(found["answer"]["id"]) + "?q=" + quote(q), status_code=303)
    return render(request, "search.html", q=q, found=found)


def _org(request: Request, org_id: str) -> dict[str, Any]:
    return answers.organization(request.app.state.db, org_id)


@router.get("/org/{org_id:path}/chart/{chart}.svg")
async def organization_chart(request: Request, org_id: str, chart: Literal["years", "network"]) -> Response:
    """An organization page's chart as an image of its own: drawing one takes tens of milliseconds (Vega-Lite
    in vl-convert), the page itself a lookup; the figures it draws are in the page's tables."""
    lang = i18n.for_request(request)
    key = ("org_chart", org_id, chart, lang)
    body = request.app.state.db.peek(key)
    if body is None:
        body = await run_in_threadpool(_draw_chart, request, org_id, chart, lang, key)
    return Response(body, media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=3600"})


def _draw_chart(request: Request, org_id: str, chart: str, lang: str, key: tuple[str, ...]) -> bytes:
    def draw() -> bytes:
        org = _org(request, org_id)
        with i18n.use(lang):
            return charts.organization_chart(org, chart).encode("utf-8")

    return request.app.state.db.remembered(key, draw)


@router.get("/org/{org_id:path}/onepager.pdf")
def onepager_pdf(request: Request, org_id: str, paper: Literal["a4", "letter"] = "a4") -> Response:
    from whosbehind.export import onepager

    lang = i18n.for_request(request)
    page_url = i18n.with_lang(site_url(request) + org_path(org_id), lang)

    def build() -> bytes:  # the page is rendered only when its PDF is not kept yet
        org, printed = _org(request, org_id), _now()
        return onepager.pdf(lambda layout: render(request, "onepager.html", org=org, page_url=page_url, lang=lang,
                                                  paper=paper, printed=printed, layout=layout).body.decode("utf-8"))

    pdf = request.app.state.db.remembered(("pdf", org_id, page_url, lang, paper), build)
    filename = "whosbehind-" + "".join(c if c.isalnum() else "-" for c in org_id)[:80] + ".pdf"
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{filename}"'})


@router.get("/org/{org_id:path}/onepager", response_class=HTMLResponse)
def onepager_html(request: Request, org_id: str, paper: Literal["a4", "letter"] = "a4") -> HTMLResponse:
    org = _org(request, org_id)
    page_url = i18n.with_lang(site_url(request) + org_path(org_id), i18n.for_request(request))
    return render(request, "onepager.html", org=org, page_url=page_url, paper=paper, printed=_now())


@router.get("/org/{org_id:path}/evidence", response_class=HTMLResponse)
def org_evidence(request: Request, org_id: str,
                 kind: str | None = None,
                 other: str | None = None, page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
                 size: Annotated[int, Query(ge=1, le=500)] = 50) -> HTMLResponse:
    def build(con: Any) -> dict[str, Any]:
        org = views.organization(con, org_id)
        found = views.evidence(con, org_id, kind=kind, other=other, limit=size, offset=(page - 1) * size)
        other_org = queries.one(con, "web_organization", id=other) if other else None
        return {"org": org, "found": found, "other_org": other_org}

    data = request.app.state.db.cached(("org_evidence", org_id, kind, other, page, size), build)
    pages = max(1, math.ceil(data["found"]["total"] / size))
    return render(request, "org_evidence.html", **data, kind=kind, other=other, page=page, size=size, pages=pages)


@router.get("/org/{org_id:path}", response_class=HTMLResponse)
async def organization(request: Request, org_id: str) -> HTMLResponse:
    # The most visited page is kept rendered, per database version and public URL (the only part of the
    # request it shows), so a visit costs a lookup rather than a template run.
    database = request.app.state.db
    as_of = request.query_params.get("as_of")
    if as_of:  # the family as it was on a day, beside today's: rarely asked, rendered each time
        org = await run_in_threadpool(database.cached, ("org_as_of", org_id, as_of),
                                      lambda con: views.organization_as_of(con, org_id, as_of))
        return render(request, "organization.html", org=org)
    lang = i18n.for_request(request)
    if not request.url.query and request.url.path == prerender.path(org_id):
        stored = answers.pages(database).get((org_id, lang))
        if stored is not None:  # rendered by the build: sent as it is, with this server's address
            return HTMLResponse(prerender.with_base(stored, site_url(request),
                                                    database.held("data_date", views.data_date)))
    key = ("org_page_html", org_id, public_url(request), lang)
    body = database.peek(key)
    if body is None:
        answer = await answers.organization_json_now(database, org_id)
        # Rendered here, not in a worker thread: a page takes about a millisecond of Python, which a worker
        # thread would only spend waiting for the interpreter's lock among the others. The loop first reads
        # what the other connections sent: without that turn, under load a few of them waited up to seconds
        # (at 50 connections: p99 650-900 ms instead of about 70; benchmarks/RESULTS.md).
        await asyncio.sleep(0)
        body = _render_organization(request, answer, key)
    return HTMLResponse(body)


def _render_organization(request: Request, answer: bytes, key: tuple[str, ...]) -> bytes:
    return request.app.state.db.remembered(
        key, lambda: bytes(render(request, "organization.html", org=jsontext.loads(answer)).body))


@router.get("/agency/{agency}", response_class=HTMLResponse)
def agency(request: Request, agency: str) -> HTMLResponse:
    data = request.app.state.db.cached(("agency_page", agency), lambda con: views.agency(con, agency, limit=50))
    return render(request, "agency.html", agency=data)


@router.get("/changes", response_class=HTMLResponse)
def changes_list(request: Request,
                 organization: Annotated[str | None, Query(max_length=300)] = None,
                 agency: Annotated[str | None, Query(max_length=100)] = None,
                 watchlist: Annotated[str | None, Query(max_length=64)] = None,
                 page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> Response:
    """Every change of an organization's family, an agency or a watchlist (a page's "what changed" shows the
    newest few), a page at a time. Asked with none of them, the changes of the first agency in focus."""
    if not (organization or agency or watchlist):
        first = request.app.state.focus[0]
        return RedirectResponse(i18n.with_lang(f"/changes?agency={quote(first)}", i18n.for_request(request)),
                                status_code=303)
    kind, key = feeds.one_scope(organization=organization, agency=agency, watchlist=watchlist)
    size = feeds.CHANGES_PER_PAGE
    found = request.app.state.db.cached(
        ("changes_page", kind, key, page),
        lambda con: feeds.changes_of(con, kind, key, limit=size, offset=(page - 1) * size))
    pages = max(1, math.ceil(found["total"] / size))
    if page > pages:
        raise NoSuchChangesPage(page, pages)
    return render(request, "changes_list.html", found=found, page=page, pages=pages)


@router.get("/watchlist/{name}", response_class=HTMLResponse)
def watchlist(request: Request, name: Annotated[str, Path(max_length=64)]) -> HTMLResponse:
    """A watchlist: its entries, the organization each matches, and what changed for their families."""
    from whosbehind import watch

    def build(con: Any) -> dict[str, Any]:
        try:
            found = watch.report(con, name)
        except WhosbehindError as exc:
            raise views.NotFound(str(exc)) from None
        # A public page names the organizations the list matched, not the text it was typed with: a name that matches
        # nothing may be anyone's (a person's the name reader did not see as one), so it is only counted.
        return {"name": name, "matched": [e for e in found["entries"] if e["organization"]],
                "unmatched": sum(1 for e in found["entries"] if not e["organization"]),
                "changes": {"changes": found["changes"][:RECENT_CHANGES], "total": len(found["changes"]),
                            "kind": "watchlist", "key": name}}

    return render(request, "watchlist.html", watchlist=request.app.state.db.cached(("watchlist_page", name), build))


@router.get("/evidence/{evidence_id:path}", response_class=HTMLResponse)
def evidence(request: Request, evidence_id: Annotated[str, Path(max_length=300)]) -> HTMLResponse:
    item = request.app.state.db.cached(("evidence_item", evidence_id),
                                       lambda con: views.evidence_item(con, evidence_id))
    return render(request, "evidence.html", item=item)


@router.get("/methodology", response_class=HTMLResponse)
def methodology(request: Request) -> HTMLResponse:
    sources = request.app.state.db.cached(("sources",), views.source_coverage)
    licences = resources.files("whosbehind").joinpath("sample", "SOURCES.md").read_text("utf-8")
    return render(request, "methodology.html", sources=sources, licences=_licence_rows(licences))


def _licence_rows(markdown: str) -> list[dict[str, str]]:
    """The archive/licence table of the bundled sample's SOURCES.md, as rows (plain text, escaped later)."""
    rows = []
    for line in markdown.splitlines():
        cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
        if len(cells) == 2 and cells[0].endswith(".zip"):
            rows.append({"archive": cells[0], "licence": cells[1]})
    return rows


@router.get("/api", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    schema = request.app.openapi()
    return render(request, "api.html", schema=schema)


# --- check a list -------------------------------------------------------------------------------------


def _names(text: str | None, upload: UploadFile | None) -> tuple[list[str], list[str]]:
    """The names of the uploaded file (as `match --file` reads it), and the lines typed or pasted."""
    names: list[str] = []
    if upload is not None and upload.filename:
        raw = upload.file.read(5_000_001)
        if len(raw) > 5_000_000:
            raise WhosbehindError("the file is larger than 5 MB; split it")
        try:
            content = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise WhosbehindError("the file is not UTF-8 text; save it as CSV UTF-8") from None
        names += screening.names_in_csv(content)  # one per data row, as `match --file` reads it
    typed = [n.strip() for n in (text or "").splitlines() if n.strip()]  # one per line, blank lines left out
    _at_most_the_limit(len(names) + len(typed))
    return names, typed


def _at_most_the_limit(count: int) -> None:
    """A list longer than a check takes is refused in one line (before, and once pasted lines are read as names)."""
    if count > MAX_CHECK_NAMES:
        raise WhosbehindError(f"at most {MAX_CHECK_NAMES} names at a time")


def _screen(request: Request, names: tuple[list[str], list[str]],
            agency: list[str] | None) -> tuple[list[dict[str, Any]], tuple[ranking.Agency, ...]]:
    """The rows of a list (the file's names, then the lines typed, a line of several names read as several:
    ``screening.names_pasted``), their ties and money counted to the agencies chosen (``screening.focus``, as
    `match --agency` reads them), and those agencies. One list at a time (web/limits.py); a name listed twice is
    looked up once."""
    from whosbehind.web.api import _screen_rows

    from_file, typed = names
    with limits.check_slot(), request.app.state.db.connection() as con:
        listed = from_file + screening.names_pasted(con, typed)
        _at_most_the_limit(len(listed))
        agencies = screening.focus(con, _chosen_terms(agency))
        return _screen_rows(con, listed, agencies), agencies


def _chosen_terms(agency: list[str] | None) -> list[str]:
    """The agencies the form sent: one value of its choice may name several, by their codes ("7012,7014")."""
    return [term for value in agency or [] for term in value.split(",")]


def _focus_choices(request: Request) -> tuple[tuple[str, ...], list[tuple[str, str]]]:
    """The codes of the default agencies, and what the form offers as (value, label): those agencies together
    (ICE, CBP and DHS, as on every face), then each agency of them and of those the home page ranks
    (WHOSBEHIND_FOCUS) that this database holds records of, alone."""
    def build(con: Any) -> tuple[tuple[str, ...], list[tuple[str, str]]]:
        together = screening.focus(con)
        terms = (*(abbreviation for abbreviation, _ in screening.DEFAULT_FOCUS), *request.app.state.focus)
        alone = list({a.code: a for a in ranking.known_agencies(con, terms)}.values())
        return (tuple(a.code for a in together),
                [("", screening.focus_label(together))] + [(a.code, a.label) for a in alone])

    return request.app.state.db.held(("check_focus", request.app.state.focus), build)


def _check_page(request: Request, rows: list[dict[str, Any]] | None, names_text: str,
                agencies: tuple[ranking.Agency, ...] | None) -> HTMLResponse:
    default, choices = _focus_choices(request)
    codes = tuple(a.code for a in agencies) if agencies is not None else default
    # the choice shown is the one the table counts, so the form's CSV button sends what the table shows
    chosen = "" if codes == default else ",".join(codes)
    if agencies is not None and chosen not in {value for value, _ in choices}:
        choices = [*choices, (chosen, screening.focus_label(agencies))]
    names = [a.label for a in agencies] if agencies is not None else []
    return render(request, "check.html", rows=rows, names_text=names_text, choices=choices, chosen=chosen,
                  agency_names=names)


@router.get("/check", response_class=HTMLResponse)
def check_form(request: Request) -> HTMLResponse:
    return _check_page(request, None, "", None)


@router.post("/check", response_class=HTMLResponse)
def check_post(request: Request, names: Annotated[str | None, Form()] = None,
               file: Annotated[UploadFile | None, File()] = None,
               agency: Annotated[list[str] | None, Form()] = None) -> HTMLResponse:
    rows, agencies = _screen(request, _names(names, file), agency)
    return _check_page(request, rows, "\n".join(row["input"] for row in rows), agencies)


@router.post("/check.csv")
def check_csv(request: Request, names: Annotated[str | None, Form()] = None,
              file: Annotated[UploadFile | None, File()] = None,
              agency: Annotated[list[str] | None, Form()] = None) -> Response:
    rows, _agencies = _screen(request, _names(names, file), agency)
    base = request.app.state.public_url or str(request.base_url).rstrip("/")
    out = io.StringIO()
    screening.write_csv(rows, out, base_url=base)
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="whosbehind-check.csv"'})


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d")


@router.get("/org", include_in_schema=False)
def org_query(id: str) -> RedirectResponse:
    return RedirectResponse(org_path(id), status_code=303)
