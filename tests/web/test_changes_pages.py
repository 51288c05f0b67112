"""The pages of what changed in a browser, at a phone's width and a desktop's, in both languages: an agency page, a
watchlist's page, the page of every change and a curated company's page (Google: its FedRAMP provider's changes).
Nothing scrolls sideways, not even a table in its box (an agency's product codes once did at 1366 px), a change
without an amount shows no empty "amount" label, and each page names its Atom feed in its head."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from web_fixtures import screenshot

from samples import Cli, LiveServer
from whosbehind.web.app import create_app

BOXES = """() => Array.from(document.querySelectorAll('.scroll'), b => ({
    label: b.getAttribute('aria-label'), scroll: b.scrollWidth, client: b.clientWidth}))"""
EMPTY_LABELS = """() => Array.from(document.querySelectorAll('table.changes td'))
    .filter(td => getComputedStyle(td).display !== 'none' && td.textContent.trim() === '')
    .map(td => td.dataset.label)"""


@pytest.fixture(scope="module")
def served(built_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, str]]:
    folder = tmp_path_factory.mktemp("changes_pages")
    db = folder / "whosbehind.duckdb"
    shutil.copy2(built_db, db)
    cli = Cli(db)
    names = folder / "council.csv"
    names.write_text("name\nPalantir Technologies\nGoogle\nThe GEO Group\n")
    assert cli.run("watch", "add", "council", "--file", str(names)).exit_code == 0
    google = cli.json("lookup", "Google")["id"]
    with LiveServer(lambda url: create_app(db, public_url=url), log_level="warning") as server:
        yield server, google


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_pages_of_what_changed_read_on_a_phone_and_a_desktop(chromium, served: tuple[LiveServer, str],
                                                                 shots: Path, lang: str) -> None:
    server, google = served
    shots.mkdir(exist_ok=True)
    pages = {"agency": ("/agency/ICE", "/feeds/agency/ICE"), "watchlist": ("/watchlist/council",
                                                                          "/feeds/watchlist/council"),
             "all": ("/changes?agency=ICE", "/feeds/agency/ICE"),
             "google": (f"/org/{google}", f"/feeds/organization/{google}")}
    for name, (path, feed) in pages.items():
        for width, height in ((390, 844), (1366, 900)):
            page = chromium.new_page(viewport={"width": width, "height": height})
            try:
                joiner = "&" if "?" in path else "?"
                response = page.goto(f"{server.url}{path}{joiner}lang={lang}")
                assert response is not None and response.status == 200, (path, response and response.status)
                screenshot(page, shots / f"changes-{name}-{lang}-{width}.png")
                assert page.evaluate("document.documentElement.scrollWidth") <= width, (path, width)
                wide = [b for b in page.evaluate(BOXES) if b["scroll"] > b["client"]]
                assert wide == [], (path, width, wide)
                assert page.locator("table.changes tbody tr").count() > 0, (path, width)
                assert page.evaluate(EMPTY_LABELS) == [], (path, width)
                links = page.evaluate("""() => Array.from(document.head.querySelectorAll(
                    'link[rel=alternate][type="application/atom+xml"]'), l => l.getAttribute('href'))""")
                assert links == [feed], (path, links)
            finally:
                page.close()
