"""Use cases for members and organisations.

Every function here is the one way to do its thing: views, admin actions, the demo
seeder and tests all call it. Each runs in a transaction and sends mail on commit.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.signing import BadSignature, SignatureExpired, TimestampSigner
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import ratelimit
from core.audit import audit_record
from core.emails import absolute_url, send_templated_email
from core.images import delete_image, make_renditions
from core.models import Region, Theme
from core.slugs import insert_with_unique_slug, unique_slug
from core.updates import apply_changes, constraint_refusals
from members import domains, roles
from members.models import (
    INVITATION_SIGNING_SALT,
    INVITATION_VALID_DAYS,
    DomainVerification,
    IdentityChangeStatus,
    Invitation,
    JoinRequest,
    JoinRequestStatus,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationIdentityChange,
    OrganisationStatus,
    Profile,
    User,
    VerificationMethod,
)
from members.roles import ADMIN_ROLES, organisation_admins

DOMAIN_CODE_VALID_MINUTES = 30
DOMAIN_CODES_PER_HOUR = 3
# The limits over all organisations for one email domain are this many times the limits per
# member: high enough that one account (which anyone can make, with any organisation's
# website) cannot lock a real domain out, low enough to stop a flood or spread-out guessing.
DOMAIN_CAP_FACTOR = 4


# What a member chooses to show on their public profile.
PROFILE_VISIBILITY_FIELDS = (
    "is_public",
    "show_avatar",
    "show_bio",
    "show_region",
    "show_themes",
    "show_organisations",
)


class InvitationError(Exception):
    """An invitation link that cannot be used, with a message for the visitor."""


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def has_verified_email(user: User) -> bool:
    """Has the member confirmed at least one email address? Registering and joining wait
    for it."""
    return bool(EmailAddress.objects.filter(user=user, verified=True).exists())


def _admin_emails(organisation: Organisation) -> list[tuple[str, str]]:
    """(email, language) of the organisation's owners and admins, for notifications."""
    return list(organisation_admins(organisation).values_list("email", "language"))


def _notify_admins(
    organisation: Organisation, template_prefix: str, context: dict[str, Any]
) -> None:
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
    """The acting admin's membership; refused unless `roles` calls them an admin (an active
    account with an admin role: a deactivated owner acts for nobody)."""
    membership = roles.membership_of(by, organisation)
    if membership is None or not roles.is_organisation_admin(by, organisation):
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
            defaults={"slug": unique_slug(Profile, user.display_name, fallback="lid")},
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
    avatar: File[bytes] | None = None,
    remove_avatar: bool = False,
    visibility: Mapping[str, bool],
) -> Profile:
    """Save the member's name, email language and profile, and which parts of the profile
    are public (``visibility``: a choice left out stays as it was)."""
    profile = profile_for(user)
    user.save(
        update_fields=apply_changes(user, {"display_name": display_name, "language": language})
    )
    values: dict[str, Any] = {"bio": bio, "region": region}
    values |= {
        field: visibility[field] for field in PROFILE_VISIBILITY_FIELDS if field in visibility
    }
    if avatar is not None or remove_avatar:
        if profile.avatar:
            field_file = profile.avatar
            transaction.on_commit(lambda: delete_image(field_file, "avatar"))
        values["avatar"] = avatar or ""
    profile.save(update_fields=apply_changes(profile, values))
    if avatar is not None:
        make_renditions(profile.avatar, "avatar")
    profile.themes.set(list(themes))
    return profile


# ---------------------------------------------------------------------------
# Organisations
# ---------------------------------------------------------------------------

HOUR = 60 * 60
DAY = 24 * HOUR
# Editors hear of at most this many identity changes per organisation a day: flipping the
# name back and forth must not flood their mailboxes (the admin lists every change anyway).
IDENTITY_CHANGE_MAILS_PER_DAY = 3


def _limit(action: str, *, limit: int, period: int, message: str) -> None:
    """Count one action in the shared cache, so that the limit holds across processes and
    across organisations; refuse once there were more than ``limit`` in ``period`` seconds."""
    if not ratelimit.hit(f"ratelimit:{action}", limit=limit, period=period):
        raise ValidationError(message, code="rate_limited")


