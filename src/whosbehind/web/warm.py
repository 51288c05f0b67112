"""Filling the answer cache before visitors ask: the organizations with the most money first.

An organization answer costs a few queries (tens of milliseconds on a large database); served from the cache
it costs a lookup. Right after the server starts, or after a rebuild swaps in a new file, every answer would
otherwise be computed by the first visitor who asks, while everyone else waits behind those requests. The
server therefore computes the answers for the organizations people are most likely to open (those that
received the most money) before it accepts connections, and again in the background when a new file is
swapped in. How many, and for how long at most, are settings:

- ``WHOSBEHIND_WARM``: organizations to prepare (default 150; 0 turns warming off);
- ``WHOSBEHIND_WARM_SECONDS``: the most time spent on it (default 10).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from whosbehind import settings
from whosbehind.analysis.views import NotFound
from whosbehind.store import queries
from whosbehind.web import answers
from whosbehind.web.database import DatabaseMissing, ReadOnlyDatabase

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WarmSettings:
    organizations: int = 150
    seconds: float = 10.0

    @classmethod
    def from_environment(cls) -> WarmSettings:
        return cls(organizations=settings.warm_organizations(), seconds=settings.warm_seconds())


def warm(database: ReadOnlyDatabase, settings: WarmSettings) -> int:
    """Compute and cache the JSON answer and the page data of the largest organizations; returns how many.

    Stops early when the time is up or the file is replaced meanwhile (the next generation warms itself)."""
    if settings.organizations <= 0 or database.cache_size <= 0:
        return 0
    try:
        generation = database.check()
        with database.connection() as con:
            ids = [r["id"] for r in queries.rows(con, "web_warm_organizations",
                                                 limit=min(settings.organizations, database.cache_size // 3))]
    except DatabaseMissing:
        return 0
    deadline = time.monotonic() + settings.seconds
    done = 0
    for org_id in ids:
        if database.closing or time.monotonic() > deadline:
            break
        try:
            if database.check() != generation:
                break
            answers.organization_json(database, org_id)  # the page data too
        except (NotFound, DatabaseMissing):  # the file changed (or went, or is stale) meanwhile
            break
        done += 1
    log.info("prepared %d organization answers", done)
    return done


def warm_in_background(database: ReadOnlyDatabase, settings: WarmSettings) -> threading.Thread:
    thread = threading.Thread(target=warm, args=(database, settings), name="whosbehind-warm", daemon=True)
    thread.start()
    return thread
