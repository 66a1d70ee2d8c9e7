"""allauth's pages, restyled through templates/allauth/: the site's layout, in Dutch and English."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client
from django.urls import reverse
from django.utils import translation

from members.models import User
from tests.members.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LANGUAGES = ["nl", "en"]


@pytest.fixture(autouse=True)
def _dutch_urls() -> None:
    """A request under /en/ leaves English active in this thread; reverse() in Dutch again."""
    translation.activate("nl")


def localised(name: str, language: str, *args: str) -> str:
    with translation.override(language):
        return reverse(name, args=args)


def log_in(client: Client, user: User) -> None:
    """Log in through allauth's form, so that allauth records a fresh authentication."""
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302, response.text


def reauthenticate(client: Client) -> None:
    """Two-factor settings ask for the password again, even right after logging in."""
    response = client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
    assert response.status_code == 302, response.text


def assert_site_layout(html: str, language: str) -> None:
    assert f'<html lang="{language}">' in html
    assert 'class="site-header"' in html
    assert 'class="site-footer"' in html
    assert 'class="auth-block' in html
    assert '<meta name="robots" content="noindex">' in html
    # Strict CSP: no style attributes or style elements, and no inline script that runs
    # (allauth's JSON data blocks are not executed).
    assert "style=" not in html
    assert "<style" not in html
    for script in re.findall(r"<script\b[^>]*>", html):
        assert " src=" in script or 'type="application/json"' in script, script


# Pages a visitor sees without logging in: (url name, Dutch text, English text).
ANONYMOUS_PAGES = [
    ("account_login", "Heb je nog geen account?", "If you have not created an account yet"),
    ("account_signup", "Heb je al een account?", "Already have an account?"),
    ("account_reset_password", "Nieuw wachtwoord", "Password Reset"),
    ("account_reset_password_done", "Nieuw wachtwoord", "Password Reset"),
    (
        "account_reset_password_from_key_done",
        "Je wachtwoord is gewijzigd.",
        "Your password is now changed.",
    ),
    ("account_email_verification_sent", "Verifieer je e-mailadres", "Verify Your Email Address"),
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("name", "dutch", "english"), ANONYMOUS_PAGES)
def test_the_entrance_pages_render_in_the_site_layout(
    client: Client, name: str, dutch: str, english: str, language: str
) -> None:
    response = client.get(localised(name, language))

    assert response.status_code == 200
    assert_site_layout(response.text, language)
    assert (dutch if language == "nl" else english) in response.text


def test_the_login_page_says_inloggen_not_aanmelden(client: Client) -> None:
    """allauth's Dutch says "aanmelden" for logging in; the site uses it for signing up."""
    response = client.get(reverse("account_login"))

    assert re.search(r"<title>\s*Inloggen\s*· Breinaald</title>", response.text)
    assert re.search(r'<h1 class="auth-block">\s*Inloggen\s*</h1>', response.text)
    assert re.search(r'class="auth-block button">\s*Inloggen\s*</button>', response.text)
    main = response.text.split("<main")[1]
    assert not re.search(r">\s*Aanmelden\s*</(h1|button)>", main)


def test_the_login_form_has_visible_labels_and_keeps_autocomplete(client: Client) -> None:
    html = client.get(reverse("account_login")).text

    assert '<label for="id_login">E-mailadres</label>' in html
    assert '<label for="id_password">Wachtwoord</label>' in html
    assert re.search(r'<input type="email" name="login"[^>]*autocomplete="email"', html)
    assert re.search(
        r'<input type="password" name="password"[^>]*autocomplete="current-password"', html
    )
    # The reset link is the password's help text, tied to the input.
    assert 'aria-describedby="id_password_helptext"' in html
    assert 'id="id_password_helptext"' in html
    assert f'href="{reverse("account_reset_password")}">Wachtwoord vergeten?</a>' in html
    assert 'class="auth-block button"' in html


def test_a_wrong_password_is_reported_once_above_the_form(client: Client) -> None:
    user = UserFactory()

    response = client.post(
        reverse("account_login"), {"login": user.email, "password": "niet-het-wachtwoord"}
    )

    assert response.status_code == 200
    assert '<div class="form-errors" role="alert"><ul class="errorlist nonfield">' in response.text
    assert response.text.count('class="errorlist nonfield"') == 1
    assert f'value="{user.email}"' in response.text


def test_signup_errors_are_tied_to_their_fields(client: Client) -> None:
    response = client.post(reverse("account_signup"), {"email": "geen-adres", "display_name": ""})

    assert response.status_code == 200
    html = response.text
    assert '<ul class="errorlist" id="id_email_error">' in html
    assert re.search(r'<input[^>]*name="email"[^>]*aria-invalid="true"', html)
    assert re.search(r'<input[^>]*name="email"[^>]*aria-describedby="id_email_error"', html)
    # The password rules are the first password's help text.
    assert 'id="id_password1_helptext"' in html
    assert re.search(r'autocomplete="new-password"', html)
    assert not EmailAddress.objects.filter(email="geen-adres").exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_password_reset_link_opens_the_new_password_form(client: Client, language: str) -> None:
    user = UserFactory()
    key = default_token_generator.make_token(user)
    url = localised("account_reset_password_from_key", language, user_pk_to_url_str(user), key)

    # allauth moves the key into the session and redirects to a URL without it.
    response = client.get(url, follow=True)

    assert response.status_code == 200
    assert_site_layout(response.text, language)
    assert 'name="password1"' in response.text
    assert ("Wachtwoord wijzigen" if language == "nl" else "Change Password") in response.text


