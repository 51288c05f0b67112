"""The evidence tables: every snapshot kept, changes between snapshots, derived ties apart."""

from __future__ import annotations

import duckdb


def _con(cli):
    return duckdb.connect(str(cli.db), read_only=True)


def test_every_snapshot_is_kept_with_its_products(evidence_cli) -> None:
    con = _con(evidence_cli)
    try:
        snaps = dict(con.execute("SELECT snapshot_date::VARCHAR, products FROM raw_fedramp_snapshots").fetchall())
        assert snaps == {"2023-10-10": 440, "2025-04-17": 541, "2026-04-28": 642}
        # Palantir Federal Cloud Service - High: listed by ICE only in the newest snapshot.
        row = con.execute("SELECT snapshots::VARCHAR FROM fedramp_authorizations WHERE product_id = 'FR2434554673' "
                          "AND fedramp_agency_id = '22-002-04' AND relation = 'listed'").fetchone()
        assert row == ("[2026-04-28]",)
        appeared = con.execute("SELECT count(*) FROM fedramp_changes WHERE change = 'appeared' "
                               "AND product_id = 'FR2434554673' AND fedramp_agency_id = '22-002-04'").fetchone()[0]
        assert appeared >= 1
        # No initial ATO is said to appear in 2025 merely because the 2023 format had no AtoMapping.
        assert con.execute("SELECT count(*) FROM fedramp_changes WHERE relation = 'initial_ato' "
                           "AND previous = DATE '2023-10-10'").fetchone()[0] == 0
    finally:
        con.close()


def test_facility_operators_are_companies_only(evidence_cli) -> None:
    con = _con(evidence_cli)
    try:
        operators = {r[0] for r in con.execute(
            "SELECT DISTINCT source_as_written FROM evidence WHERE kind = 'facility_operation'").fetchall()}
        assert {"operator:GEO", "operator:CCA"} <= operators
        assert not {"operator:COUNTY", "operator:CITY", "operator:BOP"} & operators
        # The operator codes of GEO and CoreCivic lead to their organizations, not to nodes of their own.
        geo = con.execute("SELECT DISTINCT source_id FROM evidence WHERE source_as_written = 'operator:GEO'").fetchall()
        assert geo == [("duns:612706465",)]
        # Dated by the facility's own period: Adelanto (ADLNTCA) was first used in 2011, not in 2017 when the
        # list was released.
        adelanto = con.execute("SELECT first_date::VARCHAR, last_date::VARCHAR FROM evidence "
                               "WHERE kind = 'facility_operation' AND target_id = 'facility:ADLNTCA'").fetchone()
        raw = con.execute("SELECT first_use::VARCHAR, last_use::VARCHAR FROM raw_ice_facilities "
                          "WHERE detloc = 'ADLNTCA'").fetchone()
        assert adelanto == raw and adelanto[0] < "2017-01-01"
    finally:
        con.close()


def test_claims_link_the_official_records_that_back_them(evidence_cli) -> None:
    con = _con(evidence_cli)
    try:
        linked = con.execute("SELECT claim_id, found FROM claim_records").fetchall()
        assert linked and all(found for _, found in linked)
        assert ("palantir-immigrationos-contract", True) in linked
    finally:
        con.close()


def test_derived_ties_are_grade_e_and_can_be_dropped_whole(evidence_cli, tmp_path) -> None:
    import shutil

    copy = tmp_path / "copy.duckdb"
    shutil.copy(evidence_cli.db, copy)
    con = duckdb.connect(str(copy))
    try:
        assert con.execute("SELECT count(*), min(grade), max(grade) FROM derived_ties").fetchone()[1:] == ("E", "E")
        ties_before = con.execute("SELECT count(*) FROM ties").fetchone()[0]
        assert con.execute("SELECT count(*) FROM ties WHERE grade = 'E'").fetchone()[0] == 0  # kept apart
        con.execute("DROP TABLE derived_ties")
        assert con.execute("SELECT count(*) FROM ties").fetchone()[0] == ties_before
    finally:
        con.close()
