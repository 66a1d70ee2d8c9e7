"""/healthz and /readyz: what a load balancer and Kubernetes probes read."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.core.management import get_commands
from django.db import OperationalError
from django.db.migrations.executor import MigrationExecutor
from django.test import Client, override_settings
from django.utils import timezone

from core import health
from core.heartbeat import HeartbeatThread, heartbeat_beat, latest_heartbeat
from core.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _migrations_not_yet_seen() -> Iterator[None]:
    """Each test starts as a fresh process would: migrations not yet found applied."""
    health._migrations_applied = False
    yield
    health._migrations_applied = False


@pytest.fixture
def worker_alive() -> None:
    heartbeat_beat(worker_id="worker-1", started_at=timezone.now())


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_healthz_answers_ok_without_touching_the_database(
    client: Client, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_reports_every_check_ok_when_all_dependencies_answer(
    client: Client, worker_alive: None
) -> None:
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "cache": "ok", "worker": "ok"},
    }


def test_readyz_is_cheap(
    client: Client, worker_alive: None, django_assert_num_queries: Any
) -> None:
    client.get("/readyz")  # the first call reads the migration table once
    # SELECT 1; the newest worker heartbeat.
    with django_assert_num_queries(2):
        response = client.get("/readyz")

    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_set_no_cookie_and_open_no_session(
    client: Client, worker_alive: None, path: str
) -> None:
    response = client.get(path)

    assert response.status_code == 200
    assert response.cookies == {}
    assert "Set-Cookie" not in response.headers
    assert "no-store" in response["Cache-Control"]
    assert "csrfmiddlewaretoken" not in response.text
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_have_no_language_prefix(client: Client, path: str) -> None:
    assert client.get("/en" + path).status_code == 404


@override_settings(SECURE_SSL_REDIRECT=True)
def test_probes_are_not_redirected_to_https(client: Client, worker_alive: None) -> None:
    # The balancer and the kubelet talk plain HTTP to the instance itself.
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.get("/").status_code == 301


def test_readyz_fails_when_the_database_does_not_answer(client: Client, worker_alive: None) -> None:
    def refuse(self: Any, *args: Any, **kwargs: Any) -> None:
        raise OperationalError("connection refused")

    with mock.patch("django.db.backends.utils.CursorWrapper.execute", refuse):
        response = client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing"
    assert body["checks"]["database"] == "failing"
    assert body["checks"]["cache"] == "ok"
    assert "connection refused" not in response.text  # errors go to the log, not the probe


def test_readyz_fails_while_migrations_are_pending(client: Client, worker_alive: None) -> None:
    unapplied = [(mock.sentinel.migration, False)]
    with mock.patch.object(MigrationExecutor, "migration_plan", return_value=unapplied):
        response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == "pending"
    assert response.json()["checks"]["database"] == "ok"


def test_readyz_reports_an_unreachable_cache_as_degraded_but_stays_ready(
    client: Client, worker_alive: None
) -> None:
    """The cache is a helper, not a dependency: pages still serve (a cache error is a miss),
    so dropping every instance from the load balancer would make a partial outage whole."""
    unreachable = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
    with override_settings(CACHES={"default": unreachable, "ratelimit": unreachable}):
        response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["cache"] == "failing"
    assert response.json()["checks"]["database"] == "ok"


def test_readyz_reports_a_missing_worker_as_degraded(client: Client) -> None:
    """Without a worker, mail waits in the queue; the pages still serve."""
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["worker"] == "stale"


@override_settings(READYZ_WORKER_MAX_AGE=60)
def test_readyz_reports_a_too_old_worker_heartbeat(client: Client) -> None:
    with time_machine.travel(timezone.now() - timedelta(seconds=61), tick=False):
        heartbeat_beat(worker_id="worker-1", started_at=timezone.now())

    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["worker"] == "stale"


@override_settings(READYZ_WORKER_MAX_AGE=60)
def test_readyz_accepts_a_heartbeat_within_the_age(client: Client) -> None:
    with time_machine.travel(timezone.now() - timedelta(seconds=50), tick=False):
        heartbeat_beat(worker_id="worker-1", started_at=timezone.now())

    assert client.get("/readyz").json()["checks"]["worker"] == "ok"


@override_settings(READYZ_WORKER_MAX_AGE=0)
def test_readyz_leaves_the_worker_out_when_its_age_is_zero(client: Client) -> None:
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["checks"]["worker"] == "skipped"


def test_the_newest_of_several_workers_counts() -> None:
    now = timezone.now()
    with time_machine.travel(now - timedelta(minutes=10), tick=False):
        heartbeat_beat(worker_id="old", started_at=timezone.now())
    heartbeat_beat(worker_id="new", started_at=now)

    assert latest_heartbeat() == WorkerHeartbeat.objects.get(worker_id="new").seen_at


def test_a_beat_updates_the_workers_own_row() -> None:
    started = timezone.now()
    heartbeat_beat(worker_id="worker-1", started_at=started)
    with time_machine.travel(started + timedelta(seconds=15), tick=False):
        heartbeat_beat(worker_id="worker-1", started_at=started)

    row = WorkerHeartbeat.objects.get()
    assert row.started_at == started
    assert row.seen_at == started + timedelta(seconds=15)


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_thread_beats_and_removes_its_row_when_stopped() -> None:
    with time_machine.travel(timezone.now() - timedelta(days=2), tick=False):
        heartbeat_beat(worker_id="vanished", started_at=timezone.now())
    thread = HeartbeatThread(worker_id="worker-1", interval=0.05)

    thread.start()
    try:
        for _ in range(100):
            if WorkerHeartbeat.objects.filter(worker_id="worker-1").exists():
                break
            thread.join(0.05)
        assert WorkerHeartbeat.objects.filter(worker_id="worker-1").exists()
        # A worker gone for more than a day without a clean stop is forgotten.
        assert not WorkerHeartbeat.objects.filter(worker_id="vanished").exists()
    finally:
        thread.stop()

    assert not thread.is_alive()
    assert not WorkerHeartbeat.objects.exists()


def test_manage_py_db_worker_is_the_one_that_records_a_heartbeat() -> None:
    # core comes before django_tasks_db in INSTALLED_APPS, so its command wins the name.
    assert get_commands()["db_worker"] == "core"


@pytest.mark.django_db(transaction=True)
def test_the_worker_leaves_no_heartbeat_behind_when_it_stops(
    run_tasks: Callable[[], None],
) -> None:
    run_tasks()  # manage.py db_worker --batch over the database queue

    assert not WorkerHeartbeat.objects.exists()


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_answer_whatever_the_host_header(
    client: Client, worker_alive: None, path: str
) -> None:
    """Kubernetes sends the pod's address as Host; ALLOWED_HOSTS must not turn probes into 400s."""
    response = client.get(path, HTTP_HOST="10.1.2.3:8000")

    assert response.status_code == 200
    assert client.get("/", HTTP_HOST="10.1.2.3:8000").status_code == 400  # pages still check
