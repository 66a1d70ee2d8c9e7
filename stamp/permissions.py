"""Who may do what with the stamp of an organisation."""

from __future__ import annotations

from django.http import HttpRequest

from members.models import Organisation, User
from members.permissions import get_organisation_for_admin
from members.roles import is_organisation_admin


def can_manage_stamp(user: User | None, organisation: Organisation) -> bool:
    """An owner or admin acts for the organisation's stamp. Whether the organisation may
    claim, confirm or withdraw (verified, not suspended) the services decide, and the page
    shows their message."""
    return (
        user is not None
        and user.is_authenticated
        and user.is_active
        and is_organisation_admin(user, organisation)
    )


def get_organisation_for_stamp(request: HttpRequest, slug: str) -> Organisation:
    """The organisation whose stamp the requester manages: 404 outsiders, 403 members."""
    organisation, _membership = get_organisation_for_admin(request, slug)
    return organisation
