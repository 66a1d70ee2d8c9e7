import pytest
from django.core.management import call_command

from matchmaking.models import Introduction, IntroductionState, OfferNeed, Outcome

pytestmark = pytest.mark.django_db


def test_the_demo_seed_is_idempotent_and_covers_every_state():
    call_command("seed_demo", allow_without_debug=True, verbosity=0)
    counts = (OfferNeed.objects.count(), Introduction.objects.count(), Outcome.objects.count())
    call_command("seed_demo", allow_without_debug=True, verbosity=0)

    assert (
        OfferNeed.objects.count(),
        Introduction.objects.count(),
        Outcome.objects.count(),
    ) == counts
    assert OfferNeed.objects.count() >= 8
    states = set(Introduction.objects.values_list("state", flat=True))
    assert {
        IntroductionState.ACCEPTED,
        IntroductionState.FORWARDED,
        IntroductionState.REQUESTED,
        IntroductionState.NOT_FORWARDED,
    } <= states
    assert Outcome.objects.count() == 1
