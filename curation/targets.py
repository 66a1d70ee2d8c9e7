"""The kinds of items curation deals with: how to find a public one and how to hide it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet

from curation.models import ReportKind
from initiatives.models import Challenge, Initiative, Story
from matchmaking.models import OfferNeed
from members.models import Organisation


@dataclass(frozen=True)
class Kind:
    code: str  # ReportKind value
    url_segment: str  # the Dutch word in the report address
    model: type[Model]

    def public(self) -> QuerySet[Model]:
        """Items of this kind that everyone may see (and so may report)."""
        manager: Any = self.model._default_manager
        if self.model is Organisation:
            return manager.listed()
        if self.model is OfferNeed:
            return manager.current()
        return manager.published()


KINDS: dict[str, Kind] = {
    kind.code: kind
    for kind in (
        Kind(ReportKind.INITIATIVE, "initiatief", Initiative),
        Kind(ReportKind.CHALLENGE, "vraagstuk", Challenge),
        Kind(ReportKind.STORY, "verhaal", Story),
        Kind(ReportKind.ORGANISATION, "organisatie", Organisation),
        Kind(ReportKind.OFFER_NEED, "aanbod-of-vraag", OfferNeed),
    )
}
BY_SEGMENT: dict[str, Kind] = {kind.url_segment: kind for kind in KINDS.values()}


def kind_of(item: Model) -> Kind:
    for kind in KINDS.values():
        if isinstance(item, kind.model):
            return kind
    raise ValueError(f"{type(item).__name__} cannot be curated")
