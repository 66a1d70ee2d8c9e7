"""Probes for a load balancer and Kubernetes: ``/healthz`` and ``/readyz``.

``/healthz`` says the process answers (liveness: restart me if not); it touches nothing.
``/readyz`` says this instance can serve now (readiness: send me traffic): the database
answers and every migration of this code is applied. It also reports the cache and whether
a task worker was seen within ``READYZ_WORKER_MAX_AGE`` seconds, but those two only make it
"degraded" (still 200): the site serves every page without the cache (a cache error is a
miss) and without a worker (mail waits in the queue), so taking every instance out of the
load balancer over either would turn a partial outage into a whole one. The body is JSON
naming each check and its state, never an error message (those go to the log: the probe
is public).

``ProbeMiddleware`` answers both before anything else, so no session, cookie, CSRF token or
host check is involved: Kubernetes sends the pod's address as ``Host``, which
``ALLOWED_HOSTS`` rightly refuses for pages, and a probe reveals nothing a host check
protects.

Cost of ``/readyz``: two queries (``SELECT 1``, the newest heartbeat) and one cache round
trip. The migration check reads the migration files and ``django_migrations`` only until it
has once found everything applied: code and schema do not drift apart after that in one
process (a new release is a new process).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.heartbeat import latest_heartbeat

logger = logging.getLogger("core.health")

OK = "ok"
FAILING = "failing"
PENDING = "pending"  # migrations not yet applied
STALE = "stale"  # no worker seen recently
SKIPPED = "skipped"  # the worker check is turned off (READYZ_WORKER_MAX_AGE=0)
DEGRADED = "degraded"  # serving, but the cache or the worker is missing

# Without these the instance cannot serve: readiness fails (503).
REQUIRED = ("database", "migrations")

CACHE_PROBE_KEY = "core:readyz"

_migrations_applied = False


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": OK})


@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    checks = {name: _run(name, check) for name, check in CHECKS.items()}
    ready = all(checks[name] == OK for name in REQUIRED)
    complete = all(state in (OK, SKIPPED) for state in checks.values())
    status = (OK if complete else DEGRADED) if ready else FAILING
    response = JsonResponse({"status": status, "checks": checks}, status=200 if ready else 503)
    # Django logs every 5xx as an error (and Sentry would report each one); a probe asks
    # every few seconds, and the failing check has logged its own warning above. The flag
    # is Django's own (``django.utils.log.log_response`` reads it); the stubs leave it out.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def _run(name: str, check: Callable[[], str]) -> str:
    try:
        return check()
    except Exception:
        # Any failure of a dependency is "not ready", never a 500 of the probe itself.
        logger.warning("Readiness check %s failed", name, exc_info=True)
        return FAILING


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return OK


def check_migrations() -> str:
    global _migrations_applied
    if _migrations_applied:
        return OK
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        return PENDING
    _migrations_applied = True
    return OK


def check_cache() -> str:
    # A write and a read: a cache that accepts connections but cannot store is not ready.
    token = timezone.now().isoformat()
    cache.set(CACHE_PROBE_KEY, token, timeout=30)
    return OK if cache.get(CACHE_PROBE_KEY) is not None else FAILING


def check_worker() -> str:
    max_age: int = settings.READYZ_WORKER_MAX_AGE
    if max_age == 0:
        return SKIPPED
    seen_at = latest_heartbeat()
    if seen_at is None or timezone.now() - seen_at > timedelta(seconds=max_age):
        return STALE
    return OK


CHECKS: dict[str, Callable[[], str]] = {
    "database": check_database,
    "migrations": check_migrations,
    "cache": check_cache,
    "worker": check_worker,
}


PROBES: dict[str, Callable[[HttpRequest], HttpResponse]] = {"/healthz": healthz, "/readyz": readyz}


class ProbeMiddleware:
    """Answers ``/healthz`` and ``/readyz`` before the host check and everything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info)
        if probe is not None:
            return probe(request)
        return self.get_response(request)
