"""What one visitor can cost the server, and the headers every answer carries.

- Request headers must arrive within ``HEADER_TIMEOUT`` seconds (30) of a connection opening (or of the previous
  answer on a kept-alive connection) and be at most ``MAX_HEADER_BYTES``: a client that trickles them (a
  "slowloris") is disconnected instead of holding a connection open for ever.
- A request body may be at most ``MAX_BODY`` bytes (``MAX_UPLOAD`` for the check-a-list form, whose file may be
  5 MB) and must arrive within ``BODY_TIMEOUT`` seconds. A declared Content-Length over the limit is refused
  (413) before a byte is read; a body without one is counted while it streams and refused as soon as it passes
  the limit, so no more than the limit is ever read (into memory, or the disk for a form upload).
- At most ``MAX_CONNECTIONS`` connections are served at once (default: what the process's open-file limit
  allows, raised to its hard limit; more are answered 503 at once instead of being dropped), and lists of
  names are checked one at a time (``CHECK_SLOTS``): a second list waits up to ``CHECK_WAIT`` seconds, then gets
  503 with Retry-After, so large checks cannot take every core.
- Every answer carries Content-Security-Policy (scripts and styles from this site only, no framing),
  X-Content-Type-Options, Referrer-Policy and X-Frame-Options; the server sends no ``server`` banner.

Each limit is a setting (settings.py: the environment variable of the same name prefixed ``WHOSBEHIND_``).
"""

from __future__ import annotations

import asyncio
import random
import resource
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from whosbehind import settings
from whosbehind.errors import WhosbehindError

HEADER_TIMEOUT = settings.web_limit("HEADER_TIMEOUT")
MAX_HEADER_BYTES = int(settings.web_limit("MAX_HEADER_BYTES"))
KEEP_ALIVE = settings.web_limit("KEEP_ALIVE")
BODY_TIMEOUT = settings.web_limit("BODY_TIMEOUT")
MAX_BODY = int(settings.web_limit("MAX_BODY"))
MAX_UPLOAD = int(settings.web_limit("MAX_UPLOAD"))
UPLOAD_PATHS = ("/check", "/check.csv")
OWN_LIMIT_PATHS = ("/tip",)  # WHOSBEHIND_TIPS_MAX_MB, checked by the page so that it can answer in its language
MAX_CONNECTIONS = int(settings.web_limit("MAX_CONNECTIONS"))  # 0: as many as the open-file limit allows
CHECK_SLOTS = int(settings.web_limit("CHECK_SLOTS"))
CHECK_WAIT = settings.web_limit("CHECK_WAIT")

ONEPAGER_SUFFIX = "/onepager"  # its print layout is an inline <style> (WeasyPrint renders the same page as PDF)
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
CSP_ONEPAGER = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
HEADERS = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin"),
           (b"x-frame-options", b"DENY"), (b"cross-origin-opener-policy", b"same-origin")]


class Busy(WhosbehindError):
    """Every slot for checking lists is taken: try again shortly (served as 503 with Retry-After)."""


_check_slots = threading.BoundedSemaphore(max(CHECK_SLOTS, 1))


@contextmanager
def check_slot() -> Iterator[None]:
    """One of the few slots for checking a list of names; waits up to CHECK_WAIT seconds for it."""
    if not _check_slots.acquire(timeout=CHECK_WAIT):
        raise Busy("another list of names is being checked; try again in a minute")
    try:
        yield
    finally:
        _check_slots.release()


class _TooLarge(HTTPException):
    """Raised from receive(): an HTTPException, so the form and JSON readers pass it on as a 413 answer."""

    def __init__(self, limit: int):
        super().__init__(413, f"the request body is larger than {limit:,} bytes")


class _TooSlow(HTTPException):
    def __init__(self) -> None:
        super().__init__(408, f"the request body did not arrive within {BODY_TIMEOUT:g} s")


