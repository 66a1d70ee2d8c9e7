"""The moderation queue: what waits, approving, rejecting with a reason, and the traces."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from core.models import AuditEntry
from initiatives.models import PublicationStatus
from members.models import MembershipRole, OrganisationStatus, User
from tests.initiatives.factories import ChallengeFactory, InitiativeFactory, StoryFactory
from tests.members.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:curation_moderation_changelist")
SUBMITTED = PublicationStatus.SUBMITTED


def _approve(kind: str, pk: int) -> str:
    return reverse("admin:curation_moderation_approve", args=[kind, pk])


def _reject(kind: str, pk: int) -> str:
    return reverse("admin:curation_moderation_reject", args=[kind, pk])


def _actions(target: Any) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_id=str(target.pk), object_repr=str(target)).values_list(
            "action", flat=True
        )
    )


def test_the_queue_lists_what_waits_oldest_first(client: Any, editor: User) -> None:
    old = InitiativeFactory(publication_status=SUBMITTED, title="Oud initiatief")
    new_challenge = ChallengeFactory(publication_status=SUBMITTED, title="Nieuw vraagstuk")
    story = StoryFactory(publication_status=SUBMITTED, title="Een verhaal")
    pending = OrganisationFactory(status=OrganisationStatus.PENDING, name="Buurtkracht")
    InitiativeFactory(title="Al gepubliceerd")
    type(old).objects.filter(pk=old.pk).update(submitted_at="2020-01-01T10:00Z")
    client.force_login(editor)

    response = client.get(QUEUE)

    text = response.content.decode()
    assert response.status_code == 200
    titles = [row.title for row in response.context["rows"]]
    assert titles[0] == "Oud initiatief"
    assert {"Nieuw vraagstuk", "Een verhaal", "Buurtkracht"} <= set(titles)
    assert "Al gepubliceerd" not in text
    assert _approve("organisation", pending.pk) in text
    assert _reject("story", story.pk) in text
    assert new_challenge.get_absolute_url() in text


def test_the_queue_pins_its_queries(
    client: Any, editor: User, django_assert_max_num_queries: Any
) -> None:
    for _ in range(5):
        InitiativeFactory(publication_status=SUBMITTED)
        ChallengeFactory(publication_status=SUBMITTED)
        StoryFactory(publication_status=SUBMITTED)
        OrganisationFactory(status=OrganisationStatus.PENDING)
    client.force_login(editor)
    # session, user, the editor's own and group permissions; initiatives, challenges,
    # stories and organisations that wait; open reports; the admin menu asks whether the
    # stamp settings row exists (StampSettingsAdmin.has_add_permission)
    with django_assert_max_num_queries(10):
        assert client.get(QUEUE).status_code == 200


def test_approving_publishes_the_item_and_leaves_a_trace(client: Any, editor: User) -> None:
    initiative = InitiativeFactory(publication_status=SUBMITTED, published_at=None)
    client.force_login(editor)

    response = client.post(_approve("initiative", initiative.pk))

    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.publication_status == PublicationStatus.PUBLISHED
    entry = AuditEntry.objects.get(action="initiative.publish")
    assert entry.actor == editor
    assert entry.object_id == str(initiative.pk)
    assert client.get(initiative.get_absolute_url()).status_code == 200


def test_approving_a_new_organisation_verifies_it(client: Any, editor: User) -> None:
    organisation = OrganisationFactory(status=OrganisationStatus.PENDING, verified_at=None)
    client.force_login(editor)

    client.post(_approve("organisation", organisation.pk))

    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.VERIFIED
    assert AuditEntry.objects.filter(action="organisation.verify", actor=editor).exists()


def test_a_story_of_an_unpublished_initiative_cannot_be_approved(client: Any, editor: User) -> None:
    story = StoryFactory(
        publication_status=SUBMITTED,
        initiative__publication_status=PublicationStatus.DRAFT,
        initiative__published_at=None,
    )
    client.force_login(editor)

    response = client.post(_approve("story", story.pk), follow=True)

    story.refresh_from_db()
    assert story.publication_status == SUBMITTED
    assert "Publish the initiative first" in response.content.decode() or (
        "Publiceer eerst het initiatief" in response.content.decode()
    )


def test_rejecting_needs_a_reason(client: Any, editor: User) -> None:
    challenge = ChallengeFactory(publication_status=SUBMITTED)
    client.force_login(editor)

    assert client.get(_reject("challenge", challenge.pk)).status_code == 200
    response = client.post(_reject("challenge", challenge.pk), {"reason": "  "})

    assert response.status_code == 400
    challenge.refresh_from_db()
    assert challenge.publication_status == SUBMITTED
    assert not AuditEntry.objects.filter(action="challenge.reject").exists()


def test_rejecting_sends_the_item_back_and_mails_the_reason_to_the_author(
    client: Any, editor: User, django_capture_on_commit_callbacks: Any
) -> None:
    author = UserFactory(language="en")
    membership = MembershipFactory(user=author, role=MembershipRole.ADMIN)
    initiative = InitiativeFactory(
        publication_status=SUBMITTED, lead=membership.organisation, created_by=author
    )
    client.force_login(editor)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _reject("initiative", initiative.pk), {"reason": "Voeg de partners toe."}
        )

    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.publication_status == PublicationStatus.DRAFT
    entry = AuditEntry.objects.get(action="initiative.reject")
    assert entry.reason == "Voeg de partners toe."
    assert entry.actor == editor
    (message,) = mail.outbox
    assert message.to == [author.email]
    assert "Voeg de partners toe." in message.body
    assert "Not published yet" in message.subject  # in the author's language
    assert f"/initiatieven/{initiative.slug}/bewerken/" in message.body


def test_rejecting_a_new_organisation_suspends_it_with_the_reason(
    client: Any, editor: User, django_capture_on_commit_callbacks: Any
) -> None:
    owner = MembershipFactory(
        role=MembershipRole.OWNER,
        organisation__status=OrganisationStatus.PENDING,
        organisation__verified_at=None,
    )
    organisation = owner.organisation
    client.force_login(editor)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(_reject("organisation", organisation.pk), {"reason": "Bestaat niet."})

    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.SUSPENDED
    assert AuditEntry.objects.get(action="organisation.suspend").reason == "Bestaat niet."
    assert [message.to for message in mail.outbox] == [[owner.user.email]]
    assert "Bestaat niet." in mail.outbox[0].body
    assert organisation.name not in [row.title for row in client.get(QUEUE).context["rows"]]


def test_a_published_item_is_not_approved_or_rejected_again(client: Any, editor: User) -> None:
    story = StoryFactory()
    client.force_login(editor)

    client.post(_approve("story", story.pk))
    response = client.post(_reject("story", story.pk), {"reason": "Toch niet"})

    assert response.status_code == 400
    story.refresh_from_db()
    assert story.publication_status == PublicationStatus.PUBLISHED
    assert AuditEntry.objects.count() == 0


def test_an_unknown_kind_is_not_found(client: Any, editor: User) -> None:
    client.force_login(editor)
    assert client.post(_approve("gebruiker", editor.pk)).status_code == 404


def test_the_admin_speaks_dutch_and_english(client: Any, editor: User) -> None:
    client.force_login(editor)

    dutch = client.get(QUEUE).content.decode()
    english = client.get("/en" + QUEUE).content.decode()

    assert "Moderatiewachtrij" in dutch
    assert "Moderation queue" in english
    assert "Breinaald" in client.get(reverse("admin:index")).content.decode()