def _lock(organisation: Organisation, *fields: str) -> None:
    """Lock the organisation's row and reload ``fields`` from it, so that no rule is checked
    against a stale copy and two changes cannot race."""
    values = Organisation.objects.select_for_update().values(*fields).get(pk=organisation.pk)
    for field, value in values.items():
        setattr(organisation, field, value)


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
    logo: File[bytes] | None = None,
) -> Organisation:
    """Register an organisation; the registering member becomes its first owner. One account
    registers at most ORGANISATION_REGISTRATIONS_PER_DAY organisations a day."""
    if not has_verified_email(by):
        raise PermissionDenied(_("Verify your email address before you register an organisation."))
    organisation = Organisation(
        name=name,
        kind=kind,
        kvk_number=kvk_number,
        website=website,
        description=description,
        region=region,
        open_to_cooperation=open_to_cooperation,
        created_by=by,
    )
    if logo is not None:
        organisation.logo = logo
    organisation.full_clean(exclude=["slug"])
    _limit(
        f"members.organisation_register:user:{by.pk}",
        limit=settings.ORGANISATION_REGISTRATIONS_PER_DAY,
        period=DAY,
        message=_(
            "You registered several organisations today. Try again tomorrow, or ask the "
            "editors if you really need more."
        ),
    )
    # Two registrations at once both pass full_clean: the database then refuses the second
    # one's KvK number (with the form's message) or slug (and it gets another).
    with constraint_refusals(Organisation):
        insert_with_unique_slug(organisation, name, fallback="organisatie")
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
    logo: File[bytes] | None = None,
    remove_logo: bool = False,
) -> Organisation:
    """Save the organisation's profile. A suspended or archived organisation changes nothing.
    A verified one keeps its verified name and website: a new name or website waits for an
    editor (`identity_change_approve`) and the public page shows the verified values."""
    _require_admin(organisation, by)
    _lock(organisation, "status", "name", "website")
    roles.require_active_organisation(organisation)
    # Only the profile's own fields: status and verification belong to other flows.
    values: dict[str, Any] = {
        "kind": kind,
        "kvk_number": kvk_number,
        "description": description,
        "region": region,
        "open_to_cooperation": open_to_cooperation,
    }
    if organisation.status == OrganisationStatus.VERIFIED:
        _identity_change_propose(organisation=organisation, by=by, name=name, website=website)
    else:
        if website != organisation.website:
            _expire_domain_codes(organisation)
        values |= {"name": name, "website": website}
    if logo is not None or remove_logo:
        if organisation.logo:
            old = organisation.logo
            transaction.on_commit(lambda: delete_image(old, "logo"))
        values["logo"] = logo or ""
    changed = apply_changes(organisation, values)
    organisation.full_clean()
    with constraint_refusals(Organisation):
        organisation.save(update_fields=changed)
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


def _mark_verified(
    organisation: Organisation, *, by: User | None, method: VerificationMethod
) -> Organisation:
    organisation.status = OrganisationStatus.VERIFIED
    organisation.verified_at = timezone.now()
    organisation.verification_method = method
    organisation.status_reason = ""
    organisation.save(
        update_fields=["status", "verified_at", "verification_method", "status_reason"]
    )
    audit_record(actor=by, action="organisation.verify", target=organisation, reason=method.label)
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
    return _mark_verified(organisation, by=by, method=VerificationMethod.EDITOR)


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
    _notify_admins(
        organisation,
        "members/email/organisation_reinstated",
        {"organisation": organisation, "url": absolute_url(organisation.get_absolute_url())},
    )
    return organisation


# ---------------------------------------------------------------------------
# A verified organisation's new name or website waits for an editor
# ---------------------------------------------------------------------------


def open_identity_change(organisation: Organisation) -> OrganisationIdentityChange | None:
    """The change of name or website that waits for an editor, if any."""
    return organisation.identity_changes.filter(status=IdentityChangeStatus.PENDING).first()


def _identity_summary(name: str, website: str, new_name: str, new_website: str) -> str:
    parts = []
    if new_name != name:
        parts.append(f"{name} → {new_name}")
    if new_website != website:
        parts.append(f"{website or '-'} → {new_website or '-'}")
    return "; ".join(parts)


