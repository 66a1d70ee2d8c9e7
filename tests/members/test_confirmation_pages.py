"""Leaving an organisation and removing a member ask first, on a page of their own.

The page is for people; the POST endpoints still act alone and the services still check."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from members.models import Membership, MembershipRole, Organisation, User
from tests.members.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _membership(organisation: Organisation, user: User) -> Membership:
    return Membership.objects.get(organisation=organisation, user=user)


def _remove_url(organisation: Organisation, membership: Membership | str) -> str:
    pk = membership.pk if isinstance(membership, Membership) else membership
    return (
        f"{reverse('members:membership_remove_confirm', args=[organisation.slug])}?membership={pk}"
    )


# --- removing a member -----------------------------------------------------------------


def test_the_members_page_links_to_the_confirmation_page_instead_of_posting(
    client: Client, organisation: Organisation, org_admin: User, org_member: User
) -> None:
    client.force_login(org_admin)

    text = client.get(reverse("members:organisation_members", args=[organisation.slug])).text

    target = _membership(organisation, org_member)
    assert _remove_url(organisation, target).replace("&", "&amp;") in text
    assert f'action="{reverse("members:membership_remove", args=[organisation.slug])}"' not in text


def test_the_removal_page_names_the_member_and_posts_to_the_removal(
    client: Client, organisation: Organisation, org_admin: User, org_member: User, english: None
) -> None:
    client.force_login(org_admin)
    target = _membership(organisation, org_member)

    response = client.get(_remove_url(organisation, target))

    text = response.text
    assert response.status_code == 200
    assert "Remove Mo Medewerker from Gemeente Tilburg?" in text
    assert f'action="{reverse("members:membership_remove", args=[organisation.slug])}"' in text
    assert f'name="membership" value="{target.pk}"' in text
    assert "csrfmiddlewaretoken" in text
    assert Membership.objects.filter(pk=target.pk).exists()  # looking changes nothing

    client.post(
        reverse("members:membership_remove", args=[organisation.slug]), {"membership": target.pk}
    )
    assert not Membership.objects.filter(pk=target.pk).exists()


@pytest.mark.parametrize(("role", "status"), [("member", 404), ("org_member", 403)])
def test_others_cannot_open_the_removal_page(
    request: pytest.FixtureRequest,
    client: Client,
    organisation: Organisation,
    org_admin: User,
    role: str,
    status: int,
) -> None:
    client.force_login(request.getfixturevalue(role))

    response = client.get(_remove_url(organisation, _membership(organisation, org_admin)))

    assert response.status_code == status


def test_an_admin_cannot_open_the_page_to_remove_an_owner(
    client: Client, organisation: Organisation, org_admin: User, org_owner: User
) -> None:
    client.force_login(org_admin)

    response = client.get(_remove_url(organisation, _membership(organisation, org_owner)))

    assert response.status_code == 403


@pytest.mark.parametrize("junk", ["", "abc", "999999", "1%00"])
def test_a_junk_or_foreign_membership_is_not_found(
    client: Client, organisation: Organisation, org_admin: User, junk: str
) -> None:
    client.force_login(org_admin)

    assert client.get(_remove_url(organisation, junk)).status_code in (400, 404)


def test_a_member_of_another_organisation_cannot_be_named(
    client: Client, organisation: Organisation, org_admin: User
) -> None:
    elsewhere = MembershipFactory(role=MembershipRole.MEMBER)
    client.force_login(org_admin)

    assert client.get(_remove_url(organisation, elsewhere)).status_code == 404


def test_the_last_owner_cannot_be_removed_and_is_told_why(
    client: Client, organisation: Organisation, org_owner: User, english: None
) -> None:
    other_owner = MembershipFactory(organisation=organisation, role=MembershipRole.OWNER)
    client.force_login(other_owner.user)
    Membership.objects.filter(pk=_membership(organisation, org_owner).pk).update(
        role=MembershipRole.ADMIN
    )

    response = client.get(_remove_url(organisation, other_owner), follow=True)

    assert response.redirect_chain[-1][0] == reverse(
        "members:organisation_members", args=[organisation.slug]
    )
    assert "An organisation needs at least one owner." in response.text


# --- leaving -----------------------------------------------------------------------------


def test_the_organisation_page_links_to_the_leave_page_instead_of_posting(
    client: Client, organisation: Organisation, org_member: User
) -> None:
    client.force_login(org_member)

    text = client.get(organisation.get_absolute_url()).text

    assert reverse("members:membership_leave_confirm", args=[organisation.slug]) in text
    assert f'action="{reverse("members:membership_leave", args=[organisation.slug])}"' not in text


def test_the_leave_page_explains_and_posts_to_leave(
    client: Client, organisation: Organisation, org_member: User, english: None
) -> None:
    client.force_login(org_member)

    response = client.get(reverse("members:membership_leave_confirm", args=[organisation.slug]))

    text = response.text
    assert response.status_code == 200
    assert "Leave Gemeente Tilburg?" in text
    assert "Yes, leave this organisation" in text
    assert f'action="{reverse("members:membership_leave", args=[organisation.slug])}"' in text
    assert f'href="{organisation.get_absolute_url()}"' in text  # cancel
    assert Membership.objects.filter(organisation=organisation, user=org_member).exists()


def test_an_outsider_cannot_open_the_leave_page(
    client: Client, organisation: Organisation, member: User
) -> None:
    client.force_login(member)

    url = reverse("members:membership_leave_confirm", args=[organisation.slug])
    assert client.get(url).status_code == 404


def test_the_only_owner_is_told_to_transfer_first(
    client: Client, organisation: Organisation, org_owner: User, english: None
) -> None:
    client.force_login(org_owner)

    response = client.get(
        reverse("members:membership_leave_confirm", args=[organisation.slug]), follow=True
    )

    assert "Transfer ownership to someone else before you leave." in response.text
    assert Membership.objects.filter(organisation=organisation, user=org_owner).exists()
