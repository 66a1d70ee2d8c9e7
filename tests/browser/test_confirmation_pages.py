"""Destructive actions ask first, on a page of their own, without JavaScript."""

from __future__ import annotations

import re

import pytest

from members.models import Membership, MembershipRole
from stamp.models import Claim, ClaimStatus
from tests.browser.conftest import assert_no_axe_violations
from tests.members.factories import MembershipFactory
from tests.stamp.factories import CharterFactory, ClaimFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 360])
def test_giving_back_the_stamp_goes_through_a_confirmation_page(page, width: int, log_in) -> None:
    CharterFactory()
    admin = MembershipFactory(role=MembershipRole.ADMIN, organisation__name="Woonstichting Noord")
    organisation = admin.organisation
    claim = ClaimFactory(organisation=organisation)
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, admin.user.email)
    manage = f"/stempel/organisatie/{organisation.slug}/"

    # The old inline button is now a link to a page that explains what happens.
    page.goto(manage)
    page.get_by_role("link", name="Stempel teruggeven").click()
    page.wait_for_url(re.compile(r"/terugtrekken/zeker-weten/$"))
    assert page.get_by_role("heading", name="Stempel teruggeven?").is_visible()
    assert page.get_by_text("draagt Woonstichting Noord het stempel niet meer").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_no_axe_violations(page)

    # Cancelling leads back and changes nothing.
    page.get_by_role("link", name="Annuleren").click()
    page.wait_for_url(re.compile(rf"{manage}$"))
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.ACTIVE

    # Confirming gives it back.
    page.get_by_role("link", name="Stempel teruggeven").click()
    page.get_by_role("button", name="Ja, stempel teruggeven").click()
    page.wait_for_url(re.compile(rf"{manage}$"))
    assert page.get_by_text("Je organisatie draagt het stempel niet meer.").is_visible()
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.WITHDRAWN


def test_removing_a_member_and_leaving_go_through_confirmation_pages(page, log_in) -> None:
    owner = MembershipFactory(role=MembershipRole.OWNER, organisation__name="Buurtteam West")
    organisation = owner.organisation
    colleague = MembershipFactory(
        organisation=organisation, role=MembershipRole.MEMBER, user__display_name="Mo Medewerker"
    )
    leaver = MembershipFactory(organisation=organisation, role=MembershipRole.ADMIN)

    log_in(page, owner.user.email)
    page.goto(f"/organisaties/{organisation.slug}/leden/")
    page.get_by_role("link", name="Verwijderen Mo Medewerker").click()
    page.wait_for_url(re.compile(r"/verwijderen/zeker-weten/\?membership=\d+$"))
    assert page.get_by_role("heading", name="Mo Medewerker verwijderen uit Buurtteam West?")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Ja, lid verwijderen").click()
    page.wait_for_url(re.compile(r"/leden/$"))
    assert not Membership.objects.filter(pk=colleague.pk).exists()

    page.context.clear_cookies()
    log_in(page, leaver.user.email)
    page.goto(organisation.get_absolute_url())
    page.get_by_role("link", name="Deze organisatie verlaten").click()
    page.wait_for_url(re.compile(r"/verlaten/zeker-weten/$"))
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Ja, organisatie verlaten").click()
    page.wait_for_url(re.compile(r"/mijn/$"))
    assert not Membership.objects.filter(pk=leaver.pk).exists()
