"""A verified organisation's name and website, and the editors who approve a new one."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.audit import audit_history
from members import services
from members.models import (
    DomainVerification,
    IdentityChangeStatus,
    Organisation,
    OrganisationIdentityChange,
    OrganisationStatus,
    User,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def update(organisation: Organisation, by: User, **changes: Any) -> Organisation:
    fields = {
        "name": organisation.name,
        "kind": organisation.kind,
        "kvk_number": organisation.kvk_number,
        "website": organisation.website,
        "description": organisation.description,
        "region": organisation.region,
        "themes": [],
        "open_to_cooperation": organisation.open_to_cooperation,
    } | changes
    return services.organisation_update(organisation=organisation, by=by, **fields)


def test_a_pending_organisation_changes_its_name_and_website_freely(
    organisation: Organisation, org_owner: User
) -> None:
    organisation.status = OrganisationStatus.PENDING
    organisation.save()

    update(organisation, org_owner, name="Gemeente Breda", website="https://www.breda.nl")

    organisation.refresh_from_db()
    assert (organisation.name, organisation.website) == ("Gemeente Breda", "https://www.breda.nl")
    assert not OrganisationIdentityChange.objects.exists()


def test_a_website_change_of_a_pending_organisation_voids_its_open_code(
    organisation: Organisation, org_owner: User
) -> None:
    organisation.status = OrganisationStatus.PENDING
    organisation.save()
    verification = services.domain_verification_start(
        organisation=organisation, by=org_owner, email="info@gemeente-tilburg.nl"
    )

    update(organisation, org_owner, website="https://www.breda.nl")

    verification.refresh_from_db()
    assert not verification.is_usable()


def test_a_verified_organisation_proposes_and_the_editors_hear_of_it(
    organisation: Organisation, org_owner: User, editor: User, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        update(organisation, org_owner, name="Gemeente Tilburg-Noord")

    organisation.refresh_from_db()
    change = services.open_identity_change(organisation)
    assert organisation.name == "Gemeente Tilburg"
    assert (change.previous_name, change.name) == ("Gemeente Tilburg", "Gemeente Tilburg-Noord")
    assert change.proposed_by == org_owner
    assert [m.to for m in mail.outbox] == [[editor.email]]
    assert "/admin/members/organisationidentitychange/" in mail.outbox[0].body
    assert audit_history(organisation).first().action == "organisation.identity_change"


def test_saving_the_same_proposal_again_keeps_it_and_mails_no_one(
    organisation: Organisation, org_owner: User, editor: User, django_capture_on_commit_callbacks
) -> None:
    update(organisation, org_owner, name="Gemeente Tilburg-Noord")
    first = services.open_identity_change(organisation)
    with django_capture_on_commit_callbacks(execute=True):
        update(organisation, org_owner, name="Gemeente Tilburg-Noord", description="Anders")

    assert services.open_identity_change(organisation) == first
    assert mail.outbox == []


def test_putting_the_verified_values_back_withdraws_the_proposal(
    organisation: Organisation, org_owner: User
) -> None:
    update(organisation, org_owner, website="https://www.breda.nl")

    update(organisation, org_owner)

    assert services.open_identity_change(organisation) is None
    assert OrganisationIdentityChange.objects.get().status == IdentityChangeStatus.WITHDRAWN


def test_editors_hear_of_at_most_a_few_proposals_a_day(
    organisation: Organisation, org_owner: User, editor: User, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(services.IDENTITY_CHANGE_MAILS_PER_DAY + 2):
            update(organisation, org_owner, name=f"Gemeente Tilburg {n}")

    assert len(mail.outbox) == services.IDENTITY_CHANGE_MAILS_PER_DAY
    assert OrganisationIdentityChange.objects.filter(status="pending").count() == 1


def test_an_editor_approves_and_the_organisation_stays_verified_on_the_editors_word(
    organisation: Organisation,
    org_owner: User,
    editor: User,
    django_capture_on_commit_callbacks,
) -> None:
    organisation.verification_method = "domain"
    organisation.save()
    update(organisation, org_owner, name="Gemeente Breda", website="https://www.breda.nl")
    change = services.open_identity_change(organisation)

    with django_capture_on_commit_callbacks(execute=True):
        services.identity_change_approve(change=change, by=editor)

    organisation.refresh_from_db()
    change.refresh_from_db()
    assert (organisation.name, organisation.website) == ("Gemeente Breda", "https://www.breda.nl")
    assert organisation.status == OrganisationStatus.VERIFIED
    assert organisation.verification_method == "editor"
    assert (change.status, change.decided_by) == (IdentityChangeStatus.APPROVED, editor)
    assert audit_history(organisation).first().action == "organisation.identity_change.approve"
    assert [m.to for m in mail.outbox] == [[org_owner.email]]
    assert "goedgekeurd" in mail.outbox[0].subject  # in the owner's language, Dutch


def test_an_editor_rejects_with_a_reason_and_the_verified_values_stay(
    organisation: Organisation, org_owner: User, editor: User, django_capture_on_commit_callbacks
) -> None:
    update(organisation, org_owner, name="Gemeente Breda")
    change = services.open_identity_change(organisation)

    with pytest.raises(ValidationError):
        services.identity_change_reject(change=change, by=editor, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        services.identity_change_reject(change=change, by=editor, reason="Geen bewijs")

    organisation.refresh_from_db()
    change.refresh_from_db()
    assert organisation.name == "Gemeente Tilburg"
    assert (change.status, change.decision_reason) == (IdentityChangeStatus.REJECTED, "Geen bewijs")
    assert "Geen bewijs" in mail.outbox[-1].body
    assert audit_history(organisation).first().reason == "Geen bewijs"


def test_a_decided_change_cannot_be_decided_again(
    organisation: Organisation, org_owner: User, editor: User
) -> None:
    update(organisation, org_owner, name="Gemeente Breda")
    change = services.open_identity_change(organisation)
    services.identity_change_reject(change=change, by=editor, reason="Nee")

    with pytest.raises(ValidationError, match="already decided"):
        services.identity_change_approve(change=change, by=editor)

    organisation.refresh_from_db()
    assert organisation.name == "Gemeente Tilburg"


@pytest.mark.parametrize("persona", ["org_owner", "facilitator", "member"])
def test_only_an_editor_decides_on_a_change(
    request: pytest.FixtureRequest, organisation: Organisation, org_owner: User, persona: str
) -> None:
    update(organisation, org_owner, name="Gemeente Breda")
    change = services.open_identity_change(organisation)
    by = request.getfixturevalue(persona)

    with pytest.raises(PermissionDenied):
        services.identity_change_approve(change=change, by=by)
    with pytest.raises(PermissionDenied):
        services.identity_change_reject(change=change, by=by, reason="Nee")

    change.refresh_from_db()
    assert change.is_pending


def test_the_edit_form_shows_the_waiting_change(
    client: Client, organisation: Organisation, org_owner: User
) -> None:
    update(organisation, org_owner, name="Gemeente Tilburg-Noord")
    client.force_login(org_owner)

    page = client.get(reverse("members:organisation_edit", args=[organisation.slug]))

    assert "waits for an editor" in page.text
    assert page.context["form"].initial["name"] == "Gemeente Tilburg-Noord"


def test_editors_approve_and_reject_through_the_admin(
    client: Client, organisation: Organisation, org_owner: User, editor: User
) -> None:
    update(organisation, org_owner, name="Gemeente Breda")
    change = services.open_identity_change(organisation)
    client.force_login(editor)
    url = reverse("admin:members_organisationidentitychange_changelist")

    listing = client.get(url)
    asked = client.post(url, {"action": "reject_changes", ACTION_CHECKBOX_NAME: [change.pk]})
    done = client.post(
        url,
        {
            "action": "reject_changes",
            ACTION_CHECKBOX_NAME: [change.pk],
            "apply": "1",
            "reason": "Nee",
        },
    )
    detail = client.get(
        reverse("admin:members_organisationidentitychange_change", args=[change.pk])
    )

    assert listing.status_code == 200 and "Gemeente Breda" in listing.text
    assert asked.status_code == 200  # the page that asks for a reason
    assert done.status_code == 302
    assert detail.status_code == 200
    change.refresh_from_db()
    assert change.status == IdentityChangeStatus.REJECTED


def test_an_editor_approves_through_the_admin(
    client: Client, organisation: Organisation, org_owner: User, editor: User
) -> None:
    update(organisation, org_owner, name="Gemeente Breda")
    change = services.open_identity_change(organisation)
    client.force_login(editor)

    response = client.post(
        reverse("admin:members_organisationidentitychange_changelist"),
        {"action": "approve_changes", ACTION_CHECKBOX_NAME: [change.pk]},
    )

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == "Gemeente Breda"


# --- verification codes and limits (service level) ------------------------------------------


def test_a_suspended_organisation_cannot_start_or_confirm_a_code(
    organisation: Organisation, org_owner: User
) -> None:
    organisation.status = OrganisationStatus.SUSPENDED
    organisation.save()

    with pytest.raises(ValidationError, match="suspended or archived"):
        services.domain_verification_start(
            organisation=organisation, by=org_owner, email="info@gemeente-tilburg.nl"
        )
    with pytest.raises(ValidationError, match="suspended or archived"):
        services.domain_verification_confirm(organisation=organisation, by=org_owner, code="1")
    with pytest.raises(ValidationError, match="suspended or archived"):
        update(organisation, org_owner, description="Anders")


def test_a_code_request_past_the_limit_is_refused_with_a_clear_message(
    organisation: Organisation, org_owner: User, settings: Any
) -> None:
    settings.ORGANISATION_DOMAIN_CODES_PER_HOUR = 1
    organisation.status = OrganisationStatus.PENDING
    organisation.save()
    services.domain_verification_start(
        organisation=organisation, by=org_owner, email="info@gemeente-tilburg.nl"
    )

    with pytest.raises(ValidationError, match="Too many codes were requested"):
        services.domain_verification_start(
            organisation=organisation, by=org_owner, email="info@gemeente-tilburg.nl"
        )
    assert DomainVerification.objects.count() == 1


def test_the_organisation_registration_cap_is_per_account(member: User, settings: Any) -> None:
    settings.ORGANISATION_REGISTRATIONS_PER_DAY = 1
    services.organisation_register(by=member, name="Een", kind="other")

    with pytest.raises(ValidationError, match="registered several organisations today"):
        services.organisation_register(by=member, name="Twee", kind="other")
    assert Organisation.objects.filter(name="Twee").count() == 0


def test_an_expired_code_stays_expired_after_a_website_change(
    organisation: Organisation, org_owner: User
) -> None:
    organisation.status = OrganisationStatus.PENDING
    organisation.save()
    old = DomainVerification.objects.create(
        organisation=organisation,
        email="info@gemeente-tilburg.nl",
        code_hash="x",
        requested_by=org_owner,
        expires_at=timezone.now() - timedelta(minutes=1),
    )
    expired_at = old.expires_at

    update(organisation, org_owner, website="https://www.breda.nl")

    old.refresh_from_db()
    assert old.expires_at == expired_at


def test_the_organisation_admin_page_links_to_the_waiting_change(
    client: Client, organisation: Organisation, org_owner: User, editor: User
) -> None:
    update(organisation, org_owner, name="Gemeente Breda")
    change = services.open_identity_change(organisation)
    client.force_login(editor)

    page = client.get(reverse("admin:members_organisation_change", args=[organisation.pk]))

    assert page.status_code == 200
    assert reverse("admin:members_organisationidentitychange_change", args=[change.pk]) in page.text
    assert "Gemeente Breda" in page.text
