"""In a real browser (headless Chromium via Playwright): search, reach the organization, see the total,
open its evidence; the one-pager PDF renders; a name containing HTML shows as text."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PIL import Image
from web_fixtures import HTML_NAME, screenshot

from whosbehind.web.formatting import money

PALANTIR = "duns:362130952"


def test_search_reach_organization_see_total_open_evidence(chromium, live, shots: Path) -> None:
    shots.mkdir(exist_ok=True)
    page = chromium.new_page(viewport={"width": 1200, "height": 900})
    page.goto(live.url + "/")
    page.fill("#q", "palantir")
    page.wait_for_selector("#suggestions li a")               # suggestions as you type
    assert "PALANTIR" in page.inner_text("#suggestions")
    screenshot(page, shots / "home-suggestions.png", full_page=False)
    page.press("#q", "Enter")                                   # the plain form: the lookup finds the company
    page.wait_for_url(f"**/org/{PALANTIR}?q=palantir")
    page.wait_for_selector("#total-obligated")
    import httpx

    answer = httpx.get(f"{live.url}/api/lookup", params={"q": "palantir"}, timeout=60).json()
    assert answer["id"] == PALANTIR
    assert page.inner_text("#total-obligated") == money(answer["obligated"])
    screenshot(page, shots / "organization.png")
    page.click("a.evidence-link[href*='kind=prime_contract'] >> nth=0")   # all the prime-contract evidence
    page.wait_for_selector("table.evidence")
    page.click("table.evidence tbody tr >> nth=0 >> a[href^='/evidence/']")
    page.wait_for_selector("#sha256")
    assert len(page.inner_text("#sha256")) == 64
    assert page.inner_text("#rows").split(" ")[0].rstrip(",").isdigit()
    assert page.locator("#raw-row").count() == 1                # the row as published
    screenshot(page, shots / "evidence.png")
    page.close()


def test_one_pager_pdf_first_page_is_not_blank(live, tmp_path: Path) -> None:
    import httpx

    if not Path("/usr/bin/pdftoppm").exists():
        pytest.fail("pdftoppm is missing: scripts/test.sh installs it (apt-get install poppler-utils)")
    pdf = httpx.get(f"{live.url}/org/{PALANTIR}/onepager.pdf", timeout=60)
    assert pdf.status_code == 200
    (tmp_path / "onepager.pdf").write_bytes(pdf.content)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "onepager.pdf", "page"],
                   cwd=tmp_path, check=True)
    png = next(tmp_path.glob("page*.png"))
    image = Image.open(png).convert("L")
    dark = sum(image.histogram()[:128])  # pixels darker than mid-grey
    assert dark > 0.01 * image.width * image.height, "the first page of the PDF is (nearly) blank"
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "onepager.pdf", "-"], cwd=tmp_path,
                          capture_output=True, text=True, check=True).stdout
    assert "PALANTIR TECHNOLOGIES INC." in text and f"/org/{PALANTIR}" in text


def test_a_name_with_html_shows_as_text(chromium, live_html, html_org_id: str, shots: Path) -> None:
    shots.mkdir(exist_ok=True)
    page = chromium.new_page(viewport={"width": 1000, "height": 700})
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{live_html.url}/org/{html_org_id}")
    shown = page.inner_text("#org-name")
    assert shown.upper() == HTML_NAME.upper()  # every character shown, none interpreted
    assert page.evaluate("window.pwned") is None and dialogs == []
    assert page.locator("#org-name b, #org-name img, #org-name script").count() == 0
    page.fill("form.search.small input", "acme")
    page.goto(f"{live_html.url}/")
    page.fill("#q", "acme")
    page.wait_for_selector("#suggestions li a")
    assert page.inner_text("#suggestions li a").upper() == HTML_NAME.upper()
    screenshot(page, shots / "html-name.png", full_page=False)
    assert dialogs == []
    page.close()


def test_a_merged_record_opens_the_organization_it_belongs_to(chromium, live, shots: Path) -> None:
    # "THE GEO GROUP, INC." of the FY21-26 lists (name only) was merged into the GEO Group DUNS: its page is the
    # organization's, with the same headline, and says which record was asked for.
    shots.mkdir(exist_ok=True)
    page = chromium.new_page(viewport={"width": 1200, "height": 900})
    page.goto(live.url + "/org/name:THE GEO GROUP, INC.")
    page.wait_for_selector("#merged-into")
    assert "name:THE GEO GROUP, INC." in page.inner_text("#merged-into")
    headline = page.inner_text("#total-obligated")
    assert "name:THE GEO GROUP, INC." in page.inner_text("#registrations")
    screenshot(page, shots / "merged-record.png", full_page=False)
    page.goto(live.url + "/org/duns:612706465")
    assert page.inner_text("#org-name").startswith("THE GEO GROUP")
    assert page.inner_text("#total-obligated") == headline
    assert page.locator("#merged-into").count() == 0
    page.close()


PAGES = {"Amazon": "duns:884745530", "Whole Foods": "name:WHOLE FOODS MARKET, INC.", "GEO Group": "duns:612706465",
         "Palantir": PALANTIR}


@pytest.mark.parametrize("width,height", [(390, 844), (1366, 900)])
@pytest.mark.parametrize("name", list(PAGES))
def test_every_kind_of_tie_reaches_the_organization_page(chromium, live, shots: Path, name: str, width: int,
                                                         height: int) -> None:
    """The pages people ask about show their FedRAMP products, the hosting and other claims of their family,
    and why-paths grouped by agency, with no placeholder left."""
    import httpx

    shots.mkdir(exist_ok=True)
    page = chromium.new_page(viewport={"width": width, "height": height})
    page.goto(live.url + "/search?q=" + name.replace(" ", "+"))
    page.wait_for_selector("#org-name")
    answer = httpx.get(f"{live.url}/api/lookup", params={"q": name}, timeout=60).json()
    from urllib.parse import unquote

    assert unquote(page.url.split("/org/", 1)[1].split("?")[0]) == PAGES[name] == answer["id"]
    assert page.inner_text("#total-obligated") == money(answer["obligated"])
    why = page.inner_text("#why")
    assert "U.S. Immigration and Customs Enforcement" in why and "grade" in why
    assert "will be shown here" not in page.content()
    fedramp = page.inner_text("#fedramp")
    if name in ("Amazon", "Whole Foods", "Palantir"):
        assert "U.S. Immigration and Customs Enforcement" in fedramp   # e.g. AWS GovCloud, PFCS High
    if name in ("Amazon", "Whole Foods"):
        assert "Investigative Case Management" in page.inner_text("#family-ties")   # AWS hosts ICM (grade C)
    if name == "GEO Group":
        assert "Detention facility operation" in page.inner_text("#ties")
        assert "Citizens" in page.inner_text("#ties")  # financed by Citizens (reported, grade C)
    screenshot(page, shots / f"org-{name.replace(' ', '-')}-{width}.png")
    page.close()


def test_amazon_one_pager_pdf_shows_a_fedramp_tie(live, tmp_path: Path) -> None:
    import httpx

    pdf = httpx.get(f"{live.url}/org/duns:884745530/onepager.pdf", timeout=60)
    assert pdf.status_code == 200
    (tmp_path / "amazon.pdf").write_bytes(pdf.content)
    text = subprocess.run(["pdftotext", "amazon.pdf", "-"], cwd=tmp_path, capture_output=True, text=True,
                          check=True).stdout
    flat = " ".join(text.split())
    assert "AMAZON.COM INC." in flat and "FedRAMP" in flat and "AWS GovCloud" in flat
    assert "marketplace.fedramp.gov/products/" in flat


@pytest.mark.parametrize("name", ["Amazon", "Microsoft"])
def test_money_through_resellers_is_shown_apart_with_its_recipients(chromium, live, shots: Path, name: str) -> None:
    import httpx

    answer = httpx.get(f"{live.url}/api/lookup", params={"q": name}, timeout=60).json()
    named = [t for t in answer["ties"] + answer["family_ties"] if t["kind"] == "named_in_award"]
    assert named and all(t["award_key"] and t["role"] in ("product", "services") for t in named)
    assert all(t["evidence"] and t["evidence"][0]["quote"] for t in named)
    page = chromium.new_page(viewport={"width": 1366, "height": 900})
    page.goto(f"{live.url}/org/{answer['id']}")
    section = page.inner_text("#through-others")
    # a maker "is not the prime contractor"; a member none of whose products is named (Amazon.com, the parent of
    # Amazon Web Services) is said to be neither, with its family's maker
    assert money(answer["through_others"]["amount"]) in section
    assert "is not the prime contractor" in section or f"Neither {answer['name']} nor" in section, section[:400]
    top = answer["through_others"]["recipients"][0]["name"]
    assert top in section
    # never added to its own totals
    assert page.inner_text("#total-obligated") == money(answer["obligated"])
    screenshot(page, shots / f"through-others-{name.split()[0]}.png")
    page.close()


@pytest.mark.parametrize("lang", ["en", "es"])
def test_an_amount_below_zero_stays_on_one_line_on_a_phone(chromium, live, lang: str) -> None:
    import httpx

    # families whose net CBP money is below zero (CBP took back more than it obligated)
    names = ["CoreCivic", "GEO Group", "Palantir", "Motorola Solutions", "Deloitte", "CACI", "Leidos", "Akima"]
    rows = httpx.post(f"{live.url}/api/check", json=names, params={"agency": "CBP"}, timeout=60).json()["items"]
    negative = [r["input"] for r in rows if r["id"] and r["family_obligated"] < 0]
    assert negative, rows
    page = chromium.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{live.url}/check?lang={lang}")
    page.fill("#names", "\n".join(negative))
    page.select_option("#agency", "7014")
    page.locator("form.check button").first.click()
    page.wait_for_selector("#screening td.num")
    # each amount's text, as the browser lays it out: the lines it takes (the cell's label is CSS, not text)
    laid_out = page.evaluate("""() => [...document.querySelectorAll('#screening td.num')].map(td => {
        const range = document.createRange(); range.selectNodeContents(td);
        return [td.textContent, new Set([...range.getClientRects()].map(r => Math.round(r.top))).size];
    })""")
    assert laid_out and all(lines == 1 for _text, lines in laid_out), laid_out
    assert any(text.startswith("−") for text, _lines in laid_out), laid_out
    page.close()


def test_the_forms_keep_the_visitor_s_language_without_a_cookie(chromium, live) -> None:
    """A Spanish reader whose browser keeps no cookie (a private window, cookies refused) came by a link in Spanish:
    a list screened, a search from the header, from the home page and from a search page, and a correction asked
    for, all answer in Spanish."""
    context = chromium.new_context(viewport={"width": 1000, "height": 900})
    page = context.new_page()
    try:
        page.goto(live.url + "/check?lang=es")
        context.clear_cookies()
        page.fill("#names", "GEO Group")
        page.click("form.check button[type=submit] >> nth=0")
        page.wait_for_selector("table#screening")
        assert page.get_attribute("html", "lang") == "es"
        assert "encontrada" in page.inner_text("table#screening")
        for start, form in (("/org/duns:612706465?lang=es", "header.site form"), ("/?lang=es", "main form.search"),
                            ("/search?q=geo&list=1&lang=es", "main form.search")):
            page.goto(live.url + start)
            context.clear_cookies()
            page.fill(f"{form} input[name=q]", "geo group")
            page.press(f"{form} input[name=q]", "Enter")
            page.wait_for_load_state()
            assert page.get_attribute("html", "lang") == "es", (start, page.url)
        page.goto(live.url + "/corrections?page=/org/duns:612706465&lang=es")
        context.clear_cookies()
        page.fill("#what", " ")  # refused by the server (blank): the form comes back, in the reader's language
        page.fill("#evidence", " ")
        page.click("form.correction button[type=submit]")
        page.wait_for_load_state()
        assert page.get_attribute("html", "lang") == "es"
    finally:
        context.close()
