"""The old address of the email task, kept for tasks already queued under it.

Emails were queued as ``matchmaking.tasks.send_email`` before every email of the site went
through ``core.tasks.send_email``. The worker finds a queued task by that dotted path, so a
task queued before a deploy and run after it would fail with an ImportError and its email
would be lost. Nothing new is queued here; remove this module once no task in the queue
(``READY``) names it.
"""

from __future__ import annotations

from core.tasks import send_email

__all__ = ["send_email"]
