"""What waits for a member around challenges, initiatives and stories ("Wacht op jou" on
``/mijn/``), and how long the editors' review usually takes.

A concept that waits for the editors is ``submitted``. One they sent back is a draft that
was submitted before (``submitted_at`` is set: only a rejection turns a submission back into
a draft); what they said is the reason of its latest ``*.reject`` entry in the audit trail.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.models import AuditEntry
from core.waiting import WaitingItem
from initiatives.models import (
    Challenge,
    ChallengeLink,
    Initiative,
    InitiativePartner,
    PublicationStatus,
    Story,
)
from members.models import Membership, Organisation, User

WAITING_LIMIT = 20  # per kind, oldest first

# How long a review usually takes: decisions of the last REVIEW_WINDOW_DAYS, at least
# REVIEW_MIN_DECISIONS of them (fewer say nothing), recomputed at most every REVIEW_CACHE_SECONDS.
REVIEW_WINDOW_DAYS = 90
REVIEW_MIN_DECISIONS = 3
REVIEW_CACHE_KEY = "initiatives:review-time:v1"
REVIEW_CACHE_SECONDS = 3600

Item = Challenge | Initiative | Story


# ---------------------------------------------------------------------------
# How long the editors usually take
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewTime:
    """The median time from submission to the editors' decision, from real decisions."""

    median: timedelta | None
    decisions: int

    def describe(self) -> str:
        """One sentence for the person who waits, in the active language."""
        if self.median is None:
            return _(
                "There are no recent reviews to go by yet. The editors read every "
                "submission and tell you what they decide, by email and here."
            )
        hours = self.median.total_seconds() / 3600
        if hours < 1:
            duration = _("less than an hour")
        elif hours < 36:
            count = round(hours)
            duration = ngettext("about %(count)d hour", "about %(count)d hours", count) % {
                "count": count
            }
        else:
            count = round(hours / 24)
            duration = ngettext("about %(count)d day", "about %(count)d days", count) % {
                "count": count
            }
        return ngettext(
            "A review usually takes %(duration)s (the middle of %(count)d decision in the "
            "last %(days)d days).",
            "A review usually takes %(duration)s (the middle of %(count)d decisions in the "
            "last %(days)d days).",
            self.decisions,
        ) % {"duration": duration, "count": self.decisions, "days": REVIEW_WINDOW_DAYS}


# Each kind: its decisions in the window, paired with the item's latest submission. A
# rejection counts when it came after that submission (one before a resubmission has lost
# its pair); a publication only when it was the item's first (``published_at`` is kept when
# an archived item is published again, which is no review of a submission).
_DECISIONS_SQL = """
    SELECT extract(epoch FROM audit.created_at - item.submitted_at)
    FROM {audit} audit
    JOIN {table} item ON audit.object_id = item.id::text
    WHERE audit.action IN (%(publish_{kind})s, %(reject_{kind})s)
      AND audit.created_at >= %(since)s
      AND item.submitted_at IS NOT NULL
      AND item.submitted_at <= audit.created_at
      AND (audit.action = %(reject_{kind})s
           OR audit.created_at - item.published_at < interval '1 minute')
"""


