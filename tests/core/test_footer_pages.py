"""The footer: the privacy and accessibility statements, the editors' address, and the
"Redactie" link for those the admin lets in."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from members import roles
from members.models import User

pytestmark = pytest.mark.django_db


def _client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _footer(client: Client, url: str = "/") -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode().split('<footer class="site-footer">')[1]


@pytest.mark.parametrize(
    ("persona", "sees_admin_link"),
    [
        ("outsider", False),
        ("member", False),
        ("org_owner", False),
        ("facilitator", True),
        ("editor", True),
        ("superuser", True),
    ],
)
def test_the_redactie_link_shows_only_to_people_the_admin_lets_in(
    request: pytest.FixtureRequest, persona: str, sees_admin_link: bool
) -> None:
    user = request.getfixturevalue(persona)
    footer = _footer(_client_for(user))

    assert (f'href="{reverse("admin:index")}"' in footer) is sees_admin_link
    assert roles.may_enter_admin(user) is sees_admin_link
    # The link promises what the admin does: it lets exactly these people in.
    admin = _client_for(user).get(reverse("admin:index"))
    assert (admin.status_code != 302) is sees_admin_link


def test_an_inactive_staff_member_sees_no_redactie_link(editor: User) -> None:
    editor.is_active = False
    assert not roles.may_enter_admin(editor)


def test_every_page_links_the_statements_and_the_editors_address(
    client: Client, settings: pytest.FixtureRequest
) -> None:
    settings.EDITORS_EMAIL = "redactie@breinaald.example"
    footer = _footer(client, reverse("stamp:index"))

    assert f'href="{reverse("privacy")}"' in footer
    assert f'href="{reverse("accessibility")}"' in footer
    assert 'href="mailto:redactie@breinaald.example"' in footer


@pytest.mark.parametrize("name", ["privacy", "accessibility"])
@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_statements_render_in_both_languages_with_the_editors_address(
    client: Client, settings: pytest.FixtureRequest, name: str, language: str
) -> None:
    settings.EDITORS_EMAIL = "redactie@breinaald.example"
    with translation.override(language):
        url = reverse(name)
    assert url.startswith("/en/") is (language == "en")

    response = client.get(url)

    assert response.status_code == 200
    content = response.content.decode()
    assert f'<html lang="{language}">' in content
    main = content.split('<main id="main"')[1].split("</main>")[0]
    assert 'href="mailto:redactie@breinaald.example"' in main
    # Anonymous pages are the same for everyone: no session cookie set.
    assert "sessionid" not in response.cookies


def test_the_privacy_statement_names_what_the_site_stores(client: Client) -> None:
    with translation.override("en"):
        content = client.get(reverse("privacy")).content.decode()

    for stored in ("email address", "password", "Introductions", "session cookie", "IP address"):
        assert stored in content
    assert "at most 14 days" in content  # SESSION_COOKIE_AGE, in days


def test_the_accessibility_statement_says_its_status_date_and_what_was_tested(
    client: Client,
) -> None:
    with translation.override("en"):
        content = client.get(reverse("accessibility")).content.decode()

    assert "First measures taken." in content
    assert '<time datetime="2026-11-30">' in content
    assert "axe-core" in content
    assert "Known problems" in content


def test_a_member_is_pointed_to_the_own_profile_in_the_privacy_statement(member: User) -> None:
    content = _client_for(member).get(reverse("privacy")).content.decode()
    assert f'href="{reverse("members:profile_edit")}"' in content
