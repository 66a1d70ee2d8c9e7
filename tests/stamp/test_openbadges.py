"""Open Badges 2.0: every field the specification requires, for each class we publish."""

from __future__ import annotations

import importlib
import json
from datetime import datetime
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.utils import translation

from members.models import Organisation, OrganisationStatus, User
from stamp.models import Charter, Claim, ClaimStatus, StampSettings
from stamp.services import (
    stamp_approve,
    stamp_claim,
    stamp_reinstate,
    stamp_revoke,
    stamp_withdraw,
)
from tests.members.factories import OrganisationFactory
from tests.stamp.factories import ClaimFactory

pytestmark = pytest.mark.django_db

CONTEXT = "https://w3id.org/openbadges/v2"
BASE = "http://127.0.0.1:8000"
ISSUER_ID = f"{BASE}/stempel/openbadges/uitgever.json"
BADGE_CLASS_ID = f"{BASE}/stempel/openbadges/stempel.json"
REVOCATIONS_ID = f"{BASE}/stempel/openbadges/intrekkingen.json"


def _get(client: Client, url: str) -> dict[str, Any]:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].split(";")[0] == "application/ld+json"
    return json.loads(response.content)


def test_the_issuer_profile_has_every_required_field(client: Client, settings) -> None:
    settings.STAMP_ISSUER_EMAIL = "stempel@breinaald.example.org"

    issuer = _get(client, "/stempel/openbadges/uitgever.json")

    # Required for a Profile that issues badges: id, type, name, url, email.
    assert issuer["@context"] == CONTEXT
    assert issuer["id"] == ISSUER_ID
    assert issuer["type"] == "Issuer"
    assert issuer["name"] == "Breinaald"
    assert issuer["url"] == f"{BASE}/"
    assert issuer["email"] == "stempel@breinaald.example.org"
    assert issuer["revocationList"] == REVOCATIONS_ID


def test_the_issuer_email_falls_back_to_the_sender_address(client: Client, settings) -> None:
    settings.DEFAULT_FROM_EMAIL = "Breinaald <noreply@breinaald.example.org>"

    assert _get(client, "/stempel/openbadges/uitgever.json")["email"] == (
        "noreply@breinaald.example.org"
    )


def test_the_badge_class_has_every_required_field(client: Client, charter: Charter) -> None:
    badge_class = _get(client, "/stempel/openbadges/stempel.json")

    # Required: id, type, name, description, image, criteria, issuer.
    assert badge_class["@context"] == CONTEXT
    assert badge_class["id"] == BADGE_CLASS_ID
    assert badge_class["type"] == "BadgeClass"
    assert badge_class["name"]
    assert badge_class["description"] == charter.summary
    assert badge_class["image"] == f"{BASE}/stempel/stempel.svg"
    assert badge_class["criteria"]["id"] == f"{BASE}/stempel/uitgangspunten/1/"
    assert "Kennis delen" in badge_class["criteria"]["narrative"]
    assert badge_class["issuer"] == ISSUER_ID
    assert client.get("/stempel/stempel.svg").status_code == 200


def test_there_is_no_badge_class_before_a_charter(client: Client, db: None) -> None:
    assert client.get("/stempel/openbadges/stempel.json").status_code == 404


def test_an_active_claim_is_a_hosted_assertion_with_every_required_field(
    client: Client, charter: Charter
) -> None:
    claim = ClaimFactory(organisation__website="https://www.woonkracht.nl")
    url = f"/stempel/openbadges/toekenningen/{claim.code}.json"

    assertion = _get(client, url)

    # Required: @context, id, type, recipient, badge, verification, issuedOn.
    assert assertion["@context"] == CONTEXT
    assert assertion["id"] == BASE + url  # hosted: the id is where it lives
    assert assertion["type"] == "Assertion"
    assert assertion["recipient"] == {
        "type": "url",
        "hashed": False,
        "identity": "https://www.woonkracht.nl",
    }
    assert assertion["badge"] == BADGE_CLASS_ID
    assert assertion["verification"] == {"type": "hosted"}
    assert datetime.fromisoformat(assertion["issuedOn"]) == claim.active_since
    assert "revoked" not in assertion


