"""Pages people read on a phone and on a desktop: nothing scrolls sideways, chart labels stay inside their chart,
and axe-core (from its npm package, injected by Playwright) finds no WCAG 2.1 A/AA violation and no breach of its
best practices."""

from __future__ import annotations

import shutil
import subprocess
import tarfile
import time
from pathlib import Path

import pytest
from web_fixtures import SMALL_TARGETS, screenshot

AXE_VERSION = "4.14.1"
AXE_CACHE = Path(__file__).resolve().parents[2] / "test-artifacts" / f"axe-core-{AXE_VERSION}"
# WCAG 2.1 A and AA, and axe's best practices: among them, that no two landmarks of a page share a name (a
# screen reader lists them by name: ten regions called "Table" tell nothing apart)
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]

PAGES = {
    "home": "/",
    "search": "/search?q=geo&list=1",
    "amazon": "/org/duns:884745530",
    "geo": "/org/duns:612706465",
    "ice": "/agency/7012",
    "methodology": "/methodology",
    "check": "/check",
    "onepager": "/org/duns:612706465/onepager",
    "geo-es": "/org/duns:612706465?lang=es",
    "corrections": "/corrections?page=/org/duns:612706465",
    "evidence": "/org/duns:612706465/evidence?kind=prime_contract",  # its first piece of evidence (see _open)
}


@pytest.fixture(scope="session")
def axe_js() -> Path:
    """axe.min.js from the npm package axe-core (MPL-2.0), fetched once into the ignored test-artifacts folder."""
    target = AXE_CACHE / "axe.min.js"
    if target.exists():
        return target
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("npm is missing: it fetches axe-core for the accessibility checks (apt-get install npm)")
    AXE_CACHE.mkdir(parents=True, exist_ok=True)
    subprocess.run([npm, "pack", f"axe-core@{AXE_VERSION}", "--pack-destination", str(AXE_CACHE), "--silent"],
                   check=True, capture_output=True, timeout=300)
    tgz = next(AXE_CACHE.glob("axe-core-*.tgz"))
    with tarfile.open(tgz) as t:
        member = t.extractfile("package/axe.min.js")
        assert member is not None
        target.write_bytes(member.read())
    return target


