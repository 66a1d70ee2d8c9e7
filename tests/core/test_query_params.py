"""The list pages' query parameters are Dutch; old English links redirect for good."""

from __future__ import annotations

import pytest
from django.test import Client

from core.query_params import dutch_query_string
from tests.members.factories import OrganisationFactory, RegionFactory, ThemeFactory
from tests.stamp.factories import CharterFactory, ClaimFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("query", "dutch"),
    [
        ("kind=municipality", "soort=municipality"),
        ("q=buurt&region=utrecht&x=1&theme=wonen", "q=buurt&regio=utrecht&x=1&thema=wonen"),
        ("verified=1&page=2", "geverifieerd=1&pagina=2"),
        ("kind=a&soort=b", "soort=b"),
        ("soort=b&kind=a", "soort=b"),
        ("region=", "regio="),
        ("q=caf%C3%A9+noord&page=2", "q=caf%C3%A9+noord&pagina=2"),
    ],
)
def test_english_names_become_dutch_and_everything_else_stays_in_order(query, dutch) -> None:
    assert dutch_query_string(query) == dutch


@pytest.mark.parametrize("query", ["", "soort=a&regio=b&pagina=2", "q=kind", "na=abc"])
def test_a_query_without_english_names_is_left_alone(query) -> None:
    assert dutch_query_string(query) is None


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (
            "/organisaties/?kind=municipality&region=utrecht&theme=wonen&verified=1&page=2",
            "/organisaties/?soort=municipality&regio=utrecht&thema=wonen&geverifieerd=1&pagina=2",
        ),
        ("/organisaties/?q=buurt&page=2", "/organisaties/?q=buurt&pagina=2"),
        ("/en/organisaties/?region=utrecht", "/en/organisaties/?regio=utrecht"),
        (
            "/stempel/dragers/?kind=municipality&page=3",
            "/stempel/dragers/?soort=municipality&pagina=3",
        ),
        ("/aanbod-en-vraag/?richting=need&page=2", "/aanbod-en-vraag/?richting=need&pagina=2"),
    ],
)
def test_an_old_english_link_redirects_for_good_to_the_dutch_one(client: Client, old, new) -> None:
    response = client.get(old)

    assert response.status_code == 301
    assert response["Location"] == new


def test_a_region_or_theme_links_to_the_directory_with_dutch_names(client: Client) -> None:
    region = RegionFactory(slug="utrecht")
    theme = ThemeFactory(slug="wonen")

    assert region.get_absolute_url() == "/organisaties/?regio=utrecht"
    assert theme.get_absolute_url() == "/organisaties/?thema=wonen"
    assert client.get(region.get_absolute_url()).status_code == 200


def test_the_directory_filters_and_pages_by_the_dutch_names(client: Client) -> None:
    utrecht = RegionFactory(slug="utrecht")
    match = OrganisationFactory(name="Gemeente Utrecht", kind="municipality", region=utrecht)
    OrganisationFactory(name="Buurtkracht", kind="neighbourhood_initiative", region=utrecht)

    response = client.get("/organisaties/", {"soort": "municipality", "regio": "utrecht"})

    assert list(response.context["page"].object_list) == [match]
    assert 'id="id_soort" name="soort"' in response.text
    assert '<option value="municipality" selected>' in response.text


def test_the_stamp_wall_pages_by_pagina(client: Client) -> None:
    CharterFactory(version=1)
    for _ in range(26):
        ClaimFactory()

    first = client.get("/stempel/dragers/")
    second = client.get("/stempel/dragers/", {"pagina": 2})

    assert "?pagina=2" in first.text
    assert len(second.context["page"].object_list) == 2


@pytest.mark.parametrize(
    "url",
    [
        "/organisaties/?soort=%00&regio=%ff&thema=<script>&geverifieerd=ja&pagina=-1",
        "/organisaties/?pagina=99999999999999999999999",
        "/stempel/dragers/?soort=nonsense&regio=x&pagina=abc",
        "/aanbod-en-vraag/?soort=x&thema=y&regio=z&pagina=0",
        "/organisaties/?kind=%ff&page=abc",
    ],
)
def test_junk_values_are_never_a_server_error(client: Client, url) -> None:
    response = client.get(url, follow=True)

    assert response.status_code in (200, 400)