def _identity_change_propose(
    *, organisation: Organisation, by: User, name: str, website: str
) -> OrganisationIdentityChange | None:
    """Record the new name or website for an editor (the caller holds the organisation's row
    lock). A changed proposal replaces the open one with a new row, so that an editor never
    approves values other than those they looked at; going back to the verified values
    withdraws it."""
    open_change = (
        OrganisationIdentityChange.objects.select_for_update()
        .filter(organisation=organisation, status=IdentityChangeStatus.PENDING)
        .first()
    )
    if open_change is not None:
        if (open_change.name, open_change.website) == (name, website):
            return open_change
        open_change.status = IdentityChangeStatus.WITHDRAWN
        open_change.decided_at = timezone.now()
        open_change.decided_by = by
        open_change.save(update_fields=["status", "decided_at", "decided_by"])
    if (name, website) == (organisation.name, organisation.website):
        return None
    change = OrganisationIdentityChange.objects.create(
        organisation=organisation,
        name=name,
        website=website,
        previous_name=organisation.name,
        previous_website=organisation.website,
        proposed_by=by,
    )
    audit_record(
        actor=by,
        action="organisation.identity_change",
        target=organisation,
        reason=_identity_summary(organisation.name, organisation.website, name, website),
    )
    if ratelimit.hit(
        f"ratelimit:members.identity_change_mail:organisation:{organisation.pk}",
        limit=IDENTITY_CHANGE_MAILS_PER_DAY,
        period=DAY,
    ):
        link = absolute_url(
            reverse("admin:members_organisationidentitychange_change", args=[change.pk])
        )
        for email, language in roles.editors().values_list("email", "language"):
            send_templated_email(
                template_prefix="members/email/identity_change_proposed",
                to=[email],
                context={"change": change, "organisation": organisation, "url": link},
                language=language,
            )
    return change


def _locked_change(change: OrganisationIdentityChange) -> OrganisationIdentityChange:
    """Lock the organisation first, then the change (the order `organisation_update` uses),
    and refuse a change that has already been decided, withdrawn or replaced."""
    organisation = Organisation.objects.select_for_update().get(pk=change.organisation_id)
    change = OrganisationIdentityChange.objects.select_for_update().get(pk=change.pk)
    change.organisation = organisation
    if not change.is_pending:
        raise ValidationError(
            _("This change was already decided, withdrawn or replaced by a newer one."),
            code="not_pending",
        )
    return change


@transaction.atomic
def identity_change_approve(
    *, change: OrganisationIdentityChange, by: User
) -> OrganisationIdentityChange:
    """An editor accepts the new name or website; the organisation stays verified, now on the
    editor's word (the domain it may have proven before is no longer its website)."""
    roles.require_editor(by)
    change = _locked_change(change)
    organisation = change.organisation
    if (change.previous_name, change.previous_website) != (
        organisation.name,
        organisation.website,
    ):
        # The editor reviewed "from these values to those": once the organisation's values
        # changed some other way, approving would apply a step nobody looked at.
        raise ValidationError(
            _(
                "The organisation's name or website changed after this change was proposed, "
                "so it no longer applies. Reject it; the organisation can propose again."
            ),
            code="stale_change",
        )
    summary = _identity_summary(
        organisation.name, organisation.website, change.name, change.website
    )
    if change.website != organisation.website:
        _expire_domain_codes(organisation)
    organisation.name = change.name
    organisation.website = change.website
    update_fields = ["name", "website"]
    if organisation.verified_at is not None:
        organisation.verified_at = timezone.now()
        organisation.verification_method = VerificationMethod.EDITOR
        update_fields += ["verified_at", "verification_method"]
    organisation.save(update_fields=update_fields)
    change.status = IdentityChangeStatus.APPROVED
    change.decided_at = timezone.now()
    change.decided_by = by
    change.save(update_fields=["status", "decided_at", "decided_by"])
    audit_record(
        actor=by, action="organisation.identity_change.approve", target=organisation, reason=summary
    )
    _notify_admins(
        organisation,
        "members/email/identity_change_decided",
        {"organisation": organisation, "change": change, "approved": True, "reason": ""},
    )
    return change


@transaction.atomic
def identity_change_reject(
    *, change: OrganisationIdentityChange, by: User, reason: str
) -> OrganisationIdentityChange:
    """An editor refuses the new name or website; the verified ones stay."""
    roles.require_editor(by)
    if not reason.strip():
        raise ValidationError(_("Give a reason, so the organisation knows what to do."))
    change = _locked_change(change)
    change.status = IdentityChangeStatus.REJECTED
    change.decided_at = timezone.now()
    change.decided_by = by
    change.decision_reason = reason
    change.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
    audit_record(
        actor=by,
        action="organisation.identity_change.reject",
        target=change.organisation,
        reason=reason,
    )
    _notify_admins(
        change.organisation,
        "members/email/identity_change_decided",
        {
            "organisation": change.organisation,
            "change": change,
            "approved": False,
            "reason": reason,
        },
    )
    return change


