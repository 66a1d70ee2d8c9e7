"""Suggestions and introductions in words: match strength with reasons, not a score; a
facilitator's introduction page with both organisations, their standing and the match."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from matchmaking import suggestions
from matchmaking.models import Direction, IntroductionState
from matchmaking.suggestions import Suggestion, match_strength
from members.models import MembershipRole, OrganisationStatus
from stamp.models import ClaimStatus
from tests.initiatives.factories import ChallengeFactory
from tests.matchmaking.factories import IntroductionFactory, OfferNeedFactory
from tests.members.factories import MembershipFactory, OrganisationFactory, ThemeFactory
from tests.stamp.factories import ClaimFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("score", "strength"),
    [(0, "possible"), (4, "possible"), (5, "good"), (7, "good"), (8, "strong"), (20, "strong")],
)
def test_a_score_reads_as_one_of_three_strengths(score, strength):
    assert match_strength(score) == strength


def test_the_strength_label_speaks_the_active_language(english):
    suggestion = Suggestion(
        kind="organisation", pk=1, title="x", slug="x", url="/", detail="", score=9
    )

    assert suggestion.strength_label == "strong match"


@pytest.fixture
def matched(organisation, org_owner):
    """A challenge of the municipality and a housing corporation that offers what it needs."""
    housing = ThemeFactory(name="wonen", slug="wonen", name_en="housing")
    challenge = ChallengeFactory(
        owner=organisation,
        region=organisation.region,
        themes=[housing],
        stakeholder_kinds=["housing_corporation"],
        resources_needed=["space"],
    )
    corporation = OrganisationFactory(
        name="Woonstichting Hart", kind="housing_corporation", region=organisation.region
    )
    corporation.themes.set([housing])
    OfferNeedFactory(organisation=corporation, kind="space", title="Leegstaande woningen")
    MembershipFactory(organisation=corporation, role=MembershipRole.OWNER)
    return {"challenge": challenge, "corporation": corporation}


def test_the_suggestions_page_shows_words_and_reasons_instead_of_a_score(
    client, matched, org_owner, english
):
    client.force_login(org_owner)

    response = client.get(
        reverse("matchmaking:challenge_suggestions", args=[matched["challenge"].slug])
    )

    text = response.text
    assert response.status_code == 200
    # space 3 + kind 3 + one theme 2 + region 2 = 10
    assert "strong match" in text
    assert "offers space, which this challenge is looking for" in text
    assert "shared themes: housing" in text
    assert "score" not in text.lower()


def test_an_introduction_about_a_challenge_gives_the_reasons_of_the_other_party(
    matched, organisation, english
):
    introduction = IntroductionFactory(
        requesting_organisation=organisation,
        receiving_organisation=matched["corporation"],
        challenge=matched["challenge"],
    )

    match = suggestions.for_introduction(introduction)

    assert match is not None
    assert match.pk == matched["corporation"].pk
    assert match.strength == "strong"
    assert "same region" in match.reasons


def test_an_introduction_without_a_subject_matches_on_what_the_asker_needs(organisation, english):
    OfferNeedFactory(organisation=organisation, direction=Direction.NEED, kind="funding")
    funder = OrganisationFactory(name="Fonds", kind="corporate", region=organisation.region)
    OfferNeedFactory(organisation=funder, kind="funding")
    introduction = IntroductionFactory(
        requesting_organisation=organisation, receiving_organisation=funder
    )

    match = suggestions.for_introduction(introduction)

    assert match is not None
    assert "offers funding, which Gemeente Tilburg is looking for" in match.reasons


def test_nothing_in_common_is_no_match(organisation):
    stranger = OrganisationFactory(region=None, kind="corporate")
    introduction = IntroductionFactory(
        requesting_organisation=organisation, receiving_organisation=stranger
    )

    assert suggestions.for_introduction(introduction) is None


@pytest.fixture
def waiting(matched, organisation, org_member):
    """A request asked yesterday evening, about the municipality's challenge."""
    with time_machine.travel("2027-03-01 21:30 +01:00", tick=False):
        introduction = IntroductionFactory(
            requester=org_member,
            requesting_organisation=organisation,
            receiving_organisation=matched["corporation"],
            challenge=matched["challenge"],
        )
    ClaimFactory(organisation=organisation)
    return introduction


def test_a_facilitator_sees_both_organisations_their_standing_and_the_match(
    client, waiting, facilitator, matched, english
):
    matched["corporation"].status = OrganisationStatus.PENDING
    matched["corporation"].save(update_fields=["status"])

    with time_machine.travel("2027-03-02 08:00 +01:00", tick=False):
        client.force_login(facilitator)
        response = client.get(waiting.get_absolute_url())

    text = response.text
    assert response.status_code == 200
    assert f'href="{waiting.requesting_organisation.get_absolute_url()}"' in text
    assert f'href="{matched["corporation"].get_absolute_url()}"' in text
    assert "Verified" in text
    assert str(OrganisationStatus.PENDING.label) in text
    # The municipality carries the stamp; the corporation has none.
    assert "Active" in text
    assert "No stamp" in text
    assert "strong match" in text
    assert "offers space, which this challenge is looking for" in text
    # Asked yesterday evening, read this morning: a calendar day, not "10 hours".
    assert "since yesterday" in text
    assert "hours" not in text


def test_the_introduction_page_says_since_today(client, waiting, facilitator, english):
    client.force_login(facilitator)
    waiting.state_changed_at = timezone.now()
    waiting.save(update_fields=["state_changed_at"])

    response = client.get(waiting.get_absolute_url())

    assert "since today" in response.text
    assert "minutes" not in response.text


def test_the_sides_do_not_see_the_facilitators_panel(client, waiting, org_member, english):
    client.force_login(org_member)

    response = client.get(waiting.get_absolute_url())

    assert response.status_code == 200
    assert "The two organisations" not in response.text
    assert "strong match" not in response.text


def test_a_withdrawn_or_revoked_stamp_reads_as_such_for_the_facilitator(
    client, waiting, facilitator, matched, english
):
    ClaimFactory(
        organisation=matched["corporation"],
        status=ClaimStatus.REVOKED,
        status_reason="Misbruik",
        status_changed_at=timezone.now(),
    )
    client.force_login(facilitator)

    response = client.get(waiting.get_absolute_url())

    assert "Revoked by the editors" in response.text


def test_the_facilitators_introduction_page_pins_its_queries(
    client, waiting, facilitator, django_assert_num_queries
):
    client.force_login(facilitator)
    # the user (the session comes from the cache, core.sessions), the introduction (both organisations, subject and people joined), the
    # viewer's role in the asking organisation, the user's own and group permissions (cached
    # for the request), the timeline, the outcomes; the match: the challenge's themes, the
    # scoring statement in a savepoint (SAVEPOINT, SET LOCAL jit, the statement, RELEASE),
    # the theme names; the unread notifications in the navigation; the latest stamp claim of
    # each organisation; the organisations the redirect form offers
    with django_assert_num_queries(17) as captured:
        response = client.get(waiting.get_absolute_url())
    assert response.status_code == 200, [q["sql"][:80] for q in captured.captured_queries]


def test_the_dashboard_words_the_waiting_time_in_days(client, facilitator, english):
    with time_machine.travel(timezone.now() - timedelta(days=3)):
        IntroductionFactory()
    IntroductionFactory(state=IntroductionState.FORWARDED)
    client.force_login(facilitator)

    response = client.get(reverse("matchmaking:dashboard"))

    assert "for 3 days" in response.text
    assert "since today" in response.text
    assert "minutes" not in response.text
