"""Use cases for members and organisations.

Every function here is the one way to do its thing: views, admin actions, the demo
seeder and tests all call it. Each runs in a transaction and sends mail on commit.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.signing import BadSignature, SignatureExpired, TimestampSigner
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.emails import absolute_url, send_templated_email
from core.images import delete_image, make_renditions
from core.models import Region, Theme
from members import roles
from members.models import (
    INVITATION_SIGNING_SALT,
    INVITATION_VALID_DAYS,
    DomainVerification,
    Invitation,
    JoinRequest,
    JoinRequestStatus,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationStatus,
    Profile,
    User,
)
from members.roles import ADMIN_ROLES, organisation_admins

DOMAIN_CODE_VALID_MINUTES = 30
DOMAIN_CODES_PER_HOUR = 3


class InvitationError(Exception):
    """An invitation link that cannot be used, with a message for the visitor."""


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def unique_slug(
    model: type[Organisation] | type[Profile], text: str, *, max_length: int = 60
) -> str:
    base = slugify(text)[:max_length].strip("-") or "x"
    slug = base
    while model.objects.filter(slug=slug).exists():
        slug = f"{base}-{get_random_string(4, 'abcdefghijkmnpqrstuvwxyz23456789')}"
    return slug


def has_verified_email(user: User) -> bool:
    return EmailAddress.objects.filter(user=user, verified=True).exists()


def _admin_emails(organisation: Organisation) -> list[tuple[str, str]]:
    """(email, language) of the organisation's owners and admins, for notifications."""
    return list(organisation_admins(organisation).values_list("email", "language"))


def _notify_admins(organisation: Organisation, template_prefix: str, context: dict) -> None:
    for email, language in _admin_emails(organisation):
        send_templated_email(
            template_prefix=template_prefix, to=[email], context=context, language=language
        )


def _locked_memberships(organisation: Organisation) -> list[Membership]:
    """Lock the organisation's memberships: owner counts must not race."""
    return list(
        Membership.objects.select_for_update().filter(organisation=organisation).order_by("pk")
    )


def _require_admin(organisation: Organisation, by: User) -> Membership:
    membership = Membership.objects.filter(organisation=organisation, user=by).first()
    if membership is None or membership.role not in ADMIN_ROLES:
        raise PermissionDenied(_("Only an owner or admin of the organisation may do this."))
    return membership


# ---------------------------------------------------------------------------
# Profiles
# ---------------------------------------------------------------------------


def profile_for(user: User) -> Profile:
    """The member's profile, created on first use."""
    try:
        return user.profile
    except Profile.DoesNotExist:
        profile, _created = Profile.objects.get_or_create(
            user=user,
            defaults={"slug": unique_slug(Profile, user.display_name or "lid")},
        )
        return profile


@transaction.atomic
def profile_update(
    *,
    user: User,
    display_name: str,
    language: str,
    bio: str,
    region: Region | None,
    themes: Iterable[Theme],
    avatar: ContentFile | None = None,
    remove_avatar: bool = False,
    visibility: dict[str, bool],
) -> Profile:
    profile = profile_for(user)
    user.display_name = display_name
    user.language = language
    user.save(update_fields=["display_name", "language"])
    profile.bio = bio
    profile.region = region
    for field in (
        "is_public",
        "show_avatar",
        "show_bio",
        "show_region",
        "show_themes",
        "show_organisations",
    ):
        setattr(profile, field, visibility.get(field, getattr(profile, field)))
    if avatar is not None or remove_avatar:
        if profile.avatar:
            field_file = profile.avatar
            transaction.on_commit(lambda: delete_image(field_file, "avatar"))
        profile.avatar = avatar or ""  # type: ignore[assignment]
    profile.save()
    if avatar is not None:
        make_renditions(profile.avatar, "avatar")
    profile.themes.set(list(themes))
    return profile


# ---------------------------------------------------------------------------
# Organisations
# ---------------------------------------------------------------------------


