"""What a claim says in public: one rule (``Claim.effective_status`` and its SQL twin
``carrying_q``) for the wall, the organisation page, the verification page, the badge and
the Open Badges JSON. A claim past its deadline has lapsed at once, before the daily job;
a suspended or archived organisation's claim is not valid until the suspension is lifted."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from members.models import MembershipRole, Organisation, OrganisationStatus, User
from members.services import organisation_reinstate, organisation_suspend
from stamp import services
from stamp.models import Charter, Claim, ClaimEvent, ClaimStatus, PublicStatus, StampSettings
from tests.members.factories import MembershipFactory, OrganisationFactory
from tests.stamp.factories import CharterFactory, ClaimFactory

pytestmark = pytest.mark.django_db

Action = ClaimEvent.Action
# UTC: the grace period is counted in days of 24 hours, across summer time too.
TZ = UTC
PUBLISHED = datetime(2027, 3, 1, 10, 0, tzinfo=TZ)
DEADLINE = PUBLISHED + timedelta(days=30)  # the default grace period
BEFORE = DEADLINE - timedelta(minutes=1)


def _json(client: Client, url: str) -> dict[str, Any]:
    response = client.get(url)
    assert response.status_code == 200, url
    return json.loads(response.content)


def _assertion(client: Client, claim: Claim) -> dict[str, Any]:
    return _json(client, f"/stempel/openbadges/toekenningen/{claim.code}.json")


def _revoked_codes(client: Client) -> set[str]:
    listed = _json(client, "/stempel/openbadges/intrekkingen.json")["revokedAssertions"]
    return {entry["id"].rsplit("/", 1)[1].removesuffix(".json") for entry in listed}


def _wall(client: Client) -> list[str]:
    return [claim.code for claim in client.get("/stempel/dragers/").context["page"]]


def _svg(client: Client, claim: Claim) -> str:
    return client.get(f"/stempel/v/{claim.code}/stempel.svg").content.decode()


def _admin_of(organisation: Organisation) -> User:
    return MembershipFactory(organisation=organisation, role=MembershipRole.OWNER).user


def _publish_v2(editor: User) -> Charter:
    with time_machine.travel(PUBLISHED, tick=False):
        return services.charter_publish(
            charter=CharterFactory(version=None, published_at=None, title="Versie twee"),
            by=editor,
        )


# ---------------------------------------------------------------------------
# The rule itself
# ---------------------------------------------------------------------------

NOW = datetime(2027, 6, 1, 12, 0, tzinfo=TZ)
PAST = NOW - timedelta(seconds=1)
FUTURE = NOW + timedelta(days=1)

CASES = [
    # (claim status, organisation status, confirmation deadline, public status)
    (ClaimStatus.ACTIVE, OrganisationStatus.VERIFIED, None, PublicStatus.ACTIVE),
    (ClaimStatus.ACTIVE, OrganisationStatus.VERIFIED, FUTURE, PublicStatus.ACTIVE),
    (ClaimStatus.ACTIVE, OrganisationStatus.VERIFIED, NOW, PublicStatus.LAPSED),
    (ClaimStatus.ACTIVE, OrganisationStatus.VERIFIED, PAST, PublicStatus.LAPSED),
    (ClaimStatus.PENDING, OrganisationStatus.VERIFIED, None, PublicStatus.PENDING),
    (ClaimStatus.PENDING, OrganisationStatus.VERIFIED, PAST, PublicStatus.LAPSED),
    (ClaimStatus.ACTIVE, OrganisationStatus.SUSPENDED, None, PublicStatus.SUSPENDED),
    (ClaimStatus.ACTIVE, OrganisationStatus.ARCHIVED, None, PublicStatus.SUSPENDED),
    (ClaimStatus.PENDING, OrganisationStatus.SUSPENDED, None, PublicStatus.SUSPENDED),
    (ClaimStatus.ACTIVE, OrganisationStatus.PENDING, None, PublicStatus.UNVERIFIED),
    # The deadline ends the claim itself; that outranks the organisation's state.
    (ClaimStatus.ACTIVE, OrganisationStatus.SUSPENDED, PAST, PublicStatus.LAPSED),
    # An ended claim says how it ended, whatever happens to the organisation.
    (ClaimStatus.REVOKED, OrganisationStatus.SUSPENDED, None, PublicStatus.REVOKED),
    (ClaimStatus.WITHDRAWN, OrganisationStatus.VERIFIED, None, PublicStatus.WITHDRAWN),
    (ClaimStatus.LAPSED, OrganisationStatus.VERIFIED, None, PublicStatus.LAPSED),
]


def _make(status: str, organisation_status: str, due: datetime | None) -> Claim:
    return ClaimFactory(
        organisation=OrganisationFactory(status=organisation_status),
        status=status,
        status_reason="Reden." if status == ClaimStatus.REVOKED else "",
        active_since=None if status == ClaimStatus.PENDING else NOW - timedelta(days=90),
        confirmation_due_at=due,
    )


@pytest.mark.parametrize(("status", "organisation_status", "due", "expected"), CASES)
def test_the_public_status_of_a_claim(
    charter: Charter, status: str, organisation_status: str, due: datetime | None, expected: str
) -> None:
    claim = _make(status, organisation_status, due)

    assert claim.effective_status(NOW) == expected
    assert claim.is_active(NOW) is (expected == PublicStatus.ACTIVE)


def test_the_sql_rule_agrees_with_the_python_rule(charter: Charter) -> None:
    for status, organisation_status, due, _expected in CASES:
        _make(status, organisation_status, due)
    claims = list(Claim.objects.select_related("organisation"))

    carrying = set(Claim.objects.carrying(NOW))
    revoked = set(Claim.objects.revoked_assertions(NOW))

    assert carrying == {c for c in claims if c.effective_status(NOW) == PublicStatus.ACTIVE}
    assert revoked == {c for c in claims if c.active_since is not None and not c.is_active(NOW)}
    assert set(Claim.objects.overdue(NOW)) == {c for c in claims if c.is_overdue(NOW)}


def test_an_archived_organisation_is_named_as_archived(charter: Charter) -> None:
    claim = ClaimFactory(organisation=OrganisationFactory(status=OrganisationStatus.ARCHIVED))

    assert claim.effective_status() == PublicStatus.SUSPENDED
    assert "archived" in str(claim.status_label()).lower() or "gearchiveerd" in str(
        claim.status_label()
    )


# ---------------------------------------------------------------------------
# A claim past its deadline: lapsed everywhere at once, before the daily job
# ---------------------------------------------------------------------------


def test_a_claim_waiting_for_confirmation_says_when_it_expires(
    client: Client, charter: Charter, editor: User
) -> None:
    claim = ClaimFactory()
    _publish_v2(editor)

    with time_machine.travel(DEADLINE - timedelta(seconds=60), tick=False):
        assertion = _assertion(client, claim)
        badge = client.get(f"/stempel/v/{claim.code}/stempel.svg")

    assert datetime.fromisoformat(assertion["expires"]) == DEADLINE
    assert "revoked" not in assertion
    # Nobody caches the badge past the moment it lapses by itself.
    assert "max-age=60" in badge["Cache-Control"]


def test_a_claim_past_its_deadline_reads_as_lapsed_everywhere_before_the_job(
    client: Client, charter: Charter, editor: User
) -> None:
    claim = ClaimFactory(organisation__name="Laatkomers BV")
    on_time = ClaimFactory()
    new = _publish_v2(editor)
    services.stamp_confirm_charter(
        claim=on_time,
        by=_admin_of(on_time.organisation),
        charter=new,
    )
    organisation_page = claim.organisation.get_absolute_url()

    with time_machine.travel(BEFORE, tick=False):
        before = {
            "wall": _wall(client),
            "page": client.get(organisation_page).content.decode(),
            "verify": client.get(claim.get_absolute_url()).context["status"],
            "svg": _svg(client, claim),
            "png_etag": client.get(f"/stempel/v/{claim.code}/stempel.png")["ETag"],
            "revoked": _revoked_codes(client),
            "count": client.get("/stempel/").context["carrier_count"],
        }
    with time_machine.travel(DEADLINE, tick=False):
        verify = client.get(claim.get_absolute_url())
        after = {
            "wall": _wall(client),
            "page": client.get(organisation_page).content.decode(),
            "svg": _svg(client, claim),
            "png": client.get(f"/stempel/v/{claim.code}/stempel.png"),
            "assertion": _assertion(client, claim),
            "revoked": _revoked_codes(client),
            "count": client.get("/stempel/").context["carrier_count"],
        }

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.ACTIVE  # the daily job has not run
    assert claim.code in before["wall"]
    assert claim.get_absolute_url() in before["page"]
    assert before["verify"] == PublicStatus.ACTIVE
    assert "ACTIEF" in before["svg"]
    assert claim.code not in before["revoked"]
    assert before["count"] == 2

    assert claim.code not in after["wall"]
    assert on_time.code in after["wall"]
    assert claim.get_absolute_url() not in after["page"]
    assert verify.context["status"] == PublicStatus.LAPSED
    assert verify.context["ended_at"] == DEADLINE
    assert "versie 2" in verify.context["reason"]
    assert verify.headers["X-Robots-Tag"] == "noindex"
    assert "VERLOPEN" in after["svg"]
    assert "ACTIEF" not in after["svg"]
    assert after["png"]["ETag"] != before["png_etag"]
    assert after["assertion"]["revoked"] is True
    assert "2" in after["assertion"]["revocationReason"]
    assert claim.code in after["revoked"]
    assert on_time.code not in after["revoked"]
    assert after["count"] == 1


def test_the_daily_job_records_what_the_public_saw_already(
    client: Client, charter: Charter, editor: User
) -> None:
    claim = ClaimFactory()
    _publish_v2(editor)

    with time_machine.travel(DEADLINE + timedelta(hours=1), tick=False):
        shown = client.get(claim.get_absolute_url()).context
        shown = (shown["status"], shown["reason"])
        call_command("lapse_stamp_claims", verbosity=0)
        recorded = client.get(claim.get_absolute_url()).context

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.LAPSED
    assert (recorded["status"], recorded["reason"]) == shown


def test_a_late_confirmation_is_refused(
    organisation: Organisation, org_admin: User, editor: User, charter: Charter
) -> None:
    claim = ClaimFactory(organisation=organisation)
    new = _publish_v2(editor)

    with time_machine.travel(DEADLINE, tick=False), pytest.raises(services.StampError):
        services.stamp_confirm_charter(claim=claim, by=org_admin, charter=new)

    claim.refresh_from_db()
    assert claim.charter_confirmed == charter


def test_a_new_charter_version_does_not_give_an_overdue_claim_a_fresh_deadline(
    charter: Charter, editor: User
) -> None:
    claim = ClaimFactory()
    _publish_v2(editor)

    with time_machine.travel(DEADLINE + timedelta(days=2), tick=False):
        services.charter_publish(
            charter=CharterFactory(version=None, published_at=None, title="Versie drie"),
            by=editor,
        )

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.LAPSED
    assert claim.confirmation_due_at is None
    assert "2" in claim.status_reason  # it missed version 2, not 3
    assert [e.action for e in claim.events.all()][-1] == Action.LAPSED


def test_the_organisation_claims_again_after_the_deadline_without_waiting_for_the_job(
    django_capture_on_commit_callbacks,
    organisation: Organisation,
    org_admin: User,
    editor: User,
    charter: Charter,
) -> None:
    old = ClaimFactory(organisation=organisation)
    new = _publish_v2(editor)

    with (
        time_machine.travel(DEADLINE + timedelta(hours=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        page = Client()
        page.force_login(org_admin)
        manage = page.get(f"/stempel/organisatie/{organisation.slug}/")
        fresh = services.stamp_claim(organisation=organisation, by=org_admin, charter=new)

    assert manage.context["claim"] is None
    assert manage.context["can_claim"] is True
    old.refresh_from_db()
    assert old.status == ClaimStatus.LAPSED
    assert old.events.last().action == Action.LAPSED
    assert fresh.status == ClaimStatus.ACTIVE
    assert any("verlopen" in message.subject.lower() for message in mail.outbox)


def test_an_overdue_claim_cannot_be_approved_but_can_be_reinstated(
    charter: Charter, editor: User
) -> None:
    StampSettings.objects.update_or_create(pk=1, defaults={"claims_need_approval": True})
    waiting = ClaimFactory(status=ClaimStatus.PENDING, active_since=None)
    carrier = ClaimFactory()
    _publish_v2(editor)

    with time_machine.travel(DEADLINE + timedelta(hours=1), tick=False):
        with pytest.raises(services.StampError):
            services.stamp_approve(claim=waiting, by=editor)
        services.stamp_reinstate(claim=carrier, by=editor, reason="Bevestiging kwam per post.")

    waiting.refresh_from_db()
    carrier.refresh_from_db()
    assert waiting.status == ClaimStatus.PENDING
    assert carrier.status == ClaimStatus.ACTIVE
    assert [e.action for e in carrier.events.all()][-2:] == [Action.LAPSED, Action.REINSTATED]
    assert carrier.confirmation_due_at > DEADLINE


def test_reminders_skip_a_suspended_organisation(
    django_capture_on_commit_callbacks, charter: Charter, editor: User
) -> None:
    ClaimFactory(organisation=OrganisationFactory(status=OrganisationStatus.SUSPENDED))
    _publish_v2(editor)

    with time_machine.travel(DEADLINE - timedelta(days=3), tick=False):
        assert services.stamp_remind_unconfirmed() == 0


# ---------------------------------------------------------------------------
# A suspended organisation, and its reinstatement
# ---------------------------------------------------------------------------


def test_a_suspended_organisation_shows_suspended_everywhere_and_its_true_state_after(
    client: Client, organisation: Organisation, editor: User, charter: Charter
) -> None:
    claim = ClaimFactory(organisation=organisation)
    svg_before = client.get(f"/stempel/v/{claim.code}/stempel.svg")["ETag"]

    organisation_suspend(organisation=organisation, by=editor, reason="Onderzoek naar misbruik.")
    verify = client.get(claim.get_absolute_url())
    suspended = {
        "wall": _wall(client),
        "svg": _svg(client, claim),
        "etag": client.get(f"/stempel/v/{claim.code}/stempel.svg")["ETag"],
        "assertion": _assertion(client, claim),
        "revoked": _revoked_codes(client),
    }
    organisation.refresh_from_db()
    organisation_reinstate(organisation=organisation, by=editor)
    reinstated = {
        "wall": _wall(client),
        "svg": _svg(client, claim),
        "etag": client.get(f"/stempel/v/{claim.code}/stempel.svg")["ETag"],
        "assertion": _assertion(client, claim),
        "revoked": _revoked_codes(client),
        "status": client.get(claim.get_absolute_url()).context["status"],
    }

    assert verify.context["status"] == PublicStatus.SUSPENDED
    assert "geschorst" in verify.context["reason"]
    assert "geschorst" in verify.content.decode().lower()
    assert claim.code not in suspended["wall"]
    assert "GESCHORST" in suspended["svg"]
    assert "ACTIEF" not in suspended["svg"]
    assert suspended["etag"] != svg_before
    assert suspended["assertion"]["revoked"] is True
    assert "geschorst" in suspended["assertion"]["revocationReason"]
    assert claim.code in suspended["revoked"]

    assert reinstated["status"] == PublicStatus.ACTIVE
    assert claim.code in reinstated["wall"]
    assert "ACTIEF" in reinstated["svg"]
    assert reinstated["etag"] == svg_before
    assert "revoked" not in reinstated["assertion"]
    assert reinstated["assertion"]["recipient"]["identity"] == organisation.website
    assert claim.code not in reinstated["revoked"]
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.ACTIVE  # the claim itself never changed


def test_the_stamp_page_of_a_suspended_organisation_says_why_and_offers_no_forms(
    organisation: Organisation, org_admin: User, editor: User, charter: Charter
) -> None:
    ClaimFactory(organisation=organisation)
    organisation_suspend(organisation=organisation, by=editor, reason="Onderzoek.")
    client = Client()
    client.force_login(org_admin)

    page = client.get(f"/stempel/organisatie/{organisation.slug}/")

    content = page.content.decode()
    assert page.status_code == 200
    assert page.context["frozen_message"]
    assert page.context["can_act"] is False
    assert "/terugtrekken/" not in content
    assert "/bevestigen/" not in content


def test_an_editor_cannot_approve_a_claim_of_a_suspended_organisation(
    charter: Charter, editor: User
) -> None:
    claim = ClaimFactory(
        organisation=OrganisationFactory(status=OrganisationStatus.SUSPENDED),
        status=ClaimStatus.PENDING,
        active_since=None,
    )

    with pytest.raises(services.StampError):
        services.stamp_approve(claim=claim, by=editor)

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PENDING


def test_an_ended_claim_shows_when_it_ended_on_the_stamp_page(
    organisation: Organisation, org_admin: User, charter: Charter
) -> None:
    ClaimFactory(
        organisation=organisation,
        status=ClaimStatus.LAPSED,
        status_reason="Niet op tijd bevestigd.",
        status_changed_at=timezone.now() - timedelta(days=3),
    )
    client = Client()
    client.force_login(org_admin)

    content = client.get(f"/stempel/organisatie/{organisation.slug}/").content.decode()

    assert "Niet op tijd bevestigd." in content
    assert "Verlopen" in content
