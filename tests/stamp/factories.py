from __future__ import annotations

import factory
from django.db.models import Max
from django.utils import timezone

from stamp.models import Charter, Claim, ClaimStatus
from tests.members.factories import OrganisationFactory


class CharterFactory(factory.django.DjangoModelFactory[Charter]):
    """A published charter version; pass ``version=None, published_at=None`` for a draft."""

    class Meta:
        model = Charter

    version = factory.LazyFunction(
        lambda: (Charter.objects.aggregate(latest=Max("version"))["latest"] or 0) + 1
    )
    title = "Uitgangspunten van het stempel"
    summary = "Het stempel is van niemand en van iedereen."
    body = "## Kennis delen\n\nWe delen wat we weten.\n\n## Samen\n\nOver sectoren heen."
    published_at = factory.LazyFunction(timezone.now)


class ClaimFactory(factory.django.DjangoModelFactory[Claim]):
    """An active claim of a verified organisation on a charter version."""

    class Meta:
        model = Claim

    organisation = factory.SubFactory(OrganisationFactory)
    status = ClaimStatus.ACTIVE
    charter_agreed = factory.LazyFunction(lambda: Charter.objects.current() or CharterFactory())
    charter_confirmed = factory.SelfAttribute("charter_agreed")
    active_since = factory.LazyFunction(timezone.now)
    statement = "Omdat we geloven in samenwerken."
