"""The vocabularies of members, apart from the models so that `members.roles` can use them
without importing the models (which import the roles)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationStatus(models.TextChoices):
    PENDING = "pending", _("Not yet verified")
    VERIFIED = "verified", _("Verified")
    SUSPENDED = "suspended", _("Suspended")
    ARCHIVED = "archived", _("Archived")


class MembershipRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    ADMIN = "admin", _("Admin")
    MEMBER = "member", _("Member")


class VerificationMethod(models.TextChoices):
    """How a verified organisation was verified (`members.services._mark_verified`)."""

    EDITOR = "editor", _("Checked by an editor")
    DOMAIN = "domain", _("Code sent to the website's domain")
