"""Vocabularies and the pieces every publishable model shares."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Self

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import valid_choices
from members import roles
from members.models import actor_field

if TYPE_CHECKING:
    from members.models import Organisation

# The text search configuration that migration initiatives/0001 creates: Dutch stemming
# after unaccent.
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


class PublishableQuerySet[M: "Publishable"](models.QuerySet[M]):
    """The filters every list of challenges, initiatives or stories offers."""

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
        return self.filter(**{f"{self.model.REGION_PATH}__slug": region_slug})

    def with_theme(self, theme_slug: str) -> Self:
        # A subquery instead of a join: no duplicates, so no DISTINCT that would break seeking.
        links = self.model.THEME_LINKS._default_manager.filter(tag__slug=theme_slug)
        return self.filter(**{f"{self.model.THEMED_PATH}__in": links.values("content_object_id")})


MARKDOWN_HELP = _("Markdown: **bold**, *italic*, lists and links.")

# Seek pagination (see initiatives.queries): one partial index per sort order, over
# published rows only.
PUBLISHED = Q(publication_status="published")


def search_vector_field(*weighted_fields: tuple[str, str]) -> models.GeneratedField:
    """The stored search vector: each field with its weight, in the Dutch unaccent
    configuration. ``Publishable.Meta`` indexes it (``<model>_search_gin``)."""
    vector: Any = None
    for field, weight in weighted_fields:
        part = SearchVector(field, weight=weight, config=SEARCH_CONFIG)
        vector = part if vector is None else vector + part
    return models.GeneratedField(
        expression=vector, output_field=SearchVectorField(), db_persist=True
    )


class Publishable(models.Model):
    """What challenges, initiatives and stories share: a title and an address, the publishing
    state and its dates, the plain text that search and snippets read, and the indexes and
    constraints that go with them (named ``<model>_…`` through ``%(class)s``)."""

    title = models.CharField(_("title"), max_length=150)
    slug = models.SlugField(_("address"), max_length=160, unique=True)
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
    hidden_by = actor_field(_("hidden by"))
    hidden_reason = models.TextField(_("why the editors hid it"), blank=True)

    TEXT_FIELDS: ClassVar[tuple[str, ...]] = ()
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
    # Where the lists' region and theme filters look: the item's own region and themes, or
    # (a story) those of its initiative. THEME_LINKS is the through model of those themes.
    REGION_PATH: ClassVar[str] = "region"
    THEMED_PATH: ClassVar[str] = "pk"
    THEME_LINKS: ClassVar[type[models.Model]]

    class Meta:
        abstract = True
        constraints = [
            valid_choices(
                "publication_status", PublicationStatus, "%(class)s_publication_status_valid"
            ),
            # A published item always has a publication date: feeds and sorting rely on it.
            models.CheckConstraint(
                condition=~Q(publication_status=PublicationStatus.PUBLISHED)
                | Q(published_at__isnull=False),
                name="%(class)s_published_has_date",
            ),
            # An item the editors hid can never be published while it stays hidden.
            models.CheckConstraint(
                condition=Q(hidden_at__isnull=True)
                | ~Q(publication_status=PublicationStatus.PUBLISHED),
                name="%(class)s_hidden_is_not_published",
            ),
        ]
        indexes = [
            GinIndex(fields=["search_vector"], name="%(class)s_search_gin"),
            models.Index(
                models.F("published_at").desc(),
                models.F("slug").desc(),
                name="%(class)s_pub_newest",
                condition=PUBLISHED,
            ),
            models.Index("title", "slug", name="%(class)s_pub_title", condition=PUBLISHED),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is None or set(update_fields) & set(self.TEXT_FIELDS):
            self.search_text = self.build_search_text()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse(f"initiatives:{self._meta.model_name}_detail", kwargs={"slug": self.slug})

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
    def organisation(self) -> Organisation:
        """The organisation whose members write and edit this item (``ORGANISATION_PATH``)."""
        related: Any = self
        for name in self.ORGANISATION_PATH.split("__"):
            related = getattr(related, name)
        return related

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
        return self.is_published and self.organisation.is_public

    def build_search_text(self) -> str:
        from core.markdown import markdown_to_text

        parts = [markdown_to_text(getattr(self, name)) for name in self.TEXT_FIELDS]
        text = " ".join(part for part in parts if part)
        return text.replace(HIGHLIGHT_START, "").replace(HIGHLIGHT_STOP, "")


class Showcase(Publishable):
    """What a challenge and an initiative share besides publishing: the description, the cover
    and who created it. Each declares its own region and themes: their reverse names (and the
    themes' through model) differ, and a ``%(class)s`` related name would land in the
    migrations unformatted."""

    description = models.TextField(_("description"), help_text=MARKDOWN_HELP)
    cover = models.ImageField(_("cover image"), upload_to="covers/%Y/", blank=True)
    cover_alt = models.CharField(
        _("description of the cover image"),
        max_length=200,
        blank=True,
        help_text=_("For people who cannot see the picture."),
    )
    created_by = actor_field(_("created by"))

    TEXT_FIELDS = ("description",)
    # The owner writes these of the shared fields; each model adds its own.
    OWNER_FIELDS: ClassVar[tuple[str, ...]] = ("title", "description", "region", "cover_alt")

    class Meta(Publishable.Meta):
        abstract = True
