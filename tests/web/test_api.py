"""The JSON API: every endpoint answers from the built sample, and bad parameters get a clear 4xx."""

from __future__ import annotations

import contextlib
import csv
import html
import io
import json
import os
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient

from samples import query
from whosbehind.export.ftm import org_entity_id
from whosbehind.web.app import create_app

PALANTIR = "duns:362130952"          # PALANTIR TECHNOLOGIES INC. in the 2018-era ICE transactions
PALANTIR_USG = "duns:825284321"      # reported PALANTIR TECHNOLOGIES INC. as its parent
SLASHED = "name:NORD/ATLANTIC TRADING, INC."  # an id with a slash in it
ICE = "agency:7012"


def db_scalar(db: Path, sql: str, *params: object) -> object:
    return query(db, sql, *params)[0][0]


def test_search_finds_a_company_by_part_of_its_name(client: TestClient) -> None:
    items = client.get("/api/search", params={"q": "palantir"}).json()["items"]
    ids = [i["id"] for i in items]
    assert PALANTIR in ids and PALANTIR_USG in ids
    assert all("PALANTIR" in i["name"] for i in items)


def test_search_exact_name_comes_first(client: TestClient) -> None:
    items = client.get("/api/search", params={"q": "PALANTIR USG, INC."}).json()["items"]
    assert items[0]["id"] == PALANTIR_USG and items[0]["match"] == "exact name"


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "x", "limit": 0}, {"q": "x", "limit": 101},
                                    {"q": "x", "limit": "ten"}])
def test_search_refuses_bad_parameters(client: TestClient, params: dict) -> None:
    r = client.get("/api/search", params=params)
    assert r.status_code == 422
    assert r.json()["error"].startswith("bad request:")


def test_suggest_lists_names_starting_with_the_text_first(client: TestClient) -> None:
    items = client.get("/api/suggest", params={"q": "palan"}).json()["items"]
    assert items and all("PALAN" in i["name"] for i in items)
    assert client.get("/api/suggest", params={"q": "palan", "limit": 50}).status_code == 422


def test_organization_total_is_the_sum_of_its_source_rows(client: TestClient, built_db: Path) -> None:
    org = client.get(f"/api/organizations/{PALANTIR}").json()
    # the organization's money is every record resolution merged into it
    expected = db_scalar(built_db, "SELECT sum(m.amount) FROM money m JOIN organizations o ON o.id = m.recipient_id "
                                   "WHERE o.canonical_id = ?", PALANTIR)
    assert Decimal(str(org["total_obligated"])) == expected
    assert sum(Decimal(str(t["obligated"])) for t in org["totals"]) == expected
    assert org["family"]["id"] == db_scalar(built_db, "SELECT family_id FROM organizations WHERE id = ?", PALANTIR)
    assert {m["id"] for m in org["family"]["members"]} >= {PALANTIR, PALANTIR_USG}


def test_organization_family_links_name_their_source_and_grade(client: TestClient) -> None:
    org = client.get(f"/api/organizations/{PALANTIR_USG}").json()
    assert org["family"]["id"] == PALANTIR
    usg = next(m for m in org["family"]["members"] if m["id"] == PALANTIR_USG)
    assert usg["link"]["parent_id"] == PALANTIR and usg["link"]["grade"] in "ABC"
    assert usg["link"]["source"] and usg["link"]["citation"]


def test_organization_id_with_a_slash(client: TestClient) -> None:
    r = client.get("/api/organizations/name:NORD%2FATLANTIC%20TRADING,%20INC.")
    assert r.status_code == 200 and r.json()["asked_for"]["id"] == SLASHED


def test_unknown_organization_is_404_with_a_message(client: TestClient) -> None:
    for path in ("/api/organizations/uei:NOPE", "/api/organizations/uei:NOPE/ties",
                 "/api/organizations/uei:NOPE/evidence", "/api/organizations/uei:NOPE/export.csv"):
        r = client.get(path)
        assert r.status_code == 404, path
        assert "uei:NOPE" in r.json()["error"]