def test_an_organisation_without_website_is_identified_by_its_page_here(
    client: Client, charter: Charter
) -> None:
    claim = ClaimFactory(organisation__website="")

    assertion = _get(client, f"/stempel/openbadges/toekenningen/{claim.code}.json")

    assert assertion["recipient"]["identity"] == BASE + claim.organisation.get_absolute_url()


def test_a_revoked_claim_is_a_revoked_assertion_with_its_reason(
    client: Client, charter: Charter, editor: User
) -> None:
    claim = ClaimFactory()
    stamp_revoke(claim=claim, by=editor, reason="Gebruikte het stempel als keurmerk.")

    assertion = _get(client, f"/stempel/openbadges/toekenningen/{claim.code}.json")

    assert assertion["revoked"] is True
    assert assertion["revocationReason"] == "Gebruikte het stempel als keurmerk."
    assert assertion["id"].endswith(f"/{claim.code}.json")
    assert "recipient" not in assertion


@pytest.mark.parametrize("how", ["withdrawn", "lapsed", "suspended"])
def test_a_claim_that_ended_otherwise_is_revoked_in_the_json_too(
    client: Client, charter: Charter, org_admin: User, how: str
) -> None:
    if how == "withdrawn":
        claim = ClaimFactory(organisation=org_admin.memberships.get().organisation)
        stamp_withdraw(claim=claim, by=org_admin)
    elif how == "lapsed":
        claim = ClaimFactory(status=ClaimStatus.LAPSED, status_reason="Niet bevestigd.")
    else:
        claim = ClaimFactory(organisation=OrganisationFactory(status=OrganisationStatus.SUSPENDED))

    assertion = _get(client, f"/stempel/openbadges/toekenningen/{claim.code}.json")

    assert assertion["revoked"] is True
    assert assertion["revocationReason"]


def test_a_claim_that_waits_has_no_assertion_yet(client: Client, charter: Charter) -> None:
    claim = ClaimFactory(status=ClaimStatus.PENDING, active_since=None)

    assert client.get(f"/stempel/openbadges/toekenningen/{claim.code}.json").status_code == 404


def test_the_revocation_list_names_every_revoked_assertion_with_its_reason(
    client: Client, charter: Charter, editor: User
) -> None:
    active = ClaimFactory()
    revoked = ClaimFactory()
    stamp_revoke(claim=revoked, by=editor, reason="Misbruik.")
    never_issued = ClaimFactory(status=ClaimStatus.PENDING, active_since=None)

    revocations = _get(client, "/stempel/openbadges/intrekkingen.json")

    # Required: type, revokedAssertions.
    assert revocations["@context"] == CONTEXT
    assert revocations["type"] == "RevocationList"
    assert revocations["id"] == REVOCATIONS_ID
    assert revocations["issuer"] == ISSUER_ID
    listed = {entry["id"]: entry["revocationReason"] for entry in revocations["revokedAssertions"]}
    assert listed == {f"{BASE}/stempel/openbadges/toekenningen/{revoked.code}.json": "Misbruik."}
    assert active.code not in json.dumps(revocations)
    assert never_issued.code not in json.dumps(revocations)


def test_the_ids_stay_the_same_in_english(client: Client, charter: Charter) -> None:
    claim = ClaimFactory()

    assertion = _get(client, f"/en/stempel/openbadges/toekenningen/{claim.code}.json")

    assert assertion["id"] == f"{BASE}/stempel/openbadges/toekenningen/{claim.code}.json"


# ---------------------------------------------------------------------------
# The recipient is fixed when the claim is issued
# ---------------------------------------------------------------------------


