from __future__ import annotations

from typing import Any

from django import template

from core.waiting import WaitingItem
from members.models import Membership, Organisation
from stamp import waiting
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


@register.inclusion_tag("stamp/includes/stamp_status.html")
def stamp_status(organisation: Organisation) -> dict[str, Any]:
    """One line on the organisation's stamp as the public sees it now (its latest claim's
    ``effective_status``), for pages of other apps: one query."""
    claim = (
        Claim.objects.filter(organisation=organisation)
        .only("code", "status", "confirmation_due_at", "organisation_id")
        .order_by("-claimed_at", "-pk")
        .first()
    )
    if claim is None:
        return {"claim": None, "status": "", "label": ""}
    claim.organisation = organisation  # already loaded: the rule reads its status
    return {"claim": claim, "status": claim.effective_status(), "label": claim.status_label()}


@register.simple_tag(takes_context=True)
def stamp_waiting(context: template.Context) -> list[WaitingItem]:
    """``{% stamp_waiting as items %}``: a charter to confirm, a claim waiting (``/mijn/``)."""
    user = getattr(context.get("request"), "user", None)
    if user is None or not user.is_authenticated:
        return []
    return waiting.waiting_for(user)
