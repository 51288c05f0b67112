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
        refused = watched.run("watch", "report", "council", "--webhook", url)
        assert refused.exit_code == 1 and "answered HTTP 500" in refused.output
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
