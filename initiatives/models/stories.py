"""Stories: structured case write-ups of how a coalition solved (part of) a problem."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from initiatives.models.base import (
    MARKDOWN_HELP,
    PublicationStatus,
    Publishable,
    PublishableQuerySet,
    search_vector_field,
)
from initiatives.models.initiatives import Initiative, ThemedInitiative
from members.models import actor_field


class StoryQuerySet(PublishableQuerySet["Story"]):
    pass


class Story(Publishable):
    initiative = models.ForeignKey(
        Initiative,
        verbose_name=_("initiative"),
        on_delete=models.CASCADE,
        related_name="stories",
    )
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
    author = actor_field(_("author"))
    search_vector = search_vector_field(("title", "A"), ("summary", "B"), ("search_text", "C"))

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
    # A story has no region or themes of its own: the lists filter by its initiative's.
    REGION_PATH = "initiative__region"
    THEMED_PATH = "initiative"
    THEME_LINKS = ThemedInitiative

    objects = StoryQuerySet.as_manager()

    class Meta(Publishable.Meta):
        verbose_name = _("story")
        verbose_name_plural = _("stories")
        indexes = [
            *Publishable.Meta.indexes,
            models.Index(fields=["initiative", "publication_status"]),
        ]

    @classmethod
    def public_q(cls, prefix: str = "") -> Q:
        """A story is public only while its initiative is public too."""
        return Q(**{f"{prefix}publication_status": PublicationStatus.PUBLISHED}) & (
            Initiative.public_q(f"{prefix}initiative__")
        )

    @property
    def is_public(self) -> bool:
        return self.is_published and self.initiative.is_public

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
