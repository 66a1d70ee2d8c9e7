"""Challenges: societal problems that a problem owner brings in."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from core.models import Region, Theme
from initiatives.models.base import (
    ChallengeStatus,
    Publishable,
    PublishableQuerySet,
    ResourceKind,
    hidden_is_not_published,
    published_has_date,
    search_vector,
    status_constraint,
)
from members.models import Organisation, OrganisationKind, User


class ThemedChallenge(TaggedItemBase):
    content_object = models.ForeignKey("Challenge", on_delete=models.CASCADE)
    tag = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="themed_challenges")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="uniq_challenge_theme")
        ]
        indexes = [models.Index(fields=["tag", "content_object"])]


class ChallengeQuerySet(PublishableQuerySet):
    def open(self) -> ChallengeQuerySet:
        return self.filter(status=ChallengeStatus.OPEN)


class Challenge(Publishable):
    """A maatschappelijk vraagstuk: a problem with an owner, the parties and resources it needs."""

    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("problem owner"),
        on_delete=models.PROTECT,
        related_name="challenges",
    )
    title = models.CharField(_("title"), max_length=150)
    slug = models.SlugField(_("address"), max_length=160, unique=True)
    summary = models.CharField(
        _("summary"), max_length=300, help_text=_("One or two sentences for cards and searches.")
    )
    description = models.TextField(
        _("description"), help_text=_("Markdown: **bold**, *italic*, lists and links.")
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="challenges",
    )
    themes = TaggableManager(verbose_name=_("themes"), through=ThemedChallenge, blank=True)
    stakeholder_kinds = ArrayField(
        models.CharField(max_length=32, choices=OrganisationKind.choices),
        verbose_name=_("kinds of organisations needed"),
        default=list,
        blank=True,
    )
    resources_needed = ArrayField(
        models.CharField(max_length=16, choices=ResourceKind.choices),
        verbose_name=_("resources needed"),
        default=list,
        blank=True,
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ChallengeStatus.choices, default=ChallengeStatus.OPEN
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    cover = models.ImageField(_("cover image"), upload_to="covers/%Y/", blank=True)
    cover_alt = models.CharField(
        _("description of the cover image"),
        max_length=200,
        blank=True,
        help_text=_("For people who cannot see the picture."),
    )
    created_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    search_vector = models.GeneratedField(
        expression=search_vector(("title", "A"), ("summary", "B"), ("search_text", "C")),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    TEXT_FIELDS = ("description",)
    OWNER_FIELDS = (
        "title",
        "summary",
        "description",
        "region",
        "stakeholder_kinds",
        "resources_needed",
        "status",
        "deadline",
        "cover_alt",
    )
    ORGANISATION_PATH = "owner"

    objects = ChallengeQuerySet.as_manager()

    class Meta:
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")
        constraints = [
            status_constraint("challenge"),
            published_has_date("challenge"),
            hidden_is_not_published("challenge"),
            models.CheckConstraint(
                condition=models.Q(status__in=ChallengeStatus.values),
                name="challenge_status_valid",
            ),
        ]
        indexes = [
            GinIndex(fields=["search_vector"], name="challenge_search_gin"),
            # Seek pagination: one index per sort order, only over published rows.
            models.Index(
                models.F("published_at").desc(),
                models.F("slug").desc(),
                name="challenge_pub_newest",
                condition=models.Q(publication_status="published"),
            ),
            models.Index(
                "title",
                "slug",
                name="challenge_pub_title",
                condition=models.Q(publication_status="published"),
            ),
            models.Index(fields=["owner", "publication_status"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("initiatives:challenge_detail", kwargs={"slug": self.slug})

    @property
    def organisation(self) -> Organisation:
        """The organisation whose members write and edit this challenge."""
        return self.owner

    def get_stakeholder_kinds_display(self) -> list[str]:
        labels = dict(OrganisationKind.choices)
        return [str(labels.get(kind, kind)) for kind in self.stakeholder_kinds]

    def get_resources_needed_display(self) -> list[str]:
        labels = dict(ResourceKind.choices)
        return [str(labels.get(kind, kind)) for kind in self.resources_needed]
