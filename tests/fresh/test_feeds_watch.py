"""Atom feeds per organization, agency and watchlist; the "what changed" section; watchlists and their webhook."""

from __future__ import annotations

import csv
import io
import json
import re
import threading
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from fastapi.testclient import TestClient

from fresh_helpers import NEW_AWARD, copy_db, db_digest, modification_file
from samples import Cli
from whosbehind.web import formatting, i18n
from whosbehind.web.app import create_app

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def watched(built_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Cli:
    """The sample, a second ingest (a new award and a modification, see fresh_helpers), and a watchlist."""
    folder = tmp_path_factory.mktemp("watched")
    cli = Cli(copy_db(built_db, folder))
    path, _ = modification_file(folder / "new_rows.csv")
    assert cli.run("ingest", str(path)).exit_code == 0
    vendors = folder / "vendors.csv"
    vendors.write_text("name,note\nPalantir Technologies,cloud\nBCCG A JOINT VENTURE,wall\nNo Such Vendor Qqq,x\n")
    assert cli.run("watch", "add", "council", "--file", str(vendors)).exit_code == 0
    return cli


@pytest.fixture(scope="module")
def web(watched: Cli):
    with TestClient(create_app(watched.db)) as client:
        yield client


def _entries(body: bytes) -> list[ET.Element]:
    root = ET.fromstring(body)
    assert root.tag == f"{ATOM}feed"
    return root.findall(f"{ATOM}entry")


def test_agency_feed_lists_its_changes(web: TestClient, watched: Cli) -> None:
    response = web.get("/feeds/agency/ICE")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/atom+xml")
    entries = _entries(response.content)
    expected = watched.json("changes", "--agency", "ICE")
    assert len(entries) == min(100, len(expected)) and entries
    ids = [e.find(f"{ATOM}id").text for e in entries]
    assert len(set(ids)) == len(ids)
    titles = [e.find(f"{ATOM}title").text for e in entries]
    assert all("U.S. Immigration and Customs Enforcement" in t for t in titles)
    assert any("Palantir" in t for t in titles)


def test_organization_feed_has_the_new_award(web: TestClient, watched: Cli) -> None:
    found = watched.json("changes", "--org", "BCCG A JOINT VENTURE")
    org_id = found[0]["organization"]["id"]
    entries = _entries(web.get(f"/feeds/organization/{org_id}").content)
    summaries = {e.find(f"{ATOM}summary").text for e in entries}
    assert any("$606,988,300.00" in s for s in summaries)
    assert any(NEW_AWARD.upper() in e.find(f"{ATOM}title").text for e in entries)
    assert web.get("/feeds/organization/uei:NOSUCHORG").status_code == 404


def test_watchlist_feed_and_agency_page_section(web: TestClient) -> None:
    entries = _entries(web.get("/feeds/watchlist/council").content)
    titles = [e.find(f"{ATOM}title").text for e in entries]
    assert any("PALANTIR" in t.upper() for t in titles) and any("BCCG" in t for t in titles)
    assert web.get("/feeds/watchlist/nobody").status_code == 404
    page = web.get("/agency/ICE").text
    assert 'id="what-changed"' in page and 'href="/feeds/agency/ICE"' in page and "FR2434554673" in page


def _what_changed(page: str) -> str:
    start = page.index('id="what-changed"')
    return page[start:page.index("</section>", start)]


def test_what_changed_is_worded_in_the_pages_language(web: TestClient, watched: Cli) -> None:
    """The evidence of a change is written in the page's language from its parts (amounts as money, rows counted);
    `changes --json` keeps the evidence in the words the build stored."""
    found = [c for c in watched.json("changes", "--org", "BCCG A JOINT VENTURE") if c["kind"] == "prime_contract"]
    new = next(c for c in found if c["change"] == "appeared")
    assert new["evidence"].startswith("new award: obligated ") and new["parts"]["source_rows"] >= 1
    amount, rows = f"${new['amount']:,.2f}", new["parts"]["source_rows"]
    org = f"/org/{new['organization']['id']}"
    spanish = _what_changed(web.get(org + "?lang=es").text)
    assert f"contrato nuevo: {amount} comprometidos en {rows:,} fila" in spanish
    assert "new award" not in spanish and "obligated" not in spanish and "grado A" in spanish
    english = _what_changed(web.get(org + "?lang=en").text)
    assert f"new award: {amount} obligated in {rows:,} transaction row" in english and "grade A" in english
    # FedRAMP authorizations that appeared at or left ICE, on the agency's page
    ice = [c for c in watched.json("changes", "--agency", "ICE") if c["kind"] == "cloud_authorization"]
    spanish = _what_changed(web.get("/agency/ICE?lang=es").text)
    assert {"appeared", "disappeared"} <= {c["change"] for c in ice}
    assert "figura en esta agencia" in spanish and "ya no figura en esta agencia" in spanish
    assert "listed at this agency" not in spanish and "data.json del FedRAMP Marketplace" in spanish
    # a product's relations to the agency (codes such as in_process) are written in words, in Spanish here
    codes = "|".join(formatting.RELATION_WORDS)
    assert re.search(rf"relaciones ({codes})\b", spanish) is None and re.search(rf"→ ({codes})\b", spanish) is None
    with i18n.use("es"):
        words = [i18n.gettext(w) for w in formatting.RELATION_WORDS.values()]
    assert not set(words) & set(formatting.RELATION_WORDS.values()) and any(w in spanish for w in words)
    # `changes --json` keeps the English words the pages start from
    assert all(("no longer listed at this agency" in c["evidence"]) == (c["change"] == "disappeared")
               and "listed at this agency" in c["evidence"] for c in ice)


def test_watch_report_json_and_csv(watched: Cli) -> None:
    report = watched.json("watch", "report", "council")
    assert [e["entry"] for e in report["entries"]] == ["Palantir Technologies", "BCCG A JOINT VENTURE",
                                                       "No Such Vendor Qqq"]
    assert report["entries"][2]["organization"] is None
    kinds = {(c["kind"], tuple(c["entries"])) for c in report["changes"]}
    assert ("prime_contract", ("BCCG A JOINT VENTURE",)) in kinds
    assert ("cloud_authorization", ("Palantir Technologies",)) in kinds
    recent = watched.json("watch", "report", "council", "--since", "2025-04-18")
    assert all(c["detected_between"][1] >= "2025-04-18" for c in recent["changes"])
    result = watched.run("watch", "report", "council", "--csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == len(report["changes"]) and rows[0]["entry"] and rows[0]["detected_to"]


class _Receiver(BaseHTTPRequestHandler):
    received: ClassVar[list[bytes]] = []
    status = 200

    def log_message(self, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        _Receiver.received.append(self.rfile.read(int(self.headers["Content-Length"])))
        self.send_response(_Receiver.status)
        self.send_header("Content-Length", "0")
        self.end_headers()


def test_watch_report_posts_to_a_webhook(watched: Cli) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/hook"
        result = watched.run("watch", "report", "council", "--webhook", url, "--json")
        assert result.exit_code == 0, result.output
        posted = json.loads(_Receiver.received[-1])
        assert posted["watchlist"] == "council" and len(posted["changes"]) == len(
            watched.json("watch", "report", "council")["changes"])
        _Receiver.status = 500
        refused = watched.run("watch", "report", "council", "--webhook", url, "--json")
        assert refused.exit_code == 1 and "answered HTTP 500" in refused.output
        # the report is printed all the same: a cron job that keeps it loses nothing
        assert json.loads(refused.stdout)["watchlist"] == "council"
    finally:
        _Receiver.status = 200
        server.shutdown()
        server.server_close()


def test_bad_watch_input_is_one_line_and_changes_nothing(watched: Cli, tmp_path: Path) -> None:
    before = db_digest(watched.db)
    bad_name = watched.run("watch", "add", "no spaces please", "--file", str(tmp_path / "x.csv"))
    assert bad_name.exit_code == 1 and "watchlist name" in bad_name.output
    missing = watched.run("watch", "add", "other", "--file", str(tmp_path / "absent.csv"))
    assert missing.exit_code == 1 and "no such file" in missing.output
    empty = tmp_path / "empty.csv"
    empty.write_text("name\nACME\n\n")
    assert watched.run("watch", "add", "other", "--file", str(empty)).exit_code == 1
    unknown = watched.run("watch", "report", "nobody")
    assert unknown.exit_code == 1 and "no watchlist called 'nobody'" in unknown.output
    assert db_digest(watched.db) == before


def test_check_still_verifies_after_a_watchlist_is_added(watched: Cli) -> None:
    """`watch add` writes the database like an ingest does: under the write lock, with the digest `check`
    verifies the derived tables against."""
    result = watched.run("check")
    assert result.exit_code == 0, result.output


def _change_key(c: dict[str, Any]) -> tuple[Any, ...]:
    return (c["change"], c["kind"], c["source_id"], (c["agency"] or {}).get("id"), c["organization"]["id"],
            tuple(c["detected_between"]))


def _api_changes(web: TestClient, **scope: str) -> dict[str, Any]:
    """Every change /api/changes gives for a scope, a page of 500 at a time."""
    found: list[dict[str, Any]] = []
    while True:
        page = web.get("/api/changes", params={**scope, "limit": 500, "offset": len(found)}).json()
        found += page["changes"]
        if not page["changes"] or len(found) >= page["total"]:
            return {**page, "changes": found}


def test_a_fedramp_provider_no_organization_holds_has_its_changes_on_every_face(web: TestClient,
                                                                                 watched: Cli) -> None:
    """A FedRAMP provider matched to no organization (most of them) is its own family: its page, its answer in the
    API, its feed and /api/changes list the changes `changes --org` lists for it."""
    every = watched.json("changes")
    counts: dict[str, int] = {}
    for c in every:
        if c["organization"]["id"].startswith("fedramp-csp:"):
            counts[c["organization"]["id"]] = counts.get(c["organization"]["id"], 0) + 1
    provider = max(sorted(counts), key=lambda i: counts[i] if counts[i] <= 20 else 0)  # one page's worth
    cli = watched.json("changes", "--org", provider)
    assert cli and all(c["organization"]["id"] == provider for c in cli)
    assert [_change_key(c) for c in _api_changes(web, organization=provider)["changes"]] == \
        [_change_key(c) for c in cli]
    assert web.get(f"/api/organizations/{provider}").json()["changes"]["total"] == len(cli)
    feed = web.get(f"/feeds/organization/{provider}")
    assert feed.status_code == 200 and len(_entries(feed.content)) == len(cli)
    section = _what_changed(web.get(formatting.org_path(provider)).text)
    assert "No change recorded yet" not in section and all(c["source_id"] in section for c in cli)


def test_a_curated_company_has_the_changes_of_its_fedramp_provider(web: TestClient, watched: Cli) -> None:
    """Google the curated company is the FedRAMP provider "Google" (no USAspending record here pays Google): one
    node, whose answer holds the provider's cloud products and whose changes, page and feed list its authorizations,
    ICE's among them (Google Workspace appeared there). The same for Adobe."""
    for name in ("Google", "Adobe"):
        answer = watched.json("lookup", name)
        org_id = answer["id"]
        assert answer["fedramp"], name
        found = watched.json("changes", "--org", name)
        assert found and {c["organization"]["id"] for c in found} == {org_id}, name
        assert _api_changes(web, organization=org_id)["total"] == len(found)
        page = web.get(formatting.org_path(org_id)).text
        assert all(c["source_id"] in page for c in found[:20]) and all(p["id"] in page for p in answer["fedramp"])
        feed = web.get(formatting.feed_path("organization", org_id))
        assert feed.status_code == 200 and len(_entries(feed.content)) == min(100, len(found))
    google = watched.json("changes", "--org", "Google", "--agency", "ICE")
    assert any(c["kind"] == "cloud_authorization" and c["change"] == "appeared" for c in google)


def test_every_face_lists_an_organizations_changes_in_one_order(web: TestClient, watched: Cli) -> None:
    """The CLI, /api/changes, the page's newest 20, the page of them all and the feed's newest 100: one order, so
    the change a page shows twentieth is the CLI's twentieth. The family with the most changes, over one page."""
    every = watched.json("changes")
    counts: dict[str, int] = {}
    for c in every:
        counts[c["organization"]["id"]] = counts.get(c["organization"]["id"], 0) + 1
    org_id = max(sorted(counts), key=lambda i: counts[i])
    cli = watched.json("changes", "--org", org_id)
    assert len(cli) > 100
    keys = [_change_key(c) for c in cli]
    assert [_change_key(c) for c in _api_changes(web, organization=org_id)["changes"]] == keys
    answer = web.get(f"/api/organizations/{org_id}").json()["changes"]
    assert answer["total"] == len(cli) and [_change_key(c) for c in answer["recent"]] == keys[:20]
    feed = [e.find(f"{ATOM}id").text for e in _entries(web.get(f"/feeds/organization/{org_id}").content)]
    from whosbehind.web.feeds import entry_id
    assert feed == [entry_id(c) for c in cli[:100]]
    # the section links to the page of them all, which pages through every one
    section = _what_changed(web.get(formatting.org_path(org_id)).text)
    assert re.findall(r'data-source-id="([^"]+)"', section) == [c["source_id"] for c in cli[:20]]
    all_link = formatting.changes_path("organization", org_id)
    assert f'href="{all_link.replace("&", "&amp;")}"' in section
    listed: list[str] = []
    page = web.get(all_link)
    while True:
        assert page.status_code == 200
        listed += re.findall(r'data-source-id="([^"]+)"', page.text)
        following = re.search(r'rel="next" href="([^"]+)"', page.text)
        if not following:
            break
        page = web.get(following.group(1).replace("&amp;", "&"))
    assert listed == [c["source_id"] for c in cli]
    # past the last page, and a request naming no scope or two
    pages = -(-len(cli) // 100)
    assert web.get(formatting.changes_path("organization", org_id, pages + 1)).status_code == 404
    assert web.get("/api/changes").status_code == 400
    assert web.get("/api/changes", params={"agency": "ICE", "watchlist": "council"}).status_code == 400


def test_a_watchlist_has_a_page_with_its_changes(web: TestClient, watched: Cli) -> None:
    """Its page links the organizations the list matched and counts, without showing, the names that matched none
    (a public page; such a name may be anyone's)."""
    page = web.get("/watchlist/council", params={"lang": "en"})  # an earlier test may leave the Spanish cookie
    assert page.status_code == 200
    report = watched.json("watch", "report", "council")
    for e in report["entries"]:
        if e["organization"]:
            assert f'href="{formatting.org_path(e["organization"]["id"])}"' in page.text
        else:
            assert e["entry"] not in page.text
    assert "1 more name on the list matches no organization" in page.text
    assert 'type="application/atom+xml"' in page.text and 'href="/feeds/watchlist/council"' in page.text
    section = _what_changed(page.text)
    assert re.findall(r'data-source-id="([^"]+)"', section) == [c["source_id"] for c in report["changes"][:20]]
    assert web.get("/watchlist/nobody").status_code == 404
    assert _api_changes(web, watchlist="council")["total"] == len(report["changes"])
    listed = web.get("/changes", params={"watchlist": "council"}).text
    assert 'href="/watchlist/council"' in listed


def test_feeds_word_their_entries_as_the_pages_do(web: TestClient) -> None:
    """A product that left an agency "disappeared from" it; the evidence in the English page's words (no raw
    relation codes such as in_process), and every page that has a feed names it in its head."""
    entries = _entries(web.get("/feeds/agency/ICE").content)
    titles = [e.find(f"{ATOM}title").text for e in entries]
    assert any(" disappeared from " in t for t in titles) and not any(" disappeared at " in t for t in titles)
    codes = "|".join(c for c in formatting.RELATION_WORDS if "_" in c)  # in_process, initial_ato: no English word
    summaries = [e.find(f"{ATOM}summary").text for e in entries]
    assert not any(re.search(rf"\b({codes})\b", s) for s in summaries)
    assert any("authorization in process" in s or "initial authorization (ATO)" in s for s in summaries)
    head = web.get("/agency/ICE").text.split("</head>")[0]
    assert '<link rel="alternate" type="application/atom+xml"' in head and 'href="/feeds/agency/ICE"' in head


def test_a_private_persons_name_on_a_watchlist_is_never_kept(web: TestClient, watched: Cli, tmp_path: Path) -> None:
    names = tmp_path / "with_a_person.csv"
    names.write_text("name\nJohn Smith\nPalantir Technologies\n")
    added = watched.run("watch", "add", "people", "--file", str(names))
    assert added.exit_code == 0 and "John Smith" not in added.output and "1 more left out" in added.output
    report = watched.run("watch", "report", "people", "--json")
    assert "John Smith" not in report.stdout
    assert [e["entry"] for e in json.loads(report.stdout)["entries"]] == ["Palantir Technologies"]
    page = web.get("/watchlist/people")
    assert page.status_code == 200 and "PALANTIR" in page.text.upper() and "John Smith" not in page.text
    import duckdb

    con = duckdb.connect(str(watched.db), read_only=True)
    try:
        kept = [r[0] for r in con.execute("SELECT entry FROM watchlists WHERE name = 'people'").fetchall()]
    finally:
        con.close()
    assert kept == ["Palantir Technologies"]
    only_people = tmp_path / "people_only.csv"
    only_people.write_text("name\nJohn Smith\n")
    refused = watched.run("watch", "add", "nobody-but-people", "--file", str(only_people))
    assert refused.exit_code == 1 and "private person" in refused.output and "John Smith" not in refused.output


def test_a_list_of_persons_alone_is_refused_before_the_database_is_copied(watched: Cli, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from whosbehind.store import ingest

    copies: list[Path] = []
    monkeypatch.setattr(ingest, "clone_or_copy", lambda source, target: copies.append(source))
    only_people = tmp_path / "people_only.csv"
    only_people.write_text("name\nJohn Smith\nMaria Garcia\n")
    before = db_digest(watched.db)
    refused = watched.run("watch", "add", "people-only", "--file", str(only_people))
    assert refused.exit_code == 1 and "private person" in refused.output
    assert copies == [] and db_digest(watched.db) == before
