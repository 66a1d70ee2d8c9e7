from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection


class Command(BaseCommand):
    help = "Drop every table of the configured database (local development only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("reset_db only runs with DJANGO_DEBUG=true.")
        name = settings.DATABASES["default"]["NAME"]
        if not options["yes"]:
            answer = input(f"Drop everything in the database {name!r}? Type 'yes': ")
            if answer.strip() != "yes":
                raise CommandError("Cancelled.")
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
        self.stdout.write(self.style.SUCCESS(f"Database {name!r} is empty."))
