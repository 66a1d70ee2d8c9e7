"""Every admin change list loads with the same, bounded number of queries at 10 and 1,000 rows.

Rows are made with bulk_create: per model a builder returns ``n`` unsaved objects (whose
foreign keys point at a few shared rows), so the test measures the change list, not set-up.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from taggit.models import Tag

from core.models import AuditEntry, Region, Theme
from curation.models import Feature, Moderation, Report
from initiatives.models import (
    Challenge,
    ImpactFigure,
    Initiative,
    InitiativeImage,
    InitiativePartner,
    InitiativeUpdate,
    SearchTerm,
    Story,
)
from matchmaking.models import (
    DigestDelivery,
    Follow,
    Introduction,
    IntroductionEvent,
    Notification,
    OfferNeed,
    Outcome,
)
from members.models import (
    DomainVerification,
    Invitation,
    JoinRequest,
    Membership,
    Organisation,
    OrganisationIdentityChange,
    Profile,
    User,
)
from stamp.models import Charter, Claim, ClaimEvent, StampSettings
from tests.initiatives.factories import ChallengeFactory, InitiativeFactory, StoryFactory
from tests.members.factories import OrganisationFactory, RegionFactory, UserFactory
from tests.stamp.factories import CharterFactory

pytestmark = pytest.mark.django_db

# The change list of any model: session, user, the count(s), the page of rows, filters'
# choices and the like. The bound is the same for 10 rows and for 1,000.
MAX_QUERIES = 16


class World:
    """A few shared rows the bulk-created ones point at."""

    def __init__(self) -> None:
        self.region = RegionFactory(name="Utrecht", slug="utrecht")
        self.theme = Theme.objects.create(name="Wonen", slug="wonen")
        self.user = UserFactory()
        self.organisation = OrganisationFactory(region=self.region)
        self.other = OrganisationFactory(region=self.region)
        self.initiative = InitiativeFactory(lead=self.organisation, region=self.region)
        self.challenge = ChallengeFactory(owner=self.organisation, region=self.region)
        self.story = StoryFactory(initiative=self.initiative)
        self.charter = CharterFactory()
        self.offer = OfferNeed.objects.create(
            organisation=self.organisation,
            direction="offer",
            kind="expertise",
            title="Advies",
            description="Wij helpen.",
        )
        self.introduction = Introduction.objects.create(
            requesting_organisation=self.organisation,
            receiving_organisation=self.other,
            requester=self.user,
            message="Kennismaken?",
        )
        self.claim = Claim.objects.create(
            organisation=self.organisation,
            status="active",
            charter_agreed=self.charter,
            charter_confirmed=self.charter,
            active_since=timezone.now(),
        )


def _users(world: World, n: int) -> list[User]:
    return User.objects.bulk_create(
        [User(email=f"bulk{i}-{n}@example.org", display_name=f"Bulk {i}") for i in range(n)]
    )


def _numbered[M: Model](model: type[M], n: int, **fields: Any) -> list[M]:
    """``n`` rows of ``model``; in a text value, ``{i}`` is the row's number and ``{n}`` is n."""
    return model.objects.bulk_create(
        [
            model(
                **{
                    name: value.format(i=i, n=n) if isinstance(value, str) else value
                    for name, value in fields.items()
                }
            )
            for i in range(n)
        ]
    )


def _organisations(world: World, n: int, prefix: str = "bulk") -> list[Organisation]:
    return _numbered(
        Organisation,
        n,
        name=f"Org {prefix} {{i}}",
        slug=f"org-{prefix}-{{n}}-{{i}}",
        kind="corporate",
        region=world.region,
        created_by=world.user,
    )


def _initiatives(world: World, n: int) -> list[Initiative]:
    return _numbered(
        Initiative,
        n,
        title="Initiatief {i}",
        slug="bulk-initiatief-{n}-{i}",
        tagline="Samen",
        description="Tekst",
        lead=world.organisation,
        region=world.region,
        created_by=world.user,
    )


def _stories(world: World, n: int) -> list[Story]:
    return _numbered(
        Story,
        n,
        title="Verhaal {i}",
        slug="bulk-verhaal-{n}-{i}",
        summary="Kort",
        problem="Probleem",
        initiative=world.initiative,
        author=world.user,
    )


def _charters(world: World, n: int) -> list[Charter]:
    return Charter.objects.bulk_create(
        [
            Charter(title=f"Versie {i}", summary="s", body="b", published_by=world.user)
            for i in range(n)
        ]
    )


