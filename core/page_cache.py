"""Anonymous read pages from the shared cache, so a spike of visitors costs about nothing.

A page an anonymous visitor only reads is the same for every such visitor: it carries no
session, no CSRF token, no message and no CSP nonce (the language switch is a pair of links,
search is a GET form, scripts and styles are static files). ``PageCacheMiddleware`` keeps
such pages in the ``default`` cache (Redis in production) and serves them again without
running the view:

- Only the pages named in ``CACHED_PAGES``, only for GET and HEAD, only for a request
  without a session or messages cookie (a signed-in member, or a visitor in the middle of a
  flow, always gets a page rendered for them), and only a 200 that sets no cookie.
- The key is the host, the full path with its query string, the language and `Accept`; the address
  decides the language (``core.i18n``), so nothing else can change the page.
- Every entry carries the site's content version. Any write to a model of the content apps
  (publishing, editing, revoking a stamp, featuring, verifying an organisation...) sets a new
  version, right away and again when the transaction commits, so the next request renders
  the change (``bump_version``, connected in ``core.apps``). Entries also expire after
  ``PAGE_SECONDS`` (time passing changes words like "three days ago").
- Content that changes with time alone (a stamp claim lapses at its deadline, before the
  daily job writes it down): an app names its next such moment with ``add_deadline`` and
  keeps it in the cache (``remember_deadline``) when its rows change; no entry outlives it.
- The version and the page are fetched in one round trip; a cache error is a miss and a log
  line, never a failed page.

Cached pages go out with ``Cache-Control: public, no-cache`` and an ``ETag``: a browser or
proxy may keep them but asks again each time, and the conditional GET gets a 304;
``Vary: Cookie`` keeps a browser or proxy from showing them to a signed-in member.
Pages for a signed-in member are ``private, no-cache``.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import (
    get_conditional_response,
    get_max_age,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

# The read pages an anonymous visitor sees, by view name.
CACHED_PAGES = frozenset(
    {
        "home",
        "privacy",
        "accessibility",
        "initiatives:initiative_list",
        "initiatives:initiative_detail",
        "initiatives:challenge_list",
        "initiatives:challenge_detail",
        "initiatives:story_list",
        "initiatives:story_detail",
        "initiatives:theme_detail",
        "initiatives:region_detail",
        "initiatives:search",
        "members:organisation_list",
        "members:organisation_detail",
        "members:profile_detail",
        "matchmaking:offer_need_list",
        "matchmaking:offer_need_detail",
        "stamp:index",
        "stamp:carrier_list",
        "stamp:charter_list",
        "stamp:charter_detail",
        "stamp:verify",
        "stamp:badge_svg",
        "stamp:badge_png",
        "stamp:image",
    }
)
# Writes to these apps' models change what the pages show.
CONTENT_APPS = frozenset({"members", "initiatives", "matchmaking", "stamp", "curation"})
# How long an entry lives without a write.
PAGE_SECONDS = 300
VERSION_KEY = "page-cache:version"
HEADER = "X-Page-Cache"  # "hit" or "miss": for benchmarks and tests, tells nothing secret
# What a stored page may vary on: the key holds the language (from the address) and Accept,
# and no cached page is served to a request with a session or messages cookie.
KEYED_VARY = frozenset({"accept", "accept-language", "cookie"})
# Headers the outer middleware adds again on every response; not stored.
UNSTORED_HEADERS = frozenset({"content-security-policy", "content-security-policy-report-only"})

# (content version, valid until as a Unix time, status, body, headers)
Entry = tuple[str, float, int, bytes, list[tuple[str, str]]]
DEADLINE_KEY = "page-cache:deadline"
# Without a known next deadline (the cache was emptied), an entry lives this long at most.
UNKNOWN_DEADLINE_SECONDS = 60
# The function that gives the next moment (Unix time) at which a page changes by itself.
_deadlines: list[Callable[[], float | None]] = []


def add_deadline(next_moment: Callable[[], float | None]) -> None:
    """Register a function that gives the next moment, after now, at which what a page shows
    changes without a write (a claim lapses at its deadline); no cached page outlives it.
    The app calls ``remember_deadline`` when its rows change, so no page pays a query."""
    _deadlines.append(next_moment)


def remember_deadline() -> None:
    """Ask the registered functions for the next moment and keep it in the cache."""
    moments = [moment for hook in _deadlines if (moment := hook()) is not None]
    try:
        _cache().set(DEADLINE_KEY, min(moments, default=math.inf), timeout=None)
    except Exception:
        logger.warning("page cache: writing the next deadline failed", exc_info=True)


def _valid_until(now: float, timeout: int) -> float:
    try:
        deadline = _cache().get(DEADLINE_KEY)
    except Exception:
        deadline = None
    if isinstance(deadline, float) and deadline <= now:
        remember_deadline()  # it has passed: the next one (a query, once per deadline)
        deadline = _cache().get(DEADLINE_KEY)
    if not isinstance(deadline, float):
        return now + min(timeout, UNKNOWN_DEADLINE_SECONDS)
    return min(now + timeout, deadline)


STATE_ATTRIBUTE = "_page_cache"


@dataclass
class Lookup:
    """What ``process_view`` found, for the response side of the same request."""

    key: str
    version: str | None = None
    hit: bool = False


def _cache() -> Any:
    return caches["default"]


def bump_version() -> None:
    """A new content version: every cached page is stale from now on."""
    try:
        _cache().set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:
        logger.warning("page cache: setting a new version failed", exc_info=True)


def content_changed(sender: type[Model], **kwargs: Any) -> None:
    """Receiver for post_save, post_delete and m2m_changed (connected in ``core.apps``)."""
    if sender._meta.app_label not in CONTENT_APPS:
        return
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # a log-in shows on no page
    bump_version()
    # Again after the commit (once per transaction): a page that another connection rendered
    # from the old rows in between is dropped too.
    if connection.in_atomic_block and not any(
        # Entries are (savepoint ids, callback, robust); the stubs know only the first two.
        entry[1] is bump_version
        for entry in connection.run_on_commit
    ):
        transaction.on_commit(bump_version, robust=True)


def _is_anonymous_read(request: HttpRequest) -> bool:
    cookies = request.COOKIES
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in cookies
        and getattr(settings, "MESSAGE_COOKIE_NAME", "messages") not in cookies
    )


def _key(request: HttpRequest) -> str:
    # Accept too: the verification page answers JSON-LD to a client that asks for it.
    accept = request.headers.get("Accept", "")
    address = f"{request.get_host()}|{get_language()}|{request.get_full_path()}|{accept}"
    return "page-cache:" + hashlib.sha256(address.encode()).hexdigest()


def _conditional(request: HttpRequest, response: HttpResponse) -> HttpResponseBase:
    """The cached page, or a 304 when the visitor's copy has the same ETag."""
    return (
        get_conditional_response(request, etag=response.get("ETag"), response=response) or response
    )


