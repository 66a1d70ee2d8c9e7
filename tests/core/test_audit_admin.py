"""The audit trail in the admin: actions in words, filters on the curated kinds only."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from core.admin import CURATED_KINDS
from core.audit import audit_record
from core.models import AUDIT_ACTION_LABELS, AuditEntry
from members.models import User
from tests.initiatives.factories import InitiativeFactory
from tests.stamp.factories import ClaimFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/core/auditentry/"
ENGLISH_CHANGELIST = "/en/admin/core/auditentry/"


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _entries(editor: User) -> dict[str, AuditEntry]:
    claim = ClaimFactory(organisation__name="Energie Samen")
    initiative = InitiativeFactory(title="Buurtwarmte Noord")
    return {
        "revoke": audit_record(
            actor=editor, action="stamp.revoke", target=claim, reason="Misbruik."
        ),
        "publish": audit_record(actor=editor, action="initiative.publish", target=initiative),
        "unknown": audit_record(actor=editor, action="something.new", target=initiative),
    }


def test_every_recorded_action_of_the_services_has_a_label() -> None:
    assert "stamp.revoke" in AUDIT_ACTION_LABELS
    with translation.override("en"):
        assert AuditEntry(action="stamp.revoke").action_display() == "Stamp revoked"
        # A code without a label reads as it is rather than disappearing.
        assert AuditEntry(action="something.new").action_display() == "something.new"


def test_the_audit_trail_shows_actions_in_words(client: Any, editor: User) -> None:
    _entries(editor)

    response = _client(editor).get(ENGLISH_CHANGELIST)

    assert response.status_code == 200
    content = response.content.decode()
    assert "Stamp revoked" in content
    assert "Initiative published" in content
    assert ">stamp.revoke<" not in content
    assert "something.new" in content


def test_the_kind_filter_offers_only_curated_kinds(editor: User) -> None:
    entries = _entries(editor)

    response = _client(editor).get(CHANGELIST)
    filters = {spec.parameter_name: spec for spec in response.context["cl"].filter_specs}
    offered = [value for value, _label in filters["kind"].lookup_choices]
    claims_only = _client(editor).get(CHANGELIST, {"kind": "stamp.claim"})
    unknown = _client(editor).get(CHANGELIST, {"kind": "sessions.session"})

    assert offered == list(CURATED_KINDS)
    assert "content_type__id__exact" not in response.content.decode()
    assert list(claims_only.context["cl"].result_list) == [entries["revoke"]]
    assert len(unknown.context["cl"].result_list) == 3  # an unknown kind filters nothing


def test_the_action_filter_lists_labels_and_filters_on_the_code(editor: User) -> None:
    entries = _entries(editor)

    with translation.override("en"):
        response = _client(editor).get(ENGLISH_CHANGELIST, {"action": "initiative.publish"})
    filters = {spec.parameter_name: spec for spec in response.context["cl"].filter_specs}
    labels = [str(label) for _value, label in filters["action"].lookup_choices]

    assert labels == sorted(labels)
    assert "Stamp revoked" in labels
    assert list(response.context["cl"].result_list) == [entries["publish"]]


def test_the_audit_trail_runs_the_same_queries_for_more_entries(
    editor: User, django_assert_max_num_queries: Any
) -> None:
    _entries(editor)
    client = _client(editor)
    client.get(CHANGELIST)  # warm the content types' cache and the session

    for _ in range(10):
        _entries(editor)
    # Session, user, editor's permissions, count, the page with its actors (select_related),
    # the date hierarchy's bounds and the filtered count: none per row.
    with django_assert_max_num_queries(12):
        response = client.get(CHANGELIST)
    assert response.status_code == 200
