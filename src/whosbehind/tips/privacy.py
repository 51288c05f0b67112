"""Forget who is asking, before any page code runs.

uvicorn writes its access log from the very ``scope`` dict the application receives, and turns that log on
again as soon as any handler is attached to the ``uvicorn.access`` logger, whatever ``access_log=False`` said.
So the app itself removes, for every request, the client address (``scope["client"]``, which uvicorn has already
replaced with ``X-Forwarded-For`` behind a proxy) and the headers that identify a browser or where it came from.
No page of whosbehind uses them.
"""

from __future__ import annotations

from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

DROPPED_HEADERS = {b"user-agent", b"referer", b"x-forwarded-for", b"forwarded", b"x-real-ip", b"via",
                   b"cf-connecting-ip", b"true-client-ip", b"x-client-ip", b"x-cluster-client-ip",
                   b"sec-ch-ua", b"sec-ch-ua-platform", b"sec-ch-ua-mobile"}


class ForgetClient:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            forget(scope)
        await self.app(scope, receive, send)


def forget(scope: Any) -> None:
    """In place, so that whoever holds the same dict (uvicorn's access log) sees it forgotten too."""
    scope["client"] = None
    kept = [(k, v) for k, v in scope.get("headers", []) if k.lower() not in DROPPED_HEADERS]
    if isinstance(scope.get("headers"), list):
        scope["headers"][:] = kept
    else:
        scope["headers"] = kept
