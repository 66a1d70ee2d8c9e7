"""Read-side helpers of the stamp that other parts of the site ask for."""

from __future__ import annotations

from django.utils import timezone

from stamp.models import Claim


def next_deadline() -> float | None:
    """The next moment (Unix time) at which an open claim lapses by itself, or None: the
    page cache (``core.page_cache.add_deadline``) keeps no page past it."""
    due = (
        Claim.objects.awaiting_confirmation()
        .filter(confirmation_due_at__gt=timezone.now())
        .order_by("confirmation_due_at")
        .values_list("confirmation_due_at", flat=True)
        .first()
    )
    return due.timestamp() if due is not None else None
