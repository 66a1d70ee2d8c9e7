"""Read-side helpers for members and organisations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from allauth.account.models import EmailAddress
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet

from members.models import (
    Invitation,
    Membership,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    ThemedOrganisation,
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
    """The public directory: listed organisations, filtered, with what a card shows.

    Ordered by name and id, the order of the partial index ``organisation_listed_name``
    over the listed organisations (migration members/0010): the paginator counts them with
    an index-only scan and ``KeysFirstPaginator`` reads a page's keys from it. A theme is a
    sub-select, not a join, so that no ``DISTINCT`` is needed."""
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
        organisations = organisations.filter(
            pk__in=ThemedOrganisation.objects.filter(tag__slug=filters.theme).values(
                "content_object_id"
            )
        )
    if filters.verified:
        organisations = organisations.filter(status=OrganisationStatus.VERIFIED)
    if filters.query:
        organisations = organisations.filter(
            Q(name__icontains=filters.query) | Q(description__icontains=filters.query)
        )
    return organisations


class KeysFirstPaginator(Paginator):
    """Pages an ordered queryset in one statement that first reads the page's primary keys,
    then only that page's rows: ``WHERE pk IN (SELECT pk ... ORDER BY ... LIMIT n OFFSET m)``.

    With an index that matches the order (and covers the filters), the keys come from an
    index-only scan of ``m + n`` narrow entries; a plain ``OFFSET`` reads and sorts the full
    rows of every page before it (65 ms for page 150 of 5,000 organisations, a sort spilling
    to disk, against 1.4 ms; docs/performance.md). The queryset must have no ``DISTINCT``
    (the sub-select returns the key alone)."""

    def page(self, number: int | str) -> Page[Any]:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        items = cast("QuerySet[Any]", self.object_list)
        keys = items.prefetch_related(None).values("pk")[bottom:top]
        return Page(items.filter(pk__in=keys), number, self)


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
