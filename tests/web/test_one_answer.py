"""One company, one answer: whatever a person types, every face gives the same organization, family and figures.

The queries are names a person types, taken from the bundled records and the seed articles: full legal names,
short names, brands, systems, identifiers and spellings other than the records'. For each, the CLI (`lookup`,
`match`, `why`, `match --file`), the web (search, the organization page and its one-pager, check a list) and the
API (`/api/lookup`, `/api/organizations/{id}`, `/api/check`, reconciliation) must agree.
"""

from __future__ import annotations

import csv
import html
import json
import re
import zlib
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from samples import Cli, query
from whosbehind.model import GRADE_RANK, NOT_OFFICIAL, SAID_AS_REPORTED
from whosbehind.resolve import families
from whosbehind.web import i18n, templating
from whosbehind.web.formatting import money, org_path

QUERIES = [
    # full legal names as the records write them
    "THE GEO GROUP, INC.", "CORECIVIC, INC.", "PALANTIR TECHNOLOGIES INC.", "PALANTIR USG, INC.",
    "AMAZON WEB SERVICES, INC.", "AMAZON.COM LLC", "MICROSOFT CORPORATION", "WEST PUBLISHING CORPORATION",
    "CACI, INC. - FEDERAL", "SCIENCE APPLICATIONS INTERNATIONAL CORPORATION", "MOTOROLA SOLUTIONS, INC.",
    "DELOITTE CONSULTING LLP", "AKIMA INFRASTRUCTURE PROTECTION LLC", "CLASSIC AIR CHARTER INC.",
    # the same names written otherwise
    "geo group inc", "The GEO Group", "Corecivic Inc", "palantir technologies", "Geo Group, Inc., The",
    # short names people type
    "GEO Group", "CoreCivic", "Palantir", "Amazon", "AWS", "Microsoft", "Motorola", "Deloitte", "AT&T",
    "General Dynamics", "Cellebrite", "Dell", "CACI", "LexisNexis",
    # a company's short name that reads as a person's (its founder's), the parent in the curated ownership list
    "Peter Kiewit",
    # brands, banks and systems from the seed articles
    "Whole Foods", "Ring", "Citizens Bank", "Flock Safety", "ICM", "HART", "ImmigrationOS", "Amazon Rekognition",
    "B.I. Incorporated", "Palantir USG", "West Publishing",
    # named products; a FedRAMP provider known by a short name ("Verizon") and a record of its family
    "Microsoft Azure", "Palantir Gotham", "Verizon", "VERIZON FEDERAL INC.",
    # one common word, which a few names here begin with: a county jail of the ICE facility list, small vendors
    "Chase", "Apollo", "Liberty",
    # a word of twelve letters, the length of a UEI ("CORRECTIONAL" has an O and an I, which no UEI holds)
    "Correctional",
    # a common word (by word counts, which include brands) that begins a curated company's name
    "Lockheed",
    # identifiers
    "duns:612706465", "612706465", "name:THE GEO GROUP, INC.",
    # a brand or name typed with its words run together or apart otherwise than the records write them
    "Lexis Nexis", "Motorolasolutions", "Boozallen",
]


@pytest.fixture(scope="module")
def answers(client: TestClient) -> dict[str, dict]:
    out = {}
    for q in QUERIES:
        r = client.get("/api/lookup", params={"q": q})
        assert r.status_code == 200, (q, r.text)
        out[q] = r.json()
    return out


def _family_id(a: dict) -> str | None:
    return a["family"]["id"] if a.get("family") else None


def test_the_answers_people_expect(answers: dict[str, dict]) -> None:
    found = [q for q, a in answers.items() if a["status"] == "found"]
    assert len(found) >= 30
    same = {"duns:612706465": ("THE GEO GROUP, INC.", "geo group inc", "The GEO Group", "GEO Group",
                               "Geo Group, Inc., The", "duns:612706465", "612706465", "name:THE GEO GROUP, INC."),
            "duns:159734151": ("CORECIVIC, INC.", "Corecivic Inc", "CoreCivic"),
            "duns:884745530": ("Amazon",)}
    for org_id, queries in same.items():
        assert {answers[q]["id"] for q in queries} == {org_id}, org_id
    # a brand reaches its owner's family; a short name never a company that merely contains its letters
    assert _family_id(answers["Whole Foods"]) == _family_id(answers["Ring"]) == "duns:884745530"
    assert _family_id(answers["AWS"]) == "duns:884745530" and "DAWSON" not in answers["AWS"]["name"]
    assert answers["Ring"]["id"] == "curated:ring"
    # the FedRAMP Marketplace's provider "Verizon" (with a UEI no record carries) is the Verizon family's
    assert _family_id(answers["Verizon"]) == _family_id(answers["VERIZON FEDERAL INC."]) != "fedramp-csp:VERIZON"
    for q in ("Dell", "CACI", "LexisNexis"):  # a list, each with what tells it apart, or one family's answer
        a = answers[q]
        assert a["status"] == "found" or (a["candidates"] and all("family" in c and "identifiers" in c
                                                                   for c in a["candidates"]))


def test_a_named_product_finds_its_maker(client: TestClient, answers: dict[str, dict]) -> None:
    for product, maker in (("Microsoft Azure", "Microsoft"), ("Palantir Gotham", "Palantir")):
        a = answers[product]
        assert a["status"] == "found" and a["basis"] == "product", product
        assert _family_id(a) == _family_id(answers[maker]) and product in a["reason"], product
    # a product the curated list does not hold: not found, but not taken for a person's name either (the
    # parser reads two capitalized words as one; "Palantir" is no first name and begins a company's name)
    r = client.get("/api/lookup", params={"q": "Palantir Foundry"})
    assert r.status_code == 404 and "no organization" in r.json()["error"] and "person" not in r.json()["error"]
    assert "person" in client.get("/api/lookup", params={"q": "Maria Garcia"}).json()["error"]