def test_the_recipient_is_fixed_when_the_claim_is_issued(
    client: Client, organisation: Organisation, org_admin: User, charter: Charter
) -> None:
    Organisation.objects.filter(pk=organisation.pk).update(website="https://www.tilburg.nl")
    organisation.refresh_from_db()
    claim = stamp_claim(organisation=organisation, by=org_admin, charter=charter)

    Organisation.objects.filter(pk=organisation.pk).update(website="https://elders.example")

    assertion = _get(client, f"/stempel/openbadges/toekenningen/{claim.code}.json")
    page = client.get(claim.get_absolute_url()).content.decode()
    assert assertion["recipient"] == {
        "type": "url",
        "hashed": False,
        "identity": "https://www.tilburg.nl",
    }
    assert "https://www.tilburg.nl" in page
    assert "elders.example" not in page


def test_a_claim_that_waits_gets_its_recipient_when_it_is_approved(
    client: Client, organisation: Organisation, org_admin: User, editor: User, charter: Charter
) -> None:
    StampSettings.objects.update_or_create(pk=1, defaults={"claims_need_approval": True})
    claim = stamp_claim(organisation=organisation, by=org_admin, charter=charter)
    assert claim.recipient == {}
    Organisation.objects.filter(pk=organisation.pk).update(website="https://nieuw.example")

    stamp_approve(claim=claim, by=editor)
    Organisation.objects.filter(pk=organisation.pk).update(website="https://later.example")

    identity = _get(client, f"/stempel/openbadges/toekenningen/{claim.code}.json")["recipient"]
    assert identity["identity"] == "https://nieuw.example"


def test_a_reinstated_claim_keeps_its_recipient_and_a_new_claim_names_the_new_website(
    client: Client, organisation: Organisation, org_admin: User, editor: User, charter: Charter
) -> None:
    first = stamp_claim(organisation=organisation, by=org_admin, charter=charter)
    original = first.recipient["identity"]
    Organisation.objects.filter(pk=organisation.pk).update(website="https://nieuw.example")
    stamp_revoke(claim=first, by=editor, reason="Misbruik.")
    stamp_reinstate(claim=first, by=editor, reason="Misverstand.")
    stamp_withdraw(claim=first, by=org_admin)
    organisation.refresh_from_db()

    second = stamp_claim(organisation=organisation, by=org_admin, charter=charter)

    first.refresh_from_db()
    assert first.recipient["identity"] == original != "https://nieuw.example"
    assert second.recipient["identity"] == "https://nieuw.example"


def test_the_page_here_as_recipient_is_in_the_default_language(
    organisation: Organisation, org_admin: User, charter: Charter
) -> None:
    Organisation.objects.filter(pk=organisation.pk).update(website="")
    organisation.refresh_from_db()

    with translation.override("en"):
        claim = stamp_claim(organisation=organisation, by=org_admin, charter=charter)

    assert claim.recipient["identity"] == f"{BASE}/organisaties/{organisation.slug}/"


def test_the_database_refuses_an_issued_claim_without_a_recipient(charter: Charter) -> None:
    claim = ClaimFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(recipient={})


def test_the_migration_fills_the_recipient_of_claims_issued_before_it(
    charter: Charter, settings
) -> None:
    settings.SITE_URL = "https://breinaald.example"
    migration = importlib.import_module("stamp.migrations.0002_fix_open_badges_recipient_at_issue")
    with_site = ClaimFactory(organisation__website="https://www.woonkracht.nl")
    without_site = ClaimFactory(organisation__website="")
    never_issued = ClaimFactory(status=ClaimStatus.WITHDRAWN, active_since=None)
    table = Claim._meta.db_table
    # As it was before the migration: no recipient stored (inside the test's transaction,
    # so PostgreSQL puts the constraint back when the test ends).
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks block the ALTER
        cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT stamp_claim_issued_has_recipient")
    Claim.objects.update(recipient={})

    migration.fill_recipients(django_apps, None)

    with_site.refresh_from_db()
    without_site.refresh_from_db()
    never_issued.refresh_from_db()
    assert with_site.recipient == {
        "type": "url",
        "hashed": False,
        "identity": "https://www.woonkracht.nl",
    }
    assert without_site.recipient["identity"] == (
        f"https://breinaald.example/organisaties/{without_site.organisation.slug}/"
    )
    assert never_issued.recipient == {}
