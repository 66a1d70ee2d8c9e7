"""Initiatives: coalitions working on a solution, with partners, figures and updates."""

from __future__ import annotations

from typing import Self

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from core.models import Region, Theme
from initiatives.models.base import (
    InitiativeStage,
    PartnerRole,
    Publishable,
    PublishableQuerySet,
    hidden_is_not_published,
    published_has_date,
    search_vector,
    status_constraint,
)
from initiatives.models.challenges import Challenge
from members.models import Organisation, User


class ThemedInitiative(TaggedItemBase):
    content_object = models.ForeignKey("Initiative", on_delete=models.CASCADE)
    tag = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="themed_initiatives")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="uniq_initiative_theme")
        ]
        indexes = [models.Index(fields=["tag", "content_object"])]


class Initiative(Publishable):
    title = models.CharField(_("title"), max_length=150)
    slug = models.SlugField(_("address"), max_length=160, unique=True)
    tagline = models.CharField(
        _("tagline"), max_length=200, help_text=_("One sentence: what you do, for whom.")
    )
    description = models.TextField(
        _("description"), help_text=_("Markdown: **bold**, *italic*, lists and links.")
    )
    lead = models.ForeignKey(
        Organisation,
        verbose_name=_("lead organisation"),
        on_delete=models.PROTECT,
        related_name="led_initiatives",
    )
    partners = models.ManyToManyField(
        Organisation,
        through="InitiativePartner",
        related_name="partner_initiatives",
        blank=True,
    )
    challenges = models.ManyToManyField(
        Challenge,
        through="ChallengeLink",
        verbose_name=_("challenges it works on"),
        related_name="initiatives",
        blank=True,
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="initiatives",
    )
    themes = TaggableManager(verbose_name=_("themes"), through=ThemedInitiative, blank=True)
    stage = models.CharField(
        _("stage"), max_length=16, choices=InitiativeStage.choices, default=InitiativeStage.IDEA
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    website = models.URLField(_("website"), blank=True)
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
        expression=search_vector(("title", "A"), ("tagline", "B"), ("search_text", "C")),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    TEXT_FIELDS = ("description",)
    OWNER_FIELDS = (
        "title",
        "tagline",
        "description",
        "region",
        "stage",
        "start_date",
        "website",
        "cover_alt",
    )
    ORGANISATION_PATH = "lead"

    objects = PublishableQuerySet.as_manager()

    class Meta:
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        constraints = [
            status_constraint("initiative"),
            published_has_date("initiative"),
            hidden_is_not_published("initiative"),
            models.CheckConstraint(
                condition=models.Q(stage__in=InitiativeStage.values),
                name="initiative_stage_valid",
            ),
        ]
        indexes = [
            GinIndex(fields=["search_vector"], name="initiative_search_gin"),
            models.Index(
                models.F("published_at").desc(),
                models.F("slug").desc(),
                name="initiative_pub_newest",
                condition=models.Q(publication_status="published"),
            ),
            models.Index(
                "title",
                "slug",
                name="initiative_pub_title",
                condition=models.Q(publication_status="published"),
            ),
            models.Index(
                "region",
                models.F("published_at").desc(),
                name="initiative_pub_region",
                condition=models.Q(publication_status="published"),
            ),
            models.Index(fields=["lead", "publication_status"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("initiatives:initiative_detail", kwargs={"slug": self.slug})

    @property
    def organisation(self) -> Organisation:
        return self.lead


class InitiativePartner(models.Model):
    """An organisation in an initiative's coalition; public only once that organisation confirms."""

    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.CASCADE,
        related_name="partnerships",
        verbose_name=_("initiative"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="initiative_partnerships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=32, choices=PartnerRole.choices)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    added_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("added by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "organisation"], name="initiative_partner_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=PartnerRole.values),
                name="initiative_partner_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.get_role_display()}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class ChallengeLinkQuerySet(models.QuerySet["ChallengeLink"]):
    def confirmed(self) -> Self:
        return self.filter(confirmed_at__isnull=False)

    def public(self) -> Self:
        """Links the public sees: confirmed by the problem owner, and both ends public."""
        return self.confirmed().filter(
            Initiative.public_q("initiative__"), Challenge.public_q("challenge__")
        )


class ChallengeLink(models.Model):
    """An initiative says it works on a challenge. Public only once the problem owner agrees,
    unless the lead organisation owns the challenge itself (then it is confirmed at once)."""

    initiative = models.ForeignKey(
        Initiative,
        verbose_name=_("initiative"),
        on_delete=models.CASCADE,
        related_name="challenge_links",
    )
    challenge = models.ForeignKey(
        Challenge,
        verbose_name=_("challenge"),
        on_delete=models.CASCADE,
        related_name="initiative_links",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        User,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    added_by = models.ForeignKey(
        User,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ChallengeLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("challenge link")
        verbose_name_plural = _("challenge links")
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "challenge"], name="initiative_challenge_link_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.initiative} → {self.challenge}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class InitiativeImage(models.Model):
    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="images", verbose_name=_("initiative")
    )
    image = models.ImageField(_("picture"), upload_to="gallery/%Y/")
    caption = models.CharField(
        _("caption"), max_length=200, help_text=_("What the picture shows, for everyone.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("picture")
        verbose_name_plural = _("pictures")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.caption


class ImpactFigure(models.Model):
    """A result in numbers, e.g. "huurwoningen nul-op-de-meter: 450"."""

    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.CASCADE,
        related_name="impact_figures",
        verbose_name=_("initiative"),
    )
    label = models.CharField(_("what was counted"), max_length=120)
    number = models.DecimalField(_("number"), max_digits=14, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("impact figure")
        verbose_name_plural = _("impact figures")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.label}: {self.number} {self.unit}".strip()


class InitiativeUpdate(models.Model):
    """One entry on an initiative's timeline."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="updates", verbose_name=_("initiative")
    )
    title = models.CharField(_("title"), max_length=150)
    body = models.TextField(_("text"), blank=True, help_text=_("Markdown."))
    happened_on = models.DateField(_("date"))
    author = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("update")
        verbose_name_plural = _("updates")
        ordering = ["-happened_on", "-id"]

    def __str__(self) -> str:
        return self.title
