"""Links between initiatives and challenges: the problem owner's consent, kept and dropped."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from initiatives import services
from initiatives.models import ChallengeLink
from members import services as member_services
from members.models import MembershipRole, Organisation, User
from tests.initiatives.factories import ChallengeFactory, ChallengeLinkFactory, InitiativeFactory
from tests.members.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def _values(challenges: list[Any]) -> dict[str, Any]:
    return {"challenges": challenges}


def test_an_admin_of_the_problem_owner_links_at_once(
    org_admin: User, organisation: Organisation
) -> None:
    other = OrganisationFactory()
    MembershipFactory(organisation=other, user=org_admin, role=MembershipRole.ADMIN)
    challenge = ChallengeFactory(owner=other)

    link = services.challenge_link_add(
        initiative=InitiativeFactory(lead=organisation), challenge=challenge, by=org_admin
    )

    assert link.is_confirmed
    assert link.confirmed_by == org_admin


def test_leaving_a_challenge_out_of_the_form_drops_the_link(
    org_admin: User, organisation: Organisation
) -> None:
    initiative = InitiativeFactory(lead=organisation)
    kept, dropped = ChallengeFactory(owner=organisation), ChallengeFactory(owner=organisation)
    services.initiative_update(initiative=initiative, by=org_admin, values=_values([kept, dropped]))

    services.initiative_update(initiative=initiative, by=org_admin, values=_values([kept]))

    assert list(initiative.challenge_links.values_list("challenge", flat=True)) == [kept.pk]


def test_a_link_to_a_suspended_owners_challenge_survives_an_edit(
    org_admin: User, organisation: Organisation, editor: User
) -> None:
    link = ChallengeLinkFactory(initiative=InitiativeFactory(lead=organisation))
    owner = link.challenge.owner
    member_services.organisation_suspend(organisation=owner, by=editor, reason="Onderzoek")

    # The form cannot offer the suspended owner's challenge, so it is not sent.
    services.initiative_update(initiative=link.initiative, by=org_admin, values=_values([]))
    member_services.organisation_reinstate(organisation=owner, by=editor)

    assert ChallengeLink.objects.public().get() == link


def test_the_problem_owner_declines_a_link(client: Any, organisation: Organisation) -> None:
    link = ChallengeLinkFactory(initiative=InitiativeFactory(lead=organisation), confirmed_at=None)
    owner_admin = MembershipFactory(
        organisation=link.challenge.owner, role=MembershipRole.ADMIN
    ).user
    client.force_login(owner_admin)

    client.post(
        reverse(
            "initiatives:challenge_link_remove", args=[link.initiative.slug, link.challenge.slug]
        )
    )

    assert not ChallengeLink.objects.exists()


def test_the_manage_page_shows_links_waiting_for_consent(
    client: Any, org_member: User, organisation: Organisation
) -> None:
    link = ChallengeLinkFactory(
        initiative=InitiativeFactory(lead=organisation),
        challenge__title="Laaggeletterdheid",
        confirmed_at=None,
    )
    client.force_login(org_member)

    page = client.get(
        reverse("initiatives:initiative_manage", args=[link.initiative.slug])
    ).content.decode()

    assert "Laaggeletterdheid" in page
    assert (
        reverse(
            "initiatives:challenge_link_remove", args=[link.initiative.slug, link.challenge.slug]
        )
        in page
    )