def test_a_short_name_like_a_persons_that_begins_a_curated_company_is_looked_up(
        client: TestClient, built: Cli, answers: dict[str, dict]) -> None:
    """"Peter Kiewit" reads as a person's name, but it begins the name of a company the curated ownership list
    holds (the parent of a CBP contractor): it is that company. A person's name no curated name begins with is
    still withheld, even when a name of the records begins with it (JOE CORLEY DETENTION FACILITY)."""
    a = answers["Peter Kiewit"]
    assert a["status"] == "found" and a["name"].startswith("PETER KIEWIT SONS"), a
    assert query(built.db, "SELECT count(*) FROM graph_nodes WHERE name LIKE 'JOE CORLEY %'")[0][0]
    for person in ("John Smith", "Maria Garcia", "Joe Corley"):
        r = client.get("/api/lookup", params={"q": person})
        assert r.status_code == 404 and "person" in r.json()["error"], (person, r.text)


def test_a_fund_s_holdings_named_like_persons_are_looked_up_as_companies(client: TestClient, built: Cli,
                                                                         tmp_path: Path) -> None:
    """A pension fund screens its holdings: "Goldman Sachs", "Charles Schwab" and "Johnson & Johnson" read as
    persons' names to the name parser, but they are listed companies. They are looked up (here: not found, as
    no record pays them), never answered as a private person's name; "JP Morgan" is JPMorgan Chase, the bank the
    curated claims hold. On every face: lookup, check a list on the API and the CLI. A person's name is still
    refused on each."""
    holdings = ["Goldman Sachs", "Morgan Stanley", "Charles Schwab", "Johnson & Johnson", "Eli Lilly", "JP Morgan"]
    persons = ["John Smith", "Maria Garcia"]
    for name in holdings:
        r = client.get("/api/lookup", params={"q": name})
        assert "person" not in r.text, (name, r.text)
        assert (r.status_code, "no organization" in r.text) in ((404, True), (200, False)), (name, r.text)
    jpm = client.get("/api/lookup", params={"q": "JP Morgan"}).json()
    assert jpm["status"] == "found" and jpm["id"] == "curated:jpmorgan-chase", jpm
    rows = client.post("/api/check", json=holdings + persons).json()["items"]
    src = tmp_path / "holdings.csv"
    src.write_text("name\n" + "\n".join(f'"{n}"' for n in holdings + persons) + "\n", encoding="utf-8")
    cli = json.loads(built.run("match", "--file", str(src), "--json").output)["items"]
    for face in (rows, cli):
        said = {row["input"]: (row["result"], "person" in row["note"]) for row in face}
        assert said["JP Morgan"] == ("found", False), said
        assert all(said[n] == ("not found", False) for n in holdings[:-1]), said
        assert all(said[n] == ("not found", True) for n in persons), said
    for person in persons:
        assert "person" in client.get("/api/lookup", params={"q": person}).json()["error"], person


def test_one_common_word_names_no_company(client: TestClient, answers: dict[str, dict]) -> None:
    """A council's list says "Chase" for JPMorgan Chase: the one name here that begins with the word, a county
    jail, must not answer it (with a tie to ICE), nor a small vendor answer "Apollo" or "Liberty"."""
    for q in ("Chase", "Apollo", "Liberty"):
        a = answers[q]
        assert a["status"] == "list" and a["candidates"] and a["basis"] == "common word", q
        assert "common word" in a["reason"], q
    # the search page says so in the visitor's language (English last: the choice stays in the client's cookie)
    for lang, words, title in (("es", "es una palabra común", "Búsqueda: Chase"), ("en", "is a common word",
                                                                                "Search: Chase")):
        page = client.get("/search", params={"q": "Chase", "lang": lang}).text
        assert f"<title>{title} ·" in page, lang
        answer = re.search(r'<p id="answer">(.*?)</p>', page, re.S).group(1)
        assert words in answer and "several" not in answer and "varias" not in answer, lang
    assert any("CHASE COUNTY" in c["name"] for c in answers["Chase"]["candidates"])
    # a common word too, but the curated ownership list holds Lockheed Martin: the word is its short name here
    assert answers["Lockheed"]["status"] == "found" and answers["Lockheed"]["name"].startswith("LOCKHEED MARTIN")


def test_a_name_typed_with_its_words_run_together_or_apart_is_found(client: TestClient, built: Cli) -> None:
    """People type a brand with or without its space: "Lexis Nexis" is LexisNexis (RELX's brand; its special services
    company is paid by ICE), "Motorolasolutions" MOTOROLA SOLUTIONS, INC., "Boozallen" Booz Allen: the organization
    the name spelled as the records spell it gives, on the API and the CLI, saying the text was spaced otherwise."""
    for typed, stored in (("Lexis Nexis", "LexisNexis"), ("Motorolasolutions", "MOTOROLA SOLUTIONS, INC."),
                          ("Boozallen", "Booz Allen")):
        a, b = (client.get("/api/lookup", params={"q": q}).json() for q in (typed, stored))
        assert a.get("status") == b.get("status") == "found", (typed, a)  # not found: 404 with an error
        assert (a["id"], _family_id(a), a["basis"]) == (b["id"], _family_id(b), b["basis"]), typed
        assert "spaced as the records space them" in a["reason"], typed
        cli = built.json("lookup", typed)
        assert (cli["status"], cli["id"], _family_id(cli)) == ("found", a["id"], _family_id(a)), typed
    lexis = client.get("/api/lookup", params={"q": "Lexis Nexis"}).json()
    assert (lexis["name"], _family_id(lexis)) == ("LEXISNEXIS SPECIAL SERVICES INC", "name:RELX PLC")
    assert client.post("/api/check", json=["Lexis Nexis"]).json()["items"][0]["tied"] == "yes"
    # Never read so: a text a name holds as typed ("Neo Tech" may be short for NEO TECHNOLOGIES, INC., not NEOTECH
    # ENGINEERED PRODUCTS), a common word run together ("Tabletop": TABLE TOP TELEPHONE CO INC), words that read as
    # a person's once spaced ("Joecorley": JOE CORLEY DETENTION FACILITY, on ICE's list)
    for typed, never in (("Neo Tech", "NEOTECH"), ("Tabletop", "TABLE TOP"), ("Joecorley", "JOE CORLEY")):
        assert query(built.db, "SELECT count(*) FROM lookup_names WHERE name LIKE ?", never + "%")[0][0], never
        a = client.get("/api/lookup", params={"q": typed})
        assert never not in a.text and "spaced as the records" not in a.text, (typed, a.text)


