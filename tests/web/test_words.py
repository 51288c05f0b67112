"""What the pages say and in which language: Spanish on request, one way of writing amounts, a 404 that helps,
a correction form that keeps the request, a company's response beside the claim it answers."""

from __future__ import annotations

import re
import sqlite3
from decimal import Decimal

from babel.messages.pofile import read_po

from whosbehind.analysis.organization import KIND_TITLES
from whosbehind.web import i18n
from whosbehind.web.formatting import money, short_money


def test_every_string_of_the_pages_has_its_spanish() -> None:
    from importlib import resources

    po = resources.files("whosbehind.web").joinpath("locales", "es", "LC_MESSAGES", "messages.po")
    with po.open("rb") as f:
        catalog = read_po(f, locale="es")
    empty = [m.id for m in catalog if m.id and not (all(m.string) if isinstance(m.string, tuple) else m.string)]
    assert empty == []
    with i18n.use("es"):
        untranslated = [t for t in KIND_TITLES.values() if i18n.gettext(t) == t]
        assert untranslated == []
        assert i18n.gettext("Search") == "Buscar"


def test_every_string_the_pages_mark_for_translation_is_in_the_spanish_catalog() -> None:
    """What Babel extracts from the templates and the web code (web/locales/babel.cfg) is what the catalog holds: a
    string marked in a template but missing from the catalog would show in English on a Spanish page."""
    from pathlib import Path

    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    repo = Path(__file__).resolve().parents[2]
    with (repo / "src/whosbehind/web/locales/babel.cfg").open(encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f)
    marked = {found[2] for found in extract_from_dir(
        str(repo), method_map, options_map,
        directory_filter=lambda d: Path(d).resolve() == repo or Path(d).resolve().is_relative_to(repo / "src"))}
    with (repo / "src/whosbehind/web/locales/es/LC_MESSAGES/messages.po").open("rb") as f:
        catalog = read_po(f, locale="es")
    # a fuzzy entry is left out of the compiled catalog: it is not a translation
    held = {m.id for m in catalog if m.id and not m.fuzzy
            and (all(m.string) if isinstance(m.string, tuple) else m.string)}
    assert len(marked) > 250  # the templates and the web code were found
    assert sorted(map(str, marked - held)) == []
    # each translation has the placeholders of its English (a missing %(name)s would fail the page as it renders)
    assert [(str(m.id), [str(e) for e in errors]) for m, errors in catalog.check()] == []


def test_language_is_chosen_by_query_then_cookie_then_browser() -> None:
    assert i18n.choose("es", None, None) == "es"
    assert i18n.choose(None, "es", "en-US") == "es"
    assert i18n.choose(None, None, "es-MX,es;q=0.9,en;q=0.5") == "es"
    assert i18n.choose(None, None, "fr-FR,en;q=0.3") == "en"
    assert i18n.choose("xx", None, None) == "en"
    assert i18n.with_lang("/org/duns:1?q=geo", "es") == "/org/duns:1?q=geo&lang=es"
    assert i18n.with_lang("/org/duns:1?lang=es", "en") == "/org/duns:1"


def test_amounts_are_written_one_way() -> None:
    # the minus sign joined to the amount (U+2060, no line break between them)
    assert money(Decimal("-7678.20")) == "−\u2060$7,678.20"
    assert money(Decimal("-3497.06")) == "−\u2060$3,497.06"
    assert short_money(Decimal("41550000")) == "$41.5M" or short_money(Decimal("41550000")) == "$41.6M"
    assert short_money(Decimal("143510000")) == "$143.5M"
    assert short_money(Decimal("-2500000000")) == "−\u2060$2.50B"


def test_spanish_organization_page_is_marked_spanish(client) -> None:
    html = client.get("/org/duns:612706465", params={"lang": "es"}).text
    assert '<html lang="es">' in html
    assert "Vinculada con el Servicio de Inmigración y Control de Aduanas (ICE) mediante:" in html
    assert "Pedir una corrección" in html
    assert client.cookies.get("lang") == "es"   # the choice is kept for the next pages
    spanish_again = client.get("/methodology").text
    client.cookies.clear()                      # (the client is shared by the other page tests)
    assert '<html lang="es">' in spanish_again
    english = client.get("/org/duns:612706465").text
    assert '<html lang="en">' in english and "Tied to U.S. Immigration and Customs Enforcement through:" in english


