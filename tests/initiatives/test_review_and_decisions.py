"""The owner of a submitted item hears the editors' decision (in the app and by email, on
commit) and learns how long a review usually takes, measured from real decisions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from core.models import AuditEntry
from initiatives import services
from initiatives.models import Challenge, PublicationStatus
from initiatives.waiting import REVIEW_CACHE_KEY, review_time
from matchmaking.models import Notification, NotificationKind
from members.models import MembershipRole, Organisation, User
from tests.initiatives.factories import ChallengeFactory, InitiativeFactory
from tests.members.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

SUBMITTED = PublicationStatus.SUBMITTED


@pytest.fixture
def author(organisation: Organisation) -> User:
    return MembershipFactory(
        organisation=organisation, role=MembershipRole.ADMIN, user__language="en"
    ).user


@pytest.fixture
def submitted(organisation: Organisation, author: User) -> Challenge:
    return ChallengeFactory(
        owner=organisation,
        created_by=author,
        publication_status=SUBMITTED,
        published_at=None,
        submitted_at=timezone.now() - timedelta(days=2),
    )


# --- Notified on publication or rejection -----------------------------------------------------


def test_publication_tells_the_owner_in_the_app_and_by_email_on_commit(
    editor: User, author: User, submitted: Challenge, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.item_publish(item=submitted, by=editor)
    assert mail.outbox == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()

    notification = Notification.objects.get(recipient=author)
    assert notification.kind == NotificationKind.CHALLENGE_PUBLISHED
    assert notification.read_at is None
    assert notification.get_absolute_url() == submitted.get_absolute_url()
    (message,) = mail.outbox
    assert message.to == [author.email]
    assert message.subject.startswith("Published")  # in the author's language
    assert submitted.get_absolute_url() in message.body


def test_rejection_tells_the_owner_in_the_app_and_by_email_with_the_reason(
    editor: User, author: User, submitted: Challenge, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.item_reject(item=submitted, by=editor, reason="Noem de doelgroep.")

    notification = Notification.objects.get(recipient=author)
    assert notification.kind == NotificationKind.CHALLENGE_SENT_BACK
    assert notification.get_absolute_url().endswith(f"/vraagstukken/{submitted.slug}/bewerken/")
    (message,) = mail.outbox
    assert "Noem de doelgroep." in message.body


def test_a_failed_decision_leaves_no_notification(
    member: User, submitted: Challenge, django_capture_on_commit_callbacks: Any
) -> None:
    """Only an editor decides; a refused attempt tells nobody anything."""
    from django.core.exceptions import PermissionDenied

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PermissionDenied):
        services.item_publish(item=submitted, by=member)

    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_publishing_an_archived_challenge_again_is_no_news(
    editor: User, organisation: Organisation, author: User, django_capture_on_commit_callbacks: Any
) -> None:
    archived = ChallengeFactory(
        owner=organisation, created_by=author, publication_status=PublicationStatus.ARCHIVED
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.item_publish(item=archived, by=editor)

    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_a_published_initiative_is_mailed_without_an_in_app_notification(
    editor: User, organisation: Organisation, author: User, django_capture_on_commit_callbacks: Any
) -> None:
    initiative = InitiativeFactory(
        lead=organisation, created_by=author, publication_status=SUBMITTED, published_at=None
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.item_publish(item=initiative, by=editor)

    (message,) = mail.outbox
    assert initiative.get_absolute_url() in message.body
    assert not Notification.objects.exists()


def test_the_owner_finds_the_decision_among_the_unread_on_my_page(
    client: Client, editor: User, author: User, submitted: Challenge
) -> None:
    services.item_publish(item=submitted, by=editor)
    client.force_login(author)

    page = client.get("/mijn/").text

    assert 'data-kind="notification"' in page
    assert f'href="{submitted.get_absolute_url()}"' in page


# --- How long a review usually takes -----------------------------------------------------------


def _decide(days: float, *, reject: bool = False, ago: timedelta = timedelta(days=1)) -> Challenge:
    """A challenge submitted ``days`` before the editors decided on it, ``ago`` from now."""
    decided_at = timezone.now() - ago
    challenge = ChallengeFactory(
        publication_status=PublicationStatus.DRAFT if reject else PublicationStatus.PUBLISHED,
        submitted_at=decided_at - timedelta(days=days),
        published_at=None if reject else decided_at,
    )
    entry = AuditEntry.objects.create(
        action="challenge.reject" if reject else "challenge.publish",
        content_type_id=_content_type_id(),
        object_id=str(challenge.pk),
        object_repr=challenge.title,
        reason="Te vaag." if reject else "",
    )
    AuditEntry.objects.filter(pk=entry.pk).update(created_at=decided_at)
    return challenge


def _content_type_id() -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(Challenge).pk


def test_without_decisions_the_owner_reads_a_plain_fallback(english: None) -> None:
    typical = review_time()

    assert typical.median is None
    assert "no recent reviews" in typical.describe()


def test_the_review_time_is_the_median_of_recent_decisions(english: None) -> None:
    _decide(1)
    _decide(2, reject=True)
    _decide(10)

    typical = review_time()

    assert typical.decisions == 3
    assert typical.median == timedelta(days=2)
    assert "about 2 days" in typical.describe()
    assert "3 decisions" in typical.describe()


def test_old_decisions_republications_and_too_few_decisions_do_not_count() -> None:
    _decide(1)
    _decide(2)
    _decide(30, ago=timedelta(days=120))  # outside the window
    republished = _decide(3)
    # Published long ago, archived, published again now: no review of a submission.
    Challenge.objects.filter(pk=republished.pk).update(
        published_at=timezone.now() - timedelta(days=60)
    )

    typical = review_time()

    assert typical.decisions == 2
    assert typical.median is None  # two decisions say too little


def test_the_review_time_is_measured_once_an_hour(django_assert_num_queries: Any) -> None:
    _decide(1)
    review_time()

    with django_assert_num_queries(0):
        review_time()
    cache.delete(REVIEW_CACHE_KEY)
    with django_assert_num_queries(1):
        review_time()


def test_a_submitted_concept_says_how_long_the_review_usually_takes(
    client: Client, org_admin: User, organisation: Organisation, english: None
) -> None:
    for days in (1, 3, 5):
        _decide(days)
    concept = ChallengeFactory(owner=organisation, publication_status=SUBMITTED, published_at=None)
    client.force_login(org_admin)

    page = client.get(concept.get_absolute_url())  # /en/…: the English page

    assert page.status_code == 200
    assert "A review usually takes about 3 days" in page.text


def test_someone_else_cannot_read_the_concept_or_its_review_time(
    client: Client, organisation: Organisation
) -> None:
    concept = ChallengeFactory(owner=organisation, publication_status=SUBMITTED, published_at=None)
    client.force_login(UserFactory())

    assert client.get(concept.get_absolute_url()).status_code == 404


def test_a_sent_back_concept_shows_what_the_editors_said(
    client: Client, editor: User, author: User, submitted: Challenge
) -> None:
    services.item_reject(item=submitted, by=editor, reason="Noem de doelgroep.")
    client.force_login(author)

    page = client.get(submitted.get_absolute_url())

    assert page.status_code == 200
    assert "data-editors-reason" in page.text
    assert "Noem de doelgroep." in page.text


def test_the_notification_names_the_challenge(
    client: Client, editor: User, author: User, submitted: Challenge
) -> None:
    services.item_publish(item=submitted, by=editor)
    client.force_login(author)

    page = client.get("/meldingen/").text

    assert submitted.title in page
    assert f'href="{submitted.get_absolute_url()}"' in page
