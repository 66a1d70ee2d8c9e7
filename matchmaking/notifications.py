"""Tell people what happened: an in-app notification and an email in their own language.

Emails are rendered now (in the recipient's language) and queued as a background task once
the transaction commits, so a rolled-back action never sends anything.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from core.emails import absolute_url, send_templated_email
from matchmaking.models import Introduction, Notification
from members.models import User

EMAIL_PREFIX = "matchmaking/email/"


def queue_email(*, user: User, template: str, context: dict[str, Any]) -> None:
    """Render ``matchmaking/email/<template>_*`` for ``user`` and queue it after commit."""
    if not user.email:
        return
    send_templated_email(
        template_prefix=EMAIL_PREFIX + template,
        to=[user.email],
        context={**context, "recipient": user},
        language=user.language,
    )


def unique_users(users: Iterable[User | None]) -> list[User]:
    seen: set[int] = set()
    result = []
    for user in users:
        if user is not None and user.pk not in seen and user.is_active:
            seen.add(user.pk)
            result.append(user)
    return result


def notify(
    *,
    recipients: Iterable[User | None],
    kind: str,
    introduction: Introduction | None = None,
    email_template: str | None = None,
    context: dict[str, Any] | None = None,
) -> list[User]:
    """An in-app notification for each recipient, and an email when a template is given."""
    users = unique_users(recipients)
    Notification.objects.bulk_create(
        [Notification(recipient=user, kind=kind, introduction=introduction) for user in users]
    )
    if email_template is not None:
        full_context = dict(context or {})
        if introduction is not None:
            full_context.setdefault("introduction", introduction)
            full_context.setdefault("url", absolute_url(introduction.get_absolute_url()))
        for user in users:
            queue_email(user=user, template=email_template, context=full_context)
    return users
