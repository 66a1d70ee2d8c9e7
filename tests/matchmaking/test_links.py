"""Matchmaking links on challenge, initiative and organisation pages, per viewer."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from members.models import MembershipRole, Organisation, User
from tests.initiatives.factories import ChallengeFactory
from tests.members.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def challenge(organisation: Organisation):
    return ChallengeFactory(owner=organisation)


def test_the_problem_owners_admin_sees_the_suggestions_link(
    client: Client, challenge, org_admin: User
) -> None:
    client.force_login(org_admin)

    page = client.get(challenge.get_absolute_url()).text

    assert reverse("matchmaking:challenge_suggestions", args=[challenge.slug]) in page
    assert reverse("matchmaking:introduction_request", args=[challenge.owner.slug]) not in page


def test_a_member_of_another_organisation_may_ask_for_an_introduction(
    client: Client, challenge, member: User
) -> None:
    MembershipFactory(user=member, role=MembershipRole.ADMIN)
    client.force_login(member)

    page = client.get(challenge.get_absolute_url()).text

    assert (
        reverse("matchmaking:introduction_request", args=[challenge.owner.slug])
        + f"?vraagstuk={challenge.slug}"
        in page
    )
    assert reverse("matchmaking:challenge_suggestions", args=[challenge.slug]) not in page


def test_visitors_see_no_matchmaking_links(client: Client, challenge, organisation) -> None:
    for url in (challenge.get_absolute_url(), organisation.get_absolute_url()):
        page = client.get(url).text
        assert "/kennismakingen/" not in page


def test_the_organisation_page_offers_an_introduction_to_members_of_other_organisations(
    client: Client, organisation: Organisation, member: User
) -> None:
    MembershipFactory(user=member)
    client.force_login(member)

    page = client.get(organisation.get_absolute_url()).text

    assert reverse("matchmaking:introduction_request", args=[organisation.slug]) in page
