"""allauth's emails, sent through real flows with the test client: the site's one layout,
the site's name (SITE_NAME, never the host), links to SITE_URL, informal Dutch in the site's
words, and the language of the account they go to."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from allauth.account.adapter import get_adapter
from allauth.core.context import request_context
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from members.models import User
from tests.core.test_email_layout import SITE_NAME, SITE_URL, assert_in_the_layout
from tests.members.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "nog-een-lang-wachtwoord-77"


@pytest.fixture(autouse=True)
def _site(settings: Any) -> None:
    settings.SITE_NAME = SITE_NAME
    settings.SITE_URL = SITE_URL


def _only_message() -> EmailMultiAlternatives:
    assert len(mail.outbox) == 1, [message.subject for message in mail.outbox]
    message = mail.outbox[0]
    assert isinstance(message, EmailMultiAlternatives)
    return message


def _check(message: Any, *, language: str) -> tuple[str, str]:
    """The shared layout checks; returns the text and the HTML part."""
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert_in_the_layout(message.subject, message.body, html, language=language)
    assert not message.subject.startswith("[")  # no "[Breinaald]" prefix from allauth
    greeting = "Hello," if language == "en" else "Hallo,"
    assert message.body.startswith(greeting + "\n\n")
    if language == "nl":
        words = re.sub(r"\S+://\S+|\S+@\S+", "", message.body)
        assert not re.search(r"\b(u|uw)\b", words), words  # informal: "je", never "u"
    return message.body, html


def _link(text: str) -> str:
    """The one link to SITE_URL in the content (the footer's bare address aside)."""
    links = re.findall(rf"{re.escape(SITE_URL)}/\S+", text.split("\n-- \n")[0])
    assert len(links) == 1, links
    return links[0]


def _sign_up(client: Client, email: str, *, language: str = "nl") -> Any:
    with translation.override(language):
        url = reverse("account_signup")
    return client.post(
        url,
        {
            "email": email,
            "display_name": "Nina Nieuw",
            "password1": DEFAULT_PASSWORD,
            "password2": DEFAULT_PASSWORD,
        },
    )


def test_the_sign_up_email_names_the_site_and_links_to_it_in_dutch(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = _sign_up(client, "nieuw@example.org")

    assert response.status_code == 302
    message = _only_message()
    text, html = _check(message, language="nl")
    assert message.subject == f"Bevestig je e-mailadres voor {SITE_NAME}"
    assert f"Welkom bij {SITE_NAME}!" in text
    link = _link(text)
    assert urlsplit(link).path.startswith("/accounts/confirm-email/")
    assert f'<a href="{link}"' in html
    assert "Je ontvangt deze e-mail omdat dit adres is ingevuld op Stadsnaald." in text


def test_the_sign_up_email_is_english_for_who_signs_up_in_english(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _sign_up(client, "new@example.org", language="en")

    message = _only_message()
    text, _html = _check(message, language="en")
    assert User.objects.get(email="new@example.org").language == "en"
    assert message.subject == f"Confirm your email address for {SITE_NAME}"
    assert f"Welcome to {SITE_NAME}!" in text
    assert urlsplit(_link(text)).path.startswith("/en/accounts/confirm-email/")


def test_signing_up_with_a_known_address_tells_its_owner_in_their_language(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    owner = UserFactory(email="bekend@example.org", language="en")

    with django_capture_on_commit_callbacks(execute=True):
        _sign_up(client, owner.email)  # from a Dutch page

    message = _only_message()
    text, _html = _check(message, language="en")
    assert message.subject == f"You already have an account on {SITE_NAME}"
    assert "bekend@example.org" in text
    assert urlsplit(_link(text)).path == "/en/accounts/password/reset/"


def test_the_password_reset_email_follows_the_members_language(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    dutch = UserFactory(language="nl")
    english = UserFactory(language="en")

    for user in (dutch, english):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("account_reset_password"), {"email": user.email})

    by_address = {message.to[0]: message for message in mail.outbox}
    dutch_text, _html = _check(by_address[dutch.email], language="nl")
    english_text, _html = _check(by_address[english.email], language="en")
    assert by_address[dutch.email].subject == f"Kies een nieuw wachtwoord voor {SITE_NAME}"
    assert by_address[english.email].subject == f"Set a new password for {SITE_NAME}"
    assert "/accounts/password/reset/key/" in _link(dutch_text)
    assert "/accounts/password/reset/key/" in _link(english_text)


def test_a_password_reset_for_an_unknown_address_offers_to_sign_up(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "onbekend@example.org"})

    message = _only_message()
    text, _html = _check(message, language="nl")
    assert message.subject == f"Geen account op {SITE_NAME} met dit adres"
    assert urlsplit(_link(text)).path == "/accounts/signup/"


def test_changing_the_email_address_confirms_the_new_one_and_tells_the_old_one(
    client: Client, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.ACCOUNT_EMAIL_NOTIFICATIONS = True
    user = UserFactory(email="oud@example.org", language="en")
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_email"), {"email": "nieuw@example.org", "action_add": ""})

    confirmation = _only_message()
    assert confirmation.to == ["nieuw@example.org"]
    text, _html = _check(confirmation, language="en")
    assert confirmation.subject == f"Confirm your email address for {SITE_NAME}"
    link = _link(text)

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(urlsplit(link).path)

    notice = next(message for message in mail.outbox if message.to == ["oud@example.org"])
    text, _html = _check(notice, language="en")
    assert notice.subject == "Your email address has been changed"
    assert "from oud@example.org to nieuw@example.org" in text
    assert "IP address: 127.0.0.1" in text


def test_a_changed_password_is_reported_in_the_sites_words(
    client: Client, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.ACCOUNT_EMAIL_NOTIFICATIONS = True
    user = UserFactory()
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_change_password"),
            {"oldpassword": DEFAULT_PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )

    message = _only_message()
    text, _html = _check(message, language="nl")
    assert message.subject == "Je wachtwoord is gewijzigd"
    assert f"Het wachtwoord van je account op {SITE_NAME} is gewijzigd." in text
    assert "Was jij dit niet? Kies dan meteen een nieuw wachtwoord:" in text


# The emails that no flow reaches with today's settings (login by code, password reset by
# code) or that need an authenticator app to reach (the two-factor notices): sent through
# the adapter, the way allauth's flows call it.
NOTICES = [
    ("account/email/login_code", {"code": "ABC123"}, "Je inlogcode voor Stadsnaald"),
    (
        "account/email/password_reset_code",
        {"code": "ABC123"},
        "Je code voor een nieuw wachtwoord voor Stadsnaald",
    ),
    ("account/email/password_set", None, "Je account heeft een wachtwoord"),
    ("account/email/password_reset", None, "Je nieuwe wachtwoord is ingesteld"),
    ("account/email/email_confirm", None, "Je e-mailadres is bevestigd"),
    (
        "account/email/email_deleted",
        {"deleted_email": "weg@example.org"},
        "Er is een e-mailadres van je account verwijderd",
    ),
    ("mfa/email/totp_activated", None, "Inloggen in twee stappen staat aan"),
    ("mfa/email/totp_deactivated", None, "Inloggen in twee stappen staat uit"),
    (
        "mfa/email/recovery_codes_generated",
        None,
        "Nieuwe herstelcodes voor inloggen in twee stappen",
    ),
]


@pytest.mark.parametrize(("template", "context", "subject"), NOTICES)
def test_every_other_allauth_email_uses_the_layout(
    settings: Any,
    template: str,
    context: dict[str, str] | None,
    subject: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.ACCOUNT_EMAIL_NOTIFICATIONS = True
    user = UserFactory(language="nl")
    request = RequestFactory().get("/", HTTP_USER_AGENT="Firefox", HTTP_HOST="127.0.0.1:8000")
    request.user = user

    with request_context(request), django_capture_on_commit_callbacks(execute=True):
        adapter = get_adapter(request)
        if context is not None and "code" in context:
            adapter.send_mail(template, user.email, context)
        else:
            adapter.send_notification_mail(template, user, context)

    message = _only_message()
    text, html = _check(message, language="nl")
    assert message.subject == subject
    assert "127.0.0.1:8000" not in text + html
    if "mfa/" in template:
        assert "inloggen in twee stappen" in text.lower()
        assert "twee-factor" not in text.lower()


def test_the_two_factor_notice_is_english_for_an_english_member(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.ACCOUNT_EMAIL_NOTIFICATIONS = True
    user = UserFactory(language="en")
    request = RequestFactory().get("/", HTTP_USER_AGENT="Firefox")
    request.user = user

    with (
        translation.override("nl"),
        request_context(request),
        django_capture_on_commit_callbacks(execute=True),
    ):
        get_adapter(request).send_notification_mail("mfa/email/totp_deactivated", user)

    message = _only_message()
    text, _html = _check(message, language="en")
    assert message.subject == "Two-factor login is off"
    assert "you log in with your password alone" in text