def _measure_review_time() -> ReviewTime:
    params: dict[str, Any] = {"since": timezone.now() - timedelta(days=REVIEW_WINDOW_DAYS)}
    parts = []
    for model in (Challenge, Initiative, Story):
        kind = model._meta.model_name
        params[f"publish_{kind}"] = f"{kind}.publish"
        params[f"reject_{kind}"] = f"{kind}.reject"
        parts.append(
            _DECISIONS_SQL.format(
                audit=AuditEntry._meta.db_table, table=model._meta.db_table, kind=kind
            )
        )
    sql = (
        "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds), count(*) FROM ("
        + " UNION ALL ".join(parts)
        + ") AS decisions (seconds)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        median, count = cursor.fetchone()
    if count < REVIEW_MIN_DECISIONS or median is None:
        return ReviewTime(median=None, decisions=count)
    return ReviewTime(median=timedelta(seconds=float(median)), decisions=count)


def review_time() -> ReviewTime:
    """How long a review usually takes: one statement, kept in the cache for an hour (a
    cache outage only means it is measured again)."""
    cached = cache.get(REVIEW_CACHE_KEY)
    if isinstance(cached, tuple) and len(cached) == 2:
        seconds, count = cached
        return ReviewTime(
            median=timedelta(seconds=seconds) if seconds is not None else None, decisions=count
        )
    measured = _measure_review_time()
    seconds = measured.median.total_seconds() if measured.median is not None else None
    cache.set(REVIEW_CACHE_KEY, (seconds, measured.decisions), REVIEW_CACHE_SECONDS)
    return measured


# ---------------------------------------------------------------------------
# What waits for the member
# ---------------------------------------------------------------------------


def _concepts(user: User) -> list[Item]:
    """Submitted items of the member's organisations, and drafts the editors sent back:
    one query per kind."""
    mine = Membership.objects.filter(user=user).values("organisation_id")
    waiting = Q(publication_status=PublicationStatus.SUBMITTED) | Q(
        publication_status=PublicationStatus.DRAFT, submitted_at__isnull=False
    )
    fields = ("title", "slug", "publication_status", "submitted_at", "hidden_at")
    concepts: list[Item] = []
    concepts += Challenge.objects.filter(waiting, owner__in=mine, hidden_at__isnull=True).only(
        *fields
    )[:WAITING_LIMIT]
    concepts += Initiative.objects.filter(waiting, lead__in=mine, hidden_at__isnull=True).only(
        *fields
    )[:WAITING_LIMIT]
    concepts += Story.objects.filter(
        waiting, initiative__lead__in=mine, hidden_at__isnull=True
    ).only(*fields)[:WAITING_LIMIT]
    return concepts


def rejection_reasons(items: list[Item]) -> dict[tuple[str, str], str]:
    """The editors' latest reason per sent-back item: one query for all of them."""
    if not items:
        return {}
    condition = Q()
    for item in items:
        kind = item._meta.model_name
        condition |= Q(action=f"{kind}.reject", object_id=str(item.pk))
    reasons: dict[tuple[str, str], str] = {}
    entries = AuditEntry.objects.filter(condition).order_by("-created_at", "-pk")
    for action, object_id, reason in entries.values_list("action", "object_id", "reason"):
        reasons.setdefault((action, object_id), reason)
    return reasons


def _kind_label(item: Item) -> str:
    if isinstance(item, Challenge):
        return _("Your challenge")
    if isinstance(item, Initiative):
        return _("Your initiative")
    return _("Your story")


def _to_confirm[R: (InitiativePartner, ChallengeLink)](
    requests: QuerySet[R], kind: str, anchor: str, text: Callable[[R], str]
) -> list[WaitingItem]:
    """The oldest requests an admin of the organisation asked may confirm or decline, each
    pointing to its list (``anchor``) in the workspace."""
    url = f"{reverse('initiatives:workspace')}#{anchor}"
    return [
        WaitingItem(
            kind=kind,
            text=text(request),
            action_label=_("Confirm or decline"),
            action_url=url,
            since=request.created_at,
        )
        for request in requests.order_by("created_at", "pk")[:WAITING_LIMIT]
    ]


def waiting_for(user: User) -> list[WaitingItem]:
    """Partner requests and challenge links to confirm (as an admin of the organisation
    asked), concepts waiting for the editors (with how long that usually takes) and concepts
    they sent back (with their reason). At most seven queries, however many items."""
    admin_of = Organisation.objects.administered_by(user).values("pk")
    partners = (
        InitiativePartner.objects.filter(organisation__in=admin_of, confirmed_at__isnull=True)
        .select_related("initiative", "organisation")
        .only("role", "created_at", "initiative__title", "organisation__name")
    )
    items = _to_confirm(
        partners,
        "partner_request",
        "requests-heading",
        lambda partner: (
            _("%(initiative)s names %(organisation)s as %(role)s.")
            % {
                "initiative": partner.initiative.title,
                "organisation": partner.organisation.name,
                "role": str(partner.get_role_display()).lower(),
            }
        ),
    )
    links = (
        ChallengeLink.objects.filter(challenge__owner__in=admin_of, confirmed_at__isnull=True)
        .select_related("initiative__lead", "challenge")
        .only("created_at", "initiative__title", "initiative__lead__name", "challenge__title")
    )
    items += _to_confirm(
        links,
        "challenge_link",
        "link-requests-heading",
        lambda link: (
            _("%(initiative)s (%(lead)s) says it works on your challenge %(challenge)s.")
            % {
                "initiative": link.initiative.title,
                "lead": link.initiative.lead.name,
                "challenge": link.challenge.title,
            }
        ),
    )
    concepts = _concepts(user)
    sent_back = [item for item in concepts if item.publication_status == PublicationStatus.DRAFT]
    reasons = rejection_reasons(sent_back)
    submitted = [item for item in concepts if item.publication_status != PublicationStatus.DRAFT]
    typical = review_time().describe() if submitted else ""
    for item in sorted(submitted, key=lambda item: item.submitted_at or timezone.now()):
        items.append(
            WaitingItem(
                kind="submitted",
                text=_("%(kind)s %(title)s waits for the editors.")
                % {"kind": _kind_label(item), "title": item.title},
                action_label=_("View the concept"),
                action_url=item.get_absolute_url(),
                since=item.submitted_at,
                note=typical,
            )
        )
    for item in sent_back:
        kind = item._meta.model_name
        items.append(
            WaitingItem(
                kind="sent_back",
                text=_("The editors sent %(kind)s %(title)s back to you.")
                % {"kind": str(_kind_label(item)).lower(), "title": item.title},
                action_label=_("Change and submit again"),
                action_url=reverse(f"initiatives:{kind}_edit", kwargs={"slug": item.slug}),
                since=item.submitted_at,
                note=reasons.get((f"{kind}.reject", str(item.pk)), ""),
                note_label=_("What the editors said"),
                urgent=True,
            )
        )
    return items
