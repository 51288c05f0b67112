"""The organization answer the API, the pages and the warm-up share: its queries run once per database version.

The page shows everything the JSON answer has and a little more (``views.PAGE_ONLY``), so the page data is
computed and cached first, and the JSON body is cut from it.
"""

from __future__ import annotations

from typing import Any

from whosbehind.analysis import views
from whosbehind.web.database import ReadOnlyDatabase
from whosbehind.web.formatting import dumps


def organization(database: ReadOnlyDatabase, org_id: str) -> dict[str, Any]:
    return database.cached(("org_page", org_id), lambda con: views.organization_page(con, org_id))


def organization_json(database: ReadOnlyDatabase, org_id: str) -> bytes:
    def cut() -> bytes:
        data = organization(database, org_id)
        return dumps({k: v for k, v in data.items() if k not in views.PAGE_ONLY})

    return database.remembered(("org_json", org_id), cut)
