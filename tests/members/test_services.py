"""The rules of organisations and memberships, exercised through the services."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from PIL import Image

from core.images import RENDITIONS, prepare_image, rendition_name
from members import services
from members.models import (
    Invitation,
    JoinRequestStatus,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationStatus,
    Profile,
    User,
)
from tests.images import gps_exif, image_bytes, upload
from tests.members.factories import (
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def register(by: User, **overrides) -> Organisation:
    fields = {"name": "Buurtkracht Noord", "kind": "neighbourhood_initiative"} | overrides
    return services.organisation_register(by=by, **fields)


# --- registering ------------------------------------------------------------------


def test_a_member_with_a_verified_email_registers_an_organisation_and_owns_it(member: User) -> None:
    organisation = register(member, kvk_number="12345678")

    assert organisation.status == OrganisationStatus.PENDING
    assert organisation.slug == "buurtkracht-noord"
    assert (
        Membership.objects.get(organisation=organisation, user=member).role == MembershipRole.OWNER
    )


def test_a_member_without_a_verified_email_cannot_register() -> None:
    unverified = UserFactory(verified_email=False)

    with pytest.raises(PermissionDenied):
        register(unverified)
    assert not Organisation.objects.exists()


def test_a_duplicate_kvk_number_is_refused_and_nothing_is_written(member: User) -> None:
    register(member, kvk_number="12345678")

    with pytest.raises(ValidationError, match="KvK"):
        register(member, name="Tweede poging", kvk_number="12345678")
    assert Organisation.objects.count() == 1
    assert Membership.objects.count() == 1


def test_two_registrations_at_once_with_one_kvk_number_get_the_forms_message(
    member: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(member, kvk_number="12345678")
    # The second registration checked its constraints before the first one was written.
    monkeypatch.setattr(Organisation, "validate_constraints", lambda self, exclude=None: None)

    with pytest.raises(ValidationError, match="KvK"):
        register(member, name="Tegelijk", kvk_number="12345678")
    assert Organisation.objects.count() == 1
    assert Membership.objects.count() == 1


def test_the_database_itself_refuses_a_duplicate_kvk_number() -> None:
    OrganisationFactory(kvk_number="87654321")

    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(kvk_number="87654321")


def test_two_organisations_without_kvk_number_are_fine(member: User) -> None:
    register(member)
    register(member, name="Buurtkracht Zuid")

    assert Organisation.objects.filter(kvk_number="").count() == 2


def test_an_edit_writes_only_what_the_admin_changed(
    organisation: Organisation, org_owner: User
) -> None:
    stale = Organisation.objects.get(pk=organisation.pk)
    was_open = stale.open_to_cooperation
    Organisation.objects.filter(pk=organisation.pk).update(description="Door een collega")

    services.organisation_update(
        organisation=stale,
        by=org_owner,
        name=stale.name,
        kind=stale.kind,
        kvk_number=stale.kvk_number,
        website=stale.website,
        description=stale.description,
        region=stale.region,
        themes=[],
        open_to_cooperation=not was_open,
    )

    organisation.refresh_from_db()
    assert organisation.description == "Door een collega"
    assert organisation.open_to_cooperation is not was_open


def test_a_profile_edit_writes_only_what_the_member_changed(member: User) -> None:
    profile = services.profile_for(member)
    Profile.objects.filter(pk=profile.pk).update(bio="In een ander tabblad")

    services.profile_update(
        user=member,
        display_name="Mila",
        language=member.language,
        bio=profile.bio,
        region=None,
        themes=[],
        visibility={"is_public": True},
    )

    profile.refresh_from_db()
    member.refresh_from_db()
    assert (profile.bio, profile.is_public, member.display_name) == (
        "In een ander tabblad",
        True,
        "Mila",
    )


def test_same_names_get_distinct_slugs(member: User) -> None:
    first = register(member)
    second = register(member)

    assert first.slug != second.slug


def test_an_uploaded_logo_is_stored_without_gps_data_and_with_renditions(member: User) -> None:
    logo = prepare_image(upload(content=image_bytes(exif=gps_exif())))

    organisation = register(member, logo=logo)

    with organisation.logo.open("rb") as handle:
        assert not Image.open(io.BytesIO(handle.read())).getexif()
    for rendition in RENDITIONS["logo"]:
        with default_storage.open(rendition_name(organisation.logo.name, rendition)) as handle:
            assert Image.open(handle).size == (rendition.width, rendition.height)


def test_a_logo_shows_only_once_the_organisation_is_verified(member: User, editor: User) -> None:
    organisation = register(member, logo=prepare_image(upload()))
    assert not organisation.shows_logo

    services.organisation_verify(organisation=organisation, by=editor)

    assert organisation.shows_logo


# --- verification by email domain -------------------------------------------------------


def _code_from_outbox() -> str:
    return mail.outbox[-1].subject.rsplit(" ", 1)[-1]


def test_an_admin_verifies_through_an_address_on_the_website_domain(
    organisation: Organisation, org_owner: User, django_capture_on_commit_callbacks
) -> None:
    organisation.status = OrganisationStatus.PENDING
    organisation.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.domain_verification_start(
            organisation=organisation, by=org_owner, email="info@gemeente-tilburg.nl"
        )

    assert mail.outbox[-1].to == ["info@gemeente-tilburg.nl"]
    assert services.domain_verification_confirm(
        organisation=organisation, by=org_owner, code=_code_from_outbox()
    )
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.VERIFIED
    assert organisation.verification_method == "domain"


def test_an_address_on_another_domain_is_refused(
    organisation: Organisation, org_owner: User
) -> None:
    # Pending: only a pending organisation verifies itself (a verified one is refused first).
    organisation.status = OrganisationStatus.PENDING
    organisation.save()
    with pytest.raises(ValidationError, match=r"gemeente-tilburg\.nl"):
        services.domain_verification_start(
            organisation=organisation, by=org_owner, email="gemeente@gmail.com"
        )


def test_a_wrong_code_counts_and_five_attempts_use_the_code_up(
    organisation: Organisation, org_owner: User
) -> None:
    organisation.status = OrganisationStatus.PENDING
    organisation.save()
    services.domain_verification_start(
        organisation=organisation, by=org_owner, email="info@gemeente-tilburg.nl"
    )
    for _attempt in range(5):
        assert not services.domain_verification_confirm(
            organisation=organisation, by=org_owner, code="000000x"
        )

    with pytest.raises(ValidationError, match="expired or was tried too often"):
        services.domain_verification_confirm(organisation=organisation, by=org_owner, code="123456")


def test_a_plain_member_cannot_start_domain_verification(
    organisation: Organisation, org_member: User
) -> None:
    with pytest.raises(PermissionDenied):
        services.domain_verification_start(
            organisation=organisation, by=org_member, email="info@gemeente-tilburg.nl"
        )


# --- invitations --------------------------------------------------------------------------


def test_an_admin_invites_and_the_colleague_accepts_once(
    organisation: Organisation, org_admin: User
) -> None:
    invitation = services.invitation_create(
        organisation=organisation, by=org_admin, email="collega@example.org"
    )
    colleague = UserFactory(email="collega@example.org")

    found = services.invitation_from_token(invitation.accept_token)
    membership = services.invitation_accept(invitation=found, by=colleague)

    assert membership.role == MembershipRole.MEMBER
    with pytest.raises(services.InvitationError, match="already been used"):
        services.invitation_from_token(invitation.accept_token)


def test_an_expired_invitation_cannot_be_used(organisation: Organisation, org_admin: User) -> None:
    invitation = services.invitation_create(
        organisation=organisation, by=org_admin, email="laat@example.org"
    )

    with (
        time_machine.travel(timezone.now() + timedelta(days=15)),
        pytest.raises(services.InvitationError, match="expired"),
    ):
        services.invitation_from_token(invitation.accept_token)


def test_a_tampered_invitation_link_is_refused() -> None:
    invitation = InvitationFactory()

    with pytest.raises(services.InvitationError, match="not valid"):
        services.invitation_from_token(invitation.accept_token[:-2] + "xx")


def test_a_withdrawn_invitation_cannot_be_used(organisation: Organisation, org_admin: User) -> None:
    invitation = services.invitation_create(
        organisation=organisation, by=org_admin, email="weg@example.org"
    )
    services.invitation_revoke(invitation=invitation, by=org_admin)

    with pytest.raises(services.InvitationError, match="withdrawn"):
        services.invitation_from_token(invitation.accept_token)


def test_a_new_invitation_replaces_the_open_one(
    organisation: Organisation, org_admin: User
) -> None:
    first = services.invitation_create(
        organisation=organisation, by=org_admin, email="a@example.org"
    )
    services.invitation_create(organisation=organisation, by=org_admin, email="A@example.org")

    first.refresh_from_db()
    assert first.revoked_at is not None
    assert Invitation.objects.open().filter(email__iexact="a@example.org").count() == 1


def test_an_admin_cannot_invite_an_owner_but_an_owner_can(
    organisation: Organisation, org_admin: User, org_owner: User
) -> None:
    with pytest.raises(PermissionDenied):
        services.invitation_create(
            organisation=organisation, by=org_admin, email="baas@example.org", role="owner"
        )
    invitation = services.invitation_create(
        organisation=organisation, by=org_owner, email="baas@example.org", role="owner"
    )
    assert invitation.role == MembershipRole.OWNER


def test_a_plain_member_cannot_invite(organisation: Organisation, org_member: User) -> None:
    with pytest.raises(PermissionDenied):
        services.invitation_create(organisation=organisation, by=org_member, email="x@example.org")


def test_inviting_an_existing_member_is_refused(
    organisation: Organisation, org_admin: User, org_member: User
) -> None:
    with pytest.raises(ValidationError, match="already a member"):
        services.invitation_create(organisation=organisation, by=org_admin, email=org_member.email)


def test_the_invitation_email_carries_the_link(
    organisation: Organisation, org_admin: User, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            organisation=organisation, by=org_admin, email="nieuw@example.org"
        )

    message = mail.outbox[-1]
    assert message.to == ["nieuw@example.org"]
    assert "Gemeente Tilburg" in message.subject
    assert invitation.accept_token in message.body


def test_an_invitation_is_stored_under_its_normalised_address(
    organisation: Organisation, org_admin: User
) -> None:
    invitation = services.invitation_create(
        organisation=organisation, by=org_admin, email="  Collega@Example.ORG "
    )

    assert invitation.email == "collega@example.org"


def test_only_the_holder_of_the_invited_address_accepts(
    organisation: Organisation, org_admin: User, member: User
) -> None:
    invitation = services.invitation_create(
        organisation=organisation, by=org_admin, email="collega@example.org"
    )
    unverified = UserFactory(email="collega@example.org", verified_email=False)

    with pytest.raises(PermissionDenied, match="another email address"):
        services.invitation_accept(invitation=invitation, by=member)
    with pytest.raises(PermissionDenied):
        services.invitation_accept(invitation=invitation, by=unverified)
    assert not organisation.memberships.filter(user__in=[member, unverified]).exists()


def test_the_invited_address_matches_whatever_its_case(
    organisation: Organisation, org_admin: User
) -> None:
    invitation = services.invitation_create(
        organisation=organisation, by=org_admin, email="Collega@Example.org"
    )
    colleague = UserFactory(email="collega@example.org")

    membership = services.invitation_accept(invitation=invitation, by=colleague)

    assert membership.user == colleague
    assert not membership.is_public


def test_removing_or_demoting_an_inviter_revokes_their_open_invitations(
    organisation: Organisation, org_owner: User, org_admin: User
) -> None:
    second_admin = MembershipFactory(organisation=organisation, role=MembershipRole.ADMIN).user
    by_admin = services.invitation_create(
        organisation=organisation, by=org_admin, email="a@example.org"
    )
    by_second = services.invitation_create(
        organisation=organisation, by=second_admin, email="b@example.org"
    )
    by_owner = services.invitation_create(
        organisation=organisation, by=org_owner, email="c@example.org"
    )

    services.membership_remove(membership=owner_membership(organisation, org_admin), by=org_owner)
    services.membership_change_role(
        membership=owner_membership(organisation, second_admin), by=org_owner, role="member"
    )

    for invitation in (by_admin, by_second, by_owner):
        invitation.refresh_from_db()
    assert by_admin.revoked_at is not None
    assert by_second.revoked_at is not None
    assert by_owner.revoked_at is None  # the owner's own invitations are untouched


def test_promoting_a_member_leaves_invitations_alone(
    organisation: Organisation, org_owner: User, org_admin: User
) -> None:
    invitation = services.invitation_create(
        organisation=organisation, by=org_admin, email="a@example.org"
    )

    services.membership_change_role(
        membership=owner_membership(organisation, org_admin), by=org_owner, role="owner"
    )

    invitation.refresh_from_db()
    assert invitation.is_open()


def test_a_demoted_owner_keeps_member_invitations_but_loses_owner_invitations(
    organisation: Organisation, org_owner: User
) -> None:
    second_owner = MembershipFactory(organisation=organisation, role=MembershipRole.OWNER).user
    as_owner = services.invitation_create(
        organisation=organisation, by=second_owner, email="baas@example.org", role="owner"
    )
    as_member = services.invitation_create(
        organisation=organisation, by=second_owner, email="lid@example.org"
    )

    services.membership_change_role(
        membership=owner_membership(organisation, second_owner), by=org_owner, role="admin"
    )

    as_owner.refresh_from_db()
    as_member.refresh_from_db()
    assert as_owner.revoked_at is not None
    assert as_member.is_open()


def test_an_inviter_who_is_no_longer_admin_cannot_bring_anyone_in(
    organisation: Organisation, org_admin: User
) -> None:
    invitation = services.invitation_create(
        organisation=organisation, by=org_admin, email="a@example.org"
    )
    Membership.objects.filter(user=org_admin).delete()  # not through the service

    with pytest.raises(services.InvitationError, match="can no longer invite"):
        services.invitation_accept(invitation=invitation, by=UserFactory(email="a@example.org"))
    with pytest.raises(services.InvitationError, match="can no longer invite"):
        services.invitation_from_token(invitation.accept_token)


@pytest.mark.parametrize("status", [OrganisationStatus.SUSPENDED, OrganisationStatus.ARCHIVED])
def test_a_frozen_organisation_neither_invites_nor_lets_anyone_in(
    organisation: Organisation, org_admin: User, member: User, status: str
) -> None:
    invitation = services.invitation_create(
        organisation=organisation, by=org_admin, email="a@example.org"
    )
    join_request = services.join_request_create(organisation=organisation, by=member)
    Organisation.objects.filter(pk=organisation.pk).update(status=status)
    organisation.refresh_from_db()

    with pytest.raises(ValidationError, match="suspended or archived"):
        services.invitation_create(organisation=organisation, by=org_admin, email="b@example.org")
    with pytest.raises(ValidationError, match="suspended or archived"):
        services.invitation_accept(invitation=invitation, by=UserFactory(email="a@example.org"))
    with pytest.raises(ValidationError, match="suspended or archived"):
        services.join_request_decide(join_request=join_request, by=org_admin, approve=True)
    assert not organisation.memberships.filter(user=member).exists()


def test_the_member_shows_and_hides_their_own_membership(
    organisation: Organisation, org_member: User
) -> None:
    membership = Membership.objects.get(organisation=organisation, user=org_member)

    services.membership_set_visibility(membership=membership, by=org_member, is_public=True)
    assert Membership.objects.get(pk=membership.pk).is_public
    services.membership_set_visibility(membership=membership, by=org_member, is_public=False)
    assert not Membership.objects.get(pk=membership.pk).is_public


# --- requests to join -----------------------------------------------------------------


def test_a_member_asks_to_join_and_an_admin_approves(
    organisation: Organisation, org_admin: User, member: User
) -> None:
    join_request = services.join_request_create(
        organisation=organisation, by=member, message="Hoi!"
    )

    services.join_request_decide(join_request=join_request, by=org_admin, approve=True)

    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.APPROVED
    assert (
        Membership.objects.get(organisation=organisation, user=member).role == MembershipRole.MEMBER
    )


def test_a_declined_request_adds_no_membership(
    organisation: Organisation, org_admin: User, member: User
) -> None:
    join_request = services.join_request_create(organisation=organisation, by=member)

    services.join_request_decide(join_request=join_request, by=org_admin, approve=False)

    assert not Membership.objects.filter(organisation=organisation, user=member).exists()


def test_one_pending_request_at_a_time(
    organisation: Organisation, org_owner: User, member: User
) -> None:
    services.join_request_create(organisation=organisation, by=member)

    with pytest.raises(ValidationError, match="already asked"):
        services.join_request_create(organisation=organisation, by=member)


def test_a_plain_member_cannot_decide_on_requests(
    organisation: Organisation, org_member: User, member: User
) -> None:
    join_request = services.join_request_create(organisation=organisation, by=member)

    with pytest.raises(PermissionDenied):
        services.join_request_decide(join_request=join_request, by=org_member, approve=True)


# --- roles, leaving and ownership: always at least one owner ---------------------------------


def owner_membership(organisation: Organisation, user: User) -> Membership:
    return Membership.objects.get(organisation=organisation, user=user)


def test_the_last_owner_cannot_leave(organisation: Organisation, org_owner: User) -> None:
    with pytest.raises(ValidationError, match="only owner"):
        services.membership_leave(membership=owner_membership(organisation, org_owner))
    assert Membership.objects.filter(organisation=organisation, role="owner").count() == 1


def test_the_last_owner_cannot_be_demoted(organisation: Organisation, org_owner: User) -> None:
    with pytest.raises(ValidationError, match="at least one owner"):
        services.membership_change_role(
            membership=owner_membership(organisation, org_owner), by=org_owner, role="admin"
        )


def test_an_owner_transfers_ownership_and_stays_on_as_admin(
    organisation: Organisation, org_owner: User, org_member: User
) -> None:
    services.ownership_transfer(
        organisation=organisation, by=org_owner, to=owner_membership(organisation, org_member)
    )

    assert owner_membership(organisation, org_member).role == MembershipRole.OWNER
    assert owner_membership(organisation, org_owner).role == MembershipRole.ADMIN


def test_leaving_withdraws_the_invitations_one_sent(
    organisation: Organisation, org_admin: User
) -> None:
    invitation = services.invitation_create(
        organisation=organisation, by=org_admin, email="a@example.org"
    )

    services.membership_leave(membership=owner_membership(organisation, org_admin))

    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_after_a_transfer_the_former_owner_may_leave(
    organisation: Organisation, org_owner: User, org_member: User
) -> None:
    services.ownership_transfer(
        organisation=organisation, by=org_owner, to=owner_membership(organisation, org_member)
    )
    services.membership_leave(membership=owner_membership(organisation, org_owner))

    assert not Membership.objects.filter(organisation=organisation, user=org_owner).exists()


def test_an_admin_cannot_touch_an_owner(
    organisation: Organisation, org_admin: User, org_owner: User
) -> None:
    with pytest.raises(PermissionDenied):
        services.membership_remove(
            membership=owner_membership(organisation, org_owner), by=org_admin
        )
    with pytest.raises(PermissionDenied):
        services.membership_change_role(
            membership=owner_membership(organisation, org_owner), by=org_admin, role="member"
        )


def test_an_admin_promotes_a_member_to_admin(
    organisation: Organisation, org_admin: User, org_member: User
) -> None:
    services.membership_change_role(
        membership=owner_membership(organisation, org_member), by=org_admin, role="admin"
    )

    assert owner_membership(organisation, org_member).role == MembershipRole.ADMIN


def test_an_admin_of_another_organisation_has_no_say(
    organisation: Organisation, org_member: User
) -> None:
    stranger = MembershipFactory(role=MembershipRole.ADMIN).user

    with pytest.raises(PermissionDenied):
        services.membership_remove(
            membership=owner_membership(organisation, org_member), by=stranger
        )


def test_verifying_and_suspending_leave_an_audit_entry(
    organisation: Organisation, editor: User
) -> None:
    from core.audit import audit_history

    organisation.status = OrganisationStatus.PENDING
    organisation.save()
    services.organisation_verify(organisation=organisation, by=editor)
    services.organisation_suspend(organisation=organisation, by=editor, reason="Misleidende naam")

    entries = list(audit_history(organisation))
    assert [e.action for e in entries] == ["organisation.suspend", "organisation.verify"]
    assert entries[0].actor == editor
    assert entries[0].reason == "Misleidende naam"


@pytest.mark.parametrize("action", ["change_role", "remove", "leave"])
def test_acting_on_a_membership_another_admin_just_removed_says_so(
    organisation: Organisation, org_owner: User, org_member: User, action: str
) -> None:
    # The page was shown with the membership; another admin removed it before this request.
    stale = owner_membership(organisation, org_member)
    services.membership_remove(membership=owner_membership(organisation, org_member), by=org_owner)

    with pytest.raises(ValidationError, match="no longer a member"):
        if action == "change_role":
            services.membership_change_role(membership=stale, by=org_owner, role="admin")
        elif action == "remove":
            services.membership_remove(membership=stale, by=org_owner)
        else:
            services.membership_leave(membership=stale)


@pytest.mark.parametrize(
    "action", ["edit", "invite", "revoke_invitation", "decide_join_request", "send_code"]
)
def test_a_deactivated_owner_can_no_longer_act_for_the_organisation(
    organisation: Organisation, org_owner: User, member: User, action: str
) -> None:
    organisation.status = OrganisationStatus.PENDING
    organisation.save(update_fields=["status"])
    invitation = services.invitation_create(
        organisation=organisation, by=org_owner, email="nieuw@example.org"
    )
    join_request = services.join_request_create(organisation=organisation, by=member)
    org_owner.is_active = False
    org_owner.save(update_fields=["is_active"])
    attempts = {
        "edit": lambda: services.organisation_update(
            organisation=organisation,
            by=org_owner,
            name="Overgenomen",
            kind=organisation.kind,
            kvk_number="",
            website="",
            description="",
            region=None,
            themes=[],
            open_to_cooperation=True,
        ),
        "invite": lambda: services.invitation_create(
            organisation=organisation, by=org_owner, email="ander@example.org"
        ),
        "revoke_invitation": lambda: services.invitation_revoke(
            invitation=invitation, by=org_owner
        ),
        "decide_join_request": lambda: services.join_request_decide(
            join_request=join_request, by=org_owner, approve=True
        ),
        "send_code": lambda: services.domain_verification_start(
            organisation=organisation, by=org_owner, email="info@gemeente-tilburg.nl"
        ),
    }

    with pytest.raises(PermissionDenied, match="Only an owner or admin"):
        attempts[action]()

    organisation.refresh_from_db()
    invitation.refresh_from_db()
    join_request.refresh_from_db()
    assert organisation.name == "Gemeente Tilburg"
    assert invitation.is_open()
    assert join_request.status == JoinRequestStatus.PENDING
    assert Invitation.objects.count() == 1


def test_reinstating_tells_the_organisations_admins(
    organisation: Organisation, org_owner: User, editor: User, django_capture_on_commit_callbacks
) -> None:
    services.organisation_suspend(organisation=organisation, by=editor, reason="Misleidende naam")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_reinstate(organisation=organisation, by=editor)

    assert [message.to for message in mail.outbox] == [[org_owner.email]]
    assert organisation.name in mail.outbox[0].subject
    assert organisation.get_absolute_url() in mail.outbox[0].body
