"""The language switch goes both ways on every page: each page that a visitor can open
(every URL pattern of ``platform_site.urls``, filled with real objects by the junk walk's
``world``), each page of a signed-in member, the 404 page and the admin come back as the
same page in the chosen language, without JavaScript: the switch is a pair of links."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from members.models import User
from tests.security.test_junk_urls import (
    ROUTES,
    World,
    _fill,
    world,  # noqa: F401  (the fixture)
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SWITCH = 'class="language-switch"'


def _pages_with_a_switch(world: World) -> tuple[list[str], list[str]]:  # noqa: F811
    """Every page of the site (not the admin) that answers 200 with the switch: those a
    visitor sees, and those only a signed-in member sees."""
    visitor, member = Client(), Client()
    member.force_login(world.member)
    public: list[str] = []
    members_only: list[str] = []
    for route in ROUTES:
        if route.is_admin:
            continue
        url = _fill(route, {n: world.sample(route, n) for n in route.parameters})
        if url in public or url in members_only:
            continue
        response = visitor.get(url)
        if response.status_code == 200 and SWITCH in response.content.decode(errors="replace"):
            public.append(url)
            continue
        response = member.get(url)
        if response.status_code == 200 and SWITCH in response.content.decode(errors="replace"):
            members_only.append(url)
    return public, members_only


def _switch(page: Any, language: str) -> None:
    with page.expect_navigation():
        page.locator(f"nav.language-switch a[hreflang={language}]").click()


def _switch_both_ways(page: Any, base_url: str, dutch_path: str) -> list[str]:
    """Open the Dutch page, switch to English and back; what went wrong, if anything."""
    english_path = "/en" + dutch_path
    problems = []
    page.goto(dutch_path)
    for language, expected in (("en", english_path), ("nl", dutch_path)):
        _switch(page, language)
        lang = page.locator("html").get_attribute("lang")
        if page.url != base_url + expected or lang != language:
            problems.append(f"{dutch_path} -> {language}: {page.url} lang={lang}")
            break
    return problems


def test_every_page_switches_to_english_and_back(
    page: Any,
    live_server: Any,
    world: World,  # noqa: F811
    log_in: Any,
) -> None:
    public, members_only = _pages_with_a_switch(world)
    # The walk found the site's pages, not a handful.
    assert len(public) > 20, public
    assert len(members_only) > 5, members_only
    for expected in ("/", "/initiatieven/proef/", "/organisaties/proef/", "/stempel/"):
        assert expected in public
    assert "/mijn/" in members_only

    problems: list[str] = []
    for path in public:
        problems += _switch_both_ways(page, live_server.url, path)
    log_in(page, world.member)
    for path in members_only:
        problems += _switch_both_ways(page, live_server.url, path)

    assert problems == []


def test_the_404_page_switches_both_ways(page: Any, live_server: Any) -> None:
    page.goto("/en/bestaat-niet/?waar=hier")
    assert page.locator("html").get_attribute("lang") == "en"

    _switch(page, "nl")
    assert page.url == live_server.url + "/bestaat-niet/?waar=hier"
    assert page.locator("html").get_attribute("lang") == "nl"

    _switch(page, "en")
    assert page.url == live_server.url + "/en/bestaat-niet/?waar=hier"
    assert page.locator("html").get_attribute("lang") == "en"


def test_the_admin_switches_both_ways(
    page: Any, live_server: Any, superuser: User, log_in: Any
) -> None:
    log_in(page, superuser)
    for path in ("/admin/", "/admin/members/organisation/", "/admin/members/organisation/add/"):
        assert _switch_both_ways(page, live_server.url, path) == []


def test_english_stays_english_and_dutch_stays_dutch_after_a_switch(
    page: Any, live_server: Any
) -> None:
    """The cookie and the browser's own language never override the address."""
    page.goto("/en/stempel/")
    _switch(page, "nl")
    page.goto("/initiatieven/")
    assert page.locator("html").get_attribute("lang") == "nl"
    page.goto("/en/initiatieven/")
    assert page.locator("html").get_attribute("lang") == "en"
