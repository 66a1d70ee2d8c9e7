"""Emails: subject, text and HTML, in the recipient's language, sent by the task worker."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from matchmaking import services
from matchmaking.models import DigestDelivery, Direction, Follow
from members.models import MembershipRole
from tests.initiatives.factories import ChallengeFactory
from tests.matchmaking.factories import IntroductionFactory, OfferNeedFactory
from tests.members.factories import MembershipFactory, OrganisationFactory, ThemeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def forwarded(facilitator, run_tasks, django_capture_on_commit_callbacks):
    requesting = OrganisationFactory(name="Gemeente Tilburg", kind="municipality")
    receiving = OrganisationFactory(name="Woonstichting <Hart>", kind="housing_corporation")
    requester = MembershipFactory(organisation=requesting, role=MembershipRole.ADMIN).user
    receiver_nl = MembershipFactory(
        organisation=receiving, role=MembershipRole.OWNER, user__language="nl"
    ).user
    receiver_en = MembershipFactory(
        organisation=receiving, role=MembershipRole.ADMIN, user__language="en"
    ).user
    introduction = IntroductionFactory(
        requester=requester,
        requesting_organisation=requesting,
        receiving_organisation=receiving,
        message="Wij zoeken <b>woningen</b> voor jongeren.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.introduction_forward(introduction=introduction, by=facilitator, note="Doen!")
    return {"nl": receiver_nl, "en": receiver_en, "requester": requester, "intro": introduction}


def _for(user):
    return next(message for message in mail.outbox if message.to == [user.email])


def test_emails_are_queued_as_tasks_and_sent_by_the_worker(forwarded, run_tasks):
    assert DBTaskResult.objects.count() == 3  # two receiving admins and the requester
    assert mail.outbox == []

    run_tasks()

    assert len(mail.outbox) == 3
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


def test_the_forwarded_email_speaks_the_recipients_language(forwarded, run_tasks):
    run_tasks()
    dutch, english = _for(forwarded["nl"]), _for(forwarded["en"])

    assert dutch.subject == "Gemeente Tilburg wil graag met je kennismaken"
    assert english.subject == "Gemeente Tilburg would like to meet you"
    assert "Wij zoeken <b>woningen</b> voor jongeren." in dutch.body  # plain text, unescaped
    assert "Een verbinder van Breinaald vindt" in dutch.body
    assert "A facilitator of Breinaald thinks" in english.body
    assert forwarded["intro"].get_absolute_url() in english.body
    html, mimetype = english.alternatives[0]
    assert mimetype == "text/html"
    assert "&lt;b&gt;woningen&lt;/b&gt;" in html  # escaped in HTML
    assert "Woonstichting &lt;Hart&gt;" in html
    assert forwarded["requester"].email not in dutch.body + english.body + html


def test_the_requester_hears_that_the_request_was_forwarded(forwarded, run_tasks):
    run_tasks()
    message = _for(forwarded["requester"])
    assert message.subject == "Je kennismaking met Woonstichting <Hart> is doorgestuurd"
    assert "Doen!" in message.body


def test_the_weekly_digest_is_sent_once_a_week(
    member, run_tasks, django_capture_on_commit_callbacks
):
    theme = ThemeFactory(name="wonen", slug="wonen", name_en="housing")
    Follow.objects.create(user=member, theme=theme)
    ChallengeFactory(themes=[theme], title="Betaalbaar wonen")
    OfferNeedFactory(themes=[theme], title="Leegstaand pand", kind="space")
    OfferNeedFactory(themes=[theme], title="Vrijwilligers gezocht", direction=Direction.NEED)
    with time_machine.travel(timezone.now() - timedelta(days=10)):
        OfferNeedFactory(themes=[theme], title="Oud nieuws")

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_weekly_digest")
        call_command("send_weekly_digest")  # the same week: nothing new is sent
    run_tasks()

    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert mail.outbox[0].subject == "Deze week op Breinaald: 3 nieuwe matches"
    assert "Betaalbaar wonen" in body and "Leegstaand pand" in body
    assert "Vrijwilligers gezocht" in body
    assert "Oud nieuws" not in body
    assert DigestDelivery.objects.get().item_count == 3


def test_no_digest_without_news_or_follows(member, run_tasks, django_capture_on_commit_callbacks):
    Follow.objects.create(user=member, theme=ThemeFactory())
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_weekly_digest")
    run_tasks()
    assert mail.outbox == []
