"""Live registries, tested offline: a server on 127.0.0.1 replays real GLEIF and USAspending answers."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import duckdb
import pytest

import samples
from samples import Cli
from whosbehind.errors import WhosbehindError
from whosbehind.sources.registries import GleifClient, UsaspendingRecipientClient, recipient_hash

HERE = Path(__file__).parent / "registries"
APPLE_ENERGY = "549300YX4S1LLSMK2627"
IOWA_UEI = "Z1H9VJS8NG16"
ROUTES = {
    f"/gleif/lei-records/{APPLE_ENERGY}/direct-parent-relationship":
        "direct-parent-relationship_549300YX4S1LLSMK2627.json",
    f"/gleif/lei-records/{APPLE_ENERGY}/ultimate-parent-relationship":
        "ultimate-parent-relationship_549300YX4S1LLSMK2627.json",
    "/usa/recipient/0b441d38-e3c0-de89-ee08-69fc9e6ee58a-C/": "recipient_university.json",
    "/usa/recipient/1c0c11fa-ee74-ced4-75c3-0b5a0d4826db-P/": "recipient__recipient_id.response.1.json",
}


class Replay(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []
    fail_first: ClassVar[set[str]] = set()  # paths answered 503 once before their real answer

    def do_GET(self) -> None:
        Replay.hits.append(self.path)
        if self.path in Replay.fail_first:
            Replay.fail_first.discard(self.path)
            self.send_response(503)
            self.send_header("Retry-After", "0")
            self.end_headers()
            return
        name = ROUTES.get(self.path)
        if name is None:
            self.send_response(404)
            self.end_headers()
            self.wfile.write(b'{"detail": "Not found"}')
            return
        body = (HERE / name).read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Replay)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_recipient_hash_is_usaspendings_profile_id() -> None:
    # the profile ids of the two real answers
    assert recipient_hash(uei=IOWA_UEI) == "0b441d38-e3c0-de89-ee08-69fc9e6ee58a"
    assert recipient_hash(duns="058675323") == "1c0c11fa-ee74-ced4-75c3-0b5a0d4826db"


def test_gleif_parents_with_periods_retries_and_cache(server: str, tmp_path: Path) -> None:
    Replay.hits.clear()
    direct = f"/gleif/lei-records/{APPLE_ENERGY}/direct-parent-relationship"
    Replay.fail_first = {direct}
    waits: list[float] = []
    client = GleifClient(f"{server}/gleif", tmp_path, sleep=waits.append)
    links = client.parents(APPLE_ENERGY)
    assert {(x.kind, x.parent_id) for x in links} == {("direct", "lei:HWUPKR0MPOU8FGXBT394"),
                                                       ("ultimate", "lei:HWUPKR0MPOU8FGXBT394")}
    assert all(x.child_id == f"lei:{APPLE_ENERGY}" and x.status == "ACTIVE" and x.valid_from for x in links)
    assert waits == [0.0] and Replay.hits.count(direct) == 2  # one 503, then the answer
    assert all(len(x.sha256) == 64 and x.url.endswith("relationship") for x in links)
    # a second client on the same cache asks nothing
    before = len(Replay.hits)
    again = GleifClient(f"{server}/gleif", tmp_path).parents(APPLE_ENERGY)
    assert again == links and len(Replay.hits) == before
    # an entity with no parent (404) gives no link, and that answer is cached too
    assert GleifClient(f"{server}/gleif", tmp_path).parents("5493001KJTIIGC8Y1R12") == []


def test_usaspending_parents_by_uei_and_by_profile(server: str, tmp_path: Path) -> None:
    client = UsaspendingRecipientClient(f"{server}/usa", tmp_path)
    # The University of Iowa names itself as its parent: no link.
    assert client.parents_of(IOWA_UEI) == []
    links = client.parents("1c0c11fa-ee74-ced4-75c3-0b5a0d4826db-P")
    assert [(x.child_id, x.parent_id, x.parent_name) for x in links] == [
        ("uei:NUDGYLBB4S99", "uei:D1RMTDTMKLE8", "ART LINE WHOLESALERS, INC.")]


def test_a_registry_that_keeps_failing_is_one_readable_error(server: str, tmp_path: Path) -> None:
    client = GleifClient("http://127.0.0.1:9", tmp_path, retries=1, sleep=lambda s: None)  # nothing listens
    with pytest.raises(WhosbehindError, match="after 2 tries"):
        client.parents(APPLE_ENERGY)


def test_refresh_families_without_a_uei_asks_about_the_best_paid_records(server: str, built: Cli,
                                                                          tmp_path: Path) -> None:
    db = tmp_path / "copy.duckdb"
    shutil.copy2(built.db, db)
    Replay.hits.clear()
    result = Cli(db).run("refresh-families", "--only", "usaspending", "--limit", "2", "--usaspending-url",
                         f"{server}/usa", "--cache", str(tmp_path / "cache"), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["asked_ueis"] == 2
    # the two records paid most, added up from the money rows themselves
    best = [r[0] for r in samples.query(built.db, "SELECT o.uei FROM money m JOIN organizations o "
                                        "ON o.id = m.recipient_id WHERE o.uei IS NOT NULL GROUP BY o.uei "
                                        "ORDER BY sum(m.amount) DESC, o.uei LIMIT 2")]
    asked = {hit.split("/")[-2].rsplit("-", 1)[0] for hit in Replay.hits if "/recipient/" in hit}
    assert asked == {recipient_hash(uei=u) for u in best}


def test_refresh_families_stores_answers_and_derives_families(server: str, built: Cli, tmp_path: Path) -> None:
    db = tmp_path / "copy.duckdb"
    shutil.copy2(built.db, db)
    cli = Cli(db)
    result = cli.run("refresh-families", "--uei", IOWA_UEI, "--lei", APPLE_ENERGY, "--gleif-url", f"{server}/gleif",
                     "--usaspending-url", f"{server}/usa", "--cache", str(tmp_path / "cache"), "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["links"] == {"gleif": 2} and out["asked_ueis"] == 1
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT source, grade, kind, citation FROM family_links "
                           "WHERE child_id = 'lei:549300YX4S1LLSMK2627' ORDER BY precedence").fetchall()
        raw = con.execute("SELECT count(*), count(DISTINCT sha256) FROM raw_registry_links").fetchone()
        # recorded as a build, like an ingest (here the current parents stay as curated: no change is logged)
        recorded = con.execute("SELECT b.changes, count(c.build_id) FROM builds b "
                               "LEFT JOIN change_log c ON c.build_id = b.build_id "
                               "WHERE b.command = 'refresh-families' GROUP BY ALL").fetchall()
    finally:
        con.close()
    assert len(recorded) == 1 and recorded[0][0] == recorded[0][1]
    live = [r for r in rows if r[3].startswith("GLEIF API level 2 http://127.0.0.1")]
    assert [r[:3] for r in live] == [("gleif", "A", "consolidated (direct parent)"),
                                     ("gleif", "A", "consolidated (ultimate parent)")]
    assert all("retrieved" in r[3] and "sha256" in r[3] for r in live)
    assert raw == (2, 2)
    # the stored rows survive a later derivation (a rebuild keeps raw tables)
    assert cli.run("check").exit_code == 0
    bad = cli.run("refresh-families", "--only", "sec")
    assert bad.exit_code == 1 and "--only must be gleif or usaspending" in bad.output


def test_a_refresh_whose_registry_fails_leaves_the_database_byte_for_byte(built: Cli, tmp_path: Path) -> None:
    db = tmp_path / "copy.duckdb"
    shutil.copy2(built.db, db)
    before = db.read_bytes()
    result = Cli(db).run("refresh-families", "--only", "gleif", "--lei", APPLE_ENERGY,
                         "--gleif-url", "http://127.0.0.1:9", "--cache", str(tmp_path / "cache"))  # nothing listens
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "http://127.0.0.1:9/" in lines[0] and "tries" in lines[0], result.output
    # the run worked on a copy, thrown away: the database was not even opened for writing
    assert db.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("copy.duckdb.")] in ([], ["copy.duckdb.lock"])
