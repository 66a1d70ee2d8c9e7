"""Small request helpers every app may use: the type of a signed-in request, the client's
address and safe number parsing."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import Http404, HttpRequest

if TYPE_CHECKING:
    from members.models import User

# PostgreSQL's bigint: a larger number can never be a primary key, and asking the
# database for one raises an error instead of "not found".
MAX_ID = 2**63 - 1


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a view behind ``login_required``: its user is a signed-in ``User``.

    Only for type checking: annotate such a view's request with it instead of narrowing
    ``request.user`` by hand.
    """

    user: User


def client_ip(request: HttpRequest) -> str:
    """The address of the client, as seen by the outermost proxy we run.

    With ``TRUSTED_PROXY_COUNT`` N > 0, each of our N proxies appends the address it saw
    to X-Forwarded-For, so the N-th entry from the right is the one our first proxy
    received the request from. Entries further left come from the client and may be
    forged; a client can prepend but never append. With 0, or when the header is shorter
    than N (the request did not come through all our proxies), it is REMOTE_ADDR.
    """
    remote = _clean(request.META.get("REMOTE_ADDR", "")) or "unknown"
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    entries = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    entries = [entry for entry in entries if entry]
    if len(entries) < count:
        return remote
    return _clean(entries[-count]) or remote


def _clean(value: str) -> str | None:
    """A normalised IP address, or None for anything else (a forged or garbled value)."""
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "192.0.2.1:443"
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def parse_id(value: object) -> int | None:
    """A positive whole number that can be a database id, or None for anything else.

    Only ASCII digits count (``str.isdigit`` also accepts "²", which ``int`` refuses),
    and the value must fit in a bigint, so junk from a form or URL never reaches the
    database as an error.
    """
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        return None
    if len(value) > 19:
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def id_or_404(value: object) -> int:
    """``parse_id`` for a view: a value that cannot be an id answers "not found"."""
    number = parse_id(value)
    if number is None:
        raise Http404
    return number


def page_number(value: object, *, default: int = 1, maximum: int = 10_000) -> int:
    """A page number from a query string: junk or out of range gives ``default``."""
    number = parse_id(value)
    if number is None or number > maximum:
        return default
    return number
