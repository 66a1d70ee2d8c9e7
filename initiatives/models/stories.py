"""Stories: structured case write-ups of how a coalition solved (part of) a problem."""

from __future__ import annotations

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from initiatives.models.base import (
    PublicationStatus,
    Publishable,
    PublishableQuerySet,
    hidden_is_not_published,
    published_has_date,
    search_vector,
    status_constraint,
)
from initiatives.models.initiatives import Initiative
from members.models import Organisation, User

MARKDOWN_HELP = _("Markdown: **bold**, *italic*, lists and links.")


class StoryQuerySet(PublishableQuerySet):
    def in_region(self, region_slug: str) -> StoryQuerySet:
        return self.filter(initiative__region__slug=region_slug)

    def with_theme(self, theme_slug: str) -> StoryQuerySet:
        through = Initiative.themes.through
        return self.filter(
            initiative__in=through.objects.filter(tag__slug=theme_slug).values("content_object_id")
        )


class Story(Publishable):
    initiative = models.ForeignKey(
        Initiative,
        verbose_name=_("initiative"),
        on_delete=models.CASCADE,
        related_name="stories",
    )
    title = models.CharField(_("title"), max_length=150)
    slug = models.SlugField(_("address"), max_length=160, unique=True)
    summary = models.CharField(_("summary"), max_length=300)
    problem = models.TextField(_("the problem"), help_text=MARKDOWN_HELP)
    coalition = models.TextField(
        _("who came together, and how"), help_text=MARKDOWN_HELP, blank=True
    )
    what_worked = models.TextField(_("what worked"), help_text=MARKDOWN_HELP, blank=True)
    what_did_not = models.TextField(_("what did not work"), help_text=MARKDOWN_HELP, blank=True)
    lessons = models.TextField(_("lessons"), help_text=MARKDOWN_HELP, blank=True)
    results = models.TextField(_("results"), help_text=MARKDOWN_HELP, blank=True)
    is_celebration = models.BooleanField(
        _("a celebration"),
        default=False,
        help_text=_("This story celebrates a result the coalition reached."),
    )
    author = models.ForeignKey(
        User,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    search_vector = models.GeneratedField(
        expression=search_vector(("title", "A"), ("summary", "B"), ("search_text", "C")),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    TEXT_FIELDS = ("problem", "coalition", "what_worked", "what_did_not", "lessons", "results")
    OWNER_FIELDS = (
        "title",
        "summary",
        "problem",
        "coalition",
        "what_worked",
        "what_did_not",
        "lessons",
        "results",
        "is_celebration",
    )
    ORGANISATION_PATH = "initiative__lead"

    objects = StoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("story")
        verbose_name_plural = _("stories")
        constraints = [
            status_constraint("story"),
            published_has_date("story"),
            hidden_is_not_published("story"),
        ]
        indexes = [
            GinIndex(fields=["search_vector"], name="story_search_gin"),
            models.Index(
                models.F("published_at").desc(),
                models.F("slug").desc(),
                name="story_pub_newest",
                condition=models.Q(publication_status="published"),
            ),
            models.Index(
                "title",
                "slug",
                name="story_pub_title",
                condition=models.Q(publication_status="published"),
            ),
            models.Index(fields=["initiative", "publication_status"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("initiatives:story_detail", kwargs={"slug": self.slug})

    @classmethod
    def public_q(cls, prefix: str = "") -> Q:
        """A story is public only while its initiative is public too."""
        return Q(**{f"{prefix}publication_status": PublicationStatus.PUBLISHED}) & (
            Initiative.public_q(f"{prefix}initiative__")
        )

    @property
    def is_public(self) -> bool:
        return self.is_published and self.initiative.is_public

    @property
    def organisation(self) -> Organisation:
        return self.initiative.lead

    SECTIONS = (
        ("problem", _("The problem")),
        ("coalition", _("Who came together, and how")),
        ("what_worked", _("What worked")),
        ("what_did_not", _("What did not work")),
        ("lessons", _("Lessons")),
        ("results", _("Results")),
    )

    def sections(self) -> list[tuple[str, str]]:
        """(heading, Markdown) for every section that has text, in reading order."""
        return [
            (str(label), getattr(self, name))
            for name, label in self.SECTIONS
            if getattr(self, name)
        ]
