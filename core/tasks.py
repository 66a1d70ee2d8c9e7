"""Background jobs, run by the database worker (``manage.py db_worker``).

``send_email`` is the only place where the site hands a message to the mail server: every
email is rendered in the web process and queued by ``core.emails.queue_email`` after the
transaction commits, so a slow or failing mail server never slows or fails a request.

A send that fails (the server is down, slow or refuses for now) makes that attempt fail: the
worker records it as ``FAILED`` with the error in ``django_tasks_db``'s table, and the task
has queued its next attempt first, later each time (``RETRY_DELAYS``: after 1, 5, 15 and 60
minutes). After the last attempt the email stays failed, for someone to look at.
"""

from __future__ import annotations

import smtplib
from datetime import timedelta
from typing import NotRequired, TypedDict, Unpack

from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.utils import timezone

# How long to wait before each further attempt; one more attempt than there are delays.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
)
# What a later attempt may cure: the server unreachable, timing out or refusing for now.
# A permanent refusal of every recipient (a 5xx answer) is not tried again.
TRANSIENT_ERRORS = (OSError, smtplib.SMTPServerDisconnected, smtplib.SMTPResponseException)


class EmailParts(TypedDict):
    """One rendered email: what ``core.emails.queue_email`` takes and the task sends."""

    to: list[str]
    subject: str
    body: str
    html: NotRequired[str | None]
    from_email: NotRequired[str | None]
    headers: NotRequired[dict[str, str] | None]


def email_message(**parts: Unpack[EmailParts]) -> EmailMultiAlternatives:
    """The message ``send_email`` sends: a text body with an HTML alternative."""
    message = EmailMultiAlternatives(
        parts["subject"],
        parts["body"],
        parts.get("from_email"),
        parts["to"],
        headers=parts.get("headers"),
    )
    if html := parts.get("html"):
        message.attach_alternative(html, "text/html")
    return message


@task
def send_email(*, attempt: int = 1, **parts: Unpack[EmailParts]) -> int:
    """Send one email rendered when it was queued (in the recipient's language); when the
    mail server fails for now, queue the next attempt before this one fails."""
    try:
        return email_message(**parts).send()
    except TRANSIENT_ERRORS as error:
        if _may_retry(error, attempt):
            later = send_email.using(run_after=timezone.now() + RETRY_DELAYS[attempt - 1])
            later.enqueue(attempt=attempt + 1, **parts)
        raise


def _may_retry(error: Exception, attempt: int) -> bool:
    if attempt > len(RETRY_DELAYS) or not send_email.get_backend().supports_defer:
        return False
    # A 5xx answer is final (a mailbox that does not exist); 4xx means "try again later".
    code = getattr(error, "smtp_code", None)
    return not (isinstance(code, int) and code >= 500)
