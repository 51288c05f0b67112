"""Live ownership registries: GLEIF level 2 and USAspending recipient profiles, over HTTP.

Both clients use httpx, retry what a server may answer differently a moment later (a refused or dropped
connection, 429, 5xx; waiting as ``Retry-After`` asks, else 0.5 s, 1 s, 2 s ...), and keep every answer in a
cache folder (one JSON file per URL, named by its sha256), so a second run asks nothing again and a run
can be repeated from the cache alone. Nothing here runs during a build: `whosbehind refresh-families` calls
them and stores what they answer, with the URL, retrieval time and the answer's sha256, in the database's
raw table ``raw_registry_links``; step 220 reads it beside the packaged references.

- GLEIF API v1 (https://api.gleif.org/api/v1, CC0), grade A: ``lei-records/{lei}/direct-parent-relationship``
  and ``.../ultimate-parent-relationship``, a legal entity's consolidating parents with the relationship's periods.
- USAspending API v2 (https://api.usaspending.gov/api/v2, public domain), grade B (self-reported to SAM):
  ``recipient/{recipient_id}/``, the parents a recipient profile lists; ``recipient/children/{uei}/``, the child
  recipients of a parent.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from whosbehind.errors import WhosbehindError
from whosbehind.resolve.families import GleifRelationship, parse_gleif_relationships
from whosbehind.settings import GLEIF_API_V1, USASPENDING_API_V2

RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class Fetched:
    """One answer: its JSON, where it came from, when, and the sha256 of its bytes."""

    url: str
    data: Any
    retrieved_at: str
    sha256: str
    from_cache: bool


class RegistryClient:
    """GET JSON with retries and a file cache. ``sleep`` is injectable so tests do not wait."""

    def __init__(self, base_url: str, cache_dir: Path | None = None, *, retries: int = 3, timeout: float = 30.0,
                 backoff: float = 0.5, sleep: Callable[[float], None] = time.sleep,
                 client: httpx.Client | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.cache_dir = cache_dir
        self.retries = retries
        self.backoff = backoff
        self.sleep = sleep
        self.client = client or httpx.Client(timeout=timeout, headers={"Accept": "application/json",
                                                                       "User-Agent": "whosbehind"})

    def close(self) -> None:
        self.client.close()

    def _cache_path(self, url: str) -> Path | None:
        if self.cache_dir is None:
            return None
        return self.cache_dir / f"{hashlib.sha256(url.encode()).hexdigest()}.json"

    def get(self, path: str, *, missing_ok: bool = False) -> Fetched | None:
        """The JSON at ``base_url + path``; None for a 404 when ``missing_ok`` (no parent, no such record)."""
        url = f"{self.base_url}/{path.lstrip('/')}"
        cached = self._cache_path(url)
        if cached is not None and cached.exists():
            held = json.loads(cached.read_text("utf-8"))
            if held["status"] == 404:
                return None
            return Fetched(url, json.loads(held["body"]), held["retrieved_at"], held["sha256"], True)
        response = self._get_with_retries(url)
        retrieved = datetime.now(UTC).replace(microsecond=0).isoformat()
        if response.status_code == 404 and missing_ok:
            self._store(cached, url, 404, "", retrieved)
            return None
        if response.status_code != 200:
            raise WhosbehindError(f"{url}: the registry answered HTTP {response.status_code}")
        try:
            data = response.json()
        except ValueError:
            raise WhosbehindError(f"{url}: the registry's answer is not JSON") from None
        digest = self._store(cached, url, 200, response.text, retrieved)
        return Fetched(url, data, retrieved, digest, False)

    def _get_with_retries(self, url: str) -> httpx.Response:
        for attempt in range(self.retries + 1):
            try:
                response = self.client.get(url)
            except httpx.TransportError as exc:
                if attempt == self.retries:
                    raise WhosbehindError(f"{url}: {exc.__class__.__name__} after {attempt + 1} tries") from None
                self.sleep(self.backoff * 2 ** attempt)
                continue
            if response.status_code not in RETRY_STATUS or attempt == self.retries:
                return response
            wait = response.headers.get("Retry-After", "")
            self.sleep(float(wait) if wait.isdigit() else self.backoff * 2 ** attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def _store(self, cached: Path | None, url: str, status: int, body: str, retrieved: str) -> str:
        digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
        if cached is not None:
            cached.parent.mkdir(parents=True, exist_ok=True)
            cached.write_text(json.dumps({"url": url, "status": status, "retrieved_at": retrieved,
                                          "sha256": digest, "body": body}), "utf-8")
        return digest


@dataclass(frozen=True)
class RegistryLink:
    """A parent link a registry gave, ready for ``raw_registry_links``."""

    registry: str  # gleif | usaspending
    child_id: str  # lei:... | uei:... | duns:...
    child_name: str
    parent_id: str
    parent_name: str
    kind: str  # direct | ultimate | reported parent | reported child
    valid_from: str
    valid_to: str
    status: str
    url: str
    retrieved_at: str
    sha256: str


class GleifClient(RegistryClient):
    def __init__(self, base_url: str = GLEIF_API_V1, cache_dir: Path | None = None, **kw: Any) -> None:
        super().__init__(base_url, cache_dir, **kw)

    def parents(self, lei: str) -> list[RegistryLink]:
        """The direct and ultimate parent relationships of a legal entity (none when it reports none)."""
        out = []
        for which in ("direct-parent-relationship", "ultimate-parent-relationship"):
            got = self.get(f"lei-records/{lei}/{which}", missing_ok=True)
            if got is None:
                continue
            for r in parse_gleif_relationships(got.data):
                out.append(_gleif_link(r, got))
        return out


def _gleif_link(r: GleifRelationship, got: Fetched) -> RegistryLink:
    return RegistryLink("gleif", f"lei:{r.child_lei}", "", f"lei:{r.parent_lei}", "", r.kind, r.start_date,
                        r.end_date, r.status, got.url, got.retrieved_at, got.sha256)


def recipient_hash(uei: str | None = None, duns: str | None = None) -> str:
    """USAspending's recipient hash: the UUID of md5("UEI-" + UEI), or of "DUNS-" + DUNS for a recipient known
    by its DUNS only; a profile's id is the hash, "-", and its level (P parent, C child, R neither)."""
    import uuid

    key = f"UEI-{uei.strip().upper()}" if uei else f"DUNS-{(duns or '').strip().zfill(9)}"
    return str(uuid.UUID(hashlib.md5(key.encode("utf-8")).hexdigest()))


