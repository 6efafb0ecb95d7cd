"""The service's limits as they act: the body's size (413), the time a request takes (503).

The records a ``/results`` request may hold are a bound of its request model (422, with the
other problems of the body), see ``gridrules.service.schemas``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.exceptions import HTTPException

__all__ = ["BodyLimit", "Deadline", "TimeLimitExceeded", "too_slow"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class _TooLarge(HTTPException):
    """Raised as the body arrives: an HTTP error, so that the framework answers it as one
    (413) even where it reads the body for a route."""

    def __init__(self, detail: str) -> None:
        super().__init__(413, detail)


class BodyLimit:
    """ASGI middleware refusing a request whose body is larger than ``limit`` bytes: at once
    when its ``Content-Length`` says so, else as soon as more has arrived (a chunked body).

    The answer is 413 with a JSON body ``{"detail": ...}`` saying the limit.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    length = int(value)
                except ValueError:
                    await _answer(send, 400, "the Content-Length header is not a number")
                    return
                if length > self.limit:
                    await _answer(send, 413, self._message(length))
                    return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise _TooLarge(self._message(None))
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except _TooLarge:
            if not started:
                await _answer(send, 413, self._message(None))

    def _message(self, length: int | None) -> str:
        size = f"is {length:,} bytes" if length is not None else "goes on past the limit"
        return (
            f"the request body {size}; this service takes at most {self.limit:,} bytes "
            "(send fewer records at a time)"
        )


async def _answer(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}, ensure_ascii=False).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class TimeLimitExceeded(Exception):
    """A request took longer than the service allows; answered with 503."""

    def __init__(self, limit: float) -> None:
        super().__init__(too_slow(limit))
        self.limit = limit


def too_slow(limit: float) -> str:
    """What the 503 says."""
    return (
        f"the request took longer than the {limit:g} s this service allows one request; send "
        "fewer records at a time, or ask the service's operator to raise the time limit"
    )


class Deadline:
    """The moment a request must be done by; :meth:`check` raises once it has passed."""

    __slots__ = ("end", "limit")

    def __init__(self, limit: float) -> None:
        self.limit = limit
        self.end = time.monotonic() + limit

    def left(self) -> float:
        """Seconds left (0 when passed)."""
        return max(0.0, self.end - time.monotonic())

    def check(self) -> None:
        """:raises TimeLimitExceeded: the deadline has passed."""
        if time.monotonic() > self.end:
            raise TimeLimitExceeded(self.limit)
