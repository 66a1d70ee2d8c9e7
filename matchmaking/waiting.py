"""What waits for a member around introductions ("Wacht op jou" on ``/mijn/``), and the
facilitators' own queue there."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from core.waiting import WaitingItem
from matchmaking.models import Introduction, IntroductionState, Notification
from members.models import Organisation, User

WAITING_LIMIT = 20
NOTIFICATION_LIMIT = 5
QUEUE_LIMIT = 5


def waiting_for(user: User) -> list[WaitingItem]:
    """Introductions to answer (as an admin of the organisation asked), the member's own
    requests in progress, and unread notifications. Three queries at most (the
    organisations the member speaks for only when there are introductions), however many."""
    admin_of = Organisation.objects.administered_by(user).values("pk")
    introductions = (
        Introduction.objects.filter(
            Q(state=IntroductionState.FORWARDED, receiving_organisation__in=admin_of)
            | Q(state__in=(IntroductionState.REQUESTED, IntroductionState.FORWARDED))
            & (Q(requester=user) | Q(requesting_organisation__in=admin_of))
        )
        .select_related("requesting_organisation", "receiving_organisation")
        .only(
            "code",
            "state",
            "requester_id",
            "created_at",
            "state_changed_at",
            "requesting_organisation__name",
            "receiving_organisation__name",
        )
        .order_by("state_changed_at", "pk")[:WAITING_LIMIT]
    )
    to_answer: list[WaitingItem] = []
    in_progress: list[WaitingItem] = []
    speaks_for = set(admin_of.values_list("pk", flat=True)) if introductions else set()
    for introduction in introductions:
        names = {
            "requesting": introduction.requesting_organisation.name,
            "receiving": introduction.receiving_organisation.name,
        }
        receiving = introduction.receiving_organisation_id in speaks_for
        asking = (
            introduction.requester_id == user.pk
            or introduction.requesting_organisation_id in speaks_for
        )
        if introduction.state == IntroductionState.FORWARDED and receiving and not asking:
            to_answer.append(
                WaitingItem(
                    kind="introduction_to_answer",
                    text=_("%(requesting)s would like to meet %(receiving)s.") % names,
                    action_label=_("Accept or decline"),
                    action_url=introduction.get_absolute_url(),
                    since=introduction.state_changed_at,
                    urgent=True,
                )
            )
        else:
            text = (
                _("Your request to meet %(receiving)s waits for a facilitator.")
                if introduction.state == IntroductionState.REQUESTED
                else _("Your request to meet %(receiving)s was forwarded; they answer next.")
            )
            in_progress.append(
                WaitingItem(
                    kind="introduction_in_progress",
                    text=text % names,
                    action_label=_("View the introduction"),
                    action_url=introduction.get_absolute_url(),
                    since=introduction.created_at,
                )
            )
    unread = list(
        Notification.objects.unread()
        .filter(recipient=user)
        .select_related("introduction", "challenge")
        .only("kind", "created_at", "introduction__code", "challenge__slug")
        .order_by("-created_at", "-id")[:NOTIFICATION_LIMIT]
    )
    notifications = [
        WaitingItem(
            kind="notification",
            text=str(notification.get_kind_display()),
            action_label=_("View"),
            action_url=notification.get_absolute_url(),
            since=notification.created_at,
        )
        for notification in unread
    ]
    return to_answer + in_progress + notifications


@dataclass(frozen=True)
class FacilitatorQueue:
    """Open introductions: how many wait for a facilitator, how many for an answer, and the
    oldest that wait for a facilitator."""

    to_forward: int
    awaiting_answer: int
    oldest: list[Introduction]


def facilitator_queue() -> FacilitatorQueue:
    """Two queries: the counts by state (on the state index) and the oldest requests."""
    counts = Introduction.objects.open().aggregate(
        to_forward=Count("pk", filter=Q(state=IntroductionState.REQUESTED)),
        awaiting_answer=Count("pk", filter=Q(state=IntroductionState.FORWARDED)),
    )
    oldest = list(
        Introduction.objects.filter(state=IntroductionState.REQUESTED)
        .select_related("requesting_organisation", "receiving_organisation")
        .only(
            "code",
            "created_at",
            "requesting_organisation__name",
            "receiving_organisation__name",
        )
        .order_by("created_at", "pk")[:QUEUE_LIMIT]
    )
    return FacilitatorQueue(
        to_forward=counts["to_forward"], awaiting_answer=counts["awaiting_answer"], oldest=oldest
    )
