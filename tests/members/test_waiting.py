"""/mijn/: "Wacht op jou" lists what waits for the member, each with its one action, and an
editor's or a facilitator's own queue instead of "Register an organisation"."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.audit import audit_record
from initiatives import waiting as initiative_waiting
from initiatives.models import PublicationStatus
from matchmaking import waiting as matchmaking_waiting
from matchmaking.models import IntroductionState, Notification, NotificationKind
from members import queries as member_queries
from members import waiting as member_waiting
from members.models import JoinRequest, MembershipRole, Organisation, OrganisationStatus, User
from stamp import waiting as stamp_waiting
from stamp.models import ClaimStatus
from tests.initiatives.factories import (
    ChallengeFactory,
    ChallengeLinkFactory,
    InitiativeFactory,
    PartnerFactory,
    StoryFactory,
)
from tests.matchmaking.factories import IntroductionFactory
from tests.members.factories import (
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.stamp.factories import ClaimFactory

pytestmark = pytest.mark.django_db

DASHBOARD = "/mijn/"


def _login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def _kinds(response: Any) -> list[str]:
    """The kinds of the waiting items on the page, in order."""
    return re.findall(r'class="card waiting-item[^"]*" data-kind="(\w+)"', response.text)


def _queue(response: Any) -> dict[str, int]:
    """An editor's or facilitator's counts, by key."""
    found = re.findall(
        r'data-queue="(\w+)">(?:<a href="[^"]*">)?<strong class="queue-counts__number">(\d+)',
        response.text,
    )
    return {key: int(number) for key, number in found}


def waiting_items(user: User) -> list[Any]:
    """Every app's answer for the user, as the dashboard's tags ask it."""
    memberships = list(member_queries.memberships_of(user))
    return [
        *member_waiting.waiting_for(user, memberships),
        *initiative_waiting.waiting_for(user),
        *stamp_waiting.waiting_for(user),
        *matchmaking_waiting.waiting_for(user),
    ]


def fill_waiting(user: User, organisation: Organisation, n: int) -> None:
    """``n`` of every kind of thing that can wait for ``user``, an admin of ``organisation``."""
    now = timezone.now()
    for i in range(n):
        InvitationFactory(email=user.email, organisation=OrganisationFactory())
        JoinRequest.objects.create(organisation=organisation, user=UserFactory(), message="Hoi")
        JoinRequest.objects.create(organisation=OrganisationFactory(), user=user)
        PartnerFactory(organisation=organisation, confirmed_at=None)
        ChallengeLinkFactory(challenge__owner=organisation, confirmed_at=None)
        ChallengeFactory(
            owner=organisation, publication_status=PublicationStatus.SUBMITTED, submitted_at=now
        )
        InitiativeFactory(
            lead=organisation, publication_status=PublicationStatus.SUBMITTED, submitted_at=now
        )
        StoryFactory(
            initiative__lead=organisation,
            publication_status=PublicationStatus.SUBMITTED,
            submitted_at=now,
        )
        sent_back = ChallengeFactory(
            owner=organisation, publication_status=PublicationStatus.DRAFT, submitted_at=now
        )
        audit_record(actor=None, action="challenge.reject", target=sent_back, reason=f"Reden {i}")
        # Each organisation holds at most one open claim: one more organisation per round.
        other = OrganisationFactory()
        MembershipFactory(organisation=other, user=user, role=MembershipRole.ADMIN)
        ClaimFactory(organisation=other, confirmation_due_at=now + timedelta(days=20))
        pending_org = OrganisationFactory()
        MembershipFactory(organisation=pending_org, user=user, role=MembershipRole.OWNER)
        ClaimFactory(organisation=pending_org, status=ClaimStatus.PENDING, active_since=None)
        received = IntroductionFactory(
            receiving_organisation=organisation, state=IntroductionState.FORWARDED
        )
        IntroductionFactory(requester=user, requesting_organisation=organisation)
        Notification.objects.create(
            recipient=user, kind=NotificationKind.INTRODUCTION_RECEIVED, introduction=received
        )


def _queries(client: Client) -> int:
    cache.clear()  # the review time is measured anew: count its query too
    with CaptureQueriesContext(connection) as captured:
        response = client.get(DASHBOARD)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_nothing_waits_for_a_new_member(client: Client, member: User) -> None:
    response = _login(client, member).get(DASHBOARD)

    assert _kinds(response) == []
    assert "Er wacht nu niets op je." in response.text
    assert reverse("members:organisation_create") in response.text


def test_everything_that_waits_shows_with_its_one_action(
    client: Client, organisation: Organisation, org_admin: User
) -> None:
    fill_waiting(org_admin, organisation, 1)

    response = _login(client, org_admin).get(DASHBOARD)

    kinds = _kinds(response)
    for kind in (
        "invitation",
        "join_request",
        "own_join_request",
        "partner_request",
        "challenge_link",
        "submitted",
        "sent_back",
        "stamp_confirm",
        "stamp_pending",
        "introduction_to_answer",
        "introduction_in_progress",
        "notification",
    ):
        assert kind in kinds, kind
    items = {item.kind: item for item in waiting_items(org_admin)}
    # Each item links to the page where the member acts.
    assert items["partner_request"].action_url.startswith(reverse("initiatives:workspace"))
    assert items["sent_back"].note == "Reden 0"  # what the editors said
    assert items["sent_back"].action_url.endswith("/bewerken/")
    assert items["stamp_confirm"].deadline is not None
    assert items["introduction_to_answer"].action_url.startswith("/kennismakingen/")
    assert items["submitted"].note  # how long the review usually takes
    page = response.text.replace("&amp;", "&")
    for item in items.values():
        # An invitation's link is signed anew on every page: compare up to the signature.
        url = item.action_url if item.kind != "invitation" else item.action_url.split(":")[0]
        assert f'href="{url}' in page
    assert "Reden 0" in page
    assert "Er wacht nu niets op je." not in response.text


def test_what_waits_is_only_the_members_own(
    client: Client, organisation: Organisation, org_admin: User, org_member: User
) -> None:
    """A plain member of the organisation decides on nothing of its admins' queue."""
    fill_waiting(org_admin, organisation, 1)

    kinds = _kinds(_login(client, org_member).get(DASHBOARD))

    assert "join_request" not in kinds
    assert "partner_request" not in kinds
    assert "introduction_to_answer" not in kinds
    assert "stamp_confirm" not in kinds
    assert "notification" not in kinds
    # Concepts of the member's organisation do concern every member.
    assert "submitted" in kinds


