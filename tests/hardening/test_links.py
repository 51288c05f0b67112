"""Item 2: a link from the data never runs script. Only http(s) URLs are stored as permalinks and put in an
href; anything else is dropped (the raw row keeps the text as published).

Input: three real rows of the bundled Minnesota award summaries (header kept) whose usaspending_permalink
is rewritten: row 1 `javascript:alert(document.domain)`, row 2 `JavaScript:alert(1)//https://x`, row 3
`data:text/html,<script>alert(1)</script>`.
"""

from __future__ import annotations

import re

import duckdb
from fastapi.testclient import TestClient

from samples import MN_SUMMARIES, MN_ZIP, Cli, member_rows, write_csv
from whosbehind.web.app import create_app
from whosbehind.web.formatting import web_url

BAD_LINKS = ["javascript:alert(document.domain)", "JavaScript:alert(1)//https://x",
             "data:text/html,<script>alert(1)</script>"]


def test_only_http_links_are_stored_and_shown(tmp_path, monkeypatch):
    rows = member_rows(MN_ZIP, MN_SUMMARIES)
    header, body = rows[0], [list(r) for r in rows[1:4]]
    for row, link in zip(body, BAD_LINKS, strict=True):
        row[header.index("usaspending_permalink")] = link
    cli = Cli(tmp_path / "links.duckdb")
    result = cli.run("ingest", str(write_csv(tmp_path / MN_SUMMARIES.rsplit("/", 1)[-1], [header, *body])))
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(cli.db), read_only=True)
    try:
        stored = [r[0] for r in con.execute("SELECT permalink FROM money_rows").fetchall()]
        org_ids = [r[0] for r in con.execute("SELECT DISTINCT recipient_id FROM money").fetchall()]
    finally:
        con.close()
    assert stored and all(p is None for p in stored), stored
    monkeypatch.setenv("WHOSBEHIND_WARM", "0")
    app = create_app(cli.db)
    with TestClient(app) as client:
        pages, answers = [], []
        for org_id in org_ids:
            pages.append(client.get(f"/org/{org_id}").text)
            pages.append(client.get(f"/org/{org_id}/evidence").text)
            answers.append(client.get(f"/api/organizations/{org_id}").json())
        for link in re.findall(r'href="(/evidence/[^"]+)"', "".join(pages)):
            pages.append(client.get(link).text)
    app.state.db.close()
    assert any("/evidence/" in page for page in pages)  # the evidence pages were visited
    # The evidence page shows the raw row as published, as text; no link, no URL field, carries the bad value.
    links = [h.strip().lower() for page in pages for h in re.findall(r'(?:href|src|action)="([^"]*)"', page)]
    assert links and not [h for h in links if h.startswith(("javascript:", "data:"))]
    assert not [v for v in _urls(answers) if not str(v).startswith(("https://", "http://"))]


def _urls(value):
    """Every permalink or url value in a JSON answer."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("permalink", "url") and item is not None:
                yield item
            else:
                yield from _urls(item)
    elif isinstance(value, list):
        for item in value:
            yield from _urls(item)


def test_the_page_filter_drops_anything_but_http_links():
    assert web_url("https://www.usaspending.gov/award/X/") == "https://www.usaspending.gov/award/X/"
    for link in [*BAD_LINKS, " javascript:alert(1)", "https://x\" onmouseover=\"alert(1)", "//evil.example", None]:
        assert web_url(link) == ""