@transaction.atomic
def organisation_register(
    *,
    by: User,
    name: str,
    kind: str,
    kvk_number: str = "",
    website: str = "",
    description: str = "",
    region: Region | None = None,
    themes: Iterable[Theme] = (),
    open_to_cooperation: bool = True,
    logo: ContentFile | None = None,
) -> Organisation:
    """Register an organisation; the registering member becomes its first owner."""
    if not has_verified_email(by):
        raise PermissionDenied(_("Verify your email address before you register an organisation."))
    organisation = Organisation(
        name=name,
        slug=unique_slug(Organisation, name),
        kind=kind,
        kvk_number=kvk_number,
        website=website,
        description=description,
        region=region,
        open_to_cooperation=open_to_cooperation,
        created_by=by,
    )
    if logo is not None:
        organisation.logo = logo  # type: ignore[assignment]
    organisation.full_clean()
    organisation.save()
    organisation.themes.set(list(themes))
    if logo is not None:
        make_renditions(organisation.logo, "logo")
    Membership.objects.create(organisation=organisation, user=by, role=MembershipRole.OWNER)
    return organisation


@transaction.atomic
def organisation_update(
    *,
    organisation: Organisation,
    by: User,
    name: str,
    kind: str,
    kvk_number: str,
    website: str,
    description: str,
    region: Region | None,
    themes: Iterable[Theme],
    open_to_cooperation: bool,
    logo: ContentFile | None = None,
    remove_logo: bool = False,
) -> Organisation:
    _require_admin(organisation, by)
    organisation.name = name
    organisation.kind = kind
    organisation.kvk_number = kvk_number
    if website != organisation.website and organisation.verification_method == "domain":
        # The domain proved who they are; a new domain has to prove it again.
        organisation.status = OrganisationStatus.PENDING
        organisation.verified_at = None
        organisation.verification_method = ""
    organisation.website = website
    organisation.description = description
    organisation.region = region
    organisation.open_to_cooperation = open_to_cooperation
    if logo is not None or remove_logo:
        if organisation.logo:
            old = organisation.logo
            transaction.on_commit(lambda: delete_image(old, "logo"))
        organisation.logo = logo or ""  # type: ignore[assignment]
    organisation.full_clean()
    organisation.save()
    organisation.themes.set(list(themes))
    if logo is not None:
        make_renditions(organisation.logo, "logo")
    return organisation


def _locked_organisation(organisation: Organisation) -> None:
    """Lock the organisation's row and read its current status, so that two status changes
    cannot race and none acts on a stale copy."""
    organisation.status = (
        Organisation.objects.select_for_update()
        .values_list("status", flat=True)
        .get(pk=organisation.pk)
    )


def _mark_verified(organisation: Organisation, *, by: User | None, method: str) -> Organisation:
    organisation.status = OrganisationStatus.VERIFIED
    organisation.verified_at = timezone.now()
    organisation.verification_method = method
    organisation.status_reason = ""
    organisation.save(
        update_fields=["status", "verified_at", "verification_method", "status_reason"]
    )
    audit_record(actor=by, action="organisation.verify", target=organisation, reason=method)
    _notify_admins(
        organisation,
        "members/email/organisation_verified",
        {"organisation": organisation, "url": absolute_url(organisation.get_absolute_url())},
    )
    return organisation


@transaction.atomic
def organisation_verify(*, organisation: Organisation, by: User) -> Organisation:
    """An editor verifies an organisation that waits for it (never a suspended one: that
    takes `organisation_reinstate`)."""
    roles.require_editor(by)
    _locked_organisation(organisation)
    if organisation.status != OrganisationStatus.PENDING:
        raise ValidationError(
            _("Only an organisation that waits for verification can be verified."),
            code="not_pending",
        )
    return _mark_verified(organisation, by=by, method="editor")


@transaction.atomic
def organisation_suspend(*, organisation: Organisation, by: User, reason: str) -> Organisation:
    """An editor takes an organisation out of public view; it can no longer act."""
    roles.require_editor(by)
    if not reason.strip():
        raise ValidationError(_("Give a reason for the suspension."))
    _locked_organisation(organisation)
    organisation.status = OrganisationStatus.SUSPENDED
    organisation.status_reason = reason
    organisation.save(update_fields=["status", "status_reason"])
    audit_record(actor=by, action="organisation.suspend", target=organisation, reason=reason)
    _notify_admins(
        organisation,
        "members/email/organisation_suspended",
        {"organisation": organisation, "reason": reason},
    )
    return organisation


