"""Journey 2 (first half): sign up, verify, register an organisation, invite a colleague."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from members.models import Membership, MembershipRole, Organisation
from tests.browser.conftest import assert_no_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "een-sterk-wachtwoord-voor-de-test"


def link_in_last_email(to: str) -> str:
    message = next(m for m in reversed(mail.outbox) if to in m.to)
    return re.search(r"https?://\S+", message.body).group(0)  # type: ignore[union-attr]


def sign_up(page, email: str, name: str) -> None:
    page.get_by_label("Je naam").fill(name)
    email_field = page.get_by_label("E-mail", exact=False).first
    if email_field.get_attribute("readonly") is None:
        email_field.fill(email)
    else:  # through an invitation: the invited address is filled in and fixed
        assert email_field.input_value() == email
    page.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_label("Wachtwoord (bevestigen)").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()


def test_a_person_signs_up_registers_an_organisation_and_invites_a_colleague(
    page, live_server, settings, browser
) -> None:
    settings.SITE_URL = live_server.url

    # Sign up and verify the email address from the mailbox.
    page.goto("/accounts/signup/")
    sign_up(page, "anne@example.org", "Anne de Wit")
    page.wait_for_url(re.compile("/accounts/confirm-email/"))
    page.goto(link_in_last_email("anne@example.org"))
    page.get_by_role("button", name="Bevestigen").click()

    # Register the organisation.
    page.goto("/organisaties/nieuw/")
    assert_no_axe_violations(page)
    page.get_by_label("Naam").fill("Buurtkracht Reeshof")
    page.get_by_label("Soort").select_option("neighbourhood_initiative")
    page.get_by_label("KvK-nummer").fill("12345678")
    page.get_by_role("button", name="Registreren").click()
    page.wait_for_url(re.compile("/organisaties/buurtkracht-reeshof/"))
    assert page.get_by_role("heading", name="Buurtkracht Reeshof").is_visible()
    assert page.get_by_text("Nog niet geverifieerd").first.is_visible()
    assert_no_axe_violations(page)

    # Invite a colleague.
    page.get_by_role("link", name="Leden en uitnodigingen").click()
    assert_no_axe_violations(page)
    page.get_by_label("E-mailadres").fill("bram@example.org")
    page.get_by_role("button", name="Uitnodiging versturen").click()
    assert page.get_by_text("Er is een uitnodiging gestuurd naar bram@example.org").is_visible()
    invitation_link = link_in_last_email("bram@example.org")

    # The colleague has no account: signs up through the invitation and lands in it.
    colleague = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="nl-NL")
    other = colleague.new_page()
    other.goto(invitation_link)
    assert other.get_by_role("heading", name=re.compile("Buurtkracht Reeshof")).is_visible()
    assert_no_axe_violations(other)
    other.get_by_role("link", name="Account aanmaken").click()
    sign_up(other, "bram@example.org", "Bram Peters")
    # The link proved the address: no confirmation mail, straight to the invitation, which
    # asks whether the membership may show in public (off unless ticked).
    assert_no_axe_violations(other)
    other.get_by_role("button", name="Uitnodiging accepteren").click()
    other.wait_for_url(re.compile("/organisaties/buurtkracht-reeshof/"))
    assert other.get_by_text("Welkom bij Buurtkracht Reeshof!").is_visible()
    colleague.close()

    organisation = Organisation.objects.get(slug="buurtkracht-reeshof")
    membership = Membership.objects.get(organisation=organisation, user__email="bram@example.org")
    assert membership.role == MembershipRole.MEMBER
    assert not membership.is_public
