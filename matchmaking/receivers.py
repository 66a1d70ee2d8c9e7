"""What matchmaking does when an app it may not be imported by tells it something.

Connected in ``MatchmakingConfig.ready``; each receiver runs inside the sender's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from initiatives.models import Challenge
from matchmaking.models import Notification, NotificationKind
from members.models import User


def challenge_decision_notify(
    *, challenge: Challenge, published: bool, recipients: Sequence[User]
) -> list[Notification]:
    """The owner's in-app notification of the editors' decision on a submitted challenge
    (the email goes from the initiatives service itself)."""
    kind = (
        NotificationKind.CHALLENGE_PUBLISHED if published else NotificationKind.CHALLENGE_SENT_BACK
    )
    return Notification.objects.bulk_create(
        [Notification(recipient=user, kind=kind, challenge=challenge) for user in recipients]
    )


def on_item_decided(
    sender: type, *, item: Any, published: bool, recipients: Sequence[User], **kwargs: Any
) -> None:
    if isinstance(item, Challenge):
        challenge_decision_notify(challenge=item, published=published, recipients=recipients)
