from __future__ import annotations

from typing import Any

import factory

from matchmaking.models import Direction, Introduction, IntroductionState, OfferNeed
from tests.members.factories import OrganisationFactory, UserFactory


class OfferNeedFactory(factory.django.DjangoModelFactory[OfferNeed]):
    """A current offer; pass ``direction=Direction.NEED`` for a need."""

    class Meta:
        model = OfferNeed
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    direction = Direction.OFFER
    kind = "expertise"
    title = factory.Sequence(lambda n: f"Aanbod {n}")
    description = "Wij denken graag mee."
    region = factory.SelfAttribute("organisation.region")

    @factory.post_generation
    def themes(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.themes.set(list(extracted))


class IntroductionFactory(factory.django.DjangoModelFactory[Introduction]):
    """A request waiting for a facilitator, asked by a member of the requesting organisation."""

    class Meta:
        model = Introduction

    requesting_organisation = factory.SubFactory(OrganisationFactory, kind="municipality")
    receiving_organisation = factory.SubFactory(OrganisationFactory)
    requester = factory.SubFactory(UserFactory)
    message = "We willen graag kennismaken over dit vraagstuk."
    state = IntroductionState.REQUESTED
