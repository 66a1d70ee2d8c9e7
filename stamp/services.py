"""Use cases of the stamp. Views, admin actions, the lapse command and the demo call these."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.emails import send_templated_email
from core.updates import apply_changes
from members import roles
from members.models import Organisation, User
from members.roles import is_organisation_admin, organisation_admins
from stamp.models import (
    OPEN_STATUSES,
    Charter,
    Claim,
    ClaimEvent,
    ClaimStatus,
    StampSettings,
    lapse_reason,
)

Action = ClaimEvent.Action


class StampError(ValidationError):
    """A rule of the stamp forbids this step; the message says which, for the person."""


def _require_organisation_admin(by: User, organisation: Organisation) -> None:
    """Only an active owner or admin of the organisation acts for it."""
    if not by.is_active or not is_organisation_admin(by, organisation):
        raise PermissionDenied


def _require_active_organisation(organisation: Organisation) -> None:
    """A suspended or archived organisation is frozen: it cannot claim, confirm or withdraw."""
    try:
        roles.require_active_organisation(organisation)
    except ValidationError as error:
        raise StampError(error.messages[0], code="organisation_inactive") from error


def _require_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise StampError(_("Give a reason."))
    return reason


def _locked(claim: Claim) -> Claim:
    """Reload the claim under a row lock so that two editors cannot race a transition."""
    return Claim.objects.select_for_update().select_related("organisation").get(pk=claim.pk)


def _transition(
    claim: Claim,
    *,
    to: str,
    action: str,
    by: User | None,
    reason: str = "",
    charter: Charter | None = None,
    extra_fields: dict[str, Any] | None = None,
) -> ClaimEvent:
    """Change the status and write the event that records it, in one go; the claim's row
    gets only the columns whose value changed."""
    now = timezone.now()
    from_status = claim.status
    fields: dict[str, Any] = {"status": to, **(extra_fields or {})}
    if to != from_status:
        fields["status_changed_at"] = now
        fields["status_reason"] = reason
    claim.save(update_fields=apply_changes(claim, fields))
    return ClaimEvent.objects.create(
        claim=claim,
        action=action,
        from_status=from_status,
        to_status=to,
        by=by,
        reason=reason,
        charter=charter,
        created_at=now,
    )


def _mail_organisation_admins(claim: Claim, template: str, **context: Any) -> None:
    """One email per owner or admin, each in their own language, after the commit."""
    admins = organisation_admins(claim.organisation)
    for admin in admins:
        send_templated_email(
            template_prefix=f"stamp/email/{template}",
            to=[admin.email],
            language=admin.language,
            context={
                "claim": claim,
                "organisation": claim.organisation,
                "recipient": admin,
                "site_root": settings.SITE_URL.rstrip("/"),
                **context,
            },
        )


def _lapse(claim: Claim, *, current: Charter | None) -> None:
    """Record that an open claim missed its deadline and tell its admins. The public saw it
    lapse at the deadline already (``Claim.effective_status``); this writes it down."""
    reason = lapse_reason(current)
    _transition(
        claim,
        to=ClaimStatus.LAPSED,
        action=Action.LAPSED,
        by=None,
        reason=reason,
        charter=current,
        extra_fields={"confirmation_due_at": None},
    )
    _mail_organisation_admins(claim, "lapsed", reason=reason)


def current_charter() -> Charter:
    """The charter version in force; a refusal when none has been published yet."""
    charter = Charter.objects.current()
    if charter is None:
        raise StampError(_("The charter has not been published yet."))
    return charter


def stamp_claim(
    *, organisation: Organisation, by: User, charter: Charter, statement: str = ""
) -> Claim:
    """An owner or admin of a verified organisation agrees to the current charter."""
    _require_organisation_admin(by, organisation)
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        _require_active_organisation(organisation)
        if not organisation.is_verified:
            raise StampError(_("Only a verified organisation can claim the stamp."))
        current = Charter.objects.current()
        if charter != current:
            raise StampError(
                _("A new version of the charter was published meanwhile. Read it and try again.")
            )
        claims = organisation.stamp_claims.order_by("-claimed_at", "-pk")
        # A claim past its deadline has lapsed in public already; record it, so that the
        # organisation can claim again without waiting for the daily job.
        for overdue in claims.overdue().select_for_update().select_related("organisation"):
            _lapse(overdue, current=current)
        if claims.filter(status__in=OPEN_STATUSES).exists():
            raise StampError(_("This organisation already carries or claims the stamp."))
        latest = claims.first()
        if latest is not None and latest.status == ClaimStatus.REVOKED:
            raise StampError(
                _(
                    "The stamp of this organisation was revoked. "
                    "Only an editor can reinstate it; contact the editors."
                )
            )
        needs_approval = StampSettings.load().claims_need_approval
        now = timezone.now()
        claim = Claim.objects.create(
            organisation=organisation,
            status=ClaimStatus.PENDING if needs_approval else ClaimStatus.ACTIVE,
            statement=statement.strip(),
            charter_agreed=charter,
            charter_confirmed=charter,
            claimed_by=by,
            claimed_at=now,
            status_changed_at=now,
            active_since=None if needs_approval else now,
        )
        ClaimEvent.objects.create(
            claim=claim,
            action=Action.CLAIMED,
            from_status="",
            to_status=claim.status,
            by=by,
            charter=charter,
            created_at=now,
        )
    return claim


def stamp_withdraw(*, claim: Claim, by: User) -> Claim:
    """The organisation stops carrying the stamp (or takes back a claim that waits).

    Not while the organisation is suspended or archived: it is frozen, the public already
    sees the stamp as not valid, and withdrawing would pre-empt the editors, who may still
    revoke the claim with a public reason (a withdrawn claim can be claimed again later).
    """
    _require_organisation_admin(by, claim.organisation)
    with transaction.atomic():
        claim = _locked(claim)
        _require_active_organisation(claim.organisation)
        if not claim.is_open or claim.is_overdue():
            raise StampError(_("This claim has already ended."))
        _transition(
            claim,
            to=ClaimStatus.WITHDRAWN,
            action=Action.WITHDRAWN,
            by=by,
            extra_fields={"confirmation_due_at": None},
        )
    return claim


def stamp_approve(*, claim: Claim, by: User, reason: str = "") -> Claim:
    """An editor approves a claim that waits; the organisation's admins hear of it."""
    roles.require_editor(by)
    with transaction.atomic():
        claim = _locked(claim)
        if claim.status != ClaimStatus.PENDING or claim.is_overdue():
            raise StampError(_("Only a claim that waits for approval can be approved."))
        if not claim.organisation.is_verified:
            raise StampError(_("Only a verified organisation can carry the stamp."))
        _transition(
            claim,
            to=ClaimStatus.ACTIVE,
            action=Action.APPROVED,
            by=by,
            reason=reason.strip(),
            extra_fields={"active_since": timezone.now()},
        )
        audit_record(actor=by, action="stamp.approve", target=claim, reason=reason.strip())
        _mail_organisation_admins(claim, "approved")
    return claim


