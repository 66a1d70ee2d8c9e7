"""Offers and needs, introductions with their timeline and outcomes, follows and notifications."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import ClassVar

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from core.models import Region, Theme, valid_choices
from initiatives.models import Challenge, Initiative, ResourceKind, Story
from members.models import Organisation, User, actor_field
from members.roles import LISTED_STATUSES, is_active_organisation


def random_code() -> str:
    """A URL-safe random code: public addresses never reveal counts or order."""
    return secrets.token_urlsafe(9)


# ---------------------------------------------------------------------------
# Offers and needs
# ---------------------------------------------------------------------------


class Direction(models.TextChoices):
    OFFER = "offer", _("Offer")
    NEED = "need", _("Need")


class ThemedOfferNeed(TaggedItemBase):
    content_object = models.ForeignKey("OfferNeed", on_delete=models.CASCADE)
    # taggit looks tagged objects up through this reverse name: it must be unique, not "+".
    tag = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="themed_offer_needs")

    # taggit ships no types, so django-stubs does not see a model here; name its manager.
    _default_manager: ClassVar[models.Manager[ThemedOfferNeed]]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="uniq_offerneed_theme")
        ]
        indexes = [models.Index(fields=["tag", "content_object"])]


class OfferNeedQuerySet(models.QuerySet["OfferNeed"]):
    def current(self) -> OfferNeedQuerySet:
        """Not closed, not past its end date, of an organisation the public may see.

        Not hidden either: hiding closes it (``matchmaking_offerneed_hidden_is_closed``), so
        "not closed" is the one test, here and in the suggestions' SQL."""
        today = timezone.localdate()
        return self.filter(
            closed_at__isnull=True,
            organisation__status__in=LISTED_STATUSES,
        ).filter(models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=today))

    def offers(self) -> OfferNeedQuerySet:
        return self.filter(direction=Direction.OFFER)

    def needs(self) -> OfferNeedQuerySet:
        return self.filter(direction=Direction.NEED)