def _switch_link(html: str, lang: str) -> str:
    return re.search(rf'<a href="([^"]*)" lang="{lang}" hreflang="{lang}"', html)[1].replace("&amp;", "&")


def test_the_language_switch_keeps_what_was_asked_and_leads_back_to_english(client) -> None:
    """A Spanish visitor's choice is kept in a cookie, so a link to the English page must say so; and a search, a
    filter or a page of rows is the same page in the other language (the link once led to the bare path: the
    search lost, /changes?agency=... refused)."""
    try:
        spanish = client.get("/search", params={"q": "geo", "list": "1", "lang": "es"}).text
        assert '<html lang="es">' in spanish and client.cookies.get("lang") == "es"
        back = _switch_link(spanish, "en")
        assert back == "/search?q=geo&list=1&lang=en"
        english = client.get(back)
        assert '<html lang="en">' in english.text and "THE GEO GROUP" in english.text
        assert client.cookies.get("lang") == "en"  # and kept so for the next pages
        changes = client.get("/changes", params={"agency": "7012"})
        assert changes.status_code == 200
        in_spanish = client.get(_switch_link(changes.text, "es"))
        assert in_spanish.status_code == 200 and '<html lang="es">' in in_spanish.text
        # the tip line follows the same choice, its site header and footer too
        tip = client.get("/tip").text
        assert '<html lang="es">' in tip and "Revisar una lista" in tip and "Check a list" not in tip
        assert 'href="/tip?lang=en"' in tip
        assert '<html lang="en">' in client.get("/tip?lang=en").text
    finally:
        client.cookies.clear()


def test_a_records_own_words_on_a_spanish_page_are_marked_english(client) -> None:
    """An award's description, a quote and a claim's summary are shown as published, in English: on a Spanish page
    they are marked so (a screen reader reads them with English sounds, a translator leaves them be)."""
    html = client.get("/org/duns:612706465", params={"lang": "es"}).text
    client.cookies.clear()
    described = re.findall(r'data-label="[^"]*"><span lang="en">([^<]+)</span></td>', html)
    assert described and all(d == d.upper() for d in described)  # USAspending's descriptions, as published
    assert '<span lang="en">' not in client.get("/org/duns:612706465").text  # an English page marks none


def test_where_evidence_comes_from_reads_in_the_pages_language(client) -> None:
    """The sources the build names evidence by are the tool's own words: a Spanish page gives them in Spanish, in
    the why-paths, the ties and the evidence pages; a publication's title stays as published, marked English."""
    english = client.get("/org/duns:612706465").text
    spanish = client.get("/org/duns:612706465", params={"lang": "es"}).text
    client.cookies.clear()
    assert "USAspending transaction list" in english and "lista de transacciones de USAspending" not in english
    assert "lista de transacciones de USAspending" in spanish and "USAspending transaction list" not in spanish
    assert "detention facility list (FOIA)" not in spanish
    titles = re.findall(r'<span lang="en">(Popular Information, [^<]+)</span>', spanish)
    assert titles, "a reporting source's title, as published"


def test_every_source_the_build_names_has_its_spanish(built_db) -> None:
    """Each source name the build writes on evidence (store/sql: 420, 500) is one the pages know as the tool's own
    words (formatting.SOURCE_NAMES) and say in Spanish; only a curated claim's publication is shown as published.
    A source renamed in SQL alone would otherwise read in English on every Spanish page, marked as a title."""
    import duckdb

    from whosbehind.web.formatting import SOURCE_NAMES

    with duckdb.connect(str(built_db), read_only=True) as con:
        named = {r[0] for r in con.execute(
            "SELECT DISTINCT source_name FROM evidence WHERE claim_id IS NULL").fetchall()}
        titles = {r[0] for r in con.execute(
            "SELECT DISTINCT source_name FROM evidence WHERE claim_id IS NOT NULL").fetchall()}
    assert len(named) >= 10 and sorted(named - SOURCE_NAMES) == []
    assert titles and not titles & SOURCE_NAMES
    with i18n.use("es"):
        assert [n for n in named if i18n.gettext(n) == n] == []


