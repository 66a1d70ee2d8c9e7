"""A safe request whose database connection is terminated under it is answered once more
(core.db_retry); a POST and any other database error are not repeated."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import path

calls: Counter[str] = Counter()


def _terminate_own_connection() -> None:
    # What a database restart or ``pg_terminate_backend`` from outside does to a request
    # that holds a connection: its next query fails and the connection is gone.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")


def loses_connection_once(request: HttpRequest) -> HttpResponse:
    calls[request.method or ""] += 1
    who = request.user.get_username() if request.user.is_authenticated else "visitor"
    if calls[request.method or ""] == 1:
        _terminate_own_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse(f"answered for {who}")


def times_out(request: HttpRequest) -> HttpResponse:
    calls["timeout"] += 1
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 10")
        try:
            cursor.execute("SELECT pg_sleep(1)")
        finally:
            cursor.execute("SET statement_timeout = 0")
    return HttpResponse("not reached")


urlpatterns = [
    path("loses/", loses_connection_once),
    path("times-out/", times_out),
]

pytestmark = [
    # The connection really is terminated, so no test transaction may hold it.
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.core.test_db_retry"),
]


@pytest.fixture(autouse=True)
def fresh_calls() -> None:
    calls.clear()


@override_settings(DEBUG_PROPAGATE_EXCEPTIONS=False)
def test_a_get_whose_connection_was_terminated_is_answered_once_more(member: Any) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(member)

    response = client.get("/loses/")

    assert response.status_code == 200
    # The second run read the session and the user again, on a fresh connection.
    assert response.content.decode() == f"answered for {member.get_username()}"
    assert calls["GET"] == 2
    # And the next request is served normally, without a retry.
    calls.clear()
    calls["GET"] = 1
    assert client.get("/loses/").status_code == 200
    assert calls["GET"] == 2


def test_a_head_is_answered_once_more_too() -> None:
    response = Client(raise_request_exception=False).head("/loses/")

    assert response.status_code == 200
    assert calls["HEAD"] == 2


def test_a_post_is_never_sent_twice() -> None:
    client = Client(raise_request_exception=False)

    response = client.post("/loses/")

    assert response.status_code == 500
    assert calls["POST"] == 1
    # The broken connection did not outlive the request: the next one works.
    assert client.post("/loses/").status_code == 200


def test_other_database_errors_are_not_repeated() -> None:
    # A statement timeout leaves the connection healthy: a second try would only cost twice.
    response = Client(raise_request_exception=False).get("/times-out/")

    assert response.status_code == 500
    assert calls["timeout"] == 1