def test_a_word_of_twelve_letters_is_a_name_not_an_identifier(client: TestClient, answers: dict[str, dict]) -> None:
    a = answers["Correctional"]
    assert a["status"] == "list" and a["basis"] == "common word" and "identifier" not in a["reason"]
    assert all("CORRECTIONAL" in c["name"].upper() for c in a["candidates"])
    # twelve letters in SAM's format, but no digit: a word too
    r = client.get("/api/lookup", params={"q": "Transparency"})
    assert "identifier" not in r.text and "TRANSPARENCY" not in r.text, r.text


# How the lookup reads a text, one query of the bundled data for each kind of answer the search page words, with
# what the page says of it in Spanish and in English.
READ_AS = {"Geo": ("short name", "Los nombres que empiezan por «Geo» pertenecen a",
                   "Names beginning with “Geo” belong"),
           "Tech": ("names containing the text", "se llama «Tech». Estos nombres contienen el texto",
                    "is called “Tech”. These names contain the text"),
           "AINS": ("exact name", "«AINS» corresponde a organizaciones de", "“AINS” fits organizations of"),
           "Smith": ("common word", "«Smith» es una palabra común", "“Smith” is a common word"),
           "Deloitte": ("exact name", "«Deloitte» es", "“Deloitte” is")}


def test_the_search_page_says_how_it_read_the_text_in_the_visitors_language(client: TestClient) -> None:
    """Why a name gives a list, and how an answer was found, in Spanish on a Spanish page: not the lookup's
    English reason, nor its English words in the table; a list of one name is not called several."""
    from whosbehind.web import formatting, i18n

    with i18n.use("es"):
        spanish = {basis: i18n.gettext(words) for basis, words in formatting.BASIS_WORDS.items()}
    for lang in ("es", "en"):  # English last: the choice stays in the client's cookie
        for q, (basis, spanish_words, english_words) in READ_AS.items():
            a = client.get("/api/lookup", params={"q": q}).json()
            assert a["basis"] == basis, q
            page = client.get("/search", params={"q": q, "list": "1", "lang": lang}).text
            said = html.unescape(" ".join(re.search(r'<p id="answer">(.*?)</p>', page, re.S).group(1).split()))
            assert (spanish_words if lang == "es" else english_words) in re.sub(r"<[^>]+>", "", said), (q, said)
            how = re.findall(r'<td data-label="(?:how it was found|cómo se encontró)">([^<]*)</td>', page)
            assert how, q
            # every row, a name that merely contains the text too, with its family
            families = re.findall(r'<td data-label="(?:family|familia)">(.*?)</td>', page)
            assert len(families) == len(how) and all("/org/" in f for f in families), (q, families)
            if a["status"] == "found":
                assert (f"encontrada por {spanish[basis]}" if lang == "es" else f"found by {basis}") in said, q
            else:
                assert a["reason"] not in said, q
                if basis in ("short name", "exact name"):  # how many families the name reaches, not only those shown
                    assert f" {a['families']} " in said and a["families"] >= len({c["family"]["id"]
                                                                                 for c in a["candidates"]}), q
                one = len(a["candidates"]) == 1
                assert one == (q == "Smith") and not (one and re.search(r"several|varias|[Tt]hese|Estos", said)), q
            if lang == "es":
                assert set(how) <= set(spanish.values()) and not set(how) & {"candidate", "name contains the text",
                                                                              basis}, (q, how)


def test_a_cloud_provider_named_without_its_legal_form_is_the_company(client: TestClient, built: Cli,
                                                                      answers: dict[str, dict]) -> None:
    """The FedRAMP Marketplace writes "Cellebrite" and "Booz Allen Hamilton", with UEIs the award records do not
    carry. By resolution's name rules each is the company of the records: its cloud products are in the company's
    answer on every face, and its short name gives one answer, not the company and the provider as two families.
    "Thomson Reuters" stays a node of its own: names of two families here carry its words."""
    canonical = dict(query(built.db, "SELECT node_id, canonical_id FROM node_canonical "
                                     "WHERE node_id LIKE 'fedramp-csp:%'"))
    cellebrite = answers["Cellebrite"]
    assert canonical["fedramp-csp:CELLEBRITE"] == cellebrite["id"]
    products = {r[0] for r in query(built.db, "SELECT DISTINCT node_id FROM fedramp_products "
                                              "WHERE provider_id = 'fedramp-csp:CELLEBRITE'")}
    assert products
    api = client.get(f"/api/organizations/{cellebrite['id']}").json()
    assert products <= {p["id"] for p in api["fedramp"]}
    assert products <= {p["id"] for p in built.json("lookup", "Cellebrite")["fedramp"]}
    page = client.get(org_path(cellebrite["id"])).text
    assert all(p in page for p in products)
    booz = client.get("/api/lookup", params={"q": "Booz Allen"}).json()
    assert booz["status"] == "found" and booz["name"].startswith("BOOZ ALLEN HAMILTON"), booz
    assert canonical["fedramp-csp:BOOZ ALLEN HAMILTON"] in {booz["id"], _family_id(booz)} | {
        r[0] for r in query(built.db, "SELECT id FROM organizations WHERE family_id = ?", _family_id(booz))}
    assert canonical["fedramp-csp:THOMSON REUTERS"] == "fedramp-csp:THOMSON REUTERS"
    # A name of common words alone may be any small vendor's ("Island", "Elastic" and "Knowledge Services" are
    # providers of the bundled snapshots): matched by name only to a family curated ownership holds.
    from whosbehind.resolve.providers import distinctive

    assert not any(distinctive(n) for n in ("Island", "Elastic", "Knowledge Services", "Economic Systems"))
    assert all(distinctive(n) for n in ("Cellebrite", "Booz Allen Hamilton", "22nd Century Technologies Inc."))
    by_name = query(built.db, """
        WITH curated AS (SELECT org_id AS id FROM curated_organizations
                         UNION SELECT child_id FROM curated_links UNION SELECT parent_id FROM curated_links)
        SELECT DISTINCT e.name, o.id IN (FROM curated) OR o.family_id IN (FROM curated)
        FROM node_matches m JOIN evidence_nodes e ON e.id = m.node_id JOIN organizations o ON o.id = m.org_id
        WHERE m.rank = 3""")
    assert by_name and all(distinctive(name) or curated for name, curated in by_name)
    assert {"Island", "Elastic", "Knowledge Services"} <= {r[0] for r in query(
        built.db, "SELECT name FROM evidence_nodes WHERE kind = 'cloud_provider'")}


