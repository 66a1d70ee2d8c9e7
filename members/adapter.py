"""allauth hooks: new members land where an invitation pointed them, in their language."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation

PENDING_INVITATION_SESSION_KEY = "members.pending_invitation"


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

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        # Emails reach a new member in the language they signed up in.
        user.language = (translation.get_language() or "nl")[:2]
        return super().save_user(request, user, form, commit=commit)