def _recipient_id(uei: str | None, duns: str | None) -> str | None:
    if uei:
        return f"uei:{uei.strip().upper()}"
    if duns:
        return f"duns:{duns.strip().zfill(9)}"
    return None


class UsaspendingRecipientClient(RegistryClient):
    def __init__(self, base_url: str = USASPENDING_API_V2, cache_dir: Path | None = None, **kw: Any) -> None:
        super().__init__(base_url, cache_dir, **kw)

    def parents(self, recipient_id: str) -> list[RegistryLink]:
        """The parents a recipient profile lists (``recipient/{id}/``, id as USAspending gives it, e.g.
        ``1c0c11fa-...-P``). A profile naming itself as parent gives no link."""
        got = self.get(f"recipient/{recipient_id}/", missing_ok=True)
        if got is None:
            return []
        d = got.data
        child = _recipient_id(d.get("uei"), d.get("duns"))
        out = []
        parents = d.get("parents") or [{"parent_uei": d.get("parent_uei"), "parent_duns": d.get("parent_duns"),
                                         "parent_name": d.get("parent_name")}]
        for p in parents:
            parent = _recipient_id(p.get("parent_uei"), p.get("parent_duns"))
            if child and parent and parent != child:
                out.append(RegistryLink("usaspending", child, d.get("name") or "", parent, p.get("parent_name") or "",
                                        "reported parent", "", "", "", got.url, got.retrieved_at, got.sha256))
        return out

    def parents_of(self, uei: str) -> list[RegistryLink]:
        """The parents of a recipient known by its UEI: its profile as a child (level C), else as neither."""
        for level in ("C", "R"):
            got = self.parents(f"{recipient_hash(uei=uei)}-{level}")
            if got:
                return got
        return []

    def children(self, uei: str) -> list[RegistryLink]:
        """The child recipients of a parent (``recipient/children/{uei}/``, a list of profiles)."""
        got = self.get(f"recipient/children/{uei}/", missing_ok=True)
        if got is None:
            return []
        parent = f"uei:{uei.strip().upper()}"
        out = []
        for c in got.data if isinstance(got.data, list) else []:
            child = _recipient_id(c.get("uei"), c.get("duns"))
            if child and child != parent:
                out.append(RegistryLink("usaspending", child, c.get("name") or "", parent, "", "reported child",
                                        "", "", "", got.url, got.retrieved_at, got.sha256))
        return out
