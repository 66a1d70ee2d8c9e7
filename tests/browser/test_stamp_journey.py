"""An organisation admin claims the stamp; an editor revokes it; everything says so."""

from __future__ import annotations

import json
import re

import pytest

from members.models import MembershipRole
from stamp.models import Claim
from tests.browser.conftest import assert_no_axe_violations
from tests.members.factories import MembershipFactory, UserFactory
from tests.stamp.factories import CharterFactory, ClaimFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "Gebruikte het stempel als keurmerk voor een product."


def _log_out(page) -> None:
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_load_state()
    if "/accounts/logout/" in page.url:  # allauth may ask to confirm
        page.locator('form[action*="logout"] button[type="submit"]').click()
        page.wait_for_load_state()


def _badge_text(page, code: str) -> str:
    response = page.request.get(f"/stempel/v/{code}/stempel.svg")
    assert response.ok
    assert response.headers["content-type"].startswith("image/svg+xml")
    return response.text()


def test_an_admin_claims_the_stamp_and_an_editor_revokes_it(page, log_in) -> None:
    CharterFactory(title="Uitgangspunten van het stempel")
    admin = MembershipFactory(
        role=MembershipRole.ADMIN,
        organisation__name="Woonstichting De Breinaald",
        user__display_name="Ali Beheerder",
    )
    organisation = admin.organisation
    editor = UserFactory(display_name="Eva Redactie", is_staff=True, is_superuser=True)

    # The organisation admin reads the charter and claims the stamp.
    log_in(page, admin.user.email)
    page.goto(f"/stempel/organisatie/{organisation.slug}/")
    assert page.get_by_role("heading", name="Stempel aanvragen").is_visible()
    assert_no_axe_violations(page)
    page.get_by_label("We hebben de uitgangspunten gelezen en onderschrijven ze.").check()
    page.get_by_label("Waarom we het stempel dragen").fill("Omdat we kennis willen delen.")
    page.get_by_role("button", name="Stempel aanvragen").click()
    page.wait_for_url(re.compile(rf"/stempel/organisatie/{organisation.slug}/$"))
    assert page.get_by_text("Je organisatie draagt nu het stempel.").is_visible()
    snippet = page.get_by_label("HTML-code").input_value()
    code = Claim.objects.get(organisation=organisation).code
    assert f"/stempel/v/{code}/stempel.svg" in snippet
    assert_no_axe_violations(page)

    # The wall lists the organisation; its verification page and badge say active.
    page.goto("/stempel/dragers/")
    assert page.get_by_role("link", name="Woonstichting De Breinaald", exact=True).is_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Controleer het stempel van Woonstichting De Breinaald").click()
    page.wait_for_url(re.compile(rf"/stempel/v/{code}/$"))
    assert page.locator(".stamp-status").inner_text().strip().endswith("Actief")
    assert_no_axe_violations(page)
    assert "ACTIEF" in _badge_text(page, code)
    _log_out(page)

    # An editor revokes it in the admin, with a reason.
    log_in(page, editor.email)
    page.goto("/admin/stamp/claim/")
    page.locator(
        f'input[name="_selected_action"][value="{organisation.stamp_claims.get().pk}"]'
    ).check()
    page.locator('select[name="action"]').select_option("revoke")
    page.locator('button[name="index"]').click()
    page.get_by_label("Reden").fill(REASON)
    page.locator('input[type="submit"]').click()
    page.wait_for_url(re.compile(r"/admin/stamp/claim/$"))
    assert page.get_by_text("Ingetrokken: 1.").is_visible()
    _log_out(page)

    # Everything now says revoked, with the reason on the verification page.
    page.goto(f"/stempel/v/{code}/")
    assert "Ingetrokken door de redactie" in page.locator(".stamp-status").inner_text()
    assert page.get_by_text(REASON).is_visible()
    assert_no_axe_violations(page)
    badge = _badge_text(page, code)
    assert "INGETROKKEN" in badge
    assert "ACTIEF" not in badge
    page.goto("/stempel/dragers/")
    assert page.get_by_text("Woonstichting De Breinaald").count() == 0
    assert_no_axe_violations(page)
    assertion = json.loads(page.request.get(f"/stempel/openbadges/toekenningen/{code}.json").text())
    assert assertion["revoked"] is True
    assert assertion["revocationReason"] == REASON
    page.goto("/stempel/")
    assert_no_axe_violations(page)


def test_the_stamp_pages_fit_a_small_phone(page) -> None:
    claim = ClaimFactory(
        organisation__name="Stichting Buurtkracht Tilburg-Noord en Omstreken",
        statement="Omdat we geloven in kennis delen over alle sectoren heen.",
    )
    page.set_viewport_size({"width": 360, "height": 740})

    for url in ("/stempel/", "/stempel/dragers/", claim.get_absolute_url()):
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, url
        assert_no_axe_violations(page)
