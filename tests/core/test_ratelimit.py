"""The shared-cache rate limit: counts per key and window, and fails closed without a cache."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.core.cache import cache, caches

from core.ratelimit import hit, reached


def test_the_limit_allows_exactly_its_number_of_actions() -> None:
    results = [hit("ratelimit:test:counted", limit=3, period=60) for _ in range(5)]

    assert results == [True, True, True, False, False]


def test_keys_are_counted_apart() -> None:
    assert hit("ratelimit:test:a", limit=1, period=60)
    assert hit("ratelimit:test:b", limit=1, period=60)
    assert not hit("ratelimit:test:a", limit=1, period=60)


def test_reached_reads_the_count_without_adding_to_it() -> None:
    key = "ratelimit:test:wrong-codes"
    assert not reached(key, limit=2)
    hit(key, limit=2, period=60)
    assert not reached(key, limit=2)
    hit(key, limit=2, period=60)

    assert reached(key, limit=2)
    assert reached(key, limit=2)  # asking again counts nothing
    assert cache.get(key) == 2


def test_an_unreachable_cache_refuses_and_logs_instead_of_raising(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def unreachable(*args: Any, **kwargs: Any) -> Any:
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    counters = caches["ratelimit"]  # the alias rate limits count in (core.cache)
    monkeypatch.setattr(counters, "add", unreachable)
    monkeypatch.setattr(counters, "incr", unreachable)
    monkeypatch.setattr(counters, "get", unreachable)

    with caplog.at_level(logging.WARNING, logger="core.ratelimit"):
        assert hit("ratelimit:test:down", limit=100, period=60) is False
        assert reached("ratelimit:test:down", limit=100) is True
    assert "cache is unreachable" in caplog.text
