from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from members.models import MembershipRole, Organisation, OrganisationKind, OrganisationStatus, User
from stamp.models import Charter, Claim, ClaimStatus
from stamp.services import charter_publish, stamp_revoke
from tests.members.factories import MembershipFactory, OrganisationFactory, RegionFactory
from tests.stamp.factories import CharterFactory, ClaimFactory

pytestmark = pytest.mark.django_db


def _client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


# ---------------------------------------------------------------------------
# Public pages
# ---------------------------------------------------------------------------


def test_the_stamp_page_shows_the_charter_and_counts_only_active_carriers(
    client: Client, charter: Charter
) -> None:
    ClaimFactory()
    ClaimFactory()
    ClaimFactory(status=ClaimStatus.REVOKED, status_reason="Misbruik.")
    ClaimFactory(organisation=OrganisationFactory(status=OrganisationStatus.SUSPENDED))

    response = client.get("/stempel/")

    assert response.status_code == 200
    content = response.content.decode()
    assert charter.title in content
    assert "Kennis delen" in content  # the Markdown body, rendered
    assert response.context["carrier_count"] == 2


def test_the_stamp_page_works_before_a_charter_exists(client: Client, db: None) -> None:
    response = client.get("/stempel/")

    assert response.status_code == 200
    assert response.context["charter"] is None


def test_the_wall_lists_active_carriers_of_verified_organisations_only(
    client: Client, charter: Charter
) -> None:
    active = ClaimFactory(organisation__name="Actieve Corporatie")
    ClaimFactory(organisation__name="Teruggetrokken BV", status=ClaimStatus.WITHDRAWN)
    ClaimFactory(
        organisation__name="Ingetrokken BV", status=ClaimStatus.REVOKED, status_reason="Nee."
    )
    ClaimFactory(organisation__name="Verlopen BV", status=ClaimStatus.LAPSED)
    ClaimFactory(organisation__name="Wachtend BV", status=ClaimStatus.PENDING, active_since=None)
    ClaimFactory(
        organisation=OrganisationFactory(name="Geschorst BV", status=OrganisationStatus.SUSPENDED)
    )
    ClaimFactory(
        organisation=OrganisationFactory(name="Archief BV", status=OrganisationStatus.ARCHIVED)
    )

    response = client.get("/stempel/dragers/")

    content = response.content.decode()
    assert "Actieve Corporatie" in content
    assert active.get_absolute_url() in content
    for hidden in (
        "Teruggetrokken",
        "Ingetrokken",
        "Verlopen BV",
        "Wachtend",
        "Geschorst",
        "Archief",
    ):
        assert hidden not in content


def test_the_wall_filters_by_kind_and_region(client: Client, charter: Charter) -> None:
    utrecht = RegionFactory(name="Utrecht", slug="utrecht")
    ClaimFactory(
        organisation__name="Gemeente Utrecht",
        organisation__kind="municipality",
        organisation__region=utrecht,
    )
    ClaimFactory(organisation__name="Buurtkracht", organisation__kind="neighbourhood_initiative")

    by_kind = client.get("/stempel/dragers/", {"soort": OrganisationKind.MUNICIPALITY})
    by_region = client.get("/stempel/dragers/", {"regio": "midden-brabant"})

    assert [c.organisation.name for c in by_kind.context["page"]] == ["Gemeente Utrecht"]
    assert [c.organisation.name for c in by_region.context["page"]] == ["Buurtkracht"]


def test_the_wall_paginates(client: Client, charter: Charter) -> None:
    for _ in range(26):
        ClaimFactory()

    second = client.get("/stempel/dragers/", {"pagina": 2})

    assert len(second.context["page"].object_list) == 2


@pytest.mark.parametrize("carriers", [1, 20])
def test_the_wall_query_count_does_not_grow_with_the_carriers(
    client: Client, charter: Charter, django_assert_num_queries, carriers: int
) -> None:
    for _ in range(carriers):
        ClaimFactory()

    # 1 count of carriers, 2 the page of claims with organisation and region, 3 regions.
    with django_assert_num_queries(3):
        response = client.get("/stempel/dragers/")
    assert response.status_code == 200


def test_every_published_charter_version_stays_readable(
    client: Client, charter: Charter, editor: User
) -> None:
    second = charter_publish(
        charter=CharterFactory(version=None, published_at=None, title="Tweede versie"), by=editor
    )
    draft = CharterFactory(version=None, published_at=None, title="Geheim concept")

    old = client.get("/stempel/uitgangspunten/1/")
    new = client.get(f"/stempel/uitgangspunten/{second.version}/")
    listing = client.get("/stempel/uitgangspunten/")

    assert old.status_code == new.status_code == 200
    assert old.context["is_current"] is False
    assert new.context["is_current"] is True
    assert "Tweede versie" in listing.content.decode()
    assert draft.title not in listing.content.decode()
    assert client.get("/stempel/uitgangspunten/99/").status_code == 404


