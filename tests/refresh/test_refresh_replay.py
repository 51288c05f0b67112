"""`whosbehind refresh` against a local server replaying recorded USAspending and FedRAMP answers: what it
stores when all goes well, and that every way a source breaks leaves the database exactly as it was."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import zipfile
from pathlib import Path

import duckdb
import pytest
from replay_server import Behaviour, ReplayServer

from fresh_helpers import copy_db, db_digest
from samples import MN_SUMMARIES, MN_ZIP, SUBAWARDS, Cli, member_bytes, member_rows, query
from whosbehind import jsontext
from whosbehind.store.evidence import bundled_dir

FEED_DATE = "2026-11-30"
ICE_FEDRAMP = "22-002-04"


def downloaded_summaries() -> tuple[list[str], list[list[str]]]:
    """The header and the first 20 award summaries of the bundled MN export: the rows the bulk download holds."""
    rows = member_rows(MN_ZIP, MN_SUMMARIES)
    return list(rows[0]), [list(r) for r in rows[1:21]]


def download_zip() -> tuple[bytes, str]:
    """A bulk download as USAspending serves it: rows cut from the bundled MN export (its first 20 award
    summaries, the sixth one's total_obligated_amount raised by $1,000.00: an award the sample counts from its
    summary) and its 482 subawards."""
    header, body = downloaded_summaries()
    column = header.index("total_obligated_amount")
    body[5][column] = f"{float(body[5][column]) + 1000:.2f}"
    key = body[5][header.index("contract_award_unique_key")]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        text = io.StringIO()
        csv.writer(text, lineterminator="\n").writerows([header, *body])
        z.writestr("Contracts_PrimeAwardSummaries_2026-11-30_H10M00S00_1.csv", text.getvalue())
        # The same bytes as the bundled file: the ingest knows it holds them already.
        z.writestr("Contracts_Subawards_2026-11-30_H10M00S05_1.csv", member_bytes(MN_ZIP, SUBAWARDS))
    return out.getvalue(), key.upper()


def fedramp_feed() -> tuple[bytes, str]:
    """The bundled 2026-04-28 feed, published again on 2026-11-30 without one of the products listed at ICE."""
    doc = json.loads(gzip.decompress((bundled_dir() / "fedramp" / "data-2026-04-28.json.gz").read_bytes()))
    doc["meta"]["last_change"] = f"{FEED_DATE}T02:40:42.651Z"
    ice = next(a for a in doc["data"]["Agencies"] if a["id"] == ICE_FEDRAMP)
    gone = ice["auths"][0]["id"]
    for a in doc["data"]["Agencies"]:
        a["auths"] = [x for x in a["auths"] if not (a["id"] == ICE_FEDRAMP and x["id"] == gone)]
    for table in ("AtoMapping", "ReuseMapping"):
        doc["data"][table] = [r for r in doc["data"][table]
                              if not (r["id"] == gone and ICE_FEDRAMP in (r.get("agency_id"), r.get("sub_id")))]
    for p in doc["data"]["Products"]:
        if p["id"] == gone:
            p["agency_reuse"] = [x for x in p.get("agency_reuse") or [] if x != ICE_FEDRAMP]
    return json.dumps(doc).encode(), gone


@pytest.fixture
def setup(built_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    zip_bytes, _ = download_zip()
    feed, _ = fedramp_feed()
    behaviour = Behaviour(zip_bytes=zip_bytes, fedramp_bytes=feed)
    with ReplayServer(behaviour) as server:
        monkeypatch.setenv("WHOSBEHIND_USASPENDING_API", server.url)
        monkeypatch.setenv("WHOSBEHIND_FEDRAMP_URL", server.url + "/fedramp/data.json")
        monkeypatch.setenv("WHOSBEHIND_HTTP_BACKOFF", "0.01")
        monkeypatch.setenv("WHOSBEHIND_HTTP_RETRIES", "2")
        monkeypatch.setenv("WHOSBEHIND_POLL_SECONDS", "0.01")
        yield Cli(copy_db(built_db, tmp_path)), behaviour


def _refuses(cli: Cli, *args: str, says: str) -> None:
    before = db_digest(cli.db)
    result = cli.run("refresh", "--agency", "ICE", "--since", "2025-10-01", *args)
    assert result.exit_code == 1, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and says in errors[0] and result.output.rstrip().endswith(errors[0]), result.output
    assert db_digest(cli.db) == before  # byte-identical: nothing was stored


def test_refresh_stores_the_download_and_a_new_fedramp_snapshot(setup) -> None:
    cli, behaviour = setup
    _, changed_key = download_zip()
    _, gone = fedramp_feed()
    report = cli.json("refresh", "--agency", "ICE", "--since", "2025-10-01")
    bulk, feed = report["coverage"]
    assert bulk["source"] == "usaspending-bulk" and bulk["agency"] == "ICE"
    assert bulk["rows"] == bulk["api_count"] == 20 + 482
    assert bulk["files"][0]["sha256"] == hashlib.sha256(behaviour.zip_bytes).hexdigest()
    assert feed["source"] == "fedramp" and feed["files"][0]["sha256"] == hashlib.sha256(
        behaviour.fedramp_bytes).hexdigest()
    assert report["rows_added"] == 20 and report["fedramp_snapshot"] == FEED_DATE
    con = duckdb.connect(str(cli.db), read_only=True)
    assert con.execute("SELECT count(*) FROM raw_fedramp_snapshots").fetchone()[0] == 4
    assert con.execute("SELECT count(*), sum(rows) FROM refresh_coverage").fetchone() == (2, 502 + 642)
    con.close()
    assert not cli.db.with_name(cli.db.name + ".refresh").exists()
    changes = cli.json("changes", "--since", FEED_DATE)
    assert {(c["change"], c["source_id"]) for c in changes if c["kind"] == "cloud_authorization"} == {
        ("disappeared", gone)}
    award = [c for c in changes if c["kind"] == "prime_contract" and c["source_id"] == changed_key]
    assert award and award[0]["change"] == "changed"
    assert round(award[0]["amount"] - award[0]["previous_amount"], 2) == 1000.0
    # The agency filter was ICE's, as USAspending names it.
    assert behaviour.requests[0] == "POST /api/v2/bulk_download/awards/"


def test_a_refresh_of_the_fedramp_feed_alone_derives_the_evidence_and_keeps_every_total(setup) -> None:
    """No award rows to store: only the evidence is derived again (build.derive_evidence, steps 400 on, in a process
    that ran no step before them), and every total stays as it was."""
    cli, _ = setup
    _, gone = fedramp_feed()
    totals = "SELECT * FROM organization_totals ORDER BY ALL"
    before = query(cli.db, totals)
    report = cli.json("refresh", "--agency", "ICE", "--since", "2025-10-01", "--source", "fedramp")
    assert report["rows_added"] == 0 and report["fedramp_snapshot"] == FEED_DATE
    assert query(cli.db, totals) == before
    changes = cli.json("changes", "--since", FEED_DATE)
    assert {(c["change"], c["source_id"]) for c in changes if c["kind"] == "cloud_authorization"} == {
        ("disappeared", gone)}


def test_a_refresh_of_awards_alone_publishes_only_the_answers_they_change(setup, monkeypatch: pytest.MonkeyPatch
                                                                          ) -> None:
    """A refresh that stores award rows and no new FedRAMP snapshot derives only their awards again and publishes
    only the answers they can change (as an ingest does: tests/fresh compares every table of that with a full
    build). Every stored answer, of the awards' holders and of every tenth organization, is the one computed now."""
    from whosbehind.analysis import answer_scope, organization
    from whosbehind.store import queries

    cli, _ = setup
    _, changed_key = download_zip()
    scopes = []
    affected = answer_scope.affected
    monkeypatch.setattr(answer_scope, "affected", lambda con: scopes.append(affected(con)) or scopes[-1])
    report = cli.json("refresh", "--agency", "ICE", "--since", "2025-10-01", "--source", "usaspending")
    assert report["rows_added"] == 20 and report["fedramp_snapshot"] is None
    assert len(scopes) == 1 and scopes[0] is not None  # a set of answers, not every one
    con = duckdb.connect(str(cli.db), read_only=True)
    try:
        header, body = downloaded_summaries()
        keys = [r[header.index("contract_award_unique_key")].upper() for r in body]
        holders = {r[0] for r in con.execute("SELECT organization_id FROM organization_awards "
                                             "WHERE list_contains(?, upper(award_key))", [keys]).fetchall()}
        held = con.execute("SELECT count(*) FROM organization_awards WHERE upper(award_key) = ?",
                           [changed_key]).fetchone()[0]
        every = [r["id"] for r in queries.rows(con, "answer_ids")]
        ids = sorted(holders & set(every) | set(every[::10]))
        assert held == 1 and holders & set(every) and holders & set(every) <= scopes[0]
        for org_id, fresh in organization.answers(con, ids).items():
            assert organization.stored_json(con, org_id) == jsontext.dumps(fresh), org_id  # byte for byte
    finally:
        con.close()
    result = cli.run("check")  # every total reconciles, every derived table is as the refresh recorded it
    assert result.exit_code == 0, result.output


