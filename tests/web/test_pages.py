"""Server-rendered pages: stable URLs, escaped names, the evidence behind every figure, no external assets."""

from __future__ import annotations

import csv
import io
import re
from html import escape
from pathlib import Path

from fastapi.testclient import TestClient
from web_fixtures import HTML_NAME

from samples import query
from whosbehind.web.app import create_app
from whosbehind.web.formatting import money

PALANTIR = "duns:362130952"


def test_home_lists_the_largest_families_for_ice_and_cbp(client: TestClient) -> None:
    html = client.get("/").text
    top_ice = client.get("/api/top", params={"agency": "ICE", "limit": 1}).json()["items"][0]
    top_cbp = client.get("/api/top", params={"agency": "CBP", "limit": 1}).json()["items"][0]
    assert 'action="/search"' in html and 'name="q"' in html
    for top in (top_ice, top_cbp):
        assert money(top["obligated"]) in html


def test_pages_load_no_asset_from_another_site(client: TestClient) -> None:
    for path in ("/", f"/org/{PALANTIR}", "/agency/ICE", "/methodology", "/check", "/api"):
        html = client.get(path).text
        # scripts, images and stylesheets come from this site; links to the sources cited are fine
        assets = re.findall(r'src="([^"]+)"', html) + re.findall(r'<link[^>]+href="([^"]+)"', html)
        for ref in assets:
            assert not ref.startswith(("http://", "https://", "//")) or ref.startswith("http://testserver"), (path, ref)
    assert client.get("/static/style.css").status_code == 200
    assert client.get("/static/suggest.js").status_code == 200


def test_organization_page_shows_total_ties_and_evidence_links(client: TestClient) -> None:
    org = client.get(f"/api/organizations/{PALANTIR}").json()
    html = client.get(f"/org/{PALANTIR}").text
    assert money(org["total_obligated"]) in html
    chart = re.search(r'<img class="chart" src="([^"]+/chart/years\.svg)" alt="([^"]+)"', html)
    assert chart and org["name"] in chart.group(2)            # the chart, drawn on the server, named
    drawn = client.get(chart.group(1))
    assert drawn.headers["content-type"] == "image/svg+xml" and drawn.text.startswith("<svg")
    assert "USAspending records show" in html                 # grade A wording
    assert "grade A: official record" in html and "grade B: self-reported or secondary" in html
    assert f"/org/{PALANTIR}/evidence?kind=prime_contract" in html
    assert "https://www.usaspending.gov/award/" in html or ".csv" in html
    assert 'id="why"' in html


def test_the_why_section_says_how_many_paths_it_found_and_how_many_it_lists(client: TestClient, built) -> None:
    """The count above the paths is the count of paths the page and its JSON list; where more were found (a chain
    repeated beyond its limit), the page says both, in English and in Spanish."""
    cut = 0
    for org_id in ("duns:612706465", PALANTIR):  # The GEO Group: 40 paths found, 28 kept; Palantir: every one kept
        why = client.get("/api/why", params={"q": org_id}).json()
        found, listed = why["paths_total"], len(why["paths"])
        printed = " ".join(built.run("why", org_id, "--limit", "1").output.split())
        assert printed.count(f"{found} path(s) to an agency in focus") == 1
        assert (f", {listed} kept (the strongest 20" in printed) == (found > listed), printed[:300]
        for lang, said in (("en", f"{listed} paths from"), ("es", f"{listed} caminos de")):
            html = client.get(f"/org/{org_id}", params={"lang": lang}).text
            section = re.sub(r"<[^>]+>|\s+", " ", html.split('<section id="why">')[1].split("</section>")[0])
            if found > listed:
                # the link to the JSON promises what it gives: the paths kept
                assert ("every path kept, as JSON", "todos los caminos conservados, en JSON")[lang == "es"] in section
                said = (f"{found} paths found from", f"{found} caminos encontrados de")[lang == "es"]
                assert said in section and (f"{listed} are kept: the strongest 20 of each kind of chain"
                                            if lang == "en" else f"se conservan {listed}: los 20 más fuertes de cada"
                                            ) in section, section[:400]
            else:
                assert said in section, section[:400]
        cut += found > listed
    assert cut == 1
    client.get("/", params={"lang": "en"})  # the language cookie back to English for the tests after


