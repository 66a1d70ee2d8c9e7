from __future__ import annotations

from datetime import timedelta
from typing import Any

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from core.models import Region, Theme
from members.models import (
    Invitation,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    User,
)

DEFAULT_PASSWORD = "een-lang-wachtwoord-42"


class UserFactory(factory.django.DjangoModelFactory[User]):
    """A member with a verified primary email address who can log in at once."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"persoon{n}@example.org")
    display_name = factory.Faker("name", locale="nl_NL")
    password = factory.django.Password(DEFAULT_PASSWORD)

    @factory.post_generation
    def verified_email(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class RegionFactory(factory.django.DjangoModelFactory[Region]):
    class Meta:
        model = Region
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Regio {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))


class ThemeFactory(factory.django.DjangoModelFactory[Theme]):
    class Meta:
        model = Theme
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"thema {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))
    name_en = factory.LazyAttribute(lambda o: f"theme {o.name.split()[-1]}")


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    """A verified organisation; pass ``status=OrganisationStatus.PENDING`` for a new one."""

    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisatie {n}")
    slug = factory.Sequence(lambda n: f"organisatie-{n}")
    kind = OrganisationKind.SOCIAL_ENTERPRISE
    website = factory.LazyAttribute(lambda o: f"https://www.{o.slug}.nl")
    description = "Wij werken samen aan een **betere buurt**."
    status = OrganisationStatus.VERIFIED
    verified_at = factory.LazyFunction(timezone.now)
    region = factory.SubFactory(RegionFactory, name="Midden-Brabant", slug="midden-brabant")


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = MembershipRole.MEMBER


class InvitationFactory(factory.django.DjangoModelFactory[Invitation]):
    class Meta:
        model = Invitation

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"collega{n}@example.org")
    role = MembershipRole.MEMBER
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))
