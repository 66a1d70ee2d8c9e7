"""Every email of the site's own comes in one layout: text and HTML, the site's name from
SITE_NAME, a footer that says why it came and links to the site, in the recipient's language.
(allauth's emails: tests/members/test_account_emails.py.)"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from core.emails import render_email, send_templated_email
from tests.initiatives.factories import ChallengeFactory, InitiativeFactory
from tests.matchmaking.factories import IntroductionFactory
from tests.members.factories import OrganisationFactory, UserFactory
from tests.stamp.factories import ClaimFactory

pytestmark = pytest.mark.django_db

SITE_NAME = "Stadsnaald"
SITE_URL = "https://naald.example"
TEMPLATES = Path(settings.BASE_DIR) / "templates"
OWN_EMAILS = sorted(
    str(path.relative_to(TEMPLATES)).removesuffix("_body.txt")
    for path in TEMPLATES.glob("*/email/*_body.txt")
)
# Words that give away a generic or formal email (allauth's old defaults among them).
TELL_TALES = (
    "Hello from",
    "Hallo van",
    "Thank you for using",
    "Bedankt voor het gebruiken",
    "zijn of haar",
    "twee-factor",
    "127.0.0.1:8000",  # allauth's "site" was the request's host and port
    "testserver",
)


@pytest.fixture(autouse=True)
def _site(settings: Any) -> None:
    settings.SITE_NAME = SITE_NAME
    settings.SITE_URL = SITE_URL


def assert_in_the_layout(subject: str, text: str, html: str, *, language: str) -> None:
    """One frame for every email: the checks shared with the allauth tests."""
    for part in (subject, text, html):
        for tell_tale in TELL_TALES:
            assert tell_tale.lower() not in part.lower(), (tell_tale, part)
    assert "\n" not in subject and subject.strip() == subject and subject
    # The text part: content, a signature line with the site's name and address, the reason.
    assert f"\n-- \n{SITE_NAME} · {SITE_URL}\n" in text
    reason = "You receive this email because" if language == "en" else "Je ontvangt deze e-mail"
    assert reason in text.split("\n-- \n")[1]
    assert "{%" not in text and "{{" not in text
    # The HTML part: the same layout, in the recipient's language, with a link to the site.
    assert html.startswith("<!doctype html>")
    assert f'<html lang="{language}">' in html
    assert f'<a href="{SITE_URL}"' in html
    assert html.count(SITE_NAME) >= 2  # the header and the footer
    assert 'class="email-footer"' in html and reason in html
    assert "<p>" in html  # the plain-text content turned into paragraphs


def _context() -> dict[str, Any]:
    """One context that fills every template of the site's own (objects from factories)."""
    organisation = OrganisationFactory(name="Woonstichting & Zo")
    claim = ClaimFactory(organisation=organisation)
    introduction = IntroductionFactory(receiving_organisation=organisation)
    recipient = UserFactory(display_name="Rik Ontvanger")
    return {
        "organisation": organisation,
        "claim": claim,
        "charter": claim.charter_agreed,
        "deadline": timezone.now() + timedelta(days=30),
        "site_root": SITE_URL,
        "recipient": recipient,
        "introduction": introduction,
        "contact": recipient,
        "previous": organisation,
        "event": "forwarded",
        "note": "Een notitie",
        "initiative": InitiativeFactory(),
        "challenge": ChallengeFactory(owner=organisation),
        "item": ChallengeFactory(),
        "reason": "Een reden",
        "report": SimpleNamespace(
            object_repr="Een verhaal", get_kind_display="Spam", reason="Reclame"
        ),
        "change": SimpleNamespace(
            name="Nieuwe naam",
            previous_name="Oude naam",
            website="https://nieuw.example",
            previous_website="https://oud.example",
        ),
        "approved": True,
        "inviter": recipient,
        "requester": "Rik Ontvanger",
        "message": "Mag ik erbij?",
        "role": "beheerder",
        "link": f"{SITE_URL}/uitnodiging/abc/",
        "url": f"{SITE_URL}/ergens/",
        "dashboard_url": f"{SITE_URL}/mijn/",
        "follow_url": f"{SITE_URL}/volgen/",
        "code": "123456",
        "minutes": 30,
        "days": 14,
        "count": 1,
        "challenges": [],
        "offers": [],
        "needs": [],
    }


def test_the_site_has_its_own_emails_to_check() -> None:
    assert len(OWN_EMAILS) >= 25
    assert "matchmaking/email/weekly_digest" in OWN_EMAILS


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_email_of_the_site_uses_the_one_layout(language: str) -> None:
    context = _context()
    for prefix in OWN_EMAILS:
        subject, text, html = render_email(prefix, context, language=language)
        assert_in_the_layout(subject, text, html, language=language)
        assert SITE_NAME in text + html


def test_there_is_one_html_layout_and_no_email_has_a_second() -> None:
    assert not list(TEMPLATES.glob("*/email/*_body.html"))
    assert not (TEMPLATES / "matchmaking/email/base.html").exists()


def test_the_text_part_is_not_escaped_and_the_html_part_is(
    django_capture_on_commit_callbacks: Any,
) -> None:
    context = _context()
    with django_capture_on_commit_callbacks(execute=True):
        send_templated_email(
            template_prefix="members/email/organisation_suspended",
            to=["beheer@example.org"],
            context={**context, "reason": "Zie <a href=x>hier</a> & daar"},
            language="nl",
        )

    (message,) = mail.outbox
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert message.subject == "Woonstichting & Zo is geschorst"  # no &amp; in a subject
    assert "Zie <a href=x>hier</a> & daar" in message.body
    assert "Zie &lt;a href=x&gt;hier&lt;/a&gt; &amp; daar" in html
    assert "Woonstichting &amp; Zo" in html
    assert message.body.startswith("Hallo,\n\n")
    assert_in_the_layout(message.subject, message.body, html, language="nl")


def test_links_in_the_text_become_links_in_the_html() -> None:
    _subject, text, html = render_email(
        "members/email/organisation_verified", _context(), language="nl"
    )
    assert f"{SITE_URL}/ergens/" in text
    assert f'<a href="{SITE_URL}/ergens/"' in html


def test_the_footer_says_why_the_email_came() -> None:
    context = _context()
    _s, admin_text, _h = render_email("stamp/email/revoked", context, language="en")
    _s, editor_text, _h = render_email("curation/email/report_new", context, language="en")
    _s, digest_text, _h = render_email("matchmaking/email/weekly_digest", context, language="en")
    assert (
        f"You receive this email because you administer Woonstichting & Zo on {SITE_NAME}."
        in admin_text
    )
    assert f"because you are an editor of {SITE_NAME}." in editor_text
    assert f"because you follow themes or regions on {SITE_NAME}." in digest_text