def test_the_dashboard_costs_the_same_queries_with_many_items(
    client: Client, organisation: Organisation, org_admin: User
) -> None:
    """19 queries: session, user, memberships; members: verified emails, invitations,
    requests to join; initiatives: partner requests, challenge links, concepts (one per
    kind: 3), the editors' reasons, the review time; stamp: claims, the current charter;
    matchmaking: introductions, the organisations the member speaks for, unread
    notifications; and the unread count in the header."""
    fill_waiting(org_admin, organisation, 1)
    _login(client, org_admin)
    few = _queries(client)
    fill_waiting(org_admin, organisation, 4)

    many = _queries(client)

    assert many == few == 19


def test_an_editor_sees_the_moderation_queue_instead_of_registering(
    client: Client, editor: User
) -> None:
    ChallengeFactory(publication_status=PublicationStatus.SUBMITTED, submitted_at=timezone.now())
    OrganisationFactory(status=OrganisationStatus.PENDING, verified_at=None)

    response = _login(client, editor).get(DASHBOARD)

    queue = _queue(response)
    assert queue["challenges"] == 1
    assert queue["organisations"] >= 1
    assert queue["reports"] == 0
    assert reverse("admin:curation_moderation_changelist") in response.text
    assert reverse("admin:curation_report_changelist") in response.text
    assert reverse("members:organisation_create") not in response.text


def test_a_facilitator_sees_introductions_to_forward_instead_of_registering(
    client: Client, facilitator: User
) -> None:
    waiting = IntroductionFactory()
    IntroductionFactory(state=IntroductionState.FORWARDED)

    response = _login(client, facilitator).get(DASHBOARD)

    assert _queue(response) == {"to_forward": 1, "awaiting_answer": 1}
    assert waiting.get_absolute_url() in response.text
    assert reverse("matchmaking:dashboard") in response.text
    assert reverse("members:organisation_create") not in response.text


def test_a_member_sees_no_queue_of_editors_or_facilitators(client: Client, member: User) -> None:
    response = _login(client, member).get(DASHBOARD)

    assert _queue(response) == {}
    assert reverse("admin:curation_moderation_changelist") not in response.text


def test_my_initiatives_and_introductions_are_in_the_navigation(
    client: Client, member: User
) -> None:
    page = _login(client, member).get("/").text

    assert f'href="{reverse("initiatives:workspace")}"' in page
    assert f'href="{reverse("matchmaking:introduction_list")}"' in page


def test_a_visitor_has_no_member_links_in_the_navigation(client: Client) -> None:
    page = client.get("/").text

    assert f'href="{reverse("initiatives:workspace")}"' not in page
