"""One ingest run: read every file, store its rows, rebuild the graph; all in one transaction.

If anything fails (a bad file, a kill, a full disk), the transaction is never committed and the database
is exactly as it was before the run. :func:`ingest_into` also builds into a copy of the database file and
swaps it in at the end, so readers (the web server, another CLI) never wait on, or see, a half-built file
(:func:`in_a_copy`, through which `refresh-families` and `watch add` write too).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import reflink_copy

from whosbehind.errors import WhosbehindError
from whosbehind.sources.files import expand_paths, iter_csv_inputs, make_workdir, total_bytes
from whosbehind.store import db, digest, raw, writelock


@dataclass
class FileOutcome:
    name: str
    format_title: str
    status: str  # "stored" or "already stored"
    rows: int
    header_variant: str = ""


@dataclass
class IngestReport:
    run_id: str
    files: list[FileOutcome] = field(default_factory=list)
    derived: bool = False  # the derived tables were made again (new rows, or a layout of another version)
    scoped: bool = False  # ... and the money tables only for the awards of the files added (build.derive)

    @property
    def rows_added(self) -> int:
        return sum(f.rows for f in self.files if f.status == "stored")


def ingest(
    con: duckdb.DuckDBPyConnection,
    paths: list[Path],
    *,
    derive: Callable[..., bool],  # build.derive: whether the derive was scoped
    command: str = "ingest",
    on_bytes: Callable[[int], None] = lambda n: None,
    on_file: Callable[[FileOutcome], None] = lambda f: None,
    on_stage: Callable[[str], None] = lambda s: None,
    workdir: Path | None = None,
    derive_all: bool = False,  # derive every table again, whatever was added (`ingest --derive-all`)
) -> IngestReport:
    files = expand_paths(paths)
    started = datetime.now().replace(microsecond=0)
    # A run id names the run in provenance; organization ids never depend on it.
    run_id = f"run-{started:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
    report = IngestReport(run_id)
    db.ensure_schema(con)
    if workdir is None:
        workdir = make_workdir()
    else:
        workdir.mkdir(parents=True, exist_ok=True)
    new_files: list[str] = []
    try:
        with db.transaction(con):
            # Rows stored under older person rules are classified again first (they only gain persons).
            reclassified = raw.reclassify(con)
            for item in iter_csv_inputs(files, workdir, on_bytes):
                detected = raw.detect_format(item)
                known = con.execute(
                    "SELECT row_count FROM source_files WHERE sha256 = ?", [item.sha256]
                ).fetchone()
                if known:
                    outcome = FileOutcome(item.display_name, detected.fmt.title, "already stored", known[0])
                else:
                    on_stage(f"storing {item.file_name}")
                    rows = raw.load(con, item, detected, run_id, started)
                    new_files.append(item.sha256)
                    outcome = FileOutcome(
                        item.display_name, detected.fmt.title, "stored", rows, detected.header_variant
                    )
                report.files.append(outcome)
                on_file(outcome)
            added = sum(1 for f in report.files if f.status == "stored")
            # Nothing new, but tables derived by another version, names classified again, or no digest `check`
            # can verify by: derive them again from the raw rows so they can be read.
            current = db.derived_layout(con) == db.DERIVED_LAYOUT and digest.is_current(con)
            if added or reclassified or not current or derive_all:
                on_stage("rebuilding organizations, ties and totals")
                # build.derive: the numbered steps and name resolution; given the files just stored, it may
                # derive the money of their awards alone (when the rest was derived by this code)
                scoped = derive(con, added=new_files if current and not (reclassified or derive_all) else None)
                report.derived, report.scoped = True, bool(scoped)
            con.execute(
                "INSERT INTO runs VALUES (?, ?, ?, ?, ?)",
                [run_id, command, started, datetime.now().replace(microsecond=0), added],
            )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return report


def total_input_bytes(paths: list[Path]) -> int:
    return total_bytes(expand_paths(paths))


def ingest_into(
    db_path: Path,
    paths: list[Path],
    *,
    then: Callable[[duckdb.DuckDBPyConnection], bool] | None = None,
    publish: Callable[..., None] | None = None,
    prepare: Callable[[], None] = lambda: None,
    on_wait: Callable[[str], None] = lambda s: None,
    **options: Any,
) -> IngestReport:
    """Ingest into a copy of ``db_path`` and atomically replace it when the run has committed.

    ``then`` runs on the copy after the ingest (the build loads the other evidence there) and says whether it
    derived tables again (so that what a scoped derive changed is no longer all that changed); if it fails, the
    copy is thrown away too, so the database is replaced whole or not at all. ``prepare`` runs while the file is
    copied (``_copy_while``), or first when there is no database yet. One run at a time writes a database: a second
    one waits for the first's lock (``store/writelock.py``), then refuses.
    """
    with writelock.writing(db_path, on_wait):
        return _ingest_locked(db_path, paths, then=then, publish=publish, prepare=prepare, **options)


def _ingest_locked(
    db_path: Path,
    paths: list[Path],
    *,
    then: Callable[[duckdb.DuckDBPyConnection], bool] | None = None,
    publish: Callable[..., None] | None = None,
    prepare: Callable[[], None] = lambda: None,
    **options: Any,
) -> IngestReport:
    # Zip members are extracted beside the database, where the next run finds (and removes, in_a_copy) what a
    # killed run left.
    workdir = _building(db_path, ".work")
    reports: list[IngestReport] = []

    def work(con: duckdb.DuckDBPyConnection) -> bool:
        report = ingest(con, paths, workdir=workdir, **options)
        reports.append(report)
        derived_again = then(con) if then is not None else False
        if report.derived or then is not None:
            from whosbehind.store import changes  # every build is recorded, with what changed since the last

            # after a scoped derive (and no other derive), only the awards it made again are compared, and only
            # the answers they may change are made again
            scoped = report.scoped and not derived_again
            changes.record_build(con, report.run_id, options.get("command", "ingest"), scoped=scoped)
            if publish is not None:
                publish(con, scoped=scoped)  # build.publish: the answers, with what this build changed
            digest.record(con)  # what `check` verifies the derived tables against
        return report.derived or then is not None

    in_a_copy(db_path, work, prepare=prepare)
    return reports[0]


def in_a_copy(db_path: Path, work: Callable[[duckdb.DuckDBPyConnection], bool], *,
              prepare: Callable[[], None] = lambda: None, also_remove: tuple[Path, ...] = ()) -> None:
    """Run ``work`` on a copy of the database (``<db>.building``) and put the copy in its place when ``work`` says it
    changed something (a new database always takes its place) and the copy has reached the disk; the database is
    otherwise left as it was, byte for byte, and the copy removed (``also_remove`` too, after a success or a
    failure). Every run that writes a database goes through here, under its write lock (``store/writelock.py``).
    ``prepare`` runs while the file is copied (``_copy_while``), or first when there is no database yet."""
    building = _building(db_path)
    # DuckDB spills to <file>.tmp; an ingest extracts zip members into <file>.work.
    leftovers = (building, *(_building(db_path, end) for end in (".wal", ".tmp", ".work")), *also_remove)
    # from a run that was killed, or a replaced database whose removal did not finish (_replace): never part of it
    _remove((*leftovers, _building(db_path, ".old")))
    db_path.parent.mkdir(parents=True, exist_ok=True)
    # Before any copy: a path that is not a database (a CSV, /dev/zero) is refused at once, not copied first.
    db.check_database_file(db_path)
    existed = db_path.exists()
    if existed:
        if db_path.with_name(db_path.name + ".wal").exists():
            # Fold the write-ahead log into the file first, so the copy holds everything committed.
            db.connect(db_path).close()
        _copy_while(db_path, building, prepare)
    else:
        prepare()  # a new database: nothing to copy
    try:
        con = db.connect(building)
    except BaseException:
        _given_up(None, leftovers)
        raise
    # The copy must reach the disk before the swap; DuckDB's first checkpoint would wait for it (about a second
    # for a 1.2 GB file). Written in the background, it overlaps with storing and deriving, which use the CPU. It
    # starts once connected: a commit while it runs waits behind it (connect writes the macros: 0.2-0.3 s at 2M rows).
    flushing = _BackgroundFlush(building, db_path) if building.exists() else None
    try:
        changed = work(con)
    except BaseException:
        con.close()
        _given_up(flushing, leftovers)
        raise
    try:
        con.close()  # DuckDB checkpoints: it may fail too (a full disk)
        if flushing is not None:
            flushing.wait()
    except BaseException:
        _given_up(flushing, leftovers)
        raise
    if changed or not existed:
        try:
            _replace(building, db_path)
        except OSError as exc:  # the folder or the file refuses it (read-only, immutable): the old file stays
            with contextlib.suppress(OSError):  # a folder that refuses the rename may refuse the removal too
                _remove(leftovers)
            raise WhosbehindError(f"{db_path}: the updated database could not take the place of the old one "
                                  f"({exc.strerror or exc}); nothing from this run was stored") from None
    _remove(leftovers)


# A replaced database at least this large is removed after the run, not by it (_replace).
REMOVE_LATER_BYTES = 256 * 1024 * 1024


def _replace(building: Path, db_path: Path) -> None:
    """Put the copy in the database's place. The file it replaces is freed by the rename, which on ext4 took 0.2 s
    for the 1.1 GB of a 2M-row database (benchmarks/RESULTS.md), all of it spent after the new database was in
    place. A large one is therefore given a second name first (``<db>.building.old``), so that the rename frees
    nothing, and removed by a process of its own that the run does not wait for; the next run removes it if that
    process did not. Where a second name is refused (a file system without hard links), the rename frees it."""
    old = _building(db_path, ".old")
    aside = False
    with contextlib.suppress(OSError):
        if db_path.stat().st_size >= REMOVE_LATER_BYTES:
            os.link(db_path, old)
            aside = True
    try:
        os.replace(building, db_path)
    except OSError:
        if aside:  # a second name of the database as it stays: only that name goes (else the next run removes it)
            with contextlib.suppress(OSError):
                old.unlink(missing_ok=True)
        raise
    if aside:
        _remove_later(old)


def _remove_later(path: Path) -> None:
    """Remove a file in a process that outlives this one's wait for it: a shell that starts ``rm`` in the background
    and returns at once, in a session of its own (an interrupt of the terminal leaves it be)."""
    try:
        subprocess.run(["sh", "-c", 'rm -f -- "$1" &', "sh", str(path)], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        with contextlib.suppress(OSError):  # the new database is in place: a name left over is the next run's
            path.unlink(missing_ok=True)


def _building(db_path: Path, end: str = "") -> Path:
    """The copy a run writes into (``<db>.building``), or a file or folder named after it."""
    return db_path.with_name(f"{db_path.name}.building{end}")


def _copy_while(source: Path, target: Path, work: Callable[[], None]) -> None:
    """Copy the database file in a thread while ``work`` runs here (``clone_or_copy``). Where the bytes are copied,
    the kernel copies them without Python's lock (sendfile; 0.3 to 3 s for the 1 GB file of 2M rows, as the memory
    it writes into is at hand or must be found), so what the run would otherwise load after it (modules, the page
    template, the name parser) is loaded meanwhile. A partial copy (a full disk, an error in ``work``) is removed
    once the copy has stopped; if a second interrupt cuts that wait short, the next run removes it with the other
    leftovers. When both fail, the error of ``work`` is raised."""
    failed: list[BaseException] = []

    def copy() -> None:
        try:
            clone_or_copy(source, target)
        except BaseException as exc:  # raised below, in the run's own thread
            failed.append(exc)

    thread = threading.Thread(target=copy, name="copy of the database file", daemon=True)
    thread.start()
    try:
        work()
        thread.join()
    except BaseException:
        thread.join()
        target.unlink(missing_ok=True)
        raise
    if failed:
        target.unlink(missing_ok=True)
        raise failed[0]


def clone_or_copy(source: Path, target: Path) -> None:
    """A copy of the database file that the run then writes into. Where the file system can clone a file (XFS,
    Btrfs, APFS, ReFS), the copy shares the original's blocks and only what the run writes is written again: no
    time or page cache spent on the 1 GB of a 2M-row database, and nothing for the flush before the swap to write.
    Elsewhere (ext4, tmpfs) the clone is refused without making a file, and the bytes are copied."""
    try:
        reflink_copy.reflink(source, target)
    except OSError:  # "Operation not supported" (or another device): copy instead
        shutil.copy2(source, target)
    else:
        shutil.copystat(source, target)  # as copy2: its permissions (one readable by its owner alone stays so),
        # extended attributes (ACLs: the web server's user may be given read access that way) and times


class _BackgroundFlush:
    """fsync of a file in a thread. Its error is raised by ``wait``: once one fsync has seen a write fail, Linux
    may not tell a later one (DuckDB's), so a copy that did not reach the disk would be swapped in."""

    def __init__(self, path: Path, db_path: Path) -> None:
        self.error: OSError | None = None
        self.path, self.db_path = path, db_path
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            fd = os.open(self.path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            self.error = exc

    def wait(self) -> None:
        self.thread.join()
        if self.error is not None:
            raise WhosbehindError(f"{self.db_path}: the updated copy of the database could not be written to disk "
                                  f"({self.error.strerror or self.error}); nothing from this run was stored")


def _given_up(flushing: _BackgroundFlush | None, leftovers: tuple[Path, ...]) -> None:
    """A run that failed: its copy is thrown away, once nothing writes it to disk."""
    if flushing is not None:
        flushing.thread.join()
    _remove(leftovers)


def _remove(paths: tuple[Path, ...]) -> None:
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