def test_cli_lookup_match_and_why_agree_with_the_api(built: Cli, answers: dict[str, dict]) -> None:
    for q, a in answers.items():
        lookup = built.json("lookup", q)
        assert (lookup["status"], lookup.get("id"), _family_id(lookup)) == (a["status"], a.get("id"),
                                                                           _family_id(a)), q
        match = built.json("match", q)
        assert (match["status"], match["id"], _family_id(match)) == (a["status"], a.get("id"), _family_id(a)), q
        if a["status"] == "found":
            # the whole answer, its lists too (the CLI once listed 10 subcontracts where the API lists 20)
            assert lookup == a, q
            why = built.json("why", q)
            assert why["matched"][0]["id"] == a["id"] and _family_id(why) == _family_id(a), q
        else:
            assert [c["id"] for c in lookup["candidates"]] == [c["id"] for c in a["candidates"]], q


def test_web_pages_show_the_same_organization_and_headline(client: TestClient, answers: dict[str, dict]) -> None:
    for q, a in answers.items():
        page = client.get("/search", params={"q": q}, follow_redirects=True)
        assert page.status_code == 200, q
        if a["status"] != "found":
            assert 'id="answer"' in page.text, q
            continue
        assert page.url.path.startswith("/org/"), q
        org = client.get(f"/api/organizations/{a['id']}").json()
        assert (org["id"], _family_id(org), org["obligated"]) == (a["id"], _family_id(a), a["obligated"]), q
        headline = re.search(r'id="total-obligated">([^<]+)<', page.text).group(1)
        assert headline == money(Decimal(str(a["obligated"]))), q
        onepager = client.get(f"/org/{a['id']}/onepager").text
        assert money(Decimal(str(a["obligated"]))) in onepager, q


def test_screening_and_reconciliation_give_the_same_answers(client: TestClient, built: Cli, tmp_path: Path,
                                                            answers: dict[str, dict]) -> None:
    rows = client.post("/api/check", json=QUERIES).json()["items"]
    src = tmp_path / "names.csv"
    with src.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name"])
        writer.writerows([q] for q in QUERIES)
    out = tmp_path / "screened.csv"
    assert built.run("match", "--file", str(src), "-o", str(out)).exit_code == 0
    cli_rows = list(csv.DictReader(out.open(encoding="utf-8")))
    batch = {f"q{i}": {"query": q} for i, q in enumerate(QUERIES)}
    reconciled = client.get("/api/reconcile", params={"queries": json.dumps(batch)}).json()
    for i, q in enumerate(QUERIES):
        a = answers[q]
        expected_id = a["id"] if a["status"] == "found" else ""
        assert rows[i]["id"] == cli_rows[i]["id"] == expected_id, q
        assert rows[i]["family_id"] == cli_rows[i]["family_id"] == (_family_id(a) if expected_id else ""), q
        matched = [r["id"] for r in reconciled[f"q{i}"]["result"] if r["match"]]
        assert matched == ([expected_id] if expected_id else []), q
        if expected_id:
            assert rows[i]["obligated"] == a["obligated"], q
            assert Decimal(cli_rows[i]["family_obligated"]) == Decimal(str(a["family"]["obligated"])), q
            assert rows[i]["tied"] == ("yes" if rows[i]["strongest_kind"] else "no"), q
            # the strongest tie is the page's first line ("Tied to ... through"): a brand or subsidiary's is as
            # strong as its own link to the family, not its parent's best
            lead = a["strongest"][0] if a["strongest"] else {"kind": "", "grade": "", "agency_name": ""}
            # ... and whose tie it is: Ring's is its partner Axon's, which the list says (not Ring's own)
            whose = (lead.get("relation", ""), "" if lead.get("own", True) else lead["tie_of_name"])
            for screened in (rows[i], cli_rows[i]):
                assert (screened["strongest_kind"], screened["strongest_grade"], screened["strongest_agency"],
                        screened["strongest_relation"], screened["strongest_tie_of"]) == (
                    lead["kind"], lead["grade"], lead["agency_name"], *whose), q
    # Ring's strongest line is its partner Axon's own tie to CBP (prime contracts), not "Axon's partnership"
    ring = rows[QUERIES.index("Ring")]
    assert (ring["strongest_kind"], ring["strongest_relation"], ring["strongest_tie_of"]) == (
        "prime_contract", "partner's", "AXON ENTERPRISE, INC.")
    page = client.post("/check", data={"names": "Ring\nPalantir"}, params={"lang": "en"}).text
    assert ("U.S. Customs and Border Protection: Prime contracts, grade C; held by its partner, "
            "AXON ENTERPRISE, INC., not of its family") in page
    # in Spanish too, with no brackets inside brackets (the agency's name holds its own), and the column of money
    # names the agencies as a sentence would
    page = html.unescape(client.post("/check", data={"names": "Ring\nPalantir"}, params={"lang": "es"}).text)
    assert ("Oficina de Aduanas y Protección Fronteriza (CBP): Contratos directos, grado C; de su socio, "
            "AXON ENTERPRISE, INC., que no es de su familia") in page
    assert not re.search(r"\([^()<>]*\([^()<>]*\)\)", page.split('id="screening"', 1)[1].split("</table>", 1)[0])
    assert "comprometido por ICE, CBP y DHS con la familia" in page


