"""Read-side helpers: the moderation queue, the report queue and the home page's sections."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Model, QuerySet, prefetch_related_objects

from curation.models import Feature, Report, ReportKind
from initiatives import queries as initiative_queries
from initiatives.models import (
    Challenge,
    Initiative,
    PublicationStatus,
    PublishableQuerySet,
    Story,
)
from members.models import Organisation, OrganisationStatus

QUEUE_LIMIT = 100  # per kind; the oldest wait longest, so they come first


@dataclass
class QueueItem:
    kind: str  # ReportKind value
    kind_label: str
    item: Model
    title: str
    organisation: Organisation | None
    waiting_since: datetime
    public_url: str

    @property
    def change_urlname(self) -> str:
        """The admin page of the item, for reading all of it before deciding."""
        meta = self.item._meta
        return f"admin:{meta.app_label}_{meta.model_name}_change"


def _submitted(kind: ReportKind, items: PublishableQuerySet[Any], *also: str) -> list[QueueItem]:
    """The oldest submissions of one kind, with their organisation (one query), and the
    fields ``also`` names."""
    organisation = items.model.ORGANISATION_PATH
    items = (
        items.filter(publication_status=PublicationStatus.SUBMITTED)
        .select_related(organisation)
        .only(
            "title",
            "slug",
            "submitted_at",
            "updated_at",
            f"{organisation}__name",
            f"{organisation}__slug",
            *also,
        )
        .order_by("submitted_at", "pk")[:QUEUE_LIMIT]
    )
    return [
        QueueItem(
            kind,
            str(kind.label),
            item,
            item.title,
            item.organisation,
            item.submitted_at or item.updated_at,
            item.get_absolute_url(),
        )
        for item in items
    ]


def moderation_queue() -> list[QueueItem]:
    """Submitted initiatives, challenges and stories and pending organisations, oldest first.

    Four queries, one per kind, whatever the length of the queue.
    """
    rows = [
        *_submitted(ReportKind.INITIATIVE, Initiative.objects.all()),
        *_submitted(ReportKind.CHALLENGE, Challenge.objects.all()),
        *_submitted(ReportKind.STORY, Story.objects.all(), "initiative__publication_status"),
    ]
    organisations = (
        Organisation.objects.filter(status=OrganisationStatus.PENDING)
        .only("name", "slug", "created_at")
        .order_by("created_at", "pk")[:QUEUE_LIMIT]
    )
    rows += [
        QueueItem(
            ReportKind.ORGANISATION,
            str(ReportKind.ORGANISATION.label),
            item,
            item.name,
            None,
            item.created_at,
            item.get_absolute_url(),
        )
        for item in organisations
    ]
    rows.sort(key=lambda row: row.waiting_since)
    return rows


def open_report_count() -> int:
    return Report.objects.open().count()


# ---------------------------------------------------------------------------
# Home page
# ---------------------------------------------------------------------------


@dataclass
class FeaturedItem:
    kind: str  # "initiative" or "story": which card to draw
    item: Initiative | Story


def featured_items(limit: int = 6) -> list[FeaturedItem]:
    """Current featured initiatives and stories in the editors' order.

    One query, and one more for the themes on the initiative cards when there are any.
    """
    features = list(
        Feature.objects.current()
        .select_related("initiative__lead", "initiative__region", "story__initiative__lead")
        # Only what the cards show: every selected column costs compiling and building.
        .only(
            *(f"initiative__{name}" for name in initiative_queries.INITIATIVE_CARD_FIELDS),
            *(f"story__{name}" for name in initiative_queries.STORY_CARD_FIELDS),
        )
        .order_by("position", "-created_at")[:limit]
    )
    initiatives = [feature.initiative for feature in features if feature.initiative is not None]
    if initiatives:
        prefetch_related_objects(initiatives, initiative_queries.card_themes())
    items = []
    for feature in features:
        if feature.initiative is not None:
            items.append(FeaturedItem("initiative", feature.initiative))
        elif feature.story is not None:  # always, by the constraint: one of the two
            items.append(FeaturedItem("story", feature.story))
    return items


def regional_figures() -> dict[str, QuerySet[Any]]:
    """What the home page counts of this deployment: published initiatives and public
    organisations. Sets, not numbers: ``platform_site.home`` counts every home figure in
    one statement and keeps the numbers in the cache."""
    return {
        "initiative_count": Initiative.objects.published(),
        "organisation_count": Organisation.objects.listed(),
    }
