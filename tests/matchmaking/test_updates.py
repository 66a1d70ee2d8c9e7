"""Editing an offer or need writes the columns that changed, and nothing else."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from matchmaking import services
from matchmaking.models import Direction, OfferNeed
from tests.matchmaking.factories import OfferNeedFactory

pytestmark = pytest.mark.django_db


def _updates(queries: CaptureQueriesContext) -> list[str]:
    return [query["sql"] for query in queries if query["sql"].startswith("UPDATE")]


def test_an_edit_writes_only_the_changed_columns(organisation, org_admin):
    offer = OfferNeedFactory(organisation=organisation, title="Oud", description="Blijft.")

    with CaptureQueriesContext(connection) as queries:
        services.offer_need_update(
            offer_need=offer,
            by=org_admin,
            values={"title": "Nieuw", "description": "Blijft.", "kind": offer.kind},
        )

    [update] = _updates(queries)
    assert '"title"' in update and '"updated_at"' in update
    assert '"description"' not in update and '"kind"' not in update
    assert OfferNeed.objects.get(pk=offer.pk).title == "Nieuw"


def test_an_edit_that_changes_nothing_writes_nothing(organisation, org_admin):
    offer = OfferNeedFactory(organisation=organisation, title="Zo")

    with CaptureQueriesContext(connection) as queries:
        services.offer_need_update(offer_need=offer, by=org_admin, values={"title": "Zo"})

    assert _updates(queries) == []


def test_the_edit_form_saves_its_changes(client, organisation, org_admin):
    # The bound form puts the new values on the instance before the service compares: the
    # service compares with the stored row, so the change is still written.
    offer = OfferNeedFactory(organisation=organisation, title="Oud", direction=Direction.OFFER)
    client.force_login(org_admin)

    response = client.post(
        reverse("matchmaking:offer_need_edit", args=[offer.slug]),
        {
            "direction": Direction.NEED,
            "kind": offer.kind,
            "title": "Nieuw",
            "description": "Anders gezegd.",
        },
    )

    assert response.status_code == 302
    stored = OfferNeed.objects.get(pk=offer.pk)
    assert (stored.title, stored.direction, stored.description) == (
        "Nieuw",
        Direction.NEED,
        "Anders gezegd.",
    )
