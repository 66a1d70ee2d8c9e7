"""Turn connection URLs from the environment into Django settings dictionaries."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured


def database_from_url(url: str, *, variable: str = "DATABASE_URL") -> dict[str, Any]:
    """A DATABASES entry for a ``postgresql://`` URL, using psycopg's connection pool."""
    from psycopg.conninfo import conninfo_to_dict
    from psycopg_pool import ConnectionPool

    if not url.startswith(("postgres://", "postgresql://")):
        raise ImproperlyConfigured(
            f"{variable} must be a postgresql:// URL; PostgreSQL is the only supported database."
        )
    try:
        params: dict[str, Any] = conninfo_to_dict(url)
    except Exception as error:  # psycopg raises ProgrammingError subclasses
        raise ImproperlyConfigured(f"{variable} could not be parsed: {error}") from None
    name = params.pop("dbname", None)
    if not name:
        raise ImproperlyConfigured(
            f"{variable} must name a database, e.g. postgresql://host/breinaald."
        )
    options: dict[str, Any] = {
        key: value
        for key, value in params.items()
        if key not in {"user", "password", "host", "port"}
    }
    options["pool"] = {
        "min_size": 1,
        "max_size": 10,
        "timeout": 10,
        # Health check before handing out a connection: survives database restarts.
        "check": ConnectionPool.check_connection,
    }
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": params.get("user", ""),
        "PASSWORD": params.get("password", ""),
        "HOST": params.get("host", ""),
        "PORT": str(params.get("port", "")),
        "OPTIONS": options,
        "CONN_MAX_AGE": 0,  # pooling replaces persistent connections
    }


def smtp_mailer_from_url(url: str, *, variable: str = "SMTP_URL") -> dict[str, Any]:
    """A MAILERS entry for ``smtp://``, ``smtp+tls://`` (STARTTLS) or ``smtps://`` (TLS)."""
    parts = urlsplit(url)
    if parts.scheme not in {"smtp", "smtp+tls", "smtps"} or not parts.hostname:
        raise ImproperlyConfigured(
            f"{variable} must look like smtp+tls://user:password@host:587 "
            "(schemes: smtp, smtp+tls, smtps)."
        )
    try:
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured(f"{variable} has an invalid port.") from None
    default_port = {"smtp": 25, "smtp+tls": 587, "smtps": 465}[parts.scheme]
    query = parse_qs(parts.query)
    options: dict[str, Any] = {
        "host": parts.hostname,
        "port": port or default_port,
        "username": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "use_tls": parts.scheme == "smtp+tls",
        "use_ssl": parts.scheme == "smtps",
        "timeout": int(query.get("timeout", ["10"])[0]),
    }
    return {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": options}
