"""Access rules for organisations: one helper per resource, raising 404 or 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from members.models import ADMIN_ROLES, Membership, Organisation, User


def role_in(user: User | None, organisation: Organisation) -> str | None:
    """The member's role in the organisation (owner, admin, member), or None."""
    if user is None or not user.is_authenticated:
        return None
    return (
        Membership.objects.filter(organisation=organisation, user=user)
        .values_list("role", flat=True)
        .first()
    )


def organisation_admins(organisation: Organisation) -> QuerySet[User]:
    """The active owners and admins: who hears about what concerns the organisation."""
    return User.objects.filter(
        is_active=True,
        memberships__organisation=organisation,
        memberships__role__in=ADMIN_ROLES,
    ).order_by("memberships__created_at", "pk")


def membership_of(user: User | None, organisation: Organisation) -> Membership | None:
    if user is None or not user.is_authenticated:
        return None
    return Membership.objects.filter(organisation=organisation, user=user).first()


def is_organisation_admin(user: User | None, organisation: Organisation) -> bool:
    """An owner or admin of the organisation."""
    membership = membership_of(user, organisation)
    return membership is not None and membership.role in ADMIN_ROLES


def is_organisation_member(user: User | None, organisation: Organisation) -> bool:
    return membership_of(user, organisation) is not None


def get_public_organisation(slug: str) -> Organisation:
    """An organisation anyone may see: pending or verified, never suspended or archived."""
    return get_object_or_404(Organisation.objects.listed(), slug=slug)


def get_organisation_for_member(request: HttpRequest, slug: str) -> tuple[Organisation, Membership]:
    """The organisation and the requesting member's membership; 404 for outsiders."""
    organisation = get_object_or_404(Organisation, slug=slug)
    membership = membership_of(request.user, organisation)  # type: ignore[arg-type]
    if membership is None:
        raise Http404
    return organisation, membership


def get_organisation_for_admin(request: HttpRequest, slug: str) -> tuple[Organisation, Membership]:
    """The organisation when the requester is an owner or admin; 404 outsiders, 403 members."""
    organisation, membership = get_organisation_for_member(request, slug)
    if membership.role not in ADMIN_ROLES:
        raise PermissionDenied
    return organisation, membership
