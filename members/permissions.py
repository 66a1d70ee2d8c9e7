"""Access rules for organisations and profiles: one helper per resource, raising 404 or 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from members.models import Membership, Organisation, Profile
from members.roles import ADMIN_ROLES, membership_of


def get_public_organisation(slug: str) -> Organisation:
    """An organisation anyone may see: pending or verified, never suspended or archived."""
    return get_object_or_404(Organisation.objects.listed().select_related("region"), slug=slug)


def get_organisation_for_member(request: HttpRequest, slug: str) -> tuple[Organisation, Membership]:
    """The organisation and the requesting member's membership; 404 for outsiders."""
    organisation = get_object_or_404(Organisation, slug=slug)
    membership = membership_of(request.user, organisation)
    if membership is None:
        raise Http404
    return organisation, membership


def get_organisation_for_admin(request: HttpRequest, slug: str) -> tuple[Organisation, Membership]:
    """The organisation when the requester is an owner or admin; 404 outsiders, 403 members."""
    organisation, membership = get_organisation_for_member(request, slug)
    if membership.role not in ADMIN_ROLES:
        raise PermissionDenied
    return organisation, membership


def get_visible_profile(request: HttpRequest, slug: str) -> tuple[Profile, bool]:
    """The profile and whether it is the visitor's own. Anyone sees a public profile; only
    its member sees a private one; nobody sees a deactivated account's: 404 otherwise."""
    profile = get_object_or_404(Profile.objects.select_related("user", "region"), slug=slug)
    user = request.user
    is_own = user.is_authenticated and profile.user_id == user.pk
    if not (profile.is_public or is_own) or not profile.user.is_active:
        raise Http404
    return profile, is_own