@transaction.atomic
def organisation_reinstate(*, organisation: Organisation, by: User) -> Organisation:
    """Only an editor lifts a suspension; the organisation returns to what it had proven."""
    roles.require_editor(by)
    _locked_organisation(organisation)
    if organisation.status != OrganisationStatus.SUSPENDED:
        raise ValidationError(
            _("Only a suspended organisation can be reinstated."), code="not_suspended"
        )
    organisation.status = (
        OrganisationStatus.VERIFIED if organisation.verified_at else OrganisationStatus.PENDING
    )
    organisation.status_reason = ""
    organisation.save(update_fields=["status", "status_reason"])
    audit_record(actor=by, action="organisation.reinstate", target=organisation)
    return organisation


# ---------------------------------------------------------------------------
# Verification through an address on the organisation's own website domain
# ---------------------------------------------------------------------------


def _code_hash(code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), code.encode(), hashlib.sha256).hexdigest()


def email_matches_domain(email: str, domain: str) -> bool:
    email_domain = email.rsplit("@", 1)[-1].lower()
    return bool(domain) and (email_domain == domain or email_domain.endswith("." + domain))


@transaction.atomic
def domain_verification_start(
    *, organisation: Organisation, by: User, email: str
) -> DomainVerification:
    """Mail a six-digit code to an address on the organisation's website domain."""
    _require_admin(organisation, by)
    domain = organisation.website_domain
    if not domain:
        raise ValidationError(
            _("Add your organisation's website first: the address must be on its domain.")
        )
    if not email_matches_domain(email, domain):
        raise ValidationError(
            _("Use an address that ends in @%(domain)s, the domain of your website.")
            % {"domain": domain}
        )
    recent = organisation.domain_verifications.filter(
        created_at__gte=timezone.now() - timedelta(hours=1)
    ).count()
    if recent >= DOMAIN_CODES_PER_HOUR:
        raise ValidationError(_("Too many codes were requested. Try again in an hour."))
    code = f"{secrets.randbelow(1_000_000):06d}"
    verification = DomainVerification.objects.create(
        organisation=organisation,
        email=email,
        code_hash=_code_hash(code),
        requested_by=by,
        expires_at=timezone.now() + timedelta(minutes=DOMAIN_CODE_VALID_MINUTES),
    )
    send_templated_email(
        template_prefix="members/email/domain_code",
        to=[email],
        context={"organisation": organisation, "code": code, "minutes": DOMAIN_CODE_VALID_MINUTES},
        language=by.language,
    )
    return verification


@transaction.atomic
def domain_verification_confirm(*, organisation: Organisation, by: User, code: str) -> bool:
    """Check a code; verify the organisation when it matches. Attempts are limited."""
    _require_admin(organisation, by)
    verification = (
        DomainVerification.objects.select_for_update()
        .filter(organisation=organisation, confirmed_at__isnull=True)
        .order_by("-created_at")
        .first()
    )
    if verification is None or not verification.is_usable():
        raise ValidationError(_("This code has expired or was tried too often. Ask for a new one."))
    verification.attempts += 1
    if not hmac.compare_digest(verification.code_hash, _code_hash(code.strip())):
        verification.save(update_fields=["attempts"])
        return False
    verification.confirmed_at = timezone.now()
    verification.save(update_fields=["attempts", "confirmed_at"])
    _mark_verified(organisation, by=by, method="domain")
    return True


# ---------------------------------------------------------------------------
# Invitations
# ---------------------------------------------------------------------------


def invitation_link(invitation: Invitation) -> str:
    return absolute_url(reverse("members:invitation_accept", args=[invitation.accept_token]))


