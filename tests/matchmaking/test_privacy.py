"""Privacy: no contact person or email address on any page, feed or JSON before acceptance.

Walks every URL pattern of every app that can be reversed with the data made here (slugs,
codes), as an outsider and as a member of an unrelated organisation, and checks that no
user's email address appears in any answer.
"""

from __future__ import annotations

import contextlib
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch

from matchmaking import services
from members.models import MembershipRole, User
from members.services import profile_for
from tests.initiatives.factories import ChallengeFactory, InitiativeFactory, StoryFactory
from tests.matchmaking.factories import IntroductionFactory, OfferNeedFactory
from tests.members.factories import MembershipFactory, OrganisationFactory, ThemeFactory
from tests.stamp.factories import ClaimFactory

pytestmark = pytest.mark.django_db

SKIP_PREFIXES = ("admin:", "account_", "mfa_", "django.contrib.sitemaps")


def _names(resolver: URLResolver, prefix: str = "", route: str = "") -> list[tuple[str, str]]:
    """Every named URL with its whole route: an include's own part (``organisaties/<slug>/``)
    carries arguments its patterns need too."""
    found = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            found += _names(pattern, namespace, route + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and pattern.name:
            found.append((prefix + pattern.name, route + str(pattern.pattern)))
    return found


def _kwarg_names(route: str) -> list[str]:
    return re.findall(r"<(?:\w+:)?(\w+)>", route)


@pytest.fixture
def world(facilitator):
    theme = ThemeFactory(name="wonen", slug="wonen")
    municipality = OrganisationFactory(name="Gemeente", kind="municipality")
    corporation = OrganisationFactory(name="Corporatie", kind="housing_corporation")
    admin = MembershipFactory(organisation=municipality, role=MembershipRole.OWNER).user
    receiver = MembershipFactory(organisation=corporation, role=MembershipRole.OWNER).user
    profile = profile_for(admin)
    profile.is_public = True
    profile.save()
    challenge = ChallengeFactory(owner=municipality, themes=[theme])
    initiative = InitiativeFactory(lead=municipality, themes=[theme])
    story = StoryFactory(initiative=initiative)
    offer = OfferNeedFactory(organisation=corporation, themes=[theme])
    claim = ClaimFactory(organisation=corporation)
    open_one = IntroductionFactory(
        requester=admin,
        requesting_organisation=municipality,
        receiving_organisation=corporation,
        challenge=challenge,
    )
    accepted = IntroductionFactory(
        requester=admin,
        requesting_organisation=municipality,
        receiving_organisation=corporation,
        offer_need=offer,
    )
    services.introduction_forward(introduction=accepted, by=facilitator)
    services.introduction_accept(introduction=accepted, by=receiver)
    values = {
        "slug": [
            municipality.slug,
            challenge.slug,
            initiative.slug,
            story.slug,
            offer.slug,
            theme.slug,
            profile.slug,
            municipality.region.slug,
        ],
        "organisation_slug": [corporation.slug],
        "code": [open_one.code, accepted.code, claim.code],
    }
    return values


def _urls(values: dict[str, list[str]]) -> set[str]:
    urls = set()
    for name, pattern in _names(get_resolver()):
        if name.startswith(SKIP_PREFIXES):
            continue
        kwarg_names = _kwarg_names(pattern)
        if not kwarg_names:
            with contextlib.suppress(NoReverseMatch):
                urls.add(reverse(name))
            continue
        if any(kwarg not in values for kwarg in kwarg_names):
            continue
        # Every value for the first argument, the first value for the others.
        first, *rest = kwarg_names
        for value in values[first]:
            kwargs = {first: value, **{k: values[k][0] for k in rest}}
            try:
                urls.add(reverse(name, kwargs=kwargs))
            except NoReverseMatch:
                continue
    return urls


@pytest.mark.parametrize("viewer", ["outsider", "unrelated member"])
def test_no_email_address_appears_on_any_page(client, world, viewer):
    if viewer == "unrelated member":
        stranger = MembershipFactory(organisation=OrganisationFactory()).user
        client.force_login(stranger)
        own_email = stranger.email
    else:
        own_email = None
    emails = [email for email in User.objects.values_list("email", flat=True) if email != own_email]
    urls = _urls(world)
    assert len(urls) > 40  # the walk really covers the site
    checked = 0
    for url in sorted(urls):
        response = client.get(url)
        if response.status_code != 200 or response.streaming:
            continue
        checked += 1
        content = response.content.decode(errors="replace")
        for email in emails:
            assert email not in content, f"{email} appears on {url} for the {viewer}"
    assert checked > 25
