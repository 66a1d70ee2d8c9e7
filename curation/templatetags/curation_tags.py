from __future__ import annotations

from django import template
from django.db.models import Model
from django.urls import reverse

from curation.targets import kind_of

register = template.Library()


@register.simple_tag
def report_url(target: Model) -> str:
    """The address of the form that reports ``target`` to the editors."""
    return reverse(
        "curation:report_create",
        kwargs={"kind": kind_of(target).url_segment, "slug": target.slug},  # type: ignore[attr-defined]
    )
