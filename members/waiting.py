"""What waits for a member in members' part of the site, for "Wacht op jou" on ``/mijn/``."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from core.waiting import WaitingItem
from members.models import JoinRequest, JoinRequestStatus, Membership, OrganisationStatus, User
from members.queries import open_invitations_for
from members.roles import ADMIN_ROLES

WAITING_LIMIT = 20  # per kind; the oldest first, so nothing waits unseen for long


def waiting_for(user: User, memberships: Sequence[Membership]) -> list[WaitingItem]:
    """Invitations to accept, requests to join to decide on (as an admin), one's own requests
    to join, and own organisations that still wait to be verified. Three queries (two for
    the invitations, one for the requests); ``memberships`` are the member's, already read."""
    items = [
        WaitingItem(
            kind="invitation",
            text=_("%(organisation)s invites you as %(role)s.")
            % {
                "organisation": invitation.organisation.name,
                "role": str(invitation.get_role_display()).lower(),
            },
            action_label=_("View and accept"),
            action_url=reverse("members:invitation_accept", args=[invitation.accept_token]),
            since=invitation.created_at,
            deadline=invitation.expires_at,
        )
        for invitation in open_invitations_for(user).order_by("created_at", "pk")[:WAITING_LIMIT]
    ]
    admin_of = [m.organisation_id for m in memberships if m.role in ADMIN_ROLES]
    requests = (
        JoinRequest.objects.filter(status=JoinRequestStatus.PENDING)
        .filter(Q(organisation_id__in=admin_of) | Q(user=user))
        .select_related("organisation", "user")
        .order_by("created_at", "pk")[:WAITING_LIMIT]
    )
    for join_request in requests:
        organisation = join_request.organisation
        if join_request.user_id == user.pk:
            items.append(
                WaitingItem(
                    kind="own_join_request",
                    text=_("You asked to join %(organisation)s; its admins decide.")
                    % {"organisation": organisation.name},
                    action_label=_("View the organisation"),
                    action_url=organisation.get_absolute_url(),
                    since=join_request.created_at,
                )
            )
        else:
            items.append(
                WaitingItem(
                    kind="join_request",
                    text=_("%(person)s asks to join %(organisation)s.")
                    % {
                        "person": join_request.user.display_name or _("Someone"),
                        "organisation": organisation.name,
                    },
                    action_label=_("Approve or decline"),
                    action_url=reverse("members:organisation_members", args=[organisation.slug])
                    + "#requests-title",
                    since=join_request.created_at,
                    note=join_request.message,
                    note_label=_("Their message"),
                )
            )
    for membership in memberships:
        organisation = membership.organisation
        if membership.role in ADMIN_ROLES and organisation.status == OrganisationStatus.PENDING:
            items.append(
                WaitingItem(
                    kind="verification",
                    text=_("%(organisation)s is not verified yet.")
                    % {"organisation": organisation.name},
                    action_label=_("Verify it"),
                    action_url=reverse("members:domain_verification", args=[organisation.slug]),
                    since=organisation.created_at,
                )
            )
    return items
