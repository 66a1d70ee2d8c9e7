from __future__ import annotations

from typing import Any

from django import template

from members.models import Membership, Organisation
from stamp.models import Claim

register = template.Library()


@register.inclusion_tag("stamp/includes/organisation_stamp.html", takes_context=True)
def organisation_stamp(
    context: dict[str, Any], organisation: Organisation, membership: Membership | None = None
) -> dict[str, Any]:
    """The stamp on an organisation's page while it is active; admins get a link to manage it."""
    claim = (
        Claim.objects.carrying().filter(organisation=organisation).only("code", "status").first()
    )
    return {
        "claim": claim,
        "organisation": organisation,
        "is_admin": membership is not None and membership.is_admin,
        "SITE_NAME": context.get("SITE_NAME", ""),
    }