def test_the_network_drawing_labels_a_partner_as_a_partner_not_as_family(client: TestClient) -> None:
    """Palantir's drawing shows the ties of a partner (Amazon Web Services, by a cited partnership) beside its own:
    the partner's node says "(partner)" and the caption does not call it family; a page without partners keeps the
    family wording."""
    org = client.get(f"/api/organizations/{PALANTIR}").json()
    partners = {s["tie_of_name"] for s in org["strongest"] if s["relation"] == "partner's"}
    assert partners and all(not s["own"] for s in org["strongest"] if s["relation"] == "partner's")
    for lang, said, caption in (("en", "(partner)", "a partner is not of its family"),
                                ("es", "(socio)", "un socio no es de su familia")):
        svg = client.get(f"/org/{PALANTIR}/chart/network.svg", params={"lang": lang}).text
        labels = [re.sub(r"<[^>]+>", "", t) for t in re.findall(r"<text[^>]*>.*?</text>", svg, flags=re.S)]
        marked = sorted(t.removesuffix(said).rstrip("… ") for t in labels if t.endswith(said))
        assert len(marked) == len(partners), labels
        assert all(any(p.startswith(m) for p in partners) for m in marked), (marked, partners)
        html = client.get(f"/org/{PALANTIR}", params={"lang": lang}).text
        assert caption in html.split('id="network"')[1].split("</figure>")[0]
        # the summary above says whose each line is, too
        summary = re.sub(r"<[^>]+>|\s+", " ", html.split('id="tied-through"')[1].split("</div>")[0])
        for words in (("Held by its partner, AMAZON WEB SERVICES, INC., not of its family:",
                        "Held by its subsidiary, PALANTIR USG, INC.:") if lang == "en" else
                       ("De su socio, AMAZON WEB SERVICES, INC., que no es de su familia:",
                        "De su filial, PALANTIR USG, INC.:")):
            assert words in summary, (words, summary[:600])
        leaflet = re.sub(r"<[^>]+>|\s+", " ", client.get(f"/org/{PALANTIR}/onepager", params={"lang": lang}).text)
        assert ("Held by its partner AMAZON WEB SERVICES, INC.:" if lang == "en"
                else "De su socio AMAZON WEB SERVICES, INC.:") in leaflet
    geo = client.get("/org/duns:612706465", params={"lang": "en"}).text  # the cookie back to English, too
    geo = geo.split('id="network"')[1].split("</figure>")[0]
    assert "partner" not in geo and "the organizations of its family that hold ties" in geo
    assert "No line starts at" not in geo


def test_a_drawing_in_which_no_line_is_the_organizations_own_says_so(client: TestClient) -> None:
    """Ring holds none of the ties its drawing shows (they are its partner Axon's and its owner Amazon's): its dot has
    no line, and the caption says why rather than leaving a dot that seems to have lost its lines."""
    ring = client.get("/api/organizations/curated:ring").json()
    assert ring["strongest"] and not any(s["own"] for s in ring["strongest"])
    for lang, words in (("en", "No line starts at Ring (Amazon Ring): none of these ties is its own"),
                        ("es", "Ninguna línea parte de Ring (Amazon Ring): ninguno de estos vínculos es suyo")):
        html = client.get("/org/curated:ring", params={"lang": lang}).text
        caption = re.sub(r"\s+", " ", html.split('id="network"')[1].split("</figure>")[0])
        assert words in caption, caption
    assert "(partner)" not in client.get("/org/duns:612706465/chart/network.svg", params={"lang": "en"}).text


