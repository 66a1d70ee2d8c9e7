"""Where uploads live: the local disk, or any S3-compatible object store.

``MEDIA_STORAGE_URL`` (or django-storages' usual ``AWS_*`` variables) names a bucket.
Inside it, everything anyone may see lives under ``public/`` and is served straight from
the store (or a CDN in front of it) with a year-long, immutable cache header: every name
is random and never reused, so a cached copy can never go stale. Everything else lives
under ``private/`` and is only reachable through a signed URL that expires within minutes.
The operator grants anonymous ``s3:GetObject`` on ``public/*`` alone (README).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

PUBLIC_PREFIX = "public"
PRIVATE_PREFIX = "private"
# Names are random and never reused: a browser or CDN may keep a public file for ever.
PUBLIC_CACHE_CONTROL = "public, max-age=31536000, immutable"
DEFAULT_SIGNED_URL_SECONDS = 300
_URL_OPTIONS = {"region", "secure", "public_url", "signed_url_seconds", "addressing"}
_ADDRESSING_STYLES = {"path", "virtual"}


@dataclass(frozen=True)
class S3Media:
    """One bucket on an S3-compatible store, as the environment describes it."""

    endpoint_url: str  # scheme://host[:port], no path
    bucket: str
    region: str | None = None
    access_key: str | None = None  # None: boto3's own chain (environment, instance role)
    secret_key: str | None = None
    # Where browsers fetch the bucket's objects when not from the endpoint itself (a CDN),
    # as scheme://host[/path] for the bucket's root.
    public_url: str | None = None
    signed_url_seconds: int = DEFAULT_SIGNED_URL_SECONDS
    addressing_style: str = "path"

    def bucket_url(self) -> str:
        """The address of the bucket's root as a browser reaches it."""
        if self.public_url:
            return self.public_url
        if self.addressing_style == "virtual":
            parts = urlsplit(self.endpoint_url)
            return f"{parts.scheme}://{self.bucket}.{parts.netloc}"
        return f"{self.endpoint_url}/{self.bucket}"

    def media_url(self) -> str:
        """MEDIA_URL: where public uploads are served."""
        return f"{self.bucket_url()}/{PUBLIC_PREFIX}/"

    def origins(self) -> list[str]:
        """The origins images come from: public files and signed private ones (for CSP)."""
        found = []
        for url in (self.bucket_url(), self._private_bucket_url()):
            parts = urlsplit(url)
            origin = f"{parts.scheme}://{parts.netloc}"
            if origin not in found:
                found.append(origin)
        return found

    def _private_bucket_url(self) -> str:
        # Signed URLs always go to the endpoint: a CDN would not check the signature.
        return S3Media(
            endpoint_url=self.endpoint_url,
            bucket=self.bucket,
            addressing_style=self.addressing_style,
        ).bucket_url()

    def _common_options(self) -> dict[str, Any]:
        options: dict[str, Any] = {
            "bucket_name": self.bucket,
            "endpoint_url": self.endpoint_url,
            "region_name": self.region,
            "addressing_style": self.addressing_style,
            "signature_version": "s3v4",
            # Objects carry no ACL: access follows the bucket policy (many stores refuse ACLs).
            "default_acl": None,
            # Django's semantics: a name in use gets a suffix instead of being overwritten.
            "file_overwrite": False,
        }
        if self.access_key is not None:
            options["access_key"] = self.access_key
            options["secret_key"] = self.secret_key
        return options

    def public_storage(self) -> dict[str, Any]:
        options = self._common_options() | {
            "location": PUBLIC_PREFIX,
            "querystring_auth": False,
            "object_parameters": {"CacheControl": PUBLIC_CACHE_CONTROL},
        }
        if self.public_url:
            parts = urlsplit(self.public_url)
            options["custom_domain"] = parts.netloc + parts.path
            options["url_protocol"] = f"{parts.scheme}:"
        return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}

    def private_storage(self) -> dict[str, Any]:
        options = self._common_options() | {
            "location": PRIVATE_PREFIX,
            "querystring_auth": True,
            "querystring_expire": self.signed_url_seconds,
            "object_parameters": {"CacheControl": f"private, max-age={self.signed_url_seconds}"},
        }
        return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


def _endpoint(scheme: str, host: str, port: int | None) -> str:
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    return f"{scheme}://{host}" + (f":{port}" if port else "")


def _signed_url_seconds(value: str, variable: str) -> int:
    try:
        seconds = int(value)
    except ValueError:
        seconds = 0
    if not 1 <= seconds <= 7 * 24 * 3600:  # S3's own limit for a signed URL is a week
        raise ImproperlyConfigured(
            f"{variable}: signed URLs must live between 1 second and 7 days, not {value!r}."
        )
    return seconds


