"""An organization's largest awards on a phone: each award a block of labelled values, nothing to scroll sideways
to read its amount and what it was for; on a desktop still a table."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from web_fixtures import screenshot


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
        screenshot(page, shot)
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


@pytest.fixture(scope="module")
def tables_orgs(built_db: Path) -> list[str]:
    """Organizations of the built sample whose pages hold every table an organization page can show: the one with
    the most subcontracts (totals, subcontracts, sources), and the maker whose products awards to others name most
    (money through others)."""
    con = duckdb.connect(str(built_db), read_only=True)
    try:
        subs = con.execute("""SELECT source_id FROM ties WHERE kind = 'subcontract' AND source_id LIKE 'uei:%'
                              GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1""").fetchone()
        maker = con.execute("""SELECT source_id FROM ties WHERE kind = 'named_in_award'
                               GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1""").fetchone()
    finally:
        con.close()
    assert subs and maker
    return [subs[0], maker[0]]


TABLES = """() => Array.from(document.querySelectorAll('main table'), t => {
    const box = t.closest('.scroll') || t, section = t.closest('section');
    const cells = Array.from(t.querySelectorAll('tbody td'), td => {
        const r = td.getBoundingClientRect();
        return {label: td.dataset.label ?? null, before: getComputedStyle(td, '::before').content,
                display: getComputedStyle(td).display, left: r.left, right: r.right};
    });
    return {section: section ? section.id : null, stacked: t.classList.contains('stack'),
            head_shown: t.tHead ? getComputedStyle(t.tHead).height !== '1px' : null,
            scroll: box.scrollWidth, client: box.clientWidth, cells};
})"""


@pytest.mark.parametrize("lang", ["en", "es"])
def test_no_table_of_an_organization_page_scrolls_sideways_on_a_phone(chromium, live, tables_orgs: list[str],
                                                                       shots: Path, lang: str) -> None:
    """Totals, money through others, subcontracts and sources, like the largest awards: on a phone each row is a
    block of labelled values inside the screen; on a desktop a table with its header row."""
    shots.mkdir(exist_ok=True)
    for org_id in tables_orgs:
        for width, height in ((390, 844), (1280, 900)):
            page = chromium.new_page(viewport={"width": width, "height": height})
            try:
                response = page.goto(f"{live.url}/org/{org_id}?lang={lang}")
                assert response is not None and response.status == 200
                screenshot(page, shots / f"tables-{org_id.replace(':', '_')}-{lang}-{width}.png")
                tables = page.evaluate(TABLES)
                page_width = page.evaluate("document.documentElement.scrollWidth")
            finally:
                page.close()
            sections = {t["section"] for t in tables}
            assert {"totals", "sources"} <= sections, sections
            assert page_width <= width
            for t in tables:
                assert t["scroll"] <= t["client"], (org_id, width, t["section"], t["scroll"], t["client"])
                if width == 390 and t["stacked"]:
                    assert all(c["display"] == "none" or (c["label"] and c["before"] == f'"{c["label"]}: "'
                                                          and c["left"] >= 0 and c["right"] <= 390)
                               for c in t["cells"]), (org_id, t["section"], t["cells"][:2])
                if width == 1280:
                    assert t["head_shown"] is not False, (org_id, t["section"])
        # the pages these tables are on hold the subcontracts and the money through others asked for
        assert sections & {"subcontracts", "through-others"}, (org_id, sections)


def test_a_spanish_organization_page_speaks_spanish_about_money_through_others(chromium, live,
                                                                                tables_orgs: list[str]) -> None:
    """The maker's page in Spanish: the section on money through others, its table, each tie of a product named
    in another company's award and each why-path are in Spanish, with the same figures as the English page; so
    are the why-paths of its one-pager."""
    from whosbehind.web import formatting, i18n

    maker = tables_orgs[1]
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(f"{live.url}/org/{maker}?lang=en")
        english = page.inner_text("#through-others")
        page.goto(f"{live.url}/org/{maker}?lang=es")
        spanish = page.inner_text("#through-others")
        family = page.inner_text("#family-ties") if page.locator("#family-ties").count() else ""
        ties = page.inner_text("#ties") + family
        why = page.inner_text("#why")
        page.goto(f"{live.url}/org/{maker}?lang=en")
        why_english = page.inner_text("#why")
        # the English one-pager first: its grade label must not stay English for the Spanish one printed after it
        page.goto(f"{live.url}/org/{maker}/onepager?lang=en")
        grade_english = page.inner_text(".figure .grade")
        page.goto(f"{live.url}/org/{maker}/onepager?lang=es")
        leaflet = page.inner_text("ol.paths")
        grade_spanish = page.inner_text(".figure .grade")
    finally:
        page.close()
    with i18n.use("es"):
        paid_to = i18n.gettext("paid to")
    assert paid_to != "paid to" and paid_to.upper() in spanish.upper()
    assert "not the prime contractor" in english
    assert "not the prime contractor" not in spanish and "is not the prime" not in ties
    assert "An award to" not in ties and "Money that reaches" not in spanish
    # the same figures on both pages
    figures = sorted(w for w in english.split() if w.startswith("$"))
    assert figures and figures == sorted(w for w in spanish.split() if w.startswith("$"))
    # Why-paths: the words of every step in Spanish, each step's grade with it, the same amounts as in English.
    english_words = ("USAspending records show", "This is the tie", "is a subsidiary of",
                     "The FedRAMP Marketplace lists", "is not the prime contractor", "(grade ",
                     "the records named in its evidence")
    assert "USAspending records show" in why_english and "(grade " in why_english
    for text in (why, leaflet):
        assert [w for w in english_words if w in text] == []
        assert "(grado " in text
    assert sorted(w for w in why.split() if w.startswith("$")) == sorted(w for w in why_english.split()
                                                                          if w.startswith("$"))
    with i18n.use("es"):
        assert grade_spanish == formatting.grade_label("A") != grade_english


# For each visible grade badge: how far its right edge passes the content box of the block it sits in, or its text
# passes its own border (pixels).
BADGES_PAST_THEIR_BLOCK = """() => [...document.querySelectorAll('.grade')].filter(e => e.offsetParent !== null)
.map(e => {
  let block = e.parentElement;
  while (block && getComputedStyle(block).display.startsWith('inline')) block = block.parentElement;
  const box = block.getBoundingClientRect(), style = getComputedStyle(block);
  // past its block, or its own text past its own border (a label that does not wrap inside its badge)
  const past = Math.round(e.getBoundingClientRect().right - (box.right - parseFloat(style.paddingRight)));
  return [e.textContent, Math.max(past, e.scrollWidth - e.clientWidth)];
}).filter(([, past]) => past > 1)"""


def test_grade_badges_and_the_not_found_page_s_links_fit_a_phone(chromium, live, shots: Path) -> None:
    """At 390 px a grade badge stays inside its text column, in Spanish too, whose labels are the longest ("grado B:
    declarado por la empresa o secundario" ran 12 px past GEO Group's summary box); the not-found page's links are
    at least 24 px tall, as a finger needs."""
    page = chromium.new_page(viewport={"width": 390, "height": 844})
    for org_id in ("duns:612706465", "duns:884745530"):  # GEO Group's summary; Amazon.com's family list
        for lang in ("es", "en"):
            page.goto(f"{live.url}/org/{org_id}?lang={lang}")
            assert page.evaluate(BADGES_PAST_THEIR_BLOCK) == [], (org_id, lang)
    page.goto(f"{live.url}/org/no-such-page?lang=es")
    small = page.evaluate("""() => [...document.querySelectorAll('main a')]
      .map(e => [e.textContent.trim(), Math.round(e.getBoundingClientRect().height)]).filter(([, h]) => h < 24)""")
    screenshot(page, shots / "not-found-phone-es.png")
    page.close()
    assert small == []


# For each visible search box with a placeholder: the placeholder's width in the box's font, and the width the box
# gives its text (pixels).
PLACEHOLDERS = """() => [...document.querySelectorAll('input[placeholder]')].filter(e => e.offsetParent !== null)
.map(e => {
  const style = getComputedStyle(e), ctx = document.createElement('canvas').getContext('2d');
  ctx.font = style.font;
  const room = e.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return [e.placeholder, Math.ceil(ctx.measureText(e.placeholder).width), Math.floor(room)];
})"""


def test_the_search_examples_are_read_whole_on_a_phone(chromium, live, shots: Path) -> None:
    """The examples a search box shows (home and not-found pages) are read whole at 390 px, in both languages: the
    Spanish not-found box cut them to "p. ej., Palantir, GEO Group,"."""
    page = chromium.new_page(viewport={"width": 390, "height": 844})
    seen = 0
    for path in ("/", "/org/no-such-page"):
        for lang in ("es", "en"):
            page.goto(f"{live.url}{path}?lang={lang}")
            for text, width, room in page.evaluate(PLACEHOLDERS):
                seen += 1
                assert width <= room, (path, lang, text, width, room)
    screenshot(page, shots / "not-found-search-phone-en.png")
    page.close()
    assert seen >= 4
