from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command


@pytest.fixture
def run_tasks(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Run the real database worker (`manage.py db_worker --batch`) over the queued tasks.

    The worker closes stale connections between tasks; inside a test's transaction that
    would drop the test's own connection, so only that call is made a no-op here.
    """
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run() -> None:
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    return run
