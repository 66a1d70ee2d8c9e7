"""A small fixed-window rate limit on the shared cache (Redis in production).

Counted through the cache alias ``ratelimit`` (core.cache): the same store as the default
cache, but an unreachable Redis raises there instead of answering as an empty cache, so that
a limit that cannot be counted refuses rather than lets everything through."""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest

from core.cache import UNREACHABLE
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
    cache = caches["ratelimit"]
    try:
        cache.add(key, 0, timeout=period)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=period)
            count = 1
    except Exception as error:
        _log_refusal("counted", key, error)
        return False
    return count <= limit


def reached(key: str, *, limit: int) -> bool:
    """Have ``limit`` actions been counted under ``key`` (by `hit`) in the current window?
    For limits that count only some outcomes (wrong codes): ask first, `hit` after the
    outcome. Fails closed like `hit` when the cache cannot be reached."""
    try:
        return (caches["ratelimit"].get(key) or 0) >= limit
    except Exception as error:
        _log_refusal("read", key, error)
        return True


def _log_refusal(what: str, key: str, error: Exception) -> None:
    if isinstance(error, UNREACHABLE):
        # An outage: core.cache logs it once for the whole process, not once per request.
        logger.debug("Rate limit %s not %s: the cache is unreachable", key, what)
    else:
        logger.warning("Rate limit %s not %s: the cache is unreachable", key, what, exc_info=True)


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


def submit_within_limit(
    request: HttpRequest,
    form: BaseForm,
    action: str,
    *,
    limit: int,
    period: int,
    too_many: str,
    service: Callable[[], object],
) -> bool:
    """Call a valid form's service under ``ratelimit_guard``: True once it went through.
    What the service refuses (``ValidationError``), or ``too_many`` when the requester is over
    the limit, becomes an error on the form."""
    try:
        with ratelimit_guard(request, action, limit=limit, period=period):
            service()
    except ValidationError as error:
        form.add_error(None, error)
    except RateLimited:
        form.add_error(None, too_many)
    else:
        return True
    return False
