"""Sessions are read through the shared cache with a bounded life (``core.sessions``)."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from core import sessions
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


def _cache_key(client: Client) -> str:
    return (
        sessions.SessionStore.cache_key_prefix + client.cookies[settings.SESSION_COOKIE_NAME].value
    )


def test_the_page_cache_setting_reads_sessions_through_the_cache() -> None:
    assert settings.PAGE_CACHE  # tests/environment.py
    assert settings.SESSION_ENGINE == "core.sessions"


def test_a_cached_session_lives_briefly_and_is_read_again_from_the_database(
    monkeypatch: Any,
) -> None:
    cache = caches["default"]
    timeouts: list[Any] = []
    real_set = cache.set

    def spy(key: str, value: Any, timeout: Any = None, **kwargs: Any) -> None:
        if key.startswith(sessions.SessionStore.cache_key_prefix):
            timeouts.append(timeout)
        real_set(key, value, timeout, **kwargs)

    monkeypatch.setattr(cache, "set", spy)
    member = Client()
    member.force_login(UserFactory())  # saved: to the database and the cache
    assert member.get(reverse("initiatives:workspace")).status_code == 200
    key = _cache_key(member)
    assert cache.get(key) is not None
    cache.delete(key)  # as when its time is up
    assert member.get(reverse("initiatives:workspace")).status_code == 200  # not ended
    assert cache.get(key) is not None  # read from the database and cached again
    # Each copy for ten minutes at most (Django's cached_db: the session's two weeks).
    assert len(timeouts) >= 2
    assert all(0 < timeout <= sessions.CACHE_SECONDS for timeout in timeouts)


def test_logging_out_removes_the_cached_copy() -> None:
    member = Client()
    member.force_login(UserFactory())
    member.get(reverse("initiatives:workspace"))
    key = _cache_key(member)
    assert caches["default"].get(key) is not None
    member.post(reverse("account_logout"))
    assert caches["default"].get(key) is None
