"""Curation: featured items on the home page, reports by members, and the editors' permissions.

The moderation queue itself owns no rows: submitted content and new organisations live in
their own apps. ``Moderation`` is an unmanaged model without a table so that the queue gets
an entry on the admin index and the custom permissions (moderate, feature) a home.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import valid_choices
from initiatives.models import Initiative, Story
from members.models import actor_field


class Moderation(models.Model):
    """No table: the admin entry of the moderation queue and the editors' custom permissions."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("moderate", _("Can approve, reject and hide content and organisations")),
            ("feature", _("Can feature content on the home page")),
        ]
        verbose_name = _("moderation queue")
        verbose_name_plural = _("moderation queue")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class FeatureQuerySet(models.QuerySet["Feature"]):
    def current(self) -> FeatureQuerySet:
        """Not expired, and the featured item is public: the same rule as ``published()``
        (a story also needs its initiative; a suspended organisation's items drop out)."""
        today = timezone.localdate()
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today)).filter(
            Initiative.public_q("initiative__") | Story.public_q("story__")
        )


class Feature(models.Model):
    """An initiative or a story that editors put on the home page, in their order."""

    initiative = models.ForeignKey(
        Initiative,
        verbose_name=_("initiative"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="features",
    )
    story = models.ForeignKey(
        Story,
        verbose_name=_("story"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="features",
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=10, help_text=_("Lower numbers come first.")
    )
    ends_on = models.DateField(
        _("featured until"),
        null=True,
        blank=True,
        help_text=_("The last day it shows. Leave empty to keep it until you remove it."),
    )
    created_at = models.DateTimeField(_("featured at"), auto_now_add=True)
    created_by = actor_field(_("featured by"))

    objects = FeatureQuerySet.as_manager()

    class Meta:
        verbose_name = _("featured item")
        verbose_name_plural = _("featured items")
        ordering = ["position", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(initiative__isnull=False, story__isnull=True)
                | Q(initiative__isnull=True, story__isnull=False),
                name="curation_feature_exactly_one_item",
                violation_error_message=_("Choose either an initiative or a story, not both."),
            ),
            models.UniqueConstraint(
                fields=["initiative"],
                name="curation_feature_initiative_once",
                violation_error_message=_("This initiative is already featured."),
            ),
            models.UniqueConstraint(
                fields=["story"],
                name="curation_feature_story_once",
                violation_error_message=_("This story is already featured."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.item)

    @property
    def item(self) -> Initiative | Story | None:
        return self.initiative or self.story


class ReportKind(models.TextChoices):
    """What can be reported: every kind of item with a public page."""

    INITIATIVE = "initiative", _("Initiative")
    CHALLENGE = "challenge", _("Challenge")
    STORY = "story", _("Story")
    ORGANISATION = "organisation", _("Organisation")
    OFFER_NEED = "offer_need", _("Offer or need")


class ReportStatus(models.TextChoices):
    OPEN = "open", _("Waiting for an editor")
    HIDDEN = "hidden", _("Item hidden")
    DISMISSED = "dismissed", _("Dismissed")


class ReportQuerySet(models.QuerySet["Report"]):
    def open(self) -> ReportQuerySet:
        return self.filter(status=ReportStatus.OPEN)


class Report(models.Model):
    """A member tells the editors that a public item breaks the rules, and why."""

    kind = models.CharField(_("kind"), max_length=16, choices=ReportKind.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    # A snapshot, so the queue lists items without loading each one.
    object_repr = models.CharField(_("item"), max_length=200)
    object_url = models.CharField(_("public address"), max_length=300)
    reason = models.TextField(_("reason"), max_length=2000)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    resolved_by = actor_field(_("handled by"))

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "content_type", "object_id"],
                condition=Q(status="open"),
                name="curation_report_one_open_per_member",
                violation_error_message=_("You have already reported this."),
            ),
            valid_choices("kind", ReportKind, "curation_report_kind_valid"),
            valid_choices("status", ReportStatus, "curation_report_status_valid"),
            models.CheckConstraint(
                condition=Q(status="open") | Q(resolved_at__isnull=False),
                name="curation_report_handled_has_date",
            ),
        ]
        indexes = [
            models.Index(
                fields=["created_at"], name="curation_report_open", condition=Q(status="open")
            ),
            models.Index(fields=["content_type", "object_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.object_repr}"

    @property
    def is_open(self) -> bool:
        return self.status == ReportStatus.OPEN
