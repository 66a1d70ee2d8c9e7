"""Editors (the Redactie group that curation/0002 creates) list and decide identity changes
in the admin: view and change, never add or delete. Reversible."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Redactie"
CODENAMES = ("view_organisationidentitychange", "change_organisationidentitychange")


def _permissions(apps):
    # Permissions are normally created after migrate; this migration needs them now.
    create_permissions(global_apps.get_app_config("members"), apps=apps, verbosity=0)
    Permission = apps.get_model("auth", "Permission")
    return [
        Permission.objects.get(content_type__app_label="members", codename=codename)
        for codename in CODENAMES
    ]


def grant(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name=EDITORS).first()
    if group is not None:
        group.permissions.add(*_permissions(apps))


def revoke(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name=EDITORS).first()
    if group is not None:
        group.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0005_organisation_identity_change"),
        ("curation", "0002_editor_and_facilitator_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
