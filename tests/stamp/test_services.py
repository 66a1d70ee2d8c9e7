from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from members.models import MembershipRole, Organisation, OrganisationStatus, User
from stamp import services
from stamp.models import Charter, Claim, ClaimEvent, ClaimStatus, StampSettings
from tests.members.factories import MembershipFactory, OrganisationFactory
from tests.stamp.factories import CharterFactory, ClaimFactory

pytestmark = pytest.mark.django_db

Action = ClaimEvent.Action


def _claim(organisation: Organisation, by: User, charter: Charter) -> Claim:
    return services.stamp_claim(
        organisation=organisation, by=by, charter=charter, statement="  Samen sterker.  "
    )


def _events(claim: Claim) -> list[tuple[str, str, str]]:
    return list(claim.events.values_list("action", "from_status", "to_status"))


# ---------------------------------------------------------------------------
# Claim
# ---------------------------------------------------------------------------


def test_an_organisation_admin_claims_the_stamp_and_it_is_active_at_once(
    organisation: Organisation, org_admin: User, charter: Charter
) -> None:
    claim = _claim(organisation, org_admin, charter)

    assert claim.status == ClaimStatus.ACTIVE
    assert claim.is_active()
    assert claim.active_since is not None
    assert claim.statement == "Samen sterker."
    assert claim.charter_agreed == charter == claim.charter_confirmed
    assert claim.claimed_by == org_admin
    assert len(claim.code) >= 32  # 24 random bytes, URL-safe: 192 bits
    assert _events(claim) == [(Action.CLAIMED, "", ClaimStatus.ACTIVE)]
    assert claim.events.get().by == org_admin


def test_an_owner_may_claim_too(
    organisation: Organisation, org_owner: User, charter: Charter
) -> None:
    assert _claim(organisation, org_owner, charter).status == ClaimStatus.ACTIVE


def test_a_claim_waits_for_approval_when_the_site_says_so(
    organisation: Organisation, org_admin: User, charter: Charter
) -> None:
    StampSettings.objects.update_or_create(pk=1, defaults={"claims_need_approval": True})

    claim = _claim(organisation, org_admin, charter)

    assert claim.status == ClaimStatus.PENDING
    assert claim.active_since is None
    assert not claim.is_active()


def test_the_approval_default_comes_from_the_project_settings(
    settings, organisation: Organisation, org_admin: User, charter: Charter
) -> None:
    settings.STAMP_CLAIMS_NEED_APPROVAL = True
    settings.STAMP_GRACE_DAYS = 10

    assert StampSettings.load().claims_need_approval is True
    assert StampSettings.load().grace_days == 10


@pytest.mark.parametrize("persona", ["member", "org_member", "editor", "superuser"])
def test_only_an_owner_or_admin_may_claim(
    request: pytest.FixtureRequest, persona: str, organisation: Organisation, charter: Charter
) -> None:
    user = request.getfixturevalue(persona)

    with pytest.raises(PermissionDenied):
        _claim(organisation, user, charter)
    assert not Claim.objects.exists()


def test_an_admin_of_another_organisation_cannot_claim_or_withdraw(
    organisation: Organisation, org_admin: User, charter: Charter
) -> None:
    other_admin = MembershipFactory(role=MembershipRole.OWNER).user
    with pytest.raises(PermissionDenied):
        _claim(organisation, other_admin, charter)

    claim = _claim(organisation, org_admin, charter)
    with pytest.raises(PermissionDenied):
        services.stamp_withdraw(claim=claim, by=other_admin)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.ACTIVE


def test_an_unverified_organisation_cannot_claim(org_admin: User, charter: Charter) -> None:
    organisation = org_admin.memberships.get().organisation
    Organisation.objects.filter(pk=organisation.pk).update(status=OrganisationStatus.PENDING)
    organisation.refresh_from_db()

    with pytest.raises(services.StampError):
        _claim(organisation, org_admin, charter)


