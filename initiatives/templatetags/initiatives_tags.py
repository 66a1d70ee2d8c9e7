"""Template tags: the organisation page's section, absolute URLs for sharing."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models.fields.files import FieldFile

from core.images import rendition_for
from core.waiting import WaitingItem
from initiatives import queries, waiting
from initiatives.models import Challenge, Initiative, PublicationStatus, Story
from members.models import Organisation

register = template.Library()


@register.inclusion_tag("initiatives/includes/organisation_activity.html", takes_context=True)
def organisation_activity(context: template.Context, organisation: Organisation) -> dict[str, Any]:
    """``{% organisation_activity organisation %}``: its published initiatives and challenges."""
    return {
        "organisation": organisation,
        "request": context.get("request"),
        **queries.organisation_activity(organisation),
    }


@register.simple_tag(takes_context=True)
def absolute_url(context: template.Context, path: str) -> str:
    """``{% absolute_url path %}``: the path with scheme and host, for sharing links."""
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


@register.simple_tag(takes_context=True)
def cover_url(context: template.Context, field_file: FieldFile | None) -> str:
    """Absolute URL of the large cover rendition, for og:image; empty without a cover."""
    found = rendition_for(field_file, "cover", "large") if field_file else None
    if found is None:
        return ""
    return absolute_url(context, found[0])


@register.simple_tag(takes_context=True)
def initiatives_waiting(context: template.Context) -> list[WaitingItem]:
    """``{% initiatives_waiting as items %}``: what waits for the member (``/mijn/``)."""
    user = getattr(context.get("request"), "user", None)
    if user is None or not user.is_authenticated:
        return []
    return waiting.waiting_for(user)


@register.simple_tag
def typical_review_time() -> str:
    """How long the editors' review usually takes, in one sentence (cached for an hour)."""
    return waiting.review_time().describe()


@register.simple_tag
def editors_reason(item: Challenge | Initiative | Story) -> str:
    """What the editors said when they sent ``item`` back ("" for anything else): one
    query, only for a draft that was submitted before."""
    if item.publication_status != PublicationStatus.DRAFT or item.submitted_at is None:
        return ""
    reasons = waiting.rejection_reasons([item])
    return reasons.get((f"{item._meta.model_name}.reject", str(item.pk)), "")
