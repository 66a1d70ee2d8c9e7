"""The public shell of the site: home page in both languages, errors and headers."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_the_home_page_speaks_dutch_by_default(client: Client) -> None:
    response = client.get("/")

    assert response.status_code == 200
    assert response["Content-Language"] == "nl"
    assert '<html lang="nl">' in response.text
    assert "Breinaald" in response.text
    assert "Inloggen" in response.text


def test_the_home_page_speaks_english_under_en(client: Client) -> None:
    response = client.get("/en/")

    assert response.status_code == 200
    assert '<html lang="en">' in response.text
    assert "Log in" in response.text


def test_the_language_switch_sends_the_visitor_to_the_english_page(client: Client) -> None:
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})

    assert response.status_code == 302
    assert response["Location"] == "/en/"
    assert client.get("/en/").status_code == 200


def test_every_page_offers_the_language_switch_and_a_skip_link(client: Client) -> None:
    response = client.get("/")

    assert 'href="/en/" hreflang="en"' in response.text
    assert 'href="#main"' in response.text


def test_the_admin_login_is_served_in_both_languages(client: Client) -> None:
    assert client.get("/admin/login/").status_code in (200, 302)
    with translation.override("en"):
        url = reverse("admin:login")
    assert url.startswith("/en/")
    assert client.get(url).status_code in (200, 302)


def test_the_admin_login_goes_through_allauth(client: Client) -> None:
    """secure_admin_login sends anonymous visitors to the rate-limited allauth login."""
    response = client.get("/admin/login/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_an_unknown_page_answers_404_in_the_site_layout(client: Client) -> None:
    response = client.get("/bestaat-niet/")

    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.text
    assert 'class="site-header"' in response.text


def test_responses_carry_a_strict_content_security_policy(client: Client) -> None:
    response = client.get("/")
    policy = response["Content-Security-Policy"]

    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy


def test_responses_carry_the_usual_security_headers(client: Client) -> None:
    response = client.get("/")

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_static_files_have_hashed_names(client: Client) -> None:
    response = client.get("/")

    assert "/static/css/site." in response.text
    assert "/static/css/site.css" not in response.text


def test_robots_txt_keeps_crawlers_out_of_accounts_and_admin(client: Client) -> None:
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert "Disallow: /admin/" in response.text
