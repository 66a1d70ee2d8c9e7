"""Background jobs, run by the database worker (`manage.py db_worker`)."""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives
from django.tasks import task


@task
def send_email(*, to: list[str], subject: str, body: str, html: str | None = None) -> int:
    """Send one email rendered when it was queued (in the recipient's language)."""
    message = EmailMultiAlternatives(subject, body, to=to)
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()
