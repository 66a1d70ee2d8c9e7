"""Organisations and their verification cannot be gamed (issue #10).

Each test performs one attack through the public URLs (or the admin), as an attacker would,
and checks that it is refused and that nothing changed in the database."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
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
    MembershipRole,
    Organisation,
    OrganisationIdentityChange,
    OrganisationStatus,
    User,
)
from tests.members.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

KNOWN_CODE = "123456"


# --- helpers --------------------------------------------------------------------------------


def _pending(organisation: Organisation, website: str = "https://www.gemeente-tilburg.nl") -> None:
    Organisation.objects.filter(pk=organisation.pk).update(
        status=OrganisationStatus.PENDING, verified_at=None, verification_method="", website=website
    )
    organisation.refresh_from_db()


def _code_waiting(organisation: Organisation, by: User, email: str) -> DomainVerification:
    """A code the attacker knows, sent before whatever the test does next."""
    return DomainVerification.objects.create(
        organisation=organisation,
        email=email,
        code_hash=services._code_hash(KNOWN_CODE),
        requested_by=by,
        expires_at=timezone.now() + timedelta(minutes=30),
    )


def _messages(response: Any) -> str:
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


def _verify_url(organisation: Organisation) -> str:
    return reverse("members:domain_verification", args=[organisation.slug])


def _edit_url(organisation: Organisation) -> str:
    return reverse("members:organisation_edit", args=[organisation.slug])


def _edit_data(organisation: Organisation, **changes: str) -> dict[str, str]:
    return {
        "name": organisation.name,
        "kind": organisation.kind,
        "kvk_number": organisation.kvk_number,
        "website": organisation.website,
        "description": organisation.description,
        "open_to_cooperation": "on",
        **changes,
    }


def _snapshot(organisation: Organisation) -> tuple[Any, ...]:
    organisation.refresh_from_db()
    return (
        organisation.name,
        organisation.website,
        organisation.status,
        organisation.verified_at,
        organisation.verification_method,
        organisation.description,
    )


# --- 1. only a pending organisation verifies itself -----------------------------------------


@pytest.mark.parametrize("status", [OrganisationStatus.SUSPENDED, OrganisationStatus.ARCHIVED])
def test_a_suspended_or_archived_organisation_cannot_verify_itself_out_of_it(
    client: Client, organisation: Organisation, org_owner: User, status: str
) -> None:
    # Pending when an editor suspended it, with a code already in the owner's mailbox.
    _pending(organisation)
    _code_waiting(organisation, org_owner, "info@gemeente-tilburg.nl")
    Organisation.objects.filter(pk=organisation.pk).update(status=status)
    before = _snapshot(organisation)
    client.force_login(org_owner)

    confirm = client.post(_verify_url(organisation), {"confirm_code": "1", "code": KNOWN_CODE})
    send = client.post(
        _verify_url(organisation), {"send_code": "1", "email": "info@gemeente-tilburg.nl"}
    )

    assert confirm.status_code == send.status_code == 302
    assert "suspended or archived" in _messages(send)
    assert _snapshot(organisation) == before
    assert organisation.status == status
    assert not DomainVerification.objects.filter(confirmed_at__isnull=False).exists()
    assert DomainVerification.objects.count() == 1
    assert mail.outbox == []
    # The service refuses on its own too, under the row lock.
    with pytest.raises(ValidationError, match="suspended or archived"):
        services.domain_verification_confirm(
            organisation=organisation, by=org_owner, code=KNOWN_CODE
        )


def test_a_verified_organisation_cannot_start_a_new_domain_verification(
    client: Client, organisation: Organisation, org_owner: User
) -> None:
    organisation.verification_method = "editor"
    organisation.save(update_fields=["verification_method"])
    before = _snapshot(organisation)
    client.force_login(org_owner)

    response = client.post(
        _verify_url(organisation), {"send_code": "1", "email": "info@gemeente-tilburg.nl"}
    )

    assert response.status_code == 302
    assert _snapshot(organisation) == before
    assert not DomainVerification.objects.exists()
    assert mail.outbox == []
    with pytest.raises(ValidationError, match="already verified"):
        services.domain_verification_start(
            organisation=organisation, by=org_owner, email="info@gemeente-tilburg.nl"
        )


# --- 2. a suspended organisation is frozen; only an editor lifts a suspension ---------------


@pytest.mark.parametrize("status", [OrganisationStatus.SUSPENDED, OrganisationStatus.ARCHIVED])
def test_a_suspended_or_archived_organisation_cannot_edit_its_profile(
    client: Client, organisation: Organisation, org_owner: User, status: str
) -> None:
    Organisation.objects.filter(pk=organisation.pk).update(status=status)
    before = _snapshot(organisation)
    client.force_login(org_owner)

    response = client.post(
        _edit_url(organisation),
        _edit_data(organisation, name="Gemeente Breda", description="Nieuw verhaal"),
    )

    assert response.status_code == 302
    assert "suspended or archived" in _messages(response)
    assert _snapshot(organisation) == before
    assert not OrganisationIdentityChange.objects.exists()


def test_only_an_editor_lifts_a_suspension(
    client: Client, organisation: Organisation, org_owner: User, facilitator: User
) -> None:
    Organisation.objects.filter(pk=organisation.pk).update(
        status=OrganisationStatus.SUSPENDED, status_reason="Misbruik van de naam"
    )
    before = _snapshot(organisation)
    url = reverse("admin:members_organisation_changelist")
    reinstate = {"action": "reinstate_organisations", ACTION_CHECKBOX_NAME: [organisation.pk]}

    client.force_login(org_owner)
    by_owner = client.post(url, reinstate)
    client.force_login(facilitator)
    by_facilitator = client.post(url, reinstate)

    assert by_owner.status_code == 302
    assert by_owner["Location"].startswith(reverse("admin:login"))
    # A facilitator may look at organisations but is offered no action: Django answers "no
    # action selected" and sends them back to the list.
    assert by_facilitator.status_code == 302
    assert _snapshot(organisation) == before
    assert organisation.status == OrganisationStatus.SUSPENDED
    with pytest.raises(PermissionDenied):
        services.organisation_reinstate(organisation=organisation, by=facilitator)
    with pytest.raises(PermissionDenied):
        services.organisation_reinstate(organisation=organisation, by=org_owner)
    assert _snapshot(organisation) == before


# --- 3. free mail and shared hosting cannot verify ------------------------------------------


def test_gemeente_tilburg_on_gmail_com_cannot_verify_with_a_gmail_address(
    client: Client, member: User
) -> None:
    client.force_login(member)

    registered = client.post(
        reverse("members:organisation_create"),
        {"name": "Gemeente Tilburg", "kind": "municipality", "website": "https://gmail.com"},
        follow=True,
    )
    organisation = Organisation.objects.get(name="Gemeente Tilburg")
    send = client.post(
        _verify_url(organisation), {"send_code": "1", "email": "gemeente.tilburg@gmail.com"}
    )

    # The form warns at once that this website can never verify by domain.
    assert "gmail.com is a free email service" in registered.text
    assert send.status_code == 200
    assert "gmail.com is a free email service" in send.text
    assert not DomainVerification.objects.exists()
    assert mail.outbox == []
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.PENDING


SHARED = "is on a shared hosting service"
NOT_OWNED = "is not a domain that one organisation owns"
FREE_MAIL = "is a free email service"
OTHER_DOMAIN = "Use an address that ends in @gemeente-tilburg.nl"


@pytest.mark.parametrize(
    ("website", "email", "reason"),
    [
        ("https://gemeente-tilburg.github.io", "info@gemeente-tilburg.github.io", SHARED),
        ("https://gemeente-tilburg.netlify.app", "info@gemeente-tilburg.netlify.app", SHARED),
        ("https://gemeentetilburg.blogspot.com", "info@gemeentetilburg.blogspot.com", SHARED),
        ("https://github.io", "info@github.io", NOT_OWNED),
        ("https://co.uk", "info@co.uk", NOT_OWNED),
        ("https://www.ziggo.nl", "gemeente.tilburg@ziggo.nl", FREE_MAIL),
        ("https://gmx.co.uk", "gemeente.tilburg@gmx.co.uk", FREE_MAIL),
        ("https://www.gemeente-tilburg.nl", "gemeente.tilburg@kpnplanet.nl", FREE_MAIL),
        ("https://www.gemeente-tilburg.nl", "info@gemeente-tilburg.nl.evil.example", OTHER_DOMAIN),
        ("https://www.gemeente-tilburg.nl", "info@nepgemeente-tilburg.nl", OTHER_DOMAIN),
    ],
)
def test_an_address_anyone_can_get_cannot_verify_an_organisation(
    client: Client,
    organisation: Organisation,
    org_owner: User,
    website: str,
    email: str,
    reason: str,
) -> None:
    _pending(organisation, website=website)
    before = _snapshot(organisation)
    client.force_login(org_owner)

    response = client.post(_verify_url(organisation), {"send_code": "1", "email": email})

    assert response.status_code == 200
    assert reason in response.text
    assert not DomainVerification.objects.exists()
    assert mail.outbox == []
    assert _snapshot(organisation) == before


def test_a_code_for_the_old_website_cannot_verify_a_new_one(
    client: Client, member: User, django_capture_on_commit_callbacks: Any
) -> None:
    # Prove one's own domain, then swap in the municipality's website before confirming.
    organisation = OrganisationFactory(
        name="Gemeente Tilburg",
        status=OrganisationStatus.PENDING,
        verified_at=None,
        website="https://www.eigen-domein.nl",
    )
    MembershipFactory(organisation=organisation, user=member, role=MembershipRole.OWNER)
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_verify_url(organisation), {"send_code": "1", "email": "ik@eigen-domein.nl"})
    code = mail.outbox[-1].subject.rsplit(" ", 1)[-1]
    client.post(_edit_url(organisation), _edit_data(organisation, website="https://www.tilburg.nl"))

    response = client.post(_verify_url(organisation), {"confirm_code": "1", "code": code})

    assert response.status_code == 200
    organisation.refresh_from_db()
    assert organisation.website == "https://www.tilburg.nl"
    assert organisation.status == OrganisationStatus.PENDING
    assert not DomainVerification.objects.filter(confirmed_at__isnull=False).exists()


# --- 4. a verified organisation's new identity waits for an editor --------------------------

# The two parts of an organisation's identity that a verification vouches for.
IDENTITY_CHANGES = pytest.mark.parametrize(
    "changes",
    [{"name": "Gemeente Breda"}, {"website": "https://www.breda.nl"}],
    ids=["name", "website"],
)


@pytest.mark.parametrize("method", ["domain", "editor"])
@IDENTITY_CHANGES
def test_a_verified_organisation_cannot_take_on_a_new_identity_by_itself(
    client: Client,
    organisation: Organisation,
    org_owner: User,
    editor: User,
    method: str,
    changes: dict[str, str],
    django_capture_on_commit_callbacks: Any,
) -> None:
    organisation.verification_method = method
    organisation.save(update_fields=["verification_method"])
    name, website, status, verified_at, verification_method, _ = _snapshot(organisation)
    client.force_login(org_owner)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            _edit_url(organisation),
            _edit_data(organisation, description="Nieuwe beschrijving", **changes),
        )
    client.logout()
    public = client.get(organisation.get_absolute_url())

    organisation.refresh_from_db()
    assert (organisation.name, organisation.website) == (name, website)
    assert (organisation.status, organisation.verified_at) == (status, verified_at)
    assert organisation.verification_method == verification_method
    assert organisation.description == "Nieuwe beschrijving"  # the rest is saved as usual
    assert "Gemeente Tilburg" in public.text
    assert "Gemeente Breda" not in public.text and "breda.nl" not in public.text
    change = OrganisationIdentityChange.objects.get()
    assert change.status == IdentityChangeStatus.PENDING
    assert [message.to for message in mail.outbox] == [[editor.email]]


def test_an_editor_cannot_be_tricked_into_approving_values_swapped_in_after_review(
    client: Client, organisation: Organisation, org_owner: User, editor: User
) -> None:
    client.force_login(org_owner)
    client.post(_edit_url(organisation), _edit_data(organisation, name="Gemeente Tilburg-Noord"))
    reviewed = OrganisationIdentityChange.objects.get()
    # While the editor reads it, the owner swaps in another identity.
    client.post(_edit_url(organisation), _edit_data(organisation, name="Gemeente Breda"))

    client.force_login(editor)
    response = client.post(
        reverse("admin:members_organisationidentitychange_changelist"),
        {"action": "approve_changes", ACTION_CHECKBOX_NAME: [reviewed.pk]},
    )

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == "Gemeente Tilburg"
    reviewed.refresh_from_db()
    assert reviewed.status == IdentityChangeStatus.WITHDRAWN
    assert OrganisationIdentityChange.objects.filter(
        status=IdentityChangeStatus.PENDING, name="Gemeente Breda"
    ).exists()


def test_an_organisation_admin_or_facilitator_cannot_approve_an_identity_change(
    client: Client, organisation: Organisation, org_owner: User, facilitator: User
) -> None:
    client.force_login(org_owner)
    client.post(_edit_url(organisation), _edit_data(organisation, name="Gemeente Breda"))
    change = OrganisationIdentityChange.objects.get()
    url = reverse("admin:members_organisationidentitychange_changelist")
    approve = {"action": "approve_changes", ACTION_CHECKBOX_NAME: [change.pk]}

    by_owner = client.post(url, approve)
    client.force_login(facilitator)
    by_facilitator = client.post(url, approve)

    assert by_owner.status_code == 302 and by_owner["Location"].startswith(reverse("admin:login"))
    assert by_facilitator.status_code == 403
    organisation.refresh_from_db()
    assert organisation.name == "Gemeente Tilburg"
    change.refresh_from_db()
    assert change.status == IdentityChangeStatus.PENDING
    with pytest.raises(PermissionDenied):
        services.identity_change_approve(change=change, by=org_owner)


def _admin_form_data(client: Client, organisation: Organisation, **changes: str) -> dict[str, Any]:
    """The organisation's admin change form as the logged-in user's browser would post it."""
    form = client.get(reverse("admin:members_organisation_change", args=[organisation.pk]))
    data = {
        name: value
        for name, value in form.context["adminform"].form.initial.items()
        if value is not None and name not in ("themes", "logo")
    }
    return {
        **data,
        "region": organisation.region_id,
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "core-auditentry-content_type-object_id-TOTAL_FORMS": "0",
        "core-auditentry-content_type-object_id-INITIAL_FORMS": "0",
        **changes,
    }


@pytest.mark.parametrize("status", [OrganisationStatus.VERIFIED, OrganisationStatus.SUSPENDED])
@IDENTITY_CHANGES
def test_a_verified_organisations_identity_cannot_be_changed_in_the_admin_change_form(
    client: Client,
    organisation: Organisation,
    org_owner: User,
    editor: User,
    status: str,
    changes: dict[str, str],
) -> None:
    # The change form would skip the identity-change flow: no record, the old domain's
    # codes still valid, "verified by domain" kept for a domain it no longer has.
    Organisation.objects.filter(pk=organisation.pk).update(
        status=status, verification_method="domain", website="https://www.tilburg.nl"
    )
    organisation.refresh_from_db()
    client.force_login(org_owner)
    client.post(_edit_url(organisation), _edit_data(organisation, name="Gemeente Tilburg-Noord"))
    waiting = list(OrganisationIdentityChange.objects.values_list("pk", "status"))
    client.force_login(editor)
    data = _admin_form_data(client, organisation, description="Door de redactie", **changes)

    response = client.post(
        reverse("admin:members_organisation_change", args=[organisation.pk]), data
    )

    assert response.status_code == 302  # the form was valid; the rest is saved
    organisation.refresh_from_db()
    assert organisation.description == "Door de redactie"
    assert (organisation.name, organisation.website) == (
        "Gemeente Tilburg",
        "https://www.tilburg.nl",
    )
    assert (organisation.status, organisation.verification_method) == (status, "domain")
    assert list(OrganisationIdentityChange.objects.values_list("pk", "status")) == waiting


def test_an_editor_cannot_approve_an_identity_change_the_organisation_has_moved_past(
    client: Client, organisation: Organisation, org_owner: User, editor: User
) -> None:
    client.force_login(org_owner)
    client.post(_edit_url(organisation), _edit_data(organisation, name="Gemeente Tilburg-Noord"))
    change = OrganisationIdentityChange.objects.get()
    # The name changed some other way after the proposal (as the admin change form once
    # allowed): "Gemeente Tilburg → Gemeente Tilburg-Noord" is not what approving would do.
    Organisation.objects.filter(pk=organisation.pk).update(name="Gemeente Breda")
    before = _snapshot(organisation)
    client.force_login(editor)

    response = client.post(
        reverse("admin:members_organisationidentitychange_changelist"),
        {"action": "approve_changes", ACTION_CHECKBOX_NAME: [change.pk]},
    )

    assert response.status_code == 302
    assert "no longer applies" in _messages(response)
    assert _snapshot(organisation) == before
    change.refresh_from_db()
    assert change.status == IdentityChangeStatus.PENDING
    assert (
        not audit_history(organisation)
        .filter(action="organisation.identity_change.approve")
        .exists()
    )
    with pytest.raises(ValidationError, match="no longer applies"):
        services.identity_change_approve(change=change, by=editor)


# --- 5. limits that hold across organisations -----------------------------------------------


def _pending_organisation_of(user: User, domain: str) -> Organisation:
    organisation = OrganisationFactory(
        status=OrganisationStatus.PENDING, verified_at=None, website=f"https://www.{domain}"
    )
    MembershipFactory(organisation=organisation, user=user, role=MembershipRole.OWNER)
    return organisation


def test_codes_cannot_be_requested_beyond_the_hourly_limit_by_spreading_over_organisations(
    client: Client, member: User, settings: Any
) -> None:
    settings.ORGANISATION_DOMAIN_CODES_PER_HOUR = 2
    organisations = [_pending_organisation_of(member, f"domein-{n}.nl") for n in range(3)]
    client.force_login(member)

    responses = [
        client.post(_verify_url(organisation), {"send_code": "1", "email": f"info@domein-{n}.nl"})
        for n, organisation in enumerate(organisations)
    ]

    assert [response.status_code for response in responses] == [302, 302, 200]
    assert "Too many codes were requested" in responses[-1].text
    assert DomainVerification.objects.count() == 2
    assert not organisations[2].domain_verifications.exists()


def test_codes_for_one_domain_cannot_be_requested_beyond_the_limit_from_many_accounts(
    client: Client, settings: Any
) -> None:
    # One code per account and organisation; over all organisations the domain gets four.
    settings.ORGANISATION_DOMAIN_CODES_PER_HOUR = 1
    attackers = [UserFactory() for _n in range(5)]
    organisations = [_pending_organisation_of(user, "tilburg.nl") for user in attackers]

    statuses = []
    for user, organisation in zip(attackers, organisations, strict=True):
        client.force_login(user)
        response = client.post(
            _verify_url(organisation), {"send_code": "1", "email": "info@mail.tilburg.nl"}
        )
        statuses.append(response.status_code)

    assert statuses == [302, 302, 302, 302, 200]
    assert "Too many codes were requested for this domain" in response.text
    assert DomainVerification.objects.count() == 4
    assert not organisations[-1].domain_verifications.exists()


def test_one_account_cannot_lock_a_real_domain_out_of_verification_codes(
    client: Client, organisation: Organisation, org_owner: User, settings: Any
) -> None:
    # Anyone may put the municipality's website on their own pending organisation and ask
    # for codes until they are refused; the municipality must still get its own.
    settings.ORGANISATION_DOMAIN_CODES_PER_HOUR = 2
    _pending(organisation, website="https://www.tilburg.nl")
    attacker = UserFactory()
    decoy = _pending_organisation_of(attacker, "tilburg.nl")
    client.force_login(attacker)
    flood = [
        client.post(_verify_url(decoy), {"send_code": "1", "email": "info@tilburg.nl"})
        for _n in range(3)
    ]

    client.force_login(org_owner)
    own = client.post(_verify_url(organisation), {"send_code": "1", "email": "info@tilburg.nl"})

    assert [response.status_code for response in flood] == [302, 302, 200]
    assert own.status_code == 302
    assert decoy.domain_verifications.count() == 2
    assert organisation.domain_verifications.count() == 1


def test_code_guesses_cannot_be_spread_over_many_organisations_and_accounts(
    client: Client, settings: Any
) -> None:
    # One guess per account; over all organisations the domain allows four wrong ones.
    settings.ORGANISATION_DOMAIN_ATTEMPTS_PER_HOUR = 1
    attackers = [UserFactory() for _n in range(5)]
    organisations = [_pending_organisation_of(user, "tilburg.nl") for user in attackers]
    for user, organisation in zip(attackers, organisations, strict=True):
        _code_waiting(organisation, user, "info@tilburg.nl")

    guesses = []
    for number, (user, organisation) in enumerate(
        zip(attackers[:4], organisations[:4], strict=True)
    ):
        client.force_login(user)
        guesses.append(
            client.post(_verify_url(organisation), {"confirm_code": "1", "code": f"00000{number}"})
        )
    # Even the right code is not checked any more this hour.
    client.force_login(attackers[4])
    right = client.post(_verify_url(organisations[4]), {"confirm_code": "1", "code": KNOWN_CODE})

    assert all("This code is not right" in guess.text for guess in guesses)
    assert "Too many codes were entered" in right.text
    assert sorted(DomainVerification.objects.values_list("attempts", flat=True)) == [0, 1, 1, 1, 1]
    assert not Organisation.objects.filter(status=OrganisationStatus.VERIFIED).exists()


def test_wrong_guesses_from_one_account_cannot_lock_a_real_domain_out(
    client: Client, organisation: Organisation, org_owner: User, settings: Any
) -> None:
    # The attacker's decoy has a code waiting for info@tilburg.nl they cannot read, and they
    # enter wrong ones until they are refused; the municipality's own code must still work.
    settings.ORGANISATION_DOMAIN_ATTEMPTS_PER_HOUR = 3
    _pending(organisation, website="https://www.tilburg.nl")
    _code_waiting(organisation, org_owner, "info@tilburg.nl")
    attacker = UserFactory()
    decoy = _pending_organisation_of(attacker, "tilburg.nl")
    _code_waiting(decoy, attacker, "info@tilburg.nl")
    client.force_login(attacker)
    for guess in ("000001", "000002", "000003", "000004"):
        client.post(_verify_url(decoy), {"confirm_code": "1", "code": guess})

    client.force_login(org_owner)
    own = client.post(_verify_url(organisation), {"confirm_code": "1", "code": KNOWN_CODE})

    assert own.status_code == 302
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.VERIFIED
    assert organisation.verification_method == "domain"
    decoy.refresh_from_db()
    assert decoy.status == OrganisationStatus.PENDING
    assert decoy.domain_verifications.get().attempts == 3


def test_one_account_cannot_register_organisations_beyond_the_daily_cap(
    client: Client, member: User, settings: Any
) -> None:
    settings.ORGANISATION_REGISTRATIONS_PER_DAY = 2
    client.force_login(member)

    responses = [
        client.post(
            reverse("members:organisation_create"),
            {"name": f"Stichting {n}", "kind": "civil_society"},
        )
        for n in range(3)
    ]

    assert [response.status_code for response in responses] == [302, 302, 200]
    assert "You registered several organisations today" in responses[-1].text
    assert Organisation.objects.filter(created_by=member).count() == 2
