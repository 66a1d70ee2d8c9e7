"""A small fixed-window rate limit on the shared cache (Redis in production)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import cache
from django.http import HttpRequest


class RateLimited(Exception):
    pass


def hit(key: str, *, limit: int, period: int) -> bool:
    """Count one action under ``key``; False once more than ``limit`` happened in ``period`` s."""
    cache.add(key, 0, timeout=period)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period)
        count = 1
    return count <= limit


def request_key(request: HttpRequest, action: str) -> str:
    who = (
        f"user:{request.user.pk}"
        if request.user.is_authenticated
        else ("ip:" + (request.META.get("REMOTE_ADDR") or "unknown"))
    )
    return f"ratelimit:{action}:{who}"


@contextmanager
def ratelimit_guard(
    request: HttpRequest, action: str, *, limit: int, period: int
) -> Iterator[None]:
    """Raise RateLimited before the guarded block when the requester is over the limit."""
    if not hit(request_key(request, action), limit=limit, period=period):
        raise RateLimited(action)
    yield