def test_the_lines_of_one_holder_are_introduced_by_whose_they_are(client: TestClient) -> None:
    """Within an agency, the organization's own lines come first, then each other holder's lines together, after
    whose they are: no line of its own reads as another's, nor another's as its own. Palantir: its own prime contracts
    (A) first; its subsidiary's (B) and its partner Amazon Web Services' (C) after their holders. Ring is tied to CBP
    through its partner Axon's ties alone."""
    def paragraph(org_id: str, agency: str) -> tuple[str, str]:
        html = client.get(f"/org/{org_id}", params={"lang": "en"}).text
        summary = html.split('id="tied-through"')[1].split("</div>")[0]
        raw = next(p for p in re.findall(r"<p><strong>.*?</p>", summary, flags=re.S) if agency in p)
        return raw, " ".join(re.sub(r"<[^>]+>", " ", raw).split())

    raw, ring = paragraph("curated:ring", "Border Protection")
    assert re.search(r'through:</strong>\s+<span class="muted">Held by its partner, AXON ENTERPRISE, INC., not of '
                     r"its family:</span> Prime contracts \(C\);", raw), raw
    assert ring.count("Held by") == 1 and ring.split("not of its family:")[1].count("(C)") >= 2, ring
    raw, palantir = paragraph(PALANTIR, "Immigration and Customs Enforcement")
    own, rest = palantir.split("through:")[1].split("Held by", 1)
    assert "Prime contracts (A)" in own and "(B)" not in own and "(C) Held" not in palantir, palantir
    assert "Held by its subsidiary, PALANTIR USG, INC.: Prime contracts (B)." in palantir
    assert "Held by its partner, AMAZON WEB SERVICES, INC., not of its family:" in palantir
    assert palantir.index("subsidiary") < palantir.index("partner") and "(A)" not in rest, palantir


def test_the_cli_says_whose_tie_a_line_is(built) -> None:
    """The lookup's summary names a partner's tie as a partner's and a subsidiary's as a subsidiary's, as the page's
    drawing tells them apart."""
    printed = " ".join(built.run("lookup", PALANTIR).output.split())
    assert "(the partner's tie: AMAZON WEB SERVICES, INC.)" in printed
    assert "(the subsidiary's tie: PALANTIR USG, INC.)" in printed


def test_a_page_without_a_tie_to_the_agencies_says_its_other_ties_reach_none(client: TestClient, built) -> None:
    """JPMorgan Chase holds one tie in these records, a cited financing claim about the private prison industry,
    which reaches no agency: its page, its one-pager and the CLI's lookup say it has no tie to ICE, CBP or DHS and
    that its other ties reach none of them, rather than "no tie" above a list of ties (or, in the CLI, nothing)."""
    org = client.get("/api/organizations/curated:jpmorgan-chase").json()
    assert org["strongest"] == [] and [t["kind"] for t in org["ties"]] == ["financing"]
    for path in ("/org/curated:jpmorgan-chase", "/org/curated:jpmorgan-chase/onepager"):
        text = re.sub(r"<[^>]+>|\s+", " ", client.get(path, params={"lang": "en"}).text)
        assert "No tie to ICE, CBP or DHS in these records; its other ties in them (Financing) reach none" in text
    geo = re.sub(r"<[^>]+>|\s+", " ", client.get("/org/duns:612706465", params={"lang": "en"}).text)
    assert "No tie to ICE" not in geo
    printed = " ".join(built.run("lookup", "JPMorgan Chase").output.split())
    assert ("No tie to the agencies in focus in these records; its other ties in them (Financing) reach none of "
            "these agencies") in printed
    assert "No tie" not in " ".join(built.run("lookup", "duns:612706465").output.split())


def test_the_spanish_methodology_marks_the_sources_own_english_words_as_english(client: TestClient) -> None:
    """The licences and format names of the sources table are the sources' own English words: on the Spanish page
    each is marked lang="en" (a screen reader reads it with an English voice); on the English page nothing is."""
    es = client.get("/methodology", params={"lang": "es"}).text
    en = client.get("/methodology", params={"lang": "en"}).text  # the cookie back to English, too
    sources = es.split('id="sources"')[1].split("</section>")[0]
    cells = re.findall(r'<td data-label="(?:licencia y origen|formato)">(.*?)</td>', sources, flags=re.S)
    assert len(cells) > 10
    assert all(c.startswith('<span lang="en">') for c in cells if c.strip()), [c for c in cells if "lang" not in c][:3]
    assert 'lang="en"' not in en.split('id="sources"')[1].split("</section>")[0]


