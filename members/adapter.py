"""allauth hooks: new members land where an invitation pointed them, in their language; a
sign-up through an invitation link with the invited address needs no second confirmation;
allauth's emails come in the site's one layout (core.emails), under SITE_NAME, with links to
SITE_URL, in the recipient's language, and are queued for the task worker like every email."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.mail import EmailMessage
from django.http import HttpRequest
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.encoding import force_str

from core.emails import absolute_url, queue_email, render_email_templates
from core.http import client_ip
from core.tasks import EmailParts, email_message
from members import services
from members.models import Invitation, User

PENDING_INVITATION_SESSION_KEY = "members.pending_invitation"

# Links allauth builds from the request's host; emails point at SITE_URL instead.
EMAIL_LINK_KEYS = ("activate_url", "password_reset_url", "signup_url")


@dataclass(frozen=True)
class EmailSite:
    """Stands in for allauth's ``current_site`` (there is no django.contrib.sites here, so it
    would be the request's host, "127.0.0.1:8000"): the site's name and public host."""

    name: str
    domain: str


def _site_link(url: Any, language: str) -> Any:
    """The same page under SITE_URL, in the recipient's language."""
    if not isinstance(url, str) or not url:
        return url
    parts = urlsplit(url)
    path = urlunsplit(("", "", parts.path, parts.query, parts.fragment))
    return absolute_url(translate_url(path, language))


def email_language(email: str, user: Any = None) -> str:
    """The language of the account an email goes to; the page's language for an address
    without an account (a sign-up or password reset for an unknown address)."""
    language = getattr(user, "language", None)
    if not language:
        language = (
            User.objects.filter(email__iexact=email).values_list("language", flat=True).first()
        )
    return language or (translation.get_language() or "nl")[:2]


def pending_invitation(request: HttpRequest | None) -> Invitation | None:
    """The invitation whose link this visitor followed, as long as it can still be used."""
    token = request.session.get(PENDING_INVITATION_SESSION_KEY) if request is not None else None
    if not token:
        return None
    try:
        return services.invitation_from_token(token)
    except services.InvitationError:
        return None


class AccountAdapter(DefaultAccountAdapter):
    def _pending_invitation_url(self, request: HttpRequest) -> str | None:
        token = request.session.get(PENDING_INVITATION_SESSION_KEY)
        if token:
            return reverse("members:invitation_accept", args=[token])
        return None

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        return self._pending_invitation_url(request) or super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        return self._pending_invitation_url(request) or super().get_signup_redirect_url(request)

    def get_email_verification_redirect_url(self, email_address: Any) -> str:
        request = self.request
        return self._pending_invitation_url(request) or super().get_email_verification_redirect_url(
            email_address
        )

    def get_client_ip(self, request: HttpRequest) -> str:
        # allauth's rate limits key on the same client address as ours (core.http),
        # so behind DJANGO_TRUSTED_PROXY_COUNT proxies they count clients, not the proxy.
        return client_ip(request)

    def is_email_verified(self, request: HttpRequest, email: str) -> bool:
        # The invitation was mailed to its address, so following its link proves that
        # address: a sign-up with exactly that address is verified on the way. Only while the
        # invitation is still usable, and never any other address (allauth's own "stashed"
        # address is not used: it would be added to whatever account signs up next).
        invitation = pending_invitation(request)
        return invitation is not None and services.normalise_email(
            invitation.email
        ) == services.normalise_email(email)

    def stash_verified_email(self, request: HttpRequest, email: str) -> None:
        # See is_email_verified: nothing is stashed apart from a live invitation.
        return None

    def unstash_verified_email(self, request: HttpRequest) -> str | None:
        request.session.pop("account_verified_email", None)
        return None

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        # Emails reach a new member in the language they signed up in.
        user.language = (translation.get_language() or "nl")[:2]
        return super().save_user(request, user, form, commit=commit)

    def format_email_subject(self, subject: str) -> str:
        # No "[site]" prefix: like every other email of the site, the subject says it in words.
        return force_str(subject)

    def send_notification_mail(
        self,
        template_prefix: str,
        user: Any,
        context: dict[str, Any] | None = None,
        email: str | None = None,
    ) -> None:
        # The account goes along so that a notice to an old address after an email change
        # still finds the member's language (see render_mail).
        super().send_notification_mail(
            template_prefix, user, {**(context or {}), "user": user}, email
        )

    def _render(
        self, template_prefix: str, email: str | list[str], context: dict[str, Any]
    ) -> EmailParts:
        """allauth's ``<prefix>_subject.txt`` and ``<prefix>_message.txt`` in the site's
        layout (text and HTML), in the recipient's language."""
        to = [email] if isinstance(email, str) else list(email)
        site = EmailSite(name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)
        full_context = {**context, "current_site": site}
        language = email_language(to[0], context.get("user"))
        for key in EMAIL_LINK_KEYS:
            if key in full_context:
                full_context[key] = _site_link(full_context[key], language)
        subject, text, html = render_email_templates(
            subject_template=f"{template_prefix}_subject.txt",
            body_template=f"{template_prefix}_message.txt",
            context=full_context,
            language=language,
        )
        return EmailParts(
            to=to,
            subject=self.format_email_subject(subject),
            body=text,
            html=html,
            from_email=self.get_from_email(),
        )

    def render_mail(
        self,
        template_prefix: str,
        email: str | list[str],
        context: dict[str, Any],
        headers: dict[str, str] | None = None,
    ) -> EmailMessage:
        """The message as allauth's API expects it; the site itself sends through
        ``send_mail``, which queues the same rendering instead."""
        parts = self._render(template_prefix, email, context)
        parts["headers"] = headers
        return email_message(**parts)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # Every mail of allauth (sign-up, password reset, codes, notices, MFA's notices via
        # send_notification_mail) comes here. Rendered now, sent by the task worker after the
        # commit (core.emails.queue_email), never from inside the request.
        queue_email(**self._render(template_prefix, email, {"email": email, **context}))
