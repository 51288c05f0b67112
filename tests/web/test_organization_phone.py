"""An organization's largest awards on a phone: each award a block of labelled values, nothing to scroll sideways
to read its amount and what it was for; on a desktop still a table."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest


@pytest.fixture(scope="module")
def awards_org(built_db: Path) -> str:
    """The organization of the built sample with the most awards (so its page lists several of the largest)."""
    con = duckdb.connect(str(built_db), read_only=True)
    try:
        found = con.execute("""SELECT organization_id FROM organization_awards
                               GROUP BY organization_id HAVING count(*) >= 5 AND max(length(description)) > 40
                               ORDER BY count(*) DESC, organization_id LIMIT 1""").fetchone()
    finally:
        con.close()
    assert found, "the built sample should have an organization with several awards"
    return found[0]


AWARDS = """() => {
    const t = document.querySelector('#awards table'), box = t.closest('.scroll') || t;
    const headers = Array.from(t.querySelectorAll('thead th'), th => th.textContent.trim());
    const rows = Array.from(t.querySelectorAll('tbody tr'), tr => Array.from(tr.querySelectorAll('td'), td => {
        const r = td.getBoundingClientRect(), style = getComputedStyle(td), before = getComputedStyle(td, '::before');
        return {label: td.dataset.label ?? null, before: before.content, display: style.display,
                left: r.left, right: r.right, width: r.width};
    }));
    return {headers, rows, table: {scroll: t.scrollWidth, client: t.clientWidth},
            box: {scroll: box.scrollWidth, client: box.clientWidth}, page: document.documentElement.scrollWidth};
}"""


def _awards_seen(chromium, url: str, width: int, height: int, shot: Path) -> dict:
    """Open the page at one window size, keep a screenshot, and read the awards table as laid out there."""
    page = chromium.new_page(viewport={"width": width, "height": height})
    try:
        response = page.goto(url)
        assert response is not None and response.status == 200
        page.locator("#awards").scroll_into_view_if_needed()
        page.screenshot(path=str(shot), full_page=True)
        return page.evaluate(AWARDS)
    finally:
        page.close()


@pytest.mark.parametrize("lang", ["en", "es"])
def test_largest_awards_are_labelled_cards_on_a_phone_and_a_table_on_a_desktop(chromium, live, awards_org: str,
                                                                                shots: Path, lang: str) -> None:
    shots.mkdir(exist_ok=True)
    url = f"{live.url}/org/{awards_org}?lang={lang}"
    seen = _awards_seen(chromium, url, 390, 844, shots / f"awards-{lang}-390.png")
    headers, rows = seen["headers"], seen["rows"]
    assert len(headers) == 6 and all(headers), headers
    assert len(rows) >= 5, f"{awards_org} should list several awards: {len(rows)}"
    # Nothing wider than the phone: no sideways scroll in the table or its box, every cell (amount and
    # description too) inside the window.
    assert seen["table"]["scroll"] <= seen["table"]["client"], seen["table"]
    assert seen["box"]["scroll"] <= seen["box"]["client"], seen["box"]
    assert seen["page"] <= 390, seen["page"]
    off = [(i, j, c) for i, row in enumerate(rows) for j, c in enumerate(row) if c["left"] < 0 or c["right"] > 390]
    assert off == [], f"cells off a 390 px screen: {off[:3]}"
    # Each value shows the name of its column (the header, in the page's language) before it.
    for row in rows:
        assert [c["label"] for c in row] == headers, row
        assert all(c["display"] == "block" for c in row), row
        assert [c["before"] for c in row] == [f'"{h}: "' for h in headers], row   # what a reader sees
        assert all(c["width"] > 300 for c in row), row   # each value at (nearly) the phone's full width

    seen = _awards_seen(chromium, url, 1280, 900, shots / f"awards-{lang}-1280.png")
    # On a desktop: still a table, its header row visible, no label printed before the values.
    assert seen["headers"] == headers
    assert all(c["display"] == "table-cell" for row in seen["rows"] for c in row), seen["rows"][0]
    assert all(c["before"] in ("none", "normal") for row in seen["rows"] for c in row), seen["rows"][0]
    assert seen["page"] <= 1280, seen["page"]