def _public_url(value: str, variable: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc or parts.query:
        raise ImproperlyConfigured(
            f"{variable}: the public URL must look like https://media.example.nl[/path], "
            f"not {value!r}."
        )
    return value.rstrip("/")


def s3_media_from_url(url: str, *, variable: str = "MEDIA_STORAGE_URL") -> S3Media:
    """Parse ``s3://KEY:SECRET@host[:port]/bucket?region=...&secure=false&public_url=...``.

    Options: ``region``; ``secure`` (``false`` talks plain HTTP to the endpoint, for a store
    on a private network); ``public_url`` (a CDN or proxy in front of the bucket's root);
    ``signed_url_seconds`` (lifetime of private URLs, default 300); ``addressing``
    (``path``, the default most S3-compatible stores need, or ``virtual``).
    """
    example = "s3://ACCESS_KEY:SECRET@s3.example.nl/bucket?region=nl-ams"
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.hostname:
        raise ImproperlyConfigured(f"{variable} must look like {example}.")
    try:
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured(f"{variable} has an invalid port.") from None
    bucket = parts.path.strip("/")
    if not bucket or "/" in bucket:
        raise ImproperlyConfigured(f"{variable} must name one bucket, as in {example}.")
    query = parse_qs(parts.query, keep_blank_values=True, strict_parsing=False)
    unknown = sorted(set(query) - _URL_OPTIONS)
    if unknown:
        raise ImproperlyConfigured(
            f"{variable} has unknown options {', '.join(unknown)}; "
            f"known: {', '.join(sorted(_URL_OPTIONS))}."
        )
    options = {key: values[-1] for key, values in query.items()}
    secure = options.get("secure", "true").lower()
    if secure not in {"true", "false"}:
        raise ImproperlyConfigured(f"{variable}: secure must be true or false.")
    addressing = options.get("addressing", "path")
    if addressing not in _ADDRESSING_STYLES:
        raise ImproperlyConfigured(f"{variable}: addressing must be path or virtual.")
    if (parts.username is None) != (parts.password is None):
        raise ImproperlyConfigured(f"{variable} must give both the access key and the secret.")
    return S3Media(
        endpoint_url=_endpoint("https" if secure == "true" else "http", parts.hostname, port),
        bucket=bucket,
        region=options.get("region") or None,
        access_key=unquote(parts.username) if parts.username is not None else None,
        secret_key=unquote(parts.password) if parts.password is not None else None,
        public_url=_public_url(options["public_url"], variable)
        if options.get("public_url")
        else None,
        signed_url_seconds=_signed_url_seconds(
            options.get("signed_url_seconds", str(DEFAULT_SIGNED_URL_SECONDS)), variable
        ),
        addressing_style=addressing,
    )


def s3_media_from_aws_variables(environ: Mapping[str, str]) -> S3Media | None:
    """The same bucket from django-storages' own variables, when AWS_STORAGE_BUCKET_NAME is set."""
    bucket = environ.get("AWS_STORAGE_BUCKET_NAME", "").strip()
    if not bucket:
        return None
    endpoint = environ.get("AWS_S3_ENDPOINT_URL", "").strip().rstrip("/")
    region = environ.get("AWS_S3_REGION_NAME", "").strip() or None
    if not endpoint:
        if region is None:
            raise ImproperlyConfigured(
                "AWS_STORAGE_BUCKET_NAME is set: set AWS_S3_ENDPOINT_URL, or "
                "AWS_S3_REGION_NAME for Amazon S3 itself."
            )
        endpoint = f"https://s3.{region}.amazonaws.com"
    endpoint_parts = urlsplit(endpoint)
    if endpoint_parts.scheme not in {"http", "https"} or not endpoint_parts.netloc:
        raise ImproperlyConfigured(
            f"AWS_S3_ENDPOINT_URL must look like https://s3.example.nl, not {endpoint!r}."
        )
    addressing = environ.get("AWS_S3_ADDRESSING_STYLE", "").strip() or "path"
    if addressing not in _ADDRESSING_STYLES:
        raise ImproperlyConfigured("AWS_S3_ADDRESSING_STYLE must be path or virtual.")
    custom_domain = environ.get("AWS_S3_CUSTOM_DOMAIN", "").strip()
    access_key = environ.get("AWS_ACCESS_KEY_ID", "").strip() or None
    secret_key = environ.get("AWS_SECRET_ACCESS_KEY", "").strip() or None
    if (access_key is None) != (secret_key is None):
        raise ImproperlyConfigured(
            "Set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither (instance role)."
        )
    expire = environ.get("AWS_QUERYSTRING_EXPIRE", "").strip()
    return S3Media(
        endpoint_url=f"{endpoint_parts.scheme}://{endpoint_parts.netloc}",
        bucket=bucket,
        region=region,
        access_key=access_key,
        secret_key=secret_key,
        public_url=_public_url(f"https://{custom_domain}", "AWS_S3_CUSTOM_DOMAIN")
        if custom_domain
        else None,
        signed_url_seconds=_signed_url_seconds(expire, "AWS_QUERYSTRING_EXPIRE")
        if expire
        else DEFAULT_SIGNED_URL_SECONDS,
        addressing_style=addressing,
    )


def s3_media_from_environment(environ: Mapping[str, str] | None = None) -> S3Media | None:
    """The configured bucket, or None for uploads on the local disk."""
    environ = os.environ if environ is None else environ
    url = environ.get("MEDIA_STORAGE_URL", "").strip()
    if url and environ.get("AWS_STORAGE_BUCKET_NAME", "").strip():
        raise ImproperlyConfigured(
            "Set MEDIA_STORAGE_URL or AWS_STORAGE_BUCKET_NAME, not both: they name the bucket."
        )
    if url:
        return s3_media_from_url(url)
    return s3_media_from_aws_variables(environ)