def test_the_api_page_reads_in_spanish_and_marks_the_schemas_english(client) -> None:
    """The page that lists the downloads and endpoints is in the page's language; what each endpoint does is the
    OpenAPI schema's own English summary, marked so."""
    spanish = client.get("/api", params={"lang": "es"}).text
    client.cookies.clear()
    assert "API y descargas de datos" in spanish and "API and data downloads" not in spanish
    assert "Puntos de acceso" in spanish and ">organizaciones</a>" in spanish
    assert re.search(r'<td data-label="qué hace" lang="en">Screen a list of vendor names</td>', spanish)
    assert 'lang="en">Screen a list' not in client.get("/api").text


def test_a_name_not_found_shows_no_empty_labels_on_a_phone(client) -> None:
    """A phone shows each checked name as a block of labelled values; a name found nowhere has no organization,
    family, tie or money to show, so those cells are marked empty (hidden on a phone) rather than shown as labels
    with nothing after them."""
    html = client.post("/check", data={"names": "GEO Group\nNothing Such Incorporated Anywhere"}).text
    rows = re.findall(r"<tr><td data-label=\"name as entered\">(.*?)</tr>", html, flags=re.S)
    found, missing = rows
    assert found.startswith("GEO Group") and 'class="empty"' not in found and " empty" not in found
    assert missing.startswith("Nothing Such")
    assert missing.count('class="empty"') == 3 and 'class="num empty"' in missing


def test_a_date_in_a_table_stays_on_one_line(client) -> None:
    html = client.get("/org/duns:612706465/evidence").text
    assert re.search(r'<span class="nowrap">\d{4}-\d{2}-\d{2}</span> to <span class="nowrap">', html)


def test_pages_have_a_favicon_and_no_command_line_wording(client) -> None:
    for path in ("/", "/org/duns:612706465", "/methodology", "/agency/7012", "/check"):
        html = client.get(path).text
        assert 'rel="icon"' in html
        for words in ("whosbehind explain", "whosbehind check", "whosbehind why", "RESULTS.md", "None</td>"):
            assert words not in html, (path, words)
    assert client.get("/static/favicon.svg").status_code == 200
    assert client.get("/favicon.ico", follow_redirects=False).status_code == 301


def test_award_tables_name_the_agency(client) -> None:
    html = client.get("/org/duns:612706465").text
    awards = html.split('id="awards"', 1)[1].split("</section>", 1)[0]
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", awards)   # (a cell may carry its column's label for phones)
    assert "ICE" in cells and "7012" not in cells


def test_a_missing_page_helps(client) -> None:
    r = client.get("/no/such/page")
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert 'action="/search"' in r.text and 'href="/check"' in r.text
    es = client.get("/no/such/page", params={"lang": "es"})
    client.cookies.clear()
    assert es.status_code == 404 and "No hay ninguna página en esta dirección." in es.text
    assert client.get("/api/nothing-here").headers["content-type"].startswith("application/json")


