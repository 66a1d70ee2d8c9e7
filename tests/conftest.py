"""Shared fixtures: personas (one per role) and test-wide settings.

The personas: `outsider` (anonymous), `member`, `org_member`, `org_admin`, `org_owner` (of
`organisation`), `editor`, `facilitator` and `superuser`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from importlib import import_module
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

from members.models import MembershipRole, Organisation, User
from members.roles import EDITORS_GROUP, FACILITATORS_GROUP
from tests.members.factories import MembershipFactory, OrganisationFactory, UserFactory

# Fixtures that start an external part, each in its own module.
pytest_plugins = ["tests.storage"]  # seaweedfs, s3_media


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _tasks_run_on_commit(settings: Any) -> None:
    """Every email is a task queued on commit (core.emails.queue_email). Tests run a task as
    soon as it is queued, so mail.outbox fills when the transaction commits (in a `db` test:
    inside django_capture_on_commit_callbacks(execute=True)). The queue and the worker
    themselves: tests/core/test_mail_pipeline.py and tests/matchmaking/test_emails.py."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


# The queue as in production (platform_site/settings.py).
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def run_tasks(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """The real queue for this test: tasks wait in the database until the returned function
    runs the real worker over them (`manage.py db_worker --batch`).

    The worker closes stale connections between tasks; inside a test's transaction that
    would drop the test's own connection, so only that call is made a no-op here.
    """
    from django_tasks_db.management.commands import db_worker

    settings.TASKS = DATABASE_TASKS
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run() -> None:
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    return run


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Rate-limit counters and cached pages must not leak from one test into the next."""
    cache.clear()


@pytest.fixture(autouse=True)
def _dutch_after_each_test() -> Iterator[None]:
    """A request to an /en/ page leaves English active in the thread; the next test in the
    same worker would then reverse() English addresses. Every test starts and ends in Dutch."""
    translation.activate("nl")
    yield
    translation.activate("nl")


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


@pytest.fixture(autouse=True)
def _groups_after_a_flush(request: pytest.FixtureRequest) -> None:
    """Transactional tests (browser, concurrency) run on a database that an earlier one
    flushed, groups included; every real database has the groups of the curation data
    migration, so give them back before such a test (roles, personas and the demo need them)."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("_django_db_helper")
    migration = import_module("curation.migrations.0002_editor_and_facilitator_groups")
    migration.create_groups(django_apps, None)


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


def _in_group(user: User, group_name: str) -> User:
    """Give a persona its platform role the way a site admin does: through the group that the
    curation data migration creates (a missing group fails here, not silently)."""
    user.groups.add(Group.objects.get(name=group_name))
    return User.objects.get(pk=user.pk)  # a fresh object: no stale permission cache


@pytest.fixture
def editor(db: None) -> User:
    """An editor (Redactie): staff in the editors' group."""
    return _in_group(
        UserFactory(display_name="Eva Redactie", is_staff=True, language="nl"), EDITORS_GROUP
    )


@pytest.fixture
def facilitator(db: None) -> User:
    """A facilitator (verbinder): staff in the facilitators' group; no editor rights."""
    return _in_group(UserFactory(display_name="Vera Verbinder", is_staff=True), FACILITATORS_GROUP)


@pytest.fixture
def superuser(db: None) -> User:
    return UserFactory(display_name="Sam Beheer", is_staff=True, is_superuser=True)


@pytest.fixture
def english() -> Iterator[None]:
    """Messages in English, for tests that match on a service's message text."""
    with translation.override("en"):
        yield
