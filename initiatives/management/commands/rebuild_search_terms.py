"""Rebuild the typo-correction vocabulary from everything that is public now."""

from typing import Any

from django.core.management.base import BaseCommand

from initiatives import services


class Command(BaseCommand):
    help = "Rebuild the search vocabulary (SearchTerm) used to forgive typos."

    def handle(self, *args: Any, **options: Any) -> None:
        count = services.search_terms_rebuild()
        self.stdout.write(f"{count} words in the search vocabulary.")
