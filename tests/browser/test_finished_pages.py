"""Issue #12's finished pages as a visitor meets them in a browser: a list says how many it
found and clears its filters, the lead organisation is a link, figures read the Dutch way,
the verification page leads to its Open Badges JSON, and every page answers HEAD."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from stamp import openbadges
from stamp.models import Charter
from tests.browser.conftest import assert_no_axe_violations
from tests.initiatives.factories import ImpactFigureFactory, InitiativeFactory
from tests.members.factories import OrganisationFactory, ThemeFactory
from tests.stamp.factories import CharterFactory, ClaimFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def charter() -> Charter:
    return CharterFactory(version=1)


def test_a_filtered_list_counts_clears_and_links_the_lead(page: Any) -> None:
    theme = ThemeFactory(name="wonen", slug="wonen")
    lead = OrganisationFactory(name="Woonkracht Zuid")
    InitiativeFactory(title="Samen wonen in de wijk", themes=[theme], lead=lead)
    InitiativeFactory(title="Buurtmoestuin")

    page.goto("/initiatieven/?thema=wonen")
    assert page.locator(".result-count").inner_text() == "1 initiatief · Filters wissen"
    assert page.get_by_role("heading", name="Buurtmoestuin").count() == 0
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Filters wissen").click()
    page.wait_for_url("**/initiatieven/")
    assert page.locator(".result-count").inner_text() == "2 initiatieven"

    page.get_by_role("link", name="Woonkracht Zuid").first.click()
    page.wait_for_url(f"**/organisaties/{lead.slug}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Woonkracht Zuid"


def test_figures_read_the_way_each_language_writes_them(page: Any) -> None:
    initiative = InitiativeFactory()
    ImpactFigureFactory(initiative=initiative, number=Decimal("1350.00"), unit="ton")
    ImpactFigureFactory(initiative=initiative, number=Decimal("25000.00"), unit="EUR")

    page.goto(f"/initiatieven/{initiative.slug}/")
    text = page.locator("main").inner_text()
    assert "1.350 ton" in text
    assert "€ 25.000" in text

    page.goto(f"/en/initiatieven/{initiative.slug}/")
    text = page.locator("main").inner_text()
    assert "1,350 ton" in text
    assert "€25,000" in text


def test_the_verification_page_leads_to_its_open_badges_json(page: Any, charter: Charter) -> None:
    claim = ClaimFactory()
    assertion_url = openbadges.stable_url("stamp:ob_assertion", code=claim.code)

    page.goto(claim.get_absolute_url())
    alternate = page.locator('head link[rel="alternate"][type="application/ld+json"]')
    assert alternate.get_attribute("href") == assertion_url
    visible = page.locator(f'main a[href="{assertion_url}"]')
    assert visible.is_visible()

    # A badge checker asks the page itself for JSON-LD and gets the assertion.
    answer = page.request.get(claim.get_absolute_url(), headers={"Accept": "application/ld+json"})
    assert answer.status == 200
    assertion = json.loads(answer.text())
    assert assertion["type"] == "Assertion"
    assert assertion["id"] == assertion_url


def test_pages_answer_head_like_get(page: Any, charter: Charter) -> None:
    initiative = InitiativeFactory()
    claim = ClaimFactory()
    for path in (
        "/",
        "/initiatieven/",
        f"/initiatieven/{initiative.slug}/",
        "/organisaties/",
        claim.get_absolute_url(),
        "/en/stempel/",
    ):
        head = page.request.head(path)
        get = page.request.get(path)
        assert head.status == get.status == 200, path
        assert head.body() == b"", path