def test_a_ranking_and_the_page_it_links_to_show_the_same_figure(client: TestClient) -> None:
    for agency in ("ICE", "CBP"):
        for item in client.get("/api/top", params={"agency": agency, "limit": 10}).json()["items"]:
            org = client.get(f"/api/organizations/{item['id']}").json()
            assert org["id"] == item["id"] and org["family"]["id"] == item["id"]
            code = {"ICE": "7012", "CBP": "7014"}[agency]
            shown = next(r for r in org["family"]["by_agency"] if r["agency_code"] == code)
            assert shown["obligated"] == item["obligated"], (agency, item["name"])


def _linked_money(built: Cli, code: str) -> dict[str, dict[str, Decimal]]:
    """Per family and per grade of no official record, what the agency paid members whose weakest step up to the
    family head has that grade: each path walked link by link here, in Python."""
    grade: dict[tuple[str, str], str] = {}
    for child, parent, g in query(built.db, "SELECT child_id, parent_id, grade FROM current_parents"):
        grade[(child, parent)] = min(g, grade.get((child, parent), g), key=GRADE_RANK.__getitem__)
    paid: dict[str, dict[str, Decimal]] = {}
    for _org, family, path, amount in query(built.db, """
            SELECT f.org_id, f.family_id, f.path, sum(t.obligated) FROM families f
            JOIN organization_totals t ON t.organization_id = f.org_id
            WHERE t.toptier_code = ? OR t.sub_agency_code = ? GROUP BY ALL""", code, code):
        weakest = max((grade[step] for step in pairwise(path)), key=GRADE_RANK.__getitem__, default=None)
        if weakest in NOT_OFFICIAL:
            by_grade = paid.setdefault(family, {})
            by_grade[weakest] = by_grade.get(weakest, Decimal(0)) + amount
    return {f: {g: a for g, a in by_grade.items() if a} for f, by_grade in paid.items()}


def test_a_ranking_says_what_a_family_holds_only_by_a_reported_link(client: TestClient, built: Cli) -> None:
    """Kiewit's CBP money is its subsidiary's, which the curated list links to it from reporting (grade C): the
    ranking counts it, and every face says how much rests on such a link, in words that follow its grade."""
    ranked = json.loads(built.run("top", "--agency", "CBP", "--limit", "0", "--json").output)
    expected = _linked_money(built, "7014")
    for r in ranked:
        shown = {part["grade"]: Decimal(str(part["obligated"])) for part in r["linked"]}
        assert shown == expected.get(r["id"], {}), r["name"]
    flagged = [r for r in ranked[:50] if r["linked"]]  # the agency page lists 50 families
    assert any(r["linked"][0]["obligated"] == r["obligated"] for r in flagged)  # all of it through such a link
    inferred_family = next(r for r in ranked if any(part["grade"] == "E" for part in r["linked"]))  # and one inferred
    api = client.get("/api/top", params={"agency": "CBP", "limit": 50}).json()["items"]
    assert [(r["id"], r["linked"]) for r in api] == [(r["id"], r["linked"]) for r in ranked[:50]]
    table = built.run("top", "--agency", "CBP", "--limit", "50").output
    assert "no official record says they are the family's" in " ".join(table.split())
    for r in flagged:
        for part in r["linked"]:
            as_the_cli_writes = money(Decimal(str(part["obligated"]))).replace("−\u2060", "-")
            assert f"{as_the_cli_writes} ({part['grade']})" in table, r["name"]
    for lang, reported, inferred in (("es", "por una propiedad publicada", "por una propiedad inferida"),
                                     ("en", "linked by reported ownership", "linked by inferred ownership")):
        # (English last: the choice stays in the shared client's cookie)
        page = client.get("/agency/7014", params={"lang": lang}).text
        notes = re.findall(r'<small class="muted linked">([^<]*)</small>', page)
        parts = [part for r in flagged for part in r["linked"]]
        assert len(notes) == len(parts), lang
        for note, part in zip(notes, parts, strict=True):
            assert money(Decimal(str(part["obligated"]))) in note, (lang, part)
            assert (reported if part["grade"] in SAID_AS_REPORTED else inferred) in note, (lang, part)
        # the family with an inferred link ranks below the page's 50: its line, as the page's macro writes it
        with i18n.use(lang):
            note = templating.environment().from_string(
                "{% from 'macros.html' import linked_note %}{{ linked_note(f) }}").render(f=inferred_family)
        part = next(p for p in inferred_family["linked"] if p["grade"] == "E")
        assert inferred in note and money(Decimal(str(part["obligated"]))) in note, (lang, note)


def test_not_found_and_found_without_ties_are_different_answers(client: TestClient) -> None:
    rows = client.post("/api/check", json=["Acme Nonexistent Widgets LLC", "Flock Safety"]).json()["items"]
    assert rows[0]["result"] == "not found" and rows[0]["tied"] == ""
    assert rows[1]["result"] == "found" and rows[1]["tied"] in ("yes", "no")


def test_a_tie_resting_on_grade_d_alone_is_not_stated(client: TestClient, built_db: Path) -> None:
    """Grade D (a claim its own source does not establish) is never shown on its own: no page headline states a tie
    that rests on it (tests/web/test_ownership_of_claims_entities.py follows a node whose every path is grade D to
    its one-pager and screening row)."""
    nodes = [r[0] for r in query(
        built_db, "SELECT id FROM (SELECT source_id AS id FROM ties WHERE grade = 'D' "
        "UNION SELECT target_id FROM ties WHERE grade = 'D') WHERE id NOT LIKE 'agency:%' ORDER BY 1")]
    assert nodes
    for node in nodes:
        org = client.get(f"/api/organizations/{node}").json()
        assert all(s["grade"] != "D" for s in org["strongest"]), node


