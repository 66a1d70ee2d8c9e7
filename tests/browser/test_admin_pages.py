"""The admin pages of the curation journey, as an editor sees them at 1280 pixels: in the
house style, without axe-core violations and without a horizontal scroll bar, in Dutch and
in English. The claim's own page revokes the stamp through its "revoke" button."""

from __future__ import annotations

import re
from typing import Any

import pytest

from core.models import AuditEntry
from curation import services as curation_services
from curation.models import Feature
from initiatives.models import PublicationStatus
from members.models import MembershipRole, User
from members.roles import EDITORS_GROUP
from stamp import services as stamp_services
from stamp.models import Claim, ClaimStatus
from tests.browser.conftest import assert_no_axe_violations
from tests.initiatives.factories import InitiativeFactory, PartnerFactory, StoryFactory
from tests.members.factories import MembershipFactory, UserFactory
from tests.stamp.factories import ClaimFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 1280


def _editor() -> User:
    from django.contrib.auth.models import Group

    editor = UserFactory(display_name="Eva Redactie", is_staff=True)
    editor.groups.add(Group.objects.get(name=EDITORS_GROUP))
    return editor


def _curated_content(editor: User) -> dict[str, Any]:
    """One of everything the curation journey touches, with audit entries of each kind."""
    published = InitiativeFactory(title="Buurtwarmte Noord", slug="buurtwarmte-noord")
    PartnerFactory(initiative=published)
    submitted = InitiativeFactory(
        title="Repair Café Oost",
        slug="repair-cafe-oost",
        publication_status=PublicationStatus.SUBMITTED,
        published_at=None,
    )
    story = StoryFactory(initiative=published, title="Zo kwam het warmtenet er")
    curation_services.feature_save(feature=Feature(initiative=published, position=1), by=editor)
    curation_services.feature_save(feature=Feature(story=story, position=2), by=editor)
    curation_services.report_create(target=published, by=UserFactory(), reason="Reclame.")
    claim = ClaimFactory(organisation__name="Woonstichting De Breinaald")
    revoked = ClaimFactory(organisation__name="Energie Samen")
    stamp_services.stamp_revoke(claim=revoked, by=editor, reason="Gebruikte het als keurmerk.")
    organisation = MembershipFactory(role=MembershipRole.OWNER).organisation
    return {
        "initiative": published,
        "submitted": submitted,
        "claim": claim,
        "organisation": organisation,
    }


def _assert_fits(page: Any, *, table_too: bool = False) -> None:
    """No horizontal scroll bar on the page; with ``table_too``, none inside the change list's
    table (Django lets a wide table scroll on its own) or an inline's either."""
    page_width, viewport = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert page_width <= viewport, f"{page.url} is {page_width}px wide at {viewport}px"
    if not table_too:
        return
    overflowing = page.evaluate(
        "Array.from(document.querySelectorAll('#changelist .results, .inline-group .wrapper'))"
        ".filter(box => box.scrollWidth > box.clientWidth + 1)"
        ".map(box => box.className + ': ' + box.scrollWidth + ' > ' + box.clientWidth)"
    )
    assert not overflowing, f"{page.url} scrolls sideways inside: {overflowing}"


