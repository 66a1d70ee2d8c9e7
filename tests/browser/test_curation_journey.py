"""Curate: a member submits an initiative, an editor publishes and features it, a member
reports it, and the editor hides it. axe-core runs on every public page (not the admin)."""

from __future__ import annotations

import re
from importlib import import_module

import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from curation.models import Report
from initiatives.models import Initiative, PublicationStatus
from members.models import MembershipRole
from tests.browser.conftest import assert_no_axe_violations
from tests.members.factories import MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Buurtwarmte Noord"
REASON = "Dit is reclame voor een installatiebedrijf, geen initiatief."


def _editors_group() -> Group:
    """The group from the data migration; a transactional test before this one flushed it."""
    migration = import_module("curation.migrations.0002_editor_and_facilitator_groups")
    migration.create_groups(apps, None)
    return Group.objects.get(name=migration.EDITORS)


def test_an_editor_publishes_features_and_hides_a_reported_initiative(page, log_in) -> None:
    author = MembershipFactory(
        role=MembershipRole.ADMIN,
        organisation__name="Energiecoöperatie Noord",
        user__display_name="Ali Beheerder",
    ).user
    editor = UserFactory(display_name="Eva Redactie", is_staff=True)
    editor.groups.add(_editors_group())
    visitor = UserFactory(display_name="Mila Lid")

    # A member writes the initiative and submits it.
    log_in(page, author.email)
    page.goto("/initiatieven/nieuw/")
    assert_no_axe_violations(page)
    page.fill('input[name="title"]', TITLE)
    page.fill('input[name="tagline"]', "Samen de wijk van het gas af.")
    page.fill('textarea[name="description"]', "Bewoners en de coöperatie leggen een warmtenet aan.")
    page.locator("form.item-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/initiatieven/buurtwarmte-noord/$"))
    page.get_by_role("button", name="Indienen voor publicatie").click()
    page.wait_for_load_state()
    assert Initiative.objects.get(title=TITLE).publication_status == PublicationStatus.SUBMITTED
    log_in(page, None)

    # The editor approves it in the moderation queue.
    log_in(page, editor.email)
    page.goto("/admin/")
    page.get_by_role("link", name=re.compile("Moderatie", re.IGNORECASE)).first.click()
    page.wait_for_url(re.compile(r"/admin/curation/moderation/$"))
    row = page.locator("tr", has_text=TITLE)
    row.get_by_role("button", name="Publiceren").click()
    page.wait_for_load_state()
    assert page.locator("tr", has_text=TITLE).count() == 0

    # It is public now.
    log_in(page, None)
    page.goto("/initiatieven/buurtwarmte-noord/")
    assert page.get_by_role("heading", level=1, name=TITLE).is_visible()
    assert_no_axe_violations(page)

    # The editor features it; it shows on the home page.
    log_in(page, editor.email)
    page.goto("/admin/curation/feature/add/")
    page.locator("#id_initiative + .select2").click()
    page.locator(".select2-search__field").fill("Buurtwarmte")
    page.locator(".select2-results__option", has_text=TITLE).click()
    page.fill('input[name="position"]', "1")
    page.locator('input[name="_save"]').click()
    page.wait_for_url(re.compile(r"/admin/curation/feature/$"))
    log_in(page, None)
    page.goto("/")
    featured = page.locator("section", has=page.get_by_role("heading", name="Uitgelicht"))
    assert featured.get_by_role("link", name=TITLE).is_visible()
    assert_no_axe_violations(page)

    # A member reports it.
    log_in(page, visitor.email)
    page.goto("/initiatieven/buurtwarmte-noord/")
    page.get_by_role("link", name="Meld dit bij de redactie").click()
    page.wait_for_url(re.compile(r"/melden/initiatief/buurtwarmte-noord/$"))
    assert_no_axe_violations(page)
    page.get_by_label("Wat klopt er niet?").fill(REASON)
    page.get_by_role("button", name="Melding versturen").click()
    page.wait_for_url(re.compile(r"/initiatieven/buurtwarmte-noord/$"))
    assert page.get_by_text("Dank je. De redactie bekijkt je melding.").is_visible()
    assert_no_axe_violations(page)
    assert Report.objects.get().reason == REASON
    log_in(page, None)

    # The editor hides it from the report queue.
    log_in(page, editor.email)
    page.goto("/admin/curation/report/")
    page.locator("tr", has_text=TITLE).locator("input.action-select").check()
    page.select_option('select[name="action"]', "hide_items")
    page.locator('button[name="index"]').click()
    page.wait_for_load_state()
    # The editor writes the reason the organisation reads (not the reporter's words).
    page.locator('textarea[name="reason"]').fill("Reclame voor een product, geen initiatief.")
    page.locator('.submit-row input[type="submit"]').click()
    page.wait_for_load_state()
    assert page.locator("tr", has_text=TITLE).count() == 0
    log_in(page, None)

    # Gone from the public site: no page, not on the home page.
    response = page.goto("/initiatieven/buurtwarmte-noord/")
    assert response.status == 404
    page.goto("/")
    assert page.get_by_role("link", name=TITLE).count() == 0
    assert_no_axe_violations(page)
