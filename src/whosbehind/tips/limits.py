"""Rate limits that keep no address: global token buckets, and a per-codename count held in memory only.

Nothing here sees who is asking. A flood from one person slows everyone's submissions, which is the price of
not keeping addresses; behind a Tor onion service, Tor's own proof-of-work defence (HiddenServicePoWDefensesEnabled)
is what makes a flood expensive for the sender.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass, field


@dataclass
class TokenBucket:
    """``capacity`` requests at once, refilled at ``per_second``; one bucket for everyone."""

    capacity: float
    per_second: float
    tokens: float = -1.0
    updated: float = field(default_factory=time.monotonic)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def take(self) -> bool:
        with self.lock:
            now = time.monotonic()
            if self.tokens < 0:
                self.tokens = self.capacity
            self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.per_second)
            self.updated = now
            if self.tokens >= 1:
                self.tokens -= 1
                return True
            return False


class PerCodename:
    """At most ``limit`` status checks per codename in ``window`` seconds. The codename is kept only as a keyed
    hash whose key lives in this process's memory, and only for the window."""

    def __init__(self, limit: int, window: float):
        self.limit = limit
        self.window = window
        self._key = secrets.token_bytes(32)
        self._seen: dict[bytes, list[float]] = {}
        self._lock = threading.Lock()

    def take(self, normalized_codename: str) -> bool:
        digest = hashlib.blake2b(normalized_codename.encode("utf-8"), key=self._key, digest_size=16).digest()
        now = time.monotonic()
        with self._lock:
            for k in [k for k, times in self._seen.items() if times[-1] < now - self.window]:
                del self._seen[k]
            times = [t for t in self._seen.get(digest, []) if t >= now - self.window]
            if len(times) >= self.limit:
                self._seen[digest] = times
                return False
            times.append(now)
            self._seen[digest] = times
            return True


@dataclass
class Limits:
    submissions: TokenBucket = field(default_factory=lambda: TokenBucket(capacity=20, per_second=1 / 30))
    status_checks: TokenBucket = field(default_factory=lambda: TokenBucket(capacity=30, per_second=1.0))
    per_codename: PerCodename = field(default_factory=lambda: PerCodename(limit=10, window=600))
