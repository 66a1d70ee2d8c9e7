import pytest
from django.utils import timezone

from tests.initiatives.factories import (
    ChallengeFactory,
    ImpactFigureFactory,
    InitiativeFactory,
    PartnerFactory,
    StoryFactory,
    UpdateFactory,
)

pytestmark = pytest.mark.django_db


def test_pages_render(client) -> None:
    initiative = InitiativeFactory()
    challenge = ChallengeFactory()
    initiative.challenges.add(challenge, through_defaults={"confirmed_at": timezone.now()})
    story = StoryFactory(initiative=initiative)
    PartnerFactory(initiative=initiative)
    ImpactFigureFactory(initiative=initiative)
    UpdateFactory(initiative=initiative)
    for url in [
        "/",
        "/initiatieven/",
        "/vraagstukken/",
        "/verhalen/",
        "/zoeken/?q=woningen",
        "/sitemap.xml",
        "/initiatieven/feed/",
        "/initiatieven/feed/atom/",
        "/regios/midden-brabant/feed/",
        "/regios/midden-brabant/",
        "/robots.txt",
        initiative.get_absolute_url(),
        challenge.get_absolute_url(),
        story.get_absolute_url(),
        initiative.lead.get_absolute_url(),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
