"""Item 9: an ingest neither hangs nor fills the disk, and cleans up after a run that was killed.

Inputs, built here:
- fifo.csv: a named pipe with nothing writing to it; zero.csv: a symbolic link to /dev/zero;
- bomb.zip: the header of the University of Minnesota award summaries and one real row repeated 20,000 times
  (about 74 MB expanded, under 200 KB compressed: more than 100 times its compressed size);
- leftovers of a killed run beside the database: `<db>.building`, `<db>.building.tmp/` and
  `<db>.building.work/0_x.csv` (what a kill during a zip ingest leaves), and `<db>.building.old` (a replaced
  database whose removal after its run did not finish);
- a full disk while the database is first copied (the copy writes half the file, then fails with ENOSPC);
- a failure of what the run loads while the copy is being written (``build.prepare``);
- a --db that is not a database: a CSV file given the name `t.duckdb`, and a folder of that name;
- a memory cap too small for the run (WHOSBEHIND_MEMORY_LIMIT=2MB), and one DuckDB cannot read (`lots`).
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import threading
import zipfile

import pytest

from samples import MN_SUMMARIES, MN_ZIP, UMN_SUMMARIES, Cli, member_bytes, member_rows, write_csv

FILE_NAME = UMN_SUMMARIES.rsplit("/", 1)[-1]


def _ingest_process(path, db):
    # A separate process with a time limit: on the code before this change, these inputs hang forever.
    return subprocess.run([sys.executable, "-m", "whosbehind", "ingest", str(path), "--db", str(db)],
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_pipe_or_a_device_is_refused_at_once(tmp_path, kind):
    path = tmp_path / f"{kind}.csv"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    try:
        result = _ingest_process(path, tmp_path / "t.duckdb")
    except subprocess.TimeoutExpired:
        pytest.fail("the ingest hung on a pipe or device")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [f"error: {path}: not a regular file (a pipe, a device or a "
                                                  "socket); give a file"]


def test_a_zip_bomb_is_refused_before_it_is_extracted(tmp_path):
    rows = member_rows(MN_ZIP, UMN_SUMMARIES)
    body = write_csv(tmp_path / "one.csv", rows[:2]).read_bytes().split(b"\n", 1)[1]
    archive = tmp_path / "bomb.zip"
    header = write_csv(tmp_path / "header.csv", rows[:1]).read_bytes()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z, z.open(FILE_NAME, "w") as member:
        member.write(header)
        for _ in range(20_000):
            member.write(body)
    info = zipfile.ZipFile(archive).infolist()[0]
    assert info.file_size > 100 * info.compress_size
    cli = Cli(tmp_path / "bomb.duckdb")
    result = cli.run("ingest", str(archive))
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "times its compressed size" in lines[0] and "nothing was extracted" in lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bomb.duckdb.lock", "bomb.zip", "header.csv", "one.csv"]


def test_leftovers_of_a_killed_run_are_removed_by_the_next(tmp_path):
    csv_path = tmp_path / FILE_NAME
    csv_path.write_bytes(member_bytes(MN_ZIP, UMN_SUMMARIES))
    cli = Cli(tmp_path / "db" / "t.duckdb")
    cli.db.parent.mkdir()
    (cli.db.parent / "t.duckdb.building").write_bytes(b"half a database")
    (cli.db.parent / "t.duckdb.building.tmp").mkdir()
    (cli.db.parent / "t.duckdb.building.tmp" / "duckdb_temp_storage-0.tmp").write_bytes(b"\0" * 1024)
    (cli.db.parent / "t.duckdb.building.work").mkdir()
    (cli.db.parent / "t.duckdb.building.work" / "0_x.csv").write_bytes(b"extracted,csv\n" * 1000)
    # a replaced database whose removal after the run did not finish (the machine stopped)
    (cli.db.parent / "t.duckdb.building.old").write_bytes(b"a database replaced")
    result = cli.run("ingest", str(csv_path))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in cli.db.parent.iterdir()) == ["t.duckdb", "t.duckdb.lock"]


def test_a_full_disk_during_the_first_copy_leaves_no_partial_file(tmp_path, monkeypatch):
    csv_path = tmp_path / FILE_NAME
    csv_path.write_bytes(member_bytes(MN_ZIP, UMN_SUMMARIES))
    cli = Cli(tmp_path / "db" / "t.duckdb")
    assert cli.run("ingest", str(csv_path)).exit_code == 0
    before = cli.db.read_bytes()

    def copy_until_full(source, target, *args, **kwargs):
        with open(source, "rb") as src, open(target, "wb") as dst:
            dst.write(src.read(os.path.getsize(source) // 2))
        # as shutil's sendfile copy raises it: the source file, then the copy it was writing
        raise OSError(errno.ENOSPC, "No space left on device", str(source), None, str(target))

    import whosbehind.store.ingest as ingest_mod

    monkeypatch.setattr(ingest_mod.shutil, "copy2", copy_until_full)
    result = cli.run("ingest", str(write_csv(tmp_path / "again.csv", member_rows(MN_ZIP, UMN_SUMMARIES))))
    monkeypatch.setattr(ingest_mod.shutil, "copy2", shutil.copy2)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "disk is full" in lines[0], result.output
    assert f"{cli.db} -> {cli.db}.building: " in lines[0], result.output  # the copy, not the database, was cut short
    assert sorted(p.name for p in cli.db.parent.iterdir()) == ["t.duckdb", "t.duckdb.lock"]
    assert cli.db.read_bytes() == before


def test_a_failure_while_the_database_is_being_copied_leaves_no_partial_file(tmp_path, monkeypatch):
    """The copy is written in a thread while the run loads its modules and page template (build.prepare): when
    that fails with the copy still being written, the run waits for the copy, then throws it away, and the
    database is as it was."""
    from whosbehind import build
    from whosbehind.errors import WhosbehindError

    csv_path = tmp_path / FILE_NAME
    csv_path.write_bytes(member_bytes(MN_ZIP, UMN_SUMMARIES))
    cli = Cli(tmp_path / "db" / "t.duckdb")
    assert cli.run("ingest", str(csv_path)).exit_code == 0
    before = cli.db.read_bytes()
    run_failed, copied = threading.Event(), threading.Event()

    def copy_once_the_run_failed(source, target, *args, **kwargs):
        # The copy begins only after the failure: a run that removed it without waiting for it would leave the
        # file this writes beside the database.
        assert run_failed.wait(30)
        with open(source, "rb") as src, open(target, "wb") as dst:
            dst.write(src.read())
        copied.set()

    def failing_prepare():
        run_failed.set()
        raise WhosbehindError("organization.html: the page template could not be read")

    import whosbehind.store.ingest as ingest_mod

    monkeypatch.setattr(ingest_mod.shutil, "copy2", copy_once_the_run_failed)
    monkeypatch.setattr(build, "prepare", failing_prepare)
    result = cli.run("ingest", str(write_csv(tmp_path / "again.csv", member_rows(MN_ZIP, UMN_SUMMARIES))))
    assert copied.wait(30)  # the copy ran to its end
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "page template could not be read" in lines[0], result.output
    assert sorted(p.name for p in cli.db.parent.iterdir()) == ["t.duckdb", "t.duckdb.lock"]
    assert cli.db.read_bytes() == before


@pytest.mark.parametrize("kind", ["file", "folder"])
def test_a_db_path_that_is_not_a_database_is_refused_and_left_as_it_is(tmp_path, kind):
    """Whether --db is a database is checked before anything is copied: refused in one line, naming the path
    given, left as it was, no copy left beside it."""
    db = tmp_path / "db" / "t.duckdb"
    db.parent.mkdir()
    if kind == "file":
        db.write_bytes(member_bytes(MN_ZIP, UMN_SUMMARIES))  # a real CSV, not a database
    else:
        db.mkdir()
    csv_path = tmp_path / FILE_NAME
    csv_path.write_bytes(member_bytes(MN_ZIP, UMN_SUMMARIES))
    result = Cli(db).run("ingest", str(csv_path))
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    expected = "not a whosbehind database" if kind == "file" else "is a folder"
    assert len(lines) == 1 and expected in lines[0] and f"{db}: " in lines[0], result.output  # the path given
    # a folder is refused before its lock file is made; a file once the lock is held (no other run writes it)
    left = ["t.duckdb", "t.duckdb.lock"] if kind == "file" else ["t.duckdb"]
    assert sorted(p.name for p in db.parent.iterdir()) == left
    if kind == "file":
        assert db.read_bytes() == member_bytes(MN_ZIP, UMN_SUMMARIES)
    else:
        assert list(db.iterdir()) == []


def test_a_memory_cap_too_small_for_the_run_is_one_line_and_loses_nothing(tmp_path, monkeypatch):
    """DuckDB runs out of memory under WHOSBEHIND_MEMORY_LIMIT part-way through adding a second file: one line that
    names the cap and the setting, no traceback, and the database as it was, no copy left beside it. A reading
    command under the same cap gives the same line."""
    csv_path = tmp_path / FILE_NAME
    csv_path.write_bytes(member_bytes(MN_ZIP, UMN_SUMMARIES))
    cli = Cli(tmp_path / "db" / "t.duckdb")
    assert cli.run("ingest", str(csv_path)).exit_code == 0
    before = cli.db.read_bytes()
    more = tmp_path / MN_SUMMARIES.rsplit("/", 1)[-1]
    more.write_bytes(member_bytes(MN_ZIP, MN_SUMMARIES))
    monkeypatch.setenv("WHOSBEHIND_MEMORY_LIMIT", "2MB")
    for args in (("ingest", str(more)), ("top",)):
        result = cli.run(*args)
        assert result.exit_code == 1, result.output
        assert result.output.strip().splitlines() == [
            "error: DuckDB ran out of memory within its cap of 2MB (WHOSBEHIND_MEMORY_LIMIT): give it more; the "
            "database is as it was"], result.output
    assert sorted(p.name for p in cli.db.parent.iterdir()) == ["t.duckdb", "t.duckdb.lock"]
    assert cli.db.read_bytes() == before
    monkeypatch.delenv("WHOSBEHIND_MEMORY_LIMIT")
    result = cli.run("ingest", str(more))  # with the default cap the same file is added
    assert result.exit_code == 0, result.output


def test_a_memory_cap_duckdb_cannot_read_is_refused_in_one_line(tmp_path, monkeypatch):
    csv_path = tmp_path / FILE_NAME
    csv_path.write_bytes(member_bytes(MN_ZIP, UMN_SUMMARIES))
    monkeypatch.setenv("WHOSBEHIND_MEMORY_LIMIT", "lots")
    cli = Cli(tmp_path / "db" / "t.duckdb")
    result = cli.run("ingest", str(csv_path))
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "error: WHOSBEHIND_MEMORY_LIMIT is 'lots': give a memory size, such as 1GB or 512MB"], result.output
    assert sorted(p.name for p in cli.db.parent.iterdir()) == ["t.duckdb.lock"]  # no database, no copy
    cli.db.parent.joinpath("t.duckdb").write_bytes(b"")  # serve refuses before it listens, database or not
    result = cli.run("serve", "--host", "256.0.0.1")  # an address no server could listen on, should it start
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "error: WHOSBEHIND_MEMORY_LIMIT is 'lots': give a memory size, such as 1GB or 512MB"], result.output


def test_an_empty_db_path_is_refused_as_the_folder_it_names(tmp_path, monkeypatch):
    """`--db ""` reads as the current folder: refused in one line like any folder, no lock file or copy made."""
    from pathlib import Path

    csv_path = tmp_path / FILE_NAME
    csv_path.write_bytes(member_bytes(MN_ZIP, UMN_SUMMARIES))
    monkeypatch.chdir(tmp_path)
    result = Cli(Path("")).run("ingest", str(csv_path))
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "error: .: is a folder; --db takes a database file (it is created if missing)"], result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [FILE_NAME]