def _claims(world: World, n: int) -> list[Claim]:
    organisations = _organisations(world, n, prefix="claim")
    return Claim.objects.bulk_create(
        [
            Claim(
                organisation=organisation,
                status="withdrawn",
                charter_agreed=world.charter,
                charter_confirmed=world.charter,
                code=f"bulk-{n}-{organisation.pk}",
            )
            for organisation in organisations
        ]
    )


def _introductions(world: World, n: int) -> list[Introduction]:
    organisations = _organisations(world, n, prefix="intro")
    return Introduction.objects.bulk_create(
        [
            Introduction(
                code=f"bulk-{n}-{organisation.pk}",
                requesting_organisation=organisation,
                receiving_organisation=world.other,
                requester=world.user,
                challenge=world.challenge,
                initiative=world.initiative,
                offer_need=world.offer,
                message="Hallo",
            )
            for organisation in organisations
        ]
    )


def _features(world: World, n: int) -> list[Feature]:
    initiatives = _initiatives(world, n)
    return Feature.objects.bulk_create(
        [Feature(initiative=initiative, created_by=world.user) for initiative in initiatives]
    )


def _reports(world: World, n: int) -> list[Report]:
    users = _users(world, n)
    content_type = ContentType.objects.get_for_model(Initiative)
    return Report.objects.bulk_create(
        [
            Report(
                kind="initiative",
                content_type=content_type,
                object_id=str(world.initiative.pk),
                object_repr=world.initiative.title,
                object_url=world.initiative.get_absolute_url(),
                reason="Klopt niet",
                reporter=user,
            )
            for user in users
        ]
    )


def _memberships(world: World, n: int) -> list[Membership]:
    users = _users(world, n)
    return Membership.objects.bulk_create(
        [Membership(organisation=world.organisation, user=user, role="member") for user in users]
    )


Builder = Callable[[World, int], list[Any]]

