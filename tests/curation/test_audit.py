"""Every curation action leaves an entry in the one audit trail, shown on the object's page."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from core.models import AuditEntry
from initiatives import services as initiative_services
from initiatives.models import PublicationStatus
from members.models import OrganisationStatus, User
from stamp.models import ClaimStatus
from tests.initiatives.factories import ChallengeFactory, InitiativeFactory, StoryFactory
from tests.members.factories import OrganisationFactory
from tests.stamp.factories import CharterFactory, ClaimFactory

pytestmark = pytest.mark.django_db

REASON = "Gebruikt het stempel als keurmerk."


def _entry(action: str) -> AuditEntry:
    return AuditEntry.objects.get(action=action)


def _claims(client: Any, action: str, pks: list[int], reason: str) -> Any:
    return client.post(
        reverse("admin:stamp_claim_changelist"),
        {"action": action, "_selected_action": pks, "apply": "1", "reason": reason},
    )


def test_stamp_approval_revocation_and_reinstatement_are_in_the_audit_trail(
    client: Any, editor: User
) -> None:
    CharterFactory()
    claim = ClaimFactory(status=ClaimStatus.PENDING, active_since=None)
    client.force_login(editor)

    _claims(client, "approve", [claim.pk], "Ziet er goed uit.")
    _claims(client, "revoke", [claim.pk], REASON)
    _claims(client, "reinstate", [claim.pk], "Opgelost.")

    assert _entry("stamp.approve").reason == "Ziet er goed uit."
    assert _entry("stamp.revoke").reason == REASON
    assert _entry("stamp.reinstate").actor == editor
    page = client.get(reverse("admin:stamp_claim_change", args=[claim.pk])).content.decode()
    assert REASON in page and "stamp.revoke" in page  # the history inline


def test_verifying_and_suspending_organisations_are_in_the_audit_trail(
    client: Any, editor: User
) -> None:
    organisation = OrganisationFactory(status=OrganisationStatus.PENDING, verified_at=None)
    client.force_login(editor)
    changelist = reverse("admin:members_organisation_changelist")

    client.post(
        changelist, {"action": "verify_organisations", "_selected_action": [organisation.pk]}
    )
    client.post(
        changelist,
        {
            "action": "suspend_organisations",
            "_selected_action": [organisation.pk],
            "apply": "1",
            "reason": "Nepaccount",
        },
    )

    assert _entry("organisation.verify").actor == editor
    assert _entry("organisation.suspend").reason == "Nepaccount"
    page = client.get(reverse("admin:members_organisation_change", args=[organisation.pk]))
    assert "Nepaccount" in page.content.decode()


@pytest.mark.parametrize("factory", [InitiativeFactory, ChallengeFactory, StoryFactory])
def test_publishing_and_archiving_content_are_in_the_audit_trail(
    client: Any, editor: User, factory: Any
) -> None:
    item = factory(publication_status=PublicationStatus.SUBMITTED, published_at=None)
    if hasattr(item, "initiative"):
        item.initiative.publication_status = PublicationStatus.PUBLISHED
    model = type(item)._meta
    changelist = reverse(f"admin:initiatives_{model.model_name}_changelist")
    client.force_login(editor)

    client.post(changelist, {"action": "publish_selected", "_selected_action": [item.pk]})
    client.post(changelist, {"action": "archive_selected", "_selected_action": [item.pk]})

    item.refresh_from_db()
    assert item.publication_status == PublicationStatus.ARCHIVED
    assert _entry(f"{model.model_name}.publish").actor == editor
    assert _entry(f"{model.model_name}.archive").actor == editor
    page = client.get(reverse(f"admin:initiatives_{model.model_name}_change", args=[item.pk]))
    assert f"{model.model_name}.publish" in page.content.decode()


def test_services_used_by_members_leave_a_trace_too(org_admin: User) -> None:
    initiative = InitiativeFactory(lead=org_admin.memberships.get().organisation)
    initiative_services.item_archive(item=initiative, by=org_admin)
    assert _entry("initiative.archive").actor == org_admin


def test_the_audit_trail_is_browsable_but_read_only_for_editors(client: Any, editor: User) -> None:
    organisation = OrganisationFactory(status=OrganisationStatus.PENDING, verified_at=None)
    from members.services import organisation_verify

    organisation_verify(organisation=organisation, by=editor)
    client.force_login(editor)
    response = client.get(reverse("admin:core_auditentry_changelist"))
    assert response.status_code == 200
    assert "organisation.verify" in response.content.decode()
    entry = _entry("organisation.verify")
    response = client.post(
        reverse("admin:core_auditentry_change", args=[entry.pk]), {"reason": "weg"}
    )
    entry.refresh_from_db()
    assert entry.reason == "Checked by an editor"


def test_the_groups_exist_with_their_permissions(db: None) -> None:
    editors = set(
        Group.objects.get(name="Redactie").permissions.values_list(
            "content_type__app_label", "codename"
        )
    )
    facilitators = set(
        Group.objects.get(name="Verbinders").permissions.values_list(
            "content_type__app_label", "codename"
        )
    )
    assert {("curation", "moderate"), ("curation", "feature"), ("stamp", "change_claim")} <= editors
    assert ("members", "change_user") not in editors
    assert ("stamp", "delete_charter") not in editors
    assert ("matchmaking", "facilitate") in facilitators
    assert not {
        codename
        for _app, codename in facilitators
        if codename.startswith(("change_", "add_", "delete_"))
    } - {"change_introduction"}