def test_a_deactivated_admin_cannot_claim(
    organisation: Organisation, org_admin: User, charter: Charter
) -> None:
    org_admin.is_active = False
    org_admin.save(update_fields=["is_active"])

    with pytest.raises(PermissionDenied):
        _claim(organisation, org_admin, charter)


def test_an_organisation_cannot_claim_twice(
    organisation: Organisation, org_admin: User, charter: Charter
) -> None:
    _claim(organisation, org_admin, charter)

    with pytest.raises(services.StampError):
        _claim(organisation, org_admin, charter)


def test_claiming_an_outdated_charter_version_is_refused(
    organisation: Organisation, org_admin: User, charter: Charter
) -> None:
    CharterFactory()  # version 2 is now current

    with pytest.raises(services.StampError):
        _claim(organisation, org_admin, charter)


def test_the_database_allows_one_open_claim_per_organisation(charter: Charter) -> None:
    claim = ClaimFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimFactory(organisation=claim.organisation, status=ClaimStatus.PENDING, active_since=None)


def test_the_database_refuses_an_unknown_status_and_a_revocation_without_reason(
    charter: Charter,
) -> None:
    claim = ClaimFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(status="stolen")
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.REVOKED, status_reason="")


def test_verification_codes_are_random_and_unique(charter: Charter) -> None:
    codes = {ClaimFactory(status=ClaimStatus.WITHDRAWN).code for _ in range(5)}

    assert len(codes) == 5


# ---------------------------------------------------------------------------
# Withdraw, approve, revoke, reinstate
# ---------------------------------------------------------------------------


def test_the_organisation_withdraws_and_may_claim_again_later(
    organisation: Organisation, org_admin: User, org_owner: User, charter: Charter
) -> None:
    first = _claim(organisation, org_admin, charter)

    services.stamp_withdraw(claim=first, by=org_owner)

    first.refresh_from_db()
    assert first.status == ClaimStatus.WITHDRAWN
    assert not first.is_active()
    assert _events(first)[-1] == (Action.WITHDRAWN, ClaimStatus.ACTIVE, ClaimStatus.WITHDRAWN)
    second = _claim(organisation, org_admin, charter)
    assert second.status == ClaimStatus.ACTIVE
    assert second.code != first.code


def test_a_withdrawal_writes_only_the_columns_it_changes(
    organisation: Organisation, org_admin: User, charter: Charter
) -> None:
    claim = _claim(organisation, org_admin, charter)

    with CaptureQueriesContext(connection) as queries:
        services.stamp_withdraw(claim=claim, by=org_admin)

    updates = [query["sql"] for query in queries if query["sql"].startswith("UPDATE")]
    assert len(updates) == 1
    written = updates[0].split(" SET ", 1)[1].split(" WHERE ", 1)[0]
    # Status, when and why; the deadline was empty already, the statement is not touched.
    assert '"status"' in written and '"status_changed_at"' in written
    assert '"confirmation_due_at"' not in written
    assert '"statement"' not in written


def test_a_member_cannot_withdraw(
    organisation: Organisation, org_admin: User, org_member: User, charter: Charter
) -> None:
    claim = _claim(organisation, org_admin, charter)

    with pytest.raises(PermissionDenied):
        services.stamp_withdraw(claim=claim, by=org_member)


def test_an_ended_claim_cannot_be_withdrawn(
    organisation: Organisation, org_admin: User, charter: Charter
) -> None:
    claim = _claim(organisation, org_admin, charter)
    services.stamp_withdraw(claim=claim, by=org_admin)

    with pytest.raises(services.StampError):
        services.stamp_withdraw(claim=claim, by=org_admin)


def test_an_editor_approves_a_waiting_claim_and_the_admins_get_an_email(
    django_capture_on_commit_callbacks,
    organisation: Organisation,
    org_admin: User,
    org_owner: User,
    org_member: User,
    editor: User,
    charter: Charter,
) -> None:
    StampSettings.objects.update_or_create(pk=1, defaults={"claims_need_approval": True})
    claim = _claim(organisation, org_admin, charter)

    with django_capture_on_commit_callbacks(execute=True):
        services.stamp_approve(claim=claim, by=editor)

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.ACTIVE
    assert claim.active_since is not None
    assert _events(claim)[-1] == (Action.APPROVED, ClaimStatus.PENDING, ClaimStatus.ACTIVE)
    assert claim.events.last().by == editor
    assert sorted(address for m in mail.outbox for address in m.to) == sorted(
        [org_admin.email, org_owner.email]
    )
    assert f"/stempel/v/{claim.code}/" in mail.outbox[0].body


