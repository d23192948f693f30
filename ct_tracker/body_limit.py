"""The request body limit (413), enforced while the body arrives and before any other work on the request.

A declared Content-Length over the limit is answered at once, without reading a byte of the body; a
body without one (chunked) is counted as it arrives and refused as soon as it passes the limit. Only
a body within the limit reaches the app, so parsing, authentication and validation never see more.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ct_tracker.errors import ApiError

MAX_BODY_BYTES = 256 * 1024


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
            await self._refuse(scope, receive, send)
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
                await self._refuse(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        await self.app(scope, _replay(b"".join(chunks), receive), send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        kib = self.limit // 1024
        error = ApiError(413, "too_large", f"the request body is over {kib} KiB: the tracker accepts at most "
                                           f"{self.limit} bytes", headers={"Connection": "close"})
        await error.response(scope)(scope, receive, send)


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