def test_a_page_with_a_search_box_of_its_own_shows_no_second_one(client: TestClient) -> None:
    """The home page, the search page and the not-found page have their own big search box; the header's is not
    shown beside it (two boxes, one above the other, asked the reader which to use). Every other page keeps the
    header's."""
    for path in ("/", "/search?q=nothing+called+this", "/search?q=Security", "/org/no-such-organization",
                 f"/org/{PALANTIR}", "/methodology", "/check"):
        html = client.get(path, params={"lang": "en"}, follow_redirects=False).text
        assert html.count('role="search"') == 1, path
    assert 'class="search small"' in client.get(f"/org/{PALANTIR}").text
    assert 'class="search small"' not in client.get("/search", params={"q": "Security"}).text


def test_an_organization_page_lists_its_sections_and_every_entry_leads_to_one(client: TestClient) -> None:
    """"On this page" lists the sections of a long page (Amazon's runs to tens of screens on a phone); every entry
    leads to a section of that page, and a section the page leaves out is not listed. In Spanish too."""
    for org_id in ("duns:884745530", PALANTIR, "curated:jpmorgan-chase"):
        for lang, title in (("en", "On this page"), ("es", "En esta página")):
            html = client.get(f"/org/{org_id}", params={"lang": lang}).text
            contents = html.split('<nav class="contents"')[1].split("</nav>")[0]
            assert title in contents
            targets = re.findall(r'href="#([^"]+)"', contents)
            assert len(targets) >= 9, (org_id, targets)
            for target in targets:
                assert f'<section id="{target}"' in html, (org_id, target)
            for optional in ("family-ties", "through-others"):  # sections a page leaves out when empty
                assert (f'<section id="{optional}"' in html) == (optional in targets), (org_id, optional)
    client.get("/", params={"lang": "en"})  # the language cookie back to English for the tests after


def test_money_through_others_is_said_to_reach_whose_products_are_named(client: TestClient) -> None:
    """Awards to others that name Amazon Web Services' products appear on the page of Ring, its family's brand: that
    section says the products are its family's (Amazon Web Services'), none of Ring's own, and that the money reaches
    its family; it does not say Ring is not the prime contractor "and its share is not public", as if it had one.
    Amazon Web Services' own page keeps the words for a maker of the products."""
    ring = client.get("/api/organizations/curated:ring").json()
    assert ring["through_others"]["awards"] > 0
    for lang, said, not_said in (
            ("en", ("Money that reaches its family through others", "name products of its family (AMAZON WEB "
                    "SERVICES, INC.), none of Ring (Amazon Ring)'s own", "Neither Ring (Amazon Ring) nor AMAZON WEB "
                    "SERVICES, INC. is the prime contractor"), "its share is not public"),
            ("es", ("Dinero que llega a su familia a través de otros", "nombran productos de su familia (AMAZON WEB "
                    "SERVICES, INC.), ninguno propio de Ring (Amazon Ring)"), "su parte no es pública")):
        html = client.get("/org/curated:ring", params={"lang": lang}).text
        section = " ".join(re.sub(r"<[^>]+>", " ", html.split('<section id="through-others">')[1]
                                  .split("</section>")[0]).split())
        assert all(words in section for words in said), section[:500]
        assert not_said not in section
        assert said[0] in html.split('<nav class="contents"')[1].split("</nav>")[0]
    aws = client.get("/org/name:AMAZON WEB SERVICES, INC.", params={"lang": "en"}).text
    section = " ".join(re.sub(r"<[^>]+>", " ", aws.split('<section id="through-others">')[1]).split())
    assert section.startswith("Money that reaches AMAZON WEB SERVICES, INC. through others")
    assert "AMAZON WEB SERVICES, INC. is not the prime contractor and its share is not public" in section


