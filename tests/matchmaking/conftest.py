from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command

from members.models import User
from tests.members.factories import UserFactory


@pytest.fixture
def facilitator(db: None) -> User:
    """A verbinder: staff with the matchmaking.facilitate permission."""
    user = UserFactory(display_name="Vera Verbinder", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="facilitate", content_type__app_label="matchmaking")
    )
    return User.objects.get(pk=user.pk)  # a fresh object: no stale permission cache


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks: Any) -> Any:
    """Run the commit callbacks (which queue tasks), then the real database worker."""

    def run() -> None:
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    return run
