"""Vocabularies and the pieces every publishable model shares."""

from __future__ import annotations

from typing import Any, ClassVar, Self

from django.conf import settings
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members import roles

# The text search configuration created in migration 0002: Dutch stemming after unaccent.
SEARCH_CONFIG = "dutch_unaccent"

# Control characters that mark highlights in ts_headline output; stripped from stored text so
# a member's own text can never forge a highlight (see initiatives.search).
HIGHLIGHT_START = "\x02"
HIGHLIGHT_STOP = "\x03"


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class ResourceKind(models.TextChoices):
    """What a challenge or initiative needs, and an organisation may offer (for matchmaking)."""

    EXPERTISE = "expertise", _("Expertise")
    FUNDING = "funding", _("Funding")
    PEOPLE = "people", _("People and volunteers")
    SPACE = "space", _("Space")
    MATERIALS = "materials", _("Materials")
    DATA = "data", _("Data")
    NETWORK = "network", _("Network")


class ChallengeStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    SOLVED = "solved", _("Solved")
    CLOSED = "closed", _("Closed")


class InitiativeStage(models.TextChoices):
    IDEA = "idea", _("Idea")
    PILOT = "pilot", _("Pilot")
    RUNNING = "running", _("Running")
    SCALING = "scaling", _("Scaling up")
    COMPLETED = "completed", _("Completed")


class PartnerRole(models.TextChoices):
    PROBLEM_OWNER = "problem_owner", _("Problem owner")
    EXECUTING_PARTNER = "executing_partner", _("Executing partner")
    KNOWLEDGE_PARTNER = "knowledge_partner", _("Knowledge partner")
    FUNDER = "funder", _("Funder or catalyst")
    FACILITATOR = "facilitator", _("Facilitator")


class PublishableQuerySet(models.QuerySet[Any]):
    def published(self) -> Self:
        """What the public sees: published, and its organisation listed (see ``public_q``)."""
        return self.filter(self.model.public_q())

    def visible_in_admin_to(self, user: Any) -> Self:
        """What a staff member may read in the admin and its exports: editors (and
        superusers) everything; other staff, such as facilitators, only published items,
        never a draft, a submission or an item the editors hid."""
        if roles.is_editor(user):
            return self
        return self.filter(publication_status=PublicationStatus.PUBLISHED)

    def in_region(self, region_slug: str) -> Self:
        return self.filter(region__slug=region_slug)

    def with_theme(self, theme_slug: str) -> Self:
        # A subquery instead of a join: no duplicates, so no DISTINCT that would break seeking.
        through = self.model.themes.through
        return self.filter(
            pk__in=through.objects.filter(tag__slug=theme_slug).values("content_object_id")
        )


def search_vector(*weighted_fields: tuple[str, str]) -> SearchVector:
    """The stored vector: each field with its weight, in the Dutch unaccent configuration."""
    vector: Any = None
    for field, weight in weighted_fields:
        part = SearchVector(field, weight=weight, config=SEARCH_CONFIG)
        vector = part if vector is None else vector + part
    return vector


class Publishable(models.Model):
    """Publishing state, dates and the plain text that search and snippets read."""

    publication_status = models.CharField(
        _("publication status"),
        max_length=16,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    # Plain text of every Markdown field, kept by save(); the generated search vector and
    # the highlighted snippets read it, so Markdown syntax never shows in a snippet.
    search_text = models.TextField(editable=False, default="")
    # An editor took the item off the site (a report, moderation). It stays archived, and
    # the owner's services refuse to edit, submit or republish it until an editor lifts it.
    hidden_at = models.DateTimeField(_("hidden by the editors at"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("hidden by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hidden_reason = models.TextField(_("why the editors hid it"), blank=True)

    TEXT_FIELDS: tuple[str, ...] = ()
    # What the owner's members write through the services (besides themes and the cover).
    # The state, its dates and the hiding are never among them: only their own services
    # change those, so an owner's edit can never write back a state read before.
    OWNER_FIELDS: ClassVar[tuple[str, ...]] = ()
    # The publishing state that the services decide on: re-read under a row lock first.
    STATE_FIELDS: ClassVar[tuple[str, ...]] = (
        "publication_status",
        "submitted_at",
        "published_at",
        "archived_at",
        "hidden_at",
        "hidden_by",
        "hidden_reason",
    )
    # The path from the item to the organisation that owns it; its status decides whether
    # the item is public (a suspended or archived organisation's items disappear).
    ORGANISATION_PATH: ClassVar[str] = ""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is None or set(update_fields) & set(self.TEXT_FIELDS):
            self.search_text = self.build_search_text()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    @classmethod
    def public_q(cls, prefix: str = "") -> Q:
        """The one rule for "public": published, and the owning organisation listed.

        ``prefix`` reaches the item from another model ("initiative__"), so that links,
        features and prefetches ask the same question as ``published()``.
        """
        return Q(
            **{
                f"{prefix}publication_status": PublicationStatus.PUBLISHED,
                f"{prefix}{cls.ORGANISATION_PATH}__status__in": roles.LISTED_STATUSES,
            }
        )

    @property
    def is_published(self) -> bool:
        return self.publication_status == PublicationStatus.PUBLISHED

    @property
    def is_draft(self) -> bool:
        return self.publication_status == PublicationStatus.DRAFT

    @property
    def is_hidden(self) -> bool:
        """Hidden by an editor: only an editor can bring it back."""
        return self.hidden_at is not None

    @property
    def is_public(self) -> bool:
        """``public_q`` for one loaded row (its organisation is loaded too)."""
        return self.is_published and self.organisation.is_public  # type: ignore[attr-defined]

    def build_search_text(self) -> str:
        from core.markdown import markdown_to_text

        parts = [markdown_to_text(getattr(self, name)) for name in self.TEXT_FIELDS]
        text = " ".join(part for part in parts if part)
        return text.replace(HIGHLIGHT_START, "").replace(HIGHLIGHT_STOP, "")


def status_constraint(model_label: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(publication_status__in=PublicationStatus.values),
        name=f"{model_label}_publication_status_valid",
    )


def hidden_is_not_published(model_label: str) -> models.CheckConstraint:
    """An item the editors hid can never be published while it stays hidden."""
    return models.CheckConstraint(
        condition=Q(hidden_at__isnull=True) | ~Q(publication_status=PublicationStatus.PUBLISHED),
        name=f"{model_label}_hidden_is_not_published",
    )


def published_has_date(model_label: str) -> models.CheckConstraint:
    """A published item always has a publication date: feeds and sorting rely on it."""
    return models.CheckConstraint(
        condition=~models.Q(publication_status=PublicationStatus.PUBLISHED)
        | models.Q(published_at__isnull=False),
        name=f"{model_label}_published_has_date",
    )


__all__ = ["SearchVectorField"]
