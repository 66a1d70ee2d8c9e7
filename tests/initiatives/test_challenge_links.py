"""Links between initiatives and challenges: the problem owner's consent, kept and dropped."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.state import StateApps
from django.urls import reverse
from django.utils.functional import Promise

from initiatives import queries, services
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
    services.item_update(item=initiative, by=org_admin, values=_values([kept, dropped]))

    services.item_update(item=initiative, by=org_admin, values=_values([kept]))

    assert list(initiative.challenge_links.values_list("challenge", flat=True)) == [kept.pk]


def test_a_link_to_a_suspended_owners_challenge_survives_an_edit(
    org_admin: User, organisation: Organisation, editor: User
) -> None:
    link = ChallengeLinkFactory(initiative=InitiativeFactory(lead=organisation))
    owner = link.challenge.owner
    member_services.organisation_suspend(organisation=owner, by=editor, reason="Onderzoek")

    # The form cannot offer the suspended owner's challenge, so it is not sent.
    services.item_update(item=link.initiative, by=org_admin, values=_values([]))
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


def test_every_field_of_a_challenge_link_has_a_translated_name() -> None:
    """The admin's inline and history show these names; a name Django makes up from the
    attribute stays English on the Dutch site."""
    for field in ChallengeLink._meta.concrete_fields:
        if not field.primary_key:
            assert isinstance(field.verbose_name, Promise), field.name


# ---------------------------------------------------------------------------
# Migration 0008: links made before consent was asked
# ---------------------------------------------------------------------------

BEFORE_CONSENT = ("initiatives", "0007_hidden_by_editors")


def _migrate(executor: MigrationExecutor, targets: list[tuple[str, str]]) -> StateApps:
    executor.loader.build_graph()  # the executor's record of what is applied, read again
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_the_consent_migration_confirms_only_links_to_the_leads_own_challenges(
    organisation: Organisation, org_admin: User
) -> None:
    """Migrates back to 0007 and forward again inside the test's transaction: PostgreSQL
    rolls the schema back with the data when the test ends."""
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    old_apps = _migrate(executor, [BEFORE_CONSENT])
    initiative = InitiativeFactory(lead=organisation)
    own, foreign = ChallengeFactory(owner=organisation), ChallengeFactory()
    through = old_apps.get_model("initiatives", "Initiative").challenges.through
    for challenge in (own, foreign):
        through.objects.create(initiative_id=initiative.pk, challenge_id=challenge.pk)
    connection.check_constraints()  # fire the deferred checks: the old table is dropped next

    _migrate(executor, latest)

    links = {link.challenge_id: link for link in ChallengeLink.objects.all()}
    assert set(links) == {own.pk, foreign.pk}
    assert links[own.pk].is_confirmed
    assert not links[foreign.pk].is_confirmed
    # The foreign owner's admins find it waiting in their workspace, like a new request.
    owner_admin = MembershipFactory(organisation=foreign.owner, role=MembershipRole.ADMIN).user
    assert list(ChallengeLink.objects.public()) == [links[own.pk]]
    assert queries.workspace(owner_admin)["challenge_link_requests"] == [links[foreign.pk]]

    # Going back keeps the confirmed link and leaves out the one nobody consented to.
    old_apps = _migrate(executor, [BEFORE_CONSENT])
    through = old_apps.get_model("initiatives", "Initiative").challenges.through
    assert list(through.objects.values_list("challenge_id", flat=True)) == [own.pk]
    _migrate(executor, latest)
