"""Early middleware: oversized bodies and NUL characters never reach a view.

Refuse request bodies over ``MAX_REQUEST_BYTES`` before they are read or spooled to disk.

Two layers, one limit:

- ``RequestSizeLimitMiddleware`` runs first among Django's middleware (WSGI and the test
  client). A declared Content-Length over the limit is answered with 413 at once, before
  anything touches ``request.POST`` or ``request.FILES``; a body without a length
  (``Transfer-Encoding: chunked``) is wrapped so that reading stops at the limit, and the
  response becomes 413 when it was reached.
- ``ASGIRequestSizeLimit`` wraps the ASGI application, because Django's ASGI handler reads
  the whole body into a temporary file before any middleware runs.

A reverse proxy in front should cap bodies at the same size (README, "Configuration").
"""

from __future__ import annotations

import io
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string

logger = logging.getLogger("core.request_size")

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
# Flag set on the request when a body without a declared length went over the limit.
OVER_LIMIT_ATTRIBUTE = "_core_body_over_limit"

# The shapes Django's own ASGIHandler declares, so that it can be wrapped as it is.
Scope = dict[str, Any]
Message = Mapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def too_large_page() -> str:
    # Rendered without a request: this runs before sessions, users and the language are
    # known, so the page is self-contained and in both languages (like 500.html).
    return render_to_string("413.html", {"limit_mb": settings.MAX_REQUEST_BYTES // 2**20})


def too_large_response() -> HttpResponse:
    response = HttpResponse(too_large_page(), status=413)
    response["X-Content-Type-Options"] = "nosniff"
    return response


class CappedStream(io.RawIOBase):
    """A body reader that gives at most ``limit`` bytes and marks the request when the
    body goes on beyond them; Django then answers 400, which the middleware turns into 413."""

    def __init__(self, stream: Any, limit: int, request: HttpRequest) -> None:
        self._stream = stream
        self._limit = limit
        self._request = request
        self._position = 0

    def readable(self) -> bool:
        return True

    def _take(self, data: bytes) -> bytes:
        self._position += len(data)
        if self._position > self._limit:
            setattr(self._request, OVER_LIMIT_ATTRIBUTE, True)
            raise RequestDataTooBig("The request body is larger than MAX_REQUEST_BYTES.")
        return data

    def _size(self, size: int | None) -> int:
        # One byte past the limit is enough to know the body is too large.
        room = self._limit + 1 - self._position
        return room if size is None or size < 0 else min(size, room)

    def read(self, size: int | None = -1, /) -> bytes:
        return self._take(self._stream.read(self._size(size)))

    def readline(self, size: int | None = -1, /) -> bytes:
        return self._take(self._stream.readline(self._size(size)))

    def readinto(self, buffer: Any, /) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


class RequestSizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit: int = settings.MAX_REQUEST_BYTES
        declared = request.META.get("CONTENT_LENGTH")
        if declared not in (None, ""):
            try:
                length = int(declared)
            except ValueError:
                length = -1
            if length < 0:
                return HttpResponseBadRequest("Bad Content-Length.", content_type="text/plain")
            if length > limit:
                logger.warning("Refused a %s-byte body for %s", length, request.path)
                return too_large_response()
        elif request.method in BODY_METHODS and "HTTP_TRANSFER_ENCODING" in request.META:
            # No length: the body is read as it comes, so stop reading at the limit.
            raw = getattr(request, "environ", {}).get("wsgi.input") or request._stream
            # Django only calls read() and readline() on it; the stubs ask for a BinaryIO.
            request._stream = CappedStream(raw, limit, request)  # type: ignore[assignment]
        response = self.get_response(request)
        if getattr(request, OVER_LIMIT_ATTRIBUTE, False):
            logger.warning("Refused an over-long body without a length for %s", request.path)
            return too_large_response()
        return response


class NullCharacterMiddleware:
    """Answer 400 when the path, the query string or a form field holds a NUL character.

    No page of ours has a use for one, and PostgreSQL refuses it in any text value: a NUL
    that reached a query would be a 500 wherever a view passes request data to the
    database. Uploaded files are bytes and are not looked at.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request.path) or _has_nul_in(request.GET):
            raise BadRequest("A NUL character in the address.")
        if request.method in BODY_METHODS and _has_nul_in(request.POST):
            raise BadRequest("A NUL character in a form field.")
        return self.get_response(request)


def _has_nul(value: str) -> bool:
    return "\x00" in value


def _has_nul_in(data: Any) -> bool:
    return any(
        _has_nul(key) or any(_has_nul(value) for value in values) for key, values in data.lists()
    )


class ASGIRequestSizeLimit:
    """Wraps the ASGI application: counts body bytes as they arrive and answers 413 past
    the limit, so Django's handler never spools more than ``MAX_REQUEST_BYTES``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit: int = settings.MAX_REQUEST_BYTES
        for name, value in scope.get("headers", []):
            if name.lower() == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = limit + 1
                if declared > limit or declared < 0:
                    await _send_too_large(send)
                    return
        received = 0
        over = False
        started = False

        async def capped_receive() -> Message:
            nonlocal received, over
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    over = True
                    # Django's handler stops reading and returns without a response.
                    return {"type": "http.disconnect"}
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, capped_receive, watched_send)
        if over and not started:
            await _send_too_large(send)


async def _send_too_large(send: Send) -> None:
    body = too_large_page().encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"text/html; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"x-content-type-options", b"nosniff"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
