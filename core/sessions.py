"""Sessions in the database, read through the shared cache for at most ten minutes.

Django's ``cached_db`` keeps a session in the cache for the session's whole life (two
weeks). The shared cache answers an outage as a miss (``core.cache``), so a log-out while
Redis is unreachable removes the session from the database but not from Redis; once Redis
answers again, that copy would still open the session. Here a cached copy lives at most
``CACHE_SECONDS``, after which it is read from the database again (one query), which bounds
that window. The page cache (``core.page_cache``) reads the same copy to know a member's
session still stands.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.db import SessionStore as DBStore

CACHE_SECONDS = 600


class SessionStore(cached_db.SessionStore):
    """``cached_db`` with a bounded life for the cached copy (see the module)."""

    def _cache_seconds(self, **kwargs: Any) -> int:
        return max(0, min(CACHE_SECONDS, self.get_expiry_age(**kwargs)))

    def load(self) -> dict[str, Any]:
        django_store: Any = self  # the parent's cache and helpers are private: not in the stubs
        data = django_store._cache.get(self.cache_key)
        if data is not None:
            return dict(data)
        stored = django_store._get_session_from_db()
        if stored is None:
            return {}
        data = self.decode(stored.session_data)
        django_store._cache.set(
            self.cache_key, data, self._cache_seconds(expiry=stored.expire_date)
        )
        return dict(data)

    def save(self, must_create: bool = False) -> None:
        DBStore.save(self, must_create)
        django_store: Any = self
        django_store._cache.set(self.cache_key, django_store._session, self._cache_seconds())
