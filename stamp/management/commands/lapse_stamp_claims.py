"""Run daily: remind carriers that have not confirmed a new charter, then lapse the late ones."""

from typing import Any

from django.core.management.base import BaseCommand

from stamp.services import stamp_lapse_unconfirmed, stamp_remind_unconfirmed


class Command(BaseCommand):
    help = "Remind carriers about an unconfirmed charter and lapse claims past the deadline."

    def handle(self, *args: Any, **options: Any) -> None:
        reminded = stamp_remind_unconfirmed()
        lapsed = stamp_lapse_unconfirmed()
        self.stdout.write(f"reminded: {reminded}, lapsed: {lapsed}")
