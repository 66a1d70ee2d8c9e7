"""Editors see the links between initiatives and challenges (initiatives 0008 gave them a
model of their own, shown as an inline on the initiative's admin page). The links change
only through their services (the challenge owner consents), so the admin shows them
read-only; the change permission lets an editor open the inline."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Redactie"
CODENAMES = ("view_challengelink", "change_challengelink")


def grant(apps, schema_editor):
    # Permissions are normally created after migrate; this migration needs them now.
    create_permissions(global_apps.get_app_config("initiatives"), apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=EDITORS).first()
    if group is None:  # a site that deleted the group chose its own roles
        return
    # .get(): a missing permission must stop the migration, not silently shrink a role.
    group.permissions.add(
        *[
            Permission.objects.get(content_type__app_label="initiatives", codename=codename)
            for codename in CODENAMES
        ]
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=EDITORS).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="initiatives", codename__in=CODENAMES
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0008_challenge_links_need_consent"),
        ("curation", "0002_editor_and_facilitator_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
