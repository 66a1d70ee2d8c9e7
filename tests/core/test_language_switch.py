"""The language switch: the same page in the other language.

Pages show it as plain links (``core/templatetags/language_links.py``, no form, no cookie, so
anonymous pages stay cacheable); each link is ``core.i18n.translate_path`` of the page's own
address, as ``core.views.set_language`` (still answering a POST) computes it.
Dutch lives at the root and English under /en/; the switch must go both ways, keep the
query string, follow only paths on this site and take only a POST with a CSRF token.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from core.i18n import is_safe_path, translate_path

SWITCH = "/i18n/setlang/"


def _switch(client: Client, next_url: str, language: str) -> str:
    response = client.post(SWITCH, {"next": next_url, "language": language})
    assert response.status_code == 302
    return response["Location"]


@pytest.mark.parametrize(
    ("next_url", "language", "expected"),
    [
        ("/", "en", "/en/"),
        ("/en/", "nl", "/"),
        ("/initiatieven/", "en", "/en/initiatieven/"),
        ("/en/initiatieven/", "nl", "/initiatieven/"),
        ("/en/initiatieven/?thema=energie&pagina=2", "nl", "/initiatieven/?thema=energie&pagina=2"),
        ("/initiatieven/?q=buurt#resultaten", "en", "/en/initiatieven/?q=buurt#resultaten"),
        ("/en/stempel/v/abc123/", "nl", "/stempel/v/abc123/"),
        ("/organisaties/gemeente-tilburg/", "en", "/en/organisaties/gemeente-tilburg/"),
        ("/en/admin/", "nl", "/admin/"),
        ("/admin/members/organisation/", "en", "/en/admin/members/organisation/"),
        # The same language: the same page.
        ("/en/initiatieven/", "en", "/en/initiatieven/"),
        ("/initiatieven/", "nl", "/initiatieven/"),
    ],
)
def test_the_switch_leads_to_the_same_page_in_the_chosen_language(
    client: Client, next_url: str, language: str, expected: str
) -> None:
    assert _switch(client, next_url, language) == expected


@pytest.mark.parametrize(
    ("next_url", "language", "expected"),
    [
        ("/en/bestaat-niet/", "nl", "/bestaat-niet/"),
        ("/bestaat-niet/", "en", "/en/bestaat-niet/"),
        ("/en/bestaat/niet?x=1", "nl", "/bestaat/niet?x=1"),
        ("/en", "nl", "/"),
    ],
)
def test_a_page_that_does_not_exist_keeps_its_path_and_changes_its_prefix(
    client: Client, next_url: str, language: str, expected: str
) -> None:
    assert _switch(client, next_url, language) == expected


def test_a_page_outside_the_language_prefixes_stays_where_it_is(client: Client) -> None:
    assert _switch(client, "/robots.txt", "en") == "/robots.txt"
    assert _switch(client, "/sitemap.xml", "nl") == "/sitemap.xml"


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "\\\\evil.example",
        "http:/evil.example",
        "javascript:alert(1)",
        "evil.example/en/",
        "",
        " /en/",
        "https://testserver/en/",  # even this host: only a path is followed
    ],
)
def test_an_address_that_is_not_a_path_on_this_site_leads_home(
    client: Client, next_url: str
) -> None:
    assert _switch(client, next_url, "en") == "/en/"
    assert _switch(client, next_url, "nl") == "/"


def test_the_choice_is_kept_in_the_language_cookie(client: Client) -> None:
    response = client.post(SWITCH, {"next": "/en/", "language": "nl"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "nl"
    response = client.post(SWITCH, {"next": "/", "language": "en"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


@pytest.mark.parametrize("language", ["de", "", "xx-yy", "en<script>"])
def test_an_unknown_language_changes_nothing(client: Client, language: str) -> None:
    response = client.post(SWITCH, {"next": "/en/initiatieven/", "language": language})
    assert response.status_code == 302
    assert response["Location"] == "/en/initiatieven/"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


@pytest.mark.parametrize("method", ["get", "head", "put"])
def test_only_a_post_switches(client: Client, method: str) -> None:
    response = getattr(client, method)(SWITCH + "?next=/en/&language=nl")
    assert response.status_code == 405
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_the_switch_needs_the_csrf_token() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(SWITCH, {"next": "/en/", "language": "nl"})
    assert response.status_code == 403


@pytest.mark.django_db
def test_a_dutch_page_stays_dutch_for_someone_whose_cookie_and_browser_say_english(
    client: Client,
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("stamp:index"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert response.status_code == 200
    assert response["Content-Language"] == "nl"
    assert b'<html lang="nl">' in response.content


@pytest.mark.django_db
def test_the_404_page_switches_both_ways(client: Client) -> None:
    response = client.get("/en/bestaat-niet/")
    assert response.status_code == 404
    assert b'<html lang="en">' in response.content
    assert b'href="/bestaat-niet/" hreflang="nl"' in response.content
    assert _switch(client, "/en/bestaat-niet/", "nl") == "/bestaat-niet/"
    response = client.get("/bestaat-niet/")
    assert b'<html lang="nl">' in response.content


def test_is_safe_path_takes_only_paths_on_this_site() -> None:
    assert is_safe_path("/en/x/?a=1")
    assert is_safe_path("/%2F/evil")  # an encoded slash stays part of one path
    assert not is_safe_path("/\t/evil.example")  # browsers drop the tab: "//evil.example"
    assert not is_safe_path("//x")
    assert not is_safe_path("x/")
    assert translate_path("/%2F/evil", "en") == "/en/%2F/evil"
