"""The shared cache on Redis, for which an outage is a miss and never a failed request.

Everything the site keeps in the cache (search corrections, badge PNGs, allauth's counters)
can be recomputed or refused, so while Redis is unreachable ``ResilientRedisCache`` answers
as an empty cache: ``get`` gives the default, ``add``/``delete``/``touch``/``has_key`` give
False, ``set`` does nothing, ``incr`` says the key is missing. Only connection and timeout
errors count as an outage; anything else (a wrong type, a bug) still raises.

Rate limits must not read an outage as "nothing counted yet", or they would let everything
through. They use the alias ``ratelimit``: the same Redis and the same keys, with the option
``STRICT``, so an outage raises and ``core.ratelimit`` fails closed.

Two things keep an outage cheap. A breaker: after a failure a process sends nothing to that
Redis for ``RETRY_AFTER`` seconds (a dead host would otherwise cost a connect timeout per
call), then tries again. And the log: one line when Redis goes away, at most one a minute
while it stays away (with the number of failed calls), one when it is back.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# What an outage looks like from redis-py (BusyLoadingError, while Redis loads its data after
# a restart, is a ConnectionError).
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
RETRY_AFTER_SECONDS = 2.0
LOG_EVERY_SECONDS = 60.0

T = TypeVar("T")


class CacheUnavailable(RedisConnectionError):
    """A strict cache refused a call without trying: Redis failed moments ago."""


class _Health:
    """The state of one Redis server, shared by every thread and alias of the process
    (Django makes a cache object per thread, but the server is down for all of them)."""

    def __init__(self, server: str) -> None:
        self.server = server
        self.lock = threading.Lock()
        self.down_until = 0.0  # monotonic; the breaker is open before this moment
        self.down_since: float | None = None
        self.failures = 0  # calls that failed or were skipped since the last log line
        self.logged_at = 0.0

    def is_open(self) -> bool:
        return time.monotonic() < self.down_until

    def failed(self, error: Exception | None, *, retry_after: float) -> None:
        now = time.monotonic()
        with self.lock:
            if error is not None:
                self.down_until = now + retry_after
            self.failures += 1
            if self.down_since is None:
                self.down_since, self.logged_at, self.failures = now, now, 0
                logger.warning(
                    "Cache %s unreachable (%s): answering as an empty cache, "
                    "rate limits refuse until it is back",
                    self.server,
                    error,
                )
            elif now - self.logged_at >= LOG_EVERY_SECONDS:
                logger.warning(
                    "Cache %s still unreachable after %.0f s (%d calls missed since the "
                    "last line; last error: %s)",
                    self.server,
                    now - self.down_since,
                    self.failures,
                    error or "skipped while waiting to retry",
                )
                self.logged_at, self.failures = now, 0

    def succeeded(self) -> None:
        if self.down_since is None:  # the usual case: no lock
            return
        with self.lock:
            if self.down_since is None:
                return
            logger.warning(
                "Cache %s reachable again after %.0f s",
                self.server,
                time.monotonic() - self.down_since,
            )
            self.down_since, self.down_until, self.failures = None, 0.0, 0


_health: dict[str, _Health] = {}
_health_lock = threading.Lock()


def _health_of(servers: list[str]) -> _Health:
    # Named by the (first) server's host and port only: a URL may carry a password, which
    # must not reach the logs.
    parts = urlsplit(servers[0])
    server = f"{parts.hostname}:{parts.port or 6379}" if parts.hostname else parts.path
    with _health_lock:
        return _health.setdefault(server, _Health(server))


def reset_health() -> None:
    """Forget every outage (tests that start and stop Redis begin from a clean state)."""
    with _health_lock:
        for health in _health.values():
            with health.lock:
                health.down_until, health.down_since, health.failures = 0.0, None, 0


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's client, which builds a new ``redis.Redis`` object for every call (about
    0.2 ms of CPU with redis-py 8, half of what a whole trivial request costs): here one per
    connection pool is built once and reused. A ``redis.Redis`` takes a connection from its
    pool for each command, so sharing it is safe."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        django_client: Any = self  # its pool helpers are private, so not in the stubs
        index = django_client._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            pool = django_client._get_connection_pool(write)
            client = self._clients[index] = django_client._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    """Django's Redis cache for which an unreachable Redis is a miss (see the module)."""

    def __init__(self, server: str | list[str], params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS") or {})
        self._strict = bool(options.pop("STRICT", False))
        self._retry_after = float(options.pop("RETRY_AFTER", RETRY_AFTER_SECONDS))
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = ReusedClientRedisCacheClient
        # The same split as Django's RedisCache, which keeps its list private.
        servers = re.split("[;,]", server) if isinstance(server, str) else server
        self._health = _health_of(servers)

    def _guard(self, miss: Callable[[], T], call: Callable[..., T], *args: Any) -> T:
        health = self._health
        if health.is_open():
            health.failed(None, retry_after=self._retry_after)
            if self._strict:
                raise CacheUnavailable(f"Cache {health.server} failed moments ago")
            return miss()
        try:
            result = call(*args)
        except UNREACHABLE as error:
            health.failed(error, retry_after=self._retry_after)
            if self._strict:
                raise
            return miss()
        health.succeeded()
        return result

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._guard(lambda: default, super().get, key, default, version)

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        return self._guard(dict, super().get_many, keys, version)

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._guard(lambda: False, super().has_key, key, version)

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        self._guard(lambda: None, super().set, key, value, timeout, version)

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        return self._guard(lambda: False, super().add, key, value, timeout, version)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._guard(lambda: False, super().touch, key, timeout, version)

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._guard(lambda: False, super().delete, key, version)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        def missing() -> int:
            raise ValueError(f"Key {key!r} not found (the cache is unreachable).")

        return self._guard(missing, super().incr, key, delta, version)

    def set_many(
        self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[Any]:
        # Django's contract: the keys that were not stored.
        return self._guard(lambda: list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        self._guard(lambda: None, super().delete_many, keys, version)

    def clear(self) -> None:
        self._guard(lambda: None, super().clear)


def reachable() -> bool:
    """Does the shared cache answer right now? Asked through the strict alias: the default
    cache would answer an outage with a miss, which looks like health."""
    try:
        caches["ratelimit"].has_key("reachable")
    except Exception:
        return False
    return True
