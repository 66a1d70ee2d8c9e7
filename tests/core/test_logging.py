"""Request logs with a request id, the JSON format, and error reports to Sentry."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sentry_sdk
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import path
from sentry_sdk.envelope import Envelope
from sentry_sdk.transport import Transport

from core.request_log import JsonFormatter, RequestIdFilter, logging_config, request_id_var
from platform_site.sentry import scrub_event, sentry_init

pytestmark = pytest.mark.django_db

BASE_DIR = Path(settings.BASE_DIR)


def _request_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "core.request"]


def test_every_request_gets_a_generated_id_in_the_response(client: Client) -> None:
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]

    assert len(first) == 32
    assert first != second


def test_a_sane_request_id_from_the_proxy_is_kept(client: Client) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a.9:b_2-X"})

    assert response["X-Request-ID"] == "lb-7f3a.9:b_2-X"


@pytest.mark.parametrize(
    "offered",
    [
        "x" * 129,  # too long
        "abc def",  # a space
        "abc\r\nSet-Cookie: x=1",  # header injection
        "<script>",  # markup
        'id"} {"level": "ERROR',  # forged JSON log fields
        "",
    ],
)
def test_an_unsafe_request_id_is_replaced(client: Client, offered: str) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": offered})

    assert response["X-Request-ID"] != offered
    assert len(response["X-Request-ID"]) == 32


def test_one_line_per_request_with_method_path_status_and_id(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="core.request")

    response = client.get("/een-pagina-die-niet-bestaat/?q=geheim", headers={"X-Request-ID": "r-1"})

    (line,) = _request_lines(caplog)
    assert response.status_code == 404
    assert line.getMessage().startswith("GET /een-pagina-die-niet-bestaat/ 404 ")
    assert line.status == 404  # type: ignore[attr-defined]
    assert line.path == "/een-pagina-die-niet-bestaat/"  # type: ignore[attr-defined]
    assert "geheim" not in line.getMessage()  # the query string is never logged
    assert request_id_var.get() == "-"  # the id does not leak into the next request


def test_refused_requests_are_logged_too(client: Client, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="core.request")

    response = client.get("/", QUERY_STRING="q=%00")

    assert response.status_code == 400
    assert response["X-Request-ID"]
    assert [line.status for line in _request_lines(caplog)] == [400]  # type: ignore[attr-defined]


def test_log_records_during_a_request_carry_its_id() -> None:
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "hello", None, None)
    token = request_id_var.set("abc")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id_var.reset(token)

    assert record.request_id == "abc"  # type: ignore[attr-defined]


def test_the_json_format_writes_one_object_per_line_with_the_request_fields() -> None:
    record = logging.LogRecord("core.request", logging.INFO, __file__, 1, "GET / 200", None, None)
    record.request_id = "abc"
    record.status = 200
    record.path = "/"

    line = JsonFormatter().format(record)

    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "GET / 200"
    assert entry["request_id"] == "abc"
    assert entry["status"] == 200
    assert entry["level"] == "INFO"
    assert entry["logger"] == "core.request"


def test_the_json_format_keeps_a_traceback_on_one_line() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, sys.exc_info())

    entry = json.loads(JsonFormatter().format(record))

    assert "ValueError: boom" in entry["exception"]


def test_an_unknown_log_format_is_refused() -> None:
    with pytest.raises(ValueError, match="xml"):
        logging_config(log_format="xml", level="INFO")


def _run_python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    child_env = {key: value for key, value in os.environ.items() if not key.startswith("SENTRY_")}
    child_env.update(env)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=child_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


LOG_ONE_REQUEST = """
import django, os
os.environ["DJANGO_SETTINGS_MODULE"] = "platform_site.settings"
django.setup()
from django.test import Client
Client().get("/healthz", headers={"X-Request-ID": "json-1"})
"""


def test_django_log_format_json_makes_the_request_line_json() -> None:
    result = _run_python(LOG_ONE_REQUEST, DJANGO_LOG_FORMAT="json")

    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    (request_line,) = [line for line in lines if line["logger"] == "core.request"]
    assert request_line["request_id"] == "json-1"
    assert request_line["path"] == "/healthz"
    assert request_line["status"] == 200


def test_a_bad_log_format_stops_start_up_with_the_variable_named() -> None:
    result = _run_python(LOG_ONE_REQUEST, DJANGO_LOG_FORMAT="xml")

    assert result.returncode != 0
    assert "DJANGO_LOG_FORMAT" in result.stderr


# --- Sentry -------------------------------------------------------------------

SENTRY_STATE = """
import django, os
os.environ["DJANGO_SETTINGS_MODULE"] = "platform_site.settings"
django.setup()
import sentry_sdk
from django.conf import settings
client = sentry_sdk.get_client()
print(
    settings.SENTRY_ENABLED,
    client.is_active(),
    client.should_send_default_pii(),
    client.options["max_request_body_size"],
    client.options["include_local_variables"],
)
"""


def test_sentry_is_not_started_without_a_dsn() -> None:
    result = _run_python(SENTRY_STATE)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:2] == ["False", "False"]


def test_sentry_is_started_from_sentry_dsn_without_personal_data() -> None:
    # Nothing is sent: no event happens, and the address is a closed local port.
    result = _run_python(SENTRY_STATE, SENTRY_DSN="http://public@127.0.0.1:9/1")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "False", "never", "False"]


class RecordingTransport(Transport):
    """Keeps envelopes instead of sending them."""

    def __init__(self, options: dict[str, Any] | None = None) -> None:
        super().__init__(options)
        self.envelopes: list[Envelope] = []

    def capture_envelope(self, envelope: Envelope) -> None:
        self.envelopes.append(envelope)


def _failing_view(request: HttpRequest) -> HttpResponse:
    request.POST  # noqa: B018 - read the body, as a form view would
    raise RuntimeError("the view failed")


urlpatterns = [path("fails/", _failing_view)]


@pytest.fixture
def sentry_transport() -> Iterator[RecordingTransport]:
    transport = RecordingTransport()
    assert sentry_init(dsn="http://public@127.0.0.1:9/1", environment="test", transport=transport)
    yield transport
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # back to no client: nothing after this test reports anywhere


@override_settings(ROOT_URLCONF="tests.core.test_logging")
def test_an_error_report_holds_no_cookies_body_or_user(
    sentry_transport: RecordingTransport, member: Any
) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(member)
    client.cookies["tracking"] = "personal"

    response = client.post(
        "/fails/?email=mila%40example.org",
        {"email": member.email, "password": "geheim"},
        headers={"X-Request-ID": "err-1", "X-Forwarded-For": "203.0.113.9"},
    )
    sentry_sdk.flush()

    assert response.status_code == 500
    events = [item.payload.json for env in sentry_transport.envelopes for item in env.items]
    (event,) = [event for event in events if event and event.get("exception")]
    sent = json.dumps(event)
    assert "the view failed" in sent
    assert event["tags"]["request_id"] == "err-1"
    assert "user" not in event
    assert "cookies" not in event["request"]
    assert "data" not in event["request"]
    assert "query_string" not in event["request"]
    for personal in (member.email, "mila", "geheim", "personal", "sessionid", "203.0.113.9"):
        assert personal not in sent, personal


def test_scrubbing_keeps_only_harmless_headers() -> None:
    event = {
        "request": {
            "url": "https://example.org/a?token=x",
            "headers": {"Cookie": "a=b", "Authorization": "Bearer x", "Host": "example.org"},
            "cookies": {"a": "b"},
            "data": {"password": "x"},
            "env": {"REMOTE_ADDR": "203.0.113.9"},
        },
        "user": {"email": "a@example.org", "ip_address": "203.0.113.9"},
    }

    scrubbed = scrub_event(event, {})

    assert scrubbed == {
        "request": {"url": "https://example.org/a", "headers": {"Host": "example.org"}}
    }
