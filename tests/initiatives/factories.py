from __future__ import annotations

from typing import Any

import factory
from django.utils import timezone

from initiatives.models import (
    Challenge,
    ChallengeLink,
    ImpactFigure,
    Initiative,
    InitiativePartner,
    InitiativeUpdate,
    PartnerRole,
    PublicationStatus,
    Story,
)
from tests.members.factories import OrganisationFactory, RegionFactory


class PublishedMixin(factory.django.DjangoModelFactory):  # type: ignore[type-arg]
    """Published by default; pass ``publication_status=PublicationStatus.DRAFT`` for a draft."""

    publication_status = PublicationStatus.PUBLISHED
    published_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.publication_status == PublicationStatus.PUBLISHED else None
    )

    class Meta:
        abstract = True

    @factory.post_generation
    def themes(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.themes.set(list(extracted))


class ChallengeFactory(PublishedMixin):
    class Meta:
        model = Challenge
        skip_postgeneration_save = True

    owner = factory.SubFactory(OrganisationFactory, kind="municipality")
    title = factory.Sequence(lambda n: f"Vraagstuk {n}")
    slug = factory.Sequence(lambda n: f"vraagstuk-{n}")
    summary = "Te veel jongeren zitten thuis zonder werk."
    description = "Een **lastig** vraagstuk dat de silo's van de gemeente doorkruist."
    region = factory.SubFactory(RegionFactory, name="Utrecht", slug="utrecht")
    stakeholder_kinds = factory.LazyFunction(lambda: ["corporate", "social_enterprise"])
    resources_needed = factory.LazyFunction(lambda: ["expertise", "funding"])


class InitiativeFactory(PublishedMixin):
    class Meta:
        model = Initiative
        skip_postgeneration_save = True

    lead = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Initiatief {n}")
    slug = factory.Sequence(lambda n: f"initiatief-{n}")
    tagline = "Samen werken aan een betere buurt."
    description = "Wij brengen partijen **samen** rond een maatschappelijk probleem."
    region = factory.SubFactory(RegionFactory, name="Midden-Brabant", slug="midden-brabant")
    stage = "running"


class StoryFactory(PublishedMixin):
    class Meta:
        model = Story
        skip_postgeneration_save = True

    initiative = factory.SubFactory(InitiativeFactory)
    title = factory.Sequence(lambda n: f"Verhaal {n}")
    slug = factory.Sequence(lambda n: f"verhaal-{n}")
    summary = "Hoe een coalitie het probleem aanpakte."
    problem = "Het probleem was groot."
    coalition = "Gemeente, ondernemers en bewoners kwamen samen."
    what_worked = "Elke week samen aan tafel."
    lessons = "Begin klein."

    @factory.post_generation
    def themes(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        return None


class PartnerFactory(factory.django.DjangoModelFactory):  # type: ignore[type-arg]
    class Meta:
        model = InitiativePartner

    initiative = factory.SubFactory(InitiativeFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = PartnerRole.EXECUTING_PARTNER
    confirmed_at = factory.LazyFunction(timezone.now)


class ChallengeLinkFactory(factory.django.DjangoModelFactory):  # type: ignore[type-arg]
    """Confirmed by the problem owner by default; pass ``confirmed_at=None`` for a request."""

    class Meta:
        model = ChallengeLink

    initiative = factory.SubFactory(InitiativeFactory)
    challenge = factory.SubFactory(ChallengeFactory)
    confirmed_at = factory.LazyFunction(timezone.now)


class ImpactFigureFactory(factory.django.DjangoModelFactory):  # type: ignore[type-arg]
    class Meta:
        model = ImpactFigure

    initiative = factory.SubFactory(InitiativeFactory)
    label = "huurwoningen nul-op-de-meter"
    number = 450


class UpdateFactory(factory.django.DjangoModelFactory):  # type: ignore[type-arg]
    class Meta:
        model = InitiativeUpdate

    initiative = factory.SubFactory(InitiativeFactory)
    title = "Eerste straat klaar"
    body = "De **eerste** straat is nul-op-de-meter."
    happened_on = factory.LazyFunction(lambda: timezone.localdate())
