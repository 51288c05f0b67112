"""Item 7: problems a user can meet give one readable line and exit 1, never a traceback; text from users and
data ("[/]" is Rich markup) is printed as text.

Inputs, each built here from the 2025-03-28 University of Minnesota award summaries (5 real rows):
- corrupt.zip: the file deflated in a zip, 50 bytes of its compressed data zeroed;
- encrypted.zip: the file stored in a zip whose member is flagged as encrypted;
- method.zip: the file stored in a zip whose member names compression method 99 (unknown);
- cr-only.csv: the file with every line ending changed to a lone CR;
- a folder holding x.csv, a symbolic link to itself;
- --db naming a folder, a text file, a SQLite database, or a DuckDB file of something else;
- a full disk: writing `match --file -o /dev/full`, and an ingest whose zip extraction fails with ENOSPC;
- the file with every row's recipient_name changed to `[/] ACME [b]LLC`.
"""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from samples import MN_ZIP, UMN_SUMMARIES, Cli, member_bytes, member_rows, write_csv

FILE_NAME = UMN_SUMMARIES.rsplit("/", 1)[-1]
MARKUP_NAME = "[/] ACME [b]LLC"


def _zip(path: Path, data: bytes, method: int) -> bytearray:
    with zipfile.ZipFile(path, "w", method) as z:
        z.writestr(FILE_NAME, data)
    return bytearray(path.read_bytes())


def _central(raw: bytearray) -> int:
    return raw.find(b"PK\x01\x02")


def _corrupt(folder: Path, data: bytes) -> Path:
    path = folder / "corrupt.zip"
    raw = _zip(path, data, zipfile.ZIP_DEFLATED)
    start = raw.find(FILE_NAME.encode()) + len(FILE_NAME) + 200
    raw[start:start + 50] = b"\0" * 50
    path.write_bytes(raw)
    return path


def _encrypted(folder: Path, data: bytes) -> Path:
    path = folder / "encrypted.zip"
    raw = _zip(path, data, zipfile.ZIP_STORED)
    raw[6] |= 1
    raw[_central(raw) + 8] |= 1
    path.write_bytes(raw)
    return path


def _unknown_method(folder: Path, data: bytes) -> Path:
    path = folder / "method.zip"
    raw = _zip(path, data, zipfile.ZIP_STORED)
    raw[8:10] = (99).to_bytes(2, "little")
    central = _central(raw)
    raw[central + 10:central + 12] = (99).to_bytes(2, "little")
    path.write_bytes(raw)
    return path


def _cr_only(folder: Path, data: bytes) -> Path:
    path = folder / "cr-only.csv"
    path.write_bytes(data.replace(b"\r\n", b"\n").replace(b"\n", b"\r"))
    return path


def _symlink_loop(folder: Path, data: bytes) -> Path:
    loop = folder / "loop"
    loop.mkdir()
    (loop / "x.csv").symlink_to(loop / "x.csv")
    return loop


@pytest.mark.parametrize(("make", "expected"), [
    (_corrupt, "cannot extract from zip"),
    (_encrypted, "encrypted"),
    (_unknown_method, "does not support"),
    (_cr_only, "carriage return only"),
    (_symlink_loop, "symbolic links"),
])
def test_a_bad_input_gives_one_line(tmp_path, make, expected):
    cli = Cli(tmp_path / "one.duckdb")
    path = make(tmp_path, member_bytes(MN_ZIP, UMN_SUMMARIES))
    result = cli.run("ingest", str(path))
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and expected in lines[0], result.output
    assert not cli.db.exists()


@pytest.fixture(scope="module")
def markup_db(tmp_path_factory) -> Cli:
    folder = tmp_path_factory.mktemp("markup")
    rows = member_rows(MN_ZIP, UMN_SUMMARIES)
    for row in rows[1:]:
        row[rows[0].index("recipient_name")] = MARKUP_NAME
    cli = Cli(folder / "markup.duckdb")
    assert cli.run("ingest", str(write_csv(folder / FILE_NAME, rows))).exit_code == 0
    return cli


@pytest.mark.parametrize("target", ["folder", "text file", "pipe"])
def test_a_db_that_is_not_a_database_gives_one_line(tmp_path, target):
    db = tmp_path / "not-a-db"
    if target == "folder":
        db.mkdir()
    elif target == "pipe":  # DuckDB waited on it for ever
        os.mkfifo(db)
    else:
        db.write_text("hello\n")
    csv_path = tmp_path / FILE_NAME
    csv_path.write_bytes(member_bytes(MN_ZIP, UMN_SUMMARIES))
    for args in (("top",), ("ingest", str(csv_path)), ("check",)):
        result = Cli(db).run(*args)
        assert result.exit_code == 1, (args, result.output)
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and str(db) in lines[0], (args, result.output)
    if target == "text file":
        assert db.read_text() == "hello\n"


def test_a_sqlite_database_given_as_db_is_named_as_one_and_left_as_it_was(tmp_path):
    """A SQLite file (another tool's database) given as --db: DuckDB read it as SQLite through an extension it
    tried to download, and the line said the download failed. Now one line says what the file is, read from its
    first bytes, before DuckDB opens it."""
    import sqlite3

    db = tmp_path / "vendors.sqlite"
    with contextlib.closing(sqlite3.connect(db)) as con:
        con.execute("CREATE TABLE vendors (name TEXT)")
        con.execute("INSERT INTO vendors VALUES ('GEO GROUP')")
        con.commit()
    before = db.read_bytes()
    csv_path = tmp_path / FILE_NAME
    csv_path.write_bytes(member_bytes(MN_ZIP, UMN_SUMMARIES))
    for args in (("top",), ("ingest", str(csv_path)), ("check",), ("lookup", "GEO GROUP")):
        result = Cli(db).run(*args)
        assert result.exit_code == 1, (args, result.output)
        assert result.output.strip().splitlines() == [
            f"error: {db}: not a whosbehind database (a SQLite database, not a DuckDB file); give another --db path"
        ], (args, result.output)
    assert db.read_bytes() == before


