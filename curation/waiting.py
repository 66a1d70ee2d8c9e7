"""The editors' own queue on ``/mijn/``: how much waits for them, with links into the admin."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import ngettext

from curation.models import Report
from initiatives.models import Challenge, Initiative, PublicationStatus, Story
from members.models import (
    IdentityChangeStatus,
    Organisation,
    OrganisationIdentityChange,
    OrganisationStatus,
)
from stamp.models import Claim, ClaimStatus

# Counts stop here ("100+"): a queue that long needs the admin's list, not a figure.
COUNT_CAP = 100


@dataclass(frozen=True)
class QueueCount:
    key: str  # stable, for tests and styling
    count: int
    url: str
    label: str

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP

    @property
    def shown(self) -> str:
        return f"{COUNT_CAP}+" if self.capped else str(self.count)


def _capped_count(queryset: QuerySet[Any]) -> int:
    """COUNT over at most COUNT_CAP + 1 rows: bounded, however long the queue grows."""
    return queryset.values("pk")[: COUNT_CAP + 1].count()


def _entry(key: str, queryset: QuerySet[Any], url: str) -> QueueCount:
    count = _capped_count(queryset)
    shown = min(count, COUNT_CAP)
    labels = {
        "initiatives": ngettext("initiative to review", "initiatives to review", shown),
        "challenges": ngettext("challenge to review", "challenges to review", shown),
        "stories": ngettext("story to review", "stories to review", shown),
        "organisations": ngettext("organisation to verify", "organisations to verify", shown),
        "reports": ngettext("open report", "open reports", shown),
        "identity_changes": ngettext(
            "new name or website to approve", "new names or websites to approve", shown
        ),
        "stamp_claims": ngettext("stamp claim to approve", "stamp claims to approve", shown),
    }
    return QueueCount(key=key, count=count, url=url, label=labels[key])


def editor_queue() -> list[QueueCount]:
    """What waits for the editors, by kind; seven bounded counts. The moderation queue in
    the admin holds the first four, the reports and the claims have their own lists."""
    moderation = reverse("admin:curation_moderation_changelist")
    submitted = {"publication_status": PublicationStatus.SUBMITTED}
    return [
        _entry("initiatives", Initiative.objects.filter(**submitted), moderation),
        _entry("challenges", Challenge.objects.filter(**submitted), moderation),
        _entry("stories", Story.objects.filter(**submitted), moderation),
        _entry(
            "organisations",
            Organisation.objects.filter(status=OrganisationStatus.PENDING),
            moderation,
        ),
        _entry("reports", Report.objects.open(), reverse("admin:curation_report_changelist")),
        _entry(
            "identity_changes",
            OrganisationIdentityChange.objects.filter(status=IdentityChangeStatus.PENDING),
            reverse("admin:members_organisationidentitychange_changelist")
            + f"?status__exact={IdentityChangeStatus.PENDING}",
        ),
        _entry(
            "stamp_claims",
            Claim.objects.filter(status=ClaimStatus.PENDING),
            reverse("admin:stamp_claim_changelist") + f"?status__exact={ClaimStatus.PENDING}",
        ),
    ]
