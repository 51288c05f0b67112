"""The FedRAMP Marketplace feed (``data.json``, published daily by GSA): fetched, read with the same reader as
the bundled snapshots, trimmed the same way, and kept as a new snapshot beside them.

``WHOSBEHIND_FEDRAMP_URL`` sets where it is fetched from. The feed states no count of its own; a file that does
not read as a whole data.json (cut short, not JSON, no products, no date) is refused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from whosbehind import settings
from whosbehind.errors import WhosbehindError
from whosbehind.refresh.http import Client, FetchError
from whosbehind.refresh.state import RunState
from whosbehind.refresh.usaspending import Slice
from whosbehind.sources import fedramp


def feed_url() -> str:
    return settings.fedramp_url()


@dataclass
class FetchedSnapshot:
    slice: Slice
    trimmed: Path  # the trimmed gzip copy that is stored
    snapshot_date: str


def fetch(client: Client, state: RunState) -> FetchedSnapshot:
    url = feed_url()
    fetched = state.fetch(client, url, "fedramp-data.json", "FedRAMP Marketplace data.json")
    try:
        snap = fedramp.read_snapshot(fetched.path)
    except WhosbehindError as exc:
        raise FetchError(f"FedRAMP Marketplace feed {url}: {exc}; nothing was stored") from None
    if not snap.products:
        raise FetchError(f"FedRAMP Marketplace feed {url}: no products in it; nothing was stored")
    trimmed = state.path(f"data-{snap.snapshot_date}.json.gz")
    fedramp.write_trimmed(fetched.path, trimmed)
    day = date.fromisoformat(snap.snapshot_date)
    found = Slice("fedramp", "all", day, day, [fetched], len(snap.products), None,
                  note="the feed states no count of its own: products read")
    return FetchedSnapshot(found, trimmed, snap.snapshot_date)
