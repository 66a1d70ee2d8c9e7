"""What an editor (Redactie) and a facilitator (Verbinders) can and cannot do in the admin."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from curation.models import Feature, Moderation, Report
from initiatives.models import Challenge, Initiative, PublicationStatus, Story
from matchmaking.models import Introduction
from members.models import Organisation, User
from stamp.models import Charter, Claim
from tests.initiatives.factories import InitiativeFactory
from tests.members.factories import OrganisationFactory, UserFactory
from tests.stamp.factories import CharterFactory

pytestmark = pytest.mark.django_db


def _request(user: User) -> Any:
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def _admin(model: type) -> Any:
    return admin.site._registry[model]


def _url(model: type, view: str = "changelist", *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


# ---------------------------------------------------------------------------
# Editors
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "model", [Initiative, Challenge, Story, Organisation, Claim, Feature, Report]
)
def test_an_editor_may_view_and_change_what_they_curate(editor: User, model: type) -> None:
    model_admin = _admin(model)
    request = _request(editor)
    assert model_admin.has_view_permission(request)
    assert model_admin.has_change_permission(request)


@pytest.mark.parametrize("model", [Initiative, Challenge, Story, Organisation])
def test_an_editor_cannot_delete_content_or_organisations(editor: User, model: type) -> None:
    assert not _admin(model).has_delete_permission(_request(editor))


def test_an_editor_manages_regions_themes_and_features(editor: User) -> None:
    from core.models import Region, Theme

    request = _request(editor)
    for model in (Region, Theme, Feature):
        model_admin = _admin(model)
        assert model_admin.has_add_permission(request)
        assert model_admin.has_change_permission(request)
        assert model_admin.has_delete_permission(request)


def test_an_editor_may_look_at_people_but_not_change_them_or_their_passwords(
    client: Any, editor: User
) -> None:
    person = UserFactory()
    client.force_login(editor)
    user_admin = _admin(User)

    assert user_admin.has_view_permission(_request(editor))
    assert not user_admin.has_change_permission(_request(editor))
    assert client.get(_url(User)).status_code == 200
    assert client.get(f"/admin/members/user/{person.pk}/password/").status_code == 403
    response = client.post(
        _url(User, "change", person.pk), {"email": "ander@example.org", "display_name": "X"}
    )
    assert response.status_code == 403
    person.refresh_from_db()
    assert person.email != "ander@example.org"


def test_an_editor_may_write_a_new_charter_version_but_not_change_a_published_one(
    client: Any, editor: User
) -> None:
    published = CharterFactory(title="Versie één")
    draft = Charter.objects.create(title="Concept", summary="s", body="b")
    client.force_login(editor)

    response = client.post(
        _url(Charter, "change", published.pk),
        {"title": "Herschreven", "summary": "x", "body": "y"},
    )

    published.refresh_from_db()
    assert response.status_code in (200, 302)
    assert published.title == "Versie één"
    assert not _admin(Charter).has_delete_permission(_request(editor), published)
    response = client.post(
        _url(Charter, "change", draft.pk), {"title": "Beter concept", "summary": "s", "body": "b"}
    )
    draft.refresh_from_db()
    assert response.status_code == 302
    assert draft.title == "Beter concept"
    assert _admin(Charter).has_add_permission(_request(editor))


def test_an_editor_opens_the_moderation_queue_and_every_curated_change_list(
    client: Any, editor: User
) -> None:
    client.force_login(editor)
    for model in (Initiative, Challenge, Story, Organisation, Claim, Feature, Report):
        assert client.get(_url(model)).status_code == 200, model
    assert client.get(reverse("admin:curation_moderation_changelist")).status_code == 200
    index = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:curation_moderation_changelist") in index


def test_an_editor_cannot_work_as_a_facilitator(client: Any, editor: User) -> None:
    client.force_login(editor)
    assert not editor.has_perm("matchmaking.facilitate")
    assert not _admin(Introduction).has_change_permission(_request(editor))
    assert client.get(_url(Introduction)).status_code == 403


# ---------------------------------------------------------------------------
# Facilitators
# ---------------------------------------------------------------------------


def test_a_facilitator_works_on_introductions(client: Any, facilitator: User) -> None:
    client.force_login(facilitator)
    request = _request(facilitator)
    assert facilitator.has_perm("matchmaking.facilitate")
    # Introductions are read-only in the admin; facilitators move them on through actions
    # that call the matchmaking services (tests/security/test_matchmaking.py).
    assert _admin(Introduction).has_view_permission(request)
    assert {"forward", "not_forward", "redirect"} <= set(_admin(Introduction).get_actions(request))
    assert client.get(_url(Introduction)).status_code == 200
    for model in (Organisation, Challenge, Initiative):
        assert _admin(model).has_view_permission(request)
        assert client.get(_url(model)).status_code == 200


@pytest.mark.parametrize("model", [Initiative, Challenge, Story, Organisation, Claim, Charter])
def test_a_facilitator_cannot_change_content_organisations_or_the_stamp(
    facilitator: User, model: type
) -> None:
    assert not _admin(model).has_change_permission(_request(facilitator))


def test_a_facilitator_cannot_publish_content(client: Any, facilitator: User) -> None:
    initiative = InitiativeFactory(publication_status=PublicationStatus.SUBMITTED)
    client.force_login(facilitator)

    # Not through the change list action ...
    response = client.post(
        _url(Initiative),
        {"action": "publish_selected", "_selected_action": [initiative.pk]},
    )
    assert response.status_code in (200, 302, 403)
    # ... nor through the moderation queue.
    assert client.get(reverse("admin:curation_moderation_changelist")).status_code == 403
    response = client.post(
        reverse("admin:curation_moderation_approve", args=["initiative", initiative.pk])
    )
    assert response.status_code == 403
    initiative.refresh_from_db()
    assert initiative.publication_status == PublicationStatus.SUBMITTED


def test_a_facilitator_cannot_feature_verify_or_handle_reports(
    client: Any, facilitator: User
) -> None:
    organisation = OrganisationFactory(status="pending", verified_at=None)
    client.force_login(facilitator)
    request = _request(facilitator)

    assert not facilitator.has_perm("curation.moderate")
    assert not facilitator.has_perm("curation.feature")
    for model in (Feature, Report, Moderation):
        assert not _admin(model).has_view_permission(request)
    response = client.post(
        _url(Organisation),
        {"action": "verify_organisations", "_selected_action": [organisation.pk]},
    )
    organisation.refresh_from_db()
    assert organisation.status == "pending"
    assert response.status_code in (200, 302, 403)


def test_a_member_without_staff_status_never_enters_the_admin(client: Any, member: User) -> None:
    client.force_login(member)
    response = client.get(reverse("admin:curation_moderation_changelist"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]
