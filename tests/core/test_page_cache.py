"""The shared page cache for anonymous read pages (``core.page_cache``): no cookie, no nonce,
served again without the view, made stale by every content write, never for a member."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.page_cache import CACHED_PAGES, HEADER
from initiatives.models import Initiative
from tests.initiatives.factories import InitiativeFactory
from tests.members.factories import RegionFactory, ThemeFactory, UserFactory
from tests.security.test_junk_urls import (
    ROUTES,
    World,
    _fill,
    world,  # noqa: F401  (the fixture)
)

pytestmark = pytest.mark.django_db

STRICT_SOURCES = ("script-src 'self'", "style-src 'self'")


def _address(world: World, view_name: str) -> str:  # noqa: F811
    for route in ROUTES:
        name = f"{route.namespace}:{route.name}" if route.namespace else route.name
        if name == view_name and not route.template.startswith("en/"):
            return _fill(route, {n: world.sample(route, n) for n in route.parameters})
    raise AssertionError(f"no route for {view_name}")


@pytest.mark.parametrize("view_name", sorted(CACHED_PAGES))
def test_an_anonymous_read_page_sets_no_cookie_uses_no_nonce_and_comes_from_the_cache(
    world: World,  # noqa: F811
    view_name: str,
) -> None:
    address = _address(world, view_name)
    visitor = Client()
    first = visitor.get(address)
    assert first.status_code == 200, address
    assert "Set-Cookie" not in first.headers and not first.cookies, (address, first.cookies)
    assert "nonce" not in first.content.decode(errors="replace")
    policy = first.headers["Content-Security-Policy"]
    assert "nonce" not in policy and "unsafe-inline" not in policy
    for source in STRICT_SOURCES:
        assert source in policy
    assert first[HEADER] == "miss"
    # Kept by browsers and proxies, but asked again each time: a hidden item goes at once.
    control = first["Cache-Control"]
    assert "public" in control
    if "max-age" not in control:  # only the embeddable badges name their own short max-age
        assert "no-cache" in control
    assert "Cookie" in first["Vary"]

    with CaptureQueriesContext(connection) as queries:
        second = Client().get(address)
    assert second[HEADER] == "hit"
    assert len(queries) == 0, [q["sql"] for q in queries]
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert second.headers["Content-Security-Policy"] == policy
    assert not second.cookies


def test_a_conditional_get_of_a_cached_page_is_a_304(client: Client) -> None:
    etag = client.get("/")["ETag"]
    assert client.get("/", headers={"if-none-match": etag}).status_code == 304


def test_each_language_and_query_has_its_own_entry(client: Client) -> None:
    dutch = client.get("/initiatieven/")
    english = client.get("/en/initiatieven/")
    assert english[HEADER] == "miss"
    assert dutch.content != english.content
    assert client.get("/initiatieven/?pagina=1")[HEADER] == "miss"
    assert client.get("/en/initiatieven/")[HEADER] == "hit"


def test_a_content_write_makes_the_next_page_fresh(world: World) -> None:  # noqa: F811
    visitor = Client()
    visitor.get("/initiatieven/proef/")
    assert visitor.get("/initiatieven/proef/")[HEADER] == "hit"
    initiative = Initiative.objects.get(slug="proef")
    initiative.title = "Een nieuwe titel voor de proef"
    initiative.save(update_fields=["title"])
    fresh = visitor.get("/initiatieven/proef/")
    assert fresh[HEADER] == "miss"
    assert "Een nieuwe titel voor de proef" in fresh.content.decode()


def test_renaming_a_region_or_a_theme_makes_the_next_page_fresh(client: Client) -> None:
    region = RegionFactory(name="Oude Regionaam")
    theme = ThemeFactory(name="Oude themanaam")
    InitiativeFactory(region=region, themes=[theme])
    client.get("/initiatieven/")
    assert client.get("/initiatieven/")[HEADER] == "hit"
    region.name = "Nieuwe Regionaam"
    region.save()
    assert "Nieuwe Regionaam" in client.get("/initiatieven/").content.decode()
    assert client.get("/initiatieven/")[HEADER] == "hit"
    theme.name = "Nieuwe themanaam"
    theme.save()
    assert "Nieuwe themanaam" in client.get("/initiatieven/").content.decode()


def test_a_member_gets_only_their_own_cached_pages(world: World) -> None:  # noqa: F811
    Client().get("/initiatieven/proef/")  # cached for visitors
    member = Client()
    member.force_login(world.member)
    # The first page a new session sees sets its CSRF cookie: rendered, not stored.
    assert HEADER not in member.get("/initiatieven/proef/")
    first = member.get("/initiatieven/proef/")
    assert first[HEADER] == "miss"  # not the visitors' copy
    assert "private" in first["Cache-Control"] and "no-cache" in first["Cache-Control"]
    assert "public" not in first["Cache-Control"]
    with CaptureQueriesContext(connection) as queries:
        second = member.get("/initiatieven/proef/")
    assert second[HEADER] == "hit"
    assert len(queries) == 0  # page and session in one cache round trip
    assert second.content == first.content
    assert "private" in second["Cache-Control"]
    # ... what the member saw is never served to a visitor or to another member ...
    member.get("/initiatieven/")
    assert member.get("/initiatieven/")[HEADER] == "hit"
    visitor = Client().get("/initiatieven/")
    assert visitor[HEADER] == "miss"
    assert "csrfmiddlewaretoken" not in visitor.content.decode()
    other = Client()
    other.force_login(UserFactory())
    other.get("/initiatieven/")
    theirs = other.get("/initiatieven/")
    assert theirs[HEADER] == "miss"
    # Each page carries the CSRF token of its own reader.
    for client, response in ((member, first), (other, theirs)):
        assert _token_secret(response) == client.cookies[settings.CSRF_COOKIE_NAME].value
    # ... and a session that has ended gets nothing from it.
    cookie = member.cookies[settings.SESSION_COOKIE_NAME].value
    member.logout()
    stale = Client()
    stale.cookies[settings.SESSION_COOKIE_NAME] = cookie
    after = stale.get("/initiatieven/")
    assert HEADER not in after and "Mila Lid" not in after.content.decode()


def _token_secret(response: Any) -> str:
    from django.middleware.csrf import _unmask_cipher_token

    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())
    assert token is not None
    return _unmask_cipher_token(token.group(1))


def test_the_csrf_token_in_a_members_cached_page_is_still_accepted(world: World) -> None:  # noqa: F811
    member = Client(enforce_csrf_checks=True)
    member.force_login(world.member)
    member.get("/initiatieven/")
    member.get("/initiatieven/")
    cached = member.get("/initiatieven/")
    assert cached[HEADER] == "hit"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', cached.content.decode())
    assert token is not None
    logout = member.post(reverse("account_logout"), {"csrfmiddlewaretoken": token.group(1)})
    assert logout.status_code == 302


def test_a_new_notification_shows_on_a_members_next_page(world: World) -> None:  # noqa: F811
    from matchmaking.models import Notification, NotificationKind

    member = Client()
    member.force_login(world.member)
    member.get("/initiatieven/")
    member.get("/initiatieven/")
    assert member.get("/initiatieven/")[HEADER] == "hit"
    unread = Notification.objects.unread().filter(recipient=world.member).count()
    Notification.objects.create(recipient=world.member, kind=NotificationKind.OUTCOME)
    fresh = member.get("/initiatieven/")
    assert fresh[HEADER] == "miss"
    assert f'<span class="badge nav-count">{unread + 1}<' in fresh.content.decode()


def test_a_members_page_showing_a_message_is_not_stored(
    world: World,  # noqa: F811
    settings: Any,
) -> None:
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.session import SessionStorage
    from django.http import HttpRequest

    member = Client()
    member.force_login(world.member)
    member.get("/stempel/dragers/")
    member.get("/stempel/dragers/")
    assert member.get("/stempel/dragers/")[HEADER] == "hit"
    # With messages kept in the session (no cookie tells that one waits) a waiting message is
    # shown on the next page...
    settings.MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
    session = member.session
    holder = HttpRequest()
    holder.session = session
    session[SessionStorage.session_key] = SessionStorage(holder).serialize_messages(
        [Message(constants.INFO, "Opgeslagen: een melding voor Mila")]
    )
    session.save()
    shown = member.get("/stempel/dragers/")
    assert "Opgeslagen: een melding voor Mila" in shown.content.decode()
    assert HEADER not in shown
    # ... once, and never again from the cache.
    again = member.get("/stempel/dragers/")
    assert "Opgeslagen: een melding voor Mila" not in again.content.decode()


def test_an_unknown_query_parameter_is_rendered_not_stored(client: Client) -> None:
    client.get("/initiatieven/?utm_source=nieuwsbrief")
    assert HEADER not in client.get("/initiatieven/?utm_source=nieuwsbrief")
    assert client.get("/initiatieven/?thema=energie")[HEADER] == "miss"
    assert client.get("/initiatieven/?thema=energie")[HEADER] == "hit"


def test_browsers_accept_headers_share_one_entry(client: Client) -> None:
    firefox = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    chrome = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"
    assert client.get("/", headers={"accept": firefox})[HEADER] == "miss"
    assert client.get("/", headers={"accept": chrome})[HEADER] == "hit"


def test_a_page_that_used_a_nonce_is_not_stored(rf: Any) -> None:
    from django.http import HttpResponse
    from django.urls import resolve
    from django.utils.csp import LazyNonce

    from core.page_cache import Lookup, _timeout

    request = rf.get("/")
    request.resolver_match = resolve("/")
    request._csp_nonce = LazyNonce()
    response = HttpResponse("<p>pagina</p>")
    assert _timeout(request, response, Lookup("k")) > 0
    str(request._csp_nonce)  # a template used it
    assert _timeout(request, response, Lookup("k")) == 0


def test_a_page_with_a_message_is_not_cached(client: Client, world: World) -> None:  # noqa: F811
    client.cookies["messages"] = "junk"
    response = client.get("/")
    assert HEADER not in response


def test_a_cache_error_is_a_miss(monkeypatch: pytest.MonkeyPatch, client: Client) -> None:
    from core import page_cache

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("cache down")

    class Broken:
        get_many = set = add = broken

    monkeypatch.setattr(page_cache, "_cache", lambda: Broken())
    assert client.get("/").status_code == 200
    assert client.get("/").status_code == 200


def test_a_page_that_is_never_cached_costs_no_cache_round_trip(
    monkeypatch: pytest.MonkeyPatch, client: Client
) -> None:
    from core import page_cache

    asked: list[str] = []
    real = page_cache._cache

    def watched() -> Any:
        asked.append("cache")
        return real()

    monkeypatch.setattr(page_cache, "_cache", watched)
    assert client.get(reverse("account_login")).status_code == 200
    assert client.get("/bestaat-niet/").status_code == 404
    assert asked == []
    assert client.get("/initiatieven/").status_code == 200
    assert asked  # a page it keeps: looked up and stored


def test_the_language_switch_is_a_pair_of_links(client: Client) -> None:
    html = client.get("/initiatieven/?thema=energie").content.decode()
    assert 'href="/en/initiatieven/?thema=energie" hreflang="en"' in html
    assert 'href="/initiatieven/?thema=energie" hreflang="nl"' in html
    assert "csrfmiddlewaretoken" not in html


def test_the_verification_page_and_its_assertion_are_kept_apart(world: World) -> None:  # noqa: F811
    address = _address(world, "stamp:verify")
    visitor = Client()
    page = visitor.get(address)
    assert visitor.get(address)[HEADER] == "hit"
    assertion = visitor.get(address, headers={"accept": "application/ld+json"})
    assert assertion["Content-Type"].startswith("application/ld+json")
    assert assertion.content != page.content
    assert visitor.get(address)["Content-Type"].startswith("text/html")


def test_a_revoked_stamp_shows_at_once_on_its_badge(world: World) -> None:  # noqa: F811
    from stamp.models import Claim

    claim = Claim.objects.get(code=world.samples["stamp:code"])
    badge = f"/stempel/v/{claim.code}/stempel.svg"
    before = Client().get(badge)
    assert Client().get(badge)[HEADER] == "hit"
    claim.organisation.status = "suspended"
    claim.organisation.save(update_fields=["status"])
    after = Client().get(badge)
    assert after[HEADER] == "miss"
    assert after["ETag"] != before["ETag"]


def _seen_twice(address: str) -> None:
    Client().get(address)
    assert Client().get(address)[HEADER] == "hit"


def test_publishing_featuring_and_revoking_show_on_the_next_request(editor: Any) -> None:
    from curation.models import Feature
    from curation.services import feature_save
    from initiatives.models import PublicationStatus
    from initiatives.services import item_publish
    from stamp.services import stamp_revoke
    from tests.initiatives.factories import InitiativeFactory
    from tests.stamp.factories import ClaimFactory

    submitted = InitiativeFactory(
        title="Net gepubliceerd buurtinitiatief",
        publication_status=PublicationStatus.SUBMITTED,
        published_at=None,
    )
    _seen_twice("/initiatieven/")
    item_publish(item=submitted, by=editor)
    assert "Net gepubliceerd buurtinitiatief" in Client().get("/initiatieven/").content.decode()

    _seen_twice("/")
    feature_save(feature=Feature(initiative=submitted, position=1), by=editor)
    home = Client().get("/")
    assert home[HEADER] == "miss"
    assert "Net gepubliceerd buurtinitiatief" in home.content.decode()

    claim = ClaimFactory()
    badge = f"/stempel/v/{claim.code}/stempel.svg"
    _seen_twice(badge)
    stamp_revoke(claim=claim, by=editor, reason="Niet nagekomen.")
    revoked = Client().get(badge)
    assert revoked[HEADER] == "miss"
    assert "INGETROKKEN" in revoked.content.decode()


@pytest.mark.django_db
def test_without_a_shared_cache_no_page_is_kept(settings: Any, world: World) -> None:  # noqa: F811
    # With a local-memory cache per gunicorn worker a write could not reach the other
    # workers' copies: the settings turn the page cache off unless REDIS_URL is set.
    settings.PAGE_CACHE = False
    address = _address(world, "home")
    visitor = Client()

    first = visitor.get(address)
    with CaptureQueriesContext(connection) as queries:
        second = visitor.get(address)

    assert first.status_code == second.status_code == 200
    assert HEADER not in first and HEADER not in second
    assert len(queries) > 0  # rendered again, not served from a cache
