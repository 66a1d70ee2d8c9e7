"""The asking side withdraws an introduction request, after a page that asks first."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from matchmaking import services
from matchmaking.models import EventKind, IntroductionState
from members.models import MembershipRole, OrganisationStatus
from tests.matchmaking.factories import IntroductionFactory
from tests.members.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def introduction(organisation, org_member):
    corporation = OrganisationFactory(name="Woonstichting", kind="housing_corporation")
    MembershipFactory(organisation=corporation, role=MembershipRole.OWNER)
    return IntroductionFactory(
        requester=org_member,
        requesting_organisation=organisation,
        receiving_organisation=corporation,
    )


def _confirm_url(introduction):
    return reverse("matchmaking:introduction_withdraw_confirm", args=[introduction.code])


def _withdraw_url(introduction):
    return reverse("matchmaking:introduction_withdraw", args=[introduction.code])


@pytest.mark.parametrize("state", [IntroductionState.REQUESTED, IntroductionState.FORWARDED])
def test_the_requester_withdraws_an_open_request_and_the_timeline_says_so(
    introduction, org_member, state
):
    introduction.state = state
    introduction.save(update_fields=["state"])

    services.introduction_withdraw(introduction=introduction, by=org_member)

    introduction.refresh_from_db()
    assert introduction.state == IntroductionState.WITHDRAWN
    assert list(introduction.events.values_list("kind", flat=True)) == [EventKind.WITHDRAWN]


def test_an_admin_of_the_asking_organisation_may_withdraw_too(introduction, org_admin):
    services.introduction_withdraw(introduction=introduction, by=org_admin)

    introduction.refresh_from_db()
    assert introduction.state == IntroductionState.WITHDRAWN


@pytest.mark.parametrize("persona", ["member", "facilitator", "receiving_admin"])
def test_nobody_else_may_withdraw(request, introduction, persona):
    if persona == "receiving_admin":
        user = introduction.receiving_organisation.memberships.get().user
        introduction.state = IntroductionState.FORWARDED
        introduction.save(update_fields=["state"])
    else:
        user = request.getfixturevalue(persona)

    with pytest.raises(PermissionDenied):
        services.introduction_withdraw(introduction=introduction, by=user)


@pytest.mark.parametrize(
    "state", [IntroductionState.ACCEPTED, IntroductionState.DECLINED, IntroductionState.WITHDRAWN]
)
def test_an_answered_or_ended_request_cannot_be_withdrawn(
    introduction, org_member, facilitator, state
):
    introduction.state = state
    introduction.answered_by = facilitator
    introduction.save(update_fields=["state", "answered_by"])

    with pytest.raises(PermissionDenied):
        services.introduction_withdraw(introduction=introduction, by=org_member)


def test_the_introduction_page_links_to_the_confirmation_page(client, introduction, org_member):
    client.force_login(org_member)

    text = client.get(introduction.get_absolute_url()).text

    assert f'href="{_confirm_url(introduction)}"' in text
    assert f'action="{_withdraw_url(introduction)}"' not in text


def test_the_confirmation_page_explains_and_posts_to_the_withdrawal(
    client, introduction, org_member, english
):
    client.force_login(org_member)

    response = client.get(_confirm_url(introduction))

    text = response.text
    assert response.status_code == 200
    assert "Withdraw your introduction request?" in text
    assert "Your request to be introduced to Woonstichting ends" in text
    assert f'action="{_withdraw_url(introduction)}"' in text
    assert f'href="{introduction.get_absolute_url()}"' in text  # cancel
    introduction.refresh_from_db()
    assert introduction.state == IntroductionState.REQUESTED

    after = client.post(_withdraw_url(introduction), follow=True)

    introduction.refresh_from_db()
    assert introduction.state == IntroductionState.WITHDRAWN
    assert "Your request is withdrawn." in after.text
    assert "Withdraw the request" not in after.text


@pytest.mark.parametrize(("persona", "status"), [("member", 404), ("facilitator", 403)])
def test_others_cannot_open_the_confirmation_page_or_withdraw(
    request, client, introduction, persona, status
):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(_confirm_url(introduction)).status_code == status
    assert client.post(_withdraw_url(introduction)).status_code == status
    introduction.refresh_from_db()
    assert introduction.state == IntroductionState.REQUESTED


def test_the_receiving_side_never_sees_a_withdrawn_request(client, introduction, org_member):
    receiving_admin = introduction.receiving_organisation.memberships.get().user
    services.introduction_withdraw(introduction=introduction, by=org_member)
    client.force_login(receiving_admin)

    assert client.get(introduction.get_absolute_url()).status_code == 404


def test_a_request_on_hold_cannot_be_withdrawn(client, introduction, org_member):
    introduction.receiving_organisation.status = OrganisationStatus.SUSPENDED
    introduction.receiving_organisation.save(update_fields=["status"])
    client.force_login(org_member)

    response = client.post(_withdraw_url(introduction), follow=True)

    introduction.refresh_from_db()
    assert introduction.state == IntroductionState.REQUESTED
    assert response.status_code == 200
