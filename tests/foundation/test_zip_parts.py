"""A USAspending zip with its data split into _1.csv, _2.csv … gives the same figures as one file."""

from __future__ import annotations

import zipfile

from samples import MN_SUMMARIES, MN_ZIP, member_rows, write_csv


def test_split_export_equals_single_file(tmp_path, fresh):
    rows = member_rows(MN_ZIP, MN_SUMMARIES)
    header, body = rows[0], rows[1:]
    whole = write_csv(tmp_path / "Contracts_PrimeAwardSummaries_2025-03-21_H19M57S23_1.csv", rows)
    # USAspending splits every 1,000,000 rows and repeats the header in each part; here at 500 rows.
    parts = [body[i : i + 500] for i in range(0, len(body), 500)]
    archive = tmp_path / "ICE_Contracts_PrimeAwardSummaries_2025-03-21.zip"
    (tmp_path / "parts").mkdir()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for n, part in enumerate(parts, 1):
            name = f"Contracts_PrimeAwardSummaries_2025-03-21_H19M57S23_{n}.csv"
            path = write_csv(tmp_path / "parts" / name, [header, *part])
            z.write(path, arcname=path.name)
    assert len(parts) == 3

    split_cli = fresh
    result = split_cli.run("ingest", str(archive))
    assert result.exit_code == 0, result.output
    assert result.output.count("stored:") == 3

    whole_cli = type(fresh)(tmp_path / "whole.duckdb")
    assert whole_cli.run("ingest", str(whole)).exit_code == 0

    split_top = split_cli.json("top", "--agency", "ICE", "--limit", "0")
    whole_top = whole_cli.json("top", "--agency", "ICE", "--limit", "0")
    assert [(r["id"], r["obligated"], r["awards"]) for r in split_top] == [
        (r["id"], r["obligated"], r["awards"]) for r in whole_top
    ]
    assert split_cli.run("check").exit_code == 0
