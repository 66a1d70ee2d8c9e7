"""Templated email in the recipient's language, queued after the transaction commits.

``queue_email`` is the one way the site sends mail: the web process renders the message and,
once the transaction commits, enqueues ``core.tasks.send_email``; the task worker
(``manage.py db_worker``) hands it to the mail server. allauth's emails take the same road
(``members.adapter.AccountAdapter.send_mail``)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import partial
from typing import Any, Unpack
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from core.tasks import EmailParts, send_email

TEXT_LAYOUT = "email/base.txt"
HTML_LAYOUT = "email/base.html"


def absolute_url(path: str) -> str:
    """A full link for emails and feeds, built from SITE_URL."""
    return settings.SITE_URL.rstrip("/") + path


def site_context() -> dict[str, Any]:
    """What every email's layout needs: the site's name and address (never the request's host)."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL.rstrip("/"),
        "site_host": urlsplit(settings.SITE_URL).netloc,
    }


def render_email_templates(
    *, subject_template: str, body_template: str, context: dict[str, Any], language: str
) -> tuple[str, str, str]:
    """Subject, plain text and HTML of one email in ``language``.

    The body template extends ``email_layout``: it is rendered once with the text layout and
    once with the HTML layout, so every email has both parts and the same frame.
    """
    with translation.override(language):
        full_context = {**site_context(), "LANGUAGE_CODE": language, **context}
        subject = render_to_string(subject_template, full_context)
        text = render_to_string(body_template, {**full_context, "email_layout": TEXT_LAYOUT})
        html = render_to_string(body_template, {**full_context, "email_layout": HTML_LAYOUT})
    return " ".join(subject.split()), _tidy_text(text), html.strip() + "\n"


def _tidy_text(text: str) -> str:
    # Template tags leave blank lines behind; at most one empty line between paragraphs.
    lines = [line.rstrip() if line != "-- " else line for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


def render_email(
    template_prefix: str, context: dict[str, Any], *, language: str
) -> tuple[str, str, str]:
    """Subject, text body and HTML body of ``<template_prefix>_subject.txt``/``_body.txt``."""
    return render_email_templates(
        subject_template=f"{template_prefix}_subject.txt",
        body_template=f"{template_prefix}_body.txt",
        context=context,
        language=language,
    )


def queue_email(**parts: Unpack[EmailParts]) -> None:
    """Send one rendered email from the task worker, once the current transaction commits
    (never for a rolled-back one, and never from inside the request)."""
    if parts["to"]:
        transaction.on_commit(partial(send_email.enqueue, **parts))


def send_templated_email(
    *,
    template_prefix: str,
    to: Sequence[str],
    context: dict[str, Any],
    language: str | None = None,
) -> None:
    """Render ``<template_prefix>_subject.txt``/``_body.txt`` in ``language`` (the
    recipient's) and queue the email after the current transaction commits."""
    if not to:
        return
    subject, body, html = render_email(
        template_prefix, context, language=language or settings.LANGUAGE_CODE
    )
    queue_email(to=list(to), subject=subject, body=body, html=html)
