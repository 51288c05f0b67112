"""An ingest of award rows into tables this code derived is scoped (build.derive): the money of the awards its
files hold is derived again, the rest kept. Whatever path an ingest takes, its tables are the ones a full derive
of the same stored rows gives."""

from __future__ import annotations

import json
import re
import shutil
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from fastapi.testclient import TestClient

from fresh_helpers import NEW_AWARD, copy_db, differs_from_a_full_derive, modification_file
from samples import (
    API_FY2025,
    API_ZIP,
    LEGACY_FY13,
    LEGACY_ZIP,
    MN_SUMMARIES,
    MN_ZIP,
    SUBAWARDS,
    Cli,
    member_rows,
    query,
    write_csv,
)
from whosbehind import build
from whosbehind.analysis import organization, why
from whosbehind.resolve import scoring
from whosbehind.store import changes, db, digest, ingest, queries
from whosbehind.web.app import create_app


def _ingest(cli: Cli, *paths: Path) -> dict:
    report = cli.json("ingest", *map(str, paths))
    assert report["derived"] and report["rows_added"] > 0
    return report


def test_an_ingest_of_award_rows_derives_only_their_awards(built_db: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Three files in one ingest, all real rows of the bundled sample, each with the change this test is about:

    - a 3-row transaction list: a modification of an award the database holds (which copy counts is decided
      again over all its rows) and a new award (``modification_file``);
    - one Prime Award Summaries row (bundled Minnesota file), its empty recipient DUNS set to the DUNS of the
      FY2013 company (2018-era export) with the most awards and no UEI: that DUNS now belongs to the row's UEI,
      so the older awards of that DUNS, which no new file holds, are paid to the UEI's organization, as a full
      derive pays them.

    - a row that makes resolution merge a company known by its DUNS alone into a new UEI (``_merging_row``): the
      company's older awards, which no new file holds, move to the UEI's organization, their evidence and the
      organization's awards made again.

    Before it, a scoped ingest of one FY2013 row of that company with its PIID emptied: a row without an award
    key, which must move with the others.
    """
    legacy = member_rows(LEGACY_ZIP, LEGACY_FY13)
    legacy_header = legacy[0]
    at_duns, at_piid = legacy_header.index("recipient_duns"), legacy_header.index("award_id_piid")
    con = duckdb.connect(str(built_db), read_only=True)
    try:
        duns, awards = con.execute(
            "SELECT recipient_duns, count(DISTINCT award_key) FROM money WHERE source_format = 'transactions_2018' "
            "AND recipient_id = 'duns:' || recipient_duns AND list_contains($duns, recipient_duns) "
            "GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1", {"duns": [r[at_duns].zfill(9) for r in legacy[1:]]}).fetchone()
    finally:
        con.close()
    keyless = list(next(r for r in legacy[1:] if r[at_duns].zfill(9) == duns))
    keyless[at_piid] = ""
    rows = member_rows(MN_ZIP, MN_SUMMARIES)
    header, row = rows[0], list(rows[1])
    row[header.index("recipient_duns")] = duns
    uei = row[header.index("recipient_uei")]
    modifications, award_key = modification_file(tmp_path / "new_rows.csv")
    summary = write_csv(tmp_path / "summary.csv", [header, row])
    merging, merged_duns, merged_awards, new_uei = _merging_row(built_db, tmp_path / "merged.csv")

    cli = Cli(copy_db(built_db, tmp_path))
    assert _ingest(cli, write_csv(tmp_path / "keyless.csv", [legacy_header, keyless]))["scoped"] is True
    computed: list[str] = []  # the nodes whose answers the second ingest computes again
    answers = organization.answers
    monkeypatch.setattr(organization, "answers", lambda con, ids, **kw: computed.extend(ids) or answers(con, ids, **kw))
    assert _ingest(cli, modifications, summary, merging)["scoped"] is True
    monkeypatch.undo()
    # the digest `check` verifies, brought up to date from the rows the steps removed and added, is the tables'
    con = db.connect(cli.db, read_only=True)
    try:
        assert digest.verify(con) == []
    finally:
        con.close()
    assert differs_from_a_full_derive(cli.db, tmp_path, built_db) == []
    con = duckdb.connect(str(cli.db), read_only=True)
    try:
        files = {r[0] for r in con.execute("SELECT DISTINCT file_name FROM money WHERE award_key = ?",
                                            [award_key]).fetchall()}
        paid = con.execute("SELECT DISTINCT recipient_id FROM money WHERE recipient_duns = ?", [duns]).fetchall()
        keyless_rows = con.execute("SELECT count(*) FROM money WHERE recipient_duns = ? AND award_key IS NULL",
                                   [duns]).fetchone()[0]
        canonical = con.execute("SELECT canonical_id FROM organizations WHERE id = ?",
                                [merged_duns]).fetchone()[0]
        moved = con.execute("SELECT count(*) FROM organization_awards WHERE organization_id = ?",
                            [canonical]).fetchone()[0]
        left = con.execute("SELECT count(*) FROM evidence WHERE kind = 'prime_contract' AND target_id = ?",
                           [merged_duns]).fetchone()[0]
    finally:
        con.close()
    assert modifications.name in files and len(files) > 1  # the award's money: its old rows and the new one
    assert awards > 1 and keyless_rows == 1 and paid == [(f"uei:{uei.upper()}",)]
    # the company merged with the new UEI: its old awards and the new one, under the UEI
    assert canonical == f"uei:{new_uei}" and moved == merged_awards + 1 and left == 0

    # Publishing computed again the answers of the organizations paid by the files' awards, of every member of their
    # families and of the company that merged, and not the thousands of others: every stored answer is a full
    # build's (above).
    con = duckdb.connect(str(cli.db), read_only=True)
    try:
        paid = {r[0] for r in con.execute(
            "SELECT g.id FROM graph_nodes g WHERE g.family_id IN (SELECT o.family_id FROM money m "
            "JOIN organizations o ON o.id = m.recipient_id WHERE list_contains(?, m.file_name))",
            [[modifications.name, summary.name, merging.name]]).fetchall()}
        answered = con.execute("SELECT count(*) FROM organization_answers").fetchone()[0]
    finally:
        con.close()
    assert canonical in paid and paid <= set(computed) and len(set(computed)) < answered / 10

    # The organization's page, kept rendered by the build, shows this database's data dates.
    con = duckdb.connect(str(cli.db), read_only=True)
    try:
        org_id, newest, built = con.execute(
            "SELECT o.canonical_id, (SELECT max(export_ts) FROM source_files)::DATE, "
            "(SELECT max(finished_at) FROM runs)::DATE FROM money m JOIN organizations o ON o.id = m.recipient_id "
            "WHERE m.award_key = ? LIMIT 1", [award_key]).fetchone()
    finally:
        con.close()
    app = create_app(cli.db)
    with TestClient(app) as client:
        html = client.get(f"/org/{org_id}").text
    app.state.db.close()
    assert f"newest source export {newest.isoformat()}, database built {built.isoformat()}" in html
    assert "whosbehind-" not in html


def _merging_row(built_db: Path, path: Path) -> tuple[Path, str, int, str]:
    """One Prime Award Summaries row (bundled Minnesota file): a new award, under a UEI the database does not hold
    and the legal name of a company known until now by its DUNS alone (2018-era export), which stands alone.
    Returns the file, the company's DUNS id, how many awards it has, and the new UEI."""
    con = duckdb.connect(str(built_db), read_only=True)
    try:
        duns_id, name, awards = con.execute(
            "SELECT o.id, o.name, count(DISTINCT m.award_key) FROM organizations o "
            "JOIN money m ON m.recipient_id = o.id "
            "WHERE o.id LIKE 'duns:%' AND o.canonical_id = o.id AND regexp_matches(o.name, ' (INC\\.|LLC)$') "
            "AND o.id NOT IN (SELECT child_id FROM reported_parents) "
            "AND NOT EXISTS (SELECT 1 FROM organizations x WHERE x.canonical_id = o.id AND x.id <> o.id) "
            "GROUP BY 1, 2 ORDER BY 3 DESC, 1 LIMIT 1").fetchone()
    finally:
        con.close()
    new_uei = "ZZ" + duns_id.removeprefix("duns:") + "Z"  # 12 characters, as a UEI; held by no record
    return _summaries_row(path, new_uei, "70CDCR18P99999999", recipient_name=name), duns_id, awards, new_uei


# The dates of an award later than every bundled one (a row of _summaries_row), so that its names are the newest.
LATER_AWARD = {"award_base_action_date": "9/1/26", "award_base_action_date_fiscal_year": "2026",
               "award_latest_action_date": "9/30/26", "award_latest_action_date_fiscal_year": "2026"}


def _summaries_row(path: Path, uei: str, piid: str, **values: str) -> Path:
    """The first row of the bundled Minnesota Prime Award Summaries file, re-cut as an award of its own (``piid``,
    so that the row counts) paid to ``uei`` with no reported parent, with the other ``values`` given."""
    rows = member_rows(MN_ZIP, MN_SUMMARIES)
    header, row = rows[0], list(rows[1])
    values = {"recipient_uei": uei, "recipient_duns": "", "award_id_piid": piid,
              "contract_award_unique_key": f"CONT_AWD_{piid}_7012_-NONE-_-NONE-", **values}
    for column in header:
        if column.startswith("recipient_parent_"):
            row[header.index(column)] = ""
    for column, value in values.items():
        row[header.index(column)] = value
    return write_csv(path, [header, row])


@contextmanager
def _recorded(built_db: Path, tmp_path: Path, files: list[Path], *,
              scoped: bool) -> Iterator[duckdb.DuckDBPyConnection]:
    """A copy of the built sample with ``files`` ingested (a scoped derive) and the build recorded, comparing the
    awards made again alone (``scoped``) or every award."""
    path = tmp_path / f"scoped-{scoped}.duckdb"
    shutil.copy2(built_db, path)
    con = db.connect(path)
    try:
        assert ingest.ingest(con, files, derive=build.derive).scoped is True
        changes.record_build(con, "run-test", "ingest", datetime(2026, 12, 1, 12), scoped=scoped)
        yield con
    finally:
        con.close()


def test_the_build_record_after_a_scoped_derive_is_the_whole_comparison(built_db: Path, tmp_path: Path) -> None:
    """After a scoped derive the build record compares only the awards it made again: the changes it logs, the
    state it keeps and the build's counts are those of comparing every award. Files: a modification of a held
    award and a new award (``modification_file``), and a row that moves a company's older awards to a new UEI
    (``_merging_row``)."""
    modifications, award_key = modification_file(tmp_path / "new_rows.csv")
    merging, duns_id, awards, _ = _merging_row(built_db, tmp_path / "merged.csv")
    recorded = {}
    for scoped in (True, False):
        with _recorded(built_db, tmp_path, [modifications, merging], scoped=scoped) as con:
            recorded[scoped] = (
                con.execute("SELECT * EXCLUDE (build_id) FROM change_log WHERE build_id = 'run-test' "
                            "ORDER BY ALL").fetchall(),
                con.execute("SELECT * EXCLUDE (permalink) FROM build_state_awards ORDER BY ALL").fetchall(),
                con.execute("SELECT * FROM builds WHERE build_id = 'run-test'").fetchall())
    logged = recorded[True][0]
    assert logged == recorded[False][0]
    assert recorded[True][1:] == recorded[False][1:]
    # what the files changed, and nothing else: the modified award, the new ones, and no award of the company
    # whose older awards moved to the UEI (their money did not change)
    assert {r[5] for r in logged if r[4] == "prime_contract"} >= {award_key, NEW_AWARD}
    assert {r[3] for r in logged if r[4] == "prime_contract"} == {"changed", "appeared"}
    assert duns_id not in {r[6] for r in logged} and awards > 1


def test_rows_of_known_records_keep_name_resolution(built_db: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Name resolution reads every name, record (with its address) and reported parent. An ingest whose rows bring
    none it has not read (a modification and a new award of a company the database holds: ``modification_file``)
    keeps its decisions without scoring a name, and the tables are still a full derive's. Rows that bring a new
    name or record are scored again: the first test's row under a new UEI is joined to the company by
    resolution."""
    modifications, award_key = modification_file(tmp_path / "new_rows.csv")

    def scoring_again(*args: object, **kwargs: object) -> None:
        raise AssertionError("the names were scored again, though the ingest brought no name resolution had not read")

    cli = Cli(copy_db(built_db, tmp_path))
    monkeypatch.setattr(scoring, "predict_within", scoring_again)
    assert _ingest(cli, modifications)["scoped"] is True
    monkeypatch.undo()
    assert differs_from_a_full_derive(cli.db, tmp_path, built_db) == []
    # the modification is counted in its award's money
    assert query(cli.db, "SELECT count(*) FROM money WHERE award_key = ? AND file_name = ?",
                 award_key, modifications.name) == [(1,)]


def test_subawards_or_tables_of_other_code_take_a_full_derive(built_db: Path, tmp_path: Path) -> None:
    """Subaward rows feed tables the scoped derive does not keep; tables derived by other code are never kept.
    (The store's ingest, without the CLI's recording and publishing: only the derive's path is in question.)"""
    con = db.connect(copy_db(built_db, tmp_path))
    try:
        subawards = write_csv(tmp_path / "subawards.csv", member_rows(MN_ZIP, SUBAWARDS)[:4])
        assert ingest.ingest(con, [subawards], derive=build.derive).scoped is False
        con.execute("UPDATE derived_layout SET code = 'derived by another version'")
        with db.transaction(con):
            build.derive_evidence(con)  # steps 400 on, by this code, over contract tables of the other
        _the_next_ingest_derives_every_table(con, tmp_path)
    finally:
        con.close()


def _the_next_ingest_derives_every_table(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    """Tables this code cannot keep: an ingest of two new award rows derives them all again, not scoped."""
    assert not db.derived_by_this_code(con)
    path, _ = modification_file(tmp_path / "new_rows.csv")
    report = ingest.ingest(con, [path], derive=build.derive)
    assert report.rows_added == 2 and report.derived and report.scoped is False


def test_another_release_of_a_library_takes_a_full_derive(built_db: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables derived under one DuckDB release are not this code's under another: after an upgrade, the next ingest
    derives every table again (as for tables of other code, above)."""
    from importlib import metadata

    con = db.connect(copy_db(built_db, tmp_path))
    try:
        assert db.derived_by_this_code(con)
        installed = metadata.version
        monkeypatch.setattr(metadata, "version",
                            lambda name: "0.0.1" if name == "duckdb" else installed(name))
        assert "duckdb==0.0.1" in db.installed_versions()
        assert not db.derived_by_this_code(con)
        monkeypatch.undo()
        assert db.derived_by_this_code(con)  # the same release again: the tables are kept
    finally:
        con.close()


# Tables answers read that answer_scope_begin.sql does not note, and why a scoped derive cannot change them
# without answer_scope.sql knowing whose answers it changed.
NOT_NOTED = {
    "organization_awards": "made again per award: the holders of those awards, before and after, are answered again",
    "money": "made again per award, as organization_awards",
    "change_log": "this build's changes name the families answered again",
    "agency_codes": "a reference file of the package: another one is other code, and a full derive",
    "raw_curated_claims": "a scoped ingest stores award rows only",
    "evidence": "step 500 notes the ties whose evidence differs (ties_again): their nodes are answered again",
    "tie_evidence_shown": "chosen from the evidence of each tie: a tie whose choice differs has evidence that differs",
}


def _tables_scanned(plan: object) -> set[str]:
    """The tables a query plan (DuckDB's EXPLAIN as JSON) reads."""
    if isinstance(plan, list):
        return set().union(*map(_tables_scanned, plan)) if plan else set()
    if not isinstance(plan, dict):
        return set()
    extra = plan.get("extra_info")
    table = extra.get("Table") if isinstance(extra, dict) else None
    found = {table.rsplit(".", 1)[-1].strip('"')} if table else set()
    return found | _tables_scanned(plan.get("children", []))


def test_every_table_an_answer_reads_is_noted_before_a_scoped_derive(built_db: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Publishing after a scoped derive computes again only the answers whose rows differ from the notes taken
    before it (answer_scope_begin.sql). A query added to the answer that reads a table no one notes would leave
    answers stale without any test of the bundled data failing: every table answers read is noted, or is one of
    NOT_NOTED."""
    asked: dict[str, dict] = {}
    real_rows = queries.rows

    def recording(con: duckdb.DuckDBPyConnection, name: str, **params: object) -> list[dict]:
        asked.setdefault(name, params)
        return real_rows(con, name, **params)

    con = duckdb.connect(str(built_db), read_only=True)
    try:
        ids = [r["id"] for r in real_rows(con, "answer_ids")]
        monkeypatch.setattr(queries, "rows", recording)
        why.Graph.forget()
        organization.answers(con, ids[::20])  # organizations of every kind, families, FedRAMP, claims, changes
        monkeypatch.undo()
        read = set()
        for name, params in asked.items():
            plan = con.execute("EXPLAIN (FORMAT JSON) " + db.query_text(name), params).fetchone()[1]
            read |= _tables_scanned(json.loads(plan))
    finally:
        con.close()
    assert {"why_evidence", "answer_changes", "answer_fedramp", "answer_tie_evidence"} <= asked.keys()
    noted = set(re.findall(r"\bFROM (\w+)", db.sql_text("answer_scope_begin")))
    assert read and not read - noted - NOT_NOTED.keys(), sorted(read - noted - NOT_NOTED.keys())
    assert NOT_NOTED.keys() & noted == set()  # a table noted needs no reason here


def test_an_award_without_an_amount_leaves_the_totals_a_full_derive_gives(built_db: Path, tmp_path: Path) -> None:
    """A new award whose one row has no obligation, paid to a company in a fiscal year it had no award in: its
    family's and organization's totals for that year are NULL (nothing to add up), not $0.00, as a full derive
    makes them; a scoped derive adds such groups up again whole instead of adding the change to what it kept."""
    header, row = (lambda rows: (rows[0], list(rows[2])))(member_rows(API_ZIP, API_FY2025))
    row[1], row[9] = "70B01C08F99999998", "CONT_AWD_70B01C08F99999998_7014_70B01C23D00000009_7014"
    row[3], row[4], row[5] = "", "2008-01-15", "0"
    cli = Cli(copy_db(built_db, tmp_path))
    assert _ingest(cli, write_csv(tmp_path / "no_amount.csv", [header, row]))["scoped"] is True
    assert differs_from_a_full_derive(cli.db, tmp_path, built_db) == []
    con = duckdb.connect(str(cli.db), read_only=True)
    try:
        unsummed = con.execute(
            "SELECT count(*) FROM family_totals t JOIN organizations o ON o.family_id = t.family_id "
            "JOIN record_awards r ON r.recipient_id = o.id AND r.award_key = ? "
            "WHERE t.fiscal_year = 2008 AND t.obligated IS NULL", [row[9]]).fetchone()[0]
    finally:
        con.close()
    assert unsummed == 1


def test_a_scoped_ingest_brings_the_totals_up_to_date_without_adding_them_up_again(built_db: Path,
                                                                                  tmp_path: Path) -> None:
    """A new modification and a new award of companies the database knows: their families' and organizations'
    totals are brought up to date by what the two awards add (macro group_totals_change), none added up again whole
    (no record joined or left a group, no amount is missing); the totals a full derive gives, as the test above
    checks."""
    rows, _ = modification_file(tmp_path / "new_rows.csv")
    db_path = copy_db(built_db, tmp_path)
    seen: dict[str, int] = {}

    def count(con: duckdb.DuckDBPyConnection) -> bool:
        for table in ("families_whole", "family_totals_change", "organizations_whole", "organization_totals_change"):
            seen[table] = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        return False  # derived nothing more

    report = build.ingest_into(db_path, [rows], then=count)
    assert report.scoped
    assert seen["families_whole"] == 0 and seen["organizations_whole"] == 0, seen
    assert seen["family_totals_change"] > 0 and seen["organization_totals_change"] > 0, seen
    assert differs_from_a_full_derive(db_path, tmp_path, built_db) == []


def test_a_scoped_ingest_chooses_a_large_ties_shown_evidence_from_its_shown_pieces(built_db: Path,
                                                                                  tmp_path: Path) -> None:
    """The strongest evidence of each tie (tie_evidence_shown) is chosen again only for the ties whose evidence
    changed; a contract tie that lost none of its shown pieces chooses among those and the pieces added, without
    reading its other awards, and the choice is the one a full derive makes."""
    rows, _ = modification_file(tmp_path / "new_rows.csv")
    db_path = copy_db(built_db, tmp_path)
    seen: dict[str, int] = {}

    def count(con: duckdb.DuckDBPyConnection) -> bool:
        seen["contract ties chosen again"] = con.execute(
            "SELECT count(*) FROM ties_again WHERE kind = 'prime_contract'").fetchone()[0]
        seen["of those, read whole"] = con.execute(
            "SELECT count(*) FROM shown_ties_read_whole WHERE kind = 'prime_contract'").fetchone()[0]
        seen["contract ties"] = con.execute("SELECT count(*) FROM ties WHERE kind = 'prime_contract'").fetchone()[0]
        # the largest contract tie chosen again from its shown pieces, and how many pieces that choice read
        seen["its pieces"], seen["pieces read"] = con.execute(
            "SELECT t.evidence_count, (SELECT count(*) FROM shown_candidates c WHERE c.kind = t.kind "
            "AND c.source_id = t.source_id AND c.target_id = t.target_id) FROM ties t "
            "SEMI JOIN shown_ties_chosen_again a ON a.kind = t.kind AND a.source_id = t.source_id "
            "AND a.target_id = t.target_id WHERE t.kind = 'prime_contract' "
            "ORDER BY t.evidence_count DESC LIMIT 1").fetchone()
        return False

    assert build.ingest_into(db_path, [rows], then=count).scoped
    assert 0 < seen["contract ties chosen again"] < seen["contract ties"], seen
    assert seen["of those, read whole"] < seen["contract ties chosen again"], seen
    assert seen["its pieces"] > 5 and seen["pieces read"] < seen["its pieces"], seen
    assert differs_from_a_full_derive(db_path, tmp_path, built_db) == []


def test_an_answer_shows_each_ties_strongest_evidence(built_db: Path) -> None:
    """Each tie an answer lists shows its largest pieces of evidence (then the latest), read here from the evidence
    table directly: for the organizations with the most contract evidence, whose ties hold hundreds of awards, and
    the reseller with the most awards naming a product (more single-award ties than an answer lists)."""
    con = db.connect(built_db, read_only=True)
    try:
        ids = [r[0] for r in con.execute(
            "(SELECT target_id FROM evidence WHERE kind = 'prime_contract' GROUP BY ALL ORDER BY count(*) DESC, 1 "
            "LIMIT 5) UNION (SELECT target_id FROM ties WHERE kind = 'named_in_award' GROUP BY ALL "
            "ORDER BY count(*) DESC, 1 LIMIT 1)").fetchall()]
        found = organization.answers(con, ids)
        checked: dict[str, int] = defaultdict(int)
        for org_id in ids:
            for tie in found[org_id]["ties"] + found[org_id]["family_ties"]:
                expected = con.execute(
                    "SELECT evidence_id FROM evidence WHERE kind = ? AND source_id = ? AND target_id = ? "
                    "AND (kind <> 'named_in_award' OR award_key = ?) "
                    "ORDER BY amount DESC NULLS LAST, last_date DESC NULLS LAST, evidence_id LIMIT ?",
                    [tie["kind"], tie["source_id"], tie["target_id"], tie["award_key"],
                     organization.EVIDENCE_PER_TIE]).fetchall()
                assert [e["evidence_id"] for e in tie["evidence"]] == [r[0] for r in expected], tie
                checked[tie["kind"]] += bool(expected)
    finally:
        con.close()
    assert checked["prime_contract"] >= 5 and checked["named_in_award"] >= organization.TIES_PER_KIND, checked


ESCGOV, IBM = ("136155178", "ESCGOV, INC."), ("001368083", "INTERNATIONAL BUSINESS MACHINES CORPORATION")


@pytest.mark.parametrize(("child", "parent"), [(ESCGOV, IBM), (IBM, ESCGOV)], ids=["reseller-joins", "maker-joins"])
def test_a_company_that_joins_the_family_of_a_reseller_or_maker_moves_the_named_products(
        built_db: Path, tmp_path: Path, child: tuple[str, str], parent: tuple[str, str]) -> None:
    """ESCGOV, INC. resells IBM products (awards whose descriptions name them, 2018-era rows). A new award row,
    cut from the bundled Minnesota summaries, reports one of the two as the other's parent: they are one family,
    and ESCGOV's awards naming IBM products are that family's own contracts, no longer money reaching IBM through
    others. Those awards are not in the ingest's file (the family of the reseller changes, or the maker's);
    a scoped derive makes their product ties again all the same, as a full derive does."""
    reported = _summaries_row(tmp_path / "parent.csv", "", "70CDCR25P99999991", recipient_duns=child[0],
                              recipient_name=child[1], recipient_name_raw=child[1], recipient_parent_duns=parent[0],
                              recipient_parent_name=parent[1], recipient_parent_name_raw=parent[1],
                              award_base_action_date="1/15/25", award_latest_action_date="1/15/25",
                              last_modified_date="1/15/25", usaspending_permalink="")
    db_path = copy_db(built_db, tmp_path)
    named_ibm = ("SELECT count(*) FROM product_mentions WHERE recipient_id = 'duns:136155178' "
                 "AND maker_entity = 'ibm'")
    before = query(db_path, named_ibm)[0][0]
    assert build.ingest_into(db_path, [reported]).scoped
    assert query(db_path, "SELECT family_id FROM organizations WHERE id = ?", f"duns:{child[0]}") == [
        (f"duns:{parent[0]}",)]
    assert before > 0 and query(db_path, named_ibm) == [(0,)]
    assert differs_from_a_full_derive(db_path, tmp_path, built_db) == []


def test_a_tie_that_loses_a_shown_piece_reads_its_evidence_again(built_db: Path, tmp_path: Path) -> None:
    """A later export repeating the largest transaction of the bundled FY2025 CBP/ICE list: the transaction is
    counted from the newest export only, so the old file's piece of evidence for that award loses its row. That
    piece was among the strongest its tie shows, and the tie keeps its other awards: the scoped derive reads the
    tie's evidence again to choose what it shows, and shows what a full derive shows."""
    rows = member_rows(API_ZIP, API_FY2025)
    header, largest = rows[0], max(rows[1:], key=lambda r: float(r[3] or 0))
    db_path = copy_db(built_db, tmp_path)
    seen: dict[str, int] = {}

    def count(con: duckdb.DuckDBPyConnection) -> bool:
        seen["large ties read whole"] = con.execute(
            "SELECT count(*) FROM shown_ties_read_whole w JOIN ties t ON t.kind = w.kind AND t.source_id = w.source_id "
            "AND t.target_id = w.target_id WHERE t.kind = 'prime_contract' AND t.evidence_count > 5").fetchone()[0]
        return False

    later = write_csv(tmp_path / "CBP_ICE_FY2025_Contract_Obligations_2026-06-01_H00M00S00.csv", [header, largest])
    assert build.ingest_into(db_path, [later], then=count).scoped
    assert seen["large ties read whole"] >= 1, seen
    assert differs_from_a_full_derive(db_path, tmp_path, built_db) == []


def test_a_new_award_under_another_name_renames_the_awards_the_build_record_keeps(built_db: Path,
                                                                                  tmp_path: Path) -> None:
    """One Prime Award Summaries row (bundled Minnesota file) re-cut as a new, later award of the company with the
    most awards among those the records name in more than one way (its UEI), under another of the names the records
    give it. The company now goes by that name: the build record of a scoped derive keeps its other awards, which
    it does not compare again, under the new name, as a record comparing every award does."""
    ((org_id, name, other),) = query(
        built_db,
        "SELECT o.id, o.name, min(n.name) FILTER (WHERE n.name <> o.name) FROM organizations o "
        "JOIN org_names n ON n.id = o.id JOIN money m ON m.recipient_id = o.id "
        "WHERE o.id LIKE 'uei:%' AND o.canonical_id = o.id AND o.id NOT IN (SELECT child_id FROM reported_parents) "
        "GROUP BY o.id, o.name HAVING count(DISTINCT n.name) > 1 "
        "ORDER BY count(DISTINCT m.award_key) DESC, o.id LIMIT 1")
    renamed = _summaries_row(tmp_path / "renamed.csv", org_id.removeprefix("uei:"), "70CDCR18P99999997",
                             recipient_name=other, recipient_name_raw=other, **LATER_AWARD)
    kept = {}
    for scoped in (True, False):
        with _recorded(built_db, tmp_path, [renamed], scoped=scoped) as con:
            assert con.execute("SELECT name FROM organizations WHERE id = ?", [org_id]).fetchone()[0] == other
            kept[scoped] = con.execute("SELECT * FROM build_state_awards ORDER BY ALL").fetchall()
            names = con.execute("SELECT DISTINCT recipient_name FROM build_state_awards WHERE recipient_id = ?",
                                [org_id]).fetchall()
            assert names == [(other,)], (name, names)
    assert kept[True] == kept[False]


def test_a_maker_that_now_stands_for_another_record_of_its_family_moves_its_named_products(
        built_db: Path, tmp_path: Path) -> None:
    """A maker whose products awards name (step 430) is matched, at its best rank, to several records of one family;
    the record paid most stands for it. One Prime Award Summaries row (bundled Minnesota file) re-cut as a new award
    to another of those records, larger than all the first one is paid, under the record's DUNS, name and reported
    parent: that record now stands for the maker, and the family is as it was, so step 430 keeps the product ties.
    The awards naming the maker's products are paid to others and are not in the file: the scoped derive makes their
    evidence again all the same (they now tie the new record), as a full derive does."""
    ((maker, record, name, parent_id, parent_name, paid),) = query(
        built_db,
        "WITH best AS (SELECT node_id, min(rank) AS rank FROM node_matches GROUP BY node_id), "
        "paid AS (SELECT o.canonical_id, sum(m.amount) AS obligated FROM money m "
        "         JOIN organizations o ON o.id = m.recipient_id GROUP BY 1) "
        "SELECT c.node_id, r.id, r.name, p.parent_id, po.name, coalesce(w.obligated, 0) "
        "FROM node_canonical c JOIN best b USING (node_id) "
        "JOIN node_matches n ON n.node_id = c.node_id AND n.rank = b.rank "
        "JOIN organizations r ON r.id = n.org_id JOIN organizations now ON now.id = c.canonical_id "
        "JOIN reported_parents p ON p.child_id = r.id JOIN organizations po ON po.id = p.parent_id "
        "LEFT JOIN paid w ON w.canonical_id = c.canonical_id "
        "WHERE c.node_id IN (SELECT maker_node FROM product_mentions WHERE recipient_id <> c.canonical_id) "
        "AND r.id LIKE 'duns:%' AND r.canonical_id = r.id AND r.id <> c.canonical_id "
        "AND r.family_id = now.family_id AND (p.parent_id LIKE 'uei:%' OR p.parent_id LIKE 'duns:%') "
        "ORDER BY c.node_id, r.id LIMIT 1")
    kind, parent_key = parent_id.split(":", 1)
    row = _summaries_row(tmp_path / "larger.csv", "", "70CDCR18P99999996", recipient_duns=record.removeprefix("duns:"),
                         recipient_name=name, recipient_name_raw=name,
                         **{f"recipient_parent_{kind}": parent_key}, recipient_parent_name=parent_name,
                         recipient_parent_name_raw=parent_name, total_obligated_amount=str(paid + 1_000_000),
                         **LATER_AWARD)
    named = "SELECT count(*) FROM evidence WHERE kind = 'named_in_award' AND source_as_written = ? AND source_id = ?"
    makers = "SELECT * FROM maker_families ORDER BY ALL"
    db_path = copy_db(built_db, tmp_path)
    assert query(db_path, named, maker, record) == [(0,)]
    families = query(db_path, makers)
    assert build.ingest_into(db_path, [row]).scoped
    assert query(db_path, "SELECT canonical_id FROM node_canonical WHERE node_id = ?", maker) == [(record,)]
    assert query(db_path, makers) == families  # the path under test: step 430 made no product tie again
    assert query(db_path, named, maker, record)[0][0] > 0
    assert differs_from_a_full_derive(db_path, tmp_path, built_db) == []
