"""The audit trail: every curation action is recorded with who, when and why."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from core.models import AuditEntry


def audit_record(
    *, actor: models.Model | None, action: str, target: models.Model, reason: str = ""
) -> AuditEntry:
    """Record one action on ``target``; call it inside the service's transaction."""
    return AuditEntry.objects.create(
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        action=action,
        content_type=ContentType.objects.get_for_model(target),
        object_id=str(target.pk),
        object_repr=str(target)[:200],
        reason=reason,
    )


def audit_history(target: models.Model) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(target), object_id=str(target.pk)
    ).select_related("actor")
