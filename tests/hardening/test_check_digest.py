"""Item 4: `check` notices a change to any table a page, `lookup` or the API reads from, not only the money.

Inputs: copies of the database built from the bundled sample, each changed after the build: one value of one
row in every derived table in turn (found from DuckDB's catalog, so tables added later are included), the
`ties.amount` column multiplied by ten, a table and a view added by hand.
"""

from __future__ import annotations

import json
import shutil

import duckdb
import pytest

from whosbehind.store import digest


@pytest.fixture
def copy(built, tmp_path):
    target = tmp_path / "tampered.duckdb"
    shutil.copy(built.db, target)
    built_copy = type(built)(target)
    return built_copy


def _check_after(copy, *statements: str):
    """`whosbehind check` of the copy after these statements changed it by hand."""
    con = duckdb.connect(str(copy.db))
    for statement in statements:
        con.execute(statement)
    con.close()
    return copy.run("check")


def _tamper_one_value(con: duckdb.DuckDBPyConnection, table: str) -> str | None:
    """Change one value of the first row of `table`; the column changed, or None if none could be."""
    columns = con.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? "
                          "AND schema_name = 'main' ORDER BY column_index", [table]).fetchall()
    for name, kind in columns:
        column = f'"{name}"'
        if kind == "VARCHAR":
            new = f"coalesce({column} || 'x', 'x')"
        elif kind.startswith(("DECIMAL", "BIGINT", "INTEGER", "DOUBLE", "HUGEINT", "SMALLINT", "FLOAT")):
            new = f"coalesce({column} + 1, 1)"
        elif kind == "DATE":
            new = f"coalesce({column} + 1, DATE '2000-01-01')"
        elif kind == "BOOLEAN":
            new = f"coalesce(NOT {column}, true)"
        else:
            continue
        con.execute(f'UPDATE "{table}" SET {column} = {new} WHERE rowid = (SELECT min(rowid) FROM "{table}")')
        return name
    return None


def test_a_changed_value_in_any_derived_table_is_named(copy):
    con = duckdb.connect(str(copy.db))
    try:
        assert digest.verify(con) == []
        changed = {}
        for table in digest.covered_tables(con):
            if con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]:
                column = _tamper_one_value(con, table)
                if column is not None:
                    changed[table] = column
        problems = {p["table"]: p["columns"] for p in digest.verify(con)}
    finally:
        con.close()
    assert problems.keys() == changed.keys()
    for table, column in changed.items():
        assert column in problems[table], (table, column, problems[table])
    # what the pages, `lookup` and the API read, among every other derived table
    assert {"ties", "organizations", "organization_awards", "organization_totals", "family_totals", "evidence",
            "families", "family_links", "resolution", "org_names", "record_totals", "lookup_names",
            "organization_answers"} <= changed.keys()
    assert len(changed) >= 35


def test_check_fails_when_tie_amounts_are_inflated(copy):
    result = _check_after(copy, "UPDATE ties SET amount = amount * 10")
    assert result.exit_code == 1
    assert "changed: ties: changed after the build: values changed in amount" in result.output
    report = copy.run("check", "--json")
    assert report.exit_code == 1
    assert [d["table"] for d in json.loads(report.stdout)["derived_mismatches"]] == ["ties"]


def test_check_fails_on_a_table_or_view_added_after_the_build(copy):
    result = _check_after(copy, "CREATE TABLE hand_made_answers AS SELECT id, name FROM organizations",
                          "CREATE VIEW big_ties AS SELECT * FROM ties WHERE amount > 1000")
    assert result.exit_code == 1
    assert "hand_made_answers: not made by the build" in result.output
    assert "big_ties: not made by the build" in result.output


def test_a_hand_edit_stays_named_after_a_scoped_ingest_until_every_table_is_derived_again(copy, tmp_path):
    """An ingest that derives only its files' awards brings the digest up to date from the rows it removed and
    added; a row edited by hand before it is still named afterwards, even when the ingest put the row right, and
    `ingest --derive-all` (a file the database holds: nothing added) derives and records everything again."""
    from fresh_helpers import modification_file

    new_rows, award_key = modification_file(tmp_path / "new_rows.csv")
    edit = f"UPDATE money SET description = 'edited by hand' WHERE award_key = '{award_key}'"
    assert "money: changed after the build" in _check_after(copy, edit).output
    assert copy.json("ingest", str(new_rows))["scoped"] is True
    con = duckdb.connect(str(copy.db), read_only=True)
    edited = con.execute("SELECT count(*) FROM money WHERE description = 'edited by hand'").fetchone()[0]
    con.close()
    assert edited == 0  # the scoped derive made the award's rows again from the stored raw rows
    result = copy.run("check")
    assert result.exit_code == 1 and "money: changed after the build" in result.output
    assert "ingest --derive-all" in result.output
    again = copy.json("ingest", "--derive-all", str(new_rows))
    assert again["rows_added"] == 0 and again["derived"] is True and again["scoped"] is False
    result = copy.run("check")
    assert result.exit_code == 0, result.output
    assert "every derived table is as its build recorded it" in result.output


def test_a_table_added_by_hand_with_a_dot_in_its_name_is_named(copy):
    result = _check_after(copy, 'CREATE TABLE "notes.2024" (x INTEGER)')
    assert result.exit_code == 1
    assert "notes.2024: not made by the build" in result.output
