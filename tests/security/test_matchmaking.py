"""Attacks on introductions, offers and needs; each one performed as an attacker would
(public URLs, or the admin) and refused, with nothing changed in the database."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from curation import services as curation_services
from initiatives import services as initiative_services
from initiatives.models import Story
from matchmaking import services, suggestions
from matchmaking.models import (
    DigestDelivery,
    Direction,
    EventKind,
    Follow,
    Introduction,
    IntroductionEvent,
    IntroductionState,
    Notification,
    OfferNeed,
    Outcome,
)
from members.models import Membership, MembershipRole, Organisation, OrganisationStatus, User
from tests.initiatives.factories import ChallengeFactory, InitiativeFactory
from tests.matchmaking.factories import IntroductionFactory, OfferNeedFactory
from tests.members.factories import (
    MembershipFactory,
    OrganisationFactory,
    ThemeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _admin_of(organisation: Organisation, **user: Any) -> User:
    return MembershipFactory(
        organisation=organisation,
        role=MembershipRole.OWNER,
        **{f"user__{key}": value for key, value in user.items()},
    ).user


def _suspend(*organisations: Organisation) -> None:
    Organisation.objects.filter(pk__in=[o.pk for o in organisations]).update(
        status=OrganisationStatus.SUSPENDED
    )
    for organisation in organisations:
        organisation.refresh_from_db()


def _snapshot(introduction: Introduction) -> tuple[Any, ...]:
    row = Introduction.objects.get(pk=introduction.pk)
    return (
        row.state,
        row.receiving_organisation_id,
        row.requesting_organisation_id,
        row.answered_by_id,
        row.message,
        row.state_changed_at,
        row.events.count(),
    )


@pytest.fixture
def parties(organisation: Organisation, org_admin: User) -> dict[str, Any]:
    """Gemeente Tilburg asks Woonstichting; a third organisation suits better."""
    receiving = OrganisationFactory(name="Woonstichting Eerstgevraagd", kind="housing_corporation")
    receiving_admin = _admin_of(
        receiving, display_name="Fatima Eerstgevraagd", email="fatima@eerstgevraagd.example"
    )
    better = OrganisationFactory(name="Buurtenergie Beter", kind="social_enterprise")
    better_admin = _admin_of(better, display_name="Bram Beter", email="bram@beter.example")
    return {
        "requester": org_admin,
        "requesting": organisation,
        "receiving": receiving,
        "receiving_admin": receiving_admin,
        "better": better,
        "better_admin": better_admin,
    }


def _request(parties: dict[str, Any], **extra: Any) -> Introduction:
    return services.introduction_request(
        requester=parties["requester"],
        requesting_organisation=parties["requesting"],
        receiving_organisation=parties["receiving"],
        message="Vertrouwelijk: onze begroting voor jongerenhuisvesting is 2,4 miljoen.",
        **extra,
    )


def _action_url(introduction: Introduction, action: str) -> str:
    return reverse("matchmaking:introduction_action", args=[introduction.code, action])


# ---------------------------------------------------------------------------
# 1. Introductions change only through services, in the admin too
# ---------------------------------------------------------------------------


def test_a_facilitator_cannot_accept_an_introduction_or_swap_its_receiver_in_the_admin(
    client, parties, facilitator
):
    introduction = _request(parties)
    before = _snapshot(introduction)
    url = reverse("admin:matchmaking_introduction_change", args=[introduction.pk])
    client.force_login(facilitator)

    # The page opens (read-only), so what refuses the post is the rule, not a wall.
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="state"' not in page.content.decode()
    assert 'name="receiving_organisation"' not in page.content.decode()
    response = client.post(
        url,
        {
            "state": IntroductionState.ACCEPTED,
            "receiving_organisation": parties["better"].pk,
            "requesting_organisation": parties["requesting"].pk,
            "answered_by": facilitator.pk,
            "message": "Geaccepteerd door de verbinder",
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
            "outcomes-TOTAL_FORMS": "0",
            "outcomes-INITIAL_FORMS": "0",
            "_save": "Opslaan",
        },
    )

    assert response.status_code == 403
    assert _snapshot(introduction) == before
    assert not Notification.objects.filter(recipient=parties["better_admin"]).exists()


def test_a_superuser_cannot_edit_an_introduction_its_steps_or_outcomes_in_the_admin(
    client, parties, superuser
):
    introduction = _request(parties)
    event = introduction.events.get()
    outcome = Outcome.objects.create(
        introduction=introduction, organisation=parties["requesting"], description="Echt gebeurd"
    )
    before = _snapshot(introduction)
    client.force_login(superuser)

    response = client.post(
        reverse("admin:matchmaking_introduction_change", args=[introduction.pk]),
        {"state": IntroductionState.ACCEPTED, "_save": "Opslaan"},
    )
    event_response = client.post(
        reverse("admin:matchmaking_introductionevent_change", args=[event.pk]),
        {"kind": EventKind.ACCEPTED, "note": "Vervalst", "_save": "Opslaan"},
    )

    outcome_response = client.post(
        reverse("admin:matchmaking_outcome_change", args=[outcome.pk]),
        {"description": "Verzonnen", "amount": "1000000", "_save": "Opslaan"},
    )

    assert response.status_code == 403
    assert event_response.status_code == 403
    assert outcome_response.status_code == 403
    outcome.refresh_from_db()
    assert (outcome.description, outcome.amount) == ("Echt gebeurd", None)
    assert _snapshot(introduction) == before
    event.refresh_from_db()
    assert (event.kind, event.note) == (EventKind.REQUESTED, introduction.message)


def test_the_admin_actions_move_an_introduction_only_through_the_services(
    client, parties, facilitator
):
    waiting, other = _request(parties), IntroductionFactory()
    redirected = _request(parties, subject=ChallengeFactory(owner=parties["requesting"]))
    changelist = reverse("admin:matchmaking_introduction_changelist")
    client.force_login(facilitator)

    client.post(changelist, {"action": "forward", ACTION_CHECKBOX_NAME: [waiting.pk]})
    # "Do not forward" needs a reason: the first post only shows the intermediate page.
    asked = client.post(changelist, {"action": "not_forward", ACTION_CHECKBOX_NAME: [other.pk]})
    assert asked.status_code == 200
    assert Introduction.objects.get(pk=other.pk).state == IntroductionState.REQUESTED
    client.post(
        changelist,
        {
            "action": "not_forward",
            ACTION_CHECKBOX_NAME: [other.pk],
            "apply": "1",
            "reason": "Vraag eerst de gemeente zelf.",
        },
    )
    where_to = client.post(
        changelist, {"action": "redirect", ACTION_CHECKBOX_NAME: [redirected.pk]}
    )
    assert where_to.status_code == 200
    assert 'name="organisation"' in where_to.content.decode()
    client.post(
        changelist,
        {
            "action": "redirect",
            ACTION_CHECKBOX_NAME: [redirected.pk],
            "apply": "1",
            "organisation": parties["better"].pk,
            "note": "",
        },
    )
    # A forwarded introduction is no longer the facilitator's: forwarding again is refused.
    again = _snapshot(waiting)
    client.post(changelist, {"action": "forward", ACTION_CHECKBOX_NAME: [waiting.pk]})

    assert _snapshot(waiting) == again
    waiting.refresh_from_db()
    other.refresh_from_db()
    redirected.refresh_from_db()
    assert waiting.state == IntroductionState.FORWARDED
    assert waiting.events.last().actor == facilitator
    assert other.state == IntroductionState.NOT_FORWARDED
    assert other.events.last().note == "Vraag eerst de gemeente zelf."
    assert redirected.receiving_organisation == parties["better"]
    assert redirected.events.last().previous_organisation == parties["receiving"]


def test_staff_without_the_facilitator_role_cannot_forward_through_an_admin_action(client, parties):
    """Model permissions open the admin page; only the facilitator role moves a request."""
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="matchmaking",
            codename__in=["view_introduction", "change_introduction"],
        )
    )
    introduction = _request(parties)
    before = _snapshot(introduction)
    changelist = reverse("admin:matchmaking_introduction_changelist")
    client.force_login(staff)
    assert client.get(changelist).status_code == 200

    client.post(changelist, {"action": "forward", ACTION_CHECKBOX_NAME: [introduction.pk]})
    client.post(
        changelist,
        {
            "action": "redirect",
            ACTION_CHECKBOX_NAME: [introduction.pk],
            "apply": "1",
            "organisation": parties["better"].pk,
        },
    )

    assert _snapshot(introduction) == before


# ---------------------------------------------------------------------------
# 2. The daily request limit holds under parallel requests
# ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_parallel_requests_cannot_exceed_the_daily_limit(settings, monkeypatch):
    """Fire more parallel requests than the limit, each from its own thread (and connection).

    Counting is slowed down on purpose: without the lock every request would count zero
    before any of them saved, and all would pass. The requester is a plain member: the test
    needs none of the groups that a transactional test's flush removes."""
    limit, attempts = 3, 8
    settings.MATCHMAKING_DAILY_REQUEST_LIMIT = limit
    requesting = OrganisationFactory(name="Gemeente Breda", kind="municipality")
    requester = MembershipFactory(organisation=requesting, role=MembershipRole.ADMIN).user
    receivers = [OrganisationFactory() for _ in range(attempts)]
    counted = services.check_rate_limit

    def slow_count(user: User) -> None:
        counted(user)
        time.sleep(0.2)

    monkeypatch.setattr(services, "check_rate_limit", slow_count)
    start = threading.Barrier(attempts)
    statuses: list[int] = []
    failures: list[BaseException] = []

    def ask(receiving: Organisation) -> None:
        try:
            client = Client()
            client.force_login(requester)
            start.wait(timeout=30)
            response = client.post(
                reverse("matchmaking:introduction_request", args=[receiving.slug]),
                {"organisation": requesting.pk, "message": "Mogen we kennismaken?"},
            )
            statuses.append(response.status_code)
        except BaseException as error:  # reported below, not lost in the thread
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask, args=(receiving,)) for receiving in receivers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not failures
    assert Introduction.objects.filter(requester=requester).count() == limit
    assert sorted(statuses) == [200] * (attempts - limit) + [302] * limit


