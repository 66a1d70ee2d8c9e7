"""Who may do what with challenges, initiatives and stories; one access helper per resource.

Members of the owning organisation (the problem owner, the lead organisation, or the story's
initiative's lead) write and edit drafts; an owner or admin of that organisation submits,
edits what is submitted or published, and archives. Editors (`members.roles.is_editor`)
publish and archive. Nobody but an editor acts on an item the editors hid, and the members
of a suspended or archived organisation act on nothing of it (the services say why).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from initiatives.models import (
    Challenge,
    ChallengeLink,
    Initiative,
    InitiativePartner,
    PublicationStatus,
    Story,
)
from members.models import Organisation, User
from members.roles import ADMIN_ROLES, is_active_organisation, is_editor, role_in

Item = Challenge | Initiative | Story


class _Unknown:
    """Marks a role not looked up yet (None means: looked up, not a member)."""


UNKNOWN: Any = _Unknown()


def _role(user: User | None, item: Item, role: str | None) -> str | None:
    return role_in(user, item.organisation) if role is UNKNOWN else role


def can_create_for(user: User | None, organisation: Organisation) -> bool:
    return is_active_organisation(organisation) and role_in(user, organisation) is not None


def _owner_may_act(item: Item) -> bool:
    """Not hidden by the editors, and its organisation not suspended or archived."""
    return not item.is_hidden and is_active_organisation(item.organisation)


def can_edit(user: User | None, item: Item, *, role: str | None = UNKNOWN) -> bool:
    role = _role(user, item, role)
    if role is None or not _owner_may_act(item):
        return False
    if item.publication_status == PublicationStatus.DRAFT:
        return True
    return item.publication_status != PublicationStatus.ARCHIVED and role in ADMIN_ROLES


def can_submit(user: User | None, item: Item, *, role: str | None = UNKNOWN) -> bool:
    role = _role(user, item, role)
    return (
        item.publication_status == PublicationStatus.DRAFT
        and role in ADMIN_ROLES
        and _owner_may_act(item)
    )


def can_publish(user: User | None, item: Item) -> bool:
    return (
        is_editor(user)
        and not item.is_hidden
        and item.publication_status
        in (
            PublicationStatus.SUBMITTED,
            PublicationStatus.ARCHIVED,
        )
    )


def can_archive(user: User | None, item: Item, *, role: str | None = UNKNOWN) -> bool:
    if item.publication_status == PublicationStatus.ARCHIVED:
        return False
    if is_editor(user):
        return True
    role = _role(user, item, role)
    return role in ADMIN_ROLES and _owner_may_act(item)


def can_view(user: User | None, item: Item) -> bool:
    """Public items for everyone; anything else (a draft, a hidden item, the items of a
    suspended organisation) only for the owning organisation and editors."""
    if item.is_public:
        return True
    return is_editor(user) or role_in(user, item.organisation) is not None


def can_confirm_partnership(user: User | None, partnership: InitiativePartner) -> bool:
    return role_in(user, partnership.organisation) in ADMIN_ROLES


def can_remove_partnership(user: User | None, partnership: InitiativePartner) -> bool:
    """The lead's members take a partner off; the partner's admins decline or leave."""
    return role_in(user, partnership.initiative.lead) is not None or can_confirm_partnership(
        user, partnership
    )


def can_confirm_challenge_link(user: User | None, link: ChallengeLink) -> bool:
    """An owner or admin of the problem owner speaks for its challenge."""
    return role_in(user, link.challenge.owner) in ADMIN_ROLES


def can_remove_challenge_link(user: User | None, link: ChallengeLink) -> bool:
    """The lead's members drop the link; the problem owner's admins decline it."""
    return role_in(user, link.initiative.lead) is not None or can_confirm_challenge_link(user, link)


def get_item_and_role[T: Item](
    request: HttpRequest, model: type[T], slug: str
) -> tuple[T, str | None]:
    """The item and the requester's role in its organisation; 404 unless member or editor."""
    item = get_object_or_404(model, slug=slug)
    user = request.user if request.user.is_authenticated else None
    role = role_in(user, item.organisation)
    if role is None and not is_editor(user):
        raise Http404
    return item, role


def get_item_for_editing[T: Item](request: HttpRequest, model: type[T], slug: str) -> T:
    """The item when the requester may edit it: 404 for outsiders, 403 for members who may not."""
    item, role = get_item_and_role(request, model, slug)
    if not can_edit(request.user if request.user.is_authenticated else None, item, role=role):
        raise PermissionDenied
    return item


def get_item_for_member[T: Item](request: HttpRequest, model: type[T], slug: str) -> T:
    """The item when the requester is a member of its organisation: 404 for outsiders, 403
    for an editor who is no member (editors see the item, but do not write for it)."""
    item, role = get_item_and_role(request, model, slug)
    if role is None:
        raise PermissionDenied
    return item
