"""Load demo content: every app's ``demo.seed()``, in INSTALLED_APPS order.

Each app owns its demo data in ``<app>/demo.py`` so that this command needs no
knowledge of the apps; seeding is idempotent and safe to run on every start.
"""

from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Load idempotent demo content for a local Breinaald."

    def handle(self, *args: Any, **options: Any) -> None:
        for app_config in apps.get_app_configs():
            module_name = f"{app_config.name}.demo"
            if find_spec(module_name) is None:
                continue
            module = import_module(module_name)
            with transaction.atomic():
                summary = module.seed()
            self.stdout.write(f"{app_config.label}: {summary}")
        self.stdout.write(self.style.SUCCESS("Demo content is ready."))