# ---------------------------------------------------------------------------
# Verification through an address on the organisation's own website domain
# ---------------------------------------------------------------------------


def _code_hash(code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), code.encode(), hashlib.sha256).hexdigest()


def _expire_domain_codes(organisation: Organisation) -> None:
    """A code proves the domain it was sent to; once the website changes, it proves nothing."""
    now = timezone.now()
    DomainVerification.objects.filter(
        organisation=organisation, confirmed_at__isnull=True, expires_at__gt=now
    ).update(expires_at=now)


def _require_pending(organisation: Organisation) -> None:
    """Only a pending organisation verifies itself: a suspended one must not verify its way
    out of a suspension, a verified one has nothing left to prove."""
    roles.require_active_organisation(organisation)
    if organisation.status != OrganisationStatus.PENDING:
        raise ValidationError(_("This organisation is already verified."), code="not_pending")


def _email_domain(email: str) -> str:
    """The registrable domain the limits count under (subdomains count as their domain)."""
    host = domains.email_host(email)
    return domains.registrable_domain(host) or host


@transaction.atomic
def domain_verification_start(
    *, organisation: Organisation, by: User, email: str
) -> DomainVerification:
    """Mail a six-digit code to an address on the organisation's own website domain. Refused
    for free-mail and shared-hosting domains, and past the limits per member and per domain."""
    _require_admin(organisation, by)
    _lock(organisation, "status", "website")
    _require_pending(organisation)
    refusal = domains.email_refusal(email, organisation.website)
    if refusal is not None:
        raise ValidationError(refusal, code="domain_refused")
    too_many = _("Too many codes were requested. Try again in an hour.")
    recent = organisation.domain_verifications.filter(
        created_at__gte=timezone.now() - timedelta(hours=1)
    ).count()
    if recent >= DOMAIN_CODES_PER_HOUR:
        raise ValidationError(too_many, code="rate_limited")
    per_hour = settings.ORGANISATION_DOMAIN_CODES_PER_HOUR
    domain = _email_domain(email)
    too_many_for_domain = _("Too many codes were requested for this domain. Try again in an hour.")
    _limit(f"members.domain_code:user:{by.pk}", limit=per_hour, period=HOUR, message=too_many)
    # Per domain the codes count per organisation, so that someone who puts the municipality's
    # website on their own organisation uses up only that organisation's codes, not the
    # municipality's. The cap over all organisations only stops a flood of mail to the domain.
    _limit(
        f"members.domain_code:domain:{domain}:organisation:{organisation.pk}",
        limit=per_hour,
        period=HOUR,
        message=too_many_for_domain,
    )
    _limit(
        f"members.domain_code:domain:{domain}",
        limit=per_hour * DOMAIN_CAP_FACTOR,
        period=HOUR,
        message=too_many_for_domain,
    )
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
    """Check a code; verify the organisation when it matches. Attempts are limited per code,
    and per member and per email domain across all organisations."""
    _require_admin(organisation, by)
    _lock(organisation, "status", "website")
    _require_pending(organisation)
    verification = (
        DomainVerification.objects.select_for_update()
        .filter(organisation=organisation, confirmed_at__isnull=True)
        .order_by("-created_at")
        .first()
    )
    if verification is None or not verification.is_usable():
        raise ValidationError(_("This code has expired or was tried too often. Ask for a new one."))
    if domains.email_refusal(verification.email, organisation.website) is not None:
        raise ValidationError(
            _("This code was sent for another website. Ask for a new one."), code="stale_code"
        )
    per_hour = settings.ORGANISATION_DOMAIN_ATTEMPTS_PER_HOUR
    too_many = _("Too many codes were entered in the last hour. Try again later.")
    _limit(f"members.domain_attempt:user:{by.pk}", limit=per_hour, period=HOUR, message=too_many)
    # Per domain only wrong codes count, so that guesses cannot be spread over organisations
    # and accounts while the right code never uses up the domain's budget. Once the domain
    # is over it, no code is checked at all (checking would let the guessing go on).
    wrong_for_domain = (
        f"ratelimit:members.domain_attempt:domain:{_email_domain(verification.email)}"
    )
    wrong_per_hour = per_hour * DOMAIN_CAP_FACTOR
    if ratelimit.reached(wrong_for_domain, limit=wrong_per_hour):
        raise ValidationError(too_many, code="rate_limited")
    verification.attempts += 1
    if not hmac.compare_digest(verification.code_hash, _code_hash(code.strip())):
        verification.save(update_fields=["attempts"])
        ratelimit.hit(wrong_for_domain, limit=wrong_per_hour, period=HOUR)
        return False
    verification.confirmed_at = timezone.now()
    verification.save(update_fields=["attempts", "confirmed_at"])
    _mark_verified(organisation, by=by, method=VerificationMethod.DOMAIN)
    return True


