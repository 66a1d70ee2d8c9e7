"""The task worker's heartbeat, which ``/readyz`` reads.

django-tasks-db keeps no record of its workers, and its worker loop has no hook to run
something between tasks. So ``manage.py db_worker`` (``core``'s command of that name,
which wraps the package's own) starts a daemon thread that writes the worker's row in
``WorkerHeartbeat`` every ``HEARTBEAT_SECONDS``. The row is removed when the worker stops
cleanly; a worker that dies uncleanly stops writing and its row grows old, which is what
``/readyz`` notices. A thread keeps beating while the worker runs one long task, which is
right: a busy worker is alive.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import datetime, timedelta

from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone

from core.models import WorkerHeartbeat

logger = logging.getLogger("core.heartbeat")

HEARTBEAT_SECONDS = 15
# Rows of workers that vanished without a clean stop are removed after this long.
FORGET_AFTER = timedelta(days=1)


def heartbeat_beat(*, worker_id: str, started_at: datetime) -> None:
    """Record that the worker is alive now (one upsert)."""
    now = timezone.now()
    WorkerHeartbeat.objects.bulk_create(
        [
            WorkerHeartbeat(
                worker_id=worker_id,
                hostname=socket.gethostname()[:255],
                pid=os.getpid(),
                started_at=started_at,
                seen_at=now,
            )
        ],
        update_conflicts=True,
        unique_fields=["worker_id"],
        update_fields=["seen_at"],
    )


def latest_heartbeat() -> datetime | None:
    """When the most recently seen worker was seen (one indexed look-up)."""
    return WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()


class HeartbeatThread(threading.Thread):
    def __init__(self, worker_id: str, interval: float = HEARTBEAT_SECONDS) -> None:
        super().__init__(name="worker-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.interval = interval
        self.started_at = timezone.now()
        self._stopping = threading.Event()

    def run(self) -> None:
        self._forget_vanished_workers()
        while not self._stopping.is_set():
            try:
                close_old_connections()
                heartbeat_beat(worker_id=self.worker_id, started_at=self.started_at)
            except DatabaseError:
                # The database is away (restart, failover): say so and try again next
                # time on a fresh connection; the worker itself decides whether to go on.
                logger.warning("Could not record the worker heartbeat", exc_info=True)
                connection.close()
            self._stopping.wait(self.interval)
        connection.close()

    def stop(self) -> None:
        """Stop beating and remove this worker's row, so that its absence shows at once."""
        self._stopping.set()
        self.join(timeout=5)
        try:
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
        except DatabaseError:
            logger.warning("Could not remove the worker heartbeat", exc_info=True)

    def _forget_vanished_workers(self) -> None:
        try:
            WorkerHeartbeat.objects.filter(seen_at__lt=timezone.now() - FORGET_AFTER).delete()
        except DatabaseError:
            logger.warning("Could not remove old worker heartbeats", exc_info=True)