def test_the_verification_page_shows_an_active_claim(client: Client, charter: Charter) -> None:
    claim = ClaimFactory(organisation__name="Woonstichting De Kern")

    response = client.get(f"/stempel/v/{claim.code}/")

    content = response.content.decode()
    assert response.status_code == 200
    assert "Woonstichting De Kern" in content
    assert response.context["claim"].public_status == ClaimStatus.ACTIVE
    assert "/stempel/uitgangspunten/1/" in content
    assert claim.statement in content


def test_the_verification_page_shows_a_revocation_with_its_reason(
    client: Client, charter: Charter, editor: User
) -> None:
    claim = ClaimFactory()
    stamp_revoke(claim=claim, by=editor, reason="Gebruikte het stempel als keurmerk.")

    response = client.get(f"/stempel/v/{claim.code}/")

    content = response.content.decode()
    assert response.context["claim"].public_status == ClaimStatus.REVOKED
    assert "Gebruikte het stempel als keurmerk." in content
    assert editor.display_name not in content  # editors stay anonymous on public pages
    assert response.headers["X-Robots-Tag"] == "noindex"


def test_the_verification_page_of_a_suspended_organisation_says_it_is_not_valid(
    client: Client, charter: Charter
) -> None:
    claim = ClaimFactory(organisation=OrganisationFactory(status=OrganisationStatus.SUSPENDED))

    response = client.get(f"/stempel/v/{claim.code}/")

    assert response.context["claim"].public_status == "suspended"
    assert claim.organisation.get_absolute_url() not in response.content.decode()


def test_a_guessed_verification_code_answers_404(client: Client, charter: Charter) -> None:
    claim = ClaimFactory()

    for guess in ("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", claim.code[:-1], str(claim.pk)):
        assert client.get(f"/stempel/v/{guess}/").status_code == 404
        assert client.get(f"/stempel/v/{guess}/stempel.svg").status_code == 404
        assert client.get(f"/stempel/openbadges/toekenningen/{guess}.json").status_code == 404


def test_the_organisation_page_shows_the_stamp_only_while_active(
    client: Client, charter: Charter, editor: User
) -> None:
    claim = ClaimFactory()
    url = claim.organisation.get_absolute_url()

    assert claim.get_absolute_url() in client.get(url).content.decode()

    stamp_revoke(claim=claim, by=editor, reason="Misbruik.")
    content = client.get(url).content.decode()
    assert claim.get_absolute_url() not in content
    assert reverse("stamp:manage", args=[claim.organisation.slug]) not in content


def test_the_organisation_page_links_admins_to_their_stamp_page(
    organisation: Organisation, org_admin: User, charter: Charter
) -> None:
    content = _client_for(org_admin).get(organisation.get_absolute_url()).content.decode()

    assert reverse("stamp:manage", args=[organisation.slug]) in content


# ---------------------------------------------------------------------------
# The organisation's stamp page: URL × role
# ---------------------------------------------------------------------------

MANAGE_ROLES = [
    ("outsider", 302),
    ("member", 404),
    ("org_member", 403),
    ("org_admin", 200),
    ("org_owner", 200),
    ("editor", 404),
]


@pytest.fixture(params=MANAGE_ROLES, ids=[persona for persona, _ in MANAGE_ROLES])
def persona_client(
    request: pytest.FixtureRequest, organisation: Organisation, charter: Charter
) -> tuple[Client, int]:
    """A client logged in as each persona of ``MANAGE_ROLES`` (the organisation has its
    owner), and the status code that persona gets on the stamp page."""
    persona, expected = request.param
    request.getfixturevalue("org_owner")
    return _client_for(request.getfixturevalue(persona)), expected


def test_only_owners_and_admins_open_the_stamp_page(
    persona_client: tuple[Client, int], organisation: Organisation
) -> None:
    client, expected = persona_client

    response = client.get(f"/stempel/organisatie/{organisation.slug}/")

    assert response.status_code == expected


def test_only_owners_and_admins_claim(
    persona_client: tuple[Client, int], organisation: Organisation
) -> None:
    client, expected = persona_client

    response = client.post(
        f"/stempel/organisatie/{organisation.slug}/dragen/",
        {"charter_version": 1, "agree": "on", "statement": "Wij doen mee."},
    )

    claimed = Claim.objects.filter(organisation=organisation).exists()
    if expected == 200:
        assert response.status_code == 302
        assert claimed
    else:
        assert response.status_code == expected
        assert not claimed