def invitation_from_token(token: str) -> Invitation:
    """The invitation a link points at, or InvitationError saying why it cannot be used."""
    signer = TimestampSigner(salt=INVITATION_SIGNING_SALT)
    try:
        code = signer.unsign(token, max_age=timedelta(days=INVITATION_VALID_DAYS))
    except SignatureExpired:
        raise InvitationError(_("This invitation has expired. Ask for a new one.")) from None
    except BadSignature:
        raise InvitationError(_("This invitation link is not valid.")) from None
    invitation = Invitation.objects.select_related("organisation").filter(code=code).first()
    if invitation is None or invitation.revoked_at is not None:
        raise InvitationError(_("This invitation was withdrawn."))
    if invitation.accepted_at is not None:
        raise InvitationError(_("This invitation has already been used."))
    if invitation.expires_at <= timezone.now():
        raise InvitationError(_("This invitation has expired. Ask for a new one."))
    if not invitation.organisation.is_public:
        raise InvitationError(_("This organisation no longer accepts new members."))
    return invitation


@transaction.atomic
def invitation_create(
    *, organisation: Organisation, by: User, email: str, role: str = MembershipRole.MEMBER
) -> Invitation:
    inviter = _require_admin(organisation, by)
    if role == MembershipRole.OWNER and inviter.role != MembershipRole.OWNER:
        raise PermissionDenied(_("Only an owner can invite another owner."))
    email = email.strip()
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise ValidationError(_("%(email)s is already a member.") % {"email": email})
    # A new invitation to the same address replaces the open one.
    now = timezone.now()
    Invitation.objects.filter(
        organisation=organisation,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    ).update(revoked_at=now)
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        invited_by=by,
        expires_at=now + timedelta(days=INVITATION_VALID_DAYS),
    )
    existing = User.objects.filter(email__iexact=email).first()
    send_templated_email(
        template_prefix="members/email/invitation",
        to=[email],
        context={
            "organisation": organisation,
            "inviter": by,
            "role": invitation.get_role_display(),
            "link": invitation_link(invitation),
            "days": INVITATION_VALID_DAYS,
        },
        language=existing.language if existing else by.language,
    )
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by: User) -> None:
    _require_admin(invitation.organisation, by)
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])


