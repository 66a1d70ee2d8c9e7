"""A small fixed-window rate limit on the shared cache (Redis in production)."""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import cache
from django.http import HttpRequest

from core.http import client_ip

logger = logging.getLogger(__name__)


class RateLimited(Exception):
    pass


def hit(key: str, *, limit: int, period: int) -> bool:
    """Count one action under ``key``; False once more than ``limit`` happened in ``period`` s.

    When the cache cannot be reached the limit cannot be counted, so it fails closed (False,
    and a log line): the caller refuses with its message instead of answering 500 or letting
    an unbounded number of codes or requests through.
    """
    try:
        cache.add(key, 0, timeout=period)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=period)
            count = 1
    except Exception:
        logger.warning("Rate limit %s not counted: the cache is unreachable", key, exc_info=True)
        return False
    return count <= limit


def reached(key: str, *, limit: int) -> bool:
    """Have ``limit`` actions been counted under ``key`` (by `hit`) in the current window?
    For limits that count only some outcomes (wrong codes): ask first, `hit` after the
    outcome. Fails closed like `hit` when the cache cannot be reached."""
    try:
        return (cache.get(key) or 0) >= limit
    except Exception:
        logger.warning("Rate limit %s not read: the cache is unreachable", key, exc_info=True)
        return True


def request_key(request: HttpRequest, action: str) -> str:
    """A member is counted by account, a visitor by the client's address (not the proxy's)."""
    who = (
        f"user:{request.user.pk}"
        if request.user.is_authenticated
        else f"ip:{_address_block(client_ip(request))}"
    )
    return f"ratelimit:{action}:{who}"


def _address_block(ip: str) -> str:
    """An IPv6 client holds a whole /64: count the block, as allauth does, or it could
    step past any limit by changing address."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network(f"{address}/64", strict=False).network_address)
    return ip


@contextmanager
def ratelimit_guard(
    request: HttpRequest, action: str, *, limit: int, period: int
) -> Iterator[None]:
    """Raise RateLimited before the guarded block when the requester is over the limit."""
    if not hit(request_key(request, action), limit=limit, period=period):
        raise RateLimited(action)
    yield
