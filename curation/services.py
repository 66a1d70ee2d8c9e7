"""Use cases of curation: moderate submissions, handle reports, feature items.

Each function is keyword-only, runs in one transaction, checks the editor's permission
itself (views and admin actions check first, for a friendly answer) and leaves an entry
in the audit trail (``core.audit``), directly or through the service it calls.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.emails import absolute_url, send_templated_email
from core.updates import apply_changes, with_auto_now
from curation.models import Feature, Report, ReportStatus
from curation.targets import kind_of
from initiatives import services as initiative_services
from initiatives.models import Challenge, Initiative, PublicationStatus, Story
from matchmaking import services as matchmaking_services
from matchmaking.models import OfferNeed
from members import roles
from members import services as member_services
from members.models import Organisation, OrganisationStatus, User

Moderated = Challenge | Initiative | Story | Organisation
# What members may report: the models of ``curation.targets.KINDS``.
Reportable = Challenge | Initiative | Story | Organisation | OfferNeed
# The fields of a feature an editor sets; the rest is the service's.
FEATURE_FIELDS = ("initiative", "story", "position", "ends_on")


# ---------------------------------------------------------------------------
# The moderation queue
# ---------------------------------------------------------------------------


@transaction.atomic
def moderation_approve(*, item: Moderated, by: User) -> None:
    """Publish submitted content, or verify a newly registered organisation."""
    roles.require_editor(by)
    if isinstance(item, Organisation):
        if item.status != OrganisationStatus.PENDING:
            raise ValidationError(_("Only an organisation that waits can be verified."))
        member_services.organisation_verify(organisation=item, by=by)
        return
    if item.publication_status != PublicationStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted item can be published from the queue."))
    initiative_services.item_publish(item=item, by=by)


@transaction.atomic
def moderation_reject(*, item: Moderated, by: User, reason: str) -> None:
    """Send submitted content back to draft, or turn down a new organisation; both with a
    reason mailed to the people concerned.

    A turned-down organisation is suspended (members' suspension mail carries the reason):
    it leaves the public directory and the queue, and an editor can reinstate it later.
    """
    roles.require_editor(by)
    if isinstance(item, Organisation):
        if item.status != OrganisationStatus.PENDING:
            raise ValidationError(_("Only an organisation that waits can be turned down."))
        member_services.organisation_suspend(organisation=item, by=by, reason=reason)
    else:
        initiative_services.item_reject(item=item, by=by, reason=reason)


# ---------------------------------------------------------------------------
# Reports by members
# ---------------------------------------------------------------------------


@transaction.atomic
def report_create(*, target: Model, by: User, reason: str) -> Report:
    """A member reports a public item; one open report per member and item."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Tell the editors what is wrong."), code="reason_required")
    if not isinstance(target, Reportable):
        raise ValueError(f"{type(target).__name__} cannot be reported")
    kind = kind_of(target)
    if not kind.public().filter(pk=target.pk).exists():
        raise ValidationError(_("This item is not public."), code="not_public")
    report = Report(
        kind=kind.code,
        content_type_id=_content_type_id(target),
        object_id=str(target.pk),
        object_repr=str(target)[:200],
        object_url=target.get_absolute_url(),
        reason=reason,
        reporter=by,
    )
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError as error:
        raise ValidationError(
            _("You have already reported this. The editors will look at it."), code="duplicate"
        ) from error
    _tell_editors(report)
    return report


def _content_type_id(target: Model) -> int:
    return ContentType.objects.get_for_model(target).pk


def _tell_editors(report: Report) -> None:
    """Mail the editors (members of the editors' group, and superusers) about a new report."""
    editors = roles.editors().values_list("email", "language")
    for email, language in editors:
        with translation.override(language or settings.LANGUAGE_CODE):
            url = absolute_url(reverse("admin:curation_report_change", args=[report.pk]))
        send_templated_email(
            template_prefix="curation/email/report_new",
            to=[email],
            language=language or settings.LANGUAGE_CODE,
            context={"report": report, "url": url},
        )


def _resolve(target: Model, by: User, status: str) -> int:
    """Close every open report about ``target``; how many there were."""
    return Report.objects.filter(
        content_type_id=_content_type_id(target), object_id=str(target.pk), status=ReportStatus.OPEN
    ).update(status=status, resolved_at=timezone.now(), resolved_by=by)


