"""Templated email in the recipient's language, sent after the transaction commits."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation


def absolute_url(path: str) -> str:
    """A full link for emails and feeds, built from SITE_URL."""
    return settings.SITE_URL.rstrip("/") + path


def render_email(
    template_prefix: str, context: dict[str, Any], *, language: str
) -> tuple[str, str, str | None]:
    """Subject, text body and (when the template exists) HTML body."""
    with translation.override(language):
        full_context = {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL, **context}
        subject = render_to_string(f"{template_prefix}_subject.txt", full_context)
        body = render_to_string(f"{template_prefix}_body.txt", full_context)
        try:
            html = render_to_string(f"{template_prefix}_body.html", full_context)
        except TemplateDoesNotExist:
            html = None
    return " ".join(subject.split()), body, html


def send_templated_email(
    *,
    template_prefix: str,
    to: Sequence[str],
    context: dict[str, Any],
    language: str | None = None,
) -> None:
    """Queue one email for after the current transaction commits (never for a rolled-back one)."""
    if not to:
        return
    subject, body, html = render_email(
        template_prefix, context, language=language or settings.LANGUAGE_CODE
    )

    def send() -> None:
        message = EmailMultiAlternatives(subject, body, to=list(to))
        if html:
            message.attach_alternative(html, "text/html")
        message.send()

    transaction.on_commit(send)
