"""Challenges: societal problems that a problem owner brings in."""

from __future__ import annotations

from typing import ClassVar, Self

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from core.models import Region, Theme, valid_choices
from initiatives.models.base import (
    PUBLISHED,
    ChallengeStatus,
    PublishableQuerySet,
    ResourceKind,
    Showcase,
    search_vector_field,
)
from members.models import Organisation, OrganisationKind


class ThemedChallenge(TaggedItemBase):
    content_object = models.ForeignKey("Challenge", on_delete=models.CASCADE)
    tag = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="themed_challenges")

    # taggit ships no types, so django-stubs does not see a model here; name its manager.
    _default_manager: ClassVar[models.Manager[ThemedChallenge]]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="uniq_challenge_theme")
        ]
        indexes = [models.Index(fields=["tag", "content_object"])]


class ChallengeQuerySet(PublishableQuerySet["Challenge"]):
    def open(self) -> Self:
        return self.filter(status=ChallengeStatus.OPEN)


class Challenge(Showcase):
    """A maatschappelijk vraagstuk: a problem with an owner, the parties and resources it needs."""

    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("problem owner"),
        on_delete=models.PROTECT,
        related_name="challenges",
    )
    summary = models.CharField(
        _("summary"), max_length=300, help_text=_("One or two sentences for cards and searches.")
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
    search_vector = search_vector_field(("title", "A"), ("summary", "B"), ("search_text", "C"))

    OWNER_FIELDS = (
        *Showcase.OWNER_FIELDS,
        "summary",
        "stakeholder_kinds",
        "resources_needed",
        "status",
        "deadline",
    )
    ORGANISATION_PATH = "owner"
    THEME_LINKS = ThemedChallenge

    objects = ChallengeQuerySet.as_manager()

    class Meta(Showcase.Meta):
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")
        constraints = [
            *Showcase.Meta.constraints,
            valid_choices("status", ChallengeStatus, "challenge_status_valid"),
        ]
        indexes = [
            *Showcase.Meta.indexes,
            models.Index(fields=["owner", "publication_status"]),
            # An organisation's page: the newest challenges it owns, however many.
            models.Index(
                "owner",
                models.F("published_at").desc(),
                models.F("slug").desc(),
                name="challenge_pub_owner",
                condition=PUBLISHED,
            ),
        ]

    def get_stakeholder_kinds_display(self) -> list[str]:
        labels = dict(OrganisationKind.choices)
        return [str(labels.get(kind, kind)) for kind in self.stakeholder_kinds]

    def get_resources_needed_display(self) -> list[str]:
        labels = dict(ResourceKind.choices)
        return [str(labels.get(kind, kind)) for kind in self.resources_needed]