@pytest.mark.django_db(transaction=True)
def test_the_request_lock_does_not_block_the_members_other_work():
    """The daily-limit lock queues a member's parallel requests, but must not stop another
    transaction from writing a row that points at the member (its foreign-key check takes
    FOR KEY SHARE): with FOR UPDATE, a stamp claim in a second tab deadlocked with it (found
    by bench/scale_check.py)."""
    member = MembershipFactory(role=MembershipRole.ADMIN).user
    other = OrganisationFactory()
    holding, release = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def request_in_progress() -> None:
        try:
            with transaction.atomic():
                services._lock_requester(member)
                holding.set()
                release.wait(timeout=30)
        except BaseException as error:
            failures.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=request_in_progress)
    thread.start()
    try:
        assert holding.wait(timeout=30)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            Membership.objects.create(organisation=other, user=member)
    finally:
        release.set()
        thread.join(timeout=30)

    assert not failures
    assert Membership.objects.filter(organisation=other, user=member).exists()


# ---------------------------------------------------------------------------
# 3. A redirect does not tell the new receiver who was asked first
# ---------------------------------------------------------------------------


def test_the_new_receiver_of_a_redirect_cannot_learn_who_was_asked_first(
    client, parties, facilitator, run_tasks, django_capture_on_commit_callbacks
):
    # About the first organisation's own offer: that would name it too.
    offer = OfferNeedFactory(organisation=parties["receiving"], title="Leegstand Eerstgevraagd")
    introduction = _request(parties, subject=offer)
    client.force_login(facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _action_url(introduction, "doorverwijzen"),
            {"redirect-organisation": parties["better"].slug, "redirect-note": "Past beter."},
        )
    assert response.status_code == 302
    mail.outbox.clear()  # what the facilitators were told when the request came in
    run_tasks()
    first = parties["receiving"]
    secrets = (
        first.name,
        first.slug,
        parties["receiving_admin"].display_name,
        parties["receiving_admin"].email,
        offer.title,
        offer.slug,
    )

    client.force_login(parties["better_admin"])
    seen = [
        client.get(introduction.get_absolute_url()).content.decode(),
        client.get(reverse("matchmaking:notification_list")).content.decode(),
        client.get(reverse("matchmaking:introduction_list")).content.decode(),
    ]
    for message in mail.outbox:
        if message.to == [parties["better_admin"].email]:
            seen += [message.subject, message.body, *[html for html, _type in message.alternatives]]

    assert len(seen) > 3  # the new receiver did get an email
    for text in seen:
        for secret in secrets:
            assert secret not in text
    # The requester keeps the whole history.
    client.force_login(parties["requester"])
    page = client.get(introduction.get_absolute_url()).content.decode()
    assert first.name in page and offer.title in page
    assert offer.title in client.get(reverse("matchmaking:introduction_list")).content.decode()
    requester_mail = [m for m in mail.outbox if m.to == [parties["requester"].email]]
    assert first.name in requester_mail[0].body


