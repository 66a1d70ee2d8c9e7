"""Pages of members and organisations: access for every role, forms and query counts."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from members.adapter import PENDING_INVITATION_SESSION_KEY
from members.models import Invitation, Membership, MembershipRole, Organisation, User
from tests.images import image_bytes, upload
from tests.members.factories import (
    MembershipFactory,
    OrganisationFactory,
    ThemeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# --- URL × role matrix -----------------------------------------------------------------------

ROLES = ["outsider", "member", "org_member", "org_admin", "org_owner", "editor"]

# name, expected status per role (GET): 302 sends an outsider to the login page, a
# stranger gets 404 for another organisation's private page and a plain member 403.
# Domain verification redirects admins of an already verified organisation back to it.
OPEN = dict.fromkeys(ROLES, 200)
LOGGED_IN = {**OPEN, "outsider": 302}
ORG_ADMINS_ONLY = {
    "outsider": 302,
    "member": 404,
    "org_member": 403,
    "org_admin": 200,
    "org_owner": 200,
    "editor": 404,
}
MATRIX = {
    "members:organisation_list": OPEN,
    "members:organisation_detail": OPEN,
    "members:organisation_edit": ORG_ADMINS_ONLY,
    "members:organisation_members": ORG_ADMINS_ONLY,
    "members:domain_verification": {**ORG_ADMINS_ONLY, "org_admin": 302, "org_owner": 302},
    "members:join_request_create": LOGGED_IN,
    "members:organisation_create": LOGGED_IN,
    "members:dashboard": LOGGED_IN,
    "members:profile_edit": LOGGED_IN,
}
NEEDS_SLUG = {
    "members:organisation_detail",
    "members:organisation_edit",
    "members:organisation_members",
    "members:domain_verification",
    "members:join_request_create",
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_every_page_answers_each_role_as_expected(
    request: pytest.FixtureRequest, client: Client, organisation: Organisation, name: str, role: str
) -> None:
    user = request.getfixturevalue(role)
    if user is not None:
        client.force_login(user)
    url = reverse(name, args=[organisation.slug] if name in NEEDS_SLUG else [])

    response = client.get(url)

    assert response.status_code == MATRIX[name][role], f"{name} as {role}"
    if response.status_code == 302 and role == "outsider":
        assert response["Location"].startswith(reverse("account_login"))


# POST-only actions: who may do them. Outsiders go to login; strangers get 404, members 403.
POST_ACTIONS = [
    "members:invitation_create",
    "members:invitation_revoke",
    "members:membership_role",
    "members:membership_remove",
    "members:ownership_transfer",
    "members:join_request_decide",
]


@pytest.mark.parametrize("name", POST_ACTIONS)
@pytest.mark.parametrize(
    ("role", "status"), [("outsider", 302), ("member", 404), ("org_member", 403)]
)
def test_admin_actions_are_closed_to_everyone_but_admins(
    request: pytest.FixtureRequest,
    client: Client,
    organisation: Organisation,
    name: str,
    role: str,
    status: int,
) -> None:
    user = request.getfixturevalue(role)
    if user is not None:
        client.force_login(user)

    response = client.post(reverse(name, args=[organisation.slug]), {"email": "x@example.org"})

    assert response.status_code == status


@pytest.mark.parametrize("name", [*POST_ACTIONS, "members:membership_leave"])
def test_admin_actions_refuse_get(
    client: Client, organisation: Organisation, org_admin: User, name: str
) -> None:
    client.force_login(org_admin)

    assert client.get(reverse(name, args=[organisation.slug])).status_code == 405


@pytest.mark.parametrize("status", ["suspended", "archived"])
def test_suspended_and_archived_organisations_are_not_public(client: Client, status: str) -> None:
    hidden = OrganisationFactory(status=status)

    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert hidden.name not in client.get(reverse("members:organisation_list")).text


# --- directory ----------------------------------------------------------------------------


def test_the_directory_filters_by_kind_region_theme_and_verification(client: Client) -> None:
    energy = ThemeFactory(name="energietransitie", slug="energietransitie")
    match = OrganisationFactory(name="Zonnig Tilburg", kind="energy_company")
    match.themes.add(energy)
    OrganisationFactory(name="Ander Bedrijf", kind="corporate")
    OrganisationFactory(name="Nog niet geverifieerd", kind="energy_company", status="pending")

    response = client.get(
        reverse("members:organisation_list"),
        {
            "soort": "energy_company",
            "regio": "midden-brabant",
            "thema": "energietransitie",
            "geverifieerd": "1",
        },
    )

    assert list(response.context["page"].object_list) == [match]


def test_unverified_organisations_are_labelled_and_show_no_logo(
    client: Client, member: User
) -> None:
    from core.images import prepare_image
    from members import services

    organisation = services.organisation_register(
        by=member, name="Nieuw Initiatief", kind="other", logo=prepare_image(upload())
    )

    page = client.get(reverse("members:organisation_list")).text
    detail = client.get(organisation.get_absolute_url()).text
    assert "Nog niet geverifieerd" in page
    assert organisation.logo.name.rsplit("/", 1)[-1].split(".")[0] not in page + detail


def test_the_directory_query_count_does_not_grow_with_the_organisations(
    client: Client, django_assert_num_queries
) -> None:
    theme = ThemeFactory()
    for _ in range(30):
        OrganisationFactory().themes.add(theme)

    # 1 count for the paginator, 1 page of organisations with their region (join),
    # 1 prefetch of the themes, 1 regions and 1 themes for the filter menus.
    with django_assert_num_queries(5):
        response = client.get(reverse("members:organisation_list"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 24


def test_the_organisation_page_never_shows_email_addresses(
    client: Client, organisation: Organisation, org_owner: User, org_member: User
) -> None:
    # Even members who chose to appear show only their display name.
    organisation.memberships.update(is_public=True)

    page = client.get(organisation.get_absolute_url()).text

    assert "Olga Eigenaar" in page
    assert org_owner.email not in page
    assert org_member.email not in page


# --- registering and editing --------------------------------------------------------------


def test_a_member_registers_an_organisation_through_the_form(client: Client, member: User) -> None:
    client.force_login(member)

    response = client.post(
        reverse("members:organisation_create"),
        {
            "name": "Voedselbank Oost",
            "kind": "civil_society",
            "kvk_number": "11223344",
            "website": "voedselbank-oost.nl",
            "open_to_cooperation": "on",
        },
    )

    organisation = Organisation.objects.get(name="Voedselbank Oost")
    assert response.status_code == 302
    assert response["Location"] == organisation.get_absolute_url()
    assert organisation.website == "https://voedselbank-oost.nl"


def test_a_duplicate_kvk_number_re_renders_the_form_with_the_input_kept(
    client: Client, member: User
) -> None:
    OrganisationFactory(kvk_number="11223344")
    client.force_login(member)

    response = client.post(
        reverse("members:organisation_create"),
        {"name": "Dubbel", "kind": "other", "kvk_number": "11223344", "description": "Mijn tekst"},
    )

    assert response.status_code == 200
    assert "Er is al een organisatie met dit KvK-nummer geregistreerd" in response.text
    assert "Mijn tekst" in response.text
    assert not Organisation.objects.filter(name="Dubbel").exists()


def test_a_file_that_is_not_an_image_re_renders_with_a_clear_message(
    client: Client, member: User
) -> None:
    client.force_login(member)

    response = client.post(
        reverse("members:organisation_create"),
        {"name": "Met logo", "kind": "other", "logo": upload("logo.png", content=b"no image here")},
    )

    assert response.status_code == 200
    assert "logo" in response.context["form"].errors
    assert not Organisation.objects.filter(name="Met logo").exists()


def test_an_admin_edits_the_organisation(
    client: Client, organisation: Organisation, org_admin: User
) -> None:
    client.force_login(org_admin)

    response = client.post(
        reverse("members:organisation_edit", args=[organisation.slug]),
        {
            "name": "Gemeente Tilburg",
            "kind": "municipality",
            "website": organisation.website,
            "description": "Nieuwe tekst",
            "logo": upload(content=image_bytes(fmt="PNG")),
        },
    )

    organisation.refresh_from_db()
    assert response.status_code == 302
    assert organisation.description == "Nieuwe tekst"
    assert organisation.logo


# --- invitations through the pages --------------------------------------------------------------


def test_an_admin_invites_through_the_members_page(
    client: Client, organisation: Organisation, org_admin: User, django_capture_on_commit_callbacks
) -> None:
    client.force_login(org_admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("members:invitation_create", args=[organisation.slug]),
            {"email": "collega@example.org", "role": "member"},
        )

    assert response.status_code == 302
    assert Invitation.objects.open().filter(email="collega@example.org").exists()
    assert mail.outbox[-1].to == ["collega@example.org"]


def test_a_reused_invitation_link_answers_gone_with_the_reason(
    client: Client, organisation: Organisation, org_admin: User
) -> None:
    from members import services

    invitation = services.invitation_create(
        organisation=organisation, by=org_admin, email="a@example.org"
    )
    services.invitation_accept(invitation=invitation, by=UserFactory(email="a@example.org"))

    response = client.get(reverse("members:invitation_accept", args=[invitation.accept_token]))

    assert response.status_code == 410
    assert "al gebruikt" in response.text


def test_a_logged_in_member_accepts_an_invitation_with_one_click(
    client: Client, organisation: Organisation, org_admin: User, member: User
) -> None:
    from members import services

    invitation = services.invitation_create(
        organisation=organisation, by=org_admin, email=member.email
    )
    client.force_login(member)
    url = reverse("members:invitation_accept", args=[invitation.accept_token])

    assert client.get(url).status_code == 200
    response = client.post(url)

    assert response.status_code == 302
    membership = Membership.objects.get(organisation=organisation, user=member)
    assert membership.role == MembershipRole.MEMBER
    assert not membership.is_public  # nothing ticked: the membership stays out of public view


def test_the_last_owner_leaving_gets_a_message_and_stays(
    client: Client, organisation: Organisation, org_owner: User
) -> None:
    client.force_login(org_owner)

    response = client.post(
        reverse("members:membership_leave", args=[organisation.slug]), follow=True
    )

    assert "enige eigenaar" in response.text
    assert Membership.objects.filter(organisation=organisation, user=org_owner).exists()


# --- profiles ----------------------------------------------------------------------------------


def test_a_private_profile_is_not_found_by_others(client: Client, member: User) -> None:
    from members.services import profile_for

    profile = profile_for(member)

    assert client.get(profile.get_absolute_url()).status_code == 404
    client.force_login(member)
    assert client.get(profile.get_absolute_url()).status_code == 200


def test_a_public_profile_shows_only_what_the_member_chose(client: Client, member: User) -> None:
    from members.services import profile_for

    profile = profile_for(member)
    profile.is_public = True
    profile.bio = "Ik werk aan energie in de wijk."
    profile.show_bio = False
    profile.save()
    MembershipFactory(
        user=member, organisation=OrganisationFactory(name="Zichtbare Org"), is_public=True
    )
    MembershipFactory(user=member, organisation=OrganisationFactory(name="Verborgen Org"))

    page = client.get(profile.get_absolute_url()).text

    assert "Mila Lid" in page
    assert "Ik werk aan energie" not in page
    assert "Zichtbare Org" in page
    assert "Verborgen Org" not in page
    assert member.email not in page


def test_a_member_edits_the_profile_and_uploads_an_avatar(client: Client, member: User) -> None:
    client.force_login(member)

    response = client.post(
        reverse("members:profile_edit"),
        {
            "display_name": "Mila L.",
            "language": "en",
            "bio": "Hallo",
            "is_public": "on",
            "show_bio": "on",
            "avatar": upload(),
        },
    )

    member.refresh_from_db()
    assert response.status_code == 302
    assert member.display_name == "Mila L."
    assert member.language == "en"
    assert member.profile.is_public
    assert member.profile.avatar


def test_the_organisation_page_query_count_does_not_grow_with_its_members(
    client: Client, organisation: Organisation, org_owner: User, django_assert_max_num_queries
) -> None:
    for _ in range(20):
        MembershipFactory(organisation=organisation)

    # organisation (+region), public members (+user, profile), themes; other apps may add
    # a few fixed queries for their sections, but none that grow with the members.
    with django_assert_max_num_queries(10):
        response = client.get(organisation.get_absolute_url())
    assert response.status_code == 200


def test_an_anonymous_visitor_with_an_invitation_is_offered_to_sign_up(
    client: Client, organisation: Organisation, org_admin: User
) -> None:
    from members import services

    invitation = services.invitation_create(
        organisation=organisation, by=org_admin, email="n@example.org"
    )
    token = invitation.accept_token  # signed once: each signature carries its own timestamp

    response = client.get(reverse("members:invitation_accept", args=[token]))

    assert response.status_code == 200
    assert reverse("account_signup") in response.text
    assert client.session[PENDING_INVITATION_SESSION_KEY] == token
    signup = client.get(reverse("account_signup"))
    field = signup.context["form"]["email"]
    assert field.value() == "n@example.org"
    assert "readonly" in str(field)


def test_join_requests_are_rate_limited(client: Client, member: User) -> None:
    client.force_login(member)
    organisations = [OrganisationFactory() for _ in range(11)]
    for organisation in organisations[:10]:
        client.post(reverse("members:join_request_create", args=[organisation.slug]))

    response = client.post(reverse("members:join_request_create", args=[organisations[10].slug]))

    assert response.status_code == 200
    assert not organisations[10].join_requests.exists()


# --- signing up through an invitation, and showing a membership ----------------------------


def test_a_newcomer_signs_up_through_the_invitation_and_the_address_is_verified_on_the_way(
    client: Client, organisation: Organisation, org_admin: User
) -> None:
    from allauth.account.models import EmailAddress

    from members import services

    invitation = services.invitation_create(
        organisation=organisation, by=org_admin, email=" Nieuw@Example.org "
    )
    url = reverse("members:invitation_accept", args=[invitation.accept_token])
    client.get(url)

    signed_up = client.post(
        reverse("account_signup"),
        {
            "email": "nieuw@example.org",
            "display_name": "Nina Nieuw",
            "password1": "een-lang-wachtwoord-42",
            "password2": "een-lang-wachtwoord-42",
        },
    )
    accepted = client.post(url, {"is_public": "on"})

    # No second confirmation: the link proved the address, and the newcomer is logged in.
    assert signed_up.status_code == 302
    assert signed_up["Location"] == url
    user = User.objects.get(email="nieuw@example.org")
    assert EmailAddress.objects.get(user=user).verified
    assert accepted.status_code == 302
    membership = Membership.objects.get(organisation=organisation, user=user)
    assert membership.is_public  # they ticked the box
    assert "Nina Nieuw" in client.get(organisation.get_absolute_url()).text


def test_the_invitation_page_asks_whether_to_show_the_membership_unticked(
    client: Client, organisation: Organisation, org_admin: User, member: User
) -> None:
    from members import services

    invitation = services.invitation_create(
        organisation=organisation, by=org_admin, email=member.email
    )
    client.force_login(member)

    response = client.get(reverse("members:invitation_accept", args=[invitation.accept_token]))

    field = response.context["form"]["is_public"]
    assert field.value() is False
    assert "checked" not in str(field)


def test_a_member_shows_and_hides_the_membership_from_the_dashboard(
    client: Client, organisation: Organisation, org_member: User
) -> None:
    client.force_login(org_member)
    url = reverse("members:membership_visibility", args=[organisation.slug])
    dashboard = client.get(reverse("members:dashboard")).text
    assert url in dashboard

    shown = client.post(url, {"is_public": "on", "return_to": "dashboard"})
    page_when_shown = client.get(organisation.get_absolute_url()).text
    hidden = client.post(url, {"return_to": "organisation"})
    page_when_hidden = client.get(organisation.get_absolute_url()).text

    assert shown["Location"] == reverse("members:dashboard")
    assert "Mo Medewerker" in page_when_shown
    assert hidden["Location"] == organisation.get_absolute_url()
    assert "Mo Medewerker" not in page_when_hidden
    assert not Membership.objects.get(organisation=organisation, user=org_member).is_public


@pytest.mark.parametrize(("role", "status"), [("outsider", 302), ("member", 404)])
def test_only_members_reach_the_visibility_switch(
    request: pytest.FixtureRequest,
    client: Client,
    organisation: Organisation,
    role: str,
    status: int,
) -> None:
    user = request.getfixturevalue(role)
    if user is not None:
        client.force_login(user)
    url = reverse("members:membership_visibility", args=[organisation.slug])

    assert client.post(url, {"is_public": "on"}).status_code == status
    assert client.get(url).status_code == (302 if role == "outsider" else 405)


def test_a_new_member_is_not_listed_on_the_organisation_page(
    client: Client, organisation: Organisation, org_owner: User
) -> None:
    page = client.get(organisation.get_absolute_url()).text

    assert "Olga Eigenaar" not in page
    assert "Geen openbare leden." in page


def test_the_members_page_of_a_suspended_organisation_offers_no_invitations(
    client: Client, organisation: Organisation, org_admin: User
) -> None:
    Organisation.objects.filter(pk=organisation.pk).update(status="suspended")
    client.force_login(org_admin)

    response = client.get(reverse("members:organisation_members", args=[organisation.slug]))

    assert response.status_code == 200
    assert reverse("members:invitation_create", args=[organisation.slug]) not in response.text


def test_the_wrong_account_page_logs_out_and_returns_to_the_invitation(
    client: Client, organisation: Organisation, org_admin: User, member: User
) -> None:
    from members import services

    invitation = services.invitation_create(
        organisation=organisation, by=org_admin, email="bram@example.org"
    )
    token = invitation.accept_token
    url = reverse("members:invitation_accept", args=[token])
    client.force_login(member)

    page = client.get(url)
    back = client.post(reverse("account_logout"), {"next": url}, follow=True)

    assert page.status_code == 403
    assert f'name="next" value="{url}"' in page.text
    assert back.redirect_chain[-1][0] == url
    assert back.status_code == 200
    assert "_auth_user_id" not in client.session
    assert client.session[PENDING_INVITATION_SESSION_KEY] == token