@pytest.mark.parametrize("prefix", ["", "/en"], ids=["nl", "en"])
def test_every_admin_page_of_the_curation_journey_is_accessible_and_fits(
    page: Any, prefix: str, log_in: Any
) -> None:
    editor = _editor()
    content = _curated_content(editor)
    page.set_viewport_size({"width": WIDTH, "height": 900})
    log_in(page, editor.email)

    initiative, claim = content["initiative"], content["claim"]
    feature = Feature.objects.get(initiative=initiative)
    paths = [
        "/admin/",
        "/admin/curation/moderation/",
        f"/admin/curation/moderation/initiative/{content['submitted'].pk}/afwijzen/",
        "/admin/curation/report/",
        "/admin/curation/feature/",
        "/admin/curation/feature/add/",
        f"/admin/curation/feature/{feature.pk}/change/",
        "/admin/initiatives/initiative/",
        f"/admin/initiatives/initiative/{initiative.pk}/change/",
        "/admin/members/organisation/",
        f"/admin/members/organisation/{content['organisation'].pk}/change/",
        "/admin/stamp/claim/",
        f"/admin/stamp/claim/{claim.pk}/change/",
        f"/admin/stamp/claim/{claim.pk}/revoke/",
        "/admin/core/auditentry/",
    ]
    for path in paths:
        response = page.goto(prefix + path)
        assert response.status == 200, path
        assert page.locator("html").get_attribute("lang") == ("en" if prefix else "nl")
        # The house style: the stamp in the header, the site's accent on the header.
        assert page.locator("#site-name img[src$='stamp.svg']").is_visible()
        assert (
            page.evaluate("getComputedStyle(document.getElementById('header')).backgroundColor")
            == "rgb(127, 47, 28)"
        )
        # The audit log is read on a laptop: all its columns in view.
        _assert_fits(page, table_too=path == "/admin/core/auditentry/")
        assert_no_axe_violations(page)

    # The reason form of a list action (hide the reported item) too.
    page.goto(prefix + "/admin/curation/report/")
    page.locator("tr", has_text=initiative.title).locator("input.action-select").check()
    page.select_option('select[name="action"]', "hide_items")
    page.locator('button[name="index"]').click()
    page.wait_for_load_state()
    assert page.locator('textarea[name="reason"]').is_visible()
    _assert_fits(page)
    assert_no_axe_violations(page)


def test_the_audit_log_reads_in_words_and_filters_on_curated_kinds(page: Any, log_in: Any) -> None:
    editor = _editor()
    _curated_content(editor)
    page.set_viewport_size({"width": WIDTH, "height": 900})
    log_in(page, editor.email)

    page.goto("/admin/core/auditentry/")
    revoked = page.locator("#result_list tr", has_text="Energie Samen")
    assert "Stamp revoked" in revoked.inner_text() or "Stempel ingetrokken" in (
        revoked.inner_text()
    )
    assert "stamp.revoke" not in page.locator("#result_list").inner_text()
    kinds = page.locator('#changelist-filter details[data-filter-title] a[href*="kind="]')
    offered = {
        re.search(r"kind=([\w.]+)", href).group(1)
        for href in kinds.evaluate_all("links => links.map(link => link.getAttribute('href'))")
    }
    assert "stamp.claim" in offered
    assert "sessions.session" not in offered
    assert "core.workerheartbeat" not in offered
    page.goto("/admin/core/auditentry/?kind=stamp.claim")
    assert (
        page.locator("#result_list tbody tr").count()
        == AuditEntry.objects.filter(action__startswith="stamp.").count()
    )


def test_an_editor_revokes_a_stamp_from_the_claims_own_page(page: Any, log_in: Any) -> None:
    editor = _editor()
    claim: Claim = ClaimFactory(organisation__name="Woonstichting De Breinaald")
    log_in(page, editor.email)

    page.goto(f"/en/admin/stamp/claim/{claim.pk}/change/")
    page.get_by_role("link", name="Revoke the stamp").click()
    page.wait_for_url(re.compile(rf"/admin/stamp/claim/{claim.pk}/revoke/$"))
    # Without a reason nothing happens.
    page.locator('.submit-row input[type="submit"]').click()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.ACTIVE
    page.get_by_label("Reason").fill("Gebruikte het stempel als keurmerk.")
    page.locator('.submit-row input[type="submit"]').click()
    page.wait_for_url(re.compile(rf"/admin/stamp/claim/{claim.pk}/change/$"))
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REVOKED
    assert claim.status_reason == "Gebruikte het stempel als keurmerk."
    assert AuditEntry.objects.filter(action="stamp.revoke", actor=editor).exists()
    # A revoked claim has nothing left to revoke.
    assert page.get_by_role("link", name="Revoke the stamp").count() == 0
