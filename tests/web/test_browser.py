"""In a real browser (headless Chromium via Playwright): search, reach the organization, see the total,
open its evidence; the one-pager PDF renders; a name containing HTML shows as text."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PIL import Image
from web_fixtures import HTML_NAME

from whosbehind.web.formatting import money

PALANTIR = "duns:362130952"


def test_search_reach_organization_see_total_open_evidence(chromium, live, shots: Path) -> None:
    shots.mkdir(exist_ok=True)
    page = chromium.new_page(viewport={"width": 1200, "height": 900})
    page.goto(live.url + "/")
    page.fill("#q", "palantir")
    page.wait_for_selector("#suggestions li a")               # suggestions as you type
    assert "PALANTIR" in page.inner_text("#suggestions")
    page.screenshot(path=str(shots / "home-suggestions.png"))
    page.press("#q", "Enter")                                   # the plain form: /search?q=palantir
    page.wait_for_url("**/search?q=palantir")
    page.click("table.results >> text=PALANTIR TECHNOLOGIES INC. >> nth=0")
    page.wait_for_selector("#total-obligated")
    org_id = page.url.split("/org/", 1)[1]
    import httpx

    total = httpx.get(f"{live.url}/api/organizations/{org_id}").json()["total_obligated"]
    assert page.inner_text("#total-obligated") == money(total)
    page.screenshot(path=str(shots / "organization.png"), full_page=True)
    page.click("a.evidence-link >> nth=-1")                     # the prime-contract evidence for this tie
    page.wait_for_selector("table.evidence")
    page.click("table.evidence tbody tr >> nth=0 >> a[href^='/evidence/']")
    page.wait_for_selector("#sha256")
    assert len(page.inner_text("#sha256")) == 64
    assert page.inner_text("#rows").split(" ")[0].rstrip(",").isdigit()
    page.screenshot(path=str(shots / "evidence.png"), full_page=True)
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
    page.screenshot(path=str(shots / "html-name.png"))
    assert dialogs == []
    page.close()


def test_a_merged_record_leads_to_the_organization_it_was_merged_into(chromium, live, shots: Path) -> None:
    # "THE GEO GROUP, INC." of the FY21-26 lists (name only) was merged into the GEO Group DUNS.
    shots.mkdir(exist_ok=True)
    page = chromium.new_page(viewport={"width": 1200, "height": 900})
    page.goto(live.url + "/org/name:THE GEO GROUP, INC.")
    page.wait_for_selector("#merged-into")
    assert "whosbehind explain name:THE GEO GROUP, INC." in page.inner_text("#merged-into")
    page.screenshot(path=str(shots / "merged-record.png"))
    page.click("#merged-into a")
    page.wait_for_url("**/org/duns:612706465")
    assert page.inner_text("#org-name").startswith("THE GEO GROUP")
    assert page.locator("#merged-into").count() == 0  # the organization itself was merged into nothing
    page.close()
