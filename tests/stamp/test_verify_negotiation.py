"""The verification page links its Open Badges assertion and answers a client that asks
for JSON-LD (``Accept``) with it, at the same address."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from stamp import openbadges
from stamp.models import Charter, ClaimStatus
from tests.stamp.factories import ClaimFactory

pytestmark = pytest.mark.django_db


def test_the_page_links_its_assertion_in_the_head_and_visibly(
    client: Client, charter: Charter
) -> None:
    claim = ClaimFactory()
    assertion_url = openbadges.stable_url("stamp:ob_assertion", code=claim.code)

    response = client.get(claim.get_absolute_url())

    assert response.status_code == 200
    content = response.content.decode()
    head = content.split("</head>")[0]
    assert f'<link rel="alternate" type="application/ld+json" href="{assertion_url}">' in head
    body = content.split("<main")[1]
    assert f'<a href="{assertion_url}" type="application/ld+json">' in body
    assert "Accept" in response["Vary"]


@pytest.mark.parametrize(
    "accept",
    [
        "application/ld+json",
        "application/json",
        "application/ld+json, text/html;q=0.5",
    ],
)
def test_a_client_that_asks_for_json_ld_gets_the_assertion(
    client: Client, charter: Charter, accept: str
) -> None:
    claim = ClaimFactory()

    response = client.get(claim.get_absolute_url(), HTTP_ACCEPT=accept)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json; charset=utf-8"
    assert "Accept" in response["Vary"]
    data = json.loads(response.content)
    assert data["type"] == "Assertion"
    assert data["id"] == openbadges.stable_url("stamp:ob_assertion", code=claim.code)
    # The same document as at the assertion's own address.
    assert data == json.loads(client.get(data["id"].removeprefix("http://testserver")).content)


@pytest.mark.parametrize(
    "accept",
    ["", "*/*", "text/html,application/xhtml+xml,*/*;q=0.8", "text/html, application/json;q=0.9"],
)
def test_a_browser_gets_the_page(client: Client, charter: Charter, accept: str) -> None:
    claim = ClaimFactory()

    response = client.get(claim.get_absolute_url(), HTTP_ACCEPT=accept)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "Accept" in response["Vary"]


def test_a_revoked_claim_answers_with_the_revoked_assertion(
    client: Client, charter: Charter
) -> None:
    claim = ClaimFactory(status=ClaimStatus.REVOKED, status_reason="Misbruik.")

    response = client.get(claim.get_absolute_url(), HTTP_ACCEPT="application/ld+json")

    assert response.status_code == 200
    assert json.loads(response.content)["revoked"] is True


def test_a_claim_that_was_never_issued_has_no_assertion_to_link_or_serve(
    client: Client, charter: Charter
) -> None:
    claim = ClaimFactory(status=ClaimStatus.PENDING, active_since=None)

    page = client.get(claim.get_absolute_url())
    asked = client.get(claim.get_absolute_url(), HTTP_ACCEPT="application/ld+json")

    assert "application/ld+json" not in page.content.decode()
    # Nothing machine-readable exists yet: the page is the only representation.
    assert asked.status_code == 200
    assert asked["Content-Type"].startswith("text/html")


def test_head_with_json_ld_answers_like_get(client: Client, charter: Charter) -> None:
    claim = ClaimFactory()

    response = client.head(claim.get_absolute_url(), HTTP_ACCEPT="application/ld+json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json; charset=utf-8"
    assert response.content == b""
