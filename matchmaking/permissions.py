"""Who may see and do what in matchmaking; one access helper per resource (404 or 403)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from initiatives.models import Challenge, Initiative, PublicationStatus
from matchmaking.models import (
    RECEIVER_VISIBLE_STATES,
    Introduction,
    IntroductionState,
    OfferNeed,
)
from members.models import Organisation, User
from members.roles import (
    ADMIN_ROLES,
    is_facilitator,
    is_organisation_admin,
    role_in,
)


def viewer(request: HttpRequest) -> User | None:
    """The signed-in member, or None for a visitor: what every rule below is asked about."""
    return request.user if request.user.is_authenticated else None


# ---------------------------------------------------------------------------
# Offers and needs
# ---------------------------------------------------------------------------


def can_view_offer_need(user: User | None, offer_need: OfferNeed) -> bool:
    """Current ones are public; closed or expired ones only for the organisation's members."""
    return offer_need.is_current() or role_in(user, offer_need.organisation) is not None


def get_offer_need_for_admin(request: HttpRequest, slug: str) -> OfferNeed:
    offer_need = get_object_or_404(OfferNeed.objects.select_related("organisation"), slug=slug)
    role = role_in(viewer(request), offer_need.organisation)
    if role is None:
        raise Http404
    if role not in ADMIN_ROLES:
        raise PermissionDenied
    return offer_need


# ---------------------------------------------------------------------------
# Introductions
# ---------------------------------------------------------------------------


def introduction_side(user: User | None, introduction: Introduction) -> str | None:
    """ "requesting", "receiving" or None: which party the user speaks for."""
    if user is None or not user.is_authenticated:
        return None
    if introduction.requester_id == user.pk or is_organisation_admin(
        user, introduction.requesting_organisation
    ):
        return "requesting"
    if introduction.state in RECEIVER_VISIBLE_STATES and is_organisation_admin(
        user, introduction.receiving_organisation
    ):
        return "receiving"
    return None


def subject_hidden(introduction: Introduction, side: str | None, asked_before: set[int]) -> bool:
    """After a redirect, a subject of the organisation asked first (its offer, its challenge)
    would name that organisation: the new receiving side does not see it."""
    return side == "receiving" and introduction.subject_organisation_id in asked_before


def get_introduction_for_viewer(request: HttpRequest, code: str) -> tuple[Introduction, str | None]:
    """The introduction and the viewer's side; 404 for everyone who is not involved."""
    introduction = get_object_or_404(
        Introduction.objects.select_related(
            "requesting_organisation",
            "receiving_organisation",
            "requester",
            "answered_by",
            "proposed_by",
            "challenge",
            "initiative",
            "offer_need",
        ),
        code=code,
    )
    user = viewer(request)
    side = introduction_side(user, introduction)
    if side is None and not is_facilitator(user):
        raise Http404
    return introduction, side


def can_forward(user: User | None, introduction: Introduction) -> bool:
    return is_facilitator(user) and introduction.state == IntroductionState.REQUESTED


def can_answer(user: User | None, introduction: Introduction) -> bool:
    return introduction.state == IntroductionState.FORWARDED and is_organisation_admin(
        user, introduction.receiving_organisation
    )


def can_withdraw(user: User | None, introduction: Introduction) -> bool:
    """The asking side (the member who asked, or an admin of the requesting organisation)
    may withdraw while nobody has answered yet."""
    return introduction.is_open and (
        (user is not None and user.is_authenticated and introduction.requester_id == user.pk)
        or is_organisation_admin(user, introduction.requesting_organisation)
    )


def can_record_outcome(user: User | None, introduction: Introduction) -> bool:
    return introduction.state == IntroductionState.ACCEPTED and (
        (user is not None and introduction.requester_id == user.pk)
        or is_organisation_admin(user, introduction.requesting_organisation)
        or is_organisation_admin(user, introduction.receiving_organisation)
    )


# ---------------------------------------------------------------------------
# Suggestions
# ---------------------------------------------------------------------------


def get_challenge_for_suggestions(request: HttpRequest, slug: str) -> Challenge:
    """A published challenge, for the problem owner's admins and for facilitators."""
    challenge = get_object_or_404(
        Challenge.objects.published().select_related("owner", "region"), slug=slug
    )
    _require_suggestion_reader(viewer(request), challenge.owner)
    return challenge


# A challenge still being written or waiting for the editors.
CONCEPT_STATES = (PublicationStatus.DRAFT, PublicationStatus.SUBMITTED)


def can_see_concept_suggestions(user: User | None, challenge: Challenge) -> bool:
    """Suggestions on a challenge that is not published yet are the problem owner's alone:
    its admins see them (as they do once it is published); the public, other organisations,
    editors and facilitators see nothing of a concept."""
    return bool(
        user is not None
        and user.is_authenticated
        and challenge.publication_status in CONCEPT_STATES
        and not challenge.is_hidden
        and is_organisation_admin(user, challenge.owner)
    )


def get_initiative_for_suggestions(request: HttpRequest, slug: str) -> Initiative:
    """A published initiative, for the lead organisation's admins and for facilitators."""
    initiative = get_object_or_404(
        Initiative.objects.published().select_related("lead", "region"), slug=slug
    )
    _require_suggestion_reader(viewer(request), initiative.lead)
    return initiative


def _require_suggestion_reader(user: User | None, organisation: Organisation) -> None:
    """Who could help with an item is for its organisation's admins and for facilitators:
    404 for a visitor, 403 for any other member."""
    if is_facilitator(user) or is_organisation_admin(user, organisation):
        return
    if user is None:
        raise Http404
    raise PermissionDenied


def get_organisation_for_matchmaking(
    request: HttpRequest, slug: str
) -> tuple[Organisation, str | None]:
    """The organisation's own matchmaking page: its members, and facilitators."""
    organisation = get_object_or_404(Organisation.objects.listed(), slug=slug)
    user = viewer(request)
    role = role_in(user, organisation)
    if role is None and not is_facilitator(user):
        raise Http404
    return organisation, role