def _hide(target: Model, by: User, reason: str) -> None:
    """Take ``target`` off the site the way its own app does it."""
    if isinstance(target, Organisation):
        if target.is_public:
            member_services.organisation_suspend(organisation=target, by=by, reason=reason)
    elif isinstance(target, OfferNeed):
        # Hidden, not merely closed: the organisation cannot reopen it, only an editor lifts it.
        if not target.is_hidden:
            matchmaking_services.offer_need_hide(offer_need=target, by=by, reason=reason)
    elif isinstance(target, Challenge | Initiative | Story):
        # Hidden, not merely archived: the owner cannot bring it back (initiatives' services
        # refuse), only an editor lifts it. An item its owner had archived is hidden too.
        if not target.is_hidden:
            initiative_services.item_hide(item=target, by=by, reason=reason)
    else:
        raise ValueError(f"{type(target).__name__} cannot be hidden")


@transaction.atomic
def report_hide(*, report: Report, by: User, reason: str) -> None:
    """Hide the reported item (hide content or an offer for good, suspend an organisation)
    with the editor's own reason, and close every open report about it.

    The reason is the editor's: the organisation reads it as the editors' word, so a
    reporter's text is never passed on as such (it stays in the report, for the editors)."""
    roles.require_editor(by)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give a reason."), code="reason_required")
    report = Report.objects.select_for_update().get(pk=report.pk)
    if not report.is_open:
        raise ValidationError(_("This report has already been handled."))
    target = report.target
    if target is not None:
        _hide(target, by, reason)
        audit_record(actor=by, action="report.hide", target=target, reason=reason)
        _resolve(target, by, ReportStatus.HIDDEN)
    else:  # the item was deleted meanwhile
        Report.objects.filter(pk=report.pk).update(
            status=ReportStatus.HIDDEN, resolved_at=timezone.now(), resolved_by=by
        )


@transaction.atomic
def report_dismiss(*, report: Report, by: User) -> None:
    """The item stays: the editor found nothing wrong with it."""
    roles.require_editor(by)
    report = Report.objects.select_for_update().get(pk=report.pk)
    if not report.is_open:
        raise ValidationError(_("This report has already been handled."))
    report.status = ReportStatus.DISMISSED
    report.resolved_at = timezone.now()
    report.resolved_by = by
    report.save(update_fields=["status", "resolved_at", "resolved_by"])
    target = report.target
    audit_record(actor=by, action="report.dismiss", target=target or report, reason=report.reason)


# ---------------------------------------------------------------------------
# Featuring on the home page
# ---------------------------------------------------------------------------


@transaction.atomic
def feature_save(*, feature: Feature, by: User, changed: Iterable[str] | None = None) -> Feature:
    """Feature an initiative or story (or change its order or end date).

    ``changed`` names the fields the editor changed (a form's ``changed_data``): only those
    are written, so another editor's change meanwhile stays. Without it, the fields that
    differ from the stored row are written."""
    roles.require_feature(by)
    is_new = feature.pk is None
    item = feature.item
    if item is None:
        raise ValidationError(_("Choose an initiative or a story."))
    if not item.is_public:
        raise ValidationError(_("Only published items can be featured."))
    if is_new:
        feature.created_by = by
    feature.full_clean()
    if is_new:
        feature.save()
    else:
        if changed is None:
            stored = Feature.objects.select_for_update().get(pk=feature.pk)
            changed = apply_changes(
                stored, {name: getattr(feature, name) for name in FEATURE_FIELDS}
            )
        feature.save(
            update_fields=with_auto_now(
                feature, [name for name in changed if name in FEATURE_FIELDS]
            )
        )
    until = feature.ends_on.isoformat() if feature.ends_on else ""
    audit_record(
        actor=by,
        action="feature.add" if is_new else "feature.change",
        target=item,
        reason=_("position %(position)s, until %(until)s")
        % {"position": feature.position, "until": until or "—"},
    )
    return feature


@transaction.atomic
def feature_remove(*, feature: Feature, by: User) -> None:
    """Take an item off the home page."""
    roles.require_feature(by)
    item = feature.item
    feature.delete()
    if item is not None:
        audit_record(actor=by, action="feature.remove", target=item)
