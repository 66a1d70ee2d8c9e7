"""Shared fixtures: personas and test-wide settings."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.management import call_command

from members.models import User
from tests.members.factories import UserFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: pytest.FixtureRequest) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.fixture(scope="session", autouse=True)
def _static_manifest() -> None:
    """Hashed static names need a manifest; `make test` builds it, a bare pytest run here."""
    if not (settings.STATIC_ROOT / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)


@pytest.fixture
def outsider() -> None:
    """An anonymous visitor; present for readability in URL × role matrices."""
    return None


@pytest.fixture
def member(db: None) -> User:
    return UserFactory(display_name="Mila Lid")


@pytest.fixture
def staff(db: None) -> User:
    return UserFactory(display_name="Eva Redactie", is_staff=True)


@pytest.fixture
def superuser(db: None) -> User:
    return UserFactory(display_name="Sam Beheer", is_staff=True, is_superuser=True)
