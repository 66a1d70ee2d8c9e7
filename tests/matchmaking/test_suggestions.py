"""Ranking on hand-made examples: the expected best match comes first, with the right reasons."""

from datetime import timedelta

import pytest
from django.utils import timezone

from matchmaking import suggestions
from matchmaking.models import Direction
from stamp.models import Claim
from tests.initiatives.factories import ChallengeFactory, InitiativeFactory
from tests.matchmaking.factories import OfferNeedFactory
from tests.members.factories import OrganisationFactory, RegionFactory, ThemeFactory
from tests.stamp.factories import ClaimFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(english):
    brabant = RegionFactory(name="Midden-Brabant", slug="midden-brabant")
    utrecht = RegionFactory(name="Utrecht", slug="utrecht")
    housing = ThemeFactory(name="wonen", slug="wonen", name_en="housing")
    energy = ThemeFactory(
        name="energietransitie", slug="energietransitie", name_en="energy transition"
    )
    care = ThemeFactory(name="zorg", slug="zorg", name_en="care")
    municipality = OrganisationFactory(name="Gemeente Tilburg", kind="municipality", region=brabant)
    challenge = ChallengeFactory(
        owner=municipality,
        region=brabant,
        themes=[housing, energy],
        stakeholder_kinds=["housing_corporation"],
        resources_needed=["funding", "space"],
    )
    corporation = OrganisationFactory(
        name="Woonstichting Hart van Brabant", kind="housing_corporation", region=brabant
    )
    corporation.themes.set([housing, energy])
    OfferNeedFactory(organisation=corporation, kind="space", title="Leegstaande woningen")
    funder = OrganisationFactory(name="Fonds Utrecht", kind="corporate", region=utrecht)
    OfferNeedFactory(organisation=funder, kind="funding", title="Cofinanciering")
    ClaimFactory(organisation=funder)
    neighbour = OrganisationFactory(name="Buurtteam Reeshof", kind="civil_society", region=brabant)
    stranger = OrganisationFactory(name="Zorg Noord", kind="civil_society", region=utrecht)
    stranger.themes.set([care])
    # Closed and expired offers do not count.
    OfferNeedFactory(organisation=stranger, kind="funding", closed_at=timezone.now())
    OfferNeedFactory(
        organisation=stranger, kind="space", ends_on=timezone.localdate() - timedelta(days=1)
    )
    return {
        "challenge": challenge,
        "municipality": municipality,
        "corporation": corporation,
        "funder": funder,
        "neighbour": neighbour,
        "stranger": stranger,
        "housing": housing,
    }


def test_the_housing_corporation_comes_first_with_its_reasons(world):
    result = suggestions.for_challenge(world["challenge"])

    assert [s.title for s in result] == [
        "Woonstichting Hart van Brabant",
        "Fonds Utrecht",
        "Buurtteam Reeshof",
    ]
    best = result[0]
    assert best.reasons == [
        "offers space, which this challenge is looking for",
        "is a housing corporation, a kind of organisation this challenge asks for",
        "same region",
        "shared themes: energy transition, housing",
        "recently active",
    ]
    # 3 (space) + 3 (kind) + 2 × 2 (themes) + 2 (region) + 1 (recent)
    assert best.score == 13


def test_the_funder_is_suggested_for_funding_and_the_stamp(world):
    funder = suggestions.for_challenge(world["challenge"])[1]

    assert funder.reasons == [
        "offers funding, which this challenge is looking for",
        "carries the stamp",
        "recently active",
    ]
    assert funder.score == 5


def test_a_stamp_past_its_confirmation_deadline_is_no_reason(world):
    """The stamp's one rule (`stamp.models.carrying_q`): overdue reads as lapsed at once,
    before the daily job records it; for a suggested organisation and a challenge's owner."""
    ClaimFactory(organisation=world["municipality"])
    owner_before = suggestions.challenges_for(world["corporation"])[0]
    assert "carries the stamp" in " ".join(owner_before.reasons)

    overdue = timezone.now() - timedelta(minutes=1)
    Claim.objects.update(confirmation_due_at=overdue)

    funder = next(
        s for s in suggestions.for_challenge(world["challenge"]) if s.title == "Fonds Utrecht"
    )
    assert "carries the stamp" not in funder.reasons
    owner_after = suggestions.challenges_for(world["corporation"])[0]
    assert owner_after.title == owner_before.title
    assert "carries the stamp" not in " ".join(owner_after.reasons)


def test_the_problem_owner_and_unrelated_organisations_are_left_out(world):
    titles = {s.title for s in suggestions.for_challenge(world["challenge"])}

    assert "Gemeente Tilburg" not in titles
    assert "Zorg Noord" not in titles


def test_an_organisation_closed_to_cooperation_is_not_suggested(world):
    world["corporation"].open_to_cooperation = False
    world["corporation"].save()

    titles = [s.title for s in suggestions.for_challenge(world["challenge"])]

    assert "Woonstichting Hart van Brabant" not in titles


def test_reasons_are_translated_into_dutch(world):
    from django.utils import translation

    with translation.override("nl"):
        best = suggestions.for_challenge(world["challenge"])[0]

    assert "dezelfde regio" in best.reasons
    assert "gedeelde thema's: energietransitie, wonen" in best.reasons


def test_an_organisation_sees_the_challenges_it_could_help_with(world):
    result = suggestions.challenges_for(world["corporation"])

    assert result[0].title == world["challenge"].title
    assert result[0].reasons[:3] == [
        "asks for space, which you offer",
        "asks for your kind of organisation (housing corporation)",
        "same region",
    ]


def test_an_organisation_sees_who_needs_what_it_offers(world):
    school = OrganisationFactory(name="ROC Tilburg", kind="knowledge_institution")
    OfferNeedFactory(organisation=school, direction=Direction.NEED, kind="space", title="Lokalen")
    OfferNeedFactory(organisation=world["neighbour"], direction=Direction.NEED, kind="data")

    result = suggestions.needs_meeting_offers(world["corporation"])

    assert [s.title for s in result] == ["ROC Tilburg"]
    assert result[0].reasons[0] == "needs space, which you offer"


def test_initiatives_look_for_what_their_challenges_need(world):
    initiative = InitiativeFactory(
        lead=world["municipality"], region=world["challenge"].region, themes=[world["housing"]]
    )
    initiative.challenges.set(
        [world["challenge"]], through_defaults={"confirmed_at": timezone.now()}
    )

    result = suggestions.for_initiative(initiative)

    assert result[0].title == "Woonstichting Hart van Brabant"
    assert result[0].reasons[0] == "offers space, which this initiative is looking for"
    assert [s.title for s in suggestions.initiatives_for(world["corporation"])] == [
        initiative.title
    ]
