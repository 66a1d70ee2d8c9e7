"""Introductions: states with a timeline, who may do what, the rate limit, contact details."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from initiatives.models import Story
from matchmaking import queries, services
from matchmaking.models import EventKind, Introduction, IntroductionState, Notification, Outcome
from members.models import MembershipRole
from tests.initiatives.factories import ChallengeFactory, InitiativeFactory
from tests.matchmaking.factories import IntroductionFactory
from tests.members.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def parties(org_admin, organisation):
    corporation = OrganisationFactory(name="Woonstichting", kind="housing_corporation")
    corporation_admin = MembershipFactory(
        organisation=corporation,
        role=MembershipRole.OWNER,
        user__display_name="Fatima Corporatie",
        user__email="fatima@woonstichting.example",
    ).user
    return {
        "requester": org_admin,
        "requesting": organisation,
        "receiving": corporation,
        "receiving_admin": corporation_admin,
        "challenge": ChallengeFactory(owner=organisation),
    }


def _request(parties, **extra):
    return services.introduction_request(
        requester=parties["requester"],
        requesting_organisation=parties["requesting"],
        receiving_organisation=parties["receiving"],
        message="Wij zoeken een corporatie die mee wil doen.",
        subject=parties["challenge"],
        **extra,
    )


def test_the_whole_journey_records_a_timeline_and_sends_emails(
    parties, facilitator, run_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        introduction = _request(parties)
        services.introduction_forward(introduction=introduction, by=facilitator, note="Goed idee")
        services.introduction_accept(
            introduction=introduction, by=parties["receiving_admin"], note="Graag"
        )
    run_tasks()

    introduction.refresh_from_db()
    assert introduction.state == IntroductionState.ACCEPTED
    assert introduction.answered_by == parties["receiving_admin"]
    assert [(e.kind, e.actor) for e in introduction.events.all()] == [
        (EventKind.REQUESTED, parties["requester"]),
        (EventKind.FORWARDED, facilitator),
        (EventKind.ACCEPTED, parties["receiving_admin"]),
    ]
    recipients = [tuple(message.to) for message in mail.outbox]
    assert recipients == [
        (facilitator.email,),  # a request waits
        (parties["receiving_admin"].email,),  # forwarded to the receiver
        (parties["requester"].email,),  # your request was forwarded
        (parties["requester"].email,),  # accepted, with the receiver's contact
        (parties["receiving_admin"].email,),  # accepted, with the requester's contact
    ]
    accepted_for_requester = mail.outbox[3]
    assert parties["receiving_admin"].email in accepted_for_requester.body
    assert parties["requester"].email in mail.outbox[4].body
    # Nothing before acceptance carries an address of the other side.
    assert parties["requester"].email not in mail.outbox[1].body
    assert parties["receiving_admin"].email not in mail.outbox[2].body


def test_the_timeline_names_the_other_sides_people_only_after_acceptance(parties, facilitator):
    introduction = _request(parties)
    services.introduction_forward(introduction=introduction, by=facilitator)
    asker, answerer = parties["requester"].display_name, parties["receiving_admin"].display_name
    a_facilitator = gettext("a facilitator")

    def actors(side):
        return [entry.actor for entry in queries.introduction_timeline(introduction, side).entries]

    assert actors("receiving") == [parties["requesting"].name, a_facilitator]
    assert actors("requesting") == actors(None) == [asker, a_facilitator]

    services.introduction_accept(introduction=introduction, by=parties["receiving_admin"])

    assert actors("receiving") == actors("requesting") == [asker, a_facilitator, answerer]


def test_the_facilitator_may_decline_with_a_note_only(parties, facilitator):
    introduction = _request(parties)

    with pytest.raises(ValidationError):
        services.introduction_not_forward(introduction=introduction, by=facilitator, note=" ")
    services.introduction_not_forward(
        introduction=introduction, by=facilitator, note="Vraag eerst de gemeente"
    )

    introduction.refresh_from_db()
    assert introduction.state == IntroductionState.NOT_FORWARDED
    assert introduction.events.last().note == "Vraag eerst de gemeente"


def test_the_facilitator_may_redirect_to_a_better_suited_party(parties, facilitator):
    better = OrganisationFactory(name="Andere corporatie")
    better_admin = MembershipFactory(organisation=better, role=MembershipRole.ADMIN).user
    introduction = _request(parties)

    services.introduction_redirect(
        introduction=introduction, by=facilitator, organisation=better, note="Past beter"
    )

    introduction.refresh_from_db()
    assert introduction.receiving_organisation == better
    assert introduction.state == IntroductionState.FORWARDED
    event = introduction.events.last()
    assert event.kind == EventKind.REDIRECTED
    # The history keeps who was asked first (for the requester and facilitators), outside
    # the note that the new receiver reads.
    assert event.previous_organisation == parties["receiving"]
    assert event.note == "Past beter"
    assert Notification.objects.filter(recipient=better_admin, introduction=introduction).exists()
    assert not Notification.objects.filter(recipient=parties["receiving_admin"]).exists()


def test_only_facilitators_forward_and_only_receiving_admins_answer(parties, facilitator, member):
    introduction = _request(parties)
    for person in (parties["requester"], parties["receiving_admin"], member):
        with pytest.raises(PermissionDenied):
            services.introduction_forward(introduction=introduction, by=person)
    with pytest.raises(PermissionDenied):  # not forwarded yet
        services.introduction_accept(introduction=introduction, by=parties["receiving_admin"])
    services.introduction_forward(introduction=introduction, by=facilitator)
    for person in (parties["requester"], facilitator, member):
        with pytest.raises(PermissionDenied):
            services.introduction_accept(introduction=introduction, by=person)
    services.introduction_decline(introduction=introduction, by=parties["receiving_admin"])
    introduction.refresh_from_db()
    assert introduction.state == IntroductionState.DECLINED


def test_a_member_must_belong_to_the_organisation_it_asks_for(parties, member):
    with pytest.raises(PermissionDenied):
        services.introduction_request(
            requester=member,
            requesting_organisation=parties["requesting"],
            receiving_organisation=parties["receiving"],
            message="Hallo",
        )


def test_no_second_open_request_about_the_same_thing(parties):
    _request(parties)
    with pytest.raises(ValidationError) as error:
        _request(parties)
    assert error.value.code == "duplicate"


def test_a_member_can_send_at_most_the_daily_limit(parties, settings):
    settings.MATCHMAKING_DAILY_REQUEST_LIMIT = 2
    others = [OrganisationFactory() for _ in range(3)]
    with time_machine.travel(timezone.now() - timedelta(hours=25)):
        services.introduction_request(
            requester=parties["requester"],
            requesting_organisation=parties["requesting"],
            receiving_organisation=others[2],
            message="Gisteren",
        )
    for other in others[:2]:
        services.introduction_request(
            requester=parties["requester"],
            requesting_organisation=parties["requesting"],
            receiving_organisation=other,
            message="Hallo",
        )

    with pytest.raises(ValidationError) as error:
        _request(parties)

    assert error.value.code == "rate_limited"
    assert Introduction.objects.filter(requester=parties["requester"]).count() == 3


def test_the_rate_limit_shows_a_clear_message_on_the_form(client, parties, settings, english):
    settings.MATCHMAKING_DAILY_REQUEST_LIMIT = 1
    IntroductionFactory(
        requester=parties["requester"], requesting_organisation=parties["requesting"]
    )
    client.force_login(parties["requester"])
    url = reverse("matchmaking:introduction_request", args=[parties["receiving"].slug])

    response = client.post(url, {"organisation": parties["requesting"].pk, "message": "Hoi"})

    assert response.status_code == 200
    assert "at most 1 introduction a day" in response.content.decode()
    assert Introduction.objects.count() == 1


def test_contacts_show_only_after_acceptance(client, parties, facilitator):
    introduction = _request(parties)
    services.introduction_forward(introduction=introduction, by=facilitator)
    url = introduction.get_absolute_url()
    requester_email = parties["requester"].email
    receiver_email = parties["receiving_admin"].email

    client.force_login(parties["receiving_admin"])
    page = client.get(url).content.decode()
    assert requester_email not in page
    assert parties["requester"].display_name not in page
    client.force_login(parties["requester"])
    assert receiver_email not in client.get(url).content.decode()

    services.introduction_accept(introduction=introduction, by=parties["receiving_admin"])

    assert receiver_email in client.get(url).content.decode()
    client.force_login(parties["receiving_admin"])
    assert requester_email in client.get(url).content.decode()
    client.force_login(facilitator)
    page = client.get(url).content.decode()
    assert requester_email not in page and receiver_email not in page


def test_a_facilitator_proposes_an_introduction_from_a_suggestion(client, parties, facilitator):
    client.force_login(facilitator)
    url = reverse(
        "matchmaking:challenge_propose",
        args=[parties["challenge"].slug, parties["receiving"].slug],
    )

    response = client.post(url, {"message": "Jullie zouden elkaar moeten spreken."})

    introduction = Introduction.objects.get()
    assert response.status_code == 302
    assert introduction.proposed_by == facilitator
    assert introduction.requester is None
    assert introduction.state == IntroductionState.FORWARDED
    assert introduction.challenge == parties["challenge"]
    services.introduction_accept(introduction=introduction, by=parties["receiving_admin"])
    # The requesting side's contact is then its first admin.
    assert services.requesting_contact(introduction) is not None


def test_outcomes_feed_the_home_figure_and_become_a_draft_story(client, parties, facilitator):
    introduction = _request(parties)
    services.introduction_forward(introduction=introduction, by=facilitator)
    services.introduction_accept(introduction=introduction, by=parties["receiving_admin"])
    assert client.get("/").context["introductions_with_outcome"] == 0

    outcome = services.outcome_record(
        introduction=introduction,
        by=parties["receiving_admin"],
        description="Drie maanden een projectleider",
        amount=3,
        unit="maanden",
    )

    assert client.get("/").context["introductions_with_outcome"] == 1
    initiative = InitiativeFactory(lead=parties["requesting"])
    story = services.outcome_to_story(
        outcome=outcome, by=parties["requester"], initiative=initiative
    )
    assert story.is_draft
    assert story.initiative == initiative
    assert "Drie maanden een projectleider" in story.results
    outcome.refresh_from_db()
    assert outcome.story == story


def test_an_outcome_becomes_one_story_even_from_a_copy_loaded_before_the_first(
    parties, facilitator
):
    """Two posts load the outcome before either saves its story (a double click): the
    second must read the story the first saved, not its own stale copy."""
    introduction = _request(parties)
    services.introduction_forward(introduction=introduction, by=facilitator)
    services.introduction_accept(introduction=introduction, by=parties["receiving_admin"])
    outcome = services.outcome_record(
        introduction=introduction, by=parties["requester"], description="Samen gestart"
    )
    initiative = InitiativeFactory(lead=parties["requesting"])
    first, second = Outcome.objects.get(pk=outcome.pk), Outcome.objects.get(pk=outcome.pk)

    story = services.outcome_to_story(outcome=first, by=parties["requester"], initiative=initiative)
    with pytest.raises(ValidationError) as refused:
        services.outcome_to_story(outcome=second, by=parties["requester"], initiative=initiative)

    assert refused.value.code == "has_story"
    assert list(Story.objects.filter(initiative=initiative)) == [story]
    assert Outcome.objects.get(pk=outcome.pk).story == story


def test_an_outsider_cannot_record_an_outcome(parties, facilitator, member):
    introduction = _request(parties)
    services.introduction_forward(introduction=introduction, by=facilitator)
    services.introduction_accept(introduction=introduction, by=parties["receiving_admin"])
    for person in (member, facilitator, UserFactory()):
        with pytest.raises(PermissionDenied):
            services.outcome_record(introduction=introduction, by=person, description="x")