@transaction.atomic
def invitation_accept(*, invitation: Invitation, by: User) -> Membership:
    """Join the organisation through an invitation; a used invitation cannot be reused."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open():
        raise InvitationError(_("This invitation has already been used or has expired."))
    if not has_verified_email(by):
        raise PermissionDenied(_("Verify your email address first."))
    membership, created = Membership.objects.get_or_create(
        organisation=invitation.organisation, user=by, defaults={"role": invitation.role}
    )
    if not created and membership.role == MembershipRole.MEMBER and invitation.role in ADMIN_ROLES:
        membership.role = invitation.role
        membership.save(update_fields=["role"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = by
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    JoinRequest.objects.filter(
        organisation=invitation.organisation, user=by, status=JoinRequestStatus.PENDING
    ).update(status=JoinRequestStatus.APPROVED, decided_at=timezone.now())
    return membership


# ---------------------------------------------------------------------------
# Requests to join
# ---------------------------------------------------------------------------


@transaction.atomic
def join_request_create(*, organisation: Organisation, by: User, message: str = "") -> JoinRequest:
    if not organisation.is_public:
        raise PermissionDenied
    if not has_verified_email(by):
        raise PermissionDenied(_("Verify your email address first."))
    if Membership.objects.filter(organisation=organisation, user=by).exists():
        raise ValidationError(_("You are already a member of this organisation."))
    if JoinRequest.objects.filter(
        organisation=organisation, user=by, status=JoinRequestStatus.PENDING
    ).exists():
        raise ValidationError(_("You already asked to join; an admin will look at it."))
    join_request = JoinRequest.objects.create(organisation=organisation, user=by, message=message)
    _notify_admins(
        organisation,
        "members/email/join_request",
        {
            "organisation": organisation,
            "requester": by.display_name or _("A member"),
            "message": message,
            "url": absolute_url(reverse("members:organisation_members", args=[organisation.slug])),
        },
    )
    return join_request


@transaction.atomic
def join_request_decide(*, join_request: JoinRequest, by: User, approve: bool) -> JoinRequest:
    _require_admin(join_request.organisation, by)
    join_request = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if join_request.status != JoinRequestStatus.PENDING:
        raise ValidationError(_("This request has already been handled."))
    join_request.status = JoinRequestStatus.APPROVED if approve else JoinRequestStatus.DECLINED
    join_request.decided_at = timezone.now()
    join_request.decided_by = by
    join_request.save(update_fields=["status", "decided_at", "decided_by"])
    if approve:
        Membership.objects.get_or_create(
            organisation=join_request.organisation,
            user=join_request.user,
            defaults={"role": MembershipRole.MEMBER},
        )
    send_templated_email(
        template_prefix="members/email/join_request_decided",
        to=[join_request.user.email],
        context={"organisation": join_request.organisation, "approved": approve},
        language=join_request.user.language,
    )
    return join_request


# ---------------------------------------------------------------------------
# Memberships and roles: an organisation always keeps at least one owner
# ---------------------------------------------------------------------------


def _owner_count(memberships: list[Membership]) -> int:
    return sum(1 for m in memberships if m.role == MembershipRole.OWNER)


@transaction.atomic
def membership_change_role(*, membership: Membership, by: User, role: str) -> Membership:
    if role not in MembershipRole.values:
        raise ValidationError(_("Unknown role."))
    memberships = _locked_memberships(membership.organisation)
    actor = next((m for m in memberships if m.user_id == by.pk), None)
    target = next(m for m in memberships if m.pk == membership.pk)
    if actor is None or actor.role not in ADMIN_ROLES:
        raise PermissionDenied(_("Only an owner or admin of the organisation may do this."))
    touches_owner = MembershipRole.OWNER in (role, target.role)
    if touches_owner and actor.role != MembershipRole.OWNER:
        raise PermissionDenied(_("Only an owner can change who is an owner."))
    if (
        target.role == MembershipRole.OWNER
        and role != MembershipRole.OWNER
        and _owner_count(memberships) <= 1
    ):
        raise ValidationError(
            _("An organisation needs at least one owner. Make someone else owner first.")
        )
    previous = target.role
    target.role = role
    target.save(update_fields=["role"])
    audit_record(actor=by, action="membership.role", target=target, reason=f"{previous} → {role}")
    return target


@transaction.atomic
def membership_remove(*, membership: Membership, by: User) -> None:
    memberships = _locked_memberships(membership.organisation)
    actor = next((m for m in memberships if m.user_id == by.pk), None)
    target = next(m for m in memberships if m.pk == membership.pk)
    if actor is None or actor.role not in ADMIN_ROLES:
        raise PermissionDenied(_("Only an owner or admin of the organisation may do this."))
    if target.role == MembershipRole.OWNER and actor.role != MembershipRole.OWNER:
        raise PermissionDenied(_("Only an owner can remove an owner."))
    if target.role == MembershipRole.OWNER and _owner_count(memberships) <= 1:
        raise ValidationError(_("An organisation needs at least one owner."))
    target.delete()


@transaction.atomic
def membership_leave(*, membership: Membership) -> None:
    memberships = _locked_memberships(membership.organisation)
    target = next(m for m in memberships if m.pk == membership.pk)
    if target.role == MembershipRole.OWNER and _owner_count(memberships) <= 1:
        raise ValidationError(
            _("You are the only owner. Transfer ownership to someone else before you leave.")
        )
    target.delete()


@transaction.atomic
def ownership_transfer(*, organisation: Organisation, by: User, to: Membership) -> Membership:
    """Make another member owner; the current owner stays on as admin."""
    memberships = _locked_memberships(organisation)
    actor = next((m for m in memberships if m.user_id == by.pk), None)
    target = next((m for m in memberships if m.pk == to.pk), None)
    if actor is None or actor.role != MembershipRole.OWNER:
        raise PermissionDenied(_("Only an owner can transfer ownership."))
    if target is None or target.pk == actor.pk:
        raise ValidationError(_("Choose another member of the organisation."))
    target.role = MembershipRole.OWNER
    target.save(update_fields=["role"])
    actor.role = MembershipRole.ADMIN
    actor.save(update_fields=["role"])
    audit_record(
        actor=by,
        action="organisation.transfer_ownership",
        target=organisation,
        reason=str(target.user),
    )
    return target
