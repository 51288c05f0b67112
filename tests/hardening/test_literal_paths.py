"""Item 3: a path is read as the file it names. DuckDB's readers expand `*`, `?` and `[...]`; a file called
`tx*.csv` must give its own rows, not those of every sibling the pattern matches.

Inputs: the 2025-03-28 University of Minnesota award summaries (5 real rows) saved as `tx*.csv`, beside the
Minnesota award summaries of the same format (1,369 real rows) saved as `tx1.csv`.
A second case names a folder `d[1]` (a bracket pattern that matches no folder).
"""

from __future__ import annotations

import duckdb

from samples import MN_SUMMARIES, MN_ZIP, UMN_SUMMARIES, Cli, member_bytes


def test_a_file_name_with_glob_characters_is_read_literally(tmp_path):
    folder = tmp_path / "lists"
    folder.mkdir()
    named = folder / "tx*.csv"
    named.write_bytes(member_bytes(MN_ZIP, UMN_SUMMARIES))
    (folder / "tx1.csv").write_bytes(member_bytes(MN_ZIP, MN_SUMMARIES))
    cli = Cli(tmp_path / "glob.duckdb")
    result = cli.run("ingest", str(named))
    assert result.exit_code == 0, result.output
    assert "5 rows added" in result.output
    con = duckdb.connect(str(cli.db), read_only=True)
    try:
        assert con.execute("SELECT file_name, row_count FROM source_files").fetchall() == [("tx*.csv", 5)]
        assert con.execute("SELECT count(*) FROM raw_prime_award_summaries").fetchone()[0] == 5
    finally:
        con.close()
    assert cli.run("check").exit_code == 0


def test_a_folder_name_with_brackets_is_read_literally(tmp_path):
    folder = tmp_path / "d[1]"
    folder.mkdir()
    (tmp_path / "d1").mkdir()  # what the bracket pattern would match instead
    named = folder / "tx?.csv"
    named.write_bytes(member_bytes(MN_ZIP, UMN_SUMMARIES))
    (tmp_path / "d1" / "tx1.csv").write_bytes(member_bytes(MN_ZIP, MN_SUMMARIES))
    cli = Cli(tmp_path / "glob.duckdb")
    result = cli.run("ingest", str(named))
    assert result.exit_code == 0, result.output
    assert "5 rows added" in result.output
