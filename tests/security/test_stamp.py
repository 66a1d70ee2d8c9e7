"""Attacks on the stamp, each performed through the public URLs (or the admin) and refused.

The stamp is worth something only while nobody can show it when it is not valid: not after
the deadline to confirm a new charter, not while the organisation is suspended, not under
an identity it was never issued to, and not by hammering the badge until the server gives.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils.html import escape

from members import roles
from members.models import MembershipRole, Organisation, OrganisationStatus, User
from members.services import organisation_suspend
from stamp import badge, services
from stamp.models import Charter, Claim, ClaimEvent, ClaimStatus
from tests.members.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.stamp.factories import CharterFactory, ClaimFactory

pytestmark = pytest.mark.django_db

PUBLISHED = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)
DEADLINE = PUBLISHED + timedelta(days=30)


@pytest.fixture
def charter(db: None) -> Charter:
    return CharterFactory(version=1)


def _as(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _json(client: Client, url: str) -> dict[str, Any]:
    response = client.get(url)
    assert response.status_code == 200, url
    return json.loads(response.content)


def _assertion(client: Client, claim: Claim) -> dict[str, Any]:
    return _json(client, f"/stempel/openbadges/toekenningen/{claim.code}.json")


def _revocation_list(client: Client) -> str:
    return json.dumps(_json(client, "/stempel/openbadges/intrekkingen.json"))


def _wall(client: Client) -> list[str]:
    return [claim.code for claim in client.get("/stempel/dragers/").context["page"]]


def _badge_text(client: Client, claim: Claim) -> str:
    return client.get(f"/stempel/v/{claim.code}/stempel.svg").content.decode()


def _publish_v2(editor: User) -> Charter:
    with time_machine.travel(PUBLISHED, tick=False):
        return services.charter_publish(
            charter=CharterFactory(version=None, published_at=None, title="Versie twee"),
            by=editor,
        )


def _state(claim: Claim) -> tuple:
    claim.refresh_from_db()
    return (
        claim.status,
        claim.charter_confirmed_id,
        claim.confirmation_due_at,
        claim.recipient,
        claim.events.count(),
    )


def _freeze(organisation: Organisation, status: str, editor: User) -> None:
    if status == OrganisationStatus.SUSPENDED:
        organisation_suspend(organisation=organisation, by=editor, reason="Onderzoek.")
    else:
        # As the admin does it: a save, which also makes the cached pages stale.
        organisation.status = status
        organisation.save(update_fields=["status"])
    organisation.refresh_from_db()


FROZEN = [OrganisationStatus.SUSPENDED, OrganisationStatus.ARCHIVED]


def _frozen_message(organisation: Organisation) -> str:
    """The refusal the roles module gives for a frozen organisation, as a page shows it."""
    with pytest.raises(ValidationError) as refused:
        roles.require_active_organisation(organisation)
    return escape(refused.value.messages[0])


# ---------------------------------------------------------------------------
# Identity
# ---------------------------------------------------------------------------


def test_a_new_website_does_not_move_an_issued_open_badges_assertion(
    client: Client, organisation: Organisation, org_admin: User, charter: Charter
) -> None:
    Organisation.objects.filter(pk=organisation.pk).update(website="https://www.tilburg.nl")
    _as(org_admin).post(
        f"/stempel/organisatie/{organisation.slug}/dragen/",
        {"charter_version": 1, "agree": "on"},
    )
    claim = Claim.objects.get(organisation=organisation)

    # Someone later points the organisation at a site they control.
    Organisation.objects.filter(pk=organisation.pk).update(website="https://kaper.example")

    assertion = _assertion(client, claim)
    page = client.get(claim.get_absolute_url()).content.decode()
    assert assertion["recipient"]["identity"] == "https://www.tilburg.nl"
    assert "kaper.example" not in json.dumps(assertion)
    assert "kaper.example" not in page
    assert claim.recipient["identity"] == "https://www.tilburg.nl"


# ---------------------------------------------------------------------------
# The deadline to confirm a new charter
# ---------------------------------------------------------------------------


def test_a_stamp_past_its_deadline_is_not_shown_as_active_anywhere_before_the_daily_job(
    client: Client, charter: Charter, editor: User
) -> None:
    claim = ClaimFactory()
    _publish_v2(editor)

    with time_machine.travel(DEADLINE + timedelta(minutes=1), tick=False):
        verify = client.get(claim.get_absolute_url())
        organisation_page = client.get(claim.organisation.get_absolute_url()).content.decode()
        wall = _wall(client)
        svg = _badge_text(client, claim)
        png = client.get(f"/stempel/v/{claim.code}/stempel.png")
        assertion = _assertion(client, claim)
        revocations = _revocation_list(client)
        count = client.get("/stempel/").context["carrier_count"]

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.ACTIVE  # the daily job never ran
    assert verify.context["status"] == "lapsed"
    assert claim.get_absolute_url() not in organisation_page
    assert claim.code not in wall
    assert count == 0
    assert "VERLOPEN" in svg and "ACTIEF" not in svg
    assert png.status_code == 200
    assert assertion["revoked"] is True
    assert "recipient" not in assertion
    assert claim.code in revocations


def test_a_late_confirmation_cannot_revive_a_lapsed_stamp(
    client: Client, organisation: Organisation, org_admin: User, editor: User, charter: Charter
) -> None:
    claim = ClaimFactory(organisation=organisation)
    new = _publish_v2(editor)
    before = _state(claim)

    with time_machine.travel(DEADLINE + timedelta(hours=2), tick=False):
        response = _as(org_admin).post(
            f"/stempel/organisatie/{organisation.slug}/bevestigen/",
            {"charter_version": new.version, "agree": "on"},
        )
        status = client.get(claim.get_absolute_url()).context["status"]

    assert response.status_code == 400
    assert response.context["confirm_form"].non_field_errors()
    assert _state(claim) == before
    assert status == "lapsed"


# ---------------------------------------------------------------------------
# The PNG badge as a way to load the server
# ---------------------------------------------------------------------------


def test_repeated_anonymous_png_requests_do_not_draw_the_badge_again(
    client: Client, charter: Charter, editor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    claim = ClaimFactory()
    drawn: list[str] = []
    real = badge.render_png

    def counting(drawing: badge.BadgeDrawing) -> bytes:
        drawn.append(drawing.status_text)
        return real(drawing)

    monkeypatch.setattr(badge, "render_png", counting)
    url = f"/stempel/v/{claim.code}/stempel.png"

    responses = [client.get(url) for _ in range(10)]
    services.stamp_revoke(claim=claim, by=editor, reason="Misbruik.")
    revoked = [client.get(url) for _ in range(3)]

    assert all(r.status_code == 200 for r in responses + revoked)
    assert drawn == ["ACTIEF", "INGETROKKEN"]  # once per state, never per request
    assert len({r.content for r in responses}) == 1
    assert revoked[0].content != responses[0].content


# ---------------------------------------------------------------------------
# A suspended or archived organisation
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("frozen", FROZEN)
def test_a_suspended_organisation_cannot_show_its_stamp_as_active(
    client: Client, organisation: Organisation, editor: User, charter: Charter, frozen: str
) -> None:
    claim = ClaimFactory(organisation=organisation)
    active_png = client.get(f"/stempel/v/{claim.code}/stempel.png")

    _freeze(organisation, frozen, editor)

    verify = client.get(claim.get_absolute_url())
    svg = _badge_text(client, claim)
    png = client.get(f"/stempel/v/{claim.code}/stempel.png")
    assertion = _assertion(client, claim)
    assert verify.context["status"] == "suspended"
    frozen_word = "GEARCHIVEERD" if frozen == "archived" else "GESCHORST"
    assert "ACTIEF" not in svg and frozen_word in svg
    assert png["ETag"] != active_png["ETag"]
    assert png.content != active_png.content
    assert assertion["revoked"] is True
    assert assertion["revocationReason"]
    assert claim.code in _revocation_list(client)
    assert claim.code not in _wall(client)


@pytest.mark.parametrize("history", ["first claim", "claim again after withdrawing"])
@pytest.mark.parametrize("frozen", FROZEN)
def test_a_suspended_organisation_cannot_claim_the_stamp(
    organisation: Organisation,
    org_admin: User,
    editor: User,
    charter: Charter,
    frozen: str,
    history: str,
) -> None:
    if history != "first claim":
        ClaimFactory(organisation=organisation, status=ClaimStatus.WITHDRAWN)
    _freeze(organisation, frozen, editor)
    claims_before = Claim.objects.count()

    response = _as(org_admin).post(
        f"/stempel/organisatie/{organisation.slug}/dragen/",
        {"charter_version": 1, "agree": "on", "statement": "Wij zijn er nog."},
    )

    assert response.status_code == 400
    assert _frozen_message(organisation) in response.content.decode()
    assert Claim.objects.count() == claims_before
    assert not Claim.objects.filter(organisation=organisation).open().exists()


@pytest.mark.parametrize("frozen", FROZEN)
def test_a_suspended_organisation_cannot_confirm_a_new_charter(
    organisation: Organisation,
    org_admin: User,
    editor: User,
    charter: Charter,
    frozen: str,
) -> None:
    claim = ClaimFactory(organisation=organisation)
    new = _publish_v2(editor)
    _freeze(organisation, frozen, editor)
    before = _state(claim)

    with time_machine.travel(PUBLISHED + timedelta(days=1), tick=False):
        response = _as(org_admin).post(
            f"/stempel/organisatie/{organisation.slug}/bevestigen/",
            {"charter_version": new.version, "agree": "on"},
        )

    assert response.status_code == 400
    assert _frozen_message(organisation) in response.content.decode()
    assert _state(claim) == before


def test_a_suspended_organisation_cannot_withdraw_to_escape_a_revocation(
    organisation: Organisation, org_admin: User, editor: User, charter: Charter
) -> None:
    claim = ClaimFactory(organisation=organisation)
    _freeze(organisation, OrganisationStatus.SUSPENDED, editor)
    before = _state(claim)

    response = _as(org_admin).post(
        f"/stempel/organisatie/{organisation.slug}/terugtrekken/", follow=True
    )

    assert _frozen_message(organisation) in response.content.decode()
    assert _state(claim) == before
    # The editors keep the last word, with a public reason.
    services.stamp_revoke(claim=claim, by=editor, reason="Misbruik bevestigd.")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REVOKED


# ---------------------------------------------------------------------------
# Editor-only changes through the admin
# ---------------------------------------------------------------------------


@pytest.fixture
def stamp_clerk(db: None) -> User:
    """Staff with the model permissions on claims and charters, but not an editor: the
    admin lets them in, the services must still say no."""
    user = UserFactory(is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="stamp",
            codename__in=["view_claim", "change_claim", "view_charter", "change_charter"],
        )
    )
    return User.objects.get(pk=user.pk)


@pytest.mark.parametrize("persona", ["facilitator", "stamp_clerk", "org_admin"])
@pytest.mark.parametrize("action", ["approve", "revoke", "reinstate", "publish"])
def test_only_an_editor_approves_revokes_reinstates_or_publishes_through_the_admin(
    request: pytest.FixtureRequest, charter: Charter, persona: str, action: str
) -> None:
    user = request.getfixturevalue(persona)
    targets = {
        "approve": lambda: ClaimFactory(status=ClaimStatus.PENDING, active_since=None),
        "revoke": lambda: ClaimFactory(),
        "reinstate": lambda: ClaimFactory(status=ClaimStatus.REVOKED, status_reason="Nee."),
        "publish": lambda: CharterFactory(version=None, published_at=None, title="Concept"),
    }
    target = targets[action]()
    url = "/admin/stamp/charter/" if action == "publish" else "/admin/stamp/claim/"
    status_before = getattr(target, "status", None)

    response = _as(user).post(
        url,
        {"action": action, "_selected_action": [target.pk], "apply": "1", "reason": "Omdat."},
    )

    if user.is_staff:
        # The admin lets staff with the model permission run the action; the service says no.
        assert response.status_code == 403
    else:
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]
    target.refresh_from_db()
    if action == "publish":
        assert target.published_at is None
    else:
        assert target.status == status_before
        assert not ClaimEvent.objects.filter(claim=target).exists()


def test_an_admin_of_another_organisation_cannot_act_on_a_stamp(
    organisation: Organisation, charter: Charter
) -> None:
    claim = ClaimFactory(organisation=organisation)
    stranger = MembershipFactory(organisation=OrganisationFactory(), role=MembershipRole.OWNER).user
    base = f"/stempel/organisatie/{organisation.slug}/"

    responses = [
        _as(stranger).post(base + "terugtrekken/"),
        _as(stranger).post(base + "bevestigen/", {"charter_version": 1, "agree": "on"}),
        _as(stranger).post(base + "dragen/", {"charter_version": 1, "agree": "on"}),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404]
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.ACTIVE
    assert Claim.objects.count() == 1
