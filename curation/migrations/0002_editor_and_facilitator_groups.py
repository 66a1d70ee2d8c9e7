"""The two curation roles as groups, with exactly the permissions each role needs.

Superusers do everything else (users' passwords, past charter versions, deleting content).
Reversible: going back removes both groups (and with them their permission links).
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Redactie"
FACILITATORS = "Verbinders"

VIEW_CHANGE = ("view", "change")
MANAGE = ("add", "change", "delete", "view")

# (app label, model name, actions) — the codename is "<action>_<model>".
EDITOR_PERMISSIONS = [
    # Content: review, publish, archive and correct; never create or delete.
    ("initiatives", "initiative", VIEW_CHANGE),
    ("initiatives", "challenge", VIEW_CHANGE),
    ("initiatives", "story", VIEW_CHANGE),
    ("initiatives", "initiativepartner", VIEW_CHANGE),
    ("initiatives", "impactfigure", VIEW_CHANGE),
    ("initiatives", "initiativeupdate", VIEW_CHANGE),
    ("initiatives", "initiativeimage", VIEW_CHANGE),
    # Organisations: verify, suspend, reinstate. People only to look at: no passwords.
    ("members", "organisation", VIEW_CHANGE),
    ("members", "membership", ("view",)),
    ("members", "user", ("view",)),
    ("members", "profile", ("view",)),
    ("members", "joinrequest", ("view",)),
    ("members", "invitation", ("view",)),
    # Shared vocabularies.
    ("core", "region", MANAGE),
    ("core", "theme", MANAGE),
    ("core", "auditentry", ("view",)),
    # The stamp: approve and revoke claims, write and publish new charter versions (the
    # admin makes published versions read-only), change the approval setting.
    ("stamp", "claim", VIEW_CHANGE),
    ("stamp", "claimevent", ("view",)),
    ("stamp", "charter", ("add", "change", "view")),
    ("stamp", "stampsettings", VIEW_CHANGE),
    # Offers and needs may be reported; editors see them.
    ("matchmaking", "offerneed", ("view",)),
    # Curation itself.
    ("curation", "feature", MANAGE),
    ("curation", "report", MANAGE),
    ("curation", "moderation", ()),
]
EDITOR_CUSTOM = [("curation", "moderate"), ("curation", "feature")]

FACILITATOR_PERMISSIONS = [
    ("matchmaking", "introduction", VIEW_CHANGE),
    ("matchmaking", "introductionevent", ("view",)),
    ("matchmaking", "outcome", ("view",)),
    ("matchmaking", "offerneed", ("view",)),
    ("members", "organisation", ("view",)),
    ("initiatives", "challenge", ("view",)),
    ("initiatives", "initiative", ("view",)),
]
FACILITATOR_CUSTOM = [("matchmaking", "facilitate")]

APPS = ("core", "members", "initiatives", "stamp", "matchmaking", "curation")


def _codenames(spec, custom):
    wanted = [(app, f"{action}_{model}") for app, model, actions in spec for action in actions]
    return wanted + list(custom)


def _permissions(apps, wanted):
    Permission = apps.get_model("auth", "Permission")
    found = []
    for app_label, codename in wanted:
        # .get(): a missing permission must stop the migration, not silently shrink a role.
        found.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return found


def create_groups(apps, schema_editor):
    # Permissions are normally created after migrate; this migration needs them now.
    for label in APPS:
        create_permissions(global_apps.get_app_config(label), apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    for name, spec, custom in (
        (EDITORS, EDITOR_PERMISSIONS, EDITOR_CUSTOM),
        (FACILITATORS, FACILITATOR_PERMISSIONS, FACILITATOR_CUSTOM),
    ):
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(_permissions(apps, _codenames(spec, custom)))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[EDITORS, FACILITATORS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0003_audit_entry"),
        ("members", "0002_user_language"),
        ("initiatives", "0004_theme_tag_reverse_names"),
        ("stamp", "0001_initial"),
        ("matchmaking", "0002_offer_need_covering_indexes"),
        ("curation", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