@pytest.mark.parametrize("listing", [
    "id,Vendor\n1,GEO Group\n2,CoreCivic\n",  # a header the CLI once did not know
    "GEO Group\nCoreCivic\nPalantir\n",  # no header: the first row is a name too
    "name\nGEO Group\n\n  CoreCivic  \n",  # a blank row and a name with spaces around it
])
def test_a_list_is_read_the_same_by_the_cli_and_the_web(client: TestClient, built: Cli, tmp_path: Path,
                                                        listing: str) -> None:
    src = tmp_path / "vendors.csv"
    src.write_text(listing, encoding="utf-8")
    out = tmp_path / "screened.csv"
    assert built.run("match", "--file", str(src), "-o", str(out)).exit_code == 0
    cli_rows = list(csv.DictReader(out.open(encoding="utf-8")))
    web = client.post("/check.csv", files={"file": ("vendors.csv", listing.encode(), "text/csv")})
    web_rows = list(csv.DictReader(web.text.splitlines()))
    assert [(r["row"], r["input"], r["id"]) for r in cli_rows] == [(r["row"], r["input"], r["id"]) for r in web_rows]
    named = [r for r in cli_rows if r["input"]]  # a blank row stays a row: the numbers are the spreadsheet's
    assert [r["input"] for r in named][:2] == ["GEO Group", "CoreCivic"] and all(r["id"] for r in named)


def test_a_line_of_names_pasted_with_commas_is_read_as_those_names(client: TestClient) -> None:
    """A clerk pastes the vendors from a sentence: "GEO Group, CoreCivic, Palantir" on one line is three rows, as
    the same names one per line are (on the page and in its CSV), not one "not found" that would read as no tie.
    A name that holds commas stays one name, and so does a line with a person's name in it."""
    pasted = "GEO Group, CoreCivic, Palantir\nGeo Group, Inc., The\nDOE, JANE\nCoreCivic; John Smith\n"
    one_per_line = "GEO Group\nCoreCivic\nPalantir\nGeo Group, Inc., The\nDOE, JANE\nCoreCivic; John Smith\n"
    read = [list(csv.DictReader(client.post("/check.csv", data={"names": text}).text.splitlines()))
            for text in (pasted, one_per_line)]
    compared = ("row", "input", "result", "id", "family_id", "tied", "obligated", "family_obligated")
    assert [[{k: r[k] for k in compared} for r in rows] for rows in read] == [
        [{k: r[k] for k in compared} for r in read[1]]] * 2
    rows = read[0]
    assert [r["input"] for r in rows][:4] == ["GEO Group", "CoreCivic", "Palantir", "Geo Group, Inc., The"]
    assert all(r["result"] == "found" and r["id"] for r in rows[:4]) and rows[0]["id"] == rows[3]["id"]
    assert "person" in rows[4]["note"] and not rows[4]["id"], rows[4]
    assert (rows[5]["input"], rows[5]["result"], rows[5]["id"]) == ("CoreCivic; John Smith", "not found", "")
    # the page shows the names it read, one per line, in the box to edit
    page = client.post("/check", data={"names": pasted}).text
    box = html.unescape(re.search(r'<textarea id="names"[^>]*>(.*?)</textarea>', page, re.S).group(1))
    assert box.splitlines() == [r["input"] for r in rows]
    # a person's name is said to be one, never looked up; on the page as in the CSV, in the visitor's language
    cells = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r'data-label="result">(.*?)</td>', page, re.S)]
    assert ["person" in c for c in cells] == [False] * 4 + [True, False], cells
    spanish = client.post("/check", data={"names": "DOE, JANE"}, params={"lang": "es"}).text
    assert "parece el nombre de una persona" in spanish
    # English last: the choice stays in the client's cookie, which the module's other tests share
    english = client.post("/check", data={"names": "DOE, JANE"}, params={"lang": "en"}).text
    assert "reads as a person&#39;s name; not looked up" in english or "reads as a person's name" in english


@pytest.mark.parametrize(("agency", "code"), [("ICE", "7012"), ("CBP", "7014")])
def test_a_list_screened_for_one_agency_counts_that_agency_on_every_face(client: TestClient, built: Cli,
                                                                         tmp_path: Path, agency: str,
                                                                         code: str) -> None:
    src = tmp_path / "names.csv"
    src.write_text("name\n" + "\n".join(f'"{q}"' for q in QUERIES) + "\n", encoding="utf-8")
    out = tmp_path / "screened.csv"
    assert built.run("match", "--file", str(src), "-o", str(out), "--agency", agency).exit_code == 0
    faces = {"match --file": list(csv.DictReader(out.open(encoding="utf-8")))}
    api = client.post("/api/check", json=QUERIES, params={"agency": agency}).json()
    assert [a["abbreviation"] for a in api["agencies"]] == [agency]
    faces["/api/check"] = [{k: "" if v is None else str(v) for k, v in r.items()} for r in api["items"]]
    # the CLI's JSON is the API's answer, agencies and rows alike
    assert json.loads(built.run("match", "--file", str(src), "--agency", agency, "--json").output) == api
    web = client.post("/check.csv", data={"names": "\n".join(QUERIES), "agency": code})
    faces["/check.csv"] = list(csv.DictReader(web.text.splitlines()))
    agency_name = client.get(f"/api/agencies/{code}", params={"limit": 1}).json()["name"]
    compared = ("id", "family_id", "tied", "strongest_kind", "strongest_grade", "strongest_agency", "agencies")
    for i, q in enumerate(QUERIES):
        cli, api_row, web_row = (faces[f][i] for f in faces)
        assert [{k: r[k] for k in compared} for r in (api_row, web_row)] == [{k: cli[k] for k in compared}] * 2, q
        assert len({Decimal(r[k] or 0) for r in (cli, api_row, web_row) for k in ("family_obligated",)}) == 1, q
        assert cli["agencies"] == agency, q
        if not cli["id"]:
            continue
        # the figures are the organization page's for that agency alone
        page = client.get(f"/api/organizations/{cli['id']}").json()
        own = sum((Decimal(str(t["obligated"])) for t in page["totals"] if code in (t["sub_agency_code"],
                                                                                      t["toptier_code"])), Decimal(0))
        family = sum((Decimal(str(t["obligated"])) for t in page["family"]["by_agency"] if t["agency_code"] == code),
                     Decimal(0))
        assert (Decimal(cli["obligated"]), Decimal(cli["family_obligated"])) == (own, family), q
        # a tie to that agency only: money it obligated to the organization itself is one (grade A)
        assert cli["strongest_agency"] in ("", agency_name), q
        if own:
            assert (cli["tied"], cli["strongest_grade"]) == ("yes", "A"), q
    # the table's headings on the page say which agency it counts
    page = client.post("/check", data={"names": "GEO Group", "agency": code}).text
    assert f"tied to {agency}<" in page and f"family obligated by {agency}<" in page
    assert f'<option value="{code}" selected>' in page
    # the choice shown is the one the table counts, however the agency was named (its CSV button sends it)
    named = client.post("/check", data={"names": "GEO Group", "agency": agency.lower()}).text
    assert f'<option value="{code}" selected>' in named
    both = client.post("/check", data={"names": "GEO Group", "agency": ["7012", "7014"]}).text
    assert '<option value="7012,7014" selected>ICE, CBP</option>' in both and "tied to ICE or CBP<" in both


