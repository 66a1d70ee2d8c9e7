"""Error reports to Sentry when ``SENTRY_DSN`` is set, without personal data.

Privacy by default (AVG/GDPR): no cookies, no request bodies, no user (not even the id or
the address), no local variables of stack frames (they would hold form data and emails),
no query strings (search words, tokens). What is left says where the error happened: the
exception, its stack, the URL path, the method, the request id tag.
"""

from __future__ import annotations

import sentry_sdk
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.transport import Transport
from sentry_sdk.types import Event, Hint

# Request headers that are sent on; everything else (cookies, authorisation, forwarded
# addresses, user agent) is dropped.
KEPT_HEADERS = frozenset({"host", "accept", "accept-language", "content-type", "x-request-id"})


def sentry_init(
    *,
    dsn: str | None,
    environment: str,
    release: str | None = None,
    transport: type[Transport] | Transport | None = None,
) -> bool:
    """Start the Sentry client when a DSN is given; say whether it was started."""
    if dsn is None:
        return False
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        integrations=[DjangoIntegration()],
        # send_default_pii stays unset, which means False: sentry-sdk 2.75 deprecates
        # passing it (in favour of data_collection) and warns at every start. Unset, the
        # SDK also keeps its event scrubber, which removes cookies and secrets by name.
        max_request_body_size="never",
        include_local_variables=False,
        # Errors only: performance tracing is a separate decision with its own cost.
        traces_sample_rate=None,
        before_send=scrub_event,
        transport=transport,
    )
    return True


def scrub_event(event: Event, hint: Hint) -> Event:
    """Remove what could identify a person, whatever an integration put in."""
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("cookies", "data", "query_string", "env"):
            request.pop(key, None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {
                name: value for name, value in headers.items() if name.lower() in KEPT_HEADERS
            }
        url = request.get("url")
        if isinstance(url, str):
            request["url"] = url.split("?", 1)[0]
    event.pop("user", None)
    return event