def test_a_missing_organization_is_said_missing_in_the_page_s_language(client: TestClient) -> None:
    """An address of an organization this database does not hold is a 404 page that says so in the page's language
    (the Spanish page said it in English), and that the company may be listed under another name; the API keeps its
    one English line. A missing piece of evidence, a page of changes past the last and an address of no page are
    not a company that may have another name: their pages offer the search alone."""
    another_name = {"en": "The company may be listed under another name or id. Search for it:",
                    "es": "La empresa puede figurar con otro nombre o identificador. Búsquela:"}
    search_alone = {"en": "Search for a company, brand or system:", "es": "Busque una empresa, marca o sistema:"}
    for lang, said in (("en", "No organization with id 'no-such-page' in this database."),
                       ("es", "Ninguna organización con el identificador 'no-such-page' en esta base de datos.")):
        page = client.get("/org/no-such-page", params={"lang": lang})
        assert page.status_code == 404 and said in page.text.replace("&#39;", "'"), lang
        assert "no organization with id" not in page.text
        assert another_name[lang] in page.text and search_alone[lang] not in page.text
        for other, asked in (("/evidence/prime_contract/none", {}), ("/changes", {"agency": "ICE", "page": 999}),
                             ("/no/such/address", {})):
            page = client.get(other, params={**asked, "lang": lang})
            assert page.status_code == 404 and search_alone[lang] in page.text, (other, lang)
            assert another_name[lang] not in page.text, (other, lang)
    api = client.get("/api/organizations/no-such-page")
    assert api.status_code == 404 and api.json()["error"] == "no organization with id 'no-such-page' in this database"
    # a piece of evidence too
    for lang, said in (("en", "No evidence with id 'prime_contract/none' in this database."),
                       ("es", "Ninguna evidencia con el identificador 'prime_contract/none' en esta base de datos.")):
        page = client.get("/evidence/prime_contract/none", params={"lang": lang})
        assert page.status_code == 404 and said in page.text.replace("&#39;", "'"), lang
    api = client.get("/api/evidence/prime_contract/none")
    assert api.status_code == 404 and api.json()["error"] == "no evidence 'prime_contract/none' in this database"


def test_evidence_page_shows_file_hash_and_rows(client: TestClient) -> None:
    ev = client.get(f"/api/organizations/{PALANTIR}/evidence", params={"kind": "prime_contract"}).json()["items"][0]
    html = client.get(f"/evidence/{ev['evidence_id']}").text
    assert ev["sha256"] in html and ev["file_name"] in html
    assert ", ".join(str(r) for r in ev["rows"]) in html
    # the raw row as published: the award's own id column with its value
    assert ('id="raw-row"' in html and "award_id_piid" in html) or "Award ID" in html or "piid" in html
    assert client.get(f"/evidence/prime_contract/{'0' * 64}/1").status_code == 404
    # evidence beyond contracts has a page too: a FedRAMP authorization with its Marketplace link
    fed = client.get(f"/api/organizations/{PALANTIR}/evidence", params={"kind": "offers"}).json()["items"][0]
    page = client.get(f"/evidence/{fed['evidence_id']}")
    assert page.status_code == 200 and "marketplace.fedramp.gov/products/" in page.text


def test_unknown_pages_are_404_pages(client: TestClient) -> None:
    r = client.get("/org/uei:NOPE")
    assert r.status_code == 404 and "uei:NOPE" in r.text and "<html" in r.text
    assert client.get("/agency/NO-SUCH-AGENCY").status_code == 400
    assert client.get(f"/org/{PALANTIR}/evidence", params={"size": 0}).status_code == 422


def test_agency_page_says_what_it_buys(client: TestClient) -> None:
    data = client.get("/api/agencies/CBP").json()
    html = client.get("/agency/7014").text
    assert data["psc"][0]["description"] in html.replace("&amp;", "&")
    assert money(data["total_obligated"]) in html


def test_methodology_has_grades_money_rules_sources_and_corrections(client: TestClient) -> None:
    html = client.get("/methodology").text
    for words in ("federal_action_obligation", "never added", "CC BY 4.0", "public domain", 'id="corrections"',
                  "torn-apart-ice-fy13-18.zip", "grade E", 'id="same-company"', "reasons for each merge"):
        assert words in html, words