class OfferNeed(models.Model):
    """What an organisation can give (an offer) or is looking for (a need)."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="offers_and_needs",
    )
    direction = models.CharField(_("offer or need"), max_length=8, choices=Direction.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=ResourceKind.choices)
    title = models.CharField(_("title"), max_length=150)
    slug = models.SlugField(_("address"), max_length=40, unique=True, default=random_code)
    description = models.TextField(
        _("description"),
        max_length=4000,
        help_text=_("Markdown: **bold**, *italic*, lists and links."),
    )
    themes = TaggableManager(verbose_name=_("themes"), through=ThemedOfferNeed, blank=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="offers_and_needs",
    )
    ends_on = models.DateField(
        _("available until"),
        null=True,
        blank=True,
        help_text=_("After this date it no longer shows. Leave empty when open-ended."),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # An editor took it off the site (a report, moderation). It stays closed, and the
    # organisation's services refuse to edit or reopen it until an editor lifts the hiding.
    hidden_at = models.DateTimeField(_("hidden by the editors at"), null=True, blank=True)
    hidden_by = actor_field(_("hidden by"))
    hidden_reason = models.TextField(_("why the editors hid it"), blank=True)
    created_by = actor_field()
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = OfferNeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("offer or need")
        verbose_name_plural = _("offers and needs")
        ordering = ["-created_at"]
        constraints = [
            valid_choices("direction", Direction, "matchmaking_offerneed_direction_valid"),
            valid_choices("kind", ResourceKind, "matchmaking_offerneed_kind_valid"),
            # A hidden offer is never open: every "current" filter reads closed_at alone.
            models.CheckConstraint(
                condition=models.Q(hidden_at__isnull=True) | models.Q(closed_at__isnull=False),
                name="matchmaking_offerneed_hidden_is_closed",
                violation_error_message=_(
                    "The editors hid this: it stays closed until an editor lifts the hiding."
                ),
            ),
        ]
        indexes = [
            # Suggestions look up open offers (or needs) of a kind, per organisation.
            # (index-only scans: the columns the suggestion query reads are in the index)
            models.Index(
                fields=["direction", "kind", "organisation"],
                include=["ends_on"],
                name="offerneed_open_kind",
                condition=models.Q(closed_at__isnull=True),
            ),
            # One organisation's open offers (or needs): the themes of a suggestion's
            # offers and an initiative lead's needs, index-only.
            models.Index(
                fields=["organisation", "direction"],
                include=["kind", "ends_on", "id"],
                name="offerneed_open_by_org",
                condition=models.Q(closed_at__isnull=True),
            ),
            models.Index(fields=["organisation", "-created_at"], name="offerneed_org_recent"),
            models.Index(fields=["-created_at"], include=["organisation"], name="offerneed_recent"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("matchmaking:offer_need_detail", kwargs={"slug": self.slug})

    @property
    def is_offer(self) -> bool:
        return self.direction == Direction.OFFER

    @property
    def is_hidden(self) -> bool:
        """Hidden by an editor: only an editor can lift it."""
        return self.hidden_at is not None

    def is_current(self, today: date | None = None) -> bool:
        """``OfferNeedQuerySet.current`` for one loaded row (a hidden one is closed too)."""
        today = today or timezone.localdate()
        return (
            self.closed_at is None
            and (self.ends_on is None or self.ends_on >= today)
            and self.organisation.is_public
        )


# ---------------------------------------------------------------------------
# Introductions
# ---------------------------------------------------------------------------


class IntroductionState(models.TextChoices):
    REQUESTED = "requested", _("Waiting for a facilitator")
    FORWARDED = "forwarded", _("Forwarded, waiting for an answer")
    NOT_FORWARDED = "not_forwarded", _("Not forwarded by the facilitator")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn by the asking side")


OPEN_STATES = (IntroductionState.REQUESTED, IntroductionState.FORWARDED)
ANSWERED_STATES = (IntroductionState.ACCEPTED, IntroductionState.DECLINED)


class EventKind(models.TextChoices):
    REQUESTED = "requested", _("Asked for an introduction")
    PROPOSED = "proposed", _("Proposed by a facilitator")
    FORWARDED = "forwarded", _("Forwarded by a facilitator")
    NOT_FORWARDED = "not_forwarded", _("Not forwarded by a facilitator")
    REDIRECTED = "redirected", _("Redirected to a better-suited party")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    OUTCOME = "outcome", _("Outcome recorded")


class IntroductionQuerySet(models.QuerySet["Introduction"]):
    def open(self) -> IntroductionQuerySet:
        return self.filter(state__in=OPEN_STATES)

    def involving(self, user: User) -> IntroductionQuerySet:
        """Introductions the user asked for, or of an organisation they administer."""
        admin_of = Organisation.objects.administered_by(user).values("pk")
        return self.filter(
            models.Q(requester=user)
            | models.Q(requesting_organisation__in=admin_of)
            | models.Q(receiving_organisation__in=admin_of, state__in=RECEIVER_VISIBLE_STATES)
        )

    def led_to_cooperation(self) -> IntroductionQuerySet:
        return self.filter(state=IntroductionState.ACCEPTED, outcomes__isnull=False).distinct()


# The receiving organisation sees an introduction only once a facilitator forwarded it.
RECEIVER_VISIBLE_STATES = (
    IntroductionState.FORWARDED,
    IntroductionState.ACCEPTED,
    IntroductionState.DECLINED,
)


class Introduction(models.Model):
    """A facilitated request to connect two organisations about a challenge, initiative or offer."""

    code = models.CharField(max_length=24, unique=True, default=random_code, editable=False)
    requesting_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("on behalf of"),
        on_delete=models.CASCADE,
        related_name="introductions_requested",
    )
    receiving_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("introduced to"),
        on_delete=models.CASCADE,
        related_name="introductions_received",
    )
    requester = actor_field(_("asked by"), related_name="introductions_requested")
    proposed_by = actor_field(_("proposed by facilitator"), related_name="introductions_proposed")
    challenge = models.ForeignKey(
        Challenge, null=True, blank=True, on_delete=models.SET_NULL, related_name="introductions"
    )
    initiative = models.ForeignKey(
        Initiative, null=True, blank=True, on_delete=models.SET_NULL, related_name="introductions"
    )
    offer_need = models.ForeignKey(
        OfferNeed, null=True, blank=True, on_delete=models.SET_NULL, related_name="introductions"
    )
    message = models.TextField(_("message"), max_length=2000)
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=IntroductionState.choices,
        default=IntroductionState.REQUESTED,
    )
    answered_by = actor_field(_("answered by"))
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)
    state_changed_at = models.DateTimeField(_("state changed at"), default=timezone.now)

    objects = IntroductionQuerySet.as_manager()

    class Meta:
        verbose_name = _("introduction")
        verbose_name_plural = _("introductions")
        ordering = ["-created_at"]
        permissions = [("facilitate", _("Can facilitate introductions (verbinder)"))]
        constraints = [
            valid_choices("state", IntroductionState, "matchmaking_introduction_state_valid"),
            models.CheckConstraint(
                condition=~models.Q(requesting_organisation=models.F("receiving_organisation")),
                name="matchmaking_introduction_two_parties",
            ),
            models.CheckConstraint(
                condition=models.Q(requester__isnull=False) | models.Q(proposed_by__isnull=False),
                name="matchmaking_introduction_has_initiator",
            ),
            models.CheckConstraint(
                condition=~models.Q(state__in=["accepted", "declined"])
                | models.Q(answered_by__isnull=False),
                name="matchmaking_introduction_answer_has_person",
            ),
            models.UniqueConstraint(
                "requesting_organisation",
                "receiving_organisation",
                "challenge",
                "initiative",
                "offer_need",
                condition=models.Q(state__in=["requested", "forwarded"]),
                nulls_distinct=False,
                name="matchmaking_introduction_one_open_per_subject",
                violation_error_message=_(
                    "There is already an open introduction between these organisations about this."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["requester", "-created_at"], name="introduction_rate"),
            models.Index(fields=["state", "created_at"], name="introduction_state_age"),
        ]

    def __str__(self) -> str:
        return f"{self.requesting_organisation} → {self.receiving_organisation}"

    def get_absolute_url(self) -> str:
        return reverse("matchmaking:introduction_detail", kwargs={"code": self.code})

    @property
    def subject(self) -> Challenge | Initiative | OfferNeed | None:
        return self.challenge or self.initiative or self.offer_need

    @property
    def subject_organisation_id(self) -> int | None:
        """Whose subject it is: the challenge's owner, the initiative's lead, the offer's poster."""
        if self.challenge is not None:
            return self.challenge.owner_id
        if self.initiative is not None:
            return self.initiative.lead_id
        if self.offer_need is not None:
            return self.offer_need.organisation_id
        return None

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_accepted(self) -> bool:
        return self.state == IntroductionState.ACCEPTED

    @property
    def is_on_hold(self) -> bool:
        """A party is suspended or archived: the introduction waits, unchanged, until an
        editor reinstates it (nothing is lost, nothing moves on with a frozen party)."""
        return not (
            is_active_organisation(self.requesting_organisation)
            and is_active_organisation(self.receiving_organisation)
        )

    def age(self) -> timedelta:
        return timezone.now() - self.created_at


