"""The shared page cache for anonymous read pages (``core.page_cache``): no cookie, no nonce,
served again without the view, made stale by every content write, never for a member."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core.page_cache import CACHED_PAGES, HEADER
from initiatives.models import Initiative
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


def test_a_member_never_gets_a_cached_page(world: World) -> None:  # noqa: F811
    Client().get("/initiatieven/proef/")  # cached for visitors
    member = Client()
    member.force_login(world.member)
    response = member.get("/initiatieven/proef/")
    assert HEADER not in response
    assert "private" in response["Cache-Control"] and "no-cache" in response["Cache-Control"]
    # ... and what the member saw is never served to a visitor.
    member.get("/initiatieven/")
    visitor = Client().get("/initiatieven/")
    assert visitor[HEADER] == "miss"
    assert "Mila Lid" not in visitor.content.decode()


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
