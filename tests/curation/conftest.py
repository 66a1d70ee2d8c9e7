"""Personas of curation: an editor (Redactie) and a facilitator (Verbinders), both staff."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from members.models import User
from tests.members.factories import UserFactory


@pytest.fixture
def editor(db: None) -> User:
    user = UserFactory(display_name="Eva Redactie", is_staff=True, language="nl")
    user.groups.add(Group.objects.get(name="Redactie"))
    return user


@pytest.fixture
def facilitator(db: None) -> User:
    user = UserFactory(display_name="Vera Verbinder", is_staff=True)
    user.groups.add(Group.objects.get(name="Verbinders"))
    return user