# ---------------------------------------------------------------------------
# Invitations
# ---------------------------------------------------------------------------


def normalise_email(email: str) -> str:
    """The form in which two addresses are compared: no surrounding space, lower case (as
    allauth stores them and as the database's case-insensitive constraints compare)."""
    return email.strip().lower()


def invitation_is_for(invitation: Invitation, user: User) -> bool:
    """Does the member hold the invited address, verified? Only then may they accept: the
    link alone could have been forwarded or seen by someone else."""
    return bool(
        EmailAddress.objects.filter(
            user=user, verified=True, email__iexact=normalise_email(invitation.email)
        ).exists()
    )


def invitation_awaits_verification(invitation: Invitation, user: User) -> bool:
    """The member holds the invited address but has not confirmed it yet."""
    return bool(
        EmailAddress.objects.filter(
            user=user, verified=False, email__iexact=normalise_email(invitation.email)
        ).exists()
    )


def invitation_link(invitation: Invitation) -> str:
    """The address of the page where the invitation is accepted, for its email."""
    return absolute_url(reverse("members:invitation_accept", args=[invitation.accept_token]))


def _check_usable(invitation: Invitation) -> None:
    """Raise InvitationError, saying why, when an invitation can no longer be used."""
    if invitation.revoked_at is not None:
        raise InvitationError(_("This invitation was withdrawn."))
    if invitation.accepted_at is not None:
        raise InvitationError(_("This invitation has already been used."))
    if invitation.expires_at <= timezone.now():
        raise InvitationError(_("This invitation has expired. Ask for a new one."))
    if not roles.is_active_organisation(invitation.organisation):
        raise InvitationError(_("This organisation no longer accepts new members."))
    if not roles.can_invite(invitation.invited_by, invitation.organisation, invitation.role):
        raise InvitationError(
            _(
                "This invitation was withdrawn: the person who sent it can no longer invite "
                "for this organisation. Ask one of its admins for a new one."
            )
        )


def invitation_from_token(token: str) -> Invitation:
    """The invitation a link points at, or InvitationError saying why it cannot be used."""
    signer = TimestampSigner(salt=INVITATION_SIGNING_SALT)
    try:
        code = signer.unsign(token, max_age=timedelta(days=INVITATION_VALID_DAYS))
    except SignatureExpired:
        raise InvitationError(_("This invitation has expired. Ask for a new one.")) from None
    except BadSignature:
        raise InvitationError(_("This invitation link is not valid.")) from None
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by").filter(code=code).first()
    )
    if invitation is None:
        raise InvitationError(_("This invitation was withdrawn."))
    _check_usable(invitation)
    return invitation


def _revoke_invitations_sent_by(
    user_id: int, organisation_id: int, *, only_roles: Iterable[str] | None = None
) -> int:
    """Withdraw the open invitations a person sent for an organisation (all, or only those
    for the given roles): what they may no longer grant, their links no longer grant."""
    invitations = Invitation.objects.filter(
        organisation_id=organisation_id,
        invited_by_id=user_id,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    )
    if only_roles is not None:
        invitations = invitations.filter(role__in=list(only_roles))
    return invitations.update(revoked_at=timezone.now())


