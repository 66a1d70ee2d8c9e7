"""Read-side helpers for members and organisations."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db.models import Q, QuerySet

from members.models import (
    Invitation,
    Membership,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    User,
)
from members.roles import LISTED_STATUSES


@dataclass(frozen=True)
class DirectoryFilters:
    """What the organisation directory is filtered by (the view reads it from the query
    string; the template shows it back in the filter form)."""

    kind: str = ""
    region: str = ""  # a region's slug
    theme: str = ""  # a theme's slug
    verified: bool = False
    query: str = ""  # words in the name or description


def directory_organisations(filters: DirectoryFilters) -> QuerySet[Organisation]:
    """The public directory: listed organisations, filtered, with what a card shows."""
    organisations = (
        Organisation.objects.listed()
        .select_related("region")
        # django-stubs knows no taggit manager; taggit's TaggableManager does prefetch.
        .prefetch_related("themes")  # type: ignore[misc]
        .order_by("name", "pk")
    )
    if filters.kind in OrganisationKind.values:
        organisations = organisations.filter(kind=filters.kind)
    if filters.region:
        organisations = organisations.filter(region__slug=filters.region)
    if filters.theme:
        organisations = organisations.filter(themes__slug=filters.theme)
    if filters.verified:
        organisations = organisations.filter(status=OrganisationStatus.VERIFIED)
    if filters.query:
        organisations = organisations.filter(
            Q(name__icontains=filters.query) | Q(description__icontains=filters.query)
        )
    return organisations.distinct() if filters.theme else organisations


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
    """All the member's memberships, with their organisations, for the dashboard."""
    return (
        Membership.objects.filter(user=user)
        .select_related("organisation", "organisation__region")
        .order_by("organisation__name")
    )


def open_invitations_for(user: User) -> QuerySet[Invitation]:
    """Open invitations addressed to any of the member's verified email addresses."""
    emails = list(
        EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    )
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
