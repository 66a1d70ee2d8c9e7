"""The production server: gunicorn with threaded workers, configured from the environment."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
GUNICORN = [sys.executable, "-m", "gunicorn", "-c", "platform_site/gunicorn_conf.py"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _environment(**overrides: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("GUNICORN_")}
    env.update(overrides)
    return env


def _print_config(**overrides: str) -> dict[str, str]:
    result = subprocess.run(
        [*GUNICORN, "--print-config"],
        cwd=BASE_DIR,
        env=_environment(**overrides),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return {
        name.strip(): value.strip()
        for name, _, value in (line.partition("=") for line in result.stdout.splitlines())
    }


def test_gunicorn_runs_threaded_workers_with_safe_defaults() -> None:
    config = _print_config()

    assert config["wsgi_app"] == "platform_site.wsgi:application"
    assert config["worker_class"] == "gthread"
    assert config["bind"] == "['127.0.0.1:8000']"
    assert config["threads"] == "4"
    assert config["timeout"] == "30"
    assert config["graceful_timeout"] == "30"
    assert config["max_requests"] == "1000"
    assert config["max_requests_jitter"] == "100"
    # The request line of core.request_log is the access log; no second line per request.
    assert config["accesslog"] == "None"
    assert config["control_socket_disable"] == "True"


def test_gunicorn_takes_its_settings_from_the_environment() -> None:
    config = _print_config(
        GUNICORN_BIND="0.0.0.0:9000",
        GUNICORN_WORKERS="3",
        GUNICORN_THREADS="8",
        GUNICORN_TIMEOUT="60",
        GUNICORN_GRACEFUL_TIMEOUT="20",
        GUNICORN_KEEPALIVE="75",
        GUNICORN_MAX_REQUESTS="500",
        GUNICORN_MAX_REQUESTS_JITTER="50",
    )

    assert config["bind"] == "['0.0.0.0:9000']"
    assert config["workers"] == "3"
    assert config["threads"] == "8"
    assert config["timeout"] == "60"
    assert config["graceful_timeout"] == "20"
    assert config["keepalive"] == "75"
    assert config["max_requests"] == "500"
    assert config["max_requests_jitter"] == "50"


@pytest.mark.parametrize(
    ("name", "value"), [("GUNICORN_WORKERS", "0"), ("GUNICORN_THREADS", "many")]
)
def test_a_bad_gunicorn_value_stops_start_up_with_the_variable_named(name: str, value: str) -> None:
    result = subprocess.run(
        [*GUNICORN, "--print-config"],
        cwd=BASE_DIR,
        env=_environment(**{name: value}),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert name in result.stderr


def test_gunicorn_serves_and_stops_gracefully_on_term() -> None:
    port = _free_port()
    graceful = 10
    server = subprocess.Popen(
        GUNICORN,
        cwd=BASE_DIR,
        env=_environment(
            GUNICORN_BIND=f"127.0.0.1:{port}",
            GUNICORN_WORKERS="1",
            GUNICORN_THREADS="2",
            GUNICORN_GRACEFUL_TIMEOUT=str(graceful),
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(
                    urllib.request.Request(
                        f"http://127.0.0.1:{port}/healthz", headers={"X-Request-ID": "gunicorn-1"}
                    ),
                    timeout=5,
                ) as response:
                    status, body = response.status, response.read()
                    request_id = response.headers["X-Request-ID"]
                break
            except OSError:
                assert server.poll() is None, server.communicate()[0]
                assert time.monotonic() < deadline, "gunicorn did not answer within a minute"
                time.sleep(0.2)

        assert status == 200
        assert body == b'{"status": "ok"}'
        assert request_id == "gunicorn-1"

        stopped_at = time.monotonic()
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=graceful + 5)
    finally:
        if server.poll() is None:
            server.kill()
            server.communicate()

    assert server.returncode == 0, output
    assert time.monotonic() - stopped_at < graceful
    assert "Using worker: gthread" in output
    assert "[gunicorn-1] GET /healthz 200" in output
    assert "Shutting down" in output or "Handling signal: term" in output
