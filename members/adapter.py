"""allauth hooks: new members land where an invitation pointed them, in their language; a
sign-up through an invitation link with the invited address needs no second confirmation."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation

from core.http import client_ip
from members import services
from members.models import Invitation

PENDING_INVITATION_SESSION_KEY = "members.pending_invitation"


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
