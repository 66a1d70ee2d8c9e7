"""Every matchmaking view in a URL × role matrix, forms that re-render, pinned query counts."""

import pytest
from django.urls import reverse

from matchmaking import services
from matchmaking.models import Direction, IntroductionState, Notification, OfferNeed
from members.models import MembershipRole
from tests.initiatives.factories import ChallengeFactory, InitiativeFactory
from tests.matchmaking.factories import IntroductionFactory, OfferNeedFactory
from tests.members.factories import (
    MembershipFactory,
    OrganisationFactory,
    RegionFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(organisation, org_owner, org_admin, org_member, facilitator):
    corporation = OrganisationFactory(name="Woonstichting", kind="housing_corporation")
    corporation_admin = MembershipFactory(organisation=corporation, role=MembershipRole.OWNER).user
    offer = OfferNeedFactory(organisation=organisation, title="Onze expertise")
    challenge = ChallengeFactory(owner=organisation)
    initiative = InitiativeFactory(lead=organisation)
    introduction = IntroductionFactory(
        requester=org_member,
        requesting_organisation=organisation,
        receiving_organisation=corporation,
        challenge=challenge,
    )
    return {
        "offer": offer,
        "challenge": challenge,
        "initiative": initiative,
        "introduction": introduction,
        "corporation": corporation,
        "corporation_admin": corporation_admin,
    }


def _urls(setup, organisation):
    offer, intro = setup["offer"], setup["introduction"]
    return {
        "list": reverse("matchmaking:offer_need_list"),
        "detail": offer.get_absolute_url(),
        "create": reverse("matchmaking:offer_need_create", args=[organisation.slug]),
        "edit": reverse("matchmaking:offer_need_edit", args=[offer.slug]),
        "organisation": reverse("matchmaking:organisation", args=[organisation.slug]),
        "challenge_suggestions": reverse(
            "matchmaking:challenge_suggestions", args=[setup["challenge"].slug]
        ),
        "initiative_suggestions": reverse(
            "matchmaking:initiative_suggestions", args=[setup["initiative"].slug]
        ),
        "request": reverse("matchmaking:introduction_request", args=[setup["corporation"].slug]),
        "introductions": reverse("matchmaking:introduction_list"),
        "introduction": intro.get_absolute_url(),
        "dashboard": reverse("matchmaking:dashboard"),
        "notifications": reverse("matchmaking:notification_list"),
        "follow": reverse("matchmaking:follow_settings"),
    }


LOGIN = 302
# role → page → expected status for GET
MATRIX = {
    "outsider": {
        "list": 200, "detail": 200, "create": LOGIN, "edit": LOGIN, "organisation": LOGIN,
        "challenge_suggestions": LOGIN, "initiative_suggestions": LOGIN, "request": LOGIN,
        "introductions": LOGIN, "introduction": LOGIN, "dashboard": LOGIN,
        "notifications": LOGIN, "follow": LOGIN,
    },
    "member": {  # belongs to no organisation
        "list": 200, "detail": 200, "create": 404, "edit": 404, "organisation": 404,
        "challenge_suggestions": 403, "initiative_suggestions": 403, "request": 302,
        "introductions": 200, "introduction": 404, "dashboard": 403,
        "notifications": 200, "follow": 200,
    },
    "org_member": {  # asked for the introduction, but is no admin
        "list": 200, "detail": 200, "create": 403, "edit": 403, "organisation": 200,
        "challenge_suggestions": 403, "initiative_suggestions": 403, "request": 200,
        "introductions": 200, "introduction": 200, "dashboard": 403,
        "notifications": 200, "follow": 200,
    },
    "org_admin": {
        "list": 200, "detail": 200, "create": 200, "edit": 200, "organisation": 200,
        "challenge_suggestions": 200, "initiative_suggestions": 200, "request": 200,
        "introductions": 200, "introduction": 200, "dashboard": 403,
        "notifications": 200, "follow": 200,
    },
    "corporation_admin": {  # not forwarded yet: the request is not theirs to see
        "list": 200, "detail": 200, "create": 404, "edit": 404, "organisation": 404,
        "challenge_suggestions": 403, "initiative_suggestions": 403, "request": 302,
        "introductions": 200, "introduction": 404, "dashboard": 403,
        "notifications": 200, "follow": 200,
    },
    "editor": {  # an editor without the facilitate permission
        "list": 200, "detail": 200, "create": 404, "edit": 404, "organisation": 404,
        "challenge_suggestions": 403, "initiative_suggestions": 403, "request": 302,
        "introductions": 200, "introduction": 404, "dashboard": 403,
        "notifications": 200, "follow": 200,
    },
    "facilitator": {
        "list": 200, "detail": 200, "create": 404, "edit": 404, "organisation": 200,
        "challenge_suggestions": 200, "initiative_suggestions": 200, "request": 302,
        "introductions": 200, "introduction": 200, "dashboard": 200,
        "notifications": 200, "follow": 200,
    },
}  # fmt: skip


@pytest.mark.parametrize("role", list(MATRIX))
def test_every_view_checks_access(client, setup, organisation, role, request):
    person = (
        setup["corporation_admin"]
        if role == "corporation_admin"
        else (None if role == "outsider" else request.getfixturevalue(role))
    )
    if person is not None:
        client.force_login(person)
    for page, url in _urls(setup, organisation).items():
        response = client.get(url)
        assert response.status_code == MATRIX[role][page], (role, page, url)


@pytest.mark.parametrize(
    ("role", "action", "expected"),
    [
        ("org_admin", "doorsturen", 403),
        ("corporation_admin", "doorsturen", 404),
        ("editor", "doorsturen", 404),
        ("facilitator", "doorsturen", 302),
        ("facilitator", "accepteren", 403),
        ("org_admin", "accepteren", 403),
        ("facilitator", "onbekend", 404),
    ],
)
def test_introduction_actions_check_the_role(client, setup, request, role, action, expected):
    person = (
        setup["corporation_admin"] if role == "corporation_admin" else request.getfixturevalue(role)
    )
    client.force_login(person)
    url = reverse("matchmaking:introduction_action", args=[setup["introduction"].code, action])

    assert client.post(url, {"forward-note": ""}).status_code == expected


def test_the_receiving_admin_answers_once_forwarded(client, setup, facilitator):
    introduction = setup["introduction"]
    services.introduction_forward(introduction=introduction, by=facilitator)
    client.force_login(setup["corporation_admin"])

    response = client.post(
        reverse("matchmaking:introduction_action", args=[introduction.code, "accepteren"]),
        {"answer-note": "Graag!"},
    )

    assert response.status_code == 302
    introduction.refresh_from_db()
    assert introduction.state == IntroductionState.ACCEPTED


def test_declining_without_a_note_re_renders_with_the_error(client, setup, facilitator, english):
    client.force_login(facilitator)
    url = reverse(
        "matchmaking:introduction_action", args=[setup["introduction"].code, "niet-doorsturen"]
    )

    response = client.post(url, {"reject-note": ""})

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    setup["introduction"].refresh_from_db()
    assert setup["introduction"].state == IntroductionState.REQUESTED


def test_an_admin_posts_an_offer_and_the_form_re_renders_with_errors(
    client, organisation, org_admin, english
):
    client.force_login(org_admin)
    url = reverse("matchmaking:offer_need_create", args=[organisation.slug])
    theme = ThemeFactory()

    bad = client.post(url, {"direction": "offer", "kind": "funding", "title": ""})
    assert bad.status_code == 200
    assert "This field is required." in bad.content.decode()
    assert not OfferNeed.objects.exists()

    good = client.post(
        url,
        {
            "direction": "need",
            "kind": "space",
            "title": "Een werkplaats",
            "description": "Voor **tien** mensen.",
            "themes": [theme.pk],
            "region": organisation.region.pk,
        },
    )
    need = OfferNeed.objects.get()
    assert good.status_code == 302
    assert (need.direction, need.kind, need.created_by) == (Direction.NEED, "space", org_admin)
    assert list(need.themes.all()) == [theme]


def test_an_admin_closes_an_offer_and_it_drops_out_of_the_list(client, setup, org_admin):
    offer = setup["offer"]
    client.force_login(org_admin)

    client.post(reverse("matchmaking:offer_need_close", args=[offer.slug]))

    assert OfferNeed.objects.current().count() == 0
    assert offer.title not in client.get(reverse("matchmaking:offer_need_list")).content.decode()
    client.logout()
    assert client.get(offer.get_absolute_url()).status_code == 404


def test_a_member_cannot_close_an_offer(client, setup, org_member):
    client.force_login(org_member)
    response = client.post(reverse("matchmaking:offer_need_close", args=[setup["offer"].slug]))
    assert response.status_code == 403


def test_a_member_asks_for_an_introduction_through_the_form(client, setup, org_admin, organisation):
    client.force_login(org_admin)
    url = reverse("matchmaking:introduction_request", args=[setup["corporation"].slug])

    response = client.post(
        f"{url}?initiatief={setup['initiative'].slug}",
        {"organisation": organisation.pk, "message": "Zullen we eens praten?"},
    )

    introduction = org_admin.introductions_requested.get()
    assert response.status_code == 302
    assert introduction.initiative == setup["initiative"]


def test_notifications_can_be_marked_as_read(client, setup, facilitator):
    services.introduction_forward(introduction=setup["introduction"], by=facilitator)
    admin = setup["corporation_admin"]
    client.force_login(admin)
    assert client.get("/").context["unread_notifications"] == 1

    client.post(reverse("matchmaking:notifications_read"))

    assert not Notification.objects.unread().filter(recipient=admin).exists()


@pytest.fixture
def many_offers(db):
    themes = [ThemeFactory(name="wonen", slug="wonen"), ThemeFactory(name="zorg", slug="zorg")]
    region = RegionFactory(name="Midden-Brabant", slug="midden-brabant")
    for index in range(30):
        OfferNeedFactory(
            themes=themes,
            region=region,
            kind="funding" if index % 2 else "space",
            direction=Direction.NEED if index % 3 else Direction.OFFER,
        )


@pytest.mark.parametrize(
    "query", ["", "?soort=funding&thema=wonen&regio=midden-brabant&richting=need", "?pagina=2"]
)
def test_the_offer_list_pins_its_queries(client, many_offers, django_assert_num_queries, query):
    # count for the paginator, the page's rows (organisation and region joined),
    # their themes, the theme filter options, the region filter options
    with django_assert_num_queries(5):
        response = client.get(reverse("matchmaking:offer_need_list") + query)
    assert response.status_code == 200


def test_the_dashboard_pins_its_queries(client, facilitator, django_assert_num_queries):
    for state in IntroductionState.values:
        for _ in range(3):
            IntroductionFactory(state=state, answered_by=facilitator)
    client.force_login(facilitator)
    # the user (the session comes from the cache, core.sessions), the user's own and group
    # permissions (cached for the request), counts by state and age, waiting rows (with both organisations, subject and people
    # joined), the cooperation count, the unread notifications count in the navigation
    with django_assert_num_queries(7):
        response = client.get(reverse("matchmaking:dashboard"))
    assert response.status_code == 200
    assert len(response.context["dashboard"].waiting) == 6
