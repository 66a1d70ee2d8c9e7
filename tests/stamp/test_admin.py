from __future__ import annotations

import pytest
from django.test import Client

from core.models import AuditEntry
from members.models import User
from stamp.models import Charter, Claim, ClaimEvent, ClaimStatus, StampSettings
from tests.stamp.factories import CharterFactory, ClaimFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/stamp/claim/"


def _admin(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _act(client: Client, action: str, claims: list[Claim], reason: str | None = None):
    data: dict = {"action": action, "_selected_action": [c.pk for c in claims]}
    if reason is not None:
        data.update({"apply": "1", "reason": reason})
    return client.post(CHANGELIST, data)


def test_the_claim_list_shows_columns_filters_and_search(superuser: User, charter: Charter) -> None:
    ClaimFactory(organisation__name="Woonkracht")
    ClaimFactory(organisation__name="Energie Samen")

    response = _admin(superuser).get(CHANGELIST, {"q": "Woonkracht", "status__exact": "active"})

    assert response.status_code == 200
    assert [c.organisation.name for c in response.context["cl"].result_list] == ["Woonkracht"]


def test_revoking_asks_for_a_reason_first_and_then_revokes(
    superuser: User, charter: Charter
) -> None:
    claim = ClaimFactory()
    client = _admin(superuser)

    form_page = _act(client, "revoke", [claim])
    without_reason = _act(client, "revoke", [claim], reason="  ")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.ACTIVE
    done = _act(client, "revoke", [claim], reason="Gebruikte het stempel als keurmerk.")

    assert form_page.status_code == 200
    assert 'name="reason"' in form_page.content.decode()
    assert without_reason.status_code == 200
    assert without_reason.context["form"].errors["reason"]
    assert done.status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REVOKED
    assert claim.status_reason == "Gebruikte het stempel als keurmerk."
    assert claim.events.last().by == superuser


def test_approve_and_reinstate_go_through_the_services(superuser: User, charter: Charter) -> None:
    waiting = ClaimFactory(status=ClaimStatus.PENDING, active_since=None)
    revoked = ClaimFactory(status=ClaimStatus.REVOKED, status_reason="Misbruik.")
    client = _admin(superuser)

    _act(client, "approve", [waiting], reason="Past bij de doelen.")
    _act(client, "reinstate", [revoked], reason="Misverstand.")

    waiting.refresh_from_db()
    revoked.refresh_from_db()
    assert waiting.status == ClaimStatus.ACTIVE
    assert revoked.status == ClaimStatus.ACTIVE
    assert list(ClaimEvent.objects.values_list("action", flat=True).order_by("pk")) == [
        ClaimEvent.Action.APPROVED,
        ClaimEvent.Action.REINSTATED,
    ]


def test_an_impossible_transition_is_reported_and_changes_nothing(
    superuser: User, charter: Charter
) -> None:
    active = ClaimFactory()

    response = _admin(superuser).post(
        CHANGELIST,
        {"action": "approve", "_selected_action": [active.pk], "apply": "1", "reason": "Ja."},
        follow=True,
    )

    assert any("goedgekeurd" in str(m).lower() for m in response.context["messages"])
    active.refresh_from_db()
    assert active.status == ClaimStatus.ACTIVE
    assert not active.events.exists()


def test_the_claim_page_shows_its_history_read_only(superuser: User, charter: Charter) -> None:
    claim = ClaimFactory()
    ClaimEvent.objects.create(
        claim=claim,
        action="revoked",
        from_status="active",
        to_status="revoked",
        reason="Eerdere intrekking.",
    )

    response = _admin(superuser).get(f"/admin/stamp/claim/{claim.pk}/change/")

    content = response.content.decode()
    assert "Eerdere intrekking." in content
    assert 'name="events-0-reason"' not in content
    assert 'name="status"' not in content  # states change through the actions only


def test_staff_without_the_stamp_permission_cannot_act(facilitator: User, charter: Charter) -> None:
    claim = ClaimFactory()

    response = _act(_admin(facilitator), "revoke", [claim], reason="Misbruik.")

    assert response.status_code in (302, 403)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.ACTIVE


def test_a_published_charter_version_cannot_be_changed(superuser: User, charter: Charter) -> None:
    client = _admin(superuser)
    url = f"/admin/stamp/charter/{charter.pk}/change/"

    page = client.get(url)
    client.post(url, {"title": "Herschreven", "summary": "Anders", "body": "Anders"})
    delete = client.get(f"/admin/stamp/charter/{charter.pk}/delete/")

    assert 'name="body"' not in page.content.decode()
    charter.refresh_from_db()
    assert charter.title != "Herschreven"
    assert delete.status_code == 403


def test_an_editor_writes_a_draft_and_publishes_it_as_the_next_version(
    superuser: User, charter: Charter
) -> None:
    client = _admin(superuser)

    client.post(
        "/admin/stamp/charter/add/",
        {"title": "Versie twee", "summary": "Korter.", "body": "## Nieuw\n\nTekst."},
    )
    draft = Charter.objects.get(title="Versie twee")
    editable = client.get(f"/admin/stamp/charter/{draft.pk}/change/")
    client.post("/admin/stamp/charter/", {"action": "publish", "_selected_action": [draft.pk]})

    assert 'name="body"' in editable.content.decode()
    draft.refresh_from_db()
    assert draft.version == 2
    assert Charter.objects.current() == draft


def test_the_stamp_settings_are_one_row(superuser: User) -> None:
    StampSettings.load()

    response = _admin(superuser).get("/admin/stamp/stampsettings/add/")

    assert response.status_code == 403
    assert StampSettings.objects.count() == 1


def test_drafts_are_not_published_versions(db: None) -> None:
    draft = CharterFactory(version=None, published_at=None)

    assert not draft.is_published
    assert Charter.objects.current() is None


def test_a_claims_own_page_revokes_through_the_stamp_service(
    editor: User, charter: Charter
) -> None:
    claim = ClaimFactory()
    client = _admin(editor)
    change_url = f"/admin/stamp/claim/{claim.pk}/change/"
    revoke_url = f"/admin/stamp/claim/{claim.pk}/revoke/"

    page = client.get(change_url)
    form = client.get(revoke_url)
    without_reason = client.post(revoke_url, {"reason": "  "})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.ACTIVE
    done = client.post(revoke_url, {"reason": "Gebruikte het stempel als keurmerk."})

    assert revoke_url in page.content.decode()
    assert 'name="_save"' not in page.content.decode()  # read-only: act through the buttons
    assert form.status_code == 200
    assert 'name="reason"' in form.content.decode()
    assert 'name="action"' not in form.content.decode()  # not the change list's form
    assert without_reason.status_code == 400
    assert without_reason.context["form"].errors["reason"]
    assert done.status_code == 302
    assert done["Location"] == change_url
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REVOKED
    assert claim.status_reason == "Gebruikte het stempel als keurmerk."
    assert claim.events.last().by == editor
    assert AuditEntry.objects.filter(action="stamp.revoke", actor=editor).count() == 1
    # Nothing left to revoke: no button, and the service refuses a second time.
    assert revoke_url not in client.get(change_url).content.decode()
    again = client.post(revoke_url, {"reason": "Nog eens."})
    assert again.status_code == 400
    assert again.context["form"].non_field_errors()


def test_staff_without_the_stamp_permission_cannot_revoke_from_the_claims_page(
    facilitator: User, charter: Charter
) -> None:
    claim = ClaimFactory()
    client = _admin(facilitator)

    page = client.get(f"/admin/stamp/claim/{claim.pk}/revoke/")
    post = client.post(f"/admin/stamp/claim/{claim.pk}/revoke/", {"reason": "Misbruik."})

    assert page.status_code == 403
    assert post.status_code == 403
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.ACTIVE


def test_revoking_an_unknown_claim_is_not_found(editor: User, charter: Charter) -> None:
    assert _admin(editor).get("/admin/stamp/claim/999999/revoke/").status_code == 404
