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


@pytest.mark.parametrize(("term", "wanted"), [
    ("", "--agency '': empty; give ICE, CBP, DHS or a code like 7012 or 070"),
    ("  ", "--agency '  ': empty; give ICE, CBP, DHS or a code like 7012 or 070"),
    ("Nowhere", "--agency 'Nowhere': not an agency USAspending knows (give ICE, CBP, DHS or a code like 7012 or 070)"),
])
def test_an_agency_refresh_cannot_name_is_refused_before_anything_is_fetched(small_db, monkeypatch, term, wanted):
    """An empty --agency matched the first agency of the code list without an abbreviation, and was fetched."""
    monkeypatch.setenv("WHOSBEHIND_USASPENDING_API", "http://127.0.0.1:9")  # never asked
    before = small_db.read_bytes()
    line = _one_error_line(Cli(small_db).run("refresh", "--source", "usaspending", "--agency", term))
    assert line == f"error: {wanted}"
    assert small_db.read_bytes() == before


@pytest.mark.parametrize(("name", "value", "wanted"), [
    ("WEB_CACHE", "abc", "give a whole number of at least 0"),
    ("HEADER_TIMEOUT", "nan", "give a number above 0"),
    ("HEADER_TIMEOUT", "0", "give a number above 0"),
    ("TIPS_MAX_MB", "-1", "give a whole number above 0"),
    # the tip form states the retention; POST /tip answered 500 with a word, and a huge number overflowed the date
    ("TIPS_RETENTION_DAYS", "abc", "give a whole number of at least 1 and at most 36,500"),
    ("TIPS_RETENTION_DAYS", "1000000000", "give a whole number of at least 1 and at most 36,500"),
])
def test_a_web_setting_it_cannot_use_is_refused_before_the_server_listens(small_db, monkeypatch, name, value, wanted):
    monkeypatch.setenv(f"WHOSBEHIND_{name}", value)
    # an address no server could listen on: should the check be missing, the server fails otherwise, not hangs
    line = _one_error_line(Cli(small_db).run("serve", "--host", "256.0.0.1"))
    assert line == f"error: WHOSBEHIND_{name} is {value!r}: {wanted}"


def test_a_retention_no_date_can_hold_is_refused_by_the_tip_line_in_one_line(tmp_path, monkeypatch):
    """`tips purge` computes the date each tip expires: a retention of a billion days was an OverflowError."""
    monkeypatch.setenv("WHOSBEHIND_TIPS_RETENTION_DAYS", "1000000000")
    tips_dir = tmp_path / "tips"
    from typer.testing import CliRunner

    from whosbehind.cli import app

    result = CliRunner().invoke(app, ["tips", "purge", "--tips-dir", str(tips_dir)], catch_exceptions=False)
    line = _one_error_line(result)
    assert line == ("error: WHOSBEHIND_TIPS_RETENTION_DAYS is '1000000000': give a whole number of at least 1 and at "
                    "most 36,500")


def test_a_very_long_setting_is_shortened_in_its_line(small_db, monkeypatch):
    monkeypatch.setenv("WHOSBEHIND_WEB_CACHE", "9" * 5000)
    line = _one_error_line(Cli(small_db).run("serve", "--host", "256.0.0.1"))
    assert line == (f"error: WHOSBEHIND_WEB_CACHE is '{'9' * 40}'... (5,000 characters): give a whole number of at "
                    "least 0")


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


def test_an_address_or_port_serve_cannot_use_is_refused_before_it_listens(small_db, monkeypatch):
    """An empty --host listened on every interface; --port 99999 listened on another port (the number wrapped)."""
    monkeypatch.setenv("WHOSBEHIND_WEB_CACHE", "abc")  # refused just after the address: no server, whatever happens
    line = _one_error_line(Cli(small_db).run("serve", "--host", ""))
    assert line == ("error: --host '': give an address to listen on, such as 127.0.0.1 (this machine only) or 0.0.0.0 "
                    "(every interface)")
    for args in (["--port", "99999"], ["--port", "0"], ["--workers", "0"]):
        result = Cli(small_db).run("serve", "--host", "256.0.0.1", *args)
        assert result.exit_code == 2, (args, result.output)
        assert "Invalid value for" in result.output and "Traceback" not in result.output


@pytest.fixture
def curated_read_afresh():
    """The person test keeps the curated organizations it read (and its decisions) for the process: read them from
    the folder under test, and from the packaged files again afterwards."""
    from whosbehind.sources import persons

    def clear() -> None:
        persons._curated_organizations.cache_clear()
        persons.reads_as_person.cache_clear()

    clear()
    yield
    clear()


@pytest.mark.usefixtures("curated_read_afresh")
@pytest.mark.parametrize("broken", ["ownership.yaml not YAML", "ownership.yaml a list", "brands.yaml not YAML",
                                    "decisions.csv missing"])
def test_a_curated_folder_a_build_cannot_read_is_refused_in_one_line(tmp_path, monkeypatch, broken):
    """WHOSBEHIND_CURATED (curated ownership, brands and decisions under review): a file YAML cannot read was a
    YAML traceback, a missing one a FileNotFoundError. Now one line naming the file, and nothing is stored."""
    from importlib import resources

    folder = tmp_path / "curated"
    folder.mkdir()
    for name in ("ownership.yaml", "brands.yaml", "decisions.csv"):
        (folder / name).write_bytes(resources.files("whosbehind").joinpath("curated", name).read_bytes())
    name, problem = broken.split(" ", 1)
    if problem == "not YAML":
        (folder / name).write_text((folder / name).read_text() + "\n  - key: [never closed\n")
    elif problem == "a list":
        (folder / name).write_text("- key: a\n- key: b\n")
    else:
        (folder / name).unlink()
    monkeypatch.setenv("WHOSBEHIND_CURATED", str(folder))
    csv_path = tmp_path / FILE_NAME
    csv_path.write_bytes(member_bytes(MN_ZIP, UMN_SUMMARIES))
    cli = Cli(tmp_path / "t.duckdb")
    result = cli.run("ingest", str(csv_path))
    assert result.exit_code == 1, result.output
    # the file's own line (it was read), then one line for the error, no traceback
    lines = [line for line in result.output.strip().splitlines() if not line.startswith("stored: ")]
    assert len(lines) == 1, result.output
    line = lines[0]
    expected = {"not YAML": f"error: {name}: not valid YAML at line ",
                "a list": f"error: {name}: not a mapping of sections",
                "missing": f"error: {folder / name}: no such file (WHOSBEHIND_CURATED names a folder holding"}[problem]
    assert line.startswith(expected), line
    assert not cli.db.exists()
