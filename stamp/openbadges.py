"""The stamp as Open Badges 2.0 JSON-LD: Issuer profile, BadgeClass, Assertions, revocations.

Identifiers are absolute URLs under SITE_URL, always in the default language (no
``/en/`` prefix), so that they stay the same whichever language a visitor uses.
Required fields per class (Open Badges 2.0): Profile as issuer: id, type, name, url,
email; BadgeClass: id, type, name, description, image, criteria, issuer; Assertion: id,
type, recipient, badge, verification, issuedOn (a revoked one needs only id and revoked);
RevocationList: type, revokedAssertions.
"""

from __future__ import annotations

from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from core.emails import absolute_url
from core.markdown import markdown_to_text
from stamp.models import Charter, Claim, ClaimStatus

CONTEXT = "https://w3id.org/openbadges/v2"
CONTENT_TYPE = "application/ld+json"


def stable_url(name: str, **kwargs: Any) -> str:
    """An absolute URL in the default language: the same for every visitor."""
    with translation.override(settings.LANGUAGE_CODE):
        return absolute_url(reverse(name, kwargs=kwargs or None))


def issuer_email() -> str:
    """The public contact address of the issuer: STAMP_ISSUER_EMAIL, else the sender's."""
    configured = getattr(settings, "STAMP_ISSUER_EMAIL", "")
    return configured or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


def issuer_profile() -> dict[str, Any]:
    with translation.override(settings.LANGUAGE_CODE):
        description = translation.gettext(
            "%(site)s is an open platform for social innovation. It belongs to nobody and "
            "to everybody: organisations that share its aims may carry its stamp."
        ) % {"site": settings.SITE_NAME}
    return {
        "@context": CONTEXT,
        "id": stable_url("stamp:ob_issuer"),
        "type": "Issuer",
        "name": settings.SITE_NAME,
        "url": absolute_url("/"),
        "email": issuer_email(),
        "description": description,
        "image": stable_url("stamp:image"),
        "revocationList": stable_url("stamp:ob_revocations"),
    }


def badge_class(charter: Charter) -> dict[str, Any]:
    with translation.override(settings.LANGUAGE_CODE):
        name = translation.gettext("%(site)s stamp") % {"site": settings.SITE_NAME}
    return {
        "@context": CONTEXT,
        "id": stable_url("stamp:ob_badge_class"),
        "type": "BadgeClass",
        "name": name,
        "description": charter.summary,
        "image": stable_url("stamp:image"),
        "criteria": {
            "id": stable_url("stamp:charter_detail", version=charter.version),
            "narrative": markdown_to_text(charter.body),
        },
        "issuer": stable_url("stamp:ob_issuer"),
        "version": charter.version,
        "tags": ["social innovation", "sociale innovatie"],
    }


def recipient_url(claim: Claim) -> str:
    """The organisation's own website, or its page here when it has none."""
    return claim.organisation.website or absolute_url(claim.organisation.get_absolute_url())


def revocation_reason(claim: Claim) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        if claim.status == ClaimStatus.WITHDRAWN:
            return translation.gettext("Withdrawn by the organisation.")
        if claim.public_status != claim.status:
            return translation.gettext("The organisation is suspended on the platform.")
    return claim.status_reason


def is_revoked(claim: Claim) -> bool:
    """Issued once, but no longer valid: ended, or its organisation is no longer verified."""
    return claim.active_since is not None and not claim.is_active()


def is_issued(claim: Claim) -> bool:
    """An assertion exists once a claim has been active; a claim that waits has none."""
    return claim.active_since is not None


def assertion(claim: Claim) -> dict[str, Any]:
    assertion_id = stable_url("stamp:ob_assertion", code=claim.code)
    if is_revoked(claim):
        # Stripped down as the specification allows: nothing that could read as valid.
        return {
            "@context": CONTEXT,
            "id": assertion_id,
            "type": "Assertion",
            "revoked": True,
            "revocationReason": revocation_reason(claim),
        }
    issued_on = claim.active_since or claim.claimed_at
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "id": assertion_id,
        "type": "Assertion",
        "recipient": {"type": "url", "hashed": False, "identity": recipient_url(claim)},
        "badge": stable_url("stamp:ob_badge_class"),
        "verification": {"type": "hosted"},
        "issuedOn": issued_on.isoformat(),
        "evidence": stable_url("stamp:verify", code=claim.code),
    }
    if claim.statement:
        data["narrative"] = claim.statement
    return data


def revocation_list(claims: list[Claim]) -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "id": stable_url("stamp:ob_revocations"),
        "type": "RevocationList",
        "issuer": stable_url("stamp:ob_issuer"),
        "revokedAssertions": [
            {
                "id": stable_url("stamp:ob_assertion", code=claim.code),
                "revocationReason": revocation_reason(claim),
            }
            for claim in claims
        ],
    }