# ---------------------------------------------------------------------------
# 4. An outcome's story does not copy the private request message
# ---------------------------------------------------------------------------


def test_turning_an_outcome_into_a_story_does_not_copy_the_private_request_message(
    client, parties, facilitator
):
    introduction = _request(parties)  # about no challenge: nothing public to start from
    services.introduction_forward(introduction=introduction, by=facilitator)
    services.introduction_accept(introduction=introduction, by=parties["receiving_admin"])
    outcome = services.outcome_record(
        introduction=introduction,
        by=parties["requester"],
        description="Tien woningen voor jongeren",
    )
    initiative = InitiativeFactory(lead=parties["requesting"])
    client.force_login(parties["requester"])

    response = client.post(
        reverse("matchmaking:outcome_story", args=[introduction.code, outcome.code]),
        {"initiative": initiative.pk},
    )

    assert response.status_code == 302
    story = Story.objects.get(initiative=initiative)
    texts = [story.title, story.summary, *(getattr(story, name) for name in story.TEXT_FIELDS)]
    assert all("2,4 miljoen" not in text for text in texts)
    assert "Tien woningen voor jongeren" in story.results


# ---------------------------------------------------------------------------
# 5. A suspended organisation: hidden, and frozen
# ---------------------------------------------------------------------------


