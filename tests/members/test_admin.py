"""The organisation admin's curation actions."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.urls import reverse

from core.audit import audit_history
from members.models import Organisation, OrganisationStatus, User
from tests.members.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_suspending_asks_for_a_reason_then_suspends_and_records_it(
    client: Client, superuser: User, organisation: Organisation
) -> None:
    client.force_login(superuser)
    url = reverse("admin:members_organisation_changelist")
    chosen = {"action": "suspend_organisations", ACTION_CHECKBOX_NAME: [organisation.pk]}

    page = client.post(url, chosen)
    without_reason = client.post(url, {**chosen, "apply": "1", "reason": ""})
    done = client.post(url, {**chosen, "apply": "1", "reason": "Misbruik van de naam"})

    assert page.status_code == 200
    assert "Gemeente Tilburg" in page.text
    assert without_reason.status_code == 200  # asked again, nothing changed
    assert done.status_code == 302
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.SUSPENDED
    assert audit_history(organisation).first().reason == "Misbruik van de naam"


def test_a_pending_organisation_is_still_renamed_in_the_admin_but_a_verified_one_is_not(
    client: Client, editor: User, organisation: Organisation
) -> None:
    """Before verification nothing is settled: an editor may correct a name or website.
    After it, they show as text and change only through an identity change."""
    pending = OrganisationFactory(status=OrganisationStatus.PENDING, verified_at=None)
    client.force_login(editor)

    pending_page = client.get(reverse("admin:members_organisation_change", args=[pending.pk]))
    verified_page = client.get(reverse("admin:members_organisation_change", args=[organisation.pk]))

    assert {"name", "website"} <= set(pending_page.context["adminform"].form.fields)
    assert not {"name", "website"} & set(verified_page.context["adminform"].form.fields)
    assert "Gemeente Tilburg" in verified_page.text
