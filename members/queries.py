"""Read-side helpers for members and organisations."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from core.models import Region
from members.models import (
    Invitation,
    Membership,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    User,
)
from members.roles import LISTED_STATUSES


def directory_organisations(
    *, kind: str = "", region: str = "", theme: str = "", verified: bool = False, query: str = ""
) -> QuerySet[Organisation]:
    """The public directory: listed organisations, filtered, with what a card shows."""
    organisations = (
        Organisation.objects.listed()
        .select_related("region")
        .prefetch_related("themes")
        .order_by("name", "pk")
    )
    if kind in OrganisationKind.values:
        organisations = organisations.filter(kind=kind)
    if region:
        organisations = organisations.filter(region__slug=region)
    if theme:
        organisations = organisations.filter(themes__slug=theme)
    if verified:
        organisations = organisations.filter(status=OrganisationStatus.VERIFIED)
    if query:
        organisations = organisations.filter(
            Q(name__icontains=query) | Q(description__icontains=query)
        )
    return organisations.distinct() if theme else organisations


def public_members(organisation: Organisation) -> QuerySet[Membership]:
    """Members who chose to appear on the organisation page (display names only); a
    deactivated account no longer appears anywhere."""
    return (
        organisation.memberships.filter(is_public=True, user__is_active=True)
        .select_related("user__profile")
        .order_by("role", "user__display_name")
    )


def public_memberships_of(user: User) -> QuerySet[Membership]:
    """The organisations a public profile lists: only memberships the member chose to show,
    only of listed organisations (never a suspended or archived one)."""
    return (
        Membership.objects.filter(
            user=user,
            user__is_active=True,
            is_public=True,
            organisation__status__in=LISTED_STATUSES,
        )
        .select_related("organisation")
        .order_by("organisation__name")
    )


def memberships_of(user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user)
        .select_related("organisation", "organisation__region")
        .order_by("organisation__name")
    )


def open_invitations_for(user: User) -> QuerySet[Invitation]:
    """Open invitations addressed to any of the member's verified email addresses."""
    emails = list(user.emailaddress_set.filter(verified=True).values_list("email", flat=True))
    if not emails:
        return Invitation.objects.none()
    email_filter = Q()
    for email in emails:
        email_filter |= Q(email__iexact=email)
    return (
        Invitation.objects.open()
        .filter(email_filter)
        .exclude(organisation__memberships__user=user)
        .select_related("organisation")
    )


def regions_with_organisations() -> QuerySet[Region]:
    return Region.objects.annotate(
        organisation_count=Count(
            "organisations", filter=Q(organisations__status__in=LISTED_STATUSES)
        )
    )