def stamp_revoke(*, claim: Claim, by: User, reason: str) -> Claim:
    """An editor revokes a claim; the reason is public on the verification page."""
    roles.require_editor(by)
    reason = _require_reason(reason)
    with transaction.atomic():
        claim = _locked(claim)
        if not claim.is_open:
            raise StampError(_("Only an active or waiting claim can be revoked."))
        _transition(
            claim,
            to=ClaimStatus.REVOKED,
            action=Action.REVOKED,
            by=by,
            reason=reason,
            extra_fields={"confirmation_due_at": None},
        )
        audit_record(actor=by, action="stamp.revoke", target=claim, reason=reason)
        _mail_organisation_admins(claim, "revoked", reason=reason)
    return claim


def stamp_reinstate(*, claim: Claim, by: User, reason: str) -> Claim:
    """An editor makes a revoked or lapsed claim active again, with a recorded reason."""
    roles.require_editor(by)
    reason = _require_reason(reason)
    with transaction.atomic():
        claim = _locked(claim)
        if claim.is_overdue():
            # Lapsed in public already: record it first, so the history reads in order.
            _lapse(claim, current=Charter.objects.current())
        if claim.status not in (ClaimStatus.REVOKED, ClaimStatus.LAPSED):
            raise StampError(_("Only a revoked or lapsed claim can be reinstated."))
        if not claim.organisation.is_verified:
            raise StampError(_("Only a verified organisation can carry the stamp."))
        if claim.organisation.stamp_claims.filter(status__in=OPEN_STATUSES).exists():
            raise StampError(_("This organisation already carries or claims the stamp."))
        current = current_charter()
        extra: dict[str, Any] = {"active_since": timezone.now(), "reminded_at": None}
        # A claim behind the current charter gets a fresh period to confirm it.
        extra["confirmation_due_at"] = (
            None
            if claim.charter_confirmed_id == current.pk
            else timezone.now() + timedelta(days=StampSettings.load().grace_days)
        )
        _transition(
            claim,
            to=ClaimStatus.ACTIVE,
            action=Action.REINSTATED,
            by=by,
            reason=reason,
            extra_fields=extra,
        )
        audit_record(actor=by, action="stamp.reinstate", target=claim, reason=reason)
        _mail_organisation_admins(claim, "reinstated", reason=reason)
    return claim