def test_ties_paginate_without_overlap(client: TestClient, built_db: Path) -> None:
    first = client.get(f"/api/organizations/{ICE}/ties", params={"kind": "prime_contract", "limit": 10}).json()
    second = client.get(f"/api/organizations/{ICE}/ties",
                        params={"kind": "prime_contract", "limit": 10, "offset": 10}).json()
    expected = db_scalar(built_db, "SELECT count(*) FROM ties WHERE kind = 'prime_contract' AND source_id = ?", ICE)
    assert first["total"] == second["total"] == expected > 20
    a = {(t["source_id"], t["target_id"]) for t in first["items"]}
    b = {(t["source_id"], t["target_id"]) for t in second["items"]}
    assert len(a) == len(b) == 10 and not a & b
    amounts = [t["amount"] for t in first["items"] + second["items"]]
    assert amounts == sorted(amounts, reverse=True)
    past_end = client.get(f"/api/organizations/{ICE}/ties", params={"offset": 10**6}).json()
    assert past_end["items"] == [] and past_end["total"] >= expected


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 501}, {"limit": -5}, {"offset": -1},
                                    {"kind": "friendship"}, {"limit": "lots"}])
def test_ties_and_evidence_refuse_bad_page_parameters(client: TestClient, params: dict) -> None:
    for what in ("ties", "evidence"):
        r = client.get(f"/api/organizations/{ICE}/{what}", params=params)
        assert r.status_code == 422, (what, params)
        assert "bad request" in r.json()["error"]


def test_evidence_pages_add_up_to_the_tie(client: TestClient) -> None:
    tie = client.get(f"/api/organizations/{PALANTIR}/ties", params={"kind": "prime_contract"}).json()["items"][0]
    ev = client.get(f"/api/organizations/{PALANTIR}/evidence",
                    params={"kind": "prime_contract", "other": ICE, "limit": 3}).json()
    assert ev["total"] == tie["evidence_count"]
    items = list(ev["items"])
    while len(items) < ev["total"]:
        items += client.get(f"/api/organizations/{PALANTIR}/evidence",
                            params={"kind": "prime_contract", "other": ICE, "limit": 3,
                                    "offset": len(items)}).json()["items"]
    assert round(sum(Decimal(str(e["amount"])) for e in items), 2) == Decimal(str(tie["amount"]))
    assert len({e["evidence_id"] for e in items}) == len(items)


def test_evidence_item_points_at_source_rows(client: TestClient) -> None:
    ev = client.get(f"/api/organizations/{PALANTIR}/evidence", params={"kind": "prime_contract"}).json()["items"][0]
    item = client.get(f"/api/evidence/{ev['evidence_id']}").json()
    assert item["sha256"] == ev["sha256"] and item["rows"] == ev["rows"]
    assert [r["row_no"] for r in item["source_rows"]] == ev["rows"]
    assert sum(Decimal(str(r["amount"])) for r in item["source_rows"]) == Decimal(str(ev["amount"]))


def test_evidence_item_bad_and_unknown(client: TestClient) -> None:
    for path in ("prime_contract/not-a-hash/1", f"rumour/{'a' * 64}/1", f"prime_contract/{'a' * 64}/1"):
        r = client.get(f"/api/evidence/{path}")
        assert r.status_code == 404 and path in r.json()["error"]
    assert client.get("/api/evidence/" + "x" * 400).status_code == 422


def test_agency_and_top(client: TestClient, built: object) -> None:
    ice = client.get("/api/agencies/ICE").json()
    assert ice["code"] == "7012" and ice["psc"] and ice["naics"] and ice["by_fiscal_year"]
    assert Decimal(str(ice["total_obligated"])) == sum(Decimal(str(y["obligated"])) for y in ice["by_fiscal_year"])
    top = client.get("/api/top", params={"agency": "CBP", "limit": 3}).json()
    cli_top = built.json("top", "--agency", "CBP", "--limit", "3")
    assert [r["id"] for r in top["items"]] == [r["id"] for r in cli_top]
    assert {a["abbreviation"] for a in client.get("/api/agencies").json()["items"]} >= {"ICE", "CBP", "DHS"}


