"""Template tags: the organisation page's section, absolute URLs for sharing."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models.fields.files import FieldFile

from core.images import rendition_for
from initiatives import queries
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
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


@register.simple_tag(takes_context=True)
def cover_url(context: template.Context, field_file: FieldFile | None) -> str:
    """Absolute URL of the large cover rendition, for og:image; empty without a cover."""
    found = rendition_for(field_file, "cover", "large") if field_file else None
    if found is None:
        return ""
    return absolute_url(context, found[0])