@transaction.atomic
def invitation_create(
    *, organisation: Organisation, by: User, email: str, role: str = MembershipRole.MEMBER
) -> Invitation:
    """An admin invites an email address to the organisation in ``role`` (only an owner
    invites an owner) and the link is mailed; an open invitation to that address is replaced.
    """
    _require_admin(organisation, by)
    _locked_organisation(organisation)
    roles.require_active_organisation(organisation)
    if not roles.can_invite(by, organisation, role):
        raise PermissionDenied(_("Only an owner can invite another owner."))
    email = normalise_email(email)
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
    """An admin withdraws an open invitation; its link no longer works."""
    _require_admin(invitation.organisation, by)
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])


@transaction.atomic
def invitation_accept(*, invitation: Invitation, by: User, is_public: bool = False) -> Membership:
    """Join the organisation through an invitation. Only the holder of the invited address
    (verified) may, only while the organisation is active and the inviter may still invite;
    a used invitation cannot be reused. The membership is hidden unless they choose to show it.
    """
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("organisation", "invited_by")
        .get(pk=invitation.pk)
    )
    organisation = invitation.organisation
    _locked_organisation(organisation)
    roles.require_active_organisation(organisation)
    _check_usable(invitation)
    if not invitation_is_for(invitation, by):
        raise PermissionDenied(
            _("This invitation was sent to another email address than the one of your account.")
        )
    membership, created = Membership.objects.get_or_create(
        organisation=organisation,
        user=by,
        defaults={"role": invitation.role, "is_public": is_public},
    )
    if not created and membership.role == MembershipRole.MEMBER and invitation.role in ADMIN_ROLES:
        membership.role = invitation.role
        membership.save(update_fields=["role"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = by
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    JoinRequest.objects.filter(
        organisation=organisation, user=by, status=JoinRequestStatus.PENDING
    ).update(status=JoinRequestStatus.APPROVED, decided_at=timezone.now())
    return membership


# ---------------------------------------------------------------------------
# Requests to join
# ---------------------------------------------------------------------------


@transaction.atomic
def join_request_create(*, organisation: Organisation, by: User, message: str = "") -> JoinRequest:
    """A member with a verified address asks to join a listed, active organisation; its
    admins get an email. One open request per person and organisation."""
    if not organisation.is_public:
        raise PermissionDenied
    roles.require_active_organisation(organisation)
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
    """An admin approves or declines; the new membership is hidden until the member shows it.
    A suspended or archived organisation decides nothing."""
    organisation = join_request.organisation
    _require_admin(organisation, by)
    _locked_organisation(organisation)
    roles.require_active_organisation(organisation)
    join_request = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if join_request.status != JoinRequestStatus.PENDING:
        raise ValidationError(_("This request has already been handled."))
    join_request.status = JoinRequestStatus.APPROVED if approve else JoinRequestStatus.DECLINED
    join_request.decided_at = timezone.now()
    join_request.decided_by = by
    join_request.save(update_fields=["status", "decided_at", "decided_by"])
    if approve:
        Membership.objects.get_or_create(
            organisation=organisation,
            user=join_request.user,
            defaults={"role": MembershipRole.MEMBER},
        )
    send_templated_email(
        template_prefix="members/email/join_request_decided",
        to=[join_request.user.email],
        context={
            "organisation": organisation,
            "approved": approve,
            "dashboard_url": absolute_url(reverse("members:dashboard")),
        },
        language=join_request.user.language,
    )
    return join_request


# ---------------------------------------------------------------------------
# Memberships and roles: an organisation always keeps at least one owner
# ---------------------------------------------------------------------------


def _owner_count(memberships: list[Membership]) -> int:
    return sum(1 for m in memberships if m.role == MembershipRole.OWNER)


def _still_there(memberships: list[Membership], membership: Membership) -> Membership:
    """The locked copy of ``membership``. Another admin may have removed it after the page
    was shown: say so instead of acting on a row that is gone."""
    target = next((m for m in memberships if m.pk == membership.pk), None)
    if target is None:
        raise ValidationError(
            _("This person is no longer a member of the organisation."), code="membership_gone"
        )
    return target


def _revoke_what_the_new_role_cannot_grant(membership: Membership, previous: str) -> None:
    """After a role goes down, the person's open invitations must not grant more than they
    now could: an admin's invitations go with the admin role, a former owner's owner
    invitations with the owner role."""
    organisation_id = membership.organisation_id
    if previous in ADMIN_ROLES and membership.role not in ADMIN_ROLES:
        _revoke_invitations_sent_by(membership.user_id, organisation_id)
    elif previous == MembershipRole.OWNER and membership.role != MembershipRole.OWNER:
        _revoke_invitations_sent_by(
            membership.user_id, organisation_id, only_roles=[MembershipRole.OWNER]
        )


@transaction.atomic
def membership_change_role(*, membership: Membership, by: User, role: str) -> Membership:
    """An admin gives a member another role; only an owner makes or unmakes an owner, and
    the last owner stays one. Invitations the new role cannot grant are withdrawn."""
    if role not in MembershipRole.values:
        raise ValidationError(_("Unknown role."))
    memberships = _locked_memberships(membership.organisation)
    actor = next((m for m in memberships if m.user_id == by.pk), None)
    if actor is None or not roles.is_organisation_admin(by, membership.organisation):
        raise PermissionDenied(_("Only an owner or admin of the organisation may do this."))
    target = _still_there(memberships, membership)
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
    _revoke_what_the_new_role_cannot_grant(target, previous)
    audit_record(
        actor=by,
        action="membership.role",
        target=target,
        reason=(MembershipRole(previous).label, MembershipRole(role).label),
    )
    return target


@transaction.atomic
def membership_remove(*, membership: Membership, by: User) -> None:
    """An admin removes a member; whatever invitations the member sent go with them."""
    memberships = _locked_memberships(membership.organisation)
    target = _removable(memberships, membership, by)
    _revoke_invitations_sent_by(target.user_id, target.organisation_id)
    target.delete()


def membership_remove_check(*, membership: Membership, by: User) -> None:
    """``membership_remove``'s rules without removing anyone (for its confirmation page):
    raises the same PermissionDenied or ValidationError."""
    _removable(list(membership.organisation.memberships.all()), membership, by)


def _removable(memberships: list[Membership], membership: Membership, by: User) -> Membership:
    actor = next((m for m in memberships if m.user_id == by.pk), None)
    if actor is None or not roles.is_organisation_admin(by, membership.organisation):
        raise PermissionDenied(_("Only an owner or admin of the organisation may do this."))
    target = _still_there(memberships, membership)
    if target.role == MembershipRole.OWNER and actor.role != MembershipRole.OWNER:
        raise PermissionDenied(_("Only an owner can remove an owner."))
    if target.role == MembershipRole.OWNER and _owner_count(memberships) <= 1:
        raise ValidationError(_("An organisation needs at least one owner."))
    return target


@transaction.atomic
def membership_leave(*, membership: Membership) -> None:
    """A member leaves; the invitations they sent for the organisation are withdrawn."""
    target = _may_leave(_locked_memberships(membership.organisation), membership)
    _revoke_invitations_sent_by(target.user_id, target.organisation_id)
    target.delete()


def membership_leave_check(*, membership: Membership) -> None:
    """``membership_leave``'s rules without leaving (for its confirmation page)."""
    _may_leave(list(membership.organisation.memberships.all()), membership)


def _may_leave(memberships: list[Membership], membership: Membership) -> Membership:
    target = next((m for m in memberships if m.pk == membership.pk), None)
    if target is None:
        # Removed by an admin while the page was open: there is nothing left to leave.
        raise ValidationError(
            _("You are no longer a member of this organisation."), code="membership_gone"
        )
    if target.role == MembershipRole.OWNER and _owner_count(memberships) <= 1:
        raise ValidationError(
            _("You are the only owner. Transfer ownership to someone else before you leave.")
        )
    return target


@transaction.atomic
def membership_set_visibility(*, membership: Membership, by: User, is_public: bool) -> Membership:
    """Whether the membership shows on the public organisation page and profile: the member's
    own choice (it is personal data), so nobody else may make it."""
    if by is None or not by.is_authenticated or membership.user_id != by.pk:
        raise PermissionDenied(_("Only the member themselves can choose this."))
    membership.is_public = is_public
    membership.save(update_fields=["is_public"])
    return membership


@transaction.atomic
def ownership_transfer(*, organisation: Organisation, by: User, to: Membership) -> Membership:
    """Make another member owner; the current owner stays on as admin (and so loses the
    owner invitations they sent)."""
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
    _revoke_what_the_new_role_cannot_grant(actor, MembershipRole.OWNER)
    audit_record(
        actor=by,
        action="organisation.transfer_ownership",
        target=organisation,
        reason=str(target.user),
    )
    return target
