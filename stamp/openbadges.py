"""The stamp as Open Badges 2.0 JSON-LD: Issuer profile, BadgeClass, Assertions, revocations.

Identifiers are absolute URLs under SITE_URL, always in the default language (no
``/en/`` prefix), so that they stay the same whichever language a visitor uses.
Required fields per class (Open Badges 2.0): Profile as issuer: id, type, name, url,
email; BadgeClass: id, type, name, description, image, criteria, issuer; Assertion: id,
type, recipient, badge, verification, issuedOn (a revoked one needs only id and revoked);
RevocationList: type, revokedAssertions.

Validity follows ``Claim.effective_status``: an assertion that is not valid now (ended,
past its deadline, its organisation suspended or not verified) is ``revoked`` with the
reason, and is on the revocation list; one that waits for a new charter to be confirmed
carries ``expires`` (the deadline), after which the specification says it is no longer
valid. The recipient is the one stored on the claim when it was issued.
"""

from __future__ import annotations

from datetime import datetime
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from core.emails import absolute_url
from core.markdown import markdown_to_text
from stamp.models import Charter, Claim

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


def revocation_reason(claim: Claim, now: datetime | None = None) -> str:
    """Why the assertion is not valid, in the default language (identifiers and reasons in
    JSON are the same for every visitor)."""
    with translation.override(settings.LANGUAGE_CODE):
        return claim.public_reason(now)


def is_issued(claim: Claim) -> bool:
    """An assertion exists once a claim has been active; a claim that waits has none."""
    return claim.active_since is not None


def is_revoked(claim: Claim, now: datetime | None = None) -> bool:
    """Issued once, but not valid now."""
    return is_issued(claim) and not claim.is_active(now)


def assertion(claim: Claim, now: datetime | None = None) -> dict[str, Any]:
    assertion_id = stable_url("stamp:ob_assertion", code=claim.code)
    if is_revoked(claim, now):
        # Stripped down as the specification allows: nothing that could read as valid.
        return {
            "@context": CONTEXT,
            "id": assertion_id,
            "type": "Assertion",
            "revoked": True,
            "revocationReason": revocation_reason(claim, now),
        }
    issued_on = claim.active_since or claim.claimed_at
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "id": assertion_id,
        "type": "Assertion",
        # Fixed when the claim was issued (``Claim.save``), never the organisation's website
        # of today: a new website must not move an assertion that was issued to the old one.
        "recipient": dict(claim.recipient),
        "badge": stable_url("stamp:ob_badge_class"),
        "verification": {"type": "hosted"},
        "issuedOn": issued_on.isoformat(),
        "evidence": stable_url("stamp:verify", code=claim.code),
    }
    if claim.needs_confirmation and claim.confirmation_due_at is not None:
        # Unless the new charter is confirmed in time, the stamp lapses at the deadline.
        data["expires"] = claim.confirmation_due_at.isoformat()
    if claim.statement:
        data["narrative"] = claim.statement
    return data


def revocation_list(claims: list[Claim], now: datetime | None = None) -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "id": stable_url("stamp:ob_revocations"),
        "type": "RevocationList",
        "issuer": stable_url("stamp:ob_issuer"),
        "revokedAssertions": [
            {
                "id": stable_url("stamp:ob_assertion", code=claim.code),
                "revocationReason": revocation_reason(claim, now),
            }
            for claim in claims
        ],
    }