def _check_list(page, url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(url)
    page.fill("#names", "GEO Group\nPalantir\nAmazon\nNo Such Company Anywhere")
    page.click("form.check button[type=submit] >> nth=0")
    page.wait_for_selector("#screening")


@pytest.mark.parametrize("width,height", [(390, 844), (1366, 900)])
@pytest.mark.parametrize("name", list(PAGES))
def test_page_fits_the_screen_keeps_chart_labels_inside_and_passes_axe(chromium, live, shots: Path, axe_js: Path,
                                                                      name: str, width: int, height: int) -> None:
    shots.mkdir(exist_ok=True)
    page = chromium.new_page(viewport={"width": width, "height": height})
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    try:
        _open(page, live.url, name)
        charts = page.locator("img.chart")
        for i in range(charts.count()):  # drawn when scrolled to (loading="lazy"), as a reader's phone does
            charts.nth(i).scroll_into_view_if_needed()
        _wait_for_charts(page)
        screenshot(page, shots / f"readable-{name}-{width}.png")
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width, f"{name} is {scroll_width} px wide in a {width} px window"
        outside = page.evaluate(LABELS_OUTSIDE)
        assert outside == [], f"chart labels outside their chart on {name}: {outside}"
        if name in ("amazon", "geo", "ice"):
            assert page.locator("svg.chart, img.chart").count() >= 1
        if name == "evidence":  # the row as published: each column's name readable, not a letter a line
            widths = page.evaluate("Array.from(document.querySelectorAll('table.raw th'), e => e.offsetWidth)")
            assert widths and min(widths) >= 60, widths
            # the rows as counted: nothing to scroll sideways on a phone, every value (the description too) on screen
            rows = page.evaluate("""() => { const t = document.querySelector('table.stack'), box = t.closest('.scroll');
                return {overflow: box.scrollWidth - box.clientWidth, cells: t.querySelectorAll('tbody td').length,
                        off: Array.from(t.querySelectorAll('tbody td'), c => c.getBoundingClientRect())
                                  .filter(r => r.left < 0 || r.right > window.innerWidth + 0.5).length}; }""")
            assert rows["cells"] > 0 and rows["overflow"] <= 0 and rows["off"] == 0, rows
        # An organization page's charts are images of their own: each is drawn, and keeps its labels inside.
        for src in page.evaluate("Array.from(document.querySelectorAll('img.chart'), i => i.src)"):
            chart = chromium.new_page(viewport={"width": width, "height": height})
            try:
                assert chart.goto(src).headers["content-type"] == "image/svg+xml"
                assert chart.evaluate(LABELS_OUTSIDE.replace("svg.chart", "svg")) == [], src
            finally:
                chart.close()
        assert refused == [], f"the page needs something its Content-Security-Policy refuses: {refused}"
    finally:
        page.close()
    # axe-core is injected as a script of its own, which the pages' policy rightly refuses: a second visit lets it in.
    page = chromium.new_page(viewport={"width": width, "height": height}, bypass_csp=True)
    try:
        _open(page, live.url, name)
        page.add_script_tag(path=str(axe_js))
        result = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
        problems = [f"{v['id']}: {v['help']} ({len(v['nodes'])}: {v['nodes'][0]['target']})"
                    for v in result["violations"]]
        assert problems == [], f"axe-core on {name} at {width} px: {problems}"
    finally:
        page.close()


def _wait_for_charts(page) -> None:  # type: ignore[no-untyped-def]
    # polled from here: the pages' policy refuses the string evaluation wait_for_function relies on
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        pending = page.evaluate("() => Array.from(document.querySelectorAll('img.chart'))"
                                ".filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)")
        if not pending:
            return
        time.sleep(0.2)
    raise AssertionError(f"charts not drawn: {pending}")


LABELS_OUTSIDE = """() => {
    const bad = [];
    for (const svg of document.querySelectorAll('svg.chart')) {
        const box = svg.getBoundingClientRect();
        for (const t of svg.querySelectorAll('text')) {
            const r = t.getBoundingClientRect();
            if (!t.textContent.trim() || r.width === 0) continue;
            if (r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5
                || r.bottom > box.bottom + 0.5) bad.push(t.textContent);
        }
    }
    return bad;
}"""


def _open(page, base: str, name: str) -> None:  # type: ignore[no-untyped-def]
    if name == "check":
        _check_list(page, base + PAGES[name])
    elif name == "evidence":
        page.goto(base + PAGES[name])
        href = page.locator('a[href^="/evidence/"]').first.get_attribute("href")
        response = page.goto(base + href)
        assert response is not None and response.status == 200
    else:
        response = page.goto(base + PAGES[name])
        assert response is not None and response.status == 200


def test_spanish_one_pager_pdf_of_geo_group_renders(live, tmp_path: Path) -> None:
    import httpx
    from PIL import Image

    pdf = httpx.get(f"{live.url}/org/duns:612706465/onepager.pdf", params={"lang": "es"}, timeout=60)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    (tmp_path / "geo-es.pdf").write_bytes(pdf.content)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "geo-es.pdf", "page"], cwd=tmp_path,
                   check=True)
    image = Image.open(next(tmp_path.glob("page*.png"))).convert("L")
    dark = sum(image.histogram()[:128])
    assert dark > 0.01 * image.width * image.height, "the first page of the Spanish PDF is (nearly) blank"
    text = " ".join(subprocess.run(["pdftotext", "-f", "1", "-l", "1", "geo-es.pdf", "-"], cwd=tmp_path,
                                   capture_output=True, text=True, check=True).stdout.split())
    assert "THE GEO GROUP, INC." in text
    assert "Vinculada con" in text and "grado A" in text         # the strongest ties, in Spanish, with grades
    assert "lang=es" in text                                      # the page's address, in the same language
    info = subprocess.run(["pdfinfo", "geo-es.pdf"], cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    assert "Pages:           1" in info                           # a one-page leaflet


def test_the_leaflets_of_the_organizations_with_the_most_to_say_print_on_one_sheet(live, built_db: Path,
                                                                                   tmp_path: Path) -> None:
    """The one-pagers of the three organizations with the longest answers (the most ties, products and sources), on
    A4 and on letter paper, in English and Spanish: one page each, with their sources and the closing line on it."""
    import duckdb
    import httpx

    con = duckdb.connect(str(built_db), read_only=True)
    try:
        largest = [r[0] for r in con.execute(
            "SELECT id FROM organization_answers ORDER BY octet_length(body) DESC, id LIMIT 3").fetchall()]
    finally:
        con.close()
    for org_id in largest:
        for lang in ("en", "es"):
            for paper in ("a4", "letter"):
                pdf = httpx.get(f"{live.url}/org/{org_id}/onepager.pdf", params={"lang": lang, "paper": paper},
                                timeout=120)
                assert pdf.status_code == 200
                path = tmp_path / f"leaflet-{lang}-{paper}.pdf"
                path.write_bytes(pdf.content)
                info = subprocess.run(["pdfinfo", path.name], cwd=tmp_path, capture_output=True, text=True,
                                      check=True).stdout
                text = " ".join(subprocess.run(["pdftotext", path.name, "-"], cwd=tmp_path, capture_output=True,
                                               text=True, check=True).stdout.split())
                assert "Pages: 1" in " ".join(info.split()), (org_id, lang, paper)
                assert ("Sources" if lang == "en" else "Fuentes") in text and "/methodology" in text, (org_id, lang)


# Pages with tables, besides an organization's (tests/web/test_organization_phone.py).
TABLE_PAGES = ("/", "/search?q=geo&list=1", "/agency/7012", "/org/duns:612706465/evidence", "/methodology", "/api")
TABLE_BOXES = """() => Array.from(document.querySelectorAll('main table'), t => {
    const box = t.closest('.scroll') || t;
    const unlabelled = Array.from(t.querySelectorAll('tbody td'), td => td).filter(td => {
        const r = td.getBoundingClientRect();
        return getComputedStyle(td).display !== 'none'
            && (!td.dataset.label || r.left < 0 || r.right > window.innerWidth);
    }).length;
    return {scroll: box.scrollWidth, client: box.clientWidth, rows: t.tBodies[0] ? t.tBodies[0].rows.length : 0,
            unlabelled};
})"""


@pytest.mark.parametrize("lang", ["en", "es"])
def test_no_table_scrolls_sideways_on_a_phone(chromium, live, shots: Path, lang: str) -> None:
    """On a 390 px screen every table of these pages, and the results of a screened list, is a list of labelled
    blocks inside the screen: no box to scroll sideways to find an amount, a family or a source."""
    shots.mkdir(exist_ok=True)
    page = chromium.new_page(viewport={"width": 390, "height": 844})
    try:
        for path in TABLE_PAGES:
            response = page.goto(f"{live.url}{path}{'&' if '?' in path else '?'}lang={lang}")
            assert response is not None and response.status == 200
            tables = page.evaluate(TABLE_BOXES)
            screenshot(page, shots / f"tables-{path.strip('/').replace('/', '_') or 'home'}-{lang}.png")
            assert tables and any(t["rows"] for t in tables), path
            assert [t for t in tables if t["scroll"] > t["client"] or t["unlabelled"]] == [], path
        _check_list(page, f"{live.url}/check?lang={lang}")  # a list screened: its results
        tables = page.evaluate(TABLE_BOXES)
        assert tables and tables[0]["rows"]
        assert [t for t in tables if t["scroll"] > t["client"] or t["unlabelled"]] == []
    finally:
        page.close()


COLUMNS = """() => { const t = document.querySelector('table#screening');
  return [...t.tHead.rows[0].cells].map((th, i) => {
    let widest = 0;  // the widest cell content of the column, as laid out
    for (const row of t.tBodies[0].rows) {
      const r = document.createRange(); r.selectNodeContents(row.cells[i]);
      widest = Math.max(widest, r.getBoundingClientRect().width);
    }
    return {amounts: th.classList.contains('num'), width: th.getBoundingClientRect().width, widest};
  });
}"""


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_screened_list_on_a_desktop_gives_its_room_to_the_words(chromium, live, shots: Path, lang: str) -> None:
    """On a desktop, the long heading of the amounts ("comprometido con la familia por ICE, CBP, DHS") wraps: the
    column of amounts is about as wide as its widest amount, and the strongest tie, a sentence, is not squeezed
    into a narrower column beside it."""
    shots.mkdir(exist_ok=True)
    page = chromium.new_page(viewport={"width": 1366, "height": 900})
    try:
        _check_list(page, f"{live.url}/check?lang={lang}")
        screenshot(page, shots / f"check-desktop-{lang}.png")
        columns = page.evaluate(COLUMNS)
        amounts = next(c for c in columns if c["amounts"])
        strongest = columns[-2]  # the strongest tie, before the amounts
        assert amounts["widest"] > 0 and amounts["width"] <= 1.6 * amounts["widest"], columns
        assert strongest["width"] > amounts["width"], columns
    finally:
        page.close()


@pytest.mark.parametrize("width", [390, 1366])
def test_the_controls_of_the_forms_are_large_enough_to_tap(chromium, live, width: int) -> None:
    """Every field, button, file chooser and checkbox of the forms to screen a list and to ask for a correction is
    at least 24 by 24 pixels (WCAG 2.2, 2.5.8), on a phone and on a desktop, in both languages."""
    page = chromium.new_page(viewport={"width": width, "height": 900})
    try:
        for path in ("/check", "/corrections?page=/org/duns:612706465"):
            for lang in ("es", "en"):  # English last: the language is kept in a cookie
                page.goto(f"{live.url}{path}&lang={lang}" if "?" in path else f"{live.url}{path}?lang={lang}")
                assert page.locator("main form :is(input, textarea, button)").count() >= 3, path
                assert page.evaluate(SMALL_TARGETS) == [], (path, lang)
    finally:
        page.close()
