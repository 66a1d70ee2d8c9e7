"""Editors feature initiatives and stories; the home page shows them first."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry
from curation import services
from curation.models import Feature
from initiatives.models import PublicationStatus
from members.models import User
from tests.initiatives.factories import ChallengeFactory, InitiativeFactory, StoryFactory
from tests.members.factories import OrganisationFactory
from tests.stamp.factories import ClaimFactory

pytestmark = pytest.mark.django_db

ADD = reverse("admin:curation_feature_add")


def test_an_editor_features_an_initiative_in_the_admin(client: Any, editor: User) -> None:
    initiative = InitiativeFactory(title="Nul op de meter")
    client.force_login(editor)

    response = client.post(ADD, {"initiative": initiative.pk, "position": 1, "ends_on": ""})

    assert response.status_code == 302
    feature = Feature.objects.get()
    assert (feature.initiative, feature.created_by) == (initiative, editor)
    entry = AuditEntry.objects.get(action="feature.add")
    assert (entry.actor, entry.object_id) == (editor, str(initiative.pk))
    assert "Nul op de meter" in client.get("/").content.decode()


def test_only_published_items_can_be_featured(client: Any, editor: User) -> None:
    draft = InitiativeFactory(publication_status=PublicationStatus.DRAFT, published_at=None)
    client.force_login(editor)
    response = client.post(ADD, {"initiative": draft.pk, "position": 1})
    assert response.status_code == 200  # the form again, with the error
    assert not Feature.objects.exists()


def test_a_feature_is_an_initiative_or_a_story_never_both(editor: User) -> None:
    story = StoryFactory()
    with pytest.raises(IntegrityError):
        Feature.objects.create(initiative=story.initiative, story=story)


def test_removing_a_feature_leaves_a_trace(client: Any, editor: User) -> None:
    story = StoryFactory()
    feature = services.feature_save(feature=Feature(story=story), by=editor)
    client.force_login(editor)

    client.post(reverse("admin:curation_feature_delete", args=[feature.pk]), {"post": "yes"})

    assert not Feature.objects.exists()
    assert AuditEntry.objects.filter(action="feature.remove", object_id=str(story.pk)).exists()


def test_the_home_page_shows_current_features_in_order(client: Any, editor: User) -> None:
    second = InitiativeFactory(title="Tweede uitgelicht")
    first = StoryFactory(title="Eerste uitgelicht")
    expired = InitiativeFactory(title="Verlopen uitgelicht")
    archived = InitiativeFactory(title="Gearchiveerd uitgelicht")
    services.feature_save(feature=Feature(initiative=second, position=2), by=editor)
    services.feature_save(feature=Feature(story=first, position=1), by=editor)
    services.feature_save(feature=Feature(initiative=expired, position=0), by=editor)
    services.feature_save(feature=Feature(initiative=archived, position=0), by=editor)
    Feature.objects.filter(initiative=expired).update(
        ends_on=timezone.localdate() - timedelta(days=1)
    )
    type(archived).objects.filter(pk=archived.pk).update(publication_status="archived")

    featured = client.get("/").context["featured_items"]

    assert [item.item.title for item in featured] == ["Eerste uitgelicht", "Tweede uitgelicht"]


def test_the_home_page_pins_its_queries(
    client: Any, editor: User, django_assert_num_queries: Any
) -> None:
    for position in range(3):
        services.feature_save(
            feature=Feature(initiative=InitiativeFactory(), position=position), by=editor
        )
        services.feature_save(feature=Feature(story=StoryFactory(), position=10), by=editor)
        ChallengeFactory()
        ClaimFactory(organisation=OrganisationFactory())
    # featured items, themes of the featured initiatives; open challenges + themes;
    # recent stories; recent initiatives + themes; the five figures in one statement
    # (platform_site.home; cached afterwards, see tests/test_bounded_pages.py)
    with django_assert_num_queries(8):
        response = client.get("/")
    assert response.status_code == 200
    assert response.context["carrier_count"] == 3
    assert len(response.context["featured_items"]) == 6


def test_changing_a_feature_keeps_what_another_editor_changed_meanwhile(editor: User) -> None:
    feature = services.feature_save(feature=Feature(story=StoryFactory(), position=5), by=editor)
    mine, theirs = Feature.objects.get(pk=feature.pk), Feature.objects.get(pk=feature.pk)
    theirs.ends_on = timezone.localdate() + timedelta(days=7)
    services.feature_save(feature=theirs, by=editor)

    mine.position = 1
    services.feature_save(feature=mine, by=editor, changed=["position"])  # as the admin does

    feature.refresh_from_db()
    assert (feature.position, feature.ends_on) == (1, theirs.ends_on)
