"""Read-side helpers: lists, the facilitator dashboard and figures for other pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from core.models import Region, Theme
from matchmaking import permissions
from matchmaking.forms import OfferNeedFilters
from matchmaking.models import (
    EventKind,
    Introduction,
    IntroductionEvent,
    IntroductionState,
    Notification,
    OfferNeed,
    Outcome,
)
from members.models import Organisation, User

PAGE_SIZE = 20


def offer_need_cards() -> QuerySet[OfferNeed]:
    return OfferNeed.objects.select_related("organisation", "region").prefetch_related("themes")


def offer_need_list(filters: OfferNeedFilters, page_number: Any) -> Page[OfferNeed]:
    """Current offers and needs, newest first, filtered by kind, direction, theme and region."""
    queryset = offer_need_cards().current()
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.direction:
        queryset = queryset.filter(direction=filters.direction)
    if filters.region:
        queryset = queryset.filter(region__slug=filters.region)
    if filters.organisation:
        queryset = queryset.filter(organisation__slug=filters.organisation)
    if filters.theme:
        through = OfferNeed.themes.through
        queryset = queryset.filter(
            pk__in=through.objects.filter(tag__slug=filters.theme).values("content_object_id")
        )
    paginator = Paginator(queryset.order_by("-created_at", "-id"), PAGE_SIZE)
    return paginator.get_page(page_number)


def facet_options() -> dict[str, Any]:
    return {"themes": list(Theme.objects.order_by("name")), "regions": list(Region.objects.all())}


def organisation_offers_needs(organisation: Organisation, *, include_closed: bool) -> list[Any]:
    queryset = offer_need_cards().filter(organisation=organisation)
    if not include_closed:
        queryset = queryset.current()
    return list(queryset.order_by("closed_at", "-created_at"))


def public_offers_needs(organisation: Organisation, limit: int = 6) -> list[OfferNeed]:
    """For the organisation page: what it offers and needs right now."""
    return list(
        OfferNeed.objects.current()
        .filter(organisation=organisation)
        .select_related("region")
        .order_by("-created_at")[:limit]
    )


# ---------------------------------------------------------------------------
# Introductions
# ---------------------------------------------------------------------------


def introduction_rows() -> QuerySet[Introduction]:
    return Introduction.objects.select_related(
        "requesting_organisation",
        "receiving_organisation",
        "challenge",
        "initiative",
        "offer_need",
    )


def my_introductions(user: User) -> list[Introduction]:
    """The member's introductions, each marked ``show_subject`` (see
    ``permissions.subject_hidden``): two queries more, whatever the number of rows."""
    redirects = IntroductionEvent.objects.filter(
        kind=EventKind.REDIRECTED, previous_organisation__isnull=False
    ).only("introduction_id", "previous_organisation_id")
    introductions = list(
        introduction_rows()
        .involving(user)
        .prefetch_related(Prefetch("events", queryset=redirects, to_attr="redirects"))
        .order_by("-state_changed_at")[:100]
    )
    speaks_for = set(Organisation.objects.administered_by(user).values_list("pk", flat=True))
    for introduction in introductions:
        requesting = (
            introduction.requester_id == user.pk
            or introduction.requesting_organisation_id in speaks_for
        )
        asked_before = {event.previous_organisation_id for event in introduction.redirects}  # type: ignore[attr-defined]
        introduction.show_subject = not permissions.subject_hidden(  # type: ignore[attr-defined]
            introduction, None if requesting else "receiving", asked_before
        )
    return introductions


def introduction_timeline(introduction: Introduction) -> list[IntroductionEvent]:
    return list(introduction.events.select_related("actor", "previous_organisation"))


def introduction_outcomes(introduction: Introduction) -> list[Outcome]:
    return list(introduction.outcomes.select_related("organisation", "recorded_by", "story"))


@dataclass
class Dashboard:
    by_state: list[dict[str, Any]]
    acceptance_rate: int | None
    answered: int
    waiting: list[Introduction]
    led_to_cooperation: int


AGE_BUCKETS = (("week", 7), ("month", 30))


def facilitator_dashboard() -> Dashboard:
    """Introductions by state and age, the acceptance rate, and the oldest waiting first."""
    now = timezone.now()
    week, month = now - timedelta(days=7), now - timedelta(days=30)
    rows = (
        Introduction.objects.values("state")
        .annotate(
            total=Count("pk"),
            under_week=Count("pk", filter=Q(created_at__gte=week)),
            under_month=Count("pk", filter=Q(created_at__lt=week, created_at__gte=month)),
            older=Count("pk", filter=Q(created_at__lt=month)),
        )
        .order_by()
    )
    counts = {row["state"]: row for row in rows}
    by_state = []
    for state, label in IntroductionState.choices:
        row = counts.get(state, {"total": 0, "under_week": 0, "under_month": 0, "older": 0})
        by_state.append({"state": state, "label": label, **row})
    accepted = counts.get(IntroductionState.ACCEPTED, {}).get("total", 0)
    declined = counts.get(IntroductionState.DECLINED, {}).get("total", 0)
    answered = accepted + declined
    waiting = list(
        introduction_rows()
        .open()
        .select_related("requester", "proposed_by")
        .order_by("created_at", "pk")[:50]
    )
    return Dashboard(
        by_state=by_state,
        acceptance_rate=round(100 * accepted / answered) if answered else None,
        answered=answered,
        waiting=waiting,
        led_to_cooperation=cooperation_count(),
    )


def cooperation_count() -> int:
    """How many introductions led to cooperation (accepted, with an outcome recorded)."""
    return (
        Introduction.objects.filter(state=IntroductionState.ACCEPTED, outcomes__isnull=False)
        .values("pk")
        .distinct()
        .count()
    )


def home_figures() -> dict[str, int]:
    """Figures for the home page (wired in platform_site.views, the composition root)."""
    return {
        "introductions_with_outcome": cooperation_count(),
        "current_offers_and_needs": OfferNeed.objects.current().count(),
    }


def notifications_for(user: User, limit: int = 50) -> list[Notification]:
    return list(
        Notification.objects.filter(recipient=user)
        .select_related(
            "introduction__requesting_organisation",
            "introduction__receiving_organisation",
            "challenge",
        )
        .order_by("-created_at", "-id")[:limit]
    )