def test_a_correction_request_is_stored_for_the_maintainers(client, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("WHOSBEHIND_CORRECTIONS_DIR", str(tmp_path))
    form = client.get("/corrections", params={"page": "/org/duns:612706465", "company": "1"})
    assert form.status_code == 200 and 'name="evidence"' in form.text and "Responding for a company?" in form.text
    bad = client.post("/corrections", data={"page": "/org/duns:612706465", "what": "", "evidence": ""})
    assert bad.status_code == 422 and 'id="problems"' in bad.text
    assert not (tmp_path / "corrections.sqlite").exists()
    ok = client.post("/corrections", data={"page": "/org/duns:612706465", "what": "The 2021 figure is wrong",
                                           "evidence": "https://www.usaspending.gov/award/X",
                                           "contact": "press@example.org", "company": "true"})
    assert ok.status_code == 200 and 'id="correction-received"' in ok.text
    with sqlite3.connect(tmp_path / "corrections.sqlite") as con:
        rows = con.execute("SELECT page, what, evidence, contact, from_company FROM correction_requests").fetchall()
    assert rows == [("/org/duns:612706465", "The 2021 figure is wrong", "https://www.usaspending.gov/award/X",
                     "press@example.org", 1)]


def test_the_organization_page_says_how_to_respond_and_shows_responses(client) -> None:
    html = client.get("/org/duns:884745530").text   # Amazon: AWS hosting claims carry "did not respond"
    assert 'id="respond"' in html and "/corrections?company=1" in html
    assert "Response of the company:" in html and "did not respond" in html


def test_every_page_a_visitor_sees_renders_in_both_languages(client) -> None:
    paths = ("/", "/search?q=geo&list=1", "/search?q=no+such+thing+anywhere", "/org/duns:612706465",
             "/org/duns:884745530", "/org/duns:612706465/evidence", "/org/duns:612706465/onepager", "/agency/7012",
             "/methodology", "/check", "/corrections", "/api")
    try:
        for lang in ("en", "es"):
            for path in paths:
                r = client.get(path + ("&" if "?" in path else "?") + "lang=" + lang)
                assert r.status_code == 200, (lang, path)
                assert f'<html lang="{lang}"' in r.text, (lang, path)
        spanish = client.post("/check?lang=es", data={"names": "Palantir USG, Inc.\nnadie en absoluto"}).text
        # each result in Spanish, in the cell labelled with its column's Spanish name
        found = re.findall(r'<td data-label="([^"]*)">((?:no )?encontrada)</td>', spanish)
        assert sorted(found) == [("resultado", "encontrada"), ("resultado", "no encontrada")], found
    finally:
        client.cookies.clear()


def test_a_ties_status_reads_in_the_pages_language_and_a_sources_own_status_as_published() -> None:
    from whosbehind.web.formatting import grade_label, status_label

    with i18n.use("es"):
        latest = "no figura en la instantánea más reciente"
        assert status_label("current; not in the latest snapshot") == f"vigente; {latest}"
        assert status_label("ended 2017-01-01") == "terminado el 2017-01-01"
        assert status_label("as of 2023-10-10") == "a fecha de 2023-10-10"
        assert status_label("FedRAMP Authorized") == "FedRAMP Authorized"  # the Marketplace's own term
        # "reported" as a claim's status is not the grade C label, which says who reported it
        assert status_label("reported") == "publicado" and grade_label("C") == "grado C: publicado por la prensa"
    with i18n.use("en"):
        assert status_label("current; ended 2017-01-01") == "current; ended 2017-01-01"
        assert status_label("reported") == "reported"



def test_a_leaflets_why_line_cites_in_the_pages_language_a_step_that_names_no_record(client, monkeypatch) -> None:
    """A step whose tie has no evidence of its own (a sub-agency's place in DHS) cites 'the records named in its
    evidence': on a Spanish leaflet, in Spanish. The leaflet of an organization of the sample, its steps made to
    cite nothing."""
    import copy

    from whosbehind.web import pages

    real = pages._org

    def citing_nothing(request, org_id):
        org = copy.deepcopy(real(request, org_id))
        for group in org["why"]["by_agency"]:
            for path in group["paths"]:
                for step in path["steps"]:
                    step["cited"] = ""
        return org

    monkeypatch.setattr(pages, "_org", citing_nothing)
    try:
        spanish = client.get("/org/duns:612706465/onepager?lang=es").text
        english = client.get("/org/duns:612706465/onepager?lang=en").text
    finally:
        client.cookies.clear()
    assert "los registros citados en su evidencia" in spanish and "the records named in its evidence" not in spanish
    assert "the records named in its evidence" in english


def test_what_changed_asked_for_nothing_in_particular_shows_the_first_agency_in_focus(client) -> None:
    """/changes with no organization, agency or watchlist answered 400 with an English line on a Spanish page;
    it leads to the changes of the first agency in focus, in the language asked for."""
    got = client.get("/changes", params={"lang": "es"}, follow_redirects=False)
    assert got.status_code == 303 and got.headers["location"] == "/changes?agency=ICE&lang=es"
    page = client.get("/changes", params={"lang": "es"})
    client.cookies.clear()
    assert page.status_code == 200 and '<html lang="es">' in page.text and "give one of" not in page.text


def test_a_family_link_says_its_source_in_the_pages_language(client) -> None:
    """The family list named each link's source by its code ("usaspending", "curated") on every page; a Spanish
    page says it in Spanish, and the link's citation (a record's locator, a document's title) is marked English."""
    spanish = client.get("/org/duns:612706465", params={"lang": "es"}).text
    client.cookies.clear()
    english = client.get("/org/duns:612706465").text
    members = spanish.split('class="members"', 1)[1].split("</ul>", 1)[0]
    assert not re.search(r"; (?:usaspending|curated|gleif|inferred)\b", members)
    assert "matriz declarada (USAspending)" in members or "propiedad documentada" in members
    assert re.search(r'<span class="cite"><span lang="en">', members)
    listed = english.split('class="members"', 1)[1].split("</ul>", 1)[0]
    assert "reported parent (USAspending)" in listed or "curated ownership" in listed


def test_a_spanish_sentence_names_an_agency_with_its_article(client) -> None:
    """ "muestran que Servicio de Inmigración… comprometió", "Vinculada a Departamento…", "la lista de centros de
    detención de Servicio…": a Spanish sentence names the agencies in focus with their article, on the page and the
    one-pager."""
    for url in ("/org/duns:612706465/onepager", "/org/duns:612706465"):
        text = re.sub(r"<[^>]+>", "", client.get(url, params={"lang": "es"}).text)
        client.cookies.clear()
        assert "que el Servicio de Inmigración y Control de Aduanas (ICE) comprometió" in text, url
        assert "Vinculada con el Servicio de Inmigración y Control de Aduanas (ICE) mediante" in text, url
        assert not re.search(r"\b(?:que|a|de) (?:Servicio|Oficina|Departamento) de", text), url
    assert "la lista de centros de detención que publica el Servicio de Inmigración" in text  # the page's why-paths
    # a FedRAMP authorization by DHS, a component part of DHS (Amazon's paths)
    text = re.sub(r"<[^>]+>", "", client.get("/org/duns:884745530", params={"lang": "es"}).text)
    client.cookies.clear()
    assert "indica que el Departamento de Seguridad Nacional (DHS) autorizó" in text
    assert not re.search(r"\b(?:que|a|de) (?:Servicio|Oficina|Departamento) de", text)


def test_counts_carry_separators_and_a_single_year_is_written_once(client) -> None:
    """ "2594 families" beside "$3,126,750,309.43", and "2026–2026" for a family paid in one year: every count is
    written with separators, a span of one year as that year."""
    for url in ("/", "/agency/7012"):
        text = re.sub(r"<[^>]+>", "", client.get(url).text)
        counts = re.findall(r"to ([\d,]+) families of organizations", text)
        assert counts and all(int(c.replace(",", "")) < 1000 or "," in c for c in counts), (url, counts)
        assert not [y for y in re.findall(r"\b(\d{4})–(\d{4})\b", text) if y[0] == y[1]], url
    # a registration paid in one fiscal year, in the records line of its organization's page (Johns Hopkins)
    page = re.sub(r"<[^>]+>", "", client.get("/org/duns:001910777").text)
    assert re.search(r"FY\d{4}[);]", page) and not re.search(r"FY(\d{4})–\1\b", page)


def test_a_claims_caveat_and_an_evidence_note_are_marked_as_english_on_a_spanish_page(client) -> None:
    """A curated claim's caveat and an evidence item's note are written in English: on a Spanish page each is marked
    lang="en" (read with an English voice), as the claim's own summary is; an English page marks neither."""
    spanish = client.get("/org/curated:rekognition", params={"lang": "es"}).text
    english = client.get("/org/curated:rekognition", params={"lang": "en"}).text
    caveats = re.findall(r"Salvedad: (<span lang=\"en\">)?", spanish)
    assert caveats and all(caveats), caveats
    assert "Caveat: " in english and '<span lang="en">' not in english
    item = "/evidence/hosting/18505bb46b38659a3a5c700b906205af-1"
    spanish, english = client.get(item, params={"lang": "es"}).text, client.get(item, params={"lang": "en"}).text
    assert re.search(r'<dd><span lang="en">The source says only', spanish), spanish.split("<dl")[1][:1500]
    assert "<dd>The source says only" in english


def test_a_claim_its_source_does_not_establish_is_not_introduced_as_reported(client) -> None:
    """In the list of ties, a grade-D claim whose source does not establish it (whether ICE used Amazon Rekognition)
    opens with "Not established:", as the why section says it, not with "Reported:" (in Spanish "Publicado:") and a
    contradiction after it."""
    for lang, said, not_said in (("en", "<strong>Not established:</strong> Whether ICE", "Reported: Whether ICE"),
                                 ("es", "<strong>No demostrado:</strong> <span lang=\"en\">Whether ICE",
                                  "Publicado: <span lang=\"en\">Whether ICE")):
        ties = client.get("/org/curated:rekognition", params={"lang": lang}).text.split('id="ties-system_use"')[1]
        ties = ties.split("</ul>", 1)[0]
        assert said in ties and not_said not in ties, (lang, ties)