def test_agency_and_top_bad_parameters(client: TestClient) -> None:
    r = client.get("/api/agencies/NO-SUCH-AGENCY")
    assert r.status_code == 400 and "no agency matches" in r.json()["error"]
    assert client.get("/api/top", params={"agency": "ICE", "fy": 1800}).status_code == 422
    assert client.get("/api/top", params={"agency": "ICE", "limit": 0}).status_code == 422


def test_reconciliation_service(client: TestClient) -> None:
    manifest = client.get("/api/reconcile").json()
    assert manifest["defaultTypes"][0]["id"] == "Organization" and "{{id}}" in manifest["view"]["url"]
    queries = {"q0": {"query": "PALANTIR USG, INC."}, "q1": {"query": "no such vendor anywhere", "limit": 2}}
    got = client.get("/api/reconcile", params={"queries": json.dumps(queries)}).json()
    assert got["q0"]["result"][0] == {"id": PALANTIR_USG, "name": "PALANTIR USG, INC.", "score": 100,
                                      "match": True, "type": [{"id": "Organization", "name": "Organization"}]}
    assert got["q1"]["result"] == []
    posted = client.post("/api/reconcile", data={"queries": json.dumps(queries)}).json()
    assert posted == got
    assert client.get("/api/reconcile", params={"queries": "{not json"}).status_code == 400
    assert client.get("/api/reconcile", params={"queries": "[1, 2]"}).status_code == 400


def test_check_api_one_row_per_name(client: TestClient) -> None:
    rows = client.post("/api/check", json=["palantir usg, inc.", "PALANTIR", "nobody at all"]).json()["items"]
    assert rows[0]["result"] == "found" and rows[0]["id"] == PALANTIR_USG and rows[0]["family_id"] == PALANTIR
    assert rows[0]["tied"] == "yes" and rows[0]["strongest_grade"] == "A" and rows[0]["family_obligated"] > 0
    assert rows[1]["result"] == "found" and rows[1]["id"] == PALANTIR  # the family head has the short name
    assert rows[2]["result"] == "not found" and rows[2]["id"] == "" and rows[2]["tied"] == ""
    assert client.post("/api/check", json={"names": "x"}).status_code == 422


def test_whole_graph_exports_agree_with_the_database(client: TestClient, built_db: Path) -> None:
    for table, source in (("organizations", "graph_nodes"), ("ties", "ties"), ("evidence", "evidence")):
        expected = db_scalar(built_db, f"SELECT count(*) FROM {source}")
        text = client.get(f"/api/export/{table}.csv").text
        assert len(list(csv.DictReader(io.StringIO(text)))) == expected
        parquet = pq.read_table(io.BytesIO(client.get(f"/api/export/{table}.parquet").content))
        assert parquet.num_rows == expected
    assert client.get("/api/export/people.csv").status_code == 422
    assert client.get("/api/export/ties.xlsx").status_code == 422


def test_a_download_after_any_page_is_served(built_db: Path) -> None:
    """Every request borrows a connection from the server's pool; a page that read the first row of a result
    (the agency page counts its changes) left it unfinished, and the next table download on that connection
    failed with 500 ("connection has an unfinished result"). The pool hands connections back finished."""
    app = create_app(built_db)
    try:
        with TestClient(app) as fresh:
            for page in ("/agency/ICE", "/feeds/agency/ICE", "/org/duns:612706465", "/changes?agency=ICE"):
                assert fresh.get(page).status_code == 200, page
                for table in ("organizations", "evidence"):
                    for fmt in ("csv", "parquet"):
                        got = fresh.get(f"/api/export/{table}.{fmt}")
                        assert got.status_code == 200 and got.content, (page, table, fmt, got.text[:200])
    finally:
        app.state.db.close()


