"""Attacks on memberships and requests to join, each performed through the public URLs.

Belonging to an organisation is personal data: only the member decides whether it shows in
public, and it is hidden until they do. A suspended or archived organisation lets nobody in.
"""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from members import services
from members.models import JoinRequestStatus, Membership, Organisation, User
from members.services import profile_for
from tests.members.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

HIDE_EXISTING = "0007_hide_existing_memberships"


def membership(organisation: Organisation, user: User) -> Membership:
    return Membership.objects.get(organisation=organisation, user=user)


# --- only the member chooses whether their membership is public -------------------------------


def test_an_admin_cannot_reveal_another_members_membership(
    client: Client, organisation: Organisation, org_admin: User, org_member: User
) -> None:
    target = membership(organisation, org_member)
    client.force_login(org_admin)

    # The page only ever changes the requester's own membership, whatever else is sent.
    client.post(
        reverse("members:membership_visibility", args=[organisation.slug]),
        {"membership": target.pk, "user": org_member.pk, "is_public": "on"},
    )

    target.refresh_from_db()
    assert not target.is_public
    assert "Mo Medewerker" not in client.get(organisation.get_absolute_url()).text


def test_a_stranger_cannot_change_visibility_in_an_organisation(
    client: Client, organisation: Organisation, org_member: User, member: User
) -> None:
    client.force_login(member)

    response = client.post(
        reverse("members:membership_visibility", args=[organisation.slug]), {"is_public": "on"}
    )

    assert response.status_code == 404
    assert not Membership.objects.filter(organisation=organisation, is_public=True).exists()


@pytest.mark.parametrize("actor", ["org_owner", "org_admin", "editor", "superuser"])
def test_nobody_but_the_member_may_set_the_visibility_through_the_service(
    request: pytest.FixtureRequest, organisation: Organisation, org_member: User, actor: str
) -> None:
    target = membership(organisation, org_member)

    with pytest.raises(PermissionDenied):
        services.membership_set_visibility(
            membership=target, by=request.getfixturevalue(actor), is_public=True
        )

    target.refresh_from_db()
    assert not target.is_public


def test_a_membership_is_hidden_until_the_member_shows_it(
    client: Client, organisation: Organisation, org_owner: User, member: User
) -> None:
    profile = profile_for(member)
    profile.is_public = True
    profile.save(update_fields=["is_public"])
    join_request = services.join_request_create(organisation=organisation, by=member)
    services.join_request_decide(join_request=join_request, by=org_owner, approve=True)

    organisation_page = client.get(organisation.get_absolute_url()).text
    profile_page = client.get(profile.get_absolute_url()).text

    assert not membership(organisation, member).is_public
    assert "Mila Lid" not in organisation_page
    assert "Olga Eigenaar" not in organisation_page
    assert organisation.name not in profile_page


def test_a_membership_made_public_by_the_old_default_does_not_stay_public(
    client: Client, organisation: Organisation, org_member: User
) -> None:
    # Before members/0004 every membership started public, without the member choosing it.
    Membership.objects.filter(user=org_member).update(is_public=True)
    migration = importlib.import_module(f"members.migrations.{HIDE_EXISTING}")

    migration.hide(django_apps, None)

    assert not Membership.objects.filter(is_public=True).exists()
    assert "Mo Medewerker" not in client.get(organisation.get_absolute_url()).text
    # Going back restores nothing: the old "public" was never the member's own choice.
    migration.keep(django_apps, None)
    assert not Membership.objects.filter(is_public=True).exists()


def test_a_deactivated_account_no_longer_shows_among_the_members(
    client: Client, organisation: Organisation, org_member: User
) -> None:
    Membership.objects.filter(user=org_member).update(is_public=True)
    User.objects.filter(pk=org_member.pk).update(is_active=False)

    page = client.get(organisation.get_absolute_url()).text

    assert "Mo Medewerker" not in page


def test_a_public_profile_never_lists_a_suspended_organisation(
    client: Client, member: User
) -> None:
    profile = profile_for(member)
    profile.is_public = True
    profile.save(update_fields=["is_public"])
    MembershipFactory(
        user=member,
        organisation=OrganisationFactory(name="Geschorste Stichting", status="suspended"),
        is_public=True,
    )

    page = client.get(profile.get_absolute_url()).text

    assert "Geschorste Stichting" not in page


# --- a suspended or archived organisation decides no requests to join -------------------------


@pytest.mark.parametrize("status", ["suspended", "archived"])
def test_a_suspended_or_archived_organisation_cannot_approve_a_request_to_join(
    client: Client, organisation: Organisation, org_admin: User, member: User, status: str
) -> None:
    join_request = services.join_request_create(organisation=organisation, by=member)
    Organisation.objects.filter(pk=organisation.pk).update(status=status)
    client.force_login(org_admin)
    mail.outbox.clear()

    response = client.post(
        reverse("members:join_request_decide", args=[organisation.slug]),
        {"join_request": join_request.pk, "decision": "approve"},
    )

    assert response.status_code == 302
    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.PENDING
    assert join_request.decided_by is None
    assert not Membership.objects.filter(organisation=organisation, user=member).exists()
    assert mail.outbox == []


# --- the admin cannot go around the services -------------------------------------------------


def test_a_superuser_cannot_change_a_role_or_reveal_a_membership_in_the_admin(
    client: Client, organisation: Organisation, org_owner: User, org_member: User, superuser: User
) -> None:
    target = membership(organisation, org_member)
    client.force_login(superuser)
    url = reverse("admin:members_organisation_change", args=[organisation.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in ("themes", "logo")
    }
    data.update(
        {
            "region": organisation.region_id,
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "1",
            "memberships-0-id": target.pk,
            "memberships-0-organisation": organisation.pk,
            "memberships-0-user": org_member.pk,
            "memberships-0-role": "owner",
            "memberships-0-is_public": "on",
            "memberships-0-DELETE": "on",
            "core-auditentry-content_type-object_id-TOTAL_FORMS": "0",
            "core-auditentry-content_type-object_id-INITIAL_FORMS": "0",
        }
    )

    through_organisation = client.post(url, data)
    # A complete form: were role or is_public editable here, it would be valid and saved.
    through_membership = client.post(
        reverse("admin:members_membership_change", args=[target.pk]),
        {
            "user": org_member.pk,
            "organisation": organisation.pk,
            "role": "owner",
            "is_public": "on",
        },
    )
    deleted = client.post(
        reverse("admin:members_membership_delete", args=[target.pk]), {"post": "yes"}
    )

    # Both forms were accepted (an invalid form would prove nothing), yet nothing changed.
    assert through_organisation.status_code == 302, through_organisation.context["errors"]
    assert through_membership.status_code == 302
    assert deleted.status_code == 403
    target.refresh_from_db()
    assert (target.role, target.is_public) == ("member", False)
