"""Load demo content: every app's ``demo.seed()``, in INSTALLED_APPS order.

Each app owns its demo data in ``<app>/demo.py`` so that this command needs no
knowledge of the apps; seeding is idempotent and safe to run on every start.

Demo content includes a superuser with a published password, so the command refuses to
run with debug off (a production database) unless told so with ``--allow-without-debug``.
"""

from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction


class Command(BaseCommand):
    help = "Load idempotent demo content for a local Breinaald."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Seed even though DJANGO_DEBUG is off (e.g. a staging site). Never in production: "
            "the demo accounts have published passwords.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["allow_without_debug"]:
            raise CommandError(
                "seed_demo creates demo accounts with published passwords (a superuser "
                "among them), so it runs only with DJANGO_DEBUG=true. To seed a site with "
                "debug off anyway, e.g. a staging copy, pass --allow-without-debug."
            )
        for app_config in apps.get_app_configs():
            module_name = f"{app_config.name}.demo"
            if find_spec(module_name) is None:
                continue
            module = import_module(module_name)
            with transaction.atomic():
                summary = module.seed()
            self.stdout.write(f"{app_config.label}: {summary}")
        self.stdout.write(self.style.SUCCESS("Demo content is ready."))
