"""The organization answer the API, the pages and the one-pager share, read by key from the answers the build
stored (analysis/organization.py, step 600); an id the build stored no answer for (an agency) is answered by
running its queries. Either way it is kept in memory until the database file is replaced.

The page and the JSON are two renderings of one answer: the JSON is the stored text as it is, the page reads
the same text back (amounts as Decimals).
"""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from starlette.concurrency import run_in_threadpool

from whosbehind import jsontext
from whosbehind.analysis import organization as organization_mod
from whosbehind.web import prerender
from whosbehind.web.database import DatabaseMissing, ReadOnlyDatabase


def held(database: ReadOnlyDatabase) -> dict[str, bytes]:
    """Every stored answer, compressed, by id: read once per version of the file and held (a visit is then a
    dictionary lookup and a decompression, tens of microseconds, instead of a query, half a millisecond)."""
    return database.held("stored_answers", organization_mod.stored_bodies)


def pages(database: ReadOnlyDatabase) -> dict[tuple[str, str], bytes]:
    """Every page the build rendered, compressed, by (id, language): held like the answers."""
    return database.held("stored_pages", prerender.stored)


def load(database: ReadOnlyDatabase) -> None:
    """Read the stored answers and pages of the file now in place (a missing or stale file: nothing to read)."""
    with suppress(DatabaseMissing):
        held(database)
        pages(database)


def _stored(database: ReadOnlyDatabase, org_id: str) -> bytes | None:
    # An id that is not a node's own (a record merged into an organization) is looked up in the database.
    body = held(database).get(org_id)
    if body is not None:
        return organization_mod.from_body(body)
    return database.cached(("org_stored", org_id), lambda con: organization_mod.stored_json(con, org_id))


def organization_json(database: ReadOnlyDatabase, org_id: str) -> bytes:
    body = _stored(database, org_id)
    if body is None:
        body = database.cached(("org_json", org_id),
                               lambda con: jsontext.dumps(organization_mod.answer(con, org_id)))
    return body


async def organization_json_now(database: ReadOnlyDatabase, org_id: str) -> bytes:
    """``organization_json`` for a request: the stored answer is read on the event loop (a key lookup of about
    half a millisecond: handing it to a worker thread would cost more than it takes), an answer that has to be
    computed in a worker thread."""
    body = _stored(database, org_id)
    if body is None:
        body = await run_in_threadpool(organization_json, database, org_id)
    return body


def organization(database: ReadOnlyDatabase, org_id: str) -> dict[str, Any]:
    return database.remembered(("org_page", org_id), lambda: jsontext.loads(organization_json(database, org_id)))
