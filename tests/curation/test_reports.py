"""Members report public items; editors hide the item or dismiss the report."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.models import AuditEntry
from curation import services
from curation.models import Report, ReportStatus
from initiatives.models import PublicationStatus
from matchmaking.models import OfferNeed
from members.models import OrganisationStatus, User
from tests.initiatives.factories import ChallengeFactory, InitiativeFactory, StoryFactory
from tests.members.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

REASON = "Dit initiatief bestaat niet; het is reclame."
EDITORS_REASON = "Dit is reclame voor een product, geen initiatief."


def _report_url(kind: str, slug: str) -> str:
    return reverse("curation:report_create", kwargs={"kind": kind, "slug": slug})


def _changelist() -> str:
    return reverse("admin:curation_report_changelist")


def test_every_public_detail_page_links_to_the_report_form(client: Any) -> None:
    initiative = InitiativeFactory()
    challenge = ChallengeFactory()
    story = StoryFactory(initiative=initiative)
    organisation = initiative.lead
    for item, kind in (
        (initiative, "initiatief"),
        (challenge, "vraagstuk"),
        (story, "verhaal"),
        (organisation, "organisatie"),
    ):
        page = client.get(item.get_absolute_url()).content.decode()
        assert _report_url(kind, item.slug) in page, kind


def test_visitors_log_in_before_they_report(client: Any) -> None:
    initiative = InitiativeFactory()
    response = client.get(_report_url("initiatief", initiative.slug))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_member_reports_an_initiative_and_the_editors_hear_of_it(
    client: Any, member: User, editor: User, django_capture_on_commit_callbacks: Any
) -> None:
    initiative = InitiativeFactory()
    client.force_login(member)

    assert client.get(_report_url("initiatief", initiative.slug)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_report_url("initiatief", initiative.slug), {"reason": REASON})

    assert response.status_code == 302
    assert response["Location"] == initiative.get_absolute_url()
    report = Report.objects.get()
    assert (report.kind, report.reason, report.reporter) == ("initiative", REASON, member)
    assert report.target == initiative
    assert [message.to for message in mail.outbox] == [[editor.email]]
    assert member.email not in mail.outbox[0].body


def test_a_member_has_one_open_report_per_item(client: Any, member: User) -> None:
    challenge = ChallengeFactory()
    client.force_login(member)
    client.post(_report_url("vraagstuk", challenge.slug), {"reason": REASON})

    response = client.post(_report_url("vraagstuk", challenge.slug), {"reason": "Nog een keer"})

    assert response.status_code == 400
    assert Report.objects.count() == 1


def test_a_report_needs_a_reason(client: Any, member: User) -> None:
    story = StoryFactory()
    client.force_login(member)
    response = client.post(_report_url("verhaal", story.slug), {"reason": ""})
    assert response.status_code == 400
    assert not Report.objects.exists()


def test_reports_are_rate_limited(client: Any, member: User) -> None:
    client.force_login(member)
    initiatives = [InitiativeFactory() for _ in range(11)]
    for initiative in initiatives[:10]:
        assert (
            client.post(_report_url("initiatief", initiative.slug), {"reason": REASON}).status_code
            == 302
        )

    response = client.post(_report_url("initiatief", initiatives[10].slug), {"reason": REASON})

    assert response.status_code == 400
    assert Report.objects.count() == 10


@pytest.mark.parametrize("kind", ["initiatief", "vraagstuk", "verhaal"])
def test_drafts_cannot_be_reported(client: Any, member: User, kind: str) -> None:
    factory = {
        "initiatief": InitiativeFactory,
        "vraagstuk": ChallengeFactory,
        "verhaal": StoryFactory,
    }
    item = factory[kind](publication_status=PublicationStatus.DRAFT, published_at=None)
    client.force_login(member)
    assert client.get(_report_url(kind, item.slug)).status_code == 404
    assert client.get(_report_url("iets", item.slug)).status_code == 404


def _report(target: Any, by: User | None = None) -> Report:
    return services.report_create(target=target, by=by or UserFactory(), reason=REASON)


def test_the_report_queue_shows_open_reports_by_default(client: Any, editor: User) -> None:
    open_report = _report(InitiativeFactory(title="Gemeld initiatief"))
    handled = _report(ChallengeFactory(title="Afgehandeld vraagstuk"))
    services.report_dismiss(report=handled, by=editor)
    client.force_login(editor)

    page = client.get(_changelist()).content.decode()

    assert "Gemeld initiatief" in page
    assert "Afgehandeld vraagstuk" not in page
    assert open_report.object_url in page
    assert "Afgehandeld vraagstuk" in client.get(_changelist() + "?status=all").content.decode()


def test_an_editor_hides_a_reported_initiative(client: Any, editor: User) -> None:
    initiative = InitiativeFactory()
    first, second = _report(initiative), _report(initiative)
    client.force_login(editor)

    asked = client.post(_changelist(), {"action": "hide_items", "_selected_action": [first.pk]})
    assert asked.status_code == 200 and "reason" in asked.context["form"].fields
    response = client.post(
        _changelist(),
        {
            "action": "hide_items",
            "_selected_action": [first.pk],
            "apply": "1",
            "reason": EDITORS_REASON,
        },
    )

    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.publication_status == PublicationStatus.ARCHIVED
    assert client.get(initiative.get_absolute_url()).status_code == 404 or (
        initiative.title not in client.get(reverse("initiatives:initiative_list")).content.decode()
    )
    statuses = set(
        Report.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)
    )
    assert statuses == {ReportStatus.HIDDEN}
    entry = AuditEntry.objects.get(action="report.hide")
    assert (entry.actor, entry.reason, entry.object_id) == (
        editor,
        EDITORS_REASON,
        str(initiative.pk),
    )
    # Hidden, not merely archived: its owner cannot bring it back (tests/security). The
    # owner reads the editors' words, never the reporter's as if they were the editors'.
    assert initiative.is_hidden
    assert initiative.hidden_reason == EDITORS_REASON
    assert AuditEntry.objects.filter(action="initiative.hide", actor=editor).exists()


def test_hiding_a_reported_organisation_suspends_it_with_the_editors_reason(
    editor: User,
) -> None:
    organisation = OrganisationFactory()
    report = _report(organisation)

    services.report_hide(report=report, by=editor, reason=EDITORS_REASON)

    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.SUSPENDED
    assert organisation.status_reason == EDITORS_REASON
    assert AuditEntry.objects.filter(action="organisation.suspend", reason=EDITORS_REASON).exists()


def test_hiding_needs_the_editors_own_reason(editor: User) -> None:
    report = _report(InitiativeFactory())

    with pytest.raises(ValidationError):
        services.report_hide(report=report, by=editor, reason="  ")

    report.refresh_from_db()
    assert report.is_open


def test_hiding_a_reported_offer_closes_it(editor: User) -> None:
    offer = OfferNeed.objects.create(
        organisation=OrganisationFactory(),
        direction="offer",
        kind="space",
        title="Ruimte",
        description="Een zaal",
    )
    services.report_hide(report=_report(offer), by=editor, reason="Reclame, geen initiatief.")
    offer.refresh_from_db()
    assert offer.closed_at is not None
    assert not OfferNeed.objects.current().filter(pk=offer.pk).exists()


def test_an_editor_dismisses_a_report_and_the_item_stays(client: Any, editor: User) -> None:
    story = StoryFactory()
    report = _report(story)
    client.force_login(editor)

    client.post(_changelist(), {"action": "dismiss_reports", "_selected_action": [report.pk]})

    report.refresh_from_db()
    story.refresh_from_db()
    assert report.status == ReportStatus.DISMISSED
    assert report.resolved_by == editor
    assert story.publication_status == PublicationStatus.PUBLISHED
    entry = AuditEntry.objects.get(action="report.dismiss")
    assert entry.content_type == ContentType.objects.get_for_model(story)
    assert entry.actor == editor


def test_a_facilitator_cannot_handle_reports(client: Any, facilitator: User) -> None:
    report = _report(InitiativeFactory())
    client.force_login(facilitator)

    response = client.post(_changelist(), {"action": "hide_items", "_selected_action": [report.pk]})

    assert response.status_code == 403
    report.refresh_from_db()
    assert report.is_open
