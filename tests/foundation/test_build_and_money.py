"""The bundled real records build a database whose figures add up, counted once, to the cent."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import duckdb
import pytest

from samples import API_ZIP, MN_SUMMARIES, MN_ZIP, UMN_SUMMARIES, member_bytes


def _api_rows(agency: str) -> list[dict[str, str]]:
    """Every row of the six API transaction lists for one agency, read with the csv module."""
    rows: list[dict[str, str]] = []
    for year in range(2021, 2027):
        text = member_bytes(API_ZIP, f"cbp-ice-transactions-fy21-26/CBP_ICE_FY{year}_Contract_Obligations.csv")
        rows.extend(r for r in csv.DictReader(io.StringIO(text.decode("utf-8"))) if r["Agency"] == agency)
    return rows


def test_cbp_ranking_adds_up_to_the_sum_of_its_source_rows(built):
    # CBP money comes only from the API lists, so the expected total is their rows' sum, with exact
    # duplicate rows of a file counted once (the rule `check` reports).
    expected = Decimal("0")
    for year in range(2021, 2027):
        text = member_bytes(API_ZIP, f"cbp-ice-transactions-fy21-26/CBP_ICE_FY{year}_Contract_Obligations.csv")
        seen = set()
        for row in csv.reader(io.StringIO(text.decode("utf-8"))):
            if row[0] != "CBP" or tuple(row) in seen:
                continue
            seen.add(tuple(row))
            expected += Decimal(row[3])
    ranking = built.json("top", "--agency", "CBP", "--limit", "0")
    total = sum(Decimal(str(r["obligated"])) for r in ranking)
    assert total.quantize(Decimal("0.01")) == expected.quantize(Decimal("0.01"))
    assert all(ranking[i]["obligated"] >= ranking[i + 1]["obligated"] for i in range(len(ranking) - 1))


def test_fiscal_year_starts_in_october(built):
    # FY2025 runs from 1 October 2024: an organization's FY2025 total is its rows dated 2024-10-01..2025-09-30.
    rows = _api_rows("ICE")
    october = [r for r in rows if r["Action Date"].startswith("2024-10") and float(r["Federal Action Obligation"])]
    assert october, "the sample has ICE transactions in October 2024"
    org = built.json("lookup", october[0]["Recipient Name"])
    names = set(org["names"])
    expected, seen = Decimal("0"), set()
    for r in rows:
        in_fy2025 = "2024-10-01" <= r["Action Date"] <= "2025-09-30"
        if r["Recipient Name"].upper() in names and in_fy2025 and tuple(r.values()) not in seen:
            seen.add(tuple(r.values()))  # exact duplicate rows count once (see `check`)
            expected += Decimal(r["Federal Action Obligation"])
    fy2025 = [t for t in org["totals"] if t["fiscal_year"] == 2025 and t["sub_agency_code"] == "7012"]
    assert len(fy2025) == 1
    assert Decimal(str(fy2025[0]["obligated"])) == expected


def test_since_and_fy_filters_partition_the_total(built):
    def total(*args: str) -> Decimal:
        return sum((Decimal(str(r["obligated"])) for r in built.json("top", "--agency", "ICE", "--limit", "0", *args)),
                   Decimal("0"))

    everything = total()
    since = total("--since", "2021")
    years = [total("--fy", str(fy)) for fy in range(2021, 2027)]
    assert sum(years) == since
    assert Decimal("0") < since < everything


def test_award_exported_twice_is_counted_once_from_the_newest_export(built, built_db):
    # The University of Minnesota awards are in two exports (2025-03-21 all of Minnesota, 2025-03-28 UMN).
    umn = list(csv.DictReader(io.StringIO(member_bytes(MN_ZIP, UMN_SUMMARIES).decode("utf-8"))))
    keys = {r["contract_award_unique_key"] for r in umn}
    mn = [r for r in csv.DictReader(io.StringIO(member_bytes(MN_ZIP, MN_SUMMARIES).decode("utf-8")))
          if r["contract_award_unique_key"] in keys]
    assert len(mn) == len(umn) > 0
    con = duckdb.connect(str(built_db), read_only=True)
    counted = con.execute(
        "SELECT award_key, count(*), any_value(file_name) FROM counted_money WHERE award_key IN "
        "(SELECT unnest(?)) GROUP BY award_key", [sorted(keys)]).fetchall()
    for award_key, n, file_name in counted:
        assert n >= 1
        rows = con.execute("SELECT DISTINCT source_format FROM counted_money WHERE award_key = ?",
                           [award_key]).fetchall()
        if rows == [("prime_award_summaries",)]:
            assert n == 1 and file_name.startswith("Contracts_PrimeAwardSummaries_2025-03-28"), award_key


def test_check_reconciles_and_reports_set_aside_rows(built):
    result = built.run("check")
    assert result.exit_code == 0, result.output
    assert "all totals reconcile to the cent" in result.output
    report = built.json("check")
    assert report["ok"] is True
    reasons = {r["reason"] for r in report["set_aside"]}
    assert "exact duplicate row in the same file" in reasons
    s = report["summary"]
    assert s["money_rows"] == s["counted_rows"] + s["set_aside_rows"]


@pytest.mark.parametrize("table", ["family_totals", "organization_totals", "record_totals"])
def test_check_fails_when_a_stored_total_no_longer_matches_its_rows(fresh, built_db, tmp_path, table):
    import shutil

    copy = tmp_path / "tampered.duckdb"
    shutil.copy(built_db, copy)
    con = duckdb.connect(str(copy))
    con.execute(f"UPDATE {table} SET obligated = obligated + 0.01 WHERE rowid = (SELECT min(rowid) FROM {table})")
    con.close()
    fresh.db = copy
    result = fresh.run("check")
    assert result.exit_code == 1
    assert "do NOT reconcile" in result.output
    level = {"family_totals": "family", "organization_totals": "organization", "record_totals": "record"}[table]
    assert f"'level': '{level}'" in result.output


def test_check_fails_on_a_tie_outside_the_vocabulary(fresh, built_db, tmp_path):
    import shutil

    copy = tmp_path / "tampered.duckdb"
    shutil.copy(built_db, copy)
    con = duckdb.connect(str(copy))
    con.execute("UPDATE ties SET kind = 'controls' WHERE rowid = (SELECT min(rowid) FROM ties)")
    con.close()
    fresh.db = copy
    result = fresh.run("check")
    assert result.exit_code == 1 and "tie kind not in the vocabulary: controls" in result.output


def test_only_rows_identical_in_every_column_are_set_aside(fresh, tmp_path):
    from samples import API_FY2025, member_rows, write_csv

    rows = member_rows(API_ZIP, API_FY2025)[:8]
    near = list(rows[5])
    near[8] = near[8] + " (AMENDED)"  # same award, mod, date and amount; another description
    path = write_csv(tmp_path / "dupes.csv", [*rows, list(rows[3]), near])
    assert fresh.run("ingest", str(path)).exit_code == 0
    report = fresh.json("check")
    dupes = [r for r in report["set_aside"] if r["reason"] == "exact duplicate row in the same file"]
    assert [d["rows"] for d in dupes] == [1]
    expected = sum(Decimal(r[3]) for r in rows[1:]) + Decimal(near[3])
    assert Decimal(str(report["summary"]["counted_amount"])) == expected


def test_a_row_without_an_award_key_leaves_the_newest_summary_counted(fresh, tmp_path):
    """The University of Minnesota awards of the 2025-03-21 export, again in the 2025-03-28 one: each counts once,
    from the newer export, also when a transaction row without an award key (an API list row with its
    Generated Award ID emptied) is stored beside them. Such a row pairs with nothing, and its money counts."""
    from samples import API_FY2025, member_rows, write_csv

    umn = member_rows(MN_ZIP, UMN_SUMMARIES)
    keys = {r[umn[0].index("contract_award_unique_key")] for r in umn[1:]}
    mn = member_rows(MN_ZIP, MN_SUMMARIES)
    older = [mn[0], *(r for r in mn[1:] if r[mn[0].index("contract_award_unique_key")] in keys)]
    api = member_rows(API_ZIP, API_FY2025)
    keyless = list(api[1])
    keyless[api[0].index("Generated Award ID")] = ""
    files = [write_csv(tmp_path / "Contracts_PrimeAwardSummaries_2025-03-21_H19M57S23_1.csv", older),
             write_csv(tmp_path / "Contracts_PrimeAwardSummaries_2025-03-28_H02M59S08_1.csv", umn),
             write_csv(tmp_path / "keyless.csv", [api[0], keyless])]
    assert fresh.run("ingest", *map(str, files)).exit_code == 0
    report = fresh.json("check")
    newer = [r for r in report["set_aside"] if r["reason"] == "award summary also in a newer export"]
    assert sum(r["rows"] for r in newer) == len(older) - 1 == len(keys) > 0
    expected = sum(Decimal(r[umn[0].index("total_obligated_amount")]) for r in umn[1:]) + Decimal(keyless[3])
    assert Decimal(str(report["summary"]["counted_amount"])) == expected
