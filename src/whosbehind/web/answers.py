"""The organization answer the API, the pages and the warm-up share: its queries run once per database version.

The page and the JSON are two renderings of one dict (analysis/organization.py), computed and kept once; the JSON
body is kept too.
"""

from __future__ import annotations

from typing import Any

from whosbehind.analysis import views
from whosbehind.web.database import ReadOnlyDatabase
from whosbehind.web.formatting import dumps


def organization(database: ReadOnlyDatabase, org_id: str) -> dict[str, Any]:
    return database.cached(("org_page", org_id), lambda con: views.organization(con, org_id))


def organization_json(database: ReadOnlyDatabase, org_id: str) -> bytes:
    return database.remembered(("org_json", org_id), lambda: dumps(organization(database, org_id)))
