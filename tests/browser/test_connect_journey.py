"""Journey 4, connect: a municipality posts a challenge that needs a housing corporation;
its suggestions show the corporation first with the reasons; the municipality asks for an
introduction; a facilitator forwards it; the corporation accepts; both see each other's
contact details and got the emails (sent by the real task worker)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core import mail

from initiatives import services as initiative_services
from members.models import MembershipRole
from tests.browser.conftest import assert_no_axe_violations
from tests.matchmaking.factories import OfferNeedFactory
from tests.members.factories import (
    MembershipFactory,
    OrganisationFactory,
    RegionFactory,
    ThemeFactory,
    UserFactory,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("_plain_static_names"),
]


@pytest.fixture
def world() -> dict[str, Any]:
    brabant = RegionFactory(name="Midden-Brabant", slug="midden-brabant")
    housing = ThemeFactory(name="wonen", slug="wonen", name_en="housing")
    municipality = OrganisationFactory(
        name="Gemeente Tilburg", slug="gemeente-tilburg", kind="municipality", region=brabant
    )
    marieke = MembershipFactory(
        organisation=municipality,
        role=MembershipRole.OWNER,
        user__display_name="Marieke van Dongen",
        user__email="marieke@gemeente.example",
    ).user
    corporation = OrganisationFactory(
        name="Woonstichting Hart van Brabant", kind="housing_corporation", region=brabant
    )
    corporation.themes.set([housing])
    fatima = MembershipFactory(
        organisation=corporation,
        role=MembershipRole.OWNER,
        user__display_name="Fatima El Amrani",
        user__email="fatima@woonstichting.example",
    ).user
    OfferNeedFactory(organisation=corporation, kind="space", title="Leegstaande woningen")
    other = OrganisationFactory(name="Adviesbureau Noord", kind="corporate", region=brabant)
    OfferNeedFactory(organisation=other, kind="expertise")
    facilitator = UserFactory(
        display_name="Vera Verbinder", email="vera@breinaald.example", is_staff=True
    )
    facilitator.user_permissions.add(
        Permission.objects.get(codename="facilitate", content_type__app_label="matchmaking")
    )
    # The municipality writes the challenge and submits it; an editor publishes it.
    challenge = initiative_services.challenge_create(
        by=marieke,
        owner=municipality,
        values={
            "title": "Betaalbaar verduurzamen zonder hogere woonlasten",
            "summary": "Huurwoningen nul op de meter, zonder dat de huur stijgt.",
            "description": "We zoeken een **woningcorporatie** die een straat wil aanpakken.",
            "region": brabant,
            "themes": [housing],
            "stakeholder_kinds": ["housing_corporation"],
            "resources_needed": ["space", "funding"],
        },
    )
    initiative_services.item_submit(item=challenge, by=marieke)
    editor = UserFactory(is_staff=True)
    editor.user_permissions.add(
        Permission.objects.get(codename="moderate", content_type__app_label="curation")
    )
    initiative_services.item_publish(item=challenge, by=editor)
    return {
        "marieke": marieke,
        "fatima": fatima,
        "facilitator": facilitator,
        "challenge": challenge,
    }


def test_a_municipality_is_introduced_to_a_housing_corporation(
    page: Any,
    log_in: Any,
    live_server: Any,
    settings: Any,
    world: dict[str, Any],
    run_tasks: Any,
) -> None:
    settings.SITE_URL = live_server.url
    marieke, fatima = world["marieke"], world["fatima"]

    # The municipality's admin looks at who could help.
    log_in(page, marieke.email)
    page.goto(f"/kennismakingen/suggesties/{world['challenge'].slug}/")
    first = page.locator(".suggestion").first
    assert first.locator("h3").inner_text() == "Woonstichting Hart van Brabant"
    reasons = first.locator(".reasons li").all_inner_texts()
    assert "biedt ruimte, wat dit vraagstuk zoekt" in reasons
    assert "is een woningcorporatie, een soort organisatie waar dit vraagstuk om vraagt" in reasons
    assert "dezelfde regio" in reasons
    assert "gedeelde thema's: wonen" in reasons
    # Words, not a score.
    assert first.locator(".badge").inner_text().lower() == "sterke match"
    assert "score" not in page.locator("main").inner_text().lower()
    assert_no_axe_violations(page)

    # She asks to be introduced.
    first.get_by_role("link", name=re.compile("Vraag om kennis te maken")).click()
    page.get_by_label("Je bericht").fill("Zullen we samen een straat nul op de meter maken?")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Aanvraag versturen").click()
    page.wait_for_url(re.compile(r"/kennismakingen/[\w-]+/$"))
    introduction_url = page.url
    assert "Wacht op een verbinder" in page.content()
    assert fatima.email not in page.content()
    assert_no_axe_violations(page)

    # A facilitator sees it waiting on the dashboard and forwards it.
    log_in(page, world["facilitator"].email)
    page.goto("/verbinders/")
    assert "sinds vandaag" in page.content()
    assert_no_axe_violations(page)
    page.get_by_role("link", name=re.compile("Gemeente Tilburg → Woonstichting")).click()
    # Both organisations, where each stands, and why they match, before deciding.
    parties = page.get_by_role("region", name="De twee organisaties")
    assert parties.get_by_role("link", name="Gemeente Tilburg").is_visible()
    assert "Verificatie:" in parties.inner_text()
    assert "Stempel:" in parties.inner_text()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Doorsturen", exact=True).click()
    assert "Doorgestuurd naar de organisatie." in page.content()
    assert_no_axe_violations(page)

    # The corporation's admin accepts, and then sees the municipality's contact.
    log_in(page, fatima.email)
    page.goto("/meldingen/")
    assert_no_axe_violations(page)
    page.goto(introduction_url)
    assert marieke.email not in page.content()
    page.get_by_role("button", name="Accepteren").click()
    contact = page.locator(".contact-card")
    assert "Marieke van Dongen" in contact.inner_text()
    assert marieke.email in contact.inner_text()
    assert_no_axe_violations(page)

    # The municipality now sees the corporation's contact too.
    log_in(page, marieke.email)
    page.goto(introduction_url)
    assert fatima.email in page.locator(".contact-card").inner_text()

    # Both got the emails once the worker ran the queued tasks.
    run_tasks()
    to_marieke = [m for m in mail.outbox if m.to == [marieke.email]]
    to_fatima = [m for m in mail.outbox if m.to == [fatima.email]]
    assert any(fatima.email in m.body for m in to_marieke)
    assert any("wil graag met je kennismaken" in m.subject for m in to_fatima)
    assert any(marieke.email in m.body for m in to_fatima)