def test_check_a_list_by_paste_and_by_upload(client: TestClient) -> None:
    html = client.post("/check", data={"names": "Palantir USG, Inc.\nnobody at all"}).text
    assert "PALANTIR USG, INC." in html and "not found" in html
    assert re.search(r"(U\.S\.|Department)[^<:]*: [^<]*, grade [A-E]", html)
    upload = "vendor,city\nPALANTIR USG INC,Denver\nnobody at all,Nowhere\n"
    got = client.post("/check.csv", files={"file": ("vendors.csv", upload, "text/csv")})
    assert got.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(got.text)))
    assert [r["input"] for r in rows] == ["PALANTIR USG INC", "nobody at all"]
    assert rows[0]["result"] == "found" and rows[0]["id"] == "duns:825284321" and rows[0]["tied"] == "yes"
    assert float(rows[0]["family_obligated"]) > 0 and rows[0]["page"].startswith("http://testserver/org/")
    assert rows[1]["result"] == "not found" and rows[1]["tied"] == ""
    assert client.post("/check", files={"file": ("x.csv", b"\xff\xfe\x00bad", "text/csv")}).status_code == 400


def test_a_list_saved_with_carriage_returns_alone_is_checked(client: TestClient) -> None:
    """A list saved as old Excel for Mac saves CSV (lines ended by CR alone) is uploaded as it is: the names are read
    from it as from another list (the csv module refused it: a new-line character in an unquoted field)."""
    got = client.post("/check.csv", files={"file": ("vendors.csv", b"name\rPALANTIR USG INC\rnobody at all\r",
                                                    "text/csv")})
    assert got.status_code == 200, got.text
    assert [r["input"] for r in csv.DictReader(io.StringIO(got.text))] == ["PALANTIR USG INC", "nobody at all"]


def test_a_list_with_a_cell_too_long_for_a_name_is_refused_not_a_server_error(client: TestClient) -> None:
    """A file that is not a list of names (one cell past the csv module's 131,072 characters) is a 400 that says
    which line, not a 500."""
    upload = "name\nPALANTIR USG INC\n" + "x" * 200_000 + "\n"
    got = client.post("/check", files={"file": ("vendors.csv", upload, "text/csv")})
    assert got.status_code == 400
    assert "line 3: a cell longer than 131,072 characters is not a name" in got.text


def test_html_in_a_name_is_escaped_everywhere(html_db: Path, html_org_id: str) -> None:
    app = create_app(html_db)
    with TestClient(app) as c:
        pages = [c.get(p).text for p in ("/", "/search?q=ACME", f"/org/{html_org_id}", f"/org/{html_org_id}/onepager",
                                          f"/org/{html_org_id}/evidence", "/agency/ICE")]
        api = c.get(f"/api/organizations/{html_org_id}").json()
    app.state.db.close()
    assert api["name"] == HTML_NAME.upper() or "ACME" in api["name"]
    for html in pages:
        assert "<script>window.pwned" not in html.lower() and "<img src=x" not in html.lower()
    assert "&lt;script&gt;window.pwned" in pages[2].lower()


