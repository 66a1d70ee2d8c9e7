"""Publishing states: only published content is public, anywhere."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.functional import Promise

from initiatives import services
from initiatives.models import PublicationStatus
from initiatives.views.write import TRANSITION_MESSAGES
from tests.initiatives.factories import ChallengeFactory, InitiativeFactory, StoryFactory

pytestmark = pytest.mark.django_db

HIDDEN = ("draft", "submitted", "archived")


@pytest.mark.parametrize("status", HIDDEN)
def test_an_unpublished_initiative_is_nowhere_public(client, status) -> None:
    initiative = InitiativeFactory(title="Verborgen initiatief", publication_status=status)
    challenge = ChallengeFactory(title="Verborgen vraagstuk", publication_status=status)
    story = StoryFactory(title="Verborgen verhaal", publication_status=status)

    for url in [
        "/",
        "/initiatieven/",
        "/vraagstukken/",
        "/verhalen/",
        "/initiatieven/feed/",
        "/vraagstukken/feed/atom/",
        "/verhalen/feed/",
        "/regios/midden-brabant/",
        "/regios/midden-brabant/feed/",
        "/sitemap.xml",
        "/zoeken/?q=verborgen",
        initiative.lead.get_absolute_url(),
        challenge.owner.get_absolute_url(),
    ]:
        body = client.get(url).content.decode()
        assert "Verborgen" not in body, url
        assert initiative.slug not in body, url
    for item in (initiative, challenge, story):
        assert client.get(item.get_absolute_url()).status_code == 404


def test_a_story_of_an_unpublished_initiative_stays_hidden(client) -> None:
    story = StoryFactory(initiative=InitiativeFactory(publication_status="archived"))

    assert client.get(story.get_absolute_url()).status_code == 404
    assert story.title not in client.get("/verhalen/").content.decode()


def test_a_draft_goes_through_submit_and_publish(org_admin, editor) -> None:
    initiative = InitiativeFactory(
        lead=org_admin.memberships.get().organisation, publication_status="draft"
    )

    services.item_submit(item=initiative, by=org_admin)
    assert initiative.publication_status == PublicationStatus.SUBMITTED
    assert initiative.submitted_at is not None

    services.item_publish(item=initiative, by=editor)
    assert initiative.publication_status == PublicationStatus.PUBLISHED
    first_published = initiative.published_at

    services.item_archive(item=initiative, by=org_admin)
    assert initiative.publication_status == PublicationStatus.ARCHIVED

    services.item_publish(item=initiative, by=editor)
    assert initiative.published_at == first_published


def test_a_draft_cannot_skip_submission(editor) -> None:
    challenge = ChallengeFactory(publication_status="draft")

    with pytest.raises(PermissionDenied):
        services.item_publish(item=challenge, by=editor)


def test_only_editors_publish(org_admin) -> None:
    initiative = InitiativeFactory(
        lead=org_admin.memberships.get().organisation, publication_status="submitted"
    )

    with pytest.raises(PermissionDenied):
        services.item_publish(item=initiative, by=org_admin)


def test_a_story_waits_for_its_initiative(editor) -> None:
    story = StoryFactory(
        publication_status="submitted", initiative=InitiativeFactory(publication_status="draft")
    )

    with pytest.raises(ValidationError):
        services.item_publish(item=story, by=editor)


def test_the_database_refuses_a_published_item_without_a_date() -> None:
    from django.db import IntegrityError

    initiative = InitiativeFactory(publication_status="draft")
    initiative.publication_status = "published"
    with pytest.raises(IntegrityError):
        initiative.save(update_fields=["publication_status"])


def test_the_owning_organisation_sees_its_draft_with_a_note(client, org_member) -> None:
    initiative = InitiativeFactory(
        lead=org_member.memberships.get().organisation, publication_status="draft"
    )
    client.force_login(org_member)

    response = client.get(initiative.get_absolute_url())

    assert response.status_code == 200
    assert "concept" in response.content.decode().lower() or "draft" in response.content.decode()


@pytest.mark.parametrize("field", ["publication_status", "published_at", "hidden_at"])
def test_an_owners_edit_cannot_write_the_state(org_admin, organisation, field) -> None:
    """The state changes through its own services; an edit that names it is a mistake in
    the caller, and nothing is written."""
    initiative = InitiativeFactory(lead=organisation, publication_status=PublicationStatus.DRAFT)

    with pytest.raises(ValueError, match=field):
        services.item_update(item=initiative, by=org_admin, values={"title": "Anders", field: None})

    initiative.refresh_from_db()
    assert initiative.title != "Anders"
    assert initiative.publication_status == PublicationStatus.DRAFT


def test_an_owners_edit_writes_what_it_changed(org_admin, organisation) -> None:
    initiative = InitiativeFactory(lead=organisation, publication_status=PublicationStatus.DRAFT)

    services.item_update(
        item=initiative, by=org_admin, values={"title": "Anders", "description": "Nu *ja*"}
    )

    initiative.refresh_from_db()
    assert (initiative.title, initiative.search_text) == ("Anders", "Nu ja")


def test_an_owners_edit_writes_only_the_columns_that_changed(org_admin, organisation) -> None:
    """A column the owner left as it was is not written, so the save cannot put back what
    someone else changed in it meanwhile; an edit that changes nothing writes no row."""
    initiative = InitiativeFactory(lead=organisation, publication_status=PublicationStatus.DRAFT)
    fresh = type(initiative).objects.get(pk=initiative.pk)
    type(initiative).objects.filter(pk=initiative.pk).update(website="https://elders.nl")

    with CaptureQueriesContext(connection) as queries:
        services.item_update(
            item=fresh, by=org_admin, values={"title": initiative.title, "tagline": "Nieuw"}
        )
    updates = [query["sql"] for query in queries if query["sql"].startswith("UPDATE")]
    assert len(updates) == 1
    assert '"tagline"' in updates[0] and '"updated_at"' in updates[0]
    assert '"title"' not in updates[0] and '"website"' not in updates[0]
    initiative.refresh_from_db()
    assert (initiative.tagline, initiative.website) == ("Nieuw", "https://elders.nl")

    with CaptureQueriesContext(connection) as queries:
        services.item_update(item=initiative, by=org_admin, values={"tagline": "Nieuw"})
    assert not [query for query in queries if query["sql"].startswith("UPDATE")]


def test_every_transition_message_is_translated(client, org_admin, organisation) -> None:
    assert all(isinstance(message, Promise) for message in TRANSITION_MESSAGES.values())
    initiative = InitiativeFactory(lead=organisation, publication_status=PublicationStatus.DRAFT)
    client.force_login(org_admin)

    response = client.post(f"/en/initiatieven/{initiative.slug}/status/submit/", follow=True)

    assert [str(message) for message in response.context["messages"]] == [
        "Submitted: the editors will review it."
    ]
