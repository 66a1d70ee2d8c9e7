from __future__ import annotations

from django import template
from django.db.models import Model
from django.urls import reverse

from curation import waiting
from curation.targets import kind_of
from curation.waiting import QueueCount
from members import roles

register = template.Library()


@register.simple_tag
def report_url(target: Model) -> str:
    """The address of the form that reports ``target`` to the editors."""
    return reverse(
        "curation:report_create",
        kwargs={"kind": kind_of(target).url_segment, "slug": target.slug},  # type: ignore[attr-defined]
    )


@register.simple_tag(takes_context=True)
def editor_queue(context: template.Context) -> list[QueueCount]:
    """``{% editor_queue as queue %}``: what waits for the editors; nothing for anyone else."""
    user = getattr(context.get("request"), "user", None)
    if not roles.is_editor(user):
        return []
    return waiting.editor_queue()