def test_a_5xx_mid_run_stores_nothing(setup) -> None:
    cli, behaviour = setup
    behaviour.status_5xx = 100
    _refuses(cli, says="USAspending download status: failed 3 times, last: HTTP 503")


def test_a_passing_5xx_is_retried(setup) -> None:
    cli, behaviour = setup
    behaviour.status_5xx = 1
    report = cli.json("refresh", "--agency", "ICE", "--since", "2025-10-01", "--source", "usaspending")
    assert report["rows_added"] == 20


def test_a_connection_cut_mid_file_stores_nothing(setup) -> None:
    cli, behaviour = setup
    behaviour.cut_downloads = 100
    _refuses(cli, "--source", "usaspending", says="connection cut")
    assert behaviour.ranges  # each retry asked for the rest of the file, not the whole file again


def test_a_cut_download_goes_on_where_it_stopped(setup) -> None:
    cli, behaviour = setup
    behaviour.cut_downloads = 3  # the first run gives up (3 attempts), the second resumes from the part kept
    _refuses(cli, "--source", "usaspending", says="connection cut")
    assert cli.db.with_name(cli.db.name + ".refresh").exists()
    report = cli.json("refresh", "--agency", "ICE", "--since", "2025-10-01", "--source", "usaspending")
    assert report["coverage"][0]["files"][0]["sha256"] == hashlib.sha256(behaviour.zip_bytes).hexdigest()
    assert report["rows_added"] == 20
    # The killed run's download request was not made again: the second run waited for the same file.
    assert behaviour.requests.count("POST /api/v2/bulk_download/awards/") == 1
    assert behaviour.ranges


