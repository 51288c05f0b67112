"""The tip line's pages: ``/tip`` (form), ``POST /tip`` (codename), ``/tip/status``. No script, no third party.

The request body is read into memory with a size limit and parsed there (uploads never spill into a temporary
file), files are cleaned of metadata, then everything is encrypted before the store sees it. Nothing here logs.
Every response carries the headers in ``SECURITY_HEADERS``, set on this router only.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import FormParser, MultiPartException, MultiPartParser

from whosbehind import settings
from whosbehind.errors import WhosbehindError
from whosbehind.tips import codenames, scrub
from whosbehind.tips.limits import Limits
from whosbehind.tips.store import (
    MAX_MESSAGE_CHARS,
    Attachment,
    TipLineClosed,
    TipStore,
    default_tips_dir,
    retention_days,
)
from whosbehind.web import i18n
from whosbehind.web.i18n import N_
from whosbehind.web.i18n import gettext as _

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; "
                               "base-uri 'none'",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store, max-age=0",
    "Pragma": "no-cache",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}
MAX_FILES = 5
FAILED_PAGE = ('<!doctype html><html lang="en"><title>Tip not stored</title><p>Something went wrong: nothing was '
               'stored. Please try again later.</p><p lang="es">Algo salió mal: no se guardó nada. Vuelva a intentarlo '
               'más tarde.</p></html>')
log = logging.getLogger("whosbehind.tips")
HONEYPOT = "website"
# A tip's status (tips/store.py) as its page says it.
STATUS_WORDS = {"received": N_("received, not read yet"), "read": N_("read by a moderator"),
                "replied": N_("a moderator replied"), "linked": N_("checked against a public record")}
BAD_FORM = N_("The form could not be read. Please send it again.")
TOO_MANY = N_("Too many tips are arriving right now. Please try again in a few minutes.")
CLOSED = N_("The tip line is not open yet.")


def max_body_bytes() -> int:
    return settings.tips_max_mb() * 1024 * 1024


class TipRoute(APIRoute):
    """Adds the tip pages' security headers to every response of this router. An unexpected error is logged as
    its exception class only (an exception's message or traceback could quote what was sent) and answered with
    a plain page that says nothing was stored."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def with_headers(request: Request) -> Response:
            try:
                response = await handler(request)
            except Exception as exc:
                log.error("tip page failed: %s", type(exc).__name__)
                response = HTMLResponse(FAILED_PAGE, status_code=500)
            response.headers.update(SECURITY_HEADERS)
            return response

        return with_headers


router = APIRouter(include_in_schema=False, route_class=TipRoute)


class TooLarge(Exception):
    pass


class InMemoryMultiPartParser(MultiPartParser):
    """Starlette's parser, with uploads kept in memory: the body is capped below this size, so the spooled file
    never rolls over to disk."""

    def __init__(self, *args: Any, limit: int, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.spool_max_size = limit + 1


async def _capped(stream: AsyncIterator[bytes], limit: int) -> AsyncIterator[bytes]:
    total = 0
    async for chunk in stream:
        total += len(chunk)
        if total > limit:
            raise TooLarge
        yield chunk


async def _read_form(request: Request, limit: int) -> FormData:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise TooLarge
    content_type = request.headers.get("content-type", "")
    stream = _capped(request.stream(), limit)
    if content_type.startswith("multipart/form-data"):
        parser = InMemoryMultiPartParser(request.headers, stream, limit=limit, max_files=MAX_FILES,
                                         max_fields=10, max_part_size=limit)
        return await parser.parse()
    if content_type.startswith("application/x-www-form-urlencoded"):
        return await FormParser(request.headers, stream).parse()
    raise MultiPartException("not a form")


def tips_store(request: Request) -> TipStore:
    state = request.app.state
    if getattr(state, "tips", None) is None:
        state.tips = TipStore(default_tips_dir())
    return state.tips


def tip_limits(request: Request) -> Limits:
    state = request.app.state
    if getattr(state, "tip_limits", None) is None:
        state.tip_limits = Limits()
    return state.tip_limits


def _say(lang: str, message: str, **values: object) -> str:
    """One of the tip pages' sentences in the page's language (web/locales), its %(name)s placeholders filled."""
    with i18n.use(lang):
        return _(message) % values if values else _(message)


def _render(request: Request, template: str, lang: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    context.update(lang=lang, status_words=STATUS_WORDS, max_files=MAX_FILES, max_mb=max_body_bytes() // (1024 * 1024),
                   max_chars=MAX_MESSAGE_CHARS, honeypot=HONEYPOT)
    context.setdefault("days", retention_days())
    # the footer's "Ask for a correction" names the page it is on (no secret is ever in a tip page's address: the
    # codename and the message travel in the body)
    context.setdefault("path", request.url.path)
    with i18n.use(lang):  # the page, with the site's header and footer (base.html), in its language
        return request.app.state.templates.TemplateResponse(request, template, context, status_code=status_code)


def _form_page(request: Request, lang: str, status_code: int = 200, error: str | None = None,
               message: str = "") -> HTMLResponse:
    store = tips_store(request)
    is_open = store.is_open()
    if not is_open and status_code == 200:
        status_code = 503
    return _render(request, "tip.html", lang, status_code, is_open=is_open, error=error, message=message)


@router.get("/tip", response_class=HTMLResponse)
async def tip_form(request: Request) -> HTMLResponse:
    return await run_in_threadpool(_form_page, request, i18n.for_request(request))


@router.post("/tip", response_class=HTMLResponse)
async def tip_submit(request: Request) -> HTMLResponse:
    lang = i18n.for_request(request)
    limit = max_body_bytes()
    try:
        form = await _read_form(request, limit)
    except (TooLarge, HTTPException) as exc:  # the server's own body limits raise HTTPException (413, 408)
        if isinstance(exc, HTTPException) and exc.status_code != 413:
            return await run_in_threadpool(_form_page, request, lang, 400, _say(lang, BAD_FORM))
        return await run_in_threadpool(_form_page, request, lang, 413, _say(
            lang, N_("The tip is too large (at most %(mb)s MB with its files)."), mb=limit // (1024 * 1024)))
    except MultiPartException as exc:
        text = (_say(lang, N_("Too many files (at most %(files)s)."), files=MAX_FILES)
                if "files" in str(exc).lower() else _say(lang, BAD_FORM))
        return await run_in_threadpool(_form_page, request, lang, 400, text)
    lang = i18n.choose(str(form.get("lang") or lang), None, None)  # the form may say anything
    message = str(form.get("message") or "")
    uploads = [f for f in form.getlist("attachment") if isinstance(f, UploadFile) and f.filename]
    files = [(f.filename or "", await f.read()) for f in uploads]
    await form.close()
    if not message.strip():
        return await run_in_threadpool(_form_page, request, lang, 400, _say(lang, N_("The message is empty.")),
                                       message)
    if len(message) > MAX_MESSAGE_CHARS:
        return await run_in_threadpool(_form_page, request, lang, 400, _say(
            lang, N_("The message is too long (at most %(chars)s characters)."), chars=MAX_MESSAGE_CHARS), message)
    if form.get(HONEYPOT):
        # A robot filled the hidden field: it gets a page that looks the same and nothing is stored.
        return _render(request, "tip_sent.html", lang, codename=codenames.new_codename(lang), files=[])
    if not tip_limits(request).submissions.take():
        return await run_in_threadpool(_form_page, request, lang, 429, _say(lang, TOO_MANY), message)

    def store_it() -> tuple[str, list[Attachment]]:
        cleaned = []
        for n, (name, content) in enumerate(files, 1):
            s = scrub.scrub(name, content, n)
            cleaned.append(Attachment(s.name, s.media_type, s.content, s.cleaned, s.not_removed))
        store = tips_store(request)
        store.purge()
        codename, _ = store.submit(message, cleaned, lang=lang)
        return codename, cleaned

    try:
        codename, cleaned = await run_in_threadpool(store_it)
    except TipLineClosed:
        return await run_in_threadpool(_form_page, request, lang, 503, _say(lang, CLOSED), message)
    except WhosbehindError:
        return await run_in_threadpool(_form_page, request, lang, 400, _say(lang, BAD_FORM), message)
    shown = [{"name": a.name, "cleaned": _say(lang, scrub.WHAT_WAS_DONE[a.cleaned]) if a.cleaned else "",
              "not_removed": _say(lang, scrub.WHAT_WAS_DONE[a.not_removed])} for a in cleaned]
    return _render(request, "tip_sent.html", lang, codename=codename, files=shown)


@router.get("/tip/status", response_class=HTMLResponse)
async def status_form(request: Request) -> HTMLResponse:
    return _render(request, "tip_status.html", i18n.for_request(request), status=None, error=None)


@router.post("/tip/status", response_class=HTMLResponse)
async def status_check(request: Request) -> HTMLResponse:
    lang = i18n.for_request(request)
    try:
        form = await _read_form(request, 4096)
    except (TooLarge, MultiPartException, HTTPException):
        return _render(request, "tip_status.html", lang, 400, status=None, error=_say(lang, BAD_FORM))
    lang = i18n.choose(str(form.get("lang") or lang), None, None)  # the form may say anything
    codename = codenames.normalize(str(form.get("codename") or ""))
    limits = tip_limits(request)
    if not limits.status_checks.take() or not limits.per_codename.take(codename):
        return _render(request, "tip_status.html", lang, 429, status=None, error=_say(lang, TOO_MANY))
    status = await run_in_threadpool(tips_store(request).status, codename) if codename else None
    if status is None:
        return _render(request, "tip_status.html", lang, 403, status=None, error=_say(
            lang, N_("No tip has this codename. Check the words and try again.")))
    return _render(request, "tip_status.html", lang, status=status, error=None)
