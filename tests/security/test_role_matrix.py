"""Every service that changes editor-only state, tried by every persona.

The service is the check that holds (admin actions, views and commands all call it), so the
matrix calls the services directly: only editors (the "Redactie" group) and superusers get
through; a visitor, a member, the organisation's own admin, the admin of another organisation
and a facilitator (staff in "Verbinders") are refused and nothing changes.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from curation import services as curation_services
from curation.models import Feature, Report
from initiatives import services as initiative_services
from initiatives.models import Challenge, Initiative, PublicationStatus, Story
from matchmaking import services as matchmaking_services
from matchmaking.models import OfferNeed
from members import services as member_services
from members.models import (
    MembershipRole,
    Organisation,
    OrganisationIdentityChange,
    OrganisationStatus,
    User,
)
from stamp import services as stamp_services
from stamp.models import Charter, Claim, ClaimStatus
from tests.initiatives.factories import ChallengeFactory, InitiativeFactory, StoryFactory
from tests.matchmaking.factories import OfferNeedFactory
from tests.members.factories import MembershipFactory, OrganisationFactory
from tests.stamp.factories import CharterFactory, ClaimFactory

pytestmark = pytest.mark.django_db

REFUSED = ["outsider", "member", "org_admin", "other_org_admin", "facilitator"]
ALLOWED = ["editor", "superuser"]
SUBMITTED = PublicationStatus.SUBMITTED


@dataclass(frozen=True)
class Case:
    """One editor-only service: build its target for `organisation`, call it, read the state
    that the call would change."""

    arrange: Callable[[Organisation], Any]
    act: Callable[[Any, Any], Any]
    state: Callable[[Any], Any]


def _reloaded(model: type, field: str) -> Callable[[Any], Any]:
    return lambda target: model.objects.values_list(field, flat=True).get(pk=target.pk)


def _claim(organisation: Organisation, status: str) -> Claim:
    reason = "Gebruikt als keurmerk." if status == ClaimStatus.REVOKED else ""
    return ClaimFactory(organisation=organisation, status=status, status_reason=reason)


def _suspended(organisation: Organisation) -> Organisation:
    Organisation.objects.filter(pk=organisation.pk).update(status=OrganisationStatus.SUSPENDED)
    return Organisation.objects.get(pk=organisation.pk)


def _hidden(initiative: Initiative) -> Initiative:
    Initiative.objects.filter(pk=initiative.pk).update(
        publication_status=PublicationStatus.ARCHIVED,
        hidden_at=timezone.now(),
        hidden_reason="Reclame.",
    )
    return Initiative.objects.get(pk=initiative.pk)


def _identity_change(organisation: Organisation) -> OrganisationIdentityChange:
    """A verified organisation asks for a new name; the verified one stays until decided."""
    return OrganisationIdentityChange.objects.create(
        organisation=organisation,
        name=f"{organisation.name} (nieuw)",
        website=organisation.website,
        previous_name=organisation.name,
        previous_website=organisation.website,
    )


def _report(organisation: Organisation) -> Report:
    initiative = InitiativeFactory(lead=organisation)
    reporter = MembershipFactory().user
    return curation_services.report_create(target=initiative, by=reporter, reason="Reclame.")


CASES: dict[str, Case] = {
    "organisation_verify": Case(
        arrange=lambda o: OrganisationFactory(status=OrganisationStatus.PENDING, verified_at=None),
        act=lambda target, by: member_services.organisation_verify(organisation=target, by=by),
        state=_reloaded(Organisation, "status"),
    ),
    "organisation_suspend": Case(
        arrange=lambda o: o,
        act=lambda target, by: member_services.organisation_suspend(
            organisation=target, by=by, reason="Misleidende naam."
        ),
        state=_reloaded(Organisation, "status"),
    ),
    "organisation_reinstate": Case(
        arrange=lambda o: _suspended(o),
        act=lambda target, by: member_services.organisation_reinstate(organisation=target, by=by),
        state=_reloaded(Organisation, "status"),
    ),
    "identity_change_approve": Case(
        arrange=lambda o: _identity_change(o),
        act=lambda target, by: member_services.identity_change_approve(change=target, by=by),
        state=lambda change: (
            OrganisationIdentityChange.objects.get(pk=change.pk).status,
            Organisation.objects.get(pk=change.organisation_id).name,
        ),
    ),
    "identity_change_reject": Case(
        arrange=lambda o: _identity_change(o),
        act=lambda target, by: member_services.identity_change_reject(
            change=target, by=by, reason="Dit is niet dezelfde organisatie."
        ),
        state=_reloaded(OrganisationIdentityChange, "status"),
    ),
    "item_publish": Case(
        arrange=lambda o: InitiativeFactory(lead=o, publication_status=SUBMITTED),
        act=lambda target, by: initiative_services.item_publish(item=target, by=by),
        state=_reloaded(Initiative, "publication_status"),
    ),
    "item_publish (challenge)": Case(
        arrange=lambda o: ChallengeFactory(owner=o, publication_status=SUBMITTED),
        act=lambda target, by: initiative_services.item_publish(item=target, by=by),
        state=_reloaded(Challenge, "publication_status"),
    ),
    "item_publish (story)": Case(
        arrange=lambda o: StoryFactory(
            initiative=InitiativeFactory(lead=o), publication_status=SUBMITTED
        ),
        act=lambda target, by: initiative_services.item_publish(item=target, by=by),
        state=_reloaded(Story, "publication_status"),
    ),
    "item_reject": Case(
        arrange=lambda o: InitiativeFactory(lead=o, publication_status=SUBMITTED),
        act=lambda target, by: initiative_services.item_reject(
            item=target, by=by, reason="Nog te vaag."
        ),
        state=_reloaded(Initiative, "publication_status"),
    ),
    "item_reject (challenge)": Case(
        arrange=lambda o: ChallengeFactory(owner=o, publication_status=SUBMITTED),
        act=lambda target, by: initiative_services.item_reject(
            item=target, by=by, reason="Nog te vaag."
        ),
        state=_reloaded(Challenge, "publication_status"),
    ),
    "item_reject (story)": Case(
        arrange=lambda o: StoryFactory(
            initiative=InitiativeFactory(lead=o), publication_status=SUBMITTED
        ),
        act=lambda target, by: initiative_services.item_reject(
            item=target, by=by, reason="Nog te vaag."
        ),
        state=_reloaded(Story, "publication_status"),
    ),
    "item_hide": Case(
        arrange=lambda o: InitiativeFactory(lead=o),
        act=lambda target, by: initiative_services.item_hide(
            item=target, by=by, reason="Reclame, geen initiatief."
        ),
        state=_reloaded(Initiative, "hidden_at"),
    ),
    "item_unhide": Case(
        arrange=lambda o: _hidden(InitiativeFactory(lead=o)),
        act=lambda target, by: initiative_services.item_unhide(item=target, by=by),
        state=_reloaded(Initiative, "hidden_at"),
    ),
    "offer_need_hide": Case(
        arrange=lambda o: OfferNeedFactory(organisation=o),
        act=lambda target, by: matchmaking_services.offer_need_hide(
            offer_need=target, by=by, reason="Reclame, geen aanbod."
        ),
        state=_reloaded(OfferNeed, "hidden_at"),
    ),
    "offer_need_unhide": Case(
        arrange=lambda o: OfferNeedFactory(
            organisation=o, closed_at=timezone.now(), hidden_at=timezone.now()
        ),
        act=lambda target, by: matchmaking_services.offer_need_unhide(offer_need=target, by=by),
        state=_reloaded(OfferNeed, "hidden_at"),
    ),
    # Archiving another organisation's item: its own admins may archive theirs.
    "item_archive": Case(
        arrange=lambda o: InitiativeFactory(lead=OrganisationFactory()),
        act=lambda target, by: initiative_services.item_archive(item=target, by=by),
        state=_reloaded(Initiative, "publication_status"),
    ),
    "item_archive (challenge)": Case(
        arrange=lambda o: ChallengeFactory(owner=OrganisationFactory()),
        act=lambda target, by: initiative_services.item_archive(item=target, by=by),
        state=_reloaded(Challenge, "publication_status"),
    ),
    "item_archive (story)": Case(
        arrange=lambda o: StoryFactory(initiative=InitiativeFactory(lead=OrganisationFactory())),
        act=lambda target, by: initiative_services.item_archive(item=target, by=by),
        state=_reloaded(Story, "publication_status"),
    ),
    "moderation_approve": Case(
        arrange=lambda o: InitiativeFactory(lead=o, publication_status=SUBMITTED),
        act=lambda target, by: curation_services.moderation_approve(item=target, by=by),
        state=_reloaded(Initiative, "publication_status"),
    ),
    "moderation_approve_organisation": Case(
        arrange=lambda o: OrganisationFactory(status=OrganisationStatus.PENDING, verified_at=None),
        act=lambda target, by: curation_services.moderation_approve(item=target, by=by),
        state=_reloaded(Organisation, "status"),
    ),
    "moderation_reject": Case(
        arrange=lambda o: ChallengeFactory(owner=o, publication_status=SUBMITTED),
        act=lambda target, by: curation_services.moderation_reject(
            item=target, by=by, reason="Nog te vaag."
        ),
        state=_reloaded(Challenge, "publication_status"),
    ),
    "report_hide": Case(
        arrange=_report,
        act=lambda target, by: curation_services.report_hide(
            report=target, by=by, reason="Reclame, geen initiatief."
        ),
        state=lambda report: (
            Report.objects.get(pk=report.pk).status,
            Initiative.objects.get(pk=report.object_id).publication_status,
        ),
    ),
    "report_dismiss": Case(
        arrange=_report,
        act=lambda target, by: curation_services.report_dismiss(report=target, by=by),
        state=_reloaded(Report, "status"),
    ),
    "feature_save": Case(
        arrange=lambda o: Feature(initiative=InitiativeFactory(lead=o)),
        act=lambda target, by: curation_services.feature_save(feature=target, by=by),
        state=lambda feature: Feature.objects.filter(initiative=feature.initiative).count(),
    ),
    "feature_remove": Case(
        arrange=lambda o: Feature.objects.create(initiative=InitiativeFactory(lead=o)),
        act=lambda target, by: curation_services.feature_remove(feature=target, by=by),
        state=lambda feature: Feature.objects.filter(pk=feature.pk).count(),
    ),
    "stamp_approve": Case(
        arrange=lambda o: _claim(o, ClaimStatus.PENDING),
        act=lambda target, by: stamp_services.stamp_approve(claim=target, by=by),
        state=_reloaded(Claim, "status"),
    ),
    "stamp_revoke": Case(
        arrange=lambda o: _claim(o, ClaimStatus.ACTIVE),
        act=lambda target, by: stamp_services.stamp_revoke(
            claim=target, by=by, reason="Gebruikt als keurmerk."
        ),
        state=_reloaded(Claim, "status"),
    ),
    "stamp_reinstate": Case(
        arrange=lambda o: _claim(o, ClaimStatus.REVOKED),
        act=lambda target, by: stamp_services.stamp_reinstate(
            claim=target, by=by, reason="Misverstand opgehelderd."
        ),
        state=_reloaded(Claim, "status"),
    ),
    "charter_publish": Case(
        arrange=lambda o: CharterFactory(version=None, published_at=None, title="Versie twee"),
        act=lambda target, by: stamp_services.charter_publish(charter=target, by=by),
        state=_reloaded(Charter, "published_at"),
    ),
}


@pytest.fixture
def other_org_admin(db: None) -> User:
    """An owner of another verified organisation: powerful there, nobody here."""
    return MembershipFactory(role=MembershipRole.OWNER).user


def _persona(request: pytest.FixtureRequest, name: str) -> Any:
    if name == "outsider":
        return AnonymousUser()
    return request.getfixturevalue(name)


@pytest.mark.parametrize("persona", REFUSED)
@pytest.mark.parametrize("service", sorted(CASES))
def test_an_editor_only_service_refuses_everyone_but_editors(
    request: pytest.FixtureRequest,
    service: str,
    persona: str,
    organisation: Organisation,
    org_admin: User,
) -> None:
    CharterFactory()  # the stamp's current charter version
    case = CASES[service]
    target = case.arrange(organisation)
    before = case.state(target)
    by = _persona(request, persona)

    with pytest.raises(PermissionDenied):
        case.act(target, by)

    assert case.state(target) == before


@pytest.mark.parametrize("persona", ALLOWED)
@pytest.mark.parametrize("service", sorted(CASES))
def test_an_editor_only_service_lets_editors_and_superusers_through(
    request: pytest.FixtureRequest,
    service: str,
    persona: str,
    organisation: Organisation,
    org_admin: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    CharterFactory()
    case = CASES[service]
    target = case.arrange(organisation)
    before = case.state(target)

    with django_capture_on_commit_callbacks(execute=True):
        case.act(target, _persona(request, persona))

    assert case.state(target) != before


def _services_guarded_by(*guards: str) -> set[str]:
    """Public functions of the apps that call one of the guards themselves."""
    root = Path(__file__).resolve().parents[2]
    found = set()
    for app in ("members", "initiatives", "stamp", "matchmaking", "curation"):
        for path in (root / app).rglob("*.py"):
            if "migrations" in path.parts or path.name == "roles.py":
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                    continue
                calls = {
                    call.func.attr if isinstance(call.func, ast.Attribute) else call.func.id
                    for call in ast.walk(node)
                    if isinstance(call, ast.Call)
                    and isinstance(call.func, ast.Attribute | ast.Name)
                }
                if calls & set(guards):
                    found.add(node.name)
    return found


def test_every_service_that_guards_itself_as_editor_only_is_in_the_matrix() -> None:
    guarded = _services_guarded_by("require_editor", "require_feature")

    assert guarded, "the scan found nothing: it is broken"
    assert guarded - set(CASES) == set()