def test_only_an_editor_approves(
    organisation: Organisation, org_admin: User, charter: Charter
) -> None:
    StampSettings.objects.update_or_create(pk=1, defaults={"claims_need_approval": True})
    claim = _claim(organisation, org_admin, charter)

    with pytest.raises(PermissionDenied):
        services.stamp_approve(claim=claim, by=org_admin)


def test_an_active_claim_cannot_be_approved(
    organisation: Organisation, org_admin: User, editor: User, charter: Charter
) -> None:
    claim = _claim(organisation, org_admin, charter)

    with pytest.raises(services.StampError):
        services.stamp_approve(claim=claim, by=editor)


def test_an_editor_revokes_with_a_reason_and_the_admins_are_told(
    django_capture_on_commit_callbacks,
    organisation: Organisation,
    org_admin: User,
    editor: User,
    charter: Charter,
) -> None:
    claim = _claim(organisation, org_admin, charter)

    with django_capture_on_commit_callbacks(execute=True):
        services.stamp_revoke(claim=claim, by=editor, reason="Misbruik van het stempel.")

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REVOKED
    assert claim.status_reason == "Misbruik van het stempel."
    event = claim.events.last()
    assert (event.action, event.from_status, event.to_status) == (
        Action.REVOKED,
        ClaimStatus.ACTIVE,
        ClaimStatus.REVOKED,
    )
    assert (event.by, event.reason) == (editor, "Misbruik van het stempel.")
    assert len(mail.outbox) == 2  # the owner and the admin
    assert "Misbruik van het stempel." in mail.outbox[0].body


def test_a_revocation_needs_a_reason(
    organisation: Organisation, org_admin: User, editor: User, charter: Charter
) -> None:
    claim = _claim(organisation, org_admin, charter)

    with pytest.raises(services.StampError):
        services.stamp_revoke(claim=claim, by=editor, reason="   ")
    with pytest.raises(PermissionDenied):
        services.stamp_revoke(claim=claim, by=org_admin, reason="Zelf")


def test_a_waiting_claim_can_be_revoked(
    organisation: Organisation, org_admin: User, editor: User, charter: Charter
) -> None:
    StampSettings.objects.update_or_create(pk=1, defaults={"claims_need_approval": True})
    claim = _claim(organisation, org_admin, charter)

    services.stamp_revoke(claim=claim, by=editor, reason="Geen bijdrage aan de doelen.")

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REVOKED


def test_a_revoked_organisation_cannot_claim_again_itself(
    organisation: Organisation, org_admin: User, editor: User, charter: Charter
) -> None:
    claim = _claim(organisation, org_admin, charter)
    services.stamp_revoke(claim=claim, by=editor, reason="Misbruik.")

    with pytest.raises(services.StampError):
        _claim(organisation, org_admin, charter)


def test_an_editor_reinstates_a_revoked_claim_with_a_reason(
    organisation: Organisation, org_admin: User, editor: User, charter: Charter
) -> None:
    claim = _claim(organisation, org_admin, charter)
    services.stamp_revoke(claim=claim, by=editor, reason="Misbruik.")

    with pytest.raises(services.StampError):
        services.stamp_reinstate(claim=claim, by=editor, reason="")
    services.stamp_reinstate(claim=claim, by=editor, reason="Misverstand opgehelderd.")

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.ACTIVE
    assert claim.status_reason == "Misverstand opgehelderd."
    assert claim.confirmation_due_at is None
    assert _events(claim)[-1] == (Action.REINSTATED, ClaimStatus.REVOKED, ClaimStatus.ACTIVE)