class RequestLimits:
    """ASGI middleware: body size and time limits, and the protective headers on every answer."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        limit = MAX_UPLOAD if path in UPLOAD_PATHS else MAX_BODY
        own_limit = path in OWN_LIMIT_PATHS
        if own_limit:  # the tip form refuses a larger body itself, with its own page (tips/web.py); this is a net
            limit = settings.tips_max_mb() * 1024 * 1024 + 1024 * 1024
        csp = (CSP_ONEPAGER if path.endswith(ONEPAGER_SUFFIX) else CSP).encode()
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"server"]
                present = {k.lower() for k, _ in headers}  # a page that sets a stricter one keeps it (the tip pages)
                extra = [(k, v) for k, v in [(b"content-security-policy", csp), *HEADERS] if k not in present]
                message = {**message, "headers": [*headers, *extra]}
            await send(message)

        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and not own_limit:
            try:
                too_large = int(declared) > limit
            except ValueError:
                too_large = True
            if too_large:
                await _refuse(send_with_headers, 413, f"the request body is larger than {limit:,} bytes")
                return
        received = 0
        loop = asyncio.get_running_loop()
        deadline = loop.time() + BODY_TIMEOUT

        async def limited_receive() -> Message:
            nonlocal received
            try:
                message = await asyncio.wait_for(receive(), timeout=max(deadline - loop.time(), 0.001))
            except TimeoutError:
                raise _TooSlow() from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge(limit)
            return message

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except (_TooLarge, _TooSlow) as exc:  # raised where no exception handler answered it
            if not started:
                await _refuse(send_with_headers, exc.status_code, str(exc.detail))


async def _refuse(send: Send, status: int, message: str) -> None:
    body = (message + "\n").encode()
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
               (b"connection", b"close")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


# --- the HTTP protocol: a deadline for request headers ------------------------------------------------------

def _base_protocol() -> type:
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

        return HttpToolsProtocol
    except ImportError:  # pragma: no cover - httptools comes with uvicorn[standard]
        from uvicorn.protocols.http.h11_impl import H11Protocol

        return H11Protocol


def _header_timeout() -> float:
    """HEADER_TIMEOUT, spread over its last quarter: clients that connected together are not all dropped (and
    do not all come back) in the same instant."""
    return HEADER_TIMEOUT * (0.75 + 0.25 * random.random())


class HeaderDeadlineProtocol(_base_protocol()):  # type: ignore[misc]
    """uvicorn's HTTP protocol, closing a connection whose request headers do not all arrive in time or are too
    long. (uvicorn itself only times out idle kept-alive connections.)"""

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        self._header_bytes = 0
        self._headers_done = False
        self._header_deadline = self.loop.call_later(_header_timeout(), self._headers_too_slow)

    def data_received(self, data: bytes) -> None:
        if not self._headers_done:
            if self._header_deadline is None:  # a new request on a kept-alive connection
                self._header_deadline = self.loop.call_later(_header_timeout(), self._headers_too_slow)
            self._header_bytes += len(data)
            if self._header_bytes > MAX_HEADER_BYTES + MAX_UPLOAD:  # headers, or a pipelined body, far too long
                self._close()
                return
        super().data_received(data)
        if not self._headers_done and self._header_bytes > MAX_HEADER_BYTES:
            self._close()

    def on_headers_complete(self) -> None:
        self._headers_done = True
        self._cancel_deadline()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._headers_done = False  # the next request on this connection gets its own deadline
        self._header_bytes = 0

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_deadline()
        super().connection_lost(exc)

    def _cancel_deadline(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _headers_too_slow(self) -> None:
        self._header_deadline = None
        if not self._headers_done:
            self._close()

    def _close(self) -> None:
        self._cancel_deadline()
        if not self.transport.is_closing():
            self.transport.close()


def raise_open_file_limit() -> int:
    """Let the server hold as many connections as the system allows this process (the soft limit is often
    1,024); returns the limit now in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
            soft = wanted
        except (ValueError, OSError):
            pass
    return soft


def uvicorn_options() -> dict[str, Any]:
    """The server settings `whosbehind serve` runs with (see the module docstring)."""
    files = raise_open_file_limit()
    room = 65536 if files == resource.RLIM_INFINITY else max(64, files - 64)  # for the database and log files
    # Over the cap a request is answered 503 at once; without one, the process would run out of file
    # descriptors and drop connections unanswered.
    connections = min(MAX_CONNECTIONS, room) if MAX_CONNECTIONS > 0 else room
    return {
        "http": HeaderDeadlineProtocol,
        "ws": "none",
        "server_header": False,
        "timeout_keep_alive": KEEP_ALIVE,
        "limit_concurrency": connections,
        "h11_max_incomplete_event_size": MAX_HEADER_BYTES,
        "backlog": 2048,
    }