def test_a_suspended_organisations_offers_disappear_from_every_public_page(client, organisation):
    offer = OfferNeedFactory(organisation=organisation, title="Verborgen expertise")
    need = OfferNeedFactory(
        organisation=organisation, direction=Direction.NEED, title="Verborgen vraag"
    )
    _suspend(organisation)

    pages = [
        client.get(reverse("matchmaking:offer_need_list")),
        client.get(reverse("matchmaking:offer_need_list") + f"?organisatie={organisation.slug}"),
        client.get("/"),
        client.get("/sitemap.xml"),
    ]
    for response in pages:
        assert response.status_code == 200
        body = response.content.decode()
        assert offer.title not in body and offer.slug not in body
        assert need.title not in body and need.slug not in body
    assert client.get(offer.get_absolute_url()).status_code == 404
    assert client.get(need.get_absolute_url()).status_code == 404
    assert pages[2].context["current_offers_and_needs"] == 0


def test_a_suspended_organisation_is_never_suggested(parties, english):
    theme = ThemeFactory(name="wonen", slug="wonen-geschorst")
    challenge = ChallengeFactory(
        owner=parties["requesting"],
        region=parties["receiving"].region,
        themes=[theme],
        stakeholder_kinds=["housing_corporation"],
        resources_needed=["space"],
    )
    OfferNeedFactory(organisation=parties["receiving"], kind="space")
    OfferNeedFactory(organisation=parties["receiving"], direction=Direction.NEED, kind="funding")
    OfferNeedFactory(organisation=parties["better"], kind="funding")
    assert parties["receiving"].pk in [s.pk for s in suggestions.for_challenge(challenge)]

    _suspend(parties["receiving"])

    assert parties["receiving"].pk not in [s.pk for s in suggestions.for_challenge(challenge)]
    assert parties["receiving"].pk not in [
        s.pk for s in suggestions.needs_meeting_offers(parties["better"])
    ]
    # Nor are the challenges and initiatives of a suspended problem owner or lead.
    InitiativeFactory(lead=parties["requesting"], region=parties["receiving"].region)
    _suspend(parties["requesting"])
    assert suggestions.challenges_for(parties["receiving"]) == []
    assert suggestions.initiatives_for(parties["receiving"]) == []