def test_an_active_claim_cannot_be_reinstated(
    organisation: Organisation, org_admin: User, editor: User, charter: Charter
) -> None:
    claim = _claim(organisation, org_admin, charter)

    with pytest.raises(services.StampError):
        services.stamp_reinstate(claim=claim, by=editor, reason="Waarom?")


def test_a_claim_is_not_reinstated_beside_a_newer_open_one(
    organisation: Organisation, org_admin: User, editor: User, charter: Charter
) -> None:
    old = ClaimFactory(
        organisation=organisation, status=ClaimStatus.LAPSED, status_reason="Te laat."
    )
    _claim(organisation, org_admin, charter)

    with pytest.raises(services.StampError):
        services.stamp_reinstate(claim=old, by=editor, reason="Toch geldig.")


# ---------------------------------------------------------------------------
# A new charter version, confirmation and the grace period
# ---------------------------------------------------------------------------


def test_publishing_a_new_version_asks_every_carrier_to_confirm_in_time(
    django_capture_on_commit_callbacks,
    organisation: Organisation,
    org_admin: User,
    editor: User,
    charter: Charter,
) -> None:
    claim = _claim(organisation, org_admin, charter)
    ended = ClaimFactory(status=ClaimStatus.WITHDRAWN)
    draft = CharterFactory(version=None, published_at=None, title="Versie twee")

    with (
        time_machine.travel("2027-03-01 10:00 +01:00", tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        published = services.charter_publish(charter=draft, by=editor)

    assert published.version == 2
    assert published.published_by == editor
    assert Charter.objects.current() == published
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.ACTIVE
    assert claim.confirmation_due_at == published.published_at + timedelta(days=30)
    assert claim.events.last().action == Action.CONFIRMATION_REQUESTED
    ended.refresh_from_db()
    assert ended.confirmation_due_at is None
    assert len(mail.outbox) == 2  # the owner and the admin
    assert "versie 2" in mail.outbox[0].subject.lower()


def test_a_published_version_cannot_be_published_again(editor: User, charter: Charter) -> None:
    with pytest.raises(services.StampError):
        services.charter_publish(charter=charter, by=editor)


def test_the_carrier_confirms_the_new_version_and_keeps_the_stamp(
    organisation: Organisation, org_admin: User, editor: User, charter: Charter
) -> None:
    claim = _claim(organisation, org_admin, charter)
    new = services.charter_publish(
        charter=CharterFactory(version=None, published_at=None), by=editor
    )

    with pytest.raises(services.StampError):
        services.stamp_confirm_charter(claim=claim, by=org_admin, charter=charter)
    services.stamp_confirm_charter(claim=claim, by=org_admin, charter=new)

    claim.refresh_from_db()
    assert claim.charter_confirmed == new
    assert claim.charter_agreed == charter
    assert claim.confirmation_due_at is None
    assert _events(claim)[-1] == (Action.CONFIRMED, ClaimStatus.ACTIVE, ClaimStatus.ACTIVE)
    with pytest.raises(services.StampError):
        services.stamp_confirm_charter(claim=claim, by=org_admin, charter=new)


def test_a_member_cannot_confirm_the_charter(
    organisation: Organisation, org_admin: User, org_member: User, editor: User, charter: Charter
) -> None:
    claim = _claim(organisation, org_admin, charter)
    new = services.charter_publish(
        charter=CharterFactory(version=None, published_at=None), by=editor
    )

    with pytest.raises(PermissionDenied):
        services.stamp_confirm_charter(claim=claim, by=org_member, charter=new)


def test_an_unconfirmed_claim_lapses_after_the_grace_period_not_before(
    django_capture_on_commit_callbacks,
    organisation: Organisation,
    org_admin: User,
    editor: User,
    charter: Charter,
) -> None:
    confirmed_in_time = ClaimFactory()
    claim = _claim(organisation, org_admin, charter)
    with time_machine.travel("2027-03-01 10:00 +01:00", tick=False):
        new = services.charter_publish(
            charter=CharterFactory(version=None, published_at=None), by=editor
        )
    confirmed_in_time.refresh_from_db()
    Claim.objects.filter(pk=confirmed_in_time.pk).update(
        charter_confirmed=new, confirmation_due_at=None
    )

    with time_machine.travel("2027-03-31 09:59 +01:00", tick=False):
        assert services.stamp_lapse_unconfirmed() == 0
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.ACTIVE

    with (
        time_machine.travel("2027-03-31 10:00 +01:00", tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("lapse_stamp_claims", verbosity=0)

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.LAPSED
    assert "2" in claim.status_reason
    event = claim.events.last()
    assert (event.action, event.by, event.to_status) == (Action.LAPSED, None, ClaimStatus.LAPSED)
    confirmed_in_time.refresh_from_db()
    assert confirmed_in_time.status == ClaimStatus.ACTIVE
    assert any("verlopen" in message.subject.lower() for message in mail.outbox)


def test_carriers_are_reminded_once_a_week_before_the_deadline(
    django_capture_on_commit_callbacks,
    organisation: Organisation,
    org_admin: User,
    editor: User,
    charter: Charter,
) -> None:
    claim = _claim(organisation, org_admin, charter)
    with time_machine.travel("2027-03-01 10:00 +01:00", tick=False):
        services.charter_publish(charter=CharterFactory(version=None, published_at=None), by=editor)

    with time_machine.travel("2027-03-20 10:00 +01:00", tick=False):
        assert services.stamp_remind_unconfirmed() == 0
    with (
        time_machine.travel("2027-03-25 10:00 +01:00", tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.stamp_remind_unconfirmed() == 1
        assert services.stamp_remind_unconfirmed() == 0

    claim.refresh_from_db()
    assert claim.reminded_at is not None
    assert len(mail.outbox) == 2  # the owner and the admin, once


def test_an_editor_reinstates_a_lapsed_claim_with_a_new_deadline(
    organisation: Organisation, org_admin: User, editor: User, charter: Charter
) -> None:
    claim = _claim(organisation, org_admin, charter)
    services.charter_publish(charter=CharterFactory(version=None, published_at=None), by=editor)
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        services.stamp_lapse_unconfirmed()
        claim.refresh_from_db()
        assert claim.status == ClaimStatus.LAPSED

        services.stamp_reinstate(claim=claim, by=editor, reason="Bevestiging kwam per post.")

        claim.refresh_from_db()
        assert claim.status == ClaimStatus.ACTIVE
        assert claim.confirmation_due_at > timezone.now() + timedelta(days=29)


def test_every_transition_leaves_a_trace(
    organisation: Organisation, org_admin: User, editor: User, charter: Charter
) -> None:
    StampSettings.objects.update_or_create(pk=1, defaults={"claims_need_approval": True})
    claim = _claim(organisation, org_admin, charter)
    services.stamp_approve(claim=claim, by=editor, reason="Welkom.")
    services.stamp_revoke(claim=claim, by=editor, reason="Misbruik.")
    services.stamp_reinstate(claim=claim, by=editor, reason="Opgelost.")
    services.stamp_withdraw(claim=claim, by=org_admin)

    assert _events(claim) == [
        (Action.CLAIMED, "", ClaimStatus.PENDING),
        (Action.APPROVED, ClaimStatus.PENDING, ClaimStatus.ACTIVE),
        (Action.REVOKED, ClaimStatus.ACTIVE, ClaimStatus.REVOKED),
        (Action.REINSTATED, ClaimStatus.REVOKED, ClaimStatus.ACTIVE),
        (Action.WITHDRAWN, ClaimStatus.ACTIVE, ClaimStatus.WITHDRAWN),
    ]


def test_a_claim_of_a_suspended_organisation_is_not_active(charter: Charter) -> None:
    claim = ClaimFactory(organisation=OrganisationFactory(status=OrganisationStatus.SUSPENDED))

    assert claim.status == ClaimStatus.ACTIVE
    assert not claim.is_active()
    assert claim.public_status == "suspended"
    assert not Claim.objects.carrying().exists()
