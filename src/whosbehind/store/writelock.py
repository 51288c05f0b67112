"""One writer per database: a lock file beside it, held for the whole of an ingest or build.

Two runs writing one database would both build into the same ``<db>.building`` copy and delete each other's
work. The second run waits for the first (``WHOSBEHIND_LOCK_TIMEOUT`` seconds, default 600, 0 = do not wait),
then refuses with one line; nothing of it is stored. Readers (the web server, ``top``, ``check``) never take
the lock: they read the file in place, which a run replaces whole.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from whosbehind import settings
from whosbehind.errors import WhosbehindError
from whosbehind.store import db


class DatabaseBusy(WhosbehindError):
    """Another ingest or build holds the database's write lock."""


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


def lock_timeout() -> float:
    return settings.lock_timeout()


@contextmanager
def writing(db_path: Path, on_wait: Callable[[str], None] = lambda s: None) -> Iterator[None]:
    """Hold the write lock of ``db_path`` while the body runs; wait for another writer, then refuse. A folder given
    as the database is refused first, before a lock file is made beside it."""
    db.refuse_folder(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(lock_path(db_path)))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        timeout = lock_timeout()
        if timeout:
            on_wait(f"waiting: another ingest or build is writing to {db_path} (up to {timeout:g} s)")
        try:
            lock.acquire(timeout=timeout)
        except Timeout:
            raise DatabaseBusy(
                f"{db_path}: another ingest or build is writing to this database"
                + (f" and did not finish within {timeout:g} s" if timeout else "")
                + "; nothing from this run was stored: run it again when the other one has finished"
            ) from None
    try:
        yield
    finally:
        lock.release()