def test_a_spent_password_reset_link_says_so(client: Client) -> None:
    user = UserFactory()

    response = client.get(
        reverse("account_reset_password_from_key", args=[user_pk_to_url_str(user), "ongeldig"])
    )

    assert response.status_code == 200
    assert "Ongeldige sleutel" in response.text
    assert f'href="{reverse("account_reset_password")}"' in response.text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_email_confirmation_page_asks_to_confirm(client: Client, language: str) -> None:
    user = UserFactory(verified_email=False)
    address = EmailAddress.objects.create(user=user, email=user.email, primary=True)
    key = EmailConfirmationHMAC(address).key

    response = client.get(localised("account_confirm_email", language, key))

    assert response.status_code == 200
    assert_site_layout(response.text, language)
    assert (
        "Bevestig e-mailadres" if language == "nl" else "Confirm Email Address"
    ) in response.text
    assert 'type="submit"' in response.text


# Pages of a logged-in member: (url name, what the member needs, Dutch text, English text).
MEMBER_PAGES = [
    (
        "account_logout",
        "",
        "Weet je zeker dat je wilt uitloggen?",
        "Are you sure you want to sign out?",
    ),
    ("account_email", "", "E-mailadres", "Email Address"),
    ("account_change_password", "", "Wachtwoord wijzigen", "Change Password"),
    ("account_reauthenticate", "", "Toegang bevestigen", "Confirm Access"),
    ("mfa_index", "", "Inloggen in twee stappen", "Two-Factor Authentication"),
    ("mfa_activate_totp", "", "Activeer authenticator-app", "Activate Authenticator App"),
    ("mfa_deactivate_totp", "totp", "Deactiveer authenticator-app", "Deactivate Authenticator App"),
    ("mfa_reauthenticate", "totp", "Toegang bevestigen", "Confirm Access"),
    ("mfa_view_recovery_codes", "totp", "Herstelcodes", "Recovery Codes"),
    ("mfa_generate_recovery_codes", "totp", "Herstelcodes", "Recovery Codes"),
]


def with_totp(user: User) -> None:
    TOTP.activate(user, generate_totp_secret())
    RecoveryCodes.activate(user)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("name", "needs", "dutch", "english"), MEMBER_PAGES)
def test_the_account_pages_render_in_the_site_layout(
    client: Client, name: str, needs: str, dutch: str, english: str, language: str
) -> None:
    user = UserFactory()
    log_in(client, user)
    reauthenticate(client)
    if needs == "totp":
        with_totp(user)

    response = client.get(localised(name, language))

    assert response.status_code == 200, response.get("Location")
    assert_site_layout(response.text, language)
    assert (dutch if language == "nl" else english) in response.text


@pytest.mark.parametrize(
    ("name", "current"),
    [
        ("account_email", "E-mailadressen"),
        ("account_change_password", "Wachtwoord"),
        ("mfa_index", "Inloggen in twee stappen"),
    ],
)
def test_the_account_pages_share_a_side_navigation(client: Client, name: str, current: str) -> None:
    log_in(client, UserFactory())

    html = client.get(reverse(name)).text

    nav = re.search(r'<nav class="auth-block account-nav".*?</nav>', html, re.DOTALL)[0]
    assert 'aria-label="Accountinstellingen"' in nav
    assert f'aria-current="page">{current}</a>' in nav
    assert nav.count("aria-current") == 1
    for url_name in ("account_email", "account_change_password", "mfa_index", "members:dashboard"):
        assert f'href="{reverse(url_name)}"' in nav


def test_the_entrance_pages_have_no_account_navigation(client: Client) -> None:
    assert "account-nav" not in client.get(reverse("account_login")).text


def test_the_totp_page_shows_the_qr_code_as_a_data_image(client: Client) -> None:
    log_in(client, UserFactory())
    reauthenticate(client)

    html = client.get(reverse("mfa_activate_totp")).text

    assert re.search(
        r'<img class="auth-block auth-img auth-qr" src="data:image/svg\+xml;base64,', html
    )
    # The secret is shown read-only (selectable), with its help text tied to it.
    assert re.search(
        r'<input type="text" id="authenticator_secret" value="[A-Z2-7]+" readonly', html
    )
    assert 'aria-describedby="authenticator_secret_helptext"' in html
    assert re.search(r'<input[^>]*name="code"[^>]*autocomplete="one-time-code"', html)


def test_the_mfa_login_step_renders_after_the_password(client: Client) -> None:
    user = UserFactory()
    with_totp(user)

    response = client.post(
        reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("mfa_authenticate")
    assert_site_layout(response.text, "nl")
    assert "Vul de code uit je authenticator-app in" in response.text
    assert 'name="code"' in response.text


def test_a_flash_message_shows_once(client: Client) -> None:
    user = UserFactory()
    log_in(client, user)

    response = client.post(
        reverse("account_email"), {"action_send": "", "email": user.email}, follow=True
    )

    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert f"Bevestigings e-mail verzonden aan {user.email}." in messages
    for message in messages:
        assert response.text.count(message) == 1


@pytest.mark.parametrize(
    "get_url",
    [lambda: reverse("account_email"), lambda: reverse("mfa_index")],
)
def test_the_account_pages_need_a_login(client: Client, get_url: Callable[[], str]) -> None:
    response = client.get(get_url())

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
