"""The audit trail: every curation action is recorded with who, when and why."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet
from django.utils import translation
from django.utils.functional import Promise

from core.models import REASON_CHANGE_ARROW, AuditEntry

if TYPE_CHECKING:
    from members.models import User


def _untranslated(text: str | Promise) -> str:
    """A translatable label as its msgid, so that each reader sees it in their language
    (`AuditEntry.reason_display`); plain text (an editor's own words) as it is."""
    if isinstance(text, Promise):
        with translation.override(None):
            return str(text)
    return text


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: models.Model,
    reason: str | Promise | Sequence[Promise] = "",
) -> AuditEntry:
    """Record one action on ``target``; call it inside the service's transaction.

    ``reason`` is the editor's words, or a translatable label (how an organisation was
    verified), or two labels for a change from one to the other (a member's old and new
    role): labels are stored untranslated and shown in the reader's language.
    """
    if isinstance(reason, str | Promise):
        text = _untranslated(reason)
    else:
        text = REASON_CHANGE_ARROW.join(_untranslated(label) for label in reason)
    return AuditEntry.objects.create(
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        action=action,
        content_type=ContentType.objects.get_for_model(target),
        object_id=str(target.pk),
        object_repr=str(target)[:200],
        reason=text,
    )


def audit_history(target: models.Model) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(target), object_id=str(target.pk)
    ).select_related("actor")
