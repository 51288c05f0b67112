"""Settings a command cannot use, and a database file whose blocks are damaged, are one line each, never a
traceback, and change nothing.

Inputs: the University of Minnesota award summaries (usaspending-ice-mn-2025.zip) ingested into a database built
here; environment values a person could set by mistake (a word, NaN, a negative timeout, a fraction where a
count is wanted); and a copy of that database with a stretch of its file overwritten, as a failing disk would.
"""

from __future__ import annotations

import pytest

from samples import MN_ZIP, UMN_SUMMARIES, Cli, member_bytes

FILE_NAME = UMN_SUMMARIES.rsplit("/", 1)[-1]


@pytest.fixture(scope="module")
def small_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("settings")
    csv_path = folder / FILE_NAME
    csv_path.write_bytes(member_bytes(MN_ZIP, UMN_SUMMARIES))
    cli = Cli(folder / "t.duckdb")
    result = cli.run("ingest", str(csv_path))
    assert result.exit_code == 0, result.output
    return cli.db


def _one_error_line(result) -> str:
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    return lines[0]


@pytest.mark.parametrize(("name", "value", "wanted"), [
    ("HTTP_TIMEOUT", "abc", "give a number above 0"),
    ("HTTP_TIMEOUT", "-5", "give a number above 0"),
    ("HTTP_RETRIES", "1.5", "give a whole number of at least 0"),
    ("HTTP_BACKOFF", "nan", "give a number of at least 0"),
])
def test_a_refresh_setting_it_cannot_use_is_refused_before_anything_is_fetched(small_db, monkeypatch, name, value,
                                                                                wanted):
    monkeypatch.setenv(f"WHOSBEHIND_{name}", value)
    monkeypatch.setenv("WHOSBEHIND_FEDRAMP_URL", "http://127.0.0.1:9/data.json")  # never asked
    before = small_db.read_bytes()
    line = _one_error_line(Cli(small_db).run("refresh", "--source", "fedramp"))
    assert line == f"error: WHOSBEHIND_{name} is {value!r}: {wanted}"
    assert small_db.read_bytes() == before


@pytest.mark.parametrize(("name", "value", "wanted"), [
    ("WEB_CACHE", "abc", "give a whole number of at least 0"),
    ("HEADER_TIMEOUT", "nan", "give a number above 0"),
    ("HEADER_TIMEOUT", "0", "give a number above 0"),
    ("TIPS_MAX_MB", "-1", "give a whole number above 0"),
])
def test_a_web_setting_it_cannot_use_is_refused_before_the_server_listens(small_db, monkeypatch, name, value, wanted):
    monkeypatch.setenv(f"WHOSBEHIND_{name}", value)
    # an address no server could listen on: should the check be missing, the server fails otherwise, not hangs
    line = _one_error_line(Cli(small_db).run("serve", "--host", "256.0.0.1"))
    assert line == f"error: WHOSBEHIND_{name} is {value!r}: {wanted}"


def test_a_negative_memory_cap_is_refused_rather_than_read_as_none(small_db, monkeypatch):
    monkeypatch.setenv("WHOSBEHIND_MEMORY_LIMIT", "-5")
    line = _one_error_line(Cli(small_db).run("top"))
    assert line == "error: WHOSBEHIND_MEMORY_LIMIT is '-5': give a memory size, such as 1GB or 512MB"


def test_a_zip_ratio_below_one_is_refused_rather_than_calling_a_real_zip_a_bomb(tmp_path, monkeypatch):
    monkeypatch.setenv("WHOSBEHIND_ZIP_MAX_RATIO", "-5")
    cli = Cli(tmp_path / "t.duckdb")
    line = _one_error_line(cli.run("ingest", str(MN_ZIP)))
    assert line == "error: WHOSBEHIND_ZIP_MAX_RATIO is '-5': give a number of at least 1"
    assert not cli.db.exists()


def test_a_damaged_database_file_is_one_line_and_left_as_it_is(small_db, tmp_path):
    damaged = tmp_path / "damaged.duckdb"
    data = bytearray(small_db.read_bytes())
    start = len(data) // 3
    data[start:start + 256 * 1024] = b"\x55" * 256 * 1024  # a stretch of blocks, as a failing disk leaves them
    damaged.write_bytes(bytes(data))
    line = _one_error_line(Cli(damaged).run("check"))
    assert line.startswith("error: the database file is damaged (Corrupt database file: "), line
    assert line.endswith("build it again (`whosbehind build`, `whosbehind ingest`) or restore a copy; the database "
                         "is as it was")
    assert damaged.read_bytes() == bytes(data)


def test_a_limit_past_what_lookup_lists_is_a_usage_error_not_a_traceback(small_db):
    result = Cli(small_db).run("lookup", "Minnesota", "--limit", "1000000")
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--limit'" in result.output and "Traceback" not in result.output
