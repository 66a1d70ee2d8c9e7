"""Matchmaking sections on other apps' pages.

Nothing may import matchmaking in Python; the challenge, initiative and organisation
templates load these tags instead, so the links live with the rules that guard them.
"""

from __future__ import annotations

from typing import Any

from django import template

from core.waiting import WaitingItem
from initiatives.models import Challenge, Initiative
from matchmaking import permissions, queries, suggestions, waiting
from members import roles
from members.models import Membership, Organisation, User
from members.roles import ACTIVE_STATUSES, ADMIN_ROLES

register = template.Library()


def _roles_by_organisation(user: User) -> dict[int, str]:
    """The member's role per active organisation (one query answers every question below):
    a suspended organisation's people cannot ask on its behalf."""
    return dict(
        Membership.objects.filter(user=user, organisation__status__in=ACTIVE_STATUSES).values_list(
            "organisation_id", "role"
        )
    )


def _takes_requests(organisation: Organisation) -> bool:
    """The same rule the request service holds: active and open to cooperation."""
    return roles.is_active_organisation(organisation) and organisation.open_to_cooperation


def _member_of_another_organisation(
    memberships: dict[int, str], organisation: Organisation
) -> bool:
    return any(organisation_id != organisation.pk for organisation_id in memberships)


@register.inclusion_tag("matchmaking/includes/subject_actions.html", takes_context=True)
def matchmaking_actions(context: dict[str, Any], subject: Challenge | Initiative) -> dict[str, Any]:
    """Links under a challenge or initiative: who could help (for its admins and
    facilitators), and asking for an introduction (for members of other organisations)."""
    user = context["request"].user
    is_challenge = isinstance(subject, Challenge)
    organisation = subject.owner if isinstance(subject, Challenge) else subject.lead
    result: dict[str, Any] = {"subject": subject, "is_challenge": is_challenge}
    if not user.is_authenticated or not subject.is_published:
        return result
    memberships = _roles_by_organisation(user)
    result["may_see_suggestions"] = memberships.get(
        organisation.pk
    ) in ADMIN_ROLES or roles.is_facilitator(user)
    if _takes_requests(organisation) and _member_of_another_organisation(memberships, organisation):
        result["introduction_organisation"] = organisation
    return result


@register.inclusion_tag("matchmaking/includes/organisation_section.html", takes_context=True)
def organisation_matchmaking(context: dict[str, Any], organisation: Organisation) -> dict[str, Any]:
    """What the organisation offers and needs, and a way to ask for an introduction."""
    user = context["request"].user
    memberships = _roles_by_organisation(user) if user.is_authenticated else {}
    return {
        "organisation": organisation,
        "offers_needs": queries.public_offers_needs(organisation),
        "may_ask": _takes_requests(organisation)
        and _member_of_another_organisation(memberships, organisation),
        "is_admin": memberships.get(organisation.pk) in ADMIN_ROLES,
    }


@register.simple_tag(takes_context=True)
def matchmaking_waiting(context: dict[str, Any]) -> list[WaitingItem]:
    """``{% matchmaking_waiting as items %}``: introductions to answer or in progress and
    unread notifications, for ``/mijn/``."""
    user = context["request"].user
    if not user.is_authenticated:
        return []
    return waiting.waiting_for(user)


@register.simple_tag(takes_context=True)
def facilitator_queue(context: dict[str, Any]) -> waiting.FacilitatorQueue | None:
    """``{% facilitator_queue as queue %}``: open introductions, for facilitators only."""
    if not roles.is_facilitator(context["request"].user):
        return None
    return waiting.facilitator_queue()


CONCEPT_SUGGESTIONS = 5


@register.inclusion_tag("matchmaking/includes/concept_suggestions.html", takes_context=True)
def concept_suggestions(context: dict[str, Any], challenge: Challenge) -> dict[str, Any]:
    """Who could help, shown privately on a challenge that is not published yet: only to
    the admins of the problem owner, so they need not wait for the editors to see it. The
    public, other organisations and facilitators see suggestions once it is published."""
    if not permissions.can_see_concept_suggestions(context["request"].user, challenge):
        return {"shown": False}
    return {
        "shown": True,
        "item": challenge,
        "suggestions": suggestions.for_challenge(challenge, limit=CONCEPT_SUGGESTIONS),
    }
