"""A challenge owner no longer waits blind: who could help shows privately on the concept,
to the problem owner's admins only."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from initiatives.models import Challenge, PublicationStatus
from members.models import MembershipRole, Organisation, User
from tests.initiatives.factories import ChallengeFactory
from tests.matchmaking.factories import OfferNeedFactory
from tests.members.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

HELPER = "Woonstichting De Helpende Hand"


@pytest.fixture
def concept(organisation: Organisation) -> Challenge:
    """A draft challenge of ``organisation`` that a corporation offering expertise matches."""
    helper = OrganisationFactory(name=HELPER, kind="corporate", region=organisation.region)
    OfferNeedFactory(organisation=helper, kind="expertise")
    return ChallengeFactory(
        owner=organisation,
        region=organisation.region,
        publication_status=PublicationStatus.DRAFT,
        published_at=None,
    )


def _page(client: Client, user: User | None, challenge: Challenge) -> Any:
    if user is not None:
        client.force_login(user)
    return client.get(challenge.get_absolute_url())


@pytest.mark.parametrize("status", [PublicationStatus.DRAFT, PublicationStatus.SUBMITTED])
def test_the_owners_admin_sees_who_could_help_on_the_concept(
    client: Client, org_admin: User, concept: Challenge, status: str
) -> None:
    Challenge.objects.filter(pk=concept.pk).update(publication_status=status)

    response = _page(client, org_admin, concept)

    assert response.status_code == 200
    assert 'id="concept-suggestions-title"' in response.text
    assert HELPER in response.text


def test_a_visitor_sees_no_concept_and_no_suggestions(client: Client, concept: Challenge) -> None:
    response = _page(client, None, concept)

    assert response.status_code == 404
    assert HELPER not in response.text


def test_another_organisations_member_sees_no_suggestions(
    client: Client, concept: Challenge
) -> None:
    """Even an admin of another organisation, even of the helper itself."""
    helper = Organisation.objects.get(name=HELPER)
    stranger = MembershipFactory(organisation=helper, role=MembershipRole.OWNER).user

    response = _page(client, stranger, concept)

    assert response.status_code == 404
    assert "concept-suggestions" not in response.text


def test_a_plain_member_of_the_owner_sees_the_concept_but_not_the_suggestions(
    client: Client, org_member: User, concept: Challenge
) -> None:
    response = _page(client, org_member, concept)

    assert response.status_code == 200
    assert "concept-suggestions" not in response.text


def test_editors_and_facilitators_see_no_suggestions_on_a_concept(
    client: Client, editor: User, facilitator: User, concept: Challenge
) -> None:
    Challenge.objects.filter(pk=concept.pk).update(publication_status=PublicationStatus.SUBMITTED)

    editor_page = _page(client, editor, concept)
    assert editor_page.status_code == 200  # editors read submissions
    assert "concept-suggestions" not in editor_page.text
    client.logout()
    assert "concept-suggestions" not in _page(client, facilitator, concept).text


def test_once_published_the_concept_section_gives_way_to_the_suggestions_page(
    client: Client, org_admin: User, concept: Challenge
) -> None:
    Challenge.objects.filter(pk=concept.pk).update(
        publication_status=PublicationStatus.PUBLISHED, published_at="2026-01-01T10:00Z"
    )

    response = _page(client, org_admin, concept)

    assert "concept-suggestions" not in response.text
    assert f"/kennismakingen/suggesties/{concept.slug}/" in response.text


def test_a_hidden_challenge_shows_no_suggestions(
    client: Client, org_admin: User, concept: Challenge
) -> None:
    Challenge.objects.filter(pk=concept.pk).update(
        publication_status=PublicationStatus.ARCHIVED,
        hidden_at="2026-01-01T10:00Z",
        hidden_reason="Niet passend.",
    )

    assert "concept-suggestions" not in _page(client, org_admin, concept).text
