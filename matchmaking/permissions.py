"""Who may see and do what in matchmaking; one access helper per resource (404 or 403)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from initiatives.models import Challenge, Initiative, PublicationStatus
from matchmaking.models import (
    RECEIVER_VISIBLE_STATES,
    Introduction,
    IntroductionState,
    OfferNeed,
)
from members.models import ADMIN_ROLES, Organisation, User
from members.permissions import role_in

FACILITATE_PERMISSION = "matchmaking.facilitate"


def _user(request: HttpRequest) -> User | None:
    return request.user if request.user.is_authenticated else None  # type: ignore[return-value]


def is_facilitator(user: User | None) -> bool:
    """A verbinder: staff with the facilitate permission (superusers have every permission)."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm(FACILITATE_PERMISSION)
    )


def facilitators() -> QuerySet[User]:
    """Everyone who receives the facilitators' mail: staff with the permission, or superusers."""
    granted = Q(user_permissions__codename="facilitate") & Q(
        user_permissions__content_type__app_label="matchmaking"
    )
    via_group = Q(groups__permissions__codename="facilitate") & Q(
        groups__permissions__content_type__app_label="matchmaking"
    )
    ids = (
        User.objects.filter(is_active=True, is_staff=True)
        .filter(Q(is_superuser=True) | granted | via_group)
        .values("pk")
    )
    return User.objects.filter(pk__in=ids).order_by("pk")


def is_admin_of(user: User | None, organisation: Organisation) -> bool:
    return role_in(user, organisation) in ADMIN_ROLES


# ---------------------------------------------------------------------------
# Offers and needs
# ---------------------------------------------------------------------------


def can_view_offer_need(user: User | None, offer_need: OfferNeed) -> bool:
    """Current ones are public; closed or expired ones only for the organisation's members."""
    return offer_need.is_current() or role_in(user, offer_need.organisation) is not None


def get_offer_need_for_admin(request: HttpRequest, slug: str) -> OfferNeed:
    offer_need = get_object_or_404(OfferNeed.objects.select_related("organisation"), slug=slug)
    role = role_in(_user(request), offer_need.organisation)
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
    if introduction.requester_id == user.pk or is_admin_of(
        user, introduction.requesting_organisation
    ):
        return "requesting"
    if introduction.state in RECEIVER_VISIBLE_STATES and is_admin_of(
        user, introduction.receiving_organisation
    ):
        return "receiving"
    return None


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
    user = _user(request)
    side = introduction_side(user, introduction)
    if side is None and not is_facilitator(user):
        raise Http404
    return introduction, side


def can_forward(user: User | None, introduction: Introduction) -> bool:
    return is_facilitator(user) and introduction.state == IntroductionState.REQUESTED


def can_answer(user: User | None, introduction: Introduction) -> bool:
    return introduction.state == IntroductionState.FORWARDED and is_admin_of(
        user, introduction.receiving_organisation
    )


def can_record_outcome(user: User | None, introduction: Introduction) -> bool:
    return introduction.state == IntroductionState.ACCEPTED and (
        (user is not None and introduction.requester_id == user.pk)
        or is_admin_of(user, introduction.requesting_organisation)
        or is_admin_of(user, introduction.receiving_organisation)
    )


# ---------------------------------------------------------------------------
# Suggestions
# ---------------------------------------------------------------------------


def get_challenge_for_suggestions(request: HttpRequest, slug: str) -> Challenge:
    """A published challenge, for the problem owner's admins and for facilitators."""
    challenge = get_object_or_404(
        Challenge.objects.select_related("owner", "region"),
        slug=slug,
        publication_status=PublicationStatus.PUBLISHED,
    )
    user = _user(request)
    if not (is_facilitator(user) or is_admin_of(user, challenge.owner)):
        if user is None:
            raise Http404
        raise PermissionDenied
    return challenge


def get_initiative_for_suggestions(request: HttpRequest, slug: str) -> Initiative:
    initiative = get_object_or_404(
        Initiative.objects.select_related("lead", "region"),
        slug=slug,
        publication_status=PublicationStatus.PUBLISHED,
    )
    user = _user(request)
    if not (is_facilitator(user) or is_admin_of(user, initiative.lead)):
        if user is None:
            raise Http404
        raise PermissionDenied
    return initiative


def get_organisation_for_matchmaking(
    request: HttpRequest, slug: str
) -> tuple[Organisation, str | None]:
    """The organisation's own matchmaking page: its members, and facilitators."""
    organisation = get_object_or_404(Organisation.objects.listed(), slug=slug)
    user = _user(request)
    role = role_in(user, organisation)
    if role is None and not is_facilitator(user):
        raise Http404
    return organisation, role
