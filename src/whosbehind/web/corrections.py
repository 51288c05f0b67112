"""Requests for corrections, kept for the maintainers.

The evidence database is read-only for the web, so each request goes to a small SQLite file of its own, in
``WHOSBEHIND_CORRECTIONS_DIR`` (default: ``corrections/`` in the user data folder, beside the default
database). Nothing in a request is published: a maintainer checks it against public records first.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse

from whosbehind import settings
from whosbehind.errors import WhosbehindError

router = APIRouter(include_in_schema=False)

FILE = "corrections.sqlite"
LIMITS = {"page": 500, "what": 5000, "evidence": 5000, "contact": 300}
SCHEMA = """CREATE TABLE IF NOT EXISTS correction_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT, received_at TEXT NOT NULL, page TEXT NOT NULL, what TEXT NOT NULL,
    evidence TEXT NOT NULL, contact TEXT, from_company INTEGER NOT NULL DEFAULT 0, lang TEXT NOT NULL)"""


def folder() -> Path:
    return settings.corrections_dir()


def store(page: str, what: str, evidence: str, contact: str | None, from_company: bool, lang: str) -> int:
    """Keep one request; its number is returned."""
    where = folder()
    where.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(where / FILE) as con:
        con.execute(SCHEMA)
        cur = con.execute(
            "INSERT INTO correction_requests (received_at, page, what, evidence, contact, from_company, lang) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (datetime.now(UTC).isoformat(timespec="seconds"), page, what, evidence, contact or None,
             int(from_company), lang))
        return int(cur.lastrowid or 0)


def listed(limit: int = 100) -> list[dict[str, object]]:
    """The newest requests (for maintainers, from a shell: nothing of it is shown on a page)."""
    path = folder() / FILE
    if not path.exists():
        return []
    with sqlite3.connect(path) as con:
        con.row_factory = sqlite3.Row
        return [dict(r) for r in con.execute("SELECT * FROM correction_requests ORDER BY id DESC LIMIT ?", (limit,))]


@router.get("/corrections", response_class=HTMLResponse)
def form(request: Request, page: Annotated[str, Query(max_length=LIMITS["page"])] = "",
         company: bool = False) -> HTMLResponse:
    from whosbehind.web.pages import render

    return render(request, "corrections.html", about=page, company=company, done=None, problems=[], values={})


@router.post("/corrections", response_class=HTMLResponse)
def submit(request: Request, page: Annotated[str, Form()] = "", what: Annotated[str, Form()] = "",
           evidence: Annotated[str, Form()] = "", contact: Annotated[str, Form()] = "",
           company: Annotated[bool, Form()] = False) -> HTMLResponse:
    from whosbehind.web import i18n
    from whosbehind.web.pages import render

    values = {"page": page.strip(), "what": what.strip(), "evidence": evidence.strip(), "contact": contact.strip()}
    problems = [field for field in ("what", "evidence") if not values[field]]
    problems += [field for field, n in LIMITS.items() if len(values[field]) > n]
    if problems:
        return render(request, "corrections.html", status_code=422, about=values["page"], company=company,
                      done=None, problems=problems, values=values)
    try:
        number = store(values["page"], values["what"], values["evidence"], values["contact"], company,
                       i18n.for_request(request))
    except (OSError, sqlite3.Error) as e:
        raise WhosbehindError(f"the request could not be stored ({e.__class__.__name__}); try again later") from e
    return render(request, "corrections.html", about=values["page"], company=company, done=number, problems=[],
                  values={})