def test_one_pager_cites_its_figures_and_prints_its_url(client: TestClient) -> None:
    html = client.get(f"/org/{PALANTIR}/onepager").text
    org = client.get(f"/api/organizations/{PALANTIR}").json()
    assert money(org["total_obligated"]) in html
    assert f"http://testserver/org/{PALANTIR}" in html
    assert html.count("<sup>[") >= 3 and "fy18.csv" in html   # Palantir's 2018-era rows cite their file
    assert "newest source export" in html
    pdf = client.get(f"/org/{PALANTIR}/onepager.pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_a_leaflets_ties_in_words_are_whole_sentences_that_say_whose_tie_and_which_agency(client: TestClient) -> None:
    """The one-pager's "strongest ties, in words" were cut at 240 characters of HTML: in Spanish the cut fell inside
    a date's markup and dropped the end date and the grade; Palantir's partner path lost the words saying it is
    AWS's tie, not Palantir's, and the agency. Each line is now whole steps, says whose tie it is, and ends on the
    step that names its agency."""
    from html.parser import HTMLParser

    class Tags(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.open: list[str] = []

        def handle_starttag(self, tag: str, attrs: list) -> None:
            self.open.append(tag)

        def handle_endtag(self, tag: str) -> None:
            assert self.open and self.open.pop() == tag, tag

    def lines(url: str) -> list[str]:
        page = client.get(url).text
        client.cookies.clear()
        return re.findall(r"<li>(.*?)</li>", page.split('<ol class="paths">', 1)[1].split("</ol>", 1)[0], re.S)

    geo = lines("/org/duns:612706465/onepager?lang=es")
    assert geo
    for line in geo:
        tags = Tags()
        tags.feed(line)
        assert tags.open == [], line
        text = re.sub(r"<[^>]+>", "", line)
        assert re.search(r"del \d{4}-\d{2}-\d{2} al \d{4}-\d{2}-\d{2} \(grado A\)", text), text
    partner = [re.sub(r"<[^>]+>", "", line) for line in lines(f"/org/{PALANTIR}/onepager")
               if "partner" in line]
    assert partner and all("not PALANTIR TECHNOLOGIES INC.'s own" in t for t in partner)
    agencies = (r"U\.S\. Customs and Border Protection|U\.S\. Immigration and Customs Enforcement|Homeland Security"
                r"|\bDHS\b")
    assert all(re.search(agencies, t) for t in partner), partner


def test_records_joined_by_a_curated_merge_are_one_organization(client: TestClient) -> None:
    # CoreCivic: its DUNS-era record and the name-only record that a curated decision merged into it.
    html = re.sub(r"\s+", " ", client.get("/org/duns:159734151").text)
    assert "CORECIVIC, INC." in html
    registrations = html.split('id="registrations"', 1)[1].split("</p>", 1)[0]
    assert "duns:159734151" in registrations and "name:CORECIVIC, INC." in registrations
    assert "linked by the parents they reported" not in html


def test_family_lists_organizations_once_and_their_records_apart(client: TestClient) -> None:
    # The GEO Group: its DUNS-era record and the name-only record merged into it are one member of the family,
    # listed once; the records are named in the registrations line.
    html = re.sub(r"\s+", " ", client.get("/org/duns:612706465").text)
    listed = html.split('class="members"', 1)[1].split("</ul>")[0]
    members = re.findall(r'<li><a href="/org/([^"]+)">([^<]+)</a>', listed)
    assert [i for i, name in members if name.startswith("THE GEO GROUP")] == ["duns:612706465"]
    assert "name:THE GEO GROUP, INC." in html.split('id="registrations"', 1)[1].split("</p>", 1)[0]


def test_pages_rendered_by_the_build_are_the_pages_a_visit_would_render(built_db: Path, tmp_path: Path) -> None:
    """A visit to /org/{id} sends the page the build rendered: the same bytes, in English and in Spanish, as a
    server with no stored page renders from the same answer, with the server's own address in them."""
    import shutil
    from urllib.parse import quote

    import duckdb

    bare = tmp_path / "no-pages.duckdb"
    shutil.copy(built_db, bare)
    con = duckdb.connect(str(bare))
    ids = [r[0] for r in con.execute("SELECT id FROM organization_pages WHERE lang = 'es' ORDER BY hash(id) "
                                     "LIMIT 25").fetchall()] + [PALANTIR, "duns:612706465", "curated:ring"]
    assert con.execute("SELECT count(DISTINCT lang) FROM organization_pages").fetchone()[0] == 2
    con.execute("DELETE FROM organization_pages")
    con.close()
    stored, rendered = create_app(built_db, public_url="https://example.org/wb"), create_app(
        bare, public_url="https://example.org/wb")
    with TestClient(stored) as a, TestClient(rendered) as b:
        for org_id in ids:
            for headers in ({}, {"Accept-Language": "es"}):
                sent = a.get("/org/" + quote(org_id, safe=":"), headers=headers)
                assert sent.status_code == 200 and "https://example.org/wb/org/" in sent.text
                assert "whosbehind.invalid" not in sent.text
                assert sent.text == b.get("/org/" + quote(org_id, safe=":"), headers=headers).text, (org_id, headers)
    stored.state.db.close()
    rendered.state.db.close()


def test_a_parent_no_row_pays_leads_with_its_family_figure_on_every_face(client: TestClient, built, built_db):
    # A company known only as the parent its children report (General Dynamics Corporation above General Dynamics
    # Information Technology) has no money row of its own: no face shows it "$0.00" in large type as if its family
    # had no contracts; each says it has no record of its own and gives the family's figure.
    parents = [r[0] for r in query(built_db, """
        SELECT g.id FROM graph_nodes g JOIN organizations o ON o.id = g.id
        WHERE g.kind = 'company' AND g.id = g.family_id
          AND g.id NOT IN (SELECT canonical_id FROM organizations WHERE id IN (SELECT recipient_id FROM record_totals))
          AND (SELECT sum(obligated) FROM family_totals f WHERE f.family_id = g.id) > 0
        ORDER BY g.id""")]
    assert len(parents) >= 3
    for org_id in parents[:5]:
        org = client.get(f"/api/organizations/{org_id}").json()
        assert org["totals"] == [] and len(org["family"]["members"]) > 1, org_id
        page = re.sub(r"\s+", " ", client.get(f"/org/{org_id}").text)
        own = page.split('id="no-own-records">', 1)[1].split("</p>", 1)[0]
        assert "pays " in own and 'id="total-obligated">$0.00<' in own, org_id
        # its sources section says no row pays it, rather than a table of no rows
        sources = page.split('<section id="sources">', 1)[1].split("</section>", 1)[0]
        assert "No row of the source files pays this organization itself." in sources and "<table" not in sources
        family = page.split('class="big-figure" id="family-obligated">', 1)[1].split("<", 1)[0]
        assert family == money(org["family"]["obligated"]), org_id
        assert 'class="big-figure" id="total-obligated"' not in page
        spanish = client.get(f"/org/{org_id}?lang=es").text
        assert "Ninguna fila de USAspending" in spanish and "Ninguna fila de los archivos de origen" in spanish, org_id
        onepager = re.sub(r"\s+", " ", client.get(f"/org/{org_id}/onepager?lang=en").text)
        note = onepager.split('id="no-own-records">', 1)[1].split("</p>", 1)[0]
        assert "pays " in note and 'id="total-obligated">$0.00<' in note, org_id
        assert '<strong id="total-obligated">' not in onepager, org_id
        family_box = onepager.split('<strong id="family-obligated">', 1)[1].split("<", 1)[0]
        assert family_box == money(org["family"]["obligated"]), org_id
        # the figure's label says what the figure is, in either language: money obligated to the family
        assert f"Obligated to its family, {escape(org['family']['name'])} (" in onepager, org_id
        leaflet = re.sub(r"\s+", " ", client.get(f"/org/{org_id}/onepager?lang=es").text)
        client.cookies.clear()  # the next organization's page in English again
        assert "Comprometido por ICE, CBP y DHS con su familia, " in leaflet, org_id
        printed = " ".join(built.run("lookup", org_id).output.split())
        assert "pays this organization itself" in printed and "(all records): $0.00" not in printed, org_id
        assert money(org["family"]["obligated"]) in printed, org_id


def test_a_page_of_changes_past_the_last_is_said_missing_in_the_page_s_language(client: TestClient) -> None:
    """Asking for page 999 of ICE's changes is a 404 page that names the last page, in the page's language; the
    English line stays the API's and the log's."""
    last = None
    for lang, said in (("en", r"Page 999: the last page of these changes is (\d+)\."),
                       ("es", r"Página 999: la última página de estos cambios es la (\d+)\.")):
        page = client.get("/changes", params={"agency": "ICE", "page": 999, "lang": lang})
        found = re.search(said, page.text)
        assert page.status_code == 404 and found and "pages of changes" not in page.text, (lang, page.text[-1500:])
        last = last or found.group(1)
        assert found.group(1) == last
    assert client.get("/changes", params={"agency": "ICE", "page": int(last), "lang": "en"}).status_code == 200
