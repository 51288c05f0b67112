"""Organization pages rendered by the build, one per organization and language, and served by key.

A page is its stored answer (analysis/organization.py) through ``organization.html``: a millisecond of template
per visit, which at fifty visitors at once is what made pages slow. The build renders each page once, after the
answers are stored (``build.publish``), compressed in ``organization_pages`` (step 600); the server holds them
and sends one as it is. What a page shows of the request is only its public address: rendered as ``BASE``, it is
put in on the way out (``with_base``), with the footer's data dates (``DATE_MARKS``). A build renders again only
the pages whose answers changed, unless the code did (``store_pages``). A request with a query (``?lang=es``,
``?as_of=``) or an address written another way is rendered on the visit, from the same answer.
"""

from __future__ import annotations

import functools
import multiprocessing
import zlib
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

import duckdb
from jinja2.filters import do_urlencode

from whosbehind import jsontext
from whosbehind.store import db, queries
from whosbehind.web import formatting, i18n

BASE = "https://public-address.whosbehind.invalid"  # where the page's public address goes
_BASE_QUOTED = do_urlencode(BASE)
# Where the footer's data dates go (the newest export, the build). Every build changes them, so a page rendered
# with them would be rendered again by every build; rendered with these marks, a page whose answer did not change
# is kept, and the server puts the dates in on the way out, as it puts in its address.
DATE_MARKS = {"newest_export": "whosbehind-newest-export-date", "built_at": "whosbehind-build-date"}
BATCH = 1000


def path(org_id: str) -> str:
    """The address a stored page stands for, as the server reads it from a request (unquoted)."""
    return "/org/" + org_id


def context(org: dict[str, Any], lang: str, base: str, data_date: dict[str, Any]) -> dict[str, Any]:
    """What organization.html is given for an organization's page at its own address, with no query."""
    return {"org": org, "lang": lang, "data_date": data_date, "page_url": base + path(org["id"]),
            "path": path(org["id"])}


def store_pages(con: duckdb.DuckDBPyConnection, *, processes: int = 1) -> int:
    """Render the pages of the answers this build changed (``organization.store_answers``) in every language
    into ``organization_pages``, or every page when the stored ones were rendered by other code; returns how
    many answers' pages were rendered. A page is its answer through the template, so an
    unchanged answer keeps its page. Rendering is Python through and through (about a millisecond a page). With
    ``processes`` above one, the batches are shared among that many processes, started afresh ("spawn": DuckDB's
    threads are not forked into them). Only a program whose main module guards its work (the `whosbehind`
    command does) may ask for that: each new process imports it. If they cannot start, the pages are rendered
    here."""
    data_date = dict(DATE_MARKS)
    made_with = db.code_fingerprint()
    before = queries.one(con, "page_made_with")
    every = before is None or before["made_with"] != made_with
    con.execute(db.query_text("page_replace"), {"every": every})
    con.execute(db.query_text("page_made"), {"made_with": made_with})
    ids = [r["id"] for r in queries.rows(con, "page_render_ids", every=every)]
    batches = [ids[start:start + BATCH] for start in range(0, len(ids), BATCH)]
    if processes > 1 and len(batches) > 1:
        try:
            with ProcessPoolExecutor(min(processes, len(batches)),
                                     mp_context=multiprocessing.get_context("spawn")) as pool:
                return _store(con, pool.map(_render_batch, _inputs(con, batches), [data_date] * len(batches)))
        except BrokenProcessPool:
            # what the pool stored before it broke
            con.execute("DELETE FROM organization_pages WHERE list_contains(?, id)", [ids])
    return _store(con, (_render_batch(rows, data_date) for rows in _inputs(con, batches)))


def _inputs(con: duckdb.DuckDBPyConnection, batches: list[list[str]]) -> list[list[tuple[str, bytes]]]:
    return [[(r[0], r[1]) for r in con.execute(db.query_text("answer_stored_batch"), {"ids": b}).fetchall()]
            for b in batches]


def _store(con: duckdb.DuckDBPyConnection, rendered_batches: Iterable[list[tuple[str, str, bytes]]]) -> int:
    done = 0
    for rendered in rendered_batches:
        with db.rows_table(con, "incoming_pages", {"id": "VARCHAR", "lang": "VARCHAR", "body": "BLOB"}, rendered):
            con.execute(db.query_text("page_store"))
        done += len(rendered)
    return done // len(i18n.LANGUAGES)


def _render_batch(rows: list[tuple[str, bytes]], data_date: dict[str, Any]) -> list[tuple[str, str, bytes]]:
    """(id, language, compressed page) for a batch of (id, compressed answer)."""
    template = template_of_pages()
    out = []
    for org_id, body in rows:
        org = jsontext.loads(zlib.decompress(body))
        for lang in i18n.LANGUAGES:
            with i18n.use(lang):
                html = template.render(context(org, lang, BASE, data_date))
            out.append((org_id, lang, zlib.compress(html.encode("utf-8"))))
    return out


@functools.cache
def template_of_pages() -> Any:
    """organization.html, compiled once per process."""
    from whosbehind.web import templating  # the one template environment, as the server builds it

    return templating.environment().get_template("organization.html")


def stored(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], bytes]:
    """Every stored page, compressed, by (id, language)."""
    return {(i, lang): body for i, lang, body in con.execute(db.query_text("page_stored_all")).fetchall()}


def with_base(body: bytes, base: str, data_date: dict[str, Any]) -> bytes:
    """A stored page with this server's public address and the database's data dates in it."""
    html = zlib.decompress(body)
    html = html.replace(BASE.encode(), base.encode()).replace(_BASE_QUOTED.encode(), do_urlencode(base).encode())
    for key, mark in DATE_MARKS.items():
        html = html.replace(mark.encode(), formatting.day(data_date.get(key)).encode())
    return html
