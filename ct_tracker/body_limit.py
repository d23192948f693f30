"""The request body limit (413), enforced while the body arrives and before any other work on the request.

A declared Content-Length over the limit is answered at once, without reading a byte of the body; a
body without one (chunked) is counted as it arrives and refused as soon as it passes the limit. Only
a body within the limit reaches the app, so parsing, authentication and validation never see more.

The answer is sent whole at once, but the connection is closed only once the client has finished
sending (what it still sends is read and dropped, for LINGER_SECONDS at most). Closing a socket with
unread data makes the system reset the connection, and a client still sending its body (as most do
before they read any answer) would then get "connection reset" instead of the 413.
"""

from __future__ import annotations

import asyncio
import contextlib

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ct_tracker.errors import ApiError

MAX_BODY_BYTES = 256 * 1024
# How long the rest of a refused body is read (and dropped) before the connection is closed.
LINGER_SECONDS = 5.0


class BodyLimit:
    """ASGI middleware: answer 413 ``too_large`` to a request whose body is over ``limit`` bytes."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES):
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.limit:
            # A client that asked whether to send (Expect: 100-continue) sends nothing after a final answer.
            await self._refuse(scope, receive, send, linger=not _expects_continue(scope))
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away before the body was complete: nobody to answer
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._refuse(scope, receive, send, linger=bool(message.get("more_body", False)))
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        await self.app(scope, _replay(b"".join(chunks), receive), send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, *, linger: bool) -> None:
        kib = self.limit // 1024
        error = ApiError(413, "too_large", f"the request body is over {kib} KiB: the tracker accepts at most "
                                           f"{self.limit} bytes", headers={"Connection": "close"})
        response = error.response(scope)
        await send({"type": "http.response.start", "status": response.status_code, "headers": response.raw_headers})
        # The whole body goes out now (its length is declared, so the client has all of it); the answer is
        # ended, and the connection closed, only after the rest of the request has been read.
        await send({"type": "http.response.body", "body": response.body, "more_body": True})
        if linger:
            await _drop_the_rest(receive, LINGER_SECONDS)
        await send({"type": "http.response.body", "body": b"", "more_body": False})


async def _drop_the_rest(receive: Receive, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            await _read_to_the_end(receive)


async def _read_to_the_end(receive: Receive) -> None:
    while True:
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body", False):
            return  # the body is complete, or the client went away


def _expects_continue(scope: Scope) -> bool:
    return any(name == b"expect" and value.lower() == b"100-continue" for name, value in scope.get("headers", ()))


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the HTTP server refuses a malformed length before the app is called
    return None


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        # After the body, the only message left is the client disconnecting.
        return await receive()

    return replayed
