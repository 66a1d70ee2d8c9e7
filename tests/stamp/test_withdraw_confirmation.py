"""Giving back the stamp asks first, on a page of its own; the POST still decides."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from members.models import Organisation, User
from stamp.models import Charter, Claim, ClaimStatus
from tests.stamp.factories import ClaimFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim(organisation: Organisation, charter: Charter) -> Claim:
    return ClaimFactory(organisation=organisation, charter_agreed=charter)


def _confirm_url(organisation: Organisation) -> str:
    return reverse("stamp:withdraw_confirm", args=[organisation.slug])


def test_the_manage_page_links_to_the_confirmation_page_instead_of_posting(
    client: Client, claim: Claim, organisation: Organisation, org_admin: User
) -> None:
    client.force_login(org_admin)

    text = client.get(reverse("stamp:manage", args=[organisation.slug])).text

    assert f'href="{_confirm_url(organisation)}"' in text
    assert f'action="{reverse("stamp:withdraw", args=[organisation.slug])}"' not in text


def test_the_confirmation_page_explains_and_posts_to_the_one_view_that_acts(
    client: Client, claim: Claim, organisation: Organisation, org_admin: User, english: None
) -> None:
    client.force_login(org_admin)

    response = client.get(_confirm_url(organisation))

    text = response.text
    assert response.status_code == 200
    assert "Give back the stamp?" in text
    assert "no longer carries the stamp" in text
    assert f'action="{reverse("stamp:withdraw", args=[organisation.slug])}"' in text
    assert "csrfmiddlewaretoken" in text
    assert f'href="{reverse("stamp:manage", args=[organisation.slug])}"' in text  # cancel
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.ACTIVE  # looking changes nothing


def test_confirming_gives_the_stamp_back(
    client: Client, claim: Claim, organisation: Organisation, org_admin: User
) -> None:
    client.force_login(org_admin)
    page = client.get(_confirm_url(organisation))

    response = client.post(reverse("stamp:withdraw", args=[organisation.slug]))

    assert page.status_code == 200
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.WITHDRAWN


@pytest.mark.parametrize(("role", "status"), [("member", 404), ("org_member", 403)])
def test_others_cannot_open_the_confirmation_page(
    request: pytest.FixtureRequest,
    client: Client,
    claim: Claim,
    organisation: Organisation,
    role: str,
    status: int,
) -> None:
    client.force_login(request.getfixturevalue(role))

    assert client.get(_confirm_url(organisation)).status_code == status


def test_a_visitor_is_sent_to_log_in(client: Client, claim: Claim, organisation: Organisation):
    response = client.get(_confirm_url(organisation))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_without_an_open_claim_there_is_nothing_to_confirm(
    client: Client, organisation: Organisation, org_admin: User, charter: Charter
) -> None:
    ClaimFactory(organisation=organisation, status=ClaimStatus.WITHDRAWN)
    client.force_login(org_admin)

    assert client.get(_confirm_url(organisation)).status_code == 404
