"""Shared vocabularies every app may use: regions and themes.

Both are curated by editors in the admin; members pick from them, they never type
free-form tags. Themes are django-taggit tags so that any model can carry them
through its own ``TaggableManager`` with a typed through model.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from taggit.models import TagBase


def valid_choices(field: str, choices: type[models.Choices], name: str) -> models.CheckConstraint:
    """The database itself refuses a value outside the field's choices: forms are not the only
    writers (services, commands, the admin, raw SQL)."""
    return models.CheckConstraint(condition=models.Q(**{f"{field}__in": choices.values}), name=name)


class Region(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=100)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("members:organisation_list") + f"?regio={self.slug}"


class Theme(TagBase):
    """A societal theme such as *energietransitie*; ``name`` is Dutch, ``name_en`` English."""

    name_en = models.CharField(_("name in English"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["name"]

    @property
    def label(self) -> str:
        """The name in the active language."""
        if (get_language() or "nl").startswith("en") and self.name_en:
            return self.name_en
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("members:organisation_list") + f"?thema={self.slug}"


# Joins the old and the new value of a change in an audit reason ("Member → Admin").
REASON_CHANGE_ARROW = " → "

# What each action code that the services record (``core.audit.audit_record``) reads as.
# A code without a label (an older or a new one) is shown as it is.
AUDIT_ACTION_LABELS: dict[str, Promise] = {
    "stamp.approve": _("Stamp approved"),
    "stamp.revoke": _("Stamp revoked"),
    "stamp.reinstate": _("Stamp reinstated"),
    "organisation.verify": _("Organisation verified"),
    "organisation.suspend": _("Organisation suspended"),
    "organisation.reinstate": _("Organisation reinstated"),
    "organisation.identity_change": _("Name or website change proposed"),
    "organisation.identity_change.approve": _("Name or website change approved"),
    "organisation.identity_change.reject": _("Name or website change rejected"),
    "organisation.transfer_ownership": _("Ownership transferred"),
    "membership.role": _("Member's role changed"),
    "initiative.publish": _("Initiative published"),
    "initiative.archive": _("Initiative archived"),
    "initiative.reject": _("Initiative sent back"),
    "initiative.hide": _("Initiative hidden"),
    "initiative.unhide": _("Initiative shown again"),
    "challenge.publish": _("Challenge published"),
    "challenge.archive": _("Challenge archived"),
    "challenge.reject": _("Challenge sent back"),
    "challenge.hide": _("Challenge hidden"),
    "challenge.unhide": _("Challenge shown again"),
    "story.publish": _("Story published"),
    "story.archive": _("Story archived"),
    "story.reject": _("Story sent back"),
    "story.hide": _("Story hidden"),
    "story.unhide": _("Story shown again"),
    "offerneed.hide": _("Offer or need hidden"),
    "offerneed.unhide": _("Offer or need shown again"),
    "report.hide": _("Hidden after a report"),
    "report.dismiss": _("Report dismissed"),
    "feature.add": _("Featured on the home page"),
    "feature.change": _("Featuring changed"),
    "feature.remove": _("No longer featured"),
}


class AuditEntry(models.Model):
    """One curation action: who did what to which object, when and why. Never edited."""

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=40, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField(_("object"), max_length=200)
    reason = models.TextField(_("why"), blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    def action_display(self) -> str:
        """The action in the reader's language ("Stamp revoked"), not its code."""
        label = AUDIT_ACTION_LABELS.get(self.action)
        return str(label) if label is not None else self.action

    action_display.short_description = _("action")  # type: ignore[attr-defined]
    action_display.admin_order_field = "action"  # type: ignore[attr-defined]

    def reason_display(self) -> str:
        """The reason in the reader's language: a label that a service recorded
        (`core.audit.audit_record`) is translated, each side of a change on its own;
        an editor's own words have no translation and read as written."""
        if not self.reason:
            return ""
        return REASON_CHANGE_ARROW.join(
            gettext(part) if part else part for part in self.reason.split(REASON_CHANGE_ARROW)
        )

    # The admin's column title; set by hand because importing the admin here would load it
    # before the app registry is ready.
    reason_display.short_description = _("why")  # type: ignore[attr-defined]


class WorkerHeartbeat(models.Model):
    """When each task worker (``manage.py db_worker``) was last seen alive; ``/readyz``
    reads the newest. Written by ``core.heartbeat``; django-tasks-db keeps no such record."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid} seen {self.seen_at:%Y-%m-%d %H:%M:%S}"
