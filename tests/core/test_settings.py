"""Settings come from the environment and fail loudly on a bad value."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from platform_site.config import database_from_url, smtp_mailer_from_url
from platform_site.env import env_bool, env_int, env_list

BASE_DIR = Path(settings.BASE_DIR)

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_HTTPS": "true",
    "DJANGO_SECRET_KEY": "a-real-looking-secret-key-Wm9vbGVhbi1yYW5kb20tc3RyaW5nLWZvci10ZXN0cw",
    "DJANGO_ALLOWED_HOSTS": "breinaald.example.org",
    "SMTP_URL": "smtp+tls://mailer:secret@smtp.example.org:587",
}


def _run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # Inherit DATABASE_URL (if any) so the child uses the same server as the suite.
    child_env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SMTP_", "MAIL_", "ADMIN_"))
    }
    child_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=child_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_mode_passes_the_deployment_checklist_without_warnings() -> None:
    result = _run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_a_bad_boolean_stops_start_up_with_the_variable_named() -> None:
    result = _run_manage("check", env={**PRODUCTION_ENV, "DJANGO_DEBUG": "maybe"})

    assert result.returncode != 0
    assert "DJANGO_DEBUG" in result.stderr
    assert "'maybe'" in result.stderr


def test_production_mode_refuses_to_start_without_a_secret_key() -> None:
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "DJANGO_SECRET_KEY"}

    result = _run_manage("check", env=env)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_a_database_url_of_another_kind_is_refused() -> None:
    result = _run_manage("check", env={**PRODUCTION_ENV, "DATABASE_URL": "mysql://localhost/x"})

    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("true", True), ("1", True), ("ON", True), ("false", False), ("0", False), ("no", False)],
)
def test_env_bool_reads_the_usual_spellings(
    monkeypatch: pytest.MonkeyPatch, raw: str, expected: bool
) -> None:
    monkeypatch.setenv("SOME_FLAG", raw)

    assert env_bool("SOME_FLAG", default=not expected) is expected


def test_env_int_names_the_variable_on_a_bad_number(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOME_NUMBER", "twelve")

    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER"):
        env_int("SOME_NUMBER", default=1)


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOME_HOSTS", "a.example, b.example,,")

    assert env_list("SOME_HOSTS", default=[]) == ["a.example", "b.example"]


def test_a_database_url_becomes_a_pooled_postgresql_connection() -> None:
    config = database_from_url("postgresql://app:s3cret@db.internal:6543/breinaald?sslmode=require")

    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == ("breinaald", "app", "s3cret")
    assert (config["HOST"], config["PORT"]) == ("db.internal", "6543")
    assert config["OPTIONS"]["sslmode"] == "require"
    assert config["OPTIONS"]["pool"]["check"] is not None


def test_a_socket_database_url_keeps_the_socket_directory() -> None:
    config = database_from_url("postgresql://postgres:@/breinaald?host=/srv/pg")

    assert config["HOST"] == "/srv/pg"


def test_a_database_url_without_a_database_name_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="must name a database"):
        database_from_url("postgresql://localhost")


def test_an_smtp_url_with_starttls_becomes_a_mailer() -> None:
    mailer = smtp_mailer_from_url("smtp+tls://user%40example.org:p%2Fw@mail.example.org")

    options = mailer["OPTIONS"]
    assert options["host"] == "mail.example.org"
    assert options["port"] == 587
    assert options["username"] == "user@example.org"
    assert options["password"] == "p/w"
    assert options["use_tls"] is True
    assert options["use_ssl"] is False


def test_an_smtp_url_of_an_unknown_scheme_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="SMTP_URL"):
        smtp_mailer_from_url("http://mail.example.org")


def _settings_in_child(*names: str, env: dict[str, str]) -> list[str]:
    code = f"from django.conf import settings; print(*(getattr(settings, n) for n in {names!r}))"
    result = _run_manage("shell", "--no-imports", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1].split()


def test_a_short_production_secret_key_stops_start_up_with_the_variable_named() -> None:
    result = _run_manage("check", env={**PRODUCTION_ENV, "DJANGO_SECRET_KEY": "x" * 49})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr
    assert "50" in result.stderr


def test_the_test_suites_secret_key_is_long_enough_for_production() -> None:
    assert len(settings.SECRET_KEY) >= 50
    assert len(PRODUCTION_ENV["DJANGO_SECRET_KEY"]) >= 50


def test_production_defaults_hsts_without_preload_or_subdomains_and_the_admin_with_mfa() -> None:
    names = ("SECURE_HSTS_PRELOAD", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "ADMIN_REQUIRE_MFA")

    assert _settings_in_child(*names, env=PRODUCTION_ENV) == ["False", "False", "True"]
    opted_in = {
        **PRODUCTION_ENV,
        "DJANGO_HSTS_PRELOAD": "true",
        "DJANGO_HSTS_INCLUDE_SUBDOMAINS": "true",
        "ADMIN_REQUIRE_MFA": "false",
    }
    assert _settings_in_child(*names, env=opted_in) == ["True", "True", "False"]
    debug = {"DJANGO_DEBUG": "true"}
    assert _settings_in_child("ADMIN_REQUIRE_MFA", env=debug) == ["False"]


def test_the_upload_limits_agree_with_the_request_size_limit() -> None:
    from core.images import MAX_UPLOAD_BYTES

    assert settings.MAX_REQUEST_BYTES > MAX_UPLOAD_BYTES  # one image and its form fit
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= settings.MAX_REQUEST_BYTES
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= settings.MAX_REQUEST_BYTES
    # Only the request log and the probes (neither reads a body) run before the size limit.
    assert settings.MIDDLEWARE[:3] == [
        "core.request_log.RequestLogMiddleware",
        "core.health.ProbeMiddleware",
        "core.middleware.RequestSizeLimitMiddleware",
    ]


def test_the_editors_address_must_be_an_email_address(monkeypatch: pytest.MonkeyPatch) -> None:
    from platform_site.env import env_email

    monkeypatch.setenv("EDITORS_EMAIL", " redactie@breinaald.example ")
    assert env_email("EDITORS_EMAIL", "x@example.org") == "redactie@breinaald.example"
    monkeypatch.delenv("EDITORS_EMAIL")
    assert env_email("EDITORS_EMAIL", "x@example.org") == "x@example.org"
    monkeypatch.setenv("EDITORS_EMAIL", "Redactie <redactie@breinaald.example>")
    with pytest.raises(ImproperlyConfigured, match="EDITORS_EMAIL"):
        env_email("EDITORS_EMAIL", "x@example.org")
