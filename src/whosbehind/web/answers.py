"""The organization answer the API, the pages and the warm-up share, read by key from the answers the build
stored (analysis/organization.py, step 600); an id the build stored no answer for (an agency) is answered by
running its queries. Either way it is kept in memory until the database file is replaced.

The page and the JSON are two renderings of one answer: the JSON is the stored text as it is, the page reads
the same text back (amounts as Decimals).
"""

from __future__ import annotations

from typing import Any

from whosbehind import jsontext
from whosbehind.analysis import organization as organization_mod
from whosbehind.web.database import ReadOnlyDatabase


def organization_json(database: ReadOnlyDatabase, org_id: str) -> bytes:
    def read(con: Any) -> bytes:
        body = organization_mod.stored_json(con, org_id)
        return body if body is not None else jsontext.dumps(organization_mod.answer(con, org_id))

    return database.cached(("org_json", org_id), read)


def organization(database: ReadOnlyDatabase, org_id: str) -> dict[str, Any]:
    return database.remembered(("org_page", org_id), lambda: jsontext.loads(organization_json(database, org_id)))
