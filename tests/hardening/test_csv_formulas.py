"""Item 6: no CSV the tool writes carries a cell a spreadsheet would run as a formula; negative amounts in
numeric columns stay negative numbers.

Input: four real rows of the bundled Minnesota award summaries (the first three of distinct recipients, and
row 22, whose total_obligated_amount is -54495), with the first three recipient names rewritten to `=HYPERLINK(...)`,
`+1+2 SERVICES LLC` and `@SUM(A1) LLC`; a list of names to check holding `=1+2` and `-2+3`.
"""

from __future__ import annotations

import csv
import io

import duckdb
import pytest
from fastapi.testclient import TestClient

from samples import MN_SUMMARIES, MN_ZIP, Cli, member_rows, write_csv
from whosbehind.web.app import create_app

FORMULAS = ['=HYPERLINK("http://evil.example","click")', "+1+2 SERVICES LLC", "@SUM(A1) LLC"]
RISKY = ("=", "+", "-", "@")


@pytest.fixture(scope="module")
def formula_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("formulas")
    rows = member_rows(MN_ZIP, MN_SUMMARIES)
    header = rows[0]
    uei = header.index("recipient_uei")
    distinct = [r for i, r in enumerate(rows[1:21], 1) if r[uei] not in {x[uei] for x in rows[1:i]}][:3]
    body = [list(r) for r in (*distinct, rows[22])]
    for row, name in zip(body, FORMULAS, strict=False):
        row[header.index("recipient_name")] = name
    cli = Cli(folder / "formulas.duckdb")
    assert cli.run("ingest", str(write_csv(folder / MN_SUMMARIES.rsplit("/", 1)[-1], [header, *body]))).exit_code == 0
    return cli


def _cells(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _assert_safe(rows: list[dict[str, str]], numeric: set[str] = frozenset()) -> None:
    assert rows
    for r in rows:
        for column, value in r.items():
            if column not in numeric:
                assert not (value or "").startswith(RISKY), (column, value)


def test_web_exports_carry_no_formula(formula_db, monkeypatch):
    monkeypatch.setenv("WHOSBEHIND_WARM", "0")
    con = duckdb.connect(str(formula_db.db), read_only=True)
    negative_org = con.execute("SELECT recipient_id FROM money WHERE amount < 0").fetchone()[0]
    formula_orgs = [r[0] for r in con.execute("SELECT id FROM organizations WHERE name LIKE '=%' OR name LIKE '+%' "
                                              "OR name LIKE '@%'").fetchall()]
    con.close()
    assert len(formula_orgs) == 3
    app = create_app(formula_db.db)
    with TestClient(app) as client:
        organizations = _cells(client.get("/api/export/organizations.csv").text)
        evidence = _cells(client.get("/api/export/evidence.csv").text)
        per_org = [_cells(client.get(f"/api/organizations/{o}/export.csv").text) for o in [*formula_orgs, negative_org]]
        check = _cells(client.post("/check.csv", data={"names": "=1+2\n-2+3\n" + FORMULAS[0]}).text)
    app.state.db.close()
    _assert_safe(organizations)
    assert {r["name"] for r in organizations} >= {"'" + f.upper() for f in FORMULAS}  # names are stored upper-case
    _assert_safe(evidence, numeric={"amount"})
    for rows in per_org:
        _assert_safe(rows, numeric={"amount"})
    assert any(r["amount"].startswith("-54495") for r in per_org[-1])  # a negative amount stays a number
    _assert_safe(check)
    assert [r["input"] for r in check][:2] == ["'=1+2", "'-2+3"]


def test_match_file_output_carries_no_formula(formula_db, tmp_path):
    names = write_csv(tmp_path / "names.csv", [["name"], ["=1+2"], ["-2+3"], [FORMULAS[0]], ["@SUM(A1) LLC"]])
    out = tmp_path / "screened.csv"
    result = formula_db.run("match", "--file", str(names), "-o", str(out), "--agency", "ICE")
    assert result.exit_code == 0, result.output
    rows = _cells(out.read_text("utf-8"))
    _assert_safe(rows, numeric={"row", "obligated", "family_obligated"})
    assert [r["input"] for r in rows] == ["'=1+2", "'-2+3", "'" + FORMULAS[0], "'@SUM(A1) LLC"]
