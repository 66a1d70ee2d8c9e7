import pytest
from django.core.management import call_command
from django.urls import reverse

from matchmaking.models import Introduction, IntroductionState, OfferNeed, Outcome
from members import roles
from members.models import User

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


def test_the_demo_facilitator_and_editor_work_in_the_admin_through_their_groups(client):
    """The demo's staff are made the way a site admin makes them, so what they can reach in
    the admin is what a real facilitator or editor reaches."""
    call_command("seed_demo", allow_without_debug=True, verbosity=0)
    facilitator = User.objects.get(email="verbinder@breinaald.localhost")
    editor = User.objects.get(email="redactie@breinaald.localhost")

    client.force_login(facilitator)
    introductions = client.get(reverse("admin:matchmaking_introduction_changelist"))
    assert introductions.status_code == 200
    assert "forward" in dict(introductions.context["action_form"].fields["action"].choices)
    assert list(facilitator.groups.values_list("name", flat=True)) == [roles.FACILITATORS_GROUP]
    assert list(editor.groups.values_list("name", flat=True)) == [roles.EDITORS_GROUP]
    assert not facilitator.user_permissions.exists() and not editor.user_permissions.exists()
