"""HTTP with timeouts, retries with exponential backoff, resumable downloads and the sha256 of every file.

A 5xx, a 429, a timeout or a cut connection is retried (``WHOSBEHIND_HTTP_RETRIES`` times, waiting
``WHOSBEHIND_HTTP_BACKOFF`` seconds, doubled each time); a download cut part-way goes on from the byte where it
stopped (an HTTP Range request) in the same run and in the next one, since the part is kept on disk.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from whosbehind import settings
from whosbehind.errors import WhosbehindError

USER_AGENT = "whosbehind-refresh (+https://github.com/whosbehind)"


class FetchError(WhosbehindError):
    """A source could not be fetched whole: nothing from the run is stored."""


class _Retry(Exception):
    pass


@dataclass
class Fetched:
    url: str
    path: Path
    sha256: str
    bytes: int
    resumed: bool = False  # part of it came from an earlier, interrupted attempt


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class Client:
    def __init__(
        self,
        *,
        timeout: float | None = None,
        retries: int | None = None,
        backoff: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        timeout = timeout if timeout is not None else settings.http_timeout()
        self.retries = retries if retries is not None else settings.http_retries()
        self.backoff = backoff if backoff is not None else settings.http_backoff()
        self.sleep = sleep
        self.http = httpx.Client(timeout=httpx.Timeout(timeout, connect=min(timeout, 15.0)), follow_redirects=True,
                                 headers={"User-Agent": USER_AGENT})
        self.requests = 0

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _attempts(self, what: str, call: Callable[[], Any]) -> Any:
        last: Exception | None = None
        for attempt in range(self.retries + 1):
            try:
                self.requests += 1
                return call()
            except (httpx.TransportError, _Retry) as exc:
                last = exc
                if attempt < self.retries:
                    self.sleep(self.backoff * 2**attempt)
        raise FetchError(f"{what}: failed {self.retries + 1} times, last: {_describe(last)}; nothing was stored")

    @staticmethod
    def _check(what: str, response: httpx.Response) -> httpx.Response:
        if response.status_code >= 500 or response.status_code == 429:
            raise _Retry(f"HTTP {response.status_code}")
        if response.status_code >= 400:
            detail = " ".join(response.text.split())[:200]
            raise FetchError(f"{what}: HTTP {response.status_code} {detail}; nothing was stored")
        return response

    def get_json(self, url: str, what: str, **params: Any) -> Any:
        return self._json(what, lambda: self._check(what, self.http.get(url, params=params or None)))

    def post_json(self, url: str, body: Any, what: str) -> Any:
        return self._json(what, lambda: self._check(what, self.http.post(url, json=body)))

    def _json(self, what: str, call: Callable[[], httpx.Response]) -> Any:
        response = self._attempts(what, call)
        try:
            return response.json()
        except ValueError:
            raise FetchError(f"{what}: the answer is not JSON; nothing was stored") from None

    def download(self, url: str, target: Path, what: str) -> Fetched:
        """Fetch ``url`` into ``target`` (kept as ``target.part`` until whole), resuming a part left before."""
        part = target.with_name(target.name + ".part")
        resumed = [False]

        def attempt() -> None:
            have = part.stat().st_size if part.exists() else 0
            headers = {"Range": f"bytes={have}-"} if have else {}
            with self.http.stream("GET", url, headers=headers) as response:
                if response.status_code == 416 and have:
                    part.unlink()  # the part is not a prefix of this file (it changed): start again
                    raise _Retry("HTTP 416 on resume")
                self._check(what, response)
                append = have and response.status_code == 206
                resumed[0] = resumed[0] or bool(append)
                expected = response.headers.get("content-length")
                written = 0
                with open(part, "ab" if append else "wb") as handle:
                    for chunk in response.iter_bytes():
                        handle.write(chunk)
                        written += len(chunk)
                if expected is not None and written != int(expected):
                    raise _Retry(f"{written} of {expected} bytes")

        self._attempts(what, attempt)
        os.replace(part, target)
        return Fetched(url, target, sha256_of(target), target.stat().st_size, resumed[0])


def _describe(exc: Exception | None) -> str:
    if exc is None:
        return "unknown error"
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"connection cut ({exc})"
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect ({exc})"
    return str(exc) or type(exc).__name__
