"""Initiatives: coalitions working on a solution, with partners, figures and updates."""

from __future__ import annotations

from typing import ClassVar, Self

from django.db import models
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from core.models import Region, Theme, valid_choices
from initiatives.models.base import (
    PUBLISHED,
    InitiativeStage,
    PartnerRole,
    PublishableQuerySet,
    Showcase,
    search_vector_field,
)
from initiatives.models.challenges import Challenge
from members.models import Organisation, actor_field


class ThemedInitiative(TaggedItemBase):
    content_object = models.ForeignKey("Initiative", on_delete=models.CASCADE)
    tag = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="themed_initiatives")

    # taggit ships no types, so django-stubs does not see a model here; name its manager.
    _default_manager: ClassVar[models.Manager[ThemedInitiative]]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="uniq_initiative_theme")
        ]
        indexes = [models.Index(fields=["tag", "content_object"])]


class InitiativeQuerySet(PublishableQuerySet["Initiative"]):
    pass


class Initiative(Showcase):
    tagline = models.CharField(
        _("tagline"), max_length=200, help_text=_("One sentence: what you do, for whom.")
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
    search_vector = search_vector_field(("title", "A"), ("tagline", "B"), ("search_text", "C"))

    OWNER_FIELDS = (*Showcase.OWNER_FIELDS, "tagline", "stage", "start_date", "website")
    ORGANISATION_PATH = "lead"
    THEME_LINKS = ThemedInitiative

    objects = InitiativeQuerySet.as_manager()

    class Meta(Showcase.Meta):
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        constraints = [
            *Showcase.Meta.constraints,
            valid_choices("stage", InitiativeStage, "initiative_stage_valid"),
        ]
        indexes = [
            *Showcase.Meta.indexes,
            models.Index(
                "region",
                models.F("published_at").desc(),
                name="initiative_pub_region",
                condition=PUBLISHED,
            ),
            models.Index(fields=["lead", "publication_status"]),
            # An organisation's page: the newest initiatives it leads, however many.
            models.Index(
                "lead",
                models.F("published_at").desc(),
                models.F("slug").desc(),
                name="initiative_pub_lead",
                condition=PUBLISHED,
            ),
        ]


class Consented(models.Model):
    """A tie that the other side must agree to before the public sees it: an organisation
    confirms that it partners in an initiative, a problem owner that an initiative works on
    its challenge. Who added it and who confirmed it stay on the row."""

    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = actor_field(_("confirmed by"))
    added_by = actor_field(_("added by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        abstract = True

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class InitiativePartner(Consented):
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

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "organisation"], name="initiative_partner_unique"
            ),
            valid_choices("role", PartnerRole, "initiative_partner_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.get_role_display()}"


class ChallengeLinkQuerySet(models.QuerySet["ChallengeLink"]):
    def confirmed(self) -> Self:
        return self.filter(confirmed_at__isnull=False)

    def public(self) -> Self:
        """Links the public sees: confirmed by the problem owner, and both ends public."""
        return self.confirmed().filter(
            Initiative.public_q("initiative__"), Challenge.public_q("challenge__")
        )


class ChallengeLink(Consented):
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
    author = actor_field(_("author"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("update")
        verbose_name_plural = _("updates")
        ordering = ["-happened_on", "-id"]

    def __str__(self) -> str:
        return self.title
