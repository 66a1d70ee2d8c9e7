"""The stamp: a versioned charter, the claims organisations make on it, and their history."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext, override
from django.utils.translation import gettext_lazy as _

from core.emails import absolute_url
from core.models import valid_choices
from members import roles
from members.models import Organisation, OrganisationStatus, actor_field

# Defaults when the project settings do not name them (read with getattr, see README).
DEFAULT_GRACE_DAYS = 30
DEFAULT_REMINDER_DAYS = 7


def _verification_code() -> str:
    """192 random bits, URL-safe: a verification address cannot be guessed."""
    return secrets.token_urlsafe(24)


class CharterQuerySet(models.QuerySet["Charter"]):
    def published(self) -> CharterQuerySet:
        return self.filter(published_at__isnull=False, version__isnull=False)

    def current(self) -> Charter | None:
        """The newest published version, or None before the first one is published."""
        return self.published().order_by("-version").first()


class Charter(models.Model):
    """One version of the aims an organisation agrees to when it claims the stamp.

    Editors write a draft; publishing gives it the next version number and freezes it,
    so that what a carrier once agreed to stays readable exactly as it was.
    """

    version = models.PositiveIntegerField(_("version"), null=True, blank=True, unique=True)
    title = models.CharField(_("title"), max_length=150)
    summary = models.TextField(
        _("summary"),
        max_length=500,
        help_text=_("One or two sentences: what the stamp stands for."),
    )
    body = models.TextField(
        _("text"), help_text=_("Markdown: **bold**, *italic*, lists and links.")
    )
    # The English translation, shown on the English pages; a version without one shows
    # its Dutch text there too. It is frozen with the rest when the version is published.
    title_en = models.CharField(_("title in English"), max_length=150, blank=True)
    summary_en = models.TextField(_("summary in English"), max_length=500, blank=True)
    body_en = models.TextField(
        _("text in English"),
        blank=True,
        help_text=_("Markdown, like the Dutch text. Empty: the English pages show the Dutch."),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    published_by = actor_field(_("published by"), editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CharterQuerySet.as_manager()

    class Meta:
        verbose_name = _("charter version")
        verbose_name_plural = _("charter versions")
        ordering = ["-version", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(version__isnull=True, published_at__isnull=True)
                | models.Q(version__isnull=False, published_at__isnull=False),
                name="stamp_charter_published_has_version",
            ),
        ]

    def __str__(self) -> str:
        if self.version is None:
            return _("%(title)s (draft)") % {"title": self.title}
        return _("%(title)s, version %(version)s") % {"title": self.title, "version": self.version}

    def get_absolute_url(self) -> str:
        return reverse("stamp:charter_detail", kwargs={"version": self.version})

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def has_english(self) -> bool:
        return bool(self.title_en and self.summary_en and self.body_en)

    def clean(self) -> None:
        english = (self.title_en, self.summary_en, self.body_en)
        if any(english) and not all(english):
            raise ValidationError(
                _("Write the title, summary and text in English, or leave all three empty.")
            )

    def _in_active_language(self, dutch: str, english: str) -> str:
        # One language per version: the whole English text, or the Dutch one.
        if (get_language() or "nl").startswith("en") and self.has_english:
            return english
        return dutch

    @property
    def local_title(self) -> str:
        """The title in the active language (Dutch when no English was written)."""
        return self._in_active_language(self.title, self.title_en)

    @property
    def local_summary(self) -> str:
        return self._in_active_language(self.summary, self.summary_en)

    @property
    def local_body(self) -> str:
        return self._in_active_language(self.body, self.body_en)


class StampSettings(models.Model):
    """Site-wide rules for the stamp; one row, edited by editors in the admin."""

    claims_need_approval = models.BooleanField(
        _("claims need an editor's approval"),
        default=False,
        help_text=_("Off: a claim is active at once. On: it waits until an editor approves it."),
    )
    grace_days = models.PositiveSmallIntegerField(
        _("days to confirm a new charter version"),
        default=DEFAULT_GRACE_DAYS,
        help_text=_("After this many days an unconfirmed claim lapses."),
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("remind this many days before the deadline"), default=DEFAULT_REMINDER_DAYS
    )

    class Meta:
        verbose_name = _("stamp settings")
        verbose_name_plural = _("stamp settings")
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="stamp_settings_singleton"),
        ]

    def __str__(self) -> str:
        return str(_("Stamp settings"))

    @classmethod
    def load(cls) -> StampSettings:
        """The one row, created with the defaults from the project settings on first use."""
        found, _created = cls.objects.get_or_create(
            pk=1,
            defaults={
                "claims_need_approval": getattr(settings, "STAMP_CLAIMS_NEED_APPROVAL", False),
                "grace_days": getattr(settings, "STAMP_GRACE_DAYS", DEFAULT_GRACE_DAYS),
                "reminder_days": getattr(settings, "STAMP_REMINDER_DAYS", DEFAULT_REMINDER_DAYS),
            },
        )
        return found


class ClaimStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    ACTIVE = "active", _("Active")
    WITHDRAWN = "withdrawn", _("Withdrawn by the organisation")
    LAPSED = "lapsed", _("Lapsed")
    REVOKED = "revoked", _("Revoked by the editors")


class PublicStatus(models.TextChoices):
    """What a claim says in public: its own status, unless the deadline or its organisation
    overrules it (see ``Claim.effective_status``). Pages, badges and JSON all show this."""

    PENDING = ClaimStatus.PENDING.value, ClaimStatus.PENDING.label
    ACTIVE = ClaimStatus.ACTIVE.value, ClaimStatus.ACTIVE.label
    WITHDRAWN = ClaimStatus.WITHDRAWN.value, ClaimStatus.WITHDRAWN.label
    LAPSED = ClaimStatus.LAPSED.value, ClaimStatus.LAPSED.label
    REVOKED = ClaimStatus.REVOKED.value, ClaimStatus.REVOKED.label
    # The organisation is suspended or archived: frozen until an editor lifts it.
    SUSPENDED = "suspended", _("Not valid: the organisation is suspended")
    # The organisation is (again) waiting for verification, e.g. after a new website.
    UNVERIFIED = "unverified", _("Not valid: the organisation is not verified")


OPEN_STATUSES = (ClaimStatus.PENDING, ClaimStatus.ACTIVE)
ENDED_STATUSES = (ClaimStatus.WITHDRAWN, ClaimStatus.LAPSED, ClaimStatus.REVOKED)


def lapse_reason(charter: Charter | None) -> str:
    """Why a claim lapsed, in the active language; the lapse job and the public pages share it."""
    return gettext(
        "The organisation did not confirm version %(version)s of the charter in time."
    ) % {"version": charter.version if charter is not None else "?"}


def carrying_q(now: datetime | None = None) -> models.Q:
    """The SQL twin of ``Claim.effective_status(now) == ACTIVE``; keep the two together.

    Active, the organisation verified, and not past the deadline to confirm a new charter.
    """
    now = now or timezone.now()
    return models.Q(status=ClaimStatus.ACTIVE, organisation__status=OrganisationStatus.VERIFIED) & (
        models.Q(confirmation_due_at__isnull=True) | models.Q(confirmation_due_at__gt=now)
    )


class ClaimQuerySet(models.QuerySet["Claim"]):
    def open(self) -> ClaimQuerySet:
        """Open as stored; one may be past its deadline (see ``Claim.is_overdue``)."""
        return self.filter(status__in=OPEN_STATUSES)

    def carrying(self, now: datetime | None = None) -> ClaimQuerySet:
        """Claims that show as active everywhere: the wall, counts, organisation pages."""
        return self.filter(carrying_q(now))

    def issued(self) -> ClaimQuerySet:
        """Claims that have an Open Badges assertion: they were active at least once."""
        return self.filter(active_since__isnull=False)

    def revoked_assertions(self, now: datetime | None = None) -> ClaimQuerySet:
        """Issued claims that are no longer valid: the Open Badges revocation list."""
        return self.issued().exclude(carrying_q(now))

    def awaiting_confirmation(self) -> ClaimQuerySet:
        return self.open().filter(confirmation_due_at__isnull=False)

    def overdue(self, now: datetime | None = None) -> ClaimQuerySet:
        """Open claims past their deadline: lapsed in public, waiting for the job to say so."""
        return self.awaiting_confirmation().filter(confirmation_due_at__lte=now or timezone.now())


class Claim(models.Model):
    """An organisation's endorsement of the charter: the right to show the stamp."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="stamp_claims",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ClaimStatus.choices, default=ClaimStatus.PENDING
    )
    statement = models.TextField(
        _("why we carry the stamp"),
        max_length=500,
        blank=True,
        help_text=_("Optional, at most 500 characters. Shown on the verification page."),
    )
    charter_agreed = models.ForeignKey(
        Charter,
        verbose_name=_("charter version agreed to"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    charter_confirmed = models.ForeignKey(
        Charter,
        verbose_name=_("latest charter version confirmed"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    code = models.CharField(
        _("verification code"),
        max_length=64,
        unique=True,
        default=_verification_code,
        editable=False,
    )
    claimed_at = models.DateTimeField(_("claimed at"), default=timezone.now)
    claimed_by = actor_field(_("claimed by"))
    active_since = models.DateTimeField(_("active since"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)
    status_reason = models.TextField(_("reason for the status"), blank=True)
    confirmation_due_at = models.DateTimeField(
        _("confirm the new charter before"), null=True, blank=True
    )
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    recipient = models.JSONField(
        _("Open Badges recipient"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_(
            "Who the assertion names, fixed when the claim is first issued: a later change "
            "of the website does not move an issued assertion."
        ),
    )

    objects = ClaimQuerySet.as_manager()

    class Meta:
        verbose_name = _("stamp claim")
        verbose_name_plural = _("stamp claims")
        ordering = ["-claimed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(status__in=["pending", "active"]),
                name="stamp_claim_one_open_per_organisation",
                violation_error_message=_("This organisation already carries or claims the stamp."),
            ),
            valid_choices("status", ClaimStatus, "stamp_claim_status_valid"),
            models.CheckConstraint(
                condition=~models.Q(status="revoked") | ~models.Q(status_reason=""),
                name="stamp_claim_revoked_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="active") | models.Q(active_since__isnull=False),
                name="stamp_claim_active_has_since",
            ),
            models.CheckConstraint(
                condition=models.Q(active_since__isnull=True)
                | models.Q(recipient__has_keys=["type", "hashed", "identity"]),
                name="stamp_claim_issued_has_recipient",
            ),
        ]
        indexes = [models.Index(fields=["status", "-active_since"])]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_status_display()})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The moment a claim is first issued (it becomes active), the assertion's recipient
        # is fixed. Here rather than in each service, so that no way of issuing can skip it.
        if self.active_since is not None and not self.recipient:
            self.recipient = self.current_recipient()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "recipient"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("stamp:verify", kwargs={"code": self.code})

    def current_recipient(self) -> dict[str, Any]:
        """The Open Badges IdentityObject for the organisation as it is now: its own website,
        or its page here when it has none (in the default language, the same for everyone).
        Read only when the claim is issued; afterwards the stored ``recipient`` counts."""
        identity = self.organisation.website
        if not identity:
            with override(settings.LANGUAGE_CODE):
                identity = absolute_url(self.organisation.get_absolute_url())
        return {"type": "url", "hashed": False, "identity": identity}

    # -- What the claim says in public: one rule for every page, badge and JSON ----------

    def is_overdue(self, now: datetime | None = None) -> bool:
        """Open, but the deadline to confirm a new charter has passed: lapsed in public,
        whether or not the daily job has recorded it yet."""
        return (
            self.status in OPEN_STATUSES
            and self.confirmation_due_at is not None
            and self.confirmation_due_at <= (now or timezone.now())
        )

    def effective_status(self, now: datetime | None = None) -> str:
        """The one answer to "what does this claim say now" (a ``PublicStatus`` value).

        An ended claim says how it ended. An open claim past its deadline has lapsed. An open
        claim of a suspended or archived organisation is suspended, of an organisation that
        waits for verification not valid. ``carrying_q`` is the same rule in SQL.
        """
        if self.status not in OPEN_STATUSES:
            return self.status
        if self.is_overdue(now):
            return PublicStatus.LAPSED
        if not roles.is_active_organisation(self.organisation):
            return PublicStatus.SUSPENDED
        if not self.organisation.is_verified:
            return PublicStatus.UNVERIFIED
        return self.status

    def is_active(self, now: datetime | None = None) -> bool:
        """Valid for the public: anyone may rely on this stamp now."""
        return self.effective_status(now) == PublicStatus.ACTIVE

    def status_label(self, now: datetime | None = None) -> Any:
        status = self.effective_status(now)
        if status == PublicStatus.SUSPENDED and (
            self.organisation.status == OrganisationStatus.ARCHIVED
        ):
            return _("Not valid: the organisation is archived")
        return PublicStatus(status).label

    def ended_at(self, now: datetime | None = None) -> datetime | None:
        """Since when the claim is no longer valid because it ended (None while open)."""
        if self.is_overdue(now):
            return self.confirmation_due_at
        if self.status in ENDED_STATUSES:
            return self.status_changed_at
        return None

    def public_reason(self, now: datetime | None = None) -> str:
        """Why the claim is not valid, in the active language ("" while it is)."""
        status = self.effective_status(now)
        if status == PublicStatus.LAPSED and self.status != ClaimStatus.LAPSED:
            return lapse_reason(Charter.objects.current())
        if status in (ClaimStatus.REVOKED, ClaimStatus.LAPSED):
            return self.status_reason
        if status == ClaimStatus.WITHDRAWN:
            return gettext("Withdrawn by the organisation.")
        if status == PublicStatus.SUSPENDED:
            if self.organisation.status == OrganisationStatus.ARCHIVED:
                return gettext("The organisation is archived on the platform.")
            return gettext("The organisation is suspended on the platform.")
        if status == PublicStatus.UNVERIFIED:
            return gettext("The organisation is waiting to be verified (again) on the platform.")
        return ""

    def seconds_until_change(self, now: datetime | None = None) -> int | None:
        """Seconds until the public status changes by itself (the deadline), or None."""
        if self.status not in OPEN_STATUSES or self.confirmation_due_at is None:
            return None
        seconds = int((self.confirmation_due_at - (now or timezone.now())).total_seconds())
        return seconds if seconds > 0 else None  # past the deadline: lapsed, for good

    @property
    def public_status(self) -> str:
        return self.effective_status()

    @property
    def public_status_label(self) -> Any:
        return self.status_label()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_ended(self) -> bool:
        return self.status in ENDED_STATUSES

    @property
    def needs_confirmation(self) -> bool:
        return self.is_open and self.confirmation_due_at is not None


class ClaimEvent(models.Model):
    """One line of a claim's history: who changed what, when and why."""

    class Action(models.TextChoices):
        CLAIMED = "claimed", _("Claimed the stamp")
        APPROVED = "approved", _("Approved by an editor")
        WITHDRAWN = "withdrawn", _("Withdrawn by the organisation")
        REVOKED = "revoked", _("Revoked by the editors")
        REINSTATED = "reinstated", _("Reinstated by the editors")
        CONFIRMATION_REQUESTED = "confirmation_requested", _("Asked to confirm a new charter")
        CONFIRMED = "confirmed", _("Confirmed a new charter")
        LAPSED = "lapsed", _("Lapsed")

    claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, related_name="events", verbose_name=_("claim")
    )
    action = models.CharField(_("action"), max_length=32, choices=Action.choices)
    from_status = models.CharField(
        _("from"), max_length=16, choices=ClaimStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=16, choices=ClaimStatus.choices)
    by = actor_field(
        _("by"), help_text=_("Empty when the platform did it, e.g. a lapse after the deadline.")
    )
    reason = models.TextField(_("reason"), blank=True)
    charter = models.ForeignKey(
        Charter,
        verbose_name=_("charter version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("claim event")
        verbose_name_plural = _("claim history")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.claim}"
