"""The browse journey: home, filtered initiatives, a Dutch search with a typo, an initiative, its story."""

import re

import pytest

from initiatives import demo
from tests.browser.conftest import assert_no_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_browses_searches_and_reads_a_story(page) -> None:
    demo.seed()

    page.goto("/")
    assert page.get_by_role("heading", name="Open vraagstukken").is_visible()
    assert_no_axe_violations(page)

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Initiatieven"
    ).click()
    page.get_by_label("Thema", exact=True).select_option("energietransitie")
    page.get_by_label("Regio", exact=True).select_option("midden-brabant")
    page.get_by_role("button", name="Filteren").click()
    page.wait_for_url(re.compile(r"thema=energietransitie.*regio=midden-brabant"))
    assert page.get_by_role("link", name="Green Deal Nul op de Meter Midden-Brabant").is_visible()
    assert page.get_by_role("link", name="Werkplaats Overvecht").count() == 0
    assert_no_axe_violations(page)

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Zoeken").click()
    page.get_by_label("Zoek in initiatieven, vraagstukken, verhalen en organisaties").fill(
        "jeugdwerkloosheit"
    )
    page.get_by_role("main").get_by_role("button", name="Zoeken").click()
    results = page.locator(".search-results")
    assert results.get_by_role("link", name="Jeugdwerkloosheid in Overvecht halveren").is_visible()
    assert results.locator("mark").first.is_visible()
    assert_no_axe_violations(page)

    results.get_by_role(
        "link", name="Transport zoekt talent: vervoerders tegen jeugdwerkloosheid"
    ).click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Transport zoekt talent")
    assert page.get_by_text("jongeren aan het werk").is_visible()
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Van thuiszitter tot vrachtwagenchauffeur").click()
    assert page.get_by_role("heading", name="Wat werkte").is_visible()
    assert_no_axe_violations(page)
