"""Send the weekly digest: new matching challenges, offers and needs for each follower.

Idempotent per week: run it daily or hourly from cron; each member gets one digest a week.
"""

from typing import Any

from django.core.management.base import BaseCommand

from matchmaking.services import weekly_digest_send


class Command(BaseCommand):
    help = "Email this week's digest to members who follow themes or regions (once a week)."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = weekly_digest_send()
        self.stdout.write(f"Weekly digest queued for {sent} member(s).")
