"""Read-only access to the database file for the web server, safe across rebuilds.

The server never writes. Each request borrows a read-only connection from a small pool. Before lending one,
the pool looks at the file: when it was replaced (new inode, size or modification time) — a rebuild that
writes a new file and renames it over the old one — new connections are opened on the new file, answers
cached from the old one are dropped, and connections still busy on the old file finish their request on it
(an open file stays readable after it is renamed over). Readers are never blocked by a rebuild.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from whosbehind.errors import WhosbehindError, first_line
from whosbehind.store import db

T = TypeVar("T")
_MISSING = object()


class DatabaseMissing(WhosbehindError):
    """The database file is not there (yet), cannot be read, or holds tables of another version: served as 503
    with its line. ``lasting``: the file itself is the cause, so it is refused again without being opened until
    another file takes its place; otherwise (a lock another program holds, permissions) it is opened again on the
    next request."""

    def __init__(self, message: str, *, lasting: bool = True) -> None:
        super().__init__(message)
        self.lasting = lasting


def _open(path: Path, threads: int | None) -> duckdb.DuckDBPyConnection:
    # An in-memory database that attaches the file read-only: DuckDB keeps one instance per path in a
    # process, so connecting to the path again after a swap would still show the old file; attaching
    # from a fresh in-memory instance opens whatever file is at the path now.
    con = duckdb.connect(":memory:")
    try:
        db.set_memory_limit(con)
    except WhosbehindError:
        con.close()
        raise
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    try:
        db.refuse_other_files(path)  # a SQLite or text file at the path: DuckDB would try to read it otherwise
        con.execute(f"ATTACH {_literal(str(path.resolve()))} AS whosbehind (READ_ONLY)")
    except WhosbehindError as exc:  # not a DuckDB file
        con.close()
        raise DatabaseMissing(str(exc)) from None
    except OSError as exc:  # its permissions changed while serving: 503 until it can be read again
        con.close()
        raise DatabaseMissing(f"{path}: cannot be read ({exc.strerror or exc})", lasting=False) from None
    except duckdb.Error as exc:
        con.close()
        text = first_line(exc)
        if "Corrupt database file" in text or "not a valid DuckDB database file" in text:
            raise DatabaseMissing(f"{path}: cannot be read: {text}") from None
        if "Could not set lock" in text:  # DuckDB's text names the other program and its process id: not shown
            raise DatabaseMissing(f"{path}: another program holds it open for writing; try again when it has "
                                  "closed it", lasting=False) from None
        raise
    _prepare(con)
    try:
        db.check_layout(con, path)
    except db.StaleDatabase as exc:
        con.close()
        raise DatabaseMissing(str(exc)) from None  # served as 503 with this line, like a missing file
    return con


def _prepare(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("USE whosbehind")
    con.execute("SET preserve_insertion_order = true")
    con.execute(db.sql_text("000_macros").replace("CREATE OR REPLACE MACRO", "CREATE OR REPLACE TEMP MACRO"))


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class ReadOnlyDatabase:
    def __init__(self, path: Path, *, cache_size: int = 2048, threads: int | None = None):
        self.path = Path(path)
        self.cache_size = cache_size
        self.threads = threads
        self._lock = threading.Lock()
        self._identity: tuple[int, int, int] | None = None
        self._base: duckdb.DuckDBPyConnection | None = None
        self._idle: list[duckdb.DuckDBPyConnection] = []
        self._cache: OrderedDict[Any, Any] = OrderedDict()
        self._held: dict[Any, Any] = {}
        self._refused: tuple[tuple[int, int, int], DatabaseMissing] | None = None
        self.generation = 0
        self.closing = False
        # Called (with the lock held, so it must only start work elsewhere) when a rebuilt file replaces the
        # one in use: the app starts filling the new cache in the background.
        self.on_replaced: Callable[[ReadOnlyDatabase], Any] | None = None

    def _file_identity(self) -> tuple[int, int, int]:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            raise DatabaseMissing(f"{self.path}: no database yet; run `whosbehind build` first") from None
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    def _refresh(self, identity: tuple[int, int, int] | None = None) -> int:
        """Open the current file if it changed; returns the generation in use. Call with the lock held, with
        the file's identity read before taking it (a stat is a system call: other threads would queue behind
        it)."""
        identity = identity or self._file_identity()
        if identity != self._identity:
            # A file refused for what it holds (derived by another version, damaged, not a database) is refused
            # again without reopening it, until another file takes its place.
            if self._refused is not None and self._refused[0] == identity:
                raise self._refused[1]
            try:
                base = _open(self.path, self.threads)
            except DatabaseMissing as exc:
                if exc.lasting:
                    self._refused = (identity, exc)
                raise
            for con in self._idle:
                con.close()
            self._idle = []
            self._base, self._identity = base, identity
            self._cache.clear()
            self._held.clear()
            self.generation += 1
            if self.generation > 1 and self.on_replaced is not None:
                self.on_replaced(self)
        return self.generation

    def check(self) -> int:
        identity = self._file_identity()
        with self._lock:
            return self._refresh(identity)

    @contextmanager
    def connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        identity = self._file_identity()
        with self._lock:
            generation = self._refresh(identity)
            if self._idle:
                con = self._idle.pop()
            else:
                assert self._base is not None
                con = self._base.cursor()
                _prepare(con)
        try:
            yield con
        finally:
            # A request that read only the first rows of a result (fetchone) leaves it unfinished, and DuckDB then
            # refuses the next request's relational query (export/tables.py) on this connection: end it here.
            finish = getattr(con, "abort", None)  # DuckDB 2 (1.x has no such state to end)
            if finish is not None:
                with contextlib.suppress(duckdb.Error):
                    finish()
            with self._lock:
                if generation == self.generation and len(self._idle) < 64:
                    self._idle.append(con)
                else:
                    con.close()

    def _lookup(self, key: Any) -> tuple[int, Any]:
        """The generation of the file now in place, and the answer cached for `key` from it (or _MISSING)."""
        identity = self._file_identity()
        with self._lock:
            generation = self._refresh(identity)
            if key in self._cache:
                self._cache.move_to_end(key)
                return generation, self._cache[key]
        return generation, _MISSING

    def remembered(self, key: Any, compute: Callable[[], T]) -> T:
        """The answer for `key` from this version of the file, computed once (answers never change between
        rebuilds, so they are kept until the file is replaced). `compute` runs after the version is noted, so
        an answer computed while a new file is swapped in is not kept for the new file."""
        generation, value = self._lookup(key)
        if value is not _MISSING:
            return value
        value = compute()
        with self._lock:
            if generation == self.generation:
                self._cache[key] = value
                if len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
        return value

    def cached(self, key: Any, compute: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        """`remembered`, for an answer that runs queries: `compute` gets a connection."""
        def run() -> T:
            with self.connection() as con:
                return compute(con)

        return self.remembered(key, run)

    def held(self, key: Any, compute: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        """A value read once per version of the file and held, whatever the cache's size, until the file is
        replaced: for what every request needs (the stored answers, by id)."""
        identity = self._file_identity()
        with self._lock:
            generation = self._refresh(identity)
            if key in self._held:
                return self._held[key]
        with self.connection() as con:
            value = compute(con)
        with self._lock:
            if generation == self.generation:
                self._held.setdefault(key, value)
                return self._held[key]
        return value

    def peek(self, key: Any) -> Any | None:
        """The cached answer for `key` from the file now in place, or None. Cheap enough for the event loop:
        async routes look here first and go to a worker thread only on a miss."""
        value = self._lookup(key)[1]
        return None if value is _MISSING else value

    def close(self) -> None:
        with self._lock:
            self.closing = True
            for con in self._idle:
                con.close()
            self._idle = []
            if self._base is not None:
                self._base.close()
                self._base = None
            self._identity = None
