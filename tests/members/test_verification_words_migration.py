"""members/0008 rewrites the audit trail's old codes into the labels that are translated."""

from __future__ import annotations

from importlib import import_module
from typing import Any

import pytest
from django.apps import apps

from core.audit import audit_record
from core.models import AuditEntry

pytestmark = pytest.mark.django_db

migration = import_module("members.migrations.0008_verification_method_choices")


def test_old_codes_become_labels_and_back(organisation: Any) -> None:
    verified = audit_record(
        actor=None, action="organisation.verify", target=organisation, reason="domain"
    )
    role = audit_record(
        actor=None, action="membership.role", target=organisation, reason="member → admin"
    )
    suspended = audit_record(
        actor=None, action="organisation.suspend", target=organisation, reason="editor"
    )

    migration.words(apps, None)
    reasons = dict(AuditEntry.objects.values_list("pk", "reason"))
    assert reasons[verified.pk] == "Code sent to the website's domain"
    assert reasons[role.pk] == "Member → Admin"
    assert reasons[suspended.pk] == "editor"  # an editor's own words stay as written

    migration.codes(apps, None)
    reasons = dict(AuditEntry.objects.values_list("pk", "reason"))
    assert (reasons[verified.pk], reasons[role.pk]) == ("domain", "member → admin")