def test_a_suspended_organisations_offers_stay_out_of_the_weekly_digest(organisation):
    theme = ThemeFactory(name="energie", slug="energie-geschorst")
    OfferNeedFactory(organisation=organisation, themes=[theme])
    ChallengeFactory(owner=organisation, themes=[theme])
    reader = UserFactory()
    Follow.objects.create(user=reader, theme=theme)
    since = timezone.now() - timedelta(days=7)
    before = services.digest_items(reader, since=since)
    assert before["offers"] and before["challenges"]  # they would be in it
    _suspend(organisation)

    assert services.digest_items(reader, since=since) == {
        "challenges": [],
        "offers": [],
        "needs": [],
    }
    sent = services.weekly_digest_send()

    assert sent == 0
    assert not DigestDelivery.objects.exists()


def test_a_suspended_organisation_cannot_post_an_offer(client, organisation, org_admin):
    _suspend(organisation)
    client.force_login(org_admin)

    response = client.post(
        reverse("matchmaking:offer_need_create", args=[organisation.slug]),
        {
            "direction": Direction.OFFER,
            "kind": "expertise",
            "title": "Toch een aanbod",
            "description": "Wij helpen graag.",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not OfferNeed.objects.exists()


def test_a_suspended_organisation_cannot_edit_close_or_reopen_an_offer(
    client, organisation, org_admin
):
    offer = OfferNeedFactory(organisation=organisation, title="Oorspronkelijk")
    _suspend(organisation)
    client.force_login(org_admin)

    edit = client.post(
        reverse("matchmaking:offer_need_edit", args=[offer.slug]),
        {
            "direction": Direction.OFFER,
            "kind": "expertise",
            "title": "Gewijzigd tijdens schorsing",
            "description": "Nieuw",
        },
    )
    close = client.post(reverse("matchmaking:offer_need_close", args=[offer.slug]))

    assert edit.status_code == 200
    assert close.status_code == 302
    offer.refresh_from_db()
    assert offer.title == "Oorspronkelijk"
    assert offer.closed_at is None


def test_a_member_of_a_suspended_organisation_cannot_ask_for_an_introduction(client, parties):
    _suspend(parties["requesting"])
    client.force_login(parties["requester"])

    response = client.post(
        reverse("matchmaking:introduction_request", args=[parties["receiving"].slug]),
        {"organisation": parties["requesting"].pk, "message": "Hallo"},
    )

    assert response.status_code == 302  # no organisation left to ask for
    assert not Introduction.objects.exists()
    with pytest.raises(ValidationError):
        _request(parties)
    assert not Introduction.objects.exists()


def test_a_suspended_organisation_cannot_be_asked_or_proposed_for_an_introduction(
    client, parties, facilitator
):
    challenge = ChallengeFactory(owner=parties["requesting"])
    _suspend(parties["receiving"])
    client.force_login(parties["requester"])

    asked = client.post(
        reverse("matchmaking:introduction_request", args=[parties["receiving"].slug]),
        {"organisation": parties["requesting"].pk, "message": "Hallo"},
    )
    client.force_login(facilitator)
    proposed = client.post(
        reverse("matchmaking:challenge_propose", args=[challenge.slug, parties["receiving"].slug]),
        {"message": "Jullie passen bij elkaar."},
    )

    assert asked.status_code == 404
    assert proposed.status_code == 404
    with pytest.raises(ValidationError):
        _request(parties)
    with pytest.raises(ValidationError):
        services.introduction_propose(
            facilitator=facilitator,
            requesting_organisation=parties["requesting"],
            receiving_organisation=parties["receiving"],
            message="Toch",
        )
    assert not Introduction.objects.exists()


def test_a_suspended_organisation_cannot_answer_an_introduction(client, parties, facilitator):
    introduction = _request(parties)
    services.introduction_forward(introduction=introduction, by=facilitator)
    _suspend(parties["receiving"])
    before = _snapshot(introduction)
    client.force_login(parties["receiving_admin"])

    accepted = client.post(_action_url(introduction, "accepteren"), {"answer-note": ""})
    declined = client.post(_action_url(introduction, "afslaan"), {"answer-note": ""})

    assert accepted.status_code == 400
    assert declined.status_code == 400
    assert _snapshot(introduction) == before
    assert parties["requester"].email not in accepted.content.decode()


def test_an_introduction_with_a_suspended_party_waits_until_reinstatement(
    client, parties, facilitator
):
    """Neither side nor a facilitator moves it on while a party is suspended; once the
    suspension is lifted it continues where it was: nothing was lost."""
    introduction = _request(parties)
    _suspend(parties["requesting"])
    client.force_login(facilitator)
    before = _snapshot(introduction)

    forwarded = client.post(_action_url(introduction, "doorsturen"), {"forward-note": ""})

    assert forwarded.status_code == 400
    assert _snapshot(introduction) == before
    page = client.get(introduction.get_absolute_url())
    assert page.context["on_hold"]
    assert _action_url(introduction, "doorsturen") not in page.content.decode()

    Organisation.objects.filter(pk=parties["requesting"].pk).update(
        status=OrganisationStatus.VERIFIED
    )
    assert client.post(_action_url(introduction, "doorsturen"), {}).status_code == 302
    introduction.refresh_from_db()
    assert introduction.state == IntroductionState.FORWARDED


def test_an_accepted_introduction_with_a_suspended_party_gets_no_outcome_or_story(
    client, parties, facilitator
):
    introduction = _request(parties)
    services.introduction_forward(introduction=introduction, by=facilitator)
    services.introduction_accept(introduction=introduction, by=parties["receiving_admin"])
    outcome = services.outcome_record(
        introduction=introduction, by=parties["requester"], description="Samen gestart"
    )
    initiative = InitiativeFactory(lead=parties["requesting"])
    _suspend(parties["receiving"])
    client.force_login(parties["requester"])

    recorded = client.post(
        reverse("matchmaking:outcome_create", args=[introduction.code]),
        {"outcome-description": "Nog meer"},
    )
    story = client.post(
        reverse("matchmaking:outcome_story", args=[introduction.code, outcome.code]),
        {"initiative": initiative.pk},
    )

    assert recorded.status_code == 400
    assert story.status_code == 200
    assert Outcome.objects.count() == 1
    assert not Story.objects.exists()


# ---------------------------------------------------------------------------
# 6. Facilitator-only services check the role themselves
# ---------------------------------------------------------------------------


def test_only_a_facilitator_moves_a_waiting_request(client, parties, editor, member):
    introduction = _request(parties)
    before = _snapshot(introduction)
    staff_without_role = UserFactory(is_staff=True)
    people = (
        parties["requester"],
        parties["receiving_admin"],
        member,
        editor,
        staff_without_role,
    )

    for person in people:
        client.force_login(person)
        for action, data in (
            ("doorsturen", {}),
            ("niet-doorsturen", {"reject-note": "Nee"}),
            ("doorverwijzen", {"redirect-organisation": parties["better"].slug}),
        ):
            assert client.post(_action_url(introduction, action), data).status_code in (403, 404)
        for call in (
            lambda by: services.introduction_forward(introduction=introduction, by=by),
            lambda by: services.introduction_not_forward(
                introduction=introduction, by=by, note="Nee"
            ),
            lambda by: services.introduction_redirect(
                introduction=introduction, by=by, organisation=parties["better"]
            ),
            lambda by: services.introduction_propose(
                facilitator=by,
                requesting_organisation=parties["requesting"],
                receiving_organisation=parties["better"],
                message="Kennismaken?",
            ),
        ):
            with pytest.raises(PermissionDenied):
                call(person)

    assert _snapshot(introduction) == before
    assert Introduction.objects.count() == 1
    assert not IntroductionEvent.objects.exclude(kind=EventKind.REQUESTED).exists()


# ---------------------------------------------------------------------------
# 7. What the editors hid stays hidden until an editor lifts it
# ---------------------------------------------------------------------------


def _hidden_by_report(offer: OfferNeed, editor: User) -> OfferNeed:
    """A member reports the offer; an editor hides it from the reports queue."""
    reporter = MembershipFactory().user
    report = curation_services.report_create(target=offer, by=reporter, reason="Koop nu!")
    curation_services.report_hide(report=report, by=editor, reason="Reclame.")
    offer.refresh_from_db()
    return offer


def _offer_state(offer: OfferNeed) -> tuple[Any, ...]:
    row = OfferNeed.objects.get(pk=offer.pk)
    return (row.title, row.description, row.closed_at, row.hidden_at, row.hidden_reason)


def test_an_organisation_cannot_reopen_or_edit_an_offer_the_editors_hid(
    client, organisation, org_admin, editor
):
    offer = _hidden_by_report(
        OfferNeedFactory(organisation=organisation, title="Gratis adviesgesprek"), editor
    )
    assert offer.is_hidden and offer.closed_at is not None
    before = _offer_state(offer)
    client.force_login(org_admin)

    reopened = client.post(
        reverse("matchmaking:offer_need_close", args=[offer.slug]), {"reopen": "1"}
    )
    closed = client.post(reverse("matchmaking:offer_need_close", args=[offer.slug]))
    edited = client.post(
        reverse("matchmaking:offer_need_edit", args=[offer.slug]),
        {
            "direction": Direction.OFFER,
            "kind": "expertise",
            "title": "Gratis adviesgesprek (echt)",
            "description": "Nu wel goed.",
        },
    )

    assert reopened.status_code == closed.status_code == edited.status_code == 302
    assert _offer_state(offer) == before
    assert not client.get(reverse("matchmaking:offer_need_list")).context["page"].object_list
    # The services refuse too, whoever calls them.
    for call in (
        lambda: services.offer_need_reopen(offer_need=offer, by=org_admin),
        lambda: services.offer_need_close(offer_need=offer, by=org_admin),
        lambda: services.offer_need_update(
            offer_need=offer, by=org_admin, values={"title": "Toch"}
        ),
    ):
        with pytest.raises(ValidationError):
            call()
    assert _offer_state(offer) == before
    # The organisation sees why, without a button that would undo the editors.
    page = client.get(offer.get_absolute_url())
    assert page.status_code == 200
    assert "Reclame." in page.content.decode()
    assert 'name="reopen"' not in page.content.decode()


# ---------------------------------------------------------------------------
# 8. An introduction is only about something public
# ---------------------------------------------------------------------------


def _assert_no_introduction_about(client, parties, facilitator, subject, *, key: str) -> None:
    """Neither the request form (``?<key>=<slug>``, a 404) nor a request or a facilitator's
    proposal through the services can make an introduction about ``subject``."""
    request_url = reverse("matchmaking:introduction_request", args=[parties["receiving"].slug])
    client.force_login(parties["requester"])

    response = client.post(
        f"{request_url}?{key}={subject.slug}",
        {"organisation": parties["requesting"].pk, "message": "Hierover?"},
    )

    assert response.status_code == 404
    with pytest.raises(ValidationError):
        _request(parties, subject=subject)
    with pytest.raises(ValidationError):
        services.introduction_propose(
            facilitator=facilitator,
            requesting_organisation=parties["requesting"],
            receiving_organisation=parties["receiving"],
            message="Jullie passen bij elkaar.",
            subject=subject,
        )
    assert not Introduction.objects.exists()


def test_a_suspended_organisations_challenge_or_initiative_cannot_be_the_subject_of_an_introduction(
    client, parties, facilitator
):
    owner = OrganisationFactory(name="Gemeente Geschorst", kind="municipality")
    challenge = ChallengeFactory(owner=owner, title="Geschorst vraagstuk")
    initiative = InitiativeFactory(lead=owner, title="Geschorst initiatief")
    _suspend(owner)

    _assert_no_introduction_about(client, parties, facilitator, challenge, key="vraagstuk")
    _assert_no_introduction_about(client, parties, facilitator, initiative, key="initiatief")


def test_a_closed_or_hidden_offer_cannot_be_the_subject_of_an_introduction(
    client, parties, editor, facilitator
):
    closed = OfferNeedFactory(organisation=parties["receiving"], closed_at=timezone.now())
    hidden = _hidden_by_report(OfferNeedFactory(organisation=parties["receiving"]), editor)

    _assert_no_introduction_about(client, parties, facilitator, closed, key="aanbod")
    _assert_no_introduction_about(client, parties, facilitator, hidden, key="aanbod")


# ---------------------------------------------------------------------------
# 9. One outcome, one story, also when two posts race
# ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_parallel_posts_cannot_turn_one_outcome_into_two_stories(monkeypatch):
    """Two posts of the "write a story" form at once, each from its own thread (and
    connection). Creating the story is slowed down on purpose: without the lock on the
    outcome both would find no story yet, and both would write one."""
    requesting = OrganisationFactory(name="Gemeente Breda", kind="municipality")
    receiving = OrganisationFactory(name="Woonstichting Breda")
    requester = MembershipFactory(organisation=requesting, role=MembershipRole.ADMIN).user
    answerer = MembershipFactory(organisation=receiving, role=MembershipRole.OWNER).user
    introduction = IntroductionFactory(
        requesting_organisation=requesting,
        receiving_organisation=receiving,
        requester=requester,
        state=IntroductionState.ACCEPTED,
        answered_by=answerer,
    )
    outcome = Outcome.objects.create(
        introduction=introduction, organisation=requesting, description="Tien woningen"
    )
    initiative = InitiativeFactory(lead=requesting)
    create = initiative_services.story_create

    def slow_create(**kwargs: Any) -> Story:
        time.sleep(0.3)
        return create(**kwargs)

    monkeypatch.setattr(initiative_services, "story_create", slow_create)
    attempts = 2
    start = threading.Barrier(attempts)
    statuses: list[int] = []
    failures: list[BaseException] = []

    def post() -> None:
        try:
            client = Client()
            client.force_login(requester)
            start.wait(timeout=30)
            response = client.post(
                reverse("matchmaking:outcome_story", args=[introduction.code, outcome.code]),
                {"initiative": initiative.pk},
            )
            statuses.append(response.status_code)
        except BaseException as error:  # reported below, not lost in the thread
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not failures
    assert Story.objects.filter(initiative=initiative).count() == 1
    assert sorted(statuses) == [200, 302]
    assert Outcome.objects.get(pk=outcome.pk).story == Story.objects.get(initiative=initiative)
