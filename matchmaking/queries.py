"""Read-side helpers: lists, the facilitator dashboard and figures for other pages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Region, Theme
from matchmaking import permissions
from matchmaking.forms import OfferNeedFilters
from matchmaking.models import (
    EventKind,
    Follow,
    Introduction,
    IntroductionEvent,
    IntroductionQuerySet,
    IntroductionState,
    Notification,
    OfferNeed,
    OfferNeedQuerySet,
    Outcome,
)
from members.models import Organisation, User
from members.roles import ACTIVE_STATUSES

PAGE_SIZE = 20


def offer_need_cards() -> OfferNeedQuerySet:
    """Offers and needs as their cards show them: organisation, region and themes at hand."""
    return (
        OfferNeed.objects.select_related("organisation", "region")
        # taggit's manager prefetches; django-stubs only knows Django's own relations.
        .prefetch_related("themes")  # type: ignore[misc]
    )


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


def asking_organisations(user: User, receiving: Organisation) -> QuerySet[Organisation]:
    """The organisations the member may ask ``receiving`` for an introduction on behalf of:
    their active ones, by name (the service checks the same again)."""
    return (
        Organisation.objects.filter(status__in=ACTIVE_STATUSES, memberships__user=user)
        .exclude(pk=receiving.pk)
        .order_by("name")
    )


def introduction_rows() -> IntroductionQuerySet:
    """Introductions as lists show them: both organisations and the subject at hand."""
    return Introduction.objects.select_related(
        "requesting_organisation",
        "receiving_organisation",
        "challenge",
        "initiative",
        "offer_need",
    )


@dataclass(frozen=True)
class IntroductionRow:
    """One line of the member's introductions; ``show_subject`` is ``permissions.subject_hidden``
    answered for the side the member speaks for."""

    introduction: Introduction
    show_subject: bool


def my_introductions(user: User) -> list[IntroductionRow]:
    """The member's introductions, newest change first: three queries, whatever the number
    of rows (the rows, the organisations asked before a redirect, the ones the member runs)."""
    introductions = list(introduction_rows().involving(user).order_by("-state_changed_at")[:100])
    asked_before: dict[int, set[int]] = {}
    redirects = IntroductionEvent.objects.filter(
        introduction__in=[introduction.pk for introduction in introductions],
        kind=EventKind.REDIRECTED,
        previous_organisation__isnull=False,
    ).values_list("introduction_id", "previous_organisation_id")
    for introduction_id, previous_id in redirects:
        asked_before.setdefault(introduction_id, set()).add(previous_id)
    speaks_for = set(Organisation.objects.administered_by(user).values_list("pk", flat=True))
    rows = []
    for introduction in introductions:
        requesting = (
            introduction.requester_id == user.pk
            or introduction.requesting_organisation_id in speaks_for
        )
        hidden = permissions.subject_hidden(
            introduction,
            None if requesting else "receiving",
            asked_before.get(introduction.pk, set()),
        )
        rows.append(IntroductionRow(introduction=introduction, show_subject=not hidden))
    return rows


# Steps a facilitator takes: the parties read "a facilitator", never a name.
FACILITATOR_EVENTS = frozenset(
    {EventKind.PROPOSED, EventKind.FORWARDED, EventKind.NOT_FORWARDED, EventKind.REDIRECTED}
)
# Steps of the receiving side; every other step with an actor is the asking side's.
RECEIVER_EVENTS = frozenset({EventKind.ACCEPTED, EventKind.DECLINED})


@dataclass(frozen=True)
class TimelineEntry:
    """One step of an introduction as the reader may see it."""

    label: str
    created_at: datetime
    actor: str
    note: str


@dataclass(frozen=True)
class Timeline:
    entries: list[TimelineEntry]
    # Whether the reader may see what the introduction is about (``permissions.subject_hidden``).
    show_subject: bool


def introduction_timeline(introduction: Introduction, side: str | None) -> Timeline:
    """The steps of the introduction as ``side`` ("requesting", "receiving", or None for a
    facilitator) may read them: one query.

    A redirect names the organisation asked first for the requester and facilitators; the
    receiving side reads it as a plain forward, so nothing tells them who was asked before
    (nor the subject, when it belonged to that organisation)."""
    events = list(introduction.events.select_related("actor", "previous_organisation"))
    entries = []
    for event in events:
        label = str(event.get_kind_display())
        note = "" if event.kind in (EventKind.REQUESTED, EventKind.PROPOSED) else event.note
        if event.kind == EventKind.REDIRECTED:
            if side == "receiving":
                label = str(EventKind.FORWARDED.label)
                # Redirects recorded before the organisation asked first had its own field
                # carry both names in the note: those notes stay hidden from the receiver.
                if event.previous_organisation_id is None:
                    note = ""
            elif event.previous_organisation is not None:
                moved = _("From %(previous)s to %(organisation)s.") % {
                    "previous": event.previous_organisation.name,
                    "organisation": introduction.receiving_organisation.name,
                }
                note = f"{moved} {event.note}".strip()
        entries.append(
            TimelineEntry(
                label=label,
                created_at=event.created_at,
                actor=actor_name(event, introduction, side),
                note=note,
            )
        )
    asked_before = {
        event.previous_organisation_id for event in events if event.previous_organisation_id
    }
    return Timeline(
        entries=entries,
        show_subject=not permissions.subject_hidden(introduction, side, asked_before),
    )


def actor_name(event: IntroductionEvent, introduction: Introduction, side: str | None) -> str:
    """Who took a step, as ``side`` may read it. Facilitators stay "a facilitator"; the
    people of the other side stay hidden behind their organisation's name until the
    introduction is accepted. Facilitators (``side`` None) read every member's name."""
    if event.actor is None:
        return ""
    if event.kind in FACILITATOR_EVENTS:
        return _("a facilitator")
    actor_side = "receiving" if event.kind in RECEIVER_EVENTS else "requesting"
    if side is None or introduction.is_accepted or actor_side == side:
        return event.actor.display_name or _("a member")
    if actor_side == "receiving":
        return introduction.receiving_organisation.name
    return introduction.requesting_organisation.name


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
    counts: dict[str, Mapping[str, Any]] = {row["state"]: row for row in rows}
    empty = {"total": 0, "under_week": 0, "under_month": 0, "older": 0}
    by_state = [
        {**counts.get(state, empty), "state": state, "label": label}
        for state, label in IntroductionState.choices
    ]
    accepted: int = counts.get(IntroductionState.ACCEPTED, empty)["total"]
    declined: int = counts.get(IntroductionState.DECLINED, empty)["total"]
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


def _led_to_cooperation() -> QuerySet[Introduction, Any]:
    """Introductions that led to cooperation (accepted, with an outcome recorded)."""
    return (
        Introduction.objects.filter(state=IntroductionState.ACCEPTED, outcomes__isnull=False)
        .values("pk")
        .distinct()
    )


def cooperation_count() -> int:
    """How many introductions led to cooperation (accepted, with an outcome recorded)."""
    return _led_to_cooperation().count()


def home_figures() -> dict[str, QuerySet[Any]]:
    """What the home page counts (``platform_site.home`` counts them, with the other apps'
    figures, in one cached statement)."""
    return {
        "introductions_with_outcome": _led_to_cooperation(),
        "current_offers_and_needs": OfferNeed.objects.current(),
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


def follow_choices(user: User) -> dict[str, list[int]]:
    """What the member follows now, as the follow form's initial themes and regions."""
    follows = list(Follow.objects.filter(user=user).values_list("theme_id", "region_id"))
    return {
        "themes": [theme for theme, _region in follows if theme],
        "regions": [region for _theme, region in follows if region],
    }