def test_an_agency_screening_does_not_know_is_refused_in_one_line(client: TestClient) -> None:
    said = "no agency matches 'Nowhere Agency' in this database"
    api = client.post("/api/check", json=["GEO Group"], params={"agency": "Nowhere Agency"})
    assert api.status_code == 400 and api.json()["error"].startswith(said) and "\n" not in api.json()["error"]
    for path in ("/check", "/check.csv"):
        page = client.post(path, data={"names": "GEO Group", "agency": "Nowhere Agency"})
        assert page.status_code == 400 and said in html.unescape(page.text), path
    too_long = client.post("/api/check", json=["GEO Group"], params={"agency": "x" * 101})
    assert too_long.status_code == 400 and "x" * 101 not in too_long.text


@pytest.mark.parametrize("typed", ["%", "_", "Customs%Border"])
def test_a_percent_sign_or_underscore_in_an_agency_is_text_not_a_wildcard(client: TestClient, built: Cli,
                                                                           typed: str) -> None:
    said = f"no agency matches {typed!r} in this database"
    assert said in client.post("/api/check", json=["GEO Group"], params={"agency": typed}).json()["error"]
    assert said in client.get("/api/top", params={"agency": typed}).json()["error"]
    result = built.run("top", "--agency", typed)
    assert result.exit_code == 1 and said in result.output


def test_a_database_without_cbp_records_is_screened_for_the_agencies_it_holds(html_db: Path, tmp_path: Path) -> None:
    from whosbehind.web.app import create_app

    held = {r[0] for r in query(html_db, "SELECT code FROM agency_units WHERE kind IN ('agency', 'sub_agency')")}
    assert "7014" not in held and "7012" in held  # the Minnesota rows are ICE's
    names = tmp_path / "names.csv"
    names.write_text("name\nVista Outdoor Sales\n", encoding="utf-8")
    out = tmp_path / "screened.csv"
    assert Cli(html_db).run("match", "--file", str(names), "-o", str(out)).exit_code == 0
    cli_row = next(csv.DictReader(out.open(encoding="utf-8")))
    with TestClient(create_app(html_db)) as web:
        api = web.post("/api/check", json=["Vista Outdoor Sales"]).json()
        # the default is those of ICE, CBP and DHS this database holds: no agency named that it has no record of
        assert {a["code"] for a in api["agencies"]} == held & {"7012", "7014", "070"}
        assert api["items"][0]["agencies"] == cli_row["agencies"] and "CBP" not in cli_row["agencies"]
        assert api["items"][0]["id"] == cli_row["id"] != "" and api["items"][0]["tied"] == cli_row["tied"] == "yes"
        # every choice the form offers can be chosen
        form = web.get("/check").text
        offered = re.findall(r'<option value="([^"]*)"', form)
        assert offered and "7014" not in offered
        for value in offered:
            chosen = web.post("/check", data={"names": "Vista Outdoor Sales", "agency": value})
            assert chosen.status_code == 200 and f'<option value="{value}" selected>' in chosen.text, value
        refused = web.post("/api/check", json=["Vista Outdoor Sales"], params={"agency": "CBP"})
        assert refused.status_code == 400 and "no agency matches 'CBP'" in refused.json()["error"]


def test_screening_for_one_agency_and_for_all_three_can_differ(client: TestClient) -> None:
    by_focus = {agency: client.post("/api/check", json=QUERIES, params={"agency": agency} if agency else {}).json()
                for agency in ("ICE", "CBP", None)}
    for i, q in enumerate(QUERIES):
        ice, cbp, every = (by_focus[a]["items"][i] for a in ("ICE", "CBP", None))
        assert every["agencies"] == "ICE, CBP, DHS"
        if every["id"]:
            # DHS is ICE's and CBP's parent: all three count the money of every DHS office, each row once (a
            # deobligation too: a family's net CBP money may be below zero)
            by_agency = client.get(f"/api/organizations/{every['id']}").json()["family"]["by_agency"]
            dhs = sum((Decimal(str(t["obligated"])) for t in by_agency if t["toptier_code"] == "070"), Decimal(0))
            assert Decimal(str(every["family_obligated"])) == dhs, q
            assert every["tied"] == "yes" or "yes" not in (ice["tied"], cbp["tied"]), q
    assert any(r_ice["tied"] != r_cbp["tied"] for r_ice, r_cbp in zip(by_focus["ICE"]["items"],
                                                                          by_focus["CBP"]["items"], strict=True))


def test_a_company_named_like_a_person_is_answered_when_the_curated_list_holds_it(built: Cli) -> None:
    """J.D. POWER, paid by CBP for vehicle valuation data, reads as initials and a surname: the rows were counted
    under individual recipients and the name refused as a person's. The curated ownership file holds it as an
    organization, so it is found, with its CBP money, on every face."""
    answer = built.json("match", "J.D. Power")
    assert answer["status"] == "found" and answer["name"] == "J.D. POWER", answer.get("reason")
    assert answer["focus_ties"]["tied"] == "yes" and Decimal(str(answer["focus_ties"]["obligated"])) > 0


