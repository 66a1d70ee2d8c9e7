from __future__ import annotations

import pytest
from django.core.management import call_command

from members.models import MembershipRole, OrganisationStatus
from stamp import demo
from stamp.models import Charter, Claim, ClaimStatus
from tests.members.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_the_demo_publishes_a_dutch_charter_and_makes_carriers_once(superuser) -> None:
    for _ in range(8):
        MembershipFactory(role=MembershipRole.OWNER)
    MembershipFactory(
        role=MembershipRole.OWNER,
        organisation=OrganisationFactory(status=OrganisationStatus.PENDING),
    )

    first = demo.seed()
    second = demo.seed()

    charter = Charter.objects.get()
    assert charter.version == 1
    assert "egoloos" in charter.body.lower()
    assert "van niemand en van iedereen" in charter.summary
    assert Claim.objects.filter(status=ClaimStatus.ACTIVE).count() == demo.MAX_DEMO_CARRIERS
    assert not Claim.objects.filter(organisation__status=OrganisationStatus.PENDING).exists()
    assert "6 new" in first
    assert "0 new" in second


def test_seed_demo_runs_the_stamp_demo(db: None) -> None:
    call_command("seed_demo", allow_without_debug=True, verbosity=0)
    call_command("seed_demo", allow_without_debug=True, verbosity=0)

    assert Charter.objects.published().count() == 1