class IntroductionEvent(models.Model):
    """One step on an introduction's timeline: who did what, when, with which note."""

    introduction = models.ForeignKey(Introduction, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("what happened"), max_length=16, choices=EventKind.choices)
    actor = actor_field()
    note = models.TextField(_("note"), max_length=2000, blank=True)
    # A redirect keeps the organisation asked first here, not in the note: the requester and
    # facilitators see it in the history, the new receiver never does.
    previous_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("asked first"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("introduction step")
        verbose_name_plural = _("introduction steps")
        ordering = ["created_at", "id"]
        constraints = [
            valid_choices("kind", EventKind, "matchmaking_event_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class Outcome(models.Model):
    """What came of an accepted introduction: "three months of a project lead"."""

    code = models.CharField(max_length=24, unique=True, default=random_code, editable=False)
    introduction = models.ForeignKey(
        Introduction, on_delete=models.CASCADE, related_name="outcomes"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("recorded for"), on_delete=models.CASCADE, related_name="+"
    )
    recorded_by = actor_field()
    description = models.TextField(_("what came of it"), max_length=2000)
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    unit = models.CharField(
        _("unit"), max_length=40, blank=True, help_text=_("For example EUR, hours or months.")
    )
    story = models.ForeignKey(
        Story,
        verbose_name=_("story"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gte=0),
                name="matchmaking_outcome_amount_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:60]


# ---------------------------------------------------------------------------
# Following themes and regions; notifications
# ---------------------------------------------------------------------------


class Follow(models.Model):
    """A member follows a theme or a region for the weekly digest."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="follows")
    theme = models.ForeignKey(
        Theme, null=True, blank=True, on_delete=models.CASCADE, related_name="followers"
    )
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.CASCADE, related_name="followers"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(theme__isnull=True, region__isnull=False)
                | models.Q(theme__isnull=False, region__isnull=True),
                name="matchmaking_follow_one_thing",
            ),
            models.UniqueConstraint(
                fields=["user", "theme"],
                condition=models.Q(theme__isnull=False),
                name="matchmaking_follow_theme_once",
            ),
            models.UniqueConstraint(
                fields=["user", "region"],
                condition=models.Q(region__isnull=False),
                name="matchmaking_follow_region_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.theme or self.region}"


class DigestDelivery(models.Model):
    """One weekly digest per member per week: the row makes the command idempotent."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    week = models.DateField(_("week starting"))
    item_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("weekly digest")
        verbose_name_plural = _("weekly digests")
        constraints = [
            models.UniqueConstraint(fields=["user", "week"], name="matchmaking_digest_once_a_week")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.week}"


class NotificationKind(models.TextChoices):
    REQUEST_WAITING = "request_waiting", _("An introduction request waits for a facilitator")
    INTRODUCTION_RECEIVED = "received", _("Someone would like to meet your organisation")
    FORWARDED = "forwarded", _("Your request was forwarded")
    NOT_FORWARDED = "not_forwarded", _("Your request was not forwarded")
    REDIRECTED = "redirected", _("A facilitator proposed a better-suited party")
    ACCEPTED = "accepted", _("Your introduction was accepted")
    DECLINED = "declined", _("Your introduction was declined")
    OUTCOME = "outcome", _("An outcome was recorded")
    CHALLENGE_PUBLISHED = "challenge_published", _("Your challenge was published")
    CHALLENGE_SENT_BACK = "challenge_sent_back", _("The editors sent your challenge back")


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An in-app message; its text is rendered in the reader's language when shown."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=24, choices=NotificationKind.choices)
    introduction = models.ForeignKey(
        Introduction, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # The editors' decision on a challenge its owner submitted (see ``challenge_decided``).
    challenge = models.ForeignKey(
        Challenge, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["recipient"],
                name="notification_unread",
                condition=models.Q(read_at__isnull=True),
            ),
            models.Index(fields=["recipient", "-created_at"], name="notification_recent"),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    def get_absolute_url(self) -> str:
        # An empty foreign key reads as None without a query.
        if self.introduction is not None:
            return self.introduction.get_absolute_url()
        if self.challenge is not None:
            if self.kind == NotificationKind.CHALLENGE_SENT_BACK:
                return reverse("initiatives:challenge_edit", kwargs={"slug": self.challenge.slug})
            return self.challenge.get_absolute_url()
        return reverse("matchmaking:notification_list")


def facilitator_permission_codename() -> str:
    return f"{Introduction._meta.app_label}.facilitate"