def test_only_owners_and_admins_withdraw(
    persona_client: tuple[Client, int], organisation: Organisation
) -> None:
    client, expected = persona_client
    claim = ClaimFactory(organisation=organisation)

    response = client.post(f"/stempel/organisatie/{organisation.slug}/terugtrekken/")

    claim.refresh_from_db()
    if expected == 200:
        assert response.status_code == 302
        assert claim.status == ClaimStatus.WITHDRAWN
    else:
        assert response.status_code == expected
        assert claim.status == ClaimStatus.ACTIVE


def test_an_admin_of_another_organisation_cannot_open_claim_or_withdraw(
    organisation: Organisation, charter: Charter
) -> None:
    claim = ClaimFactory(organisation=organisation)
    other = _client_for(MembershipFactory(role=MembershipRole.ADMIN).user)
    base = f"/stempel/organisatie/{organisation.slug}/"

    assert other.get(base).status_code == 404
    assert other.post(base + "dragen/", {"charter_version": 1, "agree": "on"}).status_code == 404
    assert other.post(base + "terugtrekken/").status_code == 404
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.ACTIVE


def test_the_claim_form_needs_the_agreement_and_writes_nothing_without_it(
    organisation: Organisation, org_admin: User, charter: Charter
) -> None:
    response = _client_for(org_admin).post(
        f"/stempel/organisatie/{organisation.slug}/dragen/",
        {"charter_version": 1, "statement": "Wij doen mee."},
    )

    assert response.status_code == 400
    assert response.context["claim_form"].errors["agree"]
    assert "Wij doen mee." in response.content.decode()
    assert not Claim.objects.exists()


def test_a_claim_on_an_outdated_version_is_refused_with_a_message(
    organisation: Organisation, org_admin: User, charter: Charter
) -> None:
    CharterFactory()

    response = _client_for(org_admin).post(
        f"/stempel/organisatie/{organisation.slug}/dragen/",
        {"charter_version": 1, "agree": "on"},
    )

    assert response.status_code == 400
    assert response.context["claim_form"].non_field_errors()
    assert not Claim.objects.exists()


def test_the_stamp_page_of_an_unverified_organisation_offers_no_claim(
    org_admin: User, charter: Charter
) -> None:
    organisation = org_admin.memberships.get().organisation
    Organisation.objects.filter(pk=organisation.pk).update(status=OrganisationStatus.PENDING)
    client = _client_for(org_admin)

    page = client.get(f"/stempel/organisatie/{organisation.slug}/")
    post = client.post(
        f"/stempel/organisatie/{organisation.slug}/dragen/", {"charter_version": 1, "agree": "on"}
    )

    assert page.context["can_act"] is False
    assert reverse("stamp:claim", args=[organisation.slug]) not in page.content.decode()
    # The service refuses and the page says why (it used to be a bare 403).
    assert post.status_code == 400
    assert "Alleen een geverifieerde organisatie" in post.content.decode()
    assert not Claim.objects.filter(organisation=organisation).exists()


def test_the_stamp_page_gives_the_badge_snippet(
    organisation: Organisation, org_admin: User, charter: Charter
) -> None:
    claim = ClaimFactory(organisation=organisation)

    response = _client_for(org_admin).get(f"/stempel/organisatie/{organisation.slug}/")

    snippet = response.context["snippet"]
    assert f'href="http://127.0.0.1:8000/stempel/v/{claim.code}/"' in snippet
    assert f'src="http://127.0.0.1:8000/stempel/v/{claim.code}/stempel.svg"' in snippet
    assert 'alt="' in snippet
    assert "&lt;a href=" in response.content.decode()  # shown as text to copy


def test_the_carrier_confirms_a_new_charter_on_the_stamp_page(
    organisation: Organisation, org_admin: User, editor: User, charter: Charter
) -> None:
    claim = ClaimFactory(organisation=organisation)
    new = charter_publish(charter=CharterFactory(version=None, published_at=None), by=editor)
    client = _client_for(org_admin)

    page = client.get(f"/stempel/organisatie/{organisation.slug}/")
    refused = client.post(
        f"/stempel/organisatie/{organisation.slug}/bevestigen/", {"charter_version": new.version}
    )
    confirmed = client.post(
        f"/stempel/organisatie/{organisation.slug}/bevestigen/",
        {"charter_version": new.version, "agree": "on"},
    )

    assert reverse("stamp:confirm", args=[organisation.slug]) in page.content.decode()
    assert refused.status_code == 400
    assert confirmed.status_code == 302
    claim.refresh_from_db()
    assert claim.charter_confirmed == new


def test_the_forms_refuse_a_get(
    organisation: Organisation, org_admin: User, charter: Charter
) -> None:
    client = _client_for(org_admin)

    assert client.get(f"/stempel/organisatie/{organisation.slug}/dragen/").status_code == 405
    assert client.get(f"/stempel/organisatie/{organisation.slug}/terugtrekken/").status_code == 405


def test_the_nav_links_to_the_stamp(client: Client, db: None) -> None:
    assert 'href="/stempel/"' in client.get("/").content.decode()