def test_the_strongest_tie_leads_with_the_agency_that_paid_most(client: TestClient, answers: dict[str, dict]) -> None:
    """Among the organization's own grade-A ties, the one that leads the page, the leaflet and a screened list is
    with the agency that obligated it the most (GEO Group's billions from ICE, not its $1.3 million from CBP), and
    the page names that agency first."""
    checked = 0
    for q, a in answers.items():
        if a["status"] != "found":
            continue
        org = client.get(f"/api/organizations/{a['id']}").json()
        paid: dict[str, Decimal] = {}
        for t in org["totals"]:
            paid[t["agency_name"]] = paid.get(t["agency_name"], Decimal(0)) + Decimal(str(t["obligated"]))
        contracts = [s for s in org["strongest"] if s["own"] and s["grade"] == "A" and s["kind"] == "prime_contract"]
        if len({s["agency_name"] for s in contracts}) < 2:
            continue  # one agency: nothing to order
        most = max((s["agency_name"] for s in contracts), key=lambda name: paid.get(name, Decimal(0)))
        assert org["strongest"][0]["agency_name"] == most, (q, [(s["agency_name"], s["kind"]) for s in contracts])
        screened = client.post("/api/check", json=[q]).json()["items"][0]
        assert screened["strongest_agency"] == most, q
        page = client.get(f"/org/{a['id']}").text
        first = re.search(r'id="tied-through">\s*<p><strong>([^<]+)</strong>', page).group(1)
        assert most in html.unescape(first), (q, first)
        checked += 1
    assert checked >= 3, checked


def test_every_family_member_that_holds_a_tie_is_named_in_the_summary(client: TestClient,
                                                                        answers: dict[str, dict]) -> None:
    """"Tied to ICE through" names each family member whose tie a why-path shows (GEO Group: B.I. Incorporated's
    $1.66 billion of ICE contracts as well as GEO Care's), not only the first of one kind."""
    members = 0
    for q, a in answers.items():
        if a["status"] != "found":
            continue
        org = client.get(f"/api/organizations/{a['id']}").json()
        paths = client.get("/api/why", params={"q": a["id"]}).json()["paths"]
        holders = {(p["agency_name"], p["tie_of"]) for p in paths if not p["own"] and p["grade"] != "D"}
        named = {(s["agency_name"], s["tie_of"]) for s in org["strongest"] if not s["own"]}
        assert holders == named, q
        members += len(holders)
    assert members >= 5, members


def test_every_family_member_names_the_link_that_makes_it_one(client: TestClient, built: Cli, built_db: Path) -> None:
    """The family list says that each member's link names its source and grade: so it does for every member but the
    head, on the API, the page and `lookup`. A brand or system that no record names but curated ownership places
    (Ring, Project Kuiper, Amazon Rekognition, Palantir's ICM) is a member through that cited link, as a subsidiary a
    record reports is through the report."""
    own = families.ownership()
    placed = {own.organizations[link.child].entity_id: link for link in own.links
              if own.organizations[link.child].entity and not link.valid_to}
    expected = {"curated:ring", "curated:project-kuiper", "curated:rekognition", "curated:icm"}
    assert expected <= set(placed)
    heads = [r[0] for r in query(built_db, """
        SELECT family_id FROM graph_nodes GROUP BY family_id HAVING count(*) > 1 ORDER BY family_id""")]
    assert len(heads) >= 20
    seen = set()
    for head in heads:
        family = client.get(f"/api/organizations/{head}").json()["family"]
        for m in family["members"]:
            if m["id"] == head:
                assert m["link"] is None
                continue
            link = m["link"]
            assert link and link["source"] and link["grade"] in GRADE_RANK and link["citation"], (head, m)
            if m["id"] in placed:
                seen.add(m["id"])
                assert link["source"] == "curated" and placed[m["id"]].citation in link["citation"], m
    assert expected <= seen
    page = re.sub(r"\s+", " ", client.get("/org/duns:884745530").text)
    listed = page.split('class="members"', 1)[1].split("</ul>", 1)[0]
    for item in listed.split("<li>")[2:]:  # the head, first, has no link
        assert "grade " in item and "subsidiary or brand of" in item, item
    ring = next(i for i in listed.split("<li>") if "/org/curated:ring" in i)
    assert "Form 10-K for 2018, note 4" in html.unescape(ring) and "curated ownership" in ring, ring
    out = " ".join(built.run("lookup", "Amazon").output.split())
    assert "Ring (Amazon Ring) (curated:ring) -> AMAZON.COM INC. (curated, grade C, from 2018-04-01)" in out, out


def test_a_holder_is_named_by_the_strongest_link_that_makes_it_family(client: TestClient, built: Cli,
                                                                        built_db: Path) -> None:
    """Amazon Web Services is Amazon.com's subsidiary by a cited ownership link (grade A) and its brand by a published
    claim (C): every line it holds on Amazon.com's page is "held by its subsidiary", none "held by its brand", and no
    answer of the build names one holder under two relations."""
    amazon = client.get("/api/organizations/duns:884745530").json()
    aws = [s for s in amazon["strongest"] if s["tie_of"] == "name:AMAZON WEB SERVICES, INC."]
    assert len(aws) >= 5 and {s["relation"] for s in aws} == {"subsidiary's"}, aws
    assert {s["grade"] for s in aws} >= {"A", "C"}
    page = html.unescape(re.sub(r"\s+", " ", client.get("/org/duns:884745530", params={"lang": "en"}).text))
    assert "Held by its brand, AMAZON WEB SERVICES" not in page
    assert "Held by its subsidiary, AMAZON WEB SERVICES" in page
    assert "brand's tie: AMAZON WEB SERVICES" not in built.run("lookup", "Amazon", env={"COLUMNS": "200"}).output
    for org_id, body in query(built_db, "SELECT id, body FROM organization_answers"):
        relations: dict[str, set[str]] = {}
        for s in json.loads(zlib.decompress(body))["strongest"]:
            if not s["own"]:
                relations.setdefault(s["tie_of"], set()).add(s["relation"])
        assert all(len(r) == 1 for r in relations.values()), (org_id, relations)
