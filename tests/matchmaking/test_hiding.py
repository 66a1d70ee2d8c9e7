"""Editors hide an offer or need (after a report, or from the admin) and lift the hiding."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry
from matchmaking import services, suggestions
from matchmaking.models import Follow, OfferNeed
from members.models import Organisation, User
from tests.initiatives.factories import ChallengeFactory
from tests.matchmaking.factories import OfferNeedFactory
from tests.members.factories import OrganisationFactory, ThemeFactory, UserFactory

pytestmark = pytest.mark.django_db

REASON = "Dit is reclame, geen aanbod."


def test_hiding_closes_the_offer_keeps_the_reason_and_tells_the_organisation(
    organisation: Organisation,
    org_owner: User,
    editor: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    offer = OfferNeedFactory(organisation=organisation, title="Gratis advies")

    with django_capture_on_commit_callbacks(execute=True):
        services.offer_need_hide(offer_need=offer, by=editor, reason=f"  {REASON} ")

    offer.refresh_from_db()
    assert offer.is_hidden and offer.closed_at is not None
    assert (offer.hidden_by, offer.hidden_reason) == (editor, REASON)
    assert not OfferNeed.objects.current().filter(pk=offer.pk).exists()
    assert AuditEntry.objects.filter(action="offerneed.hide", reason=REASON).exists()
    assert [message.to for message in mail.outbox] == [[org_owner.email]]
    assert REASON in mail.outbox[0].body and "Gratis advies" in mail.outbox[0].subject


def test_a_hidden_offer_leaves_every_public_page_suggestion_and_the_digest(
    client: Any, organisation: Organisation, editor: User, english: None
) -> None:
    theme = ThemeFactory(name="ruimte", slug="ruimte-verborgen")
    owner = OrganisationFactory(kind="municipality")
    challenge = ChallengeFactory(owner=owner, themes=[theme], resources_needed=["space"])
    offer = OfferNeedFactory(
        organisation=organisation, kind="space", themes=[theme], title="Leeg pand"
    )
    reader = UserFactory()
    Follow.objects.create(user=reader, theme=theme)
    since = timezone.now() - timedelta(days=7)

    def offered_reasons() -> list[str]:
        found = {s.pk: s.reasons for s in suggestions.for_challenge(challenge)}
        return [r for r in found.get(organisation.pk, []) if r.startswith("offers")]

    assert services.digest_items(reader, since=since)["offers"] == [offer]
    assert offered_reasons()  # the offer counts before it is hidden

    services.offer_need_hide(offer_need=offer, by=editor, reason=REASON)

    for url in (reverse("matchmaking:offer_need_list"), "/", organisation.get_absolute_url()):
        body = client.get(url).content.decode()
        assert offer.title not in body and offer.slug not in body
    assert client.get(offer.get_absolute_url()).status_code == 404
    assert services.digest_items(reader, since=since)["offers"] == []
    assert offered_reasons() == []


def test_hiding_needs_a_reason_and_happens_once(organisation: Organisation, editor: User) -> None:
    offer = OfferNeedFactory(organisation=organisation)
    with pytest.raises(ValidationError):
        services.offer_need_hide(offer_need=offer, by=editor, reason="  ")
    assert not OfferNeed.objects.get(pk=offer.pk).is_hidden

    services.offer_need_hide(offer_need=offer, by=editor, reason=REASON)
    with pytest.raises(ValidationError):
        services.offer_need_hide(offer_need=offer, by=editor, reason="Nog eens.")
    assert OfferNeed.objects.get(pk=offer.pk).hidden_reason == REASON


def test_lifting_the_hiding_leaves_it_closed_for_its_organisation_to_reopen(
    organisation: Organisation, org_admin: User, editor: User
) -> None:
    offer = OfferNeedFactory(organisation=organisation)
    services.offer_need_hide(offer_need=offer, by=editor, reason=REASON)

    services.offer_need_unhide(offer_need=offer, by=editor)

    offer.refresh_from_db()
    assert not offer.is_hidden and (offer.hidden_by, offer.hidden_reason) == (None, "")
    assert offer.closed_at is not None  # nothing comes back on the lists by accident
    assert AuditEntry.objects.filter(action="offerneed.unhide").exists()
    with pytest.raises(ValidationError):
        services.offer_need_unhide(offer_need=offer, by=editor)

    services.offer_need_reopen(offer_need=offer, by=org_admin)
    assert OfferNeed.objects.current().filter(pk=offer.pk).exists()


def test_the_database_never_holds_a_hidden_offer_that_is_open(organisation: Organisation) -> None:
    offer = OfferNeedFactory(organisation=organisation)
    with pytest.raises(IntegrityError), transaction.atomic():
        OfferNeed.objects.filter(pk=offer.pk).update(hidden_at=timezone.now())
    OfferNeed.objects.filter(pk=offer.pk).update(closed_at=timezone.now(), hidden_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        OfferNeed.objects.filter(pk=offer.pk).update(closed_at=None)


def test_the_organisation_sees_the_editors_reason_on_its_own_pages(
    client: Any, organisation: Organisation, org_admin: User, editor: User
) -> None:
    offer = OfferNeedFactory(organisation=organisation, title="Gratis advies")
    services.offer_need_hide(offer_need=offer, by=editor, reason=REASON)
    client.force_login(org_admin)

    detail = client.get(offer.get_absolute_url()).content.decode()
    own = client.get(reverse("matchmaking:organisation", args=[organisation.slug]))
    edit = client.get(reverse("matchmaking:offer_need_edit", args=[offer.slug]))

    assert REASON in detail
    assert reverse("matchmaking:offer_need_edit", args=[offer.slug]) not in detail
    assert 'name="reopen"' not in detail
    assert "Gratis advies" in own.content.decode()
    assert edit.status_code == 302 and edit["Location"] == offer.get_absolute_url()


def test_an_editor_hides_and_lifts_the_hiding_through_the_admin_actions(
    client: Any, organisation: Organisation, editor: User
) -> None:
    offer = OfferNeedFactory(organisation=organisation)
    changelist = reverse("admin:matchmaking_offerneed_changelist")
    client.force_login(editor)

    asked = client.post(changelist, {"action": "hide_selected", ACTION_CHECKBOX_NAME: [offer.pk]})
    assert asked.status_code == 200  # the page that asks for the reason
    assert not OfferNeed.objects.get(pk=offer.pk).is_hidden
    client.post(
        changelist,
        {
            "action": "hide_selected",
            ACTION_CHECKBOX_NAME: [offer.pk],
            "apply": "1",
            "reason": REASON,
        },
    )
    hidden = OfferNeed.objects.get(pk=offer.pk)
    assert (hidden.is_hidden, hidden.hidden_reason, hidden.hidden_by) == (True, REASON, editor)

    client.post(changelist, {"action": "unhide_selected", ACTION_CHECKBOX_NAME: [offer.pk]})
    assert not OfferNeed.objects.get(pk=offer.pk).is_hidden


def test_a_facilitator_gets_no_hiding_actions_in_the_admin(
    client: Any, organisation: Organisation, editor: User, facilitator: User
) -> None:
    offer = OfferNeedFactory(organisation=organisation)
    services.offer_need_hide(offer_need=offer, by=editor, reason=REASON)
    changelist = reverse("admin:matchmaking_offerneed_changelist")
    client.force_login(facilitator)

    page = client.get(changelist)
    client.post(changelist, {"action": "unhide_selected", ACTION_CHECKBOX_NAME: [offer.pk]})

    assert page.status_code == 200
    assert "unhide_selected" not in page.content.decode()
    assert OfferNeed.objects.get(pk=offer.pk).is_hidden
