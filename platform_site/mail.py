"""Email backends of our own: one file per message, and fan-out to several mailers."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone
from django.utils.crypto import get_random_string


class EmlFileBackend(BaseEmailBackend):
    """Write each message as its own ``.eml`` file, which any mail program opens."""

    def __init__(self, *, file_path: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.directory = Path(file_path)
        self.directory.mkdir(parents=True, exist_ok=True)

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        for message in email_messages:
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
            subject = re.sub(r"[^a-z0-9]+", "-", str(message.subject).lower()).strip("-")[:50]
            name = f"{stamp}-{get_random_string(6)}-{subject or 'message'}.eml"
            (self.directory / name).write_bytes(message.message().as_bytes())
        return len(email_messages)


class FanOutBackend(BaseEmailBackend):
    """Send every message through each of the named mailers (e.g. SMTP and a file copy)."""

    def __init__(self, *, mailers: Sequence[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.mailer_aliases = list(mailers)

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        sent = 0
        for alias in self.mailer_aliases:
            sent = max(sent, mail.mailers[alias].send_messages(email_messages) or 0)
        return sent
