"""Item 8: amounts and dates are read as USAspending writes them, and the rest refused naming the row; `check`
reads them again with readers of its own.

Inputs: the 2025-03-28 University of Minnesota award summaries (5 real rows, ISO dates), with one value of row 2
rewritten per case: total_obligated_amount `1000.005` (three decimals), `1_000_000` and `1e9` (not how amounts
are written), award_base_action_date `2025-01-01 not a date`. For `check`: the same file ingested as published,
then the raw text of one stored amount rewritten as `<same value>.000`-style text the ingest's old reader took
(three decimals), and one date given trailing text.
"""

from __future__ import annotations

import json

import duckdb
import pytest

from samples import MN_ZIP, UMN_SUMMARIES, Cli, member_rows, write_csv

FILE_NAME = UMN_SUMMARIES.rsplit("/", 1)[-1]


@pytest.mark.parametrize(("column", "value", "expected"), [
    ("total_obligated_amount", "1000.005", "not an amount"),
    ("total_obligated_amount", "1_000_000", "not an amount"),
    ("total_obligated_amount", "1e9", "not an amount"),
    ("award_base_action_date", "2025-01-01 not a date", "not a date"),
])
def test_lenient_values_are_refused_naming_the_row(tmp_path, column, value, expected):
    rows = member_rows(MN_ZIP, UMN_SUMMARIES)
    rows[2][rows[0].index(column)] = value
    cli = Cli(tmp_path / "strict.duckdb")
    result = cli.run("ingest", str(write_csv(tmp_path / FILE_NAME, rows)))
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert "row 2:" in lines[0] and repr(value) in lines[0] and expected in lines[0], lines[0]
    assert not cli.db.exists()


def test_check_reads_amounts_and_dates_with_its_own_readers(tmp_path):
    cli = Cli(tmp_path / "values.duckdb")
    assert cli.run("ingest", str(write_csv(tmp_path / FILE_NAME, member_rows(MN_ZIP, UMN_SUMMARIES)))).exit_code == 0
    assert cli.run("check").exit_code == 0
    con = duckdb.connect(str(cli.db))
    row, amount = con.execute("SELECT row_no, amount FROM counted_money ORDER BY row_no LIMIT 1").fetchone()
    # The same value, written with a third decimal: a lenient reader finds the stored amount in it again.
    con.execute("UPDATE raw_prime_award_summaries SET total_obligated_amount = ? WHERE _row = ?",
                [f"{amount:.3f}", row])
    date_row = con.execute("SELECT max(row_no) FROM counted_money").fetchone()[0]
    con.execute("UPDATE raw_prime_award_summaries SET award_base_action_date = award_base_action_date || ' or so' "
                "WHERE _row = ?", [date_row])
    con.close()
    result = cli.run("check", "--json")
    assert result.exit_code == 1
    found = json.loads(result.stdout)["value_mismatches"]
    assert {(v["row"], v["read_amount"] is None, v["read_date"] is None) for v in found} >= {(row, True, False)}
    assert any(v["row"] == date_row and v["read_date"] is None for v in found), found