def test_followthemoney_export(client: TestClient, built_db: Path) -> None:
    lines = client.get("/api/export/graph.ftm.jsonl").text.splitlines()
    entities = [json.loads(line) for line in lines]
    by_schema: dict[str, list[dict]] = {}
    for e in entities:
        assert e["id"].startswith("wb-") and e["properties"]
        by_schema.setdefault(e["schema"], []).append(e)
    nodes = sum(len(by_schema.get(k, [])) for k in ("Company", "PublicBody", "Organization", "Asset", "RealEstate"))
    assert nodes == db_scalar(built_db, "SELECT count(*) FROM graph_nodes")
    # every kind of tie is there, with its source: FedRAMP authorizations and curated claims as links
    links = by_schema["UnknownLink"]
    assert any("cloud authorization" in e["properties"]["role"][0] for e in links)
    hosting = [e for e in links if e["properties"]["role"][0].startswith("hosting")]
    assert hosting and all(e["properties"].get("publisher") and e["properties"].get("sourceUrl") for e in hosting)
    payments = sum(Decimal(p["properties"]["amount"][0]) for p in by_schema["Payment"]
                   if "amount" in p["properties"] and "prime contract" in p["properties"]["purpose"][0])
    assert payments == db_scalar(built_db, "SELECT sum(amount) FROM evidence WHERE kind = 'prime_contract'")
    ids = {e["id"] for e in entities}
    assert len(ids) == len(entities)
    assert all(p["properties"]["payer"][0] in ids and p["properties"]["beneficiary"][0] in ids
               for p in by_schema["Payment"])
    # every family link the answers use is an Ownership, the ones whosbehind inferred (grade E) too, saying so
    owned: dict[tuple[str, str], set[str]] = {}
    for o in by_schema["Ownership"]:
        owned.setdefault((o["properties"]["owner"][0], o["properties"]["asset"][0]), set()).add(
            o["properties"]["role"][0])
    links = query(built_db, "SELECT coalesce(c.canonical_id, l.child_id), coalesce(p.canonical_id, l.parent_id), "
                            "l.source FROM current_parents l LEFT JOIN node_canonical c ON c.node_id = l.child_id "
                            "LEFT JOIN node_canonical p ON p.node_id = l.parent_id")
    assert any(source == "inferred" for _c, _p, source in links)
    for child, parent, source in links:
        roles = owned.get((org_entity_id(parent), org_entity_id(child)), set())
        assert roles, (child, parent, source)
        assert source != "inferred" or any("inferred by whosbehind" in r for r in roles), roles


def test_organization_csv(client: TestClient, built_db: Path) -> None:
    r = client.get(f"/api/organizations/{PALANTIR}/export.csv")
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == db_scalar(built_db, "SELECT count(*) FROM evidence WHERE source_id = ? OR target_id = ?",
                                  PALANTIR, PALANTIR)
    assert {"grade", "sha256", "rows", "url", "amount", "source_name", "locator"} <= set(rows[0])


def test_openapi_documents_every_api_route(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/search", "/api/suggest", "/api/organizations/{org_id}", "/api/organizations/{org_id}/ties",
                 "/api/organizations/{org_id}/evidence", "/api/evidence/{evidence_id}", "/api/agencies",
                 "/api/agencies/{agency}", "/api/top", "/api/reconcile", "/api/export/{table}.{fmt}",
                 "/api/export/graph.ftm.jsonl", "/api/organizations/{org_id}/export.csv", "/api/check",
                 "/api/lookup", "/api/why"):
        assert path in paths, path
    assert client.get("/docs").status_code == 404  # the stock docs page would load scripts from a CDN


def test_a_database_swapped_in_is_picked_up(built_db: Path, html_db: Path, tmp_path: Path) -> None:
    served = tmp_path / "served.duckdb"
    shutil.copyfile(built_db, served)
    app = create_app(served)
    with TestClient(app) as c:
        assert c.get(f"/api/organizations/{PALANTIR}").status_code == 200
        with app.state.db.connection() as con:   # a request still running on the old file ...
            incoming = tmp_path / "incoming.duckdb"
            shutil.copyfile(html_db, incoming)
            os.replace(incoming, served)          # ... while a rebuild is swapped in
            assert con.execute("SELECT count(*) FROM organizations WHERE id = ?", [PALANTIR]).fetchone()[0] == 1
        assert c.get(f"/api/organizations/{PALANTIR}").status_code == 404
        assert c.get("/api/search", params={"q": "ACME"}).json()["items"]
    app.state.db.close()


