"""The members' demo seed."""

from __future__ import annotations

import pytest
from django.test import Client

from members import demo
from members.models import Membership, Organisation

pytestmark = pytest.mark.django_db


def test_the_demo_people_show_again_after_the_migration_hid_every_membership(
    client: Client,
) -> None:
    demo.seed()
    # What members/0007 does to a local database that already held the demo.
    Membership.objects.update(is_public=False)

    demo.seed()
    demo.seed()

    assert Membership.objects.count() == len(demo.CONTENT["people"])
    assert not Membership.objects.filter(is_public=False).exists()
    tilburg = Organisation.objects.get(slug="gemeente-tilburg")
    assert "Marieke van Dongen" in client.get(tilburg.get_absolute_url()).text