def test_a_truncated_zip_stores_nothing(setup) -> None:
    cli, behaviour = setup
    behaviour.truncate_zip = True
    _refuses(cli, "--source", "usaspending", says="not a whole zip archive")


def test_a_count_mismatch_refuses_the_run(setup) -> None:
    cli, behaviour = setup
    behaviour.total_rows = 20 + 482 + 1
    _refuses(cli, says="gave 502 rows but the API reports 503")


def test_a_search_stopped_at_the_50000_row_window_stores_nothing(setup) -> None:
    cli, behaviour = setup
    behaviour.search_rows, behaviour.search_gives_cursor = 50_150, False
    _refuses(cli, "--source", "usaspending", "--via", "search", says="50,000-row window")


@pytest.mark.slow
def test_the_search_goes_past_50000_rows_with_its_cursor(setup) -> None:
    cli, behaviour = setup
    behaviour.search_rows = 50_150
    report = cli.json("refresh", "--agency", "ICE", "--since", "2025-10-01", "--source", "usaspending",
                      "--via", "search")
    assert report["coverage"][0]["rows"] == report["coverage"][0]["api_count"] == 50_150
    assert report["rows_added"] == 50_150
    past = [b for b in behaviour.search_bodies if b["page"] * b["limit"] > 50_000]
    assert past and all("last_record_unique_id" in b for b in past)
    con = duckdb.connect(str(cli.db), read_only=True)
    mods = con.execute("SELECT count(DISTINCT \"Modification\") FROM raw_api_transactions "
                       "WHERE regexp_full_match(\"Modification\", 'R[0-9]{6}')").fetchone()[0]
    con.close()
    assert mods == 50_150


def test_bad_options_are_one_line(setup) -> None:
    cli, _ = setup
    _refuses(cli, "--source", "everything", says="--source")
    bad = cli.run("refresh", "--agency", "NOPE")
    assert bad.exit_code == 1 and "not an agency" in bad.output
