"""Shared fixtures: personas (one per role) and test-wide settings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

from members.models import MembershipRole, Organisation, User
from tests.members.factories import MembershipFactory, OrganisationFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Rate-limit counters and cached pages must not leak from one test into the next."""
    cache.clear()


@pytest.fixture(autouse=True)
def _isolated_media(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session", autouse=True)
def _static_manifest(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Hashed static names need a manifest: collect once per run into a private folder,
    so the manifest is never stale and parallel runs never share one."""
    with override_settings(STATIC_ROOT=tmp_path_factory.mktemp("static")):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield


@pytest.fixture
def outsider() -> None:
    """An anonymous visitor; named for readability in URL × role matrices."""
    return None


@pytest.fixture
def member(db: None) -> User:
    """A signed-up person who belongs to no organisation."""
    return UserFactory(display_name="Mila Lid")


@pytest.fixture
def organisation(db: None) -> Organisation:
    return OrganisationFactory(
        name="Gemeente Tilburg", slug="gemeente-tilburg", kind="municipality"
    )


@pytest.fixture
def org_owner(organisation: Organisation) -> User:
    return MembershipFactory(
        organisation=organisation, role=MembershipRole.OWNER, user__display_name="Olga Eigenaar"
    ).user


@pytest.fixture
def org_admin(organisation: Organisation, org_owner: User) -> User:
    return MembershipFactory(
        organisation=organisation, role=MembershipRole.ADMIN, user__display_name="Ali Beheerder"
    ).user


@pytest.fixture
def org_member(organisation: Organisation, org_owner: User) -> User:
    return MembershipFactory(
        organisation=organisation, role=MembershipRole.MEMBER, user__display_name="Mo Medewerker"
    ).user


@pytest.fixture
def staff(db: None) -> User:
    """An editor (redactie): admin access and the right to moderate content."""
    user = UserFactory(display_name="Eva Redactie", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="curation", codename="moderate")
    )
    return user


@pytest.fixture
def superuser(db: None) -> User:
    return UserFactory(display_name="Sam Beheer", is_staff=True, is_superuser=True)


@pytest.fixture
def english() -> Iterator[None]:
    """Messages in English, for tests that match on a service's message text."""
    with translation.override("en"):
        yield
