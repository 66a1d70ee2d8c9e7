"""Read pages from the shared cache, so a spike of visitors costs about what the floor does.

A page an anonymous visitor only reads is the same for every such visitor: it carries no
session, no CSRF token, no message and no CSP nonce (the language switch is a pair of links,
search is a GET form, scripts and styles are static files). ``PageCacheMiddleware`` keeps
such pages in the ``default`` cache (Redis in production) and serves them again without
running the view, and without the middleware inside it:

- Only the pages named in ``CACHED_PAGES``, only for GET and HEAD, only a 200 that sets no
  cookie, used no CSP nonce and varies on nothing the key does not hold, and only when every
  query parameter is one the site's pages read (``QUERY_PARAMETERS``; a link with
  ``?utm_source=`` is rendered, not stored, so junk cannot fill the cache).
- An anonymous request (no session or messages cookie) is looked up first thing, before the
  session, locale, CSRF and authentication middleware run: the key is the host, the full
  path with its query string (the address decides the language, ``core.i18n``) and the kind
  of answer ``Accept`` asks for, where a page chooses by it (``choose_by_accept``).
- A signed-in member's pages are rendered for them and kept for them alone: the key holds
  their session and their CSRF cookie (so the token in a cached form stays theirs and
  valid). Sessions are read through the same cache (``core.sessions``), so the page and the
  session come in one round trip, before any other middleware: a session that has ended
  (logged out, expired) is missing and gets nothing; a change to the member (a new
  password, a role) is a content write, which makes every entry stale; a session with a
  message waiting gets a page rendered now. A page that showed a message is never stored.
- Every entry carries the site's content version. Any write to a model of the content apps
  (publishing, editing, revoking a stamp, featuring, a membership, a notification...) sets a
  new version, right away and again when the transaction commits, so the next request
  renders the change (``bump_version``, connected in ``core.apps``). Entries also expire
  after ``PAGE_SECONDS`` (time passing changes words like "three days ago").
- Content that changes with time alone (a stamp claim lapses at its deadline, before the
  daily job writes it down): an app names its next such moment with ``add_deadline`` and
  keeps it in the cache (``remember_deadline``) when its rows change; no entry outlives it.
- The version and the page are fetched in one round trip; a cache error is a miss and a log
  line, never a failed page.

Cached anonymous pages go out with ``Cache-Control: public, no-cache`` and an ``ETag``: a
browser or proxy may keep them but asks again each time, and the conditional GET gets a 304;
``Vary: Cookie`` keeps a browser or proxy from showing them to a signed-in member.
Pages for a signed-in member are ``private, no-cache``.
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.contrib.messages.storage.session import SessionStorage
from django.contrib.sessions.backends.cached_db import SessionStore as CachedSessionStore
from django.core.cache import caches
from django.db import connection, transaction
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import (
    get_conditional_response,
    get_max_age,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)

from core.i18n import language_of_path

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
# Writes to these apps' models change what the pages show ("auth": the groups and
# permissions that decide a member's menu).
CONTENT_APPS = frozenset({"members", "initiatives", "matchmaking", "stamp", "curation", "auth"})
# ...and these models of other apps (core's other models are logs and heartbeats).
CONTENT_MODELS = frozenset({"core.region", "core.theme"})
# The query parameters the cached pages read (core.query_params and the list filters). A page
# asked for with any other parameter is rendered and not stored.
QUERY_PARAMETERS = frozenset(
    {"q", "soort", "regio", "thema", "geverifieerd", "pagina", "fase", "sorteer", "viering"}
    | {"na", "richting", "organisatie"}
)
# How long an entry lives without a write.
PAGE_SECONDS = 300
VERSION_KEY = "page-cache:version"
HEADER = "X-Page-Cache"  # "hit" or "miss": for benchmarks and tests, tells nothing secret
# What a stored page may vary on: the key holds the address, the chosen kind of answer and,
# for a member's page, the member and their cookies.
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
SESSION_KEY_SHAPE = re.compile(r"[a-z0-9]{32}")  # what Django's session keys look like
MESSAGES_SESSION_KEY = SessionStorage.session_key
# View name -> the media types it chooses between by ``Accept`` (``choose_by_accept``).
_accept_choices: dict[str, tuple[str, ...]] = {}


def choose_by_accept(view_name: str, media_types: list[str]) -> None:
    """Declare that a cached page answers differently by ``Accept``, choosing between
    ``media_types`` with ``request.get_preferred_type``. The key then holds that choice (not
    the raw header, which differs between browsers); a page that varies on ``Accept``
    without declaring its choices is never stored."""
    _accept_choices[view_name] = tuple(media_types)


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


@dataclass
class Lookup:
    """What the request side found, for the response side of the same request."""

    key: str
    # A member's own entry: the cache key of their session (else an entry for every
    # anonymous visitor).
    session: str | None = None
    version: str | None = None
    hit: bool = False

    @property
    def member(self) -> bool:
        return self.session is not None


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
    meta = sender._meta
    if meta.app_label not in CONTENT_APPS and meta.label_lower not in CONTENT_MODELS:
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


def _is_read(request: HttpRequest) -> bool:
    """A GET or HEAD with no message waiting in a cookie and only known query parameters."""
    return (
        request.method in ("GET", "HEAD")
        and getattr(settings, "MESSAGE_COOKIE_NAME", "messages") not in request.COOKIES
        and all(name in QUERY_PARAMETERS for name in request.GET)
    )


def _may_be_shared(request: HttpRequest) -> bool:
    """A read by a visitor with no session and no message: the same answer for everyone."""
    cookies = request.COOKIES
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in cookies
        and getattr(settings, "MESSAGE_COOKIE_NAME", "messages") not in cookies
    )


def _digest(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()


def _accepted(request: HttpRequest) -> str:
    # The choice each declared page would make, not the raw header.
    return ",".join(
        str(request.get_preferred_type(list(types))) for types in _accept_choices.values()
    )


def _anonymous_digest(request: HttpRequest) -> str:
    return _digest(request.get_host(), request.get_full_path(), _accepted(request))


def _member_key(request: HttpRequest, session_key: str) -> str:
    # The session decides the member; the CSRF cookie, the token in the page's forms.
    csrf_cookie = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
    address = (request.get_host(), request.get_full_path(), _accepted(request))
    return "page-cache:m:" + _digest(*address, session_key, csrf_cookie)


def _session_cache_prefix() -> str | None:
    """Are sessions read through this cache (``core.sessions``, see settings)? Then the
    prefix of their keys: a member's session is fetched with the page, and one that has
    ended is missing."""
    if settings.SESSION_CACHE_ALIAS != "default":
        return None
    store = import_module(settings.SESSION_ENGINE).SessionStore
    return store.cache_key_prefix if issubclass(store, CachedSessionStore) else None


@lru_cache(maxsize=4096)
def _is_cached_page(urlconf: str, path: str) -> bool:
    """Does the address name one of ``CACHED_PAGES``? Resolved in the address's own language,
    once per address and process: every other page is spared a cache round trip."""
    with translation.override(language_of_path(path)):
        try:
            match = resolve(path, urlconf)
        except Resolver404:
            return False
    return match.view_name in CACHED_PAGES


def _lookup(request: HttpRequest) -> Lookup | None:
    """The entry this request may be served from, or None when it must be rendered."""
    if not _is_read(request) or not _is_cached_page(settings.ROOT_URLCONF, request.path_info):
        return None
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if session_key is None:
        return Lookup("page-cache:a:" + _anonymous_digest(request))
    prefix = _session_cache_prefix()
    if prefix is None or not SESSION_KEY_SHAPE.fullmatch(session_key):
        return None
    return Lookup(_member_key(request, session_key), session=prefix + session_key)


def _fetch(request: HttpRequest, lookup: Lookup) -> HttpResponseBase | None:
    """The stored page (or a 304), or None; remembers the content version it saw."""
    keys = [VERSION_KEY, lookup.key] + ([lookup.session] if lookup.session else [])
    try:
        found = _cache().get_many(keys)
    except Exception:
        logger.warning("page cache: reading %s failed", request.path, exc_info=True)
        return None
    version = lookup.version = found.get(VERSION_KEY)
    entry: Entry | None = found.get(lookup.key)
    if version is None or entry is None or entry[0] != version or entry[1] <= time.time():
        return None
    if lookup.session is not None and not _signed_in_without_message(found.get(lookup.session)):
        return None
    _version, _until, status, content, headers = entry
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response.headers[name] = value
    response.headers[HEADER] = "hit"
    lookup.hit = True
    return get_conditional_response(request, etag=response.get("ETag"), response=response) or (
        response
    )


def _signed_in_without_message(session: object) -> bool:
    """The session as the cache holds it: still there (logging out and expiry remove it; a
    change to the member, a new password included, is a content write), signed in, and with
    no message waiting to be shown."""
    return (
        isinstance(session, dict)
        and AUTH_SESSION_KEY in session
        and MESSAGES_SESSION_KEY not in session
    )


def _sets_cookie(request: HttpRequest, response: HttpResponseBase, lookup: Lookup) -> bool:
    """Does the answer set a cookie? Not counted: on a member's page, the CSRF cookie sent
    again unchanged (Django renews its expiry on every page with a form; the key holds it)."""
    cookies = dict(response.cookies)
    if lookup.member:
        name = settings.CSRF_COOKIE_NAME
        renewed = cookies.get(name)
        if renewed is not None and renewed.value == request.COOKIES.get(name):
            del cookies[name]
    return bool(cookies)


def _still_signed_in(request: HttpRequest, lookup: Lookup) -> bool:
    """The member's page was rendered for the session the key names (not a session that
    signed in or out during the request), and showed no message."""
    user = getattr(request, "user", None)
    session = getattr(request, "session", None)
    return (
        user is not None
        and user.is_authenticated
        and session is not None
        and lookup.session == f"{_session_cache_prefix()}{session.session_key}"
        and not len(messages.get_messages(request))
    )


def _timeout(request: HttpRequest, response: HttpResponseBase, lookup: Lookup) -> int:
    """How long the page may be kept: 0 for one that must not be (not a named page, a
    cookie, a nonce, an error, an answer marked private (for everyone) or no-store, a Vary
    or an Accept choice the key does not hold, a message shown); never past the view's own
    max-age."""
    match = request.resolver_match
    if match is None or match.view_name not in CACHED_PAGES:
        return 0
    if response.status_code != 200 or response.streaming or _sets_cookie(request, response, lookup):
        return 0
    if getattr(request, "_csp_nonce", None) or hasattr(response, "_csp_config"):
        return 0  # a nonce must be new on every page; a view's own policy is not stored
    control = response.get("Cache-Control", "").lower()
    refused = ("no-store",) if lookup.member else ("private", "no-store", "no-cache")
    if any(word in control for word in refused):
        return 0
    varies = {name.strip().lower() for name in response.get("Vary", "").split(",")} - {""}
    if not varies <= KEYED_VARY:
        return 0
    if "accept" in varies and match.view_name not in _accept_choices:
        return 0
    if lookup.member and not _still_signed_in(request, lookup):
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
        lookup = _lookup(request) if self.enabled else None
        if lookup is not None:
            # First thing: a hit skips the session, locale, CSRF and user middleware.
            hit = _fetch(request, lookup)
            if hit is not None:
                return hit
        response = self.get_response(request)
        if lookup is not None:
            self._store(request, response, lookup)
        elif "Cache-Control" not in response and not _may_be_shared(request):
            # A signed-in member's page (or a visitor's form flow): never shared.
            patch_cache_control(response, private=True, no_cache=True)
        return response

    def _store(self, request: HttpRequest, response: HttpResponseBase, lookup: Lookup) -> None:
        timeout = _timeout(request, response, lookup)
        if not timeout or not isinstance(response, HttpResponse):
            if "Cache-Control" not in response and not _may_be_shared(request):
                patch_cache_control(response, private=True, no_cache=True)
            return
        if lookup.member:
            patch_cache_control(response, private=True, no_cache=True)
        elif not response.has_header("Cache-Control"):
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
