"""The bundled sample (``sample/``) and the row counts it must give.

If a file of the sample stops giving its known number of rows (a broken archive, a parser change), the
build fails loudly instead of silently publishing smaller totals. Counts are data rows, header excluded;
see ``sample/SOURCES.md`` for each file's origin and sha256.
"""

from __future__ import annotations

import duckdb

from whosbehind.errors import WhosbehindError

EXPECTED_ROWS = {
    "CBP_ICE_FY2021_Contract_Obligations.csv": 10398,
    "CBP_ICE_FY2022_Contract_Obligations.csv": 9339,
    "CBP_ICE_FY2023_Contract_Obligations.csv": 9366,
    "CBP_ICE_FY2024_Contract_Obligations.csv": 10226,
    "CBP_ICE_FY2025_Contract_Obligations.csv": 10878,
    "CBP_ICE_FY2026_Contract_Obligations.csv": 7269,
    "fy13.csv": 157,
    "fy14.csv": 193,
    "fy15.csv": 444,
    "fy16.csv": 936,
    "fy17.csv": 1739,
    "fy18.csv": 2203,
    "Contracts_Subawards_2025-03-28_H03M23S17_1.csv": 482,
    "Contracts_PrimeAwardSummaries_2025-03-21_H19M57S23_1.csv": 1369,
    "Contracts_Subawards_2025-03-21_H19M57S41_1.csv": 3,
    "Contracts_PrimeAwardSummaries_2025-03-28_H02M59S08_1.csv": 5,
    "Contracts_Subawards_2025-03-28_H02M59S12_1.csv": 0,
}


def assert_expected_rows(con: duckdb.DuckDBPyConnection) -> None:
    stored = dict(con.execute("SELECT file_name, row_count FROM source_files").fetchall())
    wrong = {name: (rows, stored.get(name)) for name, rows in EXPECTED_ROWS.items() if stored.get(name) != rows}
    if wrong:
        detail = "; ".join(f"{n}: expected {e}, stored {s}" for n, (e, s) in wrong.items())
        raise WhosbehindError(f"the bundled sample did not load as published: {detail}")
