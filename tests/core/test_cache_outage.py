"""With Redis down the site keeps serving: a cache error is a miss, never a 500, and rate
limits refuse with their message until Redis is back (core.cache, core.ratelimit).

Against a real Redis that each test starts on a free port and kills halfway through."""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from django.conf import settings as django_settings
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.test import Client

from core import ratelimit
from core.cache import CacheUnavailable, ResilientRedisCache, reachable, reset_health
from members import services
from members.models import DomainVerification, Organisation, OrganisationStatus, User
from tests.initiatives.factories import InitiativeFactory
from tests.members.factories import DEFAULT_PASSWORD
from tests.stamp.factories import CharterFactory, ClaimFactory

RETRY_AFTER = 0.2  # the breaker's pause, short so that a test sees Redis come back quickly


class RedisServer:
    """A throwaway redis-server on 127.0.0.1, without persistence; restartable on its port."""

    def __init__(self, binary: str, port: int) -> None:
        self.binary, self.port = binary, port
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        # No persistence: each start is an empty Redis, as after a crash without a disk.
        command = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        command += ["--appendonly", "no", "--daemonize", "no"]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while self.process.poll() is None and time.monotonic() < deadline:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def pause(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)


def _redis_binary() -> str:
    binary = shutil.which("redis-server")
    if binary is None:
        message = "redis-server is not installed (Debian package redis-server)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return binary


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _caches_on(url: str) -> dict[str, Any]:
    """The shape platform_site/settings.py gives CACHES for a REDIS_URL (checked below)."""
    shared = {
        "BACKEND": "core.cache.ResilientRedisCache",
        "LOCATION": url,
        "KEY_PREFIX": "breinaald",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
    return {
        "default": {**shared, "OPTIONS": {**shared["OPTIONS"], "RETRY_AFTER": RETRY_AFTER}},
        "ratelimit": {
            **shared,
            "OPTIONS": {**shared["OPTIONS"], "RETRY_AFTER": RETRY_AFTER, "STRICT": True},
        },
    }


@pytest.fixture
def redis_server(settings: Any) -> Iterator[RedisServer]:
    """A real Redis as the site's cache for one test; stopped at the end, whatever happened."""
    server = RedisServer(_redis_binary(), _free_port())
    server.start()
    reset_health()
    settings.CACHES = _caches_on(server.url)  # Django drops its cache objects on this change
    try:
        yield server
    finally:
        server.kill()  # SIGKILL ends a paused server too
        reset_health()


def _wait_for_the_breaker() -> None:
    time.sleep(RETRY_AFTER + 0.1)


def test_the_settings_give_redis_a_forgiving_and_a_strict_name() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, django; django.setup(); from django.conf import settings; "
            "print(json.dumps(settings.CACHES))",
        ],
        cwd=Path(django_settings.BASE_DIR),
        env={
            **{key: value for key, value in os.environ.items() if key != "CACHE_KEY_PREFIX"},
            "REDIS_URL": "redis://cache.internal:6379/0",
            "REDIS_TIMEOUT_MS": "300",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    configured = json.loads(result.stdout.strip().splitlines()[-1])

    expected = _caches_on("redis://cache.internal:6379/0")
    for alias in ("default", "ratelimit"):
        expected[alias]["OPTIONS"].pop("RETRY_AFTER")
        expected[alias]["OPTIONS"].update(socket_connect_timeout=0.3, socket_timeout=0.3)
    assert configured == expected


def test_an_unreachable_redis_is_a_miss_logged_once_and_counts_again_when_back(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    cache = caches["default"]
    assert isinstance(cache, ResilientRedisCache)
    cache.set("word", "woning")
    assert cache.get("word") == "woning"
    assert reachable()

    redis_server.kill()
    with caplog.at_level(logging.WARNING, logger="core.cache"):
        for _ in range(50):
            assert cache.get("word", "miss") == "miss"
            assert cache.get_many(["word", "other"]) == {}
            assert cache.set("word", "x") is None
            assert cache.add("new", 1) is False
            assert cache.delete("word") is False
            assert cache.has_key("word") is False
            assert cache.touch("word") is False
            assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
            with pytest.raises(ValueError):
                cache.incr("counter")  # a missing key, as Django promises
            assert cache.get_or_set("computed", lambda: 42) == 42
        assert not reachable()
        with pytest.raises(redis.ConnectionError):
            caches["ratelimit"].get("word")  # the strict name tells an outage from a miss
    outage_lines = [r for r in caplog.records if r.name == "core.cache"]
    assert len(outage_lines) == 1  # 500 failed calls, one line
    assert "unreachable" in outage_lines[0].getMessage()
    assert "127.0.0.1" in outage_lines[0].getMessage()

    redis_server.start()
    _wait_for_the_breaker()
    with caplog.at_level(logging.WARNING, logger="core.cache"):
        cache.set("word", "terug")
        assert cache.get("word") == "terug"
    assert "reachable again" in caplog.records[-1].getMessage()
    assert reachable()


def test_a_stopped_redis_costs_a_request_its_timeout_and_then_nothing(
    redis_server: RedisServer,
) -> None:
    cache = caches["default"]
    cache.set("word", "woning")
    redis_server.pause()  # accepts connections, answers nothing: the worst kind of outage

    started = time.monotonic()
    assert cache.get("word") is None
    first = time.monotonic() - started
    started = time.monotonic()
    for _ in range(100):
        assert cache.get("word") is None
        with pytest.raises(CacheUnavailable):
            caches["ratelimit"].get("word")
    after = time.monotonic() - started

    assert first < 2  # the socket timeout (0.5 s), not forever
    assert after < RETRY_AFTER  # the breaker skips Redis: no timeout per call
    redis_server.resume()
    _wait_for_the_breaker()
    assert cache.get("word") == "woning"


@pytest.mark.django_db
def test_every_page_keeps_serving_while_redis_is_down(
    redis_server: RedisServer, client: Client, member: User
) -> None:
    initiative = InitiativeFactory(title="Een woning voor iedereen")
    CharterFactory(version=1)
    claim = ClaimFactory()
    pages = [
        "/",
        "/zoeken/?q=woning",
        "/zoeken/?q=wonnig",  # a typo: the correction cache is asked
        initiative.get_absolute_url(),
        f"/stempel/v/{claim.code}/stempel.png",
        "/accounts/login/",
        "/accounts/signup/",
    ]
    for url in pages:  # with Redis up, to fill the cache
        assert client.get(url).status_code == 200, url

    redis_server.kill()

    for url in pages:
        assert client.get(url).status_code == 200, url
    search = client.get("/zoeken/?q=woning")
    assert "Een woning voor iedereen" in search.content.decode()
    # A sign-in cannot be counted against its limit now: refused with a clear page, for a
    # wrong password and a right one alike, never a 500.
    for password in ("wrong-password", DEFAULT_PASSWORD):
        response = client.post("/en/accounts/login/", {"login": member.email, "password": password})
        assert response.status_code == 429
        assert "we cannot count attempts for a moment" in response.content.decode()
        assert '<a href="/en/accounts/login/">Try again</a>' in response.content.decode()
    assert "_auth_user_id" not in client.session
    # The logged-in side of the site too (notification counts, the dashboard).
    client.force_login(member)
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_rate_limits_refuse_while_redis_is_down_and_count_again_when_it_is_back(
    redis_server: RedisServer,
    client: Client,
    member: User,
    organisation: Organisation,
    org_owner: User,
    english: None,
) -> None:
    organisation.status = OrganisationStatus.PENDING
    organisation.save()
    email = "info@gemeente-tilburg.nl"

    redis_server.kill()

    with pytest.raises(ValidationError, match="Too many codes were requested"):
        services.domain_verification_start(organisation=organisation, by=org_owner, email=email)
    assert not DomainVerification.objects.exists()  # no code mailed past an uncounted limit
    assert ratelimit.hit("ratelimit:test:down", limit=100, period=60) is False
    assert ratelimit.reached("ratelimit:test:down", limit=100) is True

    redis_server.start()  # empty: a restarted Redis remembers nothing
    _wait_for_the_breaker()

    services.domain_verification_start(organisation=organisation, by=org_owner, email=email)
    assert DomainVerification.objects.count() == 1
    assert caches["ratelimit"].get(f"ratelimit:members.domain_code:user:{org_owner.pk}") == 1
    response = client.post(
        "/accounts/login/", {"login": member.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)
    counted = redis.Redis.from_url(redis_server.url).keys("breinaald:*allauth:rl:*login*")
    assert counted  # allauth counts its sign-in limit in the shared Redis again
