"""The web app: pages for people, a JSON API for programs, both thin over ``analysis.views``."""

from __future__ import annotations

import gc
import logging
import os
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from whosbehind import settings
from whosbehind.analysis.organization import NoSuchChangesPage, NoSuchEvidence, NoSuchOrganization
from whosbehind.analysis.views import NotFound
from whosbehind.errors import WhosbehindError
from whosbehind.web import answers, i18n, limits, templating
from whosbehind.web.database import DatabaseMissing, ReadOnlyDatabase

HERE = resources.files("whosbehind.web")
DEFAULT_FOCUS = ("ICE", "CBP")
logger = logging.getLogger("whosbehind.web")

# What a page says, in its own language, when what was asked for is not in the database (the API says it in English).
NOT_FOUND_WORDS: dict[type[NotFound], str] = {
    NoSuchOrganization: i18n.N_("No organization with id %(id)s in this database."),
    NoSuchEvidence: i18n.N_("No evidence with id %(id)s in this database."),
    NoSuchChangesPage: i18n.N_("Page %(page)s: the last page of these changes is %(pages)s."),
}


def templates() -> Jinja2Templates:
    return Jinja2Templates(env=templating.environment())


def without_local_paths(message: str, db_path: Path) -> str:
    """An error message for a visitor: the server's database path (and folder) are not shown."""
    for path in sorted({str(db_path), str(db_path.resolve()), str(db_path.parent), str(db_path.resolve().parent)},
                       key=len, reverse=True):
        if path not in ("", ".", "/"):
            message = message.replace(path + os.sep, "").replace(path, "the database")
    return message.replace(db_path.name + ":", "the database:").replace(db_path.name, "the database")


def create_app(db_path: Path, *, focus: tuple[str, ...] | None = None, public_url: str | None = None,
               threads: int | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # What is loaded by now (modules, templates, routes) lives as long as the server: kept out of the
        # garbage collector's full passes, which would otherwise walk it again and again between requests.
        gc.freeze()
        # The stored answers and pages, read before the first visit; with no database yet, once there is one.
        await run_in_threadpool(answers.load, app.state.db)
        # After a rebuild, the new file's are read in the background (the first visits meanwhile read them too).
        app.state.db.on_replaced = lambda database: threading.Thread(
            target=answers.load, args=(database,), name="whosbehind-load", daemon=True).start()
        yield
        app.state.db.close()

    app = FastAPI(
        lifespan=lifespan,
        title="whosbehind",
        summary="Which companies build, host, supply and finance US immigration enforcement, from public records.",
        description="Every figure comes from a public record and carries its evidence grade (A official record, "
                    "B self-reported or secondary, C reporting, D unverified, E inferred). Obligated dollars are "
                    "sums of federal_action_obligation; subcontracts are listed beside prime money, never added to it. "
                    "Private persons are never named: their money is counted under 'individuals'.",
        version="0.1.0",
        docs_url=None,  # the stock docs pages load scripts from a CDN; /api is rendered here instead
        redoc_url=None,
    )
    cache_size = settings.web_cache()
    app.state.db = ReadOnlyDatabase(db_path, threads=threads, cache_size=cache_size)
    app.state.focus = focus or settings.focus() or DEFAULT_FOCUS
    app.state.public_url = (public_url or settings.public_url()).rstrip("/")
    app.state.templates = templates()

    from whosbehind.web import api, pages

    app.include_router(api.router)
    app.include_router(pages.router)
    from whosbehind.web import corrections

    app.include_router(corrections.router)
    from whosbehind.tips.privacy import ForgetClient
    from whosbehind.tips.web import router as tips_router  # the tip line (writable store of its own, tips/)
    app.include_router(tips_router)
    app.add_middleware(ForgetClient)  # no client address, user agent or referrer reaches any page or log
    from whosbehind.web import feeds  # Atom feeds and the "what changed" section (web/feeds.py)

    feeds.register(app)
    app.mount("/static", StaticFiles(directory=str(HERE.joinpath("static"))), name="static")
    app.add_middleware(limits.RequestLimits)  # body size and time limits, protective headers (web/limits.py)
    app.add_middleware(i18n.RememberLanguage)  # ?lang= kept in a cookie; answers vary by language

    def wants_json(request: Request) -> bool:
        return request.url.path.startswith("/api/")

    def error(request: Request, status: int, message: str, *, organization: bool = False) -> Response:
        """``organization``: what was not found is an organization (the page then says it may be under another name)."""
        message = without_local_paths(message, app.state.db.path)
        if wants_json(request):
            return JSONResponse({"error": message}, status_code=status)
        lang = i18n.for_request(request)
        with i18n.use(lang):
            return app.state.templates.TemplateResponse(
                request, "error.html", {"status": status, "message": message, "lang": lang,
                                        "path": request.url.path, "organization": organization},
                status_code=status)

    @app.exception_handler(StarletteHTTPException)
    def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return error(request, 404, i18n.translations(i18n.for_request(request)).gettext(
                "There is no page at this address."))
        return error(request, exc.status_code, str(exc.detail))

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return RedirectResponse("/static/favicon.svg", status_code=301)

    @app.exception_handler(NotFound)
    def not_found(request: Request, exc: NotFound) -> Response:
        words = NOT_FOUND_WORDS.get(type(exc))
        if words is not None and not wants_json(request):  # a page says it in its language; the API in English
            said = i18n.translations(i18n.for_request(request)).gettext(words) % exc.page_values()
            return error(request, 404, said, organization=isinstance(exc, NoSuchOrganization))
        return error(request, 404, str(exc))

    @app.exception_handler(DatabaseMissing)
    def missing(request: Request, exc: DatabaseMissing) -> Response:
        logger.warning("%s", exc)  # the operator's log keeps the path; the page does not show it
        return error(request, 503, str(exc))

    @app.exception_handler(limits.Busy)
    def busy(request: Request, exc: limits.Busy) -> Response:
        answer = error(request, 503, str(exc))
        answer.headers["Retry-After"] = "60"
        return answer

    @app.exception_handler(WhosbehindError)
    def bad_request(request: Request, exc: WhosbehindError) -> Response:
        return error(request, 400, str(exc))

    @app.exception_handler(RequestValidationError)
    def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = []
        for e in exc.errors():
            where = ".".join(str(x) for x in e.get("loc", ()) if x not in ("query", "path", "body"))
            problems.append(f"{where}: {e.get('msg')}" if where else str(e.get("msg")))
        message = "bad request: " + "; ".join(problems)
        if wants_json(request):
            return JSONResponse({"error": message, "detail": jsonable_encoder(exc.errors())}, status_code=422)
        return error(request, 422, message)

    return app
