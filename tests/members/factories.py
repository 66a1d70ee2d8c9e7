from __future__ import annotations

from typing import Any

import factory
from allauth.account.models import EmailAddress

from members.models import User

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
