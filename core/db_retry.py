"""A GET or HEAD whose database connection was lost under it is answered once more.

A database restart, a fail-over or ``pg_terminate_backend`` ends every open connection. The
pool (``platform_site/config.py``) checks a connection before it hands it out, so a request
that starts afterwards gets a good one; but a request that was already using a connection
fails with it. For a safe method that is needless: nothing it did can have been half-done
in a way a second try would repeat, so ``RetryLostConnectionMiddleware`` throws the broken
connection away and runs the request again, once. A POST is never repeated: it answers
with the error page, as before, and the person sends the form again.

Only a lost connection counts (psycopg marks the connection ``broken``). Any other database
error, such as a statement timeout or a deadlock on a healthy connection, is a bug or a
limit and is answered as it was.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.core.signals import got_request_exception
from django.db import DatabaseError, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.dispatch import receiver
from django.http import HttpRequest
from django.http.response import HttpResponseBase

logger = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD"})
# Set on the request when an exception on the way to its response came from a lost
# connection (see ``_note_lost_connection``).
LOST_ATTRIBUTE = "_core_db_connection_lost"


def broken_connections() -> list[BaseDatabaseWrapper]:
    """This thread's database connections that are broken (the server went away)."""
    return [
        connection
        for connection in connections.all(initialized_only=True)
        if connection.connection is not None
        and (getattr(connection.connection, "broken", False) or connection.connection.closed)
    ]


@receiver(got_request_exception, dispatch_uid="core.db_retry.note_lost_connection")
def _note_lost_connection(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    # Django turns an exception into the 500 page in whichever middleware it was raised,
    # so the middleware below sees a response, never the exception; this signal (sent for
    # every such exception, with the request) is where its cause can still be seen.
    if request is not None and broken_connections():
        setattr(request, LOST_ATTRIBUTE, True)


class RetryLostConnectionMiddleware:
    """Run a safe request once more when its database connection was lost (see the module).

    It sits before every middleware that reads the database (sessions, users), so a
    second run does all of them again on a fresh connection."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if not getattr(request, LOST_ATTRIBUTE, False):
            return response
        setattr(request, LOST_ATTRIBUTE, False)
        _discard_broken_connections()
        if request.method in SAFE_METHODS and response.status_code >= 500:
            logger.warning(
                "Database connection lost during %s %s; answering it once more",
                request.method,
                request.path,
            )
            response = self.get_response(request)
        return response


def _discard_broken_connections() -> None:
    for connection in broken_connections():
        try:
            # Hands a pooled connection back; the pool drops it because it is broken.
            connection.close()
        except DatabaseError:
            connection.connection = None
