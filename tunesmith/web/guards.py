"""Two guards in front of every route, as plain ASGI middleware: a cap on request bodies (413 before a byte
past it is read) and a time limit on each request (504), streams of events and waits for a run excepted
(a run has its own limit, enforced by killing its worker)."""

from __future__ import annotations

import asyncio
import json


class BodyLimit:
    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            return await _error(send, 413, f"the request is larger than {self.limit >> 10} KiB, the most "
                                           "this server takes")
        seen = 0

        async def limited():
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise TooLarge
            return message

        started = False

        async def tracking(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited, tracking)
        except TooLarge:
            if not started:
                await _error(send, 413, f"the request is larger than {self.limit >> 10} KiB")


class TooLarge(Exception):
    pass


class TimeLimit:
    def __init__(self, app, seconds: float, exempt=lambda scope: False):
        self.app, self.seconds, self.exempt = app, seconds, exempt

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or self.exempt(scope):
            return await self.app(scope, receive, send)
        started = False

        async def tracking(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            async with asyncio.timeout(self.seconds):
                await self.app(scope, receive, tracking)
        except TimeoutError:
            if not started:
                await _error(send, 504, f"the request took longer than {self.seconds:g} s")


async def _error(send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


# The studio's pages load only their own scripts, styles, images and sounds; a file served by the API (an SVG
# someone could open on its own) runs nothing at all. /docs keeps the inline script Swagger UI starts with.
PAGE_POLICY = ("default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; style-src 'self' "
               "'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'")
API_POLICY = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox; frame-ancestors 'none'"


class SecurityHeaders:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope.get("path", "")
        policy = None if path.startswith(("/docs", "/redoc")) else API_POLICY if path.startswith("/api/") \
            else PAGE_POLICY

        async def headed(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin"),
                            (b"x-frame-options", b"DENY")]
                if policy:
                    headers.append((b"content-security-policy", policy.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, headed)