BUILDERS: dict[type, Builder] = {
    Region: lambda w, n: Region.objects.bulk_create(
        [Region(name=f"Regio {n}-{i}", slug=f"regio-{n}-{i}") for i in range(n)]
    ),
    Theme: lambda w, n: Theme.objects.bulk_create(
        [Theme(name=f"Thema {n}-{i}", slug=f"thema-{n}-{i}") for i in range(n)]
    ),
    Tag: lambda w, n: Tag.objects.bulk_create(
        [Tag(name=f"tag {n}-{i}", slug=f"tag-{n}-{i}") for i in range(n)]
    ),
    AuditEntry: lambda w, n: AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                actor=w.user,
                action="initiative.publish",
                content_type=ContentType.objects.get_for_model(Initiative),
                object_id=str(w.initiative.pk),
                object_repr="x",
            )
            for _ in range(n)
        ]
    ),
    Group: lambda w, n: Group.objects.bulk_create([Group(name=f"Groep {n}-{i}") for i in range(n)]),
    User: _users,
    Membership: _memberships,
    Profile: lambda w, n: Profile.objects.bulk_create(
        [Profile(user=user, slug=f"profiel-{user.pk}", region=w.region) for user in _users(w, n)]
    ),
    Invitation: lambda w, n: Invitation.objects.bulk_create(
        [
            Invitation(
                organisation=w.organisation,
                email=f"genodigde{n}-{i}@example.org",
                role="member",
                invited_by=w.user,
                expires_at=timezone.now() + timedelta(days=7),
            )
            for i in range(n)
        ]
    ),
    JoinRequest: lambda w, n: JoinRequest.objects.bulk_create(
        [JoinRequest(organisation=w.organisation, user=user) for user in _users(w, n)]
    ),
    Organisation: _organisations,
    DomainVerification: lambda w, n: DomainVerification.objects.bulk_create(
        [
            DomainVerification(
                organisation=w.organisation,
                email="info@example.org",
                code_hash="x",
                requested_by=w.user,
                expires_at=timezone.now(),
            )
            for _ in range(n)
        ]
    ),
    OrganisationIdentityChange: lambda w, n: OrganisationIdentityChange.objects.bulk_create(
        [
            OrganisationIdentityChange(
                organisation=organisation,
                name=f"{organisation.name} nieuw",
                previous_name=organisation.name,
                proposed_by=w.user,
            )
            for organisation in _organisations(w, n, prefix="identity")
        ]
    ),
    Challenge: lambda w, n: _numbered(
        Challenge,
        n,
        title="Vraagstuk {i}",
        slug="bulk-vraagstuk-{n}-{i}",
        summary="Kort",
        description="Lang",
        owner=w.organisation,
        region=w.region,
    ),
    Initiative: _initiatives,
    Story: _stories,
    InitiativePartner: lambda w, n: InitiativePartner.objects.bulk_create(
        [
            InitiativePartner(initiative=initiative, organisation=w.other, role="funder")
            for initiative in _initiatives(w, n)
        ]
    ),
    ImpactFigure: lambda w, n: ImpactFigure.objects.bulk_create(
        [ImpactFigure(initiative=w.initiative, label=f"Cijfer {i}", number=i) for i in range(n)]
    ),
    InitiativeUpdate: lambda w, n: InitiativeUpdate.objects.bulk_create(
        [
            InitiativeUpdate(
                initiative=w.initiative,
                title=f"Nieuws {i}",
                happened_on=timezone.localdate(),
                author=w.user,
            )
            for i in range(n)
        ]
    ),
    InitiativeImage: lambda w, n: InitiativeImage.objects.bulk_create(
        [
            InitiativeImage(initiative=w.initiative, image="gallery/x.jpg", caption=f"Foto {i}")
            for i in range(n)
        ]
    ),
    SearchTerm: lambda w, n: SearchTerm.objects.bulk_create(
        [SearchTerm(word=f"woord{n}x{i}") for i in range(n)]
    ),
    StampSettings: lambda w, n: [StampSettings.load()],
    Charter: _charters,
    Claim: _claims,
    ClaimEvent: lambda w, n: ClaimEvent.objects.bulk_create(
        [
            ClaimEvent(claim=w.claim, action="claimed", to_status="active", by=w.user)
            for _ in range(n)
        ]
    ),
    OfferNeed: lambda w, n: OfferNeed.objects.bulk_create(
        [
            OfferNeed(
                organisation=w.organisation,
                direction="need",
                kind="funding",
                title=f"Vraag {i}",
                slug=f"bulk-{n}-{i}",
                description="x",
                region=w.region,
            )
            for i in range(n)
        ]
    ),
    Introduction: _introductions,
    IntroductionEvent: lambda w, n: IntroductionEvent.objects.bulk_create(
        [
            IntroductionEvent(introduction=w.introduction, kind="requested", actor=w.user)
            for _ in range(n)
        ]
    ),
    Outcome: lambda w, n: Outcome.objects.bulk_create(
        [
            Outcome(
                code=f"bulk-{n}-{i}",
                introduction=w.introduction,
                organisation=w.organisation,
                description=f"Resultaat {i}",
            )
            for i in range(n)
        ]
    ),
    Follow: lambda w, n: Follow.objects.bulk_create(
        [Follow(user=user, region=w.region) for user in _users(w, n)]
    ),
    DigestDelivery: lambda w, n: DigestDelivery.objects.bulk_create(
        [DigestDelivery(user=user, week=timezone.localdate()) for user in _users(w, n)]
    ),
    Notification: lambda w, n: Notification.objects.bulk_create(
        [
            Notification(recipient=w.user, kind="accepted", introduction=w.introduction)
            for _ in range(n)
        ]
    ),
    Feature: _features,
    Report: _reports,
    EmailAddress: lambda w, n: EmailAddress.objects.bulk_create(
        [EmailAddress(user=user, email=user.email, verified=True) for user in _users(w, n)]
    ),
    Authenticator: lambda w, n: Authenticator.objects.bulk_create(
        [
            Authenticator(user=user, type=Authenticator.Type.RECOVERY_CODES, data={})
            for user in _users(w, n)
        ]
    ),
    # Third-party: the task queue's results, written by the worker; not curated content.
    DBTaskResult: None,  # type: ignore[dict-item]
}

# The moderation queue is a page of its own (tests/curation/test_moderation.py pins it).
NOT_A_CHANGE_LIST = {Moderation}


def test_every_registered_model_has_a_builder() -> None:
    registered = set(admin.site._registry) - NOT_A_CHANGE_LIST
    assert registered <= set(BUILDERS), registered - set(BUILDERS)


def _models() -> list[type]:
    return [
        model
        for model in admin.site._registry
        if model not in NOT_A_CHANGE_LIST and BUILDERS.get(model) is not None
    ]


@pytest.mark.parametrize("model", _models(), ids=lambda model: model._meta.label)
def test_the_change_list_loads_with_bounded_queries_at_1000_rows(
    client: Any, superuser: User, model: type, django_assert_max_num_queries: Any
) -> None:
    world = World()
    client.force_login(superuser)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    builder = BUILDERS[model]

    builder(world, 10)
    with django_assert_max_num_queries(MAX_QUERIES) as small:
        assert client.get(url).status_code == 200
    builder(world, 990)
    with django_assert_max_num_queries(MAX_QUERIES) as large:
        assert client.get(url).status_code == 200

    # No query per row: a thousand rows cost what ten do.
    assert len(large.captured_queries) == len(small.captured_queries)
