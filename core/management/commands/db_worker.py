"""``manage.py db_worker``: django-tasks-db's worker, plus the heartbeat ``/readyz`` reads.

``core`` comes first in INSTALLED_APPS, so this command stands in for the package's own
under the same name: the Makefile, cron lines and deployment files need no change. The
worker itself is the package's, untouched; see ``core/heartbeat.py`` for why a thread.
"""

from __future__ import annotations

import os
from typing import Any

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as TasksDbWorkerCommand

from core.heartbeat import HeartbeatThread


class Command(TasksDbWorkerCommand):
    help = "Run the database task worker and record its heartbeat for /readyz."

    def handle(self, *args: Any, **options: Any) -> None:
        # With --reload the first process only watches files and restarts a child that
        # does the work; the child (DJANGO_AUTORELOAD_ENV set) is the one that beats.
        watcher_only = (
            options["reload"]
            and not options["batch"]
            and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        )
        if watcher_only:
            super().handle(*args, **options)
            return
        heartbeat = HeartbeatThread(worker_id=options["worker_id"])
        heartbeat.start()
        try:
            super().handle(*args, **options)
        finally:
            # Also on SystemExit: the worker leaves through sys.exit on TERM and Ctrl-C.
            heartbeat.stop()