def test_an_ingest_into_a_duckdb_file_of_something_else_is_refused_and_adds_nothing(tmp_path):
    """A DuckDB file a person keeps for other work (here a table of fund holdings) given as --db by mistake: the
    ingest added whosbehind's tables to it. Now one line, and the file is as it was."""
    import duckdb

    db = tmp_path / "holdings.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE holdings (name VARCHAR, shares INTEGER)")
        con.execute("INSERT INTO holdings VALUES ('GEO GROUP', 100)")
        con.execute("CREATE TABLE organizations (name VARCHAR)")  # a name whosbehind uses too
    before = db.read_bytes()
    csv_path = tmp_path / FILE_NAME
    csv_path.write_bytes(member_bytes(MN_ZIP, UMN_SUMMARIES))
    for args in (("ingest", str(csv_path)), ("top",), ("check",)):  # the readers said "never derived: ingest"
        result = Cli(db).run(*args)
        assert result.exit_code == 1, (args, result.output)
        assert result.output.strip().splitlines() == [
            f"error: {db}: a DuckDB file of something else (tables holdings, organizations), not a whosbehind "
            "database; give another --db path"], (args, result.output)
    assert db.read_bytes() == before


def test_a_full_disk_gives_one_line(markup_db, tmp_path, monkeypatch):
    names = write_csv(tmp_path / "names.csv", [["name"], ["GEO GROUP"]])
    result = markup_db.run("match", "--file", str(names), "-o", "/dev/full", "--agency", "ICE")
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "No space left on device" in lines[0], result.output

    import whosbehind.sources.files as files

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files, "_copy_at_most", full_disk)
    before = markup_db.db.read_bytes()
    archive = tmp_path / "sample.zip"
    _zip(archive, member_bytes(MN_ZIP, UMN_SUMMARIES), zipfile.ZIP_DEFLATED)
    result = markup_db.run("ingest", str(archive))
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "disk is full" in lines[0], result.output
    assert markup_db.db.read_bytes() == before


def test_a_list_with_a_cell_too_long_for_a_name_gives_one_line(markup_db, tmp_path):
    """`match --file` and `watch add --file` read a list of names; a cell past the csv module's 131,072 characters
    (a file that is not such a list) was its field-limit traceback."""
    names = tmp_path / "vendors.csv"
    names.write_text("name\nGEO GROUP\n" + "x" * 200_000 + "\n")
    for args in (["match", "--file", str(names), "--agency", "ICE"], ["watch", "add", "council", "--file", str(names)]):
        result = markup_db.run(*args)
        assert result.exit_code == 1, (args, result.output)
        lines = result.output.strip().splitlines()
        assert lines == [f"error: {names}: line 3: a cell longer than 131,072 characters is not a name; is this a "
                         "list of names?"], (args, result.output)


def test_markup_in_names_and_arguments_is_printed_as_text(markup_db):
    result = markup_db.run("match", "[/] X", "--agency", "ICE")
    assert result.exit_code == 0, result.output
    assert "'[/] X'" in result.output
    result = markup_db.run("top", "--limit", "0")
    assert result.exit_code == 0, result.output
    assert MARKUP_NAME.upper() in result.output  # names are stored upper-case
    result = markup_db.run("lookup", MARKUP_NAME)
    assert result.exit_code == 0, result.output
    assert MARKUP_NAME.upper() in result.output
    result = markup_db.run("match", MARKUP_NAME, "--agency", "ICE")
    assert result.exit_code == 0, result.output
    assert MARKUP_NAME in result.output


@pytest.mark.parametrize(("argv", "command", "said"), [
    (["top", "--fy", "abc"], "whosbehind top", "Invalid value for '--fy'"),
    (["top", "--fy"], "whosbehind top", "Option '--fy' requires an argument"),  # the parser's: no context
    (["tips", "keygen", "--bogus"], "whosbehind tips keygen", "No such option: --bogus"),
    (["ingest"], "whosbehind ingest", "Missing argument"),
    (["match", "GEO Group", "--bogus"], "whosbehind match", "No such option: --bogus"),
    (["nosuch"], "whosbehind", "No such command 'nosuch'"),
])
def test_a_mistake_in_the_command_line_is_one_line(argv: list[str], command: str, said: str, tmp_path: Path) -> None:
    # the command as installed (pyproject's console script), as a person runs it
    script = Path(sys.executable).with_name("whosbehind")
    done = subprocess.run([str(script), *argv], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "WHOSBEHIND_DB": str(tmp_path / "none.duckdb"), "COLUMNS": "80"})
    assert done.returncode == 2 and done.stdout == "", done
    assert done.stderr.count("\n") == 1, done.stderr  # one line, however narrow the terminal
    assert done.stderr.startswith(f"error: {command}: {said}"), done.stderr
    assert done.stderr.rstrip().endswith(f"(see `{command} --help`)"), done.stderr
