"""The language of the pages: gettext catalogs (Babel), chosen per request by ``?lang=``, then the ``lang``
cookie a choice leaves, then the browser's Accept-Language; English when none of them names a language held.

The catalogs are the ``.po`` files in ``web/locales/<lang>/LC_MESSAGES/messages.po`` (shipped as package data);
they are compiled in memory the first time a language is used, so an install from a fresh clone needs no build
step. To add strings, from the repository's root (tests/web/test_words.py fails while one has no Spanish):
``pybabel extract -F src/whosbehind/web/locales/babel.cfg --no-location --no-wrap -o messages.pot .``, then
``pybabel update -i messages.pot -d src/whosbehind/web/locales --no-fuzzy-matching --no-wrap
--ignore-obsolete``, then write the
translation of each new ``msgstr ""``.
"""

from __future__ import annotations

import gettext as _gettext
import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from importlib import resources
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from markupsafe import Markup
from starlette.datastructures import MutableHeaders, QueryParams
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DEFAULT = "en"
LANGUAGES = {"en": "English", "es": "Español"}
COOKIE = "lang"

_current: ContextVar[str] = ContextVar("whosbehind_lang", default=DEFAULT)


@cache
def translations(lang: str) -> _gettext.NullTranslations:
    """The compiled catalog of one language (English is the source language: no catalog)."""
    if lang == DEFAULT or lang not in LANGUAGES:
        return _gettext.NullTranslations()
    po = resources.files("whosbehind.web").joinpath("locales", lang, "LC_MESSAGES", "messages.po")
    with po.open("rb") as f:
        catalog = read_po(f, locale=lang)
    mo = io.BytesIO()
    write_mo(mo, catalog)
    mo.seek(0)
    return Translations(mo)


def current() -> str:
    return _current.get()


@contextmanager
def use(lang: str) -> Iterator[None]:
    token = _current.set(lang if lang in LANGUAGES else DEFAULT)
    try:
        yield
    finally:
        _current.reset(token)


def N_(message: str) -> str:
    """Marks a string for the catalog where it is defined (Babel extracts ``N_``); it is translated where shown."""
    return message


def gettext(message: str) -> str:
    return translations(current()).gettext(message)


def template_gettext(message: str, /, **variables: Any) -> Markup:
    """``_()`` in the templates: the message in the language in use, its ``%(name)s`` placeholders filled with the
    variables escaped, as jinja2.ext.i18n's newstyle ``_`` does where autoescaping is on (every template here).
    Called directly: the extension's own passes each call through three context calls, which took a fifth of the
    time of rendering an organization's page (web/app.py installs this one in its place)."""
    return Markup(gettext(message)) % variables


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current()).ngettext(singular, plural, n)


def template_ngettext(singular: str, plural: str, n: int, /, **variables: Any) -> Markup:
    """``ngettext()`` in the templates, called directly as ``_()`` is: the extension's newstyle text, ``%(num)s``
    being ``n`` unless given. (Both take their own arguments by position only, as the extension's do, so that a
    placeholder may have any name.)"""
    variables.setdefault("num", n)
    return Markup(ngettext(singular, plural, n)) % variables


def pgettext(context: str, message: str) -> str:
    """A word that one English spelling leaves ambiguous ("reported": a grade's label, a claim's status)."""
    return translations(current()).pgettext(context, message)


def choose(query: str | None, cookie: str | None, accept_language: str | None) -> str:
    """The language of one request."""
    for value in (query, cookie):
        if value and value.strip().lower() in LANGUAGES:
            return value.strip().lower()
    best, best_q = DEFAULT, -1.0
    for part in (accept_language or "").split(","):
        tag, _, params = part.strip().partition(";")
        code = tag.strip().lower().split("-")[0]
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if code in LANGUAGES and q > best_q:
            best, best_q = code, q
    return best


def for_request(request: Any) -> str:
    return choose(request.query_params.get("lang"), request.cookies.get(COOKIE),
                  request.headers.get("accept-language"))


def with_lang(url: str, lang: str, *, switch: bool = False) -> str:
    """An address of this site in a language: ``?lang=es`` added (or replaced), nothing for the default. A link that
    switches language (``switch``) names the default too: a person who chose Spanish has it kept in a cookie, and
    only ``?lang=en`` brings them back to English."""
    base, _, query = url.partition("?")
    params = [p for p in query.split("&") if p and not p.startswith("lang=")]
    if lang != DEFAULT or switch:
        params.append("lang=" + lang)
    return base + ("?" + "&".join(params) if params else "")


class RememberLanguage:
    """A language chosen with ``?lang=`` is kept for the next pages in a cookie (no other cookie is set), and
    every answer says it varies with the language asked for. Plain ASGI: a middleware built on Starlette's
    BaseHTTPMiddleware runs every request in a task of its own, a tenth of what serving a page costs."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        chosen = QueryParams(scope.get("query_string", b"")).get("lang")
        keep = chosen in LANGUAGES and not scope["path"].startswith("/api/")

        async def send_marked(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if keep:
                    headers.append("set-cookie", f"{COOKIE}={chosen}; Max-Age={365 * 86400}; Path=/; SameSite=lax")
                if "vary" not in headers:
                    headers["Vary"] = "Accept-Language, Cookie"
            await send(message)

        await self.app(scope, receive, send_marked)