def test_organizations_are_served_from_the_answers_the_build_stored(built_db: Path, monkeypatch) -> None:
    """A visit reads the answer the build stored; it equals the answer computed from the graph, and nothing is
    computed on the visit. An id with no stored answer (an agency's office) is still answered, on demand."""
    import json

    from whosbehind import jsontext
    from whosbehind.analysis import organization
    from whosbehind.store import db as store_db
    from whosbehind.store import queries

    con = store_db.connect(built_db, read_only=True)
    ids = [r["id"] for r in queries.rows(con, "answer_ids")]
    chosen = ids[:: max(1, len(ids) // 12)] + [i for i in ids if "geo" in i.lower()][:2]
    expected = {i: json.loads(jsontext.dumps(organization.answer(con, i))) for i in chosen}
    office = con.execute("SELECT id FROM graph_nodes WHERE kind = 'office' ORDER BY id LIMIT 1").fetchone()[0]
    con.close()
    assert len(ids) > 1000 and office not in ids
    app = create_app(built_db)
    real = organization.answers

    def refuse(*args, **kwargs):
        raise AssertionError("an answer was computed on a visit")

    with TestClient(app) as c:
        monkeypatch.setattr(organization, "answers", refuse)
        for org_id, answer in expected.items():
            r = c.get(f"/api/organizations/{org_id}")
            assert r.status_code == 200 and r.json() == answer
            page = c.get(f"/org/{org_id}")
            assert page.status_code == 200 and answer["name"] in html.unescape(page.text)  # "D BRIAN&#39;S"
        monkeypatch.setattr(organization, "answers", real)
        r = c.get(f"/api/organizations/{office}")
        assert r.status_code == 200 and r.json()["id"] == office
    app.state.db.close()


def test_missing_database_is_503(tmp_path: Path) -> None:
    app = create_app(tmp_path / "nothing-here.duckdb")
    with TestClient(app) as c:
        r = c.get("/api/search", params={"q": "x"})
    assert r.status_code == 503 and "whosbehind build" in r.json()["error"]


def test_database_derived_by_another_version_is_503_with_what_to_do(
        built_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from whosbehind.web import database

    db = shutil.copyfile(built_db, tmp_path / "old.duckdb")
    con = duckdb.connect(str(db))
    con.execute("UPDATE derived_layout SET layout = layout - 1")
    con.close()
    opened: list[Path] = []
    real_open = database._open
    monkeypatch.setattr(database, "_open", lambda path, threads: opened.append(path) or real_open(path, threads))
    app = create_app(db)
    with TestClient(app) as c:
        answers = [c.get("/api/search", params={"q": "geo"}) for _ in range(3)]
    assert [r.status_code for r in answers] == [503, 503, 503]
    assert "derived by another version" in answers[0].json()["error"]
    assert "whosbehind ingest" in answers[0].json()["error"]
    assert len(opened) == 1  # the refused file is not reopened on every request


@pytest.mark.parametrize("damage", ["headers zeroed", "a SQLite file"])
def test_a_damaged_or_foreign_database_is_503_with_what_it_is(built_db: Path, tmp_path: Path, damage: str) -> None:
    """The server's file damaged on disk (both database headers zeroed), or another program's database put at its
    path: every request answered 500. Now 503 with one line saying what is wrong, as for a missing file."""
    import sqlite3

    db = tmp_path / "served.duckdb"
    if damage == "headers zeroed":
        shutil.copyfile(built_db, db)
        with db.open("r+b") as handle:
            handle.seek(4096)
            handle.write(bytes(8192))
        expected = "Corrupt database file"
    else:
        with contextlib.closing(sqlite3.connect(db)) as con:
            con.execute("CREATE TABLE vendors (name TEXT)")
        expected = "a SQLite database, not a DuckDB file"
    app = create_app(db)
    with TestClient(app) as c:
        answers = [c.get("/api/search", params={"q": "geo"}), c.get("/org/uei:ZR5UNQJ7KDN4")]
    assert [r.status_code for r in answers] == [503, 503], [r.text[:300] for r in answers]
    error = answers[0].json()["error"]
    assert error.startswith("the database: ") and expected in error and str(tmp_path) not in error  # no server path
    assert expected in html.unescape(answers[1].text)


def test_a_database_another_program_holds_for_writing_is_503_until_it_lets_go(built_db: Path, tmp_path: Path
                                                                               ) -> None:
    """Another program (the duckdb shell, a script) holds the served file open for writing: 503 with a line that
    does not show that program or its process id, and the page comes back once it has closed the file."""
    import subprocess
    import sys

    db = shutil.copyfile(built_db, tmp_path / "served.duckdb")
    hold = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); time.sleep(120)"
    holder = subprocess.Popen([sys.executable, "-c", hold, str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        app = create_app(db)
        with TestClient(app) as c:
            busy = c.get("/api/search", params={"q": "geo"})
            holder.kill()
            holder.wait()
            back = c.get("/api/search", params={"q": "geo"})
    finally:
        holder.kill()
    assert busy.status_code == 503, busy.text[:300]
    assert "another program holds it open for writing" in busy.json()["error"]
    assert "PID" not in busy.text and sys.executable not in busy.text
    assert back.status_code == 200 and back.json()  # not refused again from memory


def test_organization_answer_names_the_organization_a_record_was_merged_into(client: TestClient) -> None:
    merged = client.get("/api/organizations/name:THE GEO GROUP, INC.").json()
    geo = client.get("/api/organizations/duns:612706465").json()
    assert merged["id"] == geo["id"] == "duns:612706465"
    assert merged["asked_for"]["id"] == "name:THE GEO GROUP, INC." and geo["asked_for"] is None
    assert merged["total_obligated"] == geo["total_obligated"]


def test_organization_family_as_of_a_day(client: TestClient) -> None:
    # The family an organization belonged to on a day (dated ownership), beside today's.
    org = client.get("/api/organizations/duns:797470549", params={"as_of": "2015-01-01"}).json()
    then = org["family_as_of"]
    assert then["date"] == "2015-01-01" and then["id"] == org["family"]["id"]
    assert "duns:797470549" in {m["id"] for m in then["members"]}
    assert client.get("/api/organizations/duns:797470549").json()["family_as_of"] is None
    assert client.get("/api/organizations/duns:797470549", params={"as_of": "nope"}).status_code == 422
    page = client.get("/org/duns:797470549", params={"as_of": "2015-01-01"}).text
    assert 'id="family-as-of"' in page and "2015-01-01" in page


def test_answers_computed_at_the_same_time_are_each_right(built_db: Path) -> None:
    """A served site answers many people at once. Why-paths read evidence through the graph the process keeps; a
    request once swapped the connection that graph read with, so another request running at that moment failed
    with 500 ("connection is busy"). Twelve uncached why-path answers and twelve dated organization answers, asked
    all at once, equal the answers asked one by one."""
    from concurrent.futures import ThreadPoolExecutor

    app = create_app(built_db)
    try:
        with TestClient(app) as client:
            ranked = client.get("/api/top", params={"agency": "ICE", "limit": 12}).json()
            top = [r["id"] for r in ranked["items"]]
            urls = [("/api/why", {"q": i}) for i in top] + [(f"/api/organizations/{i}", {"as_of": "2019-01-01"})
                                                             for i in top]
            with ThreadPoolExecutor(len(urls)) as pool:
                together = list(pool.map(lambda u: client.get(u[0], params=u[1]), urls))
        assert [r.status_code for r in together] == [200] * len(urls), [r.text[:200] for r in together]
    finally:
        app.state.db.close()
    app = create_app(built_db)  # a new process's answers, one at a time, none cached
    try:
        with TestClient(app) as client:
            alone = [client.get(u, params=p).json() for u, p in urls]
    finally:
        app.state.db.close()
    assert [r.json() for r in together] == alone
