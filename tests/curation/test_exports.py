"""CSV exports from the admin: Excel-friendly, streaming, public facts only."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.urls import reverse

from members.models import User
from tests.initiatives.factories import InitiativeFactory
from tests.members.factories import MembershipFactory, OrganisationFactory
from tests.stamp.factories import ClaimFactory

pytestmark = pytest.mark.django_db


def _export(client: Any, model: str, pks: list[int]) -> list[list[str]]:
    response = client.post(
        reverse(f"admin:{model}_changelist"),
        {"action": "export_csv", "_selected_action": pks},
    )
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment;" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


def test_organisations_export_with_a_header_and_no_personal_email(
    client: Any, editor: User
) -> None:
    membership = MembershipFactory(organisation__name="Woonstichting Één")
    organisation = membership.organisation
    client.force_login(editor)

    rows = _export(client, "members_organisation", [organisation.pk])

    assert rows[0][0] == "naam"
    assert rows[1][0] == "Woonstichting Één"
    assert organisation.website in rows[1]
    assert membership.user.email not in ";".join(";".join(row) for row in rows)


def test_initiatives_export_lists_lead_and_region(client: Any, editor: User) -> None:
    initiative = InitiativeFactory(title="=Gevaarlijke formule")
    client.force_login(editor)

    rows = _export(client, "initiatives_initiative", [initiative.pk])

    assert len(rows) == 2
    assert rows[1][0] == "'=Gevaarlijke formule"  # no formula runs in Excel
    assert initiative.lead.name in rows[1]


def test_stamp_carriers_export_with_their_verification_address(client: Any, editor: User) -> None:
    claim = ClaimFactory(organisation__name="Energiecoöperatie")
    client.force_login(editor)

    rows = _export(client, "stamp_claim", [claim.pk])

    assert rows[1][0] == "Energiecoöperatie"
    assert rows[1][-1].endswith(f"/stempel/v/{claim.code}/")


def test_the_export_streams_the_same_few_queries_for_many_rows(
    client: Any, editor: User, django_assert_max_num_queries: Any
) -> None:
    organisations = [OrganisationFactory() for _ in range(30)]
    client.force_login(editor)
    response = client.post(
        reverse("admin:members_organisation_changelist"),
        {"action": "export_csv", "_selected_action": [o.pk for o in organisations]},
    )
    # the rows (one server-side cursor) and their themes, per chunk of 500
    with django_assert_max_num_queries(4):
        rows = b"".join(response.streaming_content).decode().splitlines()
    assert len(rows) == 31
