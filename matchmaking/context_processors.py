"""The unread notification count for the navigation, read lazily: pages that do not show
the navigation (feeds, badges) never pay the query."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def notifications(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count() -> int:
        from matchmaking.models import Notification

        return Notification.objects.unread().filter(recipient=user).count()

    return {"unread_notifications": SimpleLazyObject(count)}