def _timeout(response: HttpResponseBase) -> int:
    """How long the page may be kept: 0 for one that must not be (a cookie, an error, a
    private answer, a Vary the key does not hold); never past the view's own max-age."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return 0
    control = response.get("Cache-Control", "").lower()
    if any(word in control for word in ("private", "no-store", "no-cache")):
        return 0
    varies = {name.strip().lower() for name in response.get("Vary", "").split(",")}
    if not varies - {""} <= KEYED_VARY:
        return 0
    max_age = get_max_age(response)
    return PAGE_SECONDS if max_age is None else max(0, min(PAGE_SECONDS, max_age))


class PageCacheMiddleware:
    """See the module. Placed right after the CSP middleware: its response side sees the
    cookies that the session, CSRF and messages middleware set, and the CSP header (with no
    nonce, as none was used) is added afresh to every copy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        # Without a cache that every process shares (see settings) no page is stored or
        # served; members' pages are still marked private.
        self.enabled: bool = settings.PAGE_CACHE

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        lookup: Lookup | None = getattr(request, STATE_ATTRIBUTE, None)
        if lookup is not None and not lookup.hit:
            self._store(request, response, lookup)
        elif lookup is None and "Cache-Control" not in response and not _is_anonymous_read(request):
            # A signed-in member's page (or a visitor's form flow): never shared.
            patch_cache_control(response, private=True, no_cache=True)
        return response

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponseBase | None:
        match = request.resolver_match
        if not self.enabled or match is None or match.view_name not in CACHED_PAGES:
            return None
        if not _is_anonymous_read(request):
            return None
        lookup = Lookup(_key(request))
        setattr(request, STATE_ATTRIBUTE, lookup)
        try:
            found = _cache().get_many([VERSION_KEY, lookup.key])
        except Exception:
            logger.warning("page cache: reading %s failed", request.path, exc_info=True)
            return None
        version = lookup.version = found.get(VERSION_KEY)
        entry: Entry | None = found.get(lookup.key)
        if version is None or entry is None or entry[0] != version or entry[1] <= time.time():
            return None
        _version, _until, status, content, headers = entry
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response.headers[name] = value
        response.headers[HEADER] = "hit"
        lookup.hit = True
        return _conditional(request, response)

    def _store(self, request: HttpRequest, response: HttpResponseBase, lookup: Lookup) -> None:
        timeout = _timeout(response)
        if not timeout or not isinstance(response, HttpResponse):
            if "Cache-Control" not in response:
                patch_cache_control(response, private=True, no_cache=True)
            return
        if not response.has_header("Cache-Control"):
            # Browsers and proxies may keep it but must ask again each time (a 304 from this
            # cache costs about what the floor does): a hidden or changed item must be gone
            # from every screen at once, which a max-age would not allow.
            patch_cache_control(response, public=True, no_cache=True)
        patch_vary_headers(response, ("Cookie",))
        if not response.has_header("ETag"):
            set_response_etag(response)
        version = lookup.version
        if version is None:
            version = uuid.uuid4().hex
            try:
                if not _cache().add(VERSION_KEY, version, timeout=None):
                    return  # another process set one first: store next time
            except Exception:
                logger.warning("page cache: setting the version failed", exc_info=True)
                return
        headers = [
            (name, value)
            for name, value in response.headers.items()
            if name.lower() not in UNSTORED_HEADERS
        ]
        until = _valid_until(time.time(), timeout)
        entry: Entry = (version, until, response.status_code, response.content, headers)
        try:
            _cache().set(lookup.key, entry, timeout=timeout)
        except Exception:
            logger.warning("page cache: writing %s failed", request.path, exc_info=True)
        response.headers[HEADER] = "miss"
