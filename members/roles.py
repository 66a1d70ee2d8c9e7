"""Who is who: the one place that answers every question about roles.

Every app asks here (and raw SQL gets these values as parameters), so that "who is an
editor", "who administers an organisation" and "which organisations are listed" have one
answer each. Platform roles are Django permissions held through two groups that the curation
data migration creates; organisation roles are memberships.

This module imports no models (``members.models`` imports it); it reaches users and
memberships through the user model and its relations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from members.choices import MembershipRole, OrganisationStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from members.models import Membership, Organisation, User

    # Whoever asks: a signed-in member, a visitor (``request.user`` either way), or nobody
    # (a system action, a deleted account).
    type Person = User | AnonymousUser | None

# ---------------------------------------------------------------------------
# Names: groups and permissions (curation/migrations/0002 creates the groups with these
# names; tests/security/test_roles.py checks that the two agree).
# ---------------------------------------------------------------------------

EDITORS_GROUP = "Redactie"
FACILITATORS_GROUP = "Verbinders"

MODERATE_PERMISSION = "curation.moderate"
FEATURE_PERMISSION = "curation.feature"
FACILITATE_PERMISSION = "matchmaking.facilitate"

# Members with these roles administer their organisation: edit it, invite, claim the stamp.
ADMIN_ROLES: tuple[str, ...] = (MembershipRole.OWNER, MembershipRole.ADMIN)

# Organisations that appear in public: in the directory, as partners, in search.
LISTED_STATUSES: tuple[str, ...] = (OrganisationStatus.PENDING, OrganisationStatus.VERIFIED)

# Organisations whose people may still act for them (edit, invite, claim, post). A suspended
# or archived organisation is frozen until an editor lifts the suspension.
ACTIVE_STATUSES = LISTED_STATUSES


# ---------------------------------------------------------------------------
# Platform roles
# ---------------------------------------------------------------------------


def has_second_factor(user: User | AnonymousUser) -> bool:
    """An authenticator app or a security key (recovery codes alone are a fallback, not a
    second factor). Looked up once per user object, like Django's permission cache."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import is_mfa_enabled

    found = getattr(user, "_has_second_factor", None)
    if found is None:
        found = bool(is_mfa_enabled(user, [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]))
        # setattr: an attribute of our own on whatever object asks (``request.user`` is a
        # lazy object that passes it on to the user), which ``User`` does not declare.
        setattr(user, "_has_second_factor", found)  # noqa: B010
    return bool(found)


def needs_second_factor(user: User | AnonymousUser) -> bool:
    """Staff powers wait for a second factor when ``ADMIN_REQUIRE_MFA`` is on: a stolen
    password alone must not publish, revoke a stamp or broker introductions."""
    return bool(settings.ADMIN_REQUIRE_MFA) and not has_second_factor(user)


def _holds(user: Person, permission: str) -> bool:
    """An active staff account with the permission (superusers hold every permission) and,
    where required, a second factor."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm(permission)
        and not needs_second_factor(user)
    )


def is_editor(user: Person) -> bool:
    """An editor (Redactie): moderates, verifies, suspends, publishes, revokes stamps.
    Staff alone is not enough: a facilitator is staff too."""
    return _holds(user, MODERATE_PERMISSION)


def can_feature(user: Person) -> bool:
    """Who may put items on the home page."""
    return _holds(user, FEATURE_PERMISSION)


def is_facilitator(user: Person) -> bool:
    """A verbinder: forwards and brokers introductions, sees suggestions for anyone."""
    return _holds(user, FACILITATE_PERMISSION)


def may_enter_admin(user: Person) -> bool:
    """Who the admin lets in (editors, facilitators, superusers: active staff); the footer's
    "Redactie" link shows to them only. A second factor is asked for inside the admin."""
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_staff)


def require_editor(user: Person) -> None:
    """Services call this before they change editor-only state."""
    if not is_editor(user):
        raise PermissionDenied


def require_feature(user: Person) -> None:
    if not can_feature(user):
        raise PermissionDenied


def require_facilitator(user: Person) -> None:
    if not is_facilitator(user):
        raise PermissionDenied


def _holders(app_label: str, codename: str) -> QuerySet[User]:
    """Active staff who hold the permission directly, through a group, or as superuser."""
    users = get_user_model().objects
    granted = Q(
        user_permissions__codename=codename, user_permissions__content_type__app_label=app_label
    )
    via_group = Q(
        groups__permissions__codename=codename,
        groups__permissions__content_type__app_label=app_label,
    )
    ids = (
        users.filter(is_active=True, is_staff=True)
        .filter(Q(is_superuser=True) | granted | via_group)
        .values("pk")
    )
    return users.filter(pk__in=ids).order_by("pk")


def editors() -> QuerySet[User]:
    """Everyone who receives the editors' mail (new reports, claims waiting for approval)."""
    return _holders(*MODERATE_PERMISSION.split("."))


def facilitators() -> QuerySet[User]:
    """Everyone who receives the facilitators' mail (new introduction requests)."""
    return _holders(*FACILITATE_PERMISSION.split("."))


# ---------------------------------------------------------------------------
# Organisation roles
# ---------------------------------------------------------------------------


def membership_of(user: Person, organisation: Organisation) -> Membership | None:
    if user is None or not user.is_authenticated:
        return None
    return organisation.memberships.filter(user=user).first()


def role_in(user: Person, organisation: Organisation) -> str | None:
    """The member's role in the organisation (owner, admin, member), or None."""
    if user is None or not user.is_authenticated:
        return None
    return organisation.memberships.filter(user=user).values_list("role", flat=True).first()


def is_admin_role(role: str | None) -> bool:
    return role in ADMIN_ROLES


def is_organisation_admin(user: Person, organisation: Organisation) -> bool:
    """An active owner or admin of the organisation."""
    return bool(user is not None and user.is_active) and is_admin_role(role_in(user, organisation))


def can_invite(user: Person, organisation: Organisation, role: str) -> bool:
    """May this person invite someone into the organisation with this role? Active owners and
    admins invite members and admins; only an owner invites another owner. Asked again when
    an invitation is accepted, so a demoted or removed inviter's link stops working."""
    if user is None or not user.is_active:
        return False
    own_role = role_in(user, organisation)
    if role == MembershipRole.OWNER:
        return own_role == MembershipRole.OWNER
    return is_admin_role(own_role)


def is_organisation_member(user: Person, organisation: Organisation) -> bool:
    return role_in(user, organisation) is not None


def organisation_admins(organisation: Organisation) -> QuerySet[User]:
    """The active owners and admins: who hears about what concerns the organisation."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__organisation=organisation,
            memberships__role__in=ADMIN_ROLES,
        )
        .order_by("memberships__created_at", "pk")
    )


def is_active_organisation(organisation: Organisation) -> bool:
    """Its people may act for it; a suspended or archived organisation is frozen."""
    return organisation.status in ACTIVE_STATUSES


def require_active_organisation(organisation: Organisation) -> None:
    """Refuse any change made for a suspended or archived organisation."""
    if not is_active_organisation(organisation):
        raise ValidationError(
            _(
                "This organisation is suspended or archived: nothing can be changed for it "
                "until an editor lifts the suspension."
            ),
            code="organisation_inactive",
        )