def charter_publish(*, charter: Charter, by: User) -> Charter:
    """Publish a draft as the next version; every carrier is asked to confirm it in time."""
    roles.require_editor(by)
    with transaction.atomic():
        charter = Charter.objects.select_for_update().get(pk=charter.pk)
        if charter.is_published:
            raise StampError(_("This version has already been published."))
        now = timezone.now()
        latest = Charter.objects.aggregate(latest=Max("version"))["latest"] or 0
        charter.version = latest + 1
        charter.published_at = now
        charter.published_by = by
        charter.save(update_fields=["version", "published_at", "published_by"])
        # Claims past the deadline for the previous version have lapsed in public: they
        # lapse for good, rather than getting a fresh deadline from the new version.
        previous = Charter.objects.published().exclude(pk=charter.pk).order_by("-version").first()
        for overdue in (
            Claim.objects.overdue(now).select_for_update().select_related("organisation")
        ):
            _lapse(overdue, current=previous)
        deadline = now + timedelta(days=StampSettings.load().grace_days)
        claims = (
            Claim.objects.select_for_update()
            .select_related("organisation")
            .filter(status__in=OPEN_STATUSES)
            .exclude(charter_confirmed=charter)
        )
        for claim in claims:
            _transition(
                claim,
                to=claim.status,
                action=Action.CONFIRMATION_REQUESTED,
                by=by,
                charter=charter,
                extra_fields={"confirmation_due_at": deadline, "reminded_at": None},
            )
            _mail_organisation_admins(claim, "confirm_charter", charter=charter, deadline=deadline)
    return charter


def stamp_confirm_charter(*, claim: Claim, by: User, charter: Charter) -> Claim:
    """The organisation agrees to the current charter version and keeps its stamp."""
    _require_organisation_admin(by, claim.organisation)
    with transaction.atomic():
        claim = _locked(claim)
        _require_active_organisation(claim.organisation)
        if not claim.is_open:
            raise StampError(_("This claim has already ended."))
        if claim.is_overdue():
            raise StampError(
                _("The deadline to confirm has passed and the stamp has lapsed. Claim it again.")
            )
        if charter != Charter.objects.current():
            raise StampError(
                _("A new version of the charter was published meanwhile. Read it and try again.")
            )
        if claim.charter_confirmed_id == charter.pk:
            raise StampError(_("This version has already been confirmed."))
        _transition(
            claim,
            to=claim.status,
            action=Action.CONFIRMED,
            by=by,
            charter=charter,
            extra_fields={
                "charter_confirmed": charter,
                "confirmation_due_at": None,
                "reminded_at": None,
            },
        )
    return claim


def stamp_remind_unconfirmed() -> int:
    """Warn once, some days before the deadline, whoever has not confirmed yet."""
    stamp_settings = StampSettings.load()
    now = timezone.now()
    reminded = 0
    with transaction.atomic():
        claims = (
            Claim.objects.select_for_update()
            .select_related("organisation")
            .awaiting_confirmation()
            .filter(
                # A frozen organisation cannot confirm; a reminder would only confuse.
                organisation__status__in=roles.ACTIVE_STATUSES,
                reminded_at__isnull=True,
                confirmation_due_at__gt=now,
                confirmation_due_at__lte=now + timedelta(days=stamp_settings.reminder_days),
            )
        )
        for claim in claims:
            claim.reminded_at = now
            claim.save(update_fields=["reminded_at"])
            _mail_organisation_admins(
                claim,
                "confirm_reminder",
                charter=Charter.objects.current(),
                deadline=claim.confirmation_due_at,
            )
            reminded += 1
    return reminded


def stamp_lapse_unconfirmed() -> int:
    """Record the lapse of every open claim whose deadline to confirm has passed.

    The public sees such a claim as lapsed from the deadline on (``Claim.effective_status``);
    this daily job writes the event and tells the organisation.
    """
    now = timezone.now()
    lapsed = 0
    with transaction.atomic():
        claims = Claim.objects.select_for_update().select_related("organisation").overdue(now)
        current = Charter.objects.current()
        for claim in claims:
            _lapse(claim, current=current)
            lapsed += 1
    return lapsed
