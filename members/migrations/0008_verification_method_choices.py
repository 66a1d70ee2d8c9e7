"""Name how an organisation was verified, and say it in words in the audit trail.

The audit trail recorded the bare codes ("editor", "domain") and a role change as
"member → admin"; it now stores the English labels, which the admin shows in the reader's
language (`core.AuditEntry.reason_display`). This rewrites the entries written before.
"""

from django.db import migrations, models

METHODS = {"editor": "Checked by an editor", "domain": "Code sent to the website's domain"}
ROLES = {"owner": "Owner", "admin": "Admin", "member": "Member"}
ARROW = " → "


def _role_change(reason: str, roles: dict[str, str]) -> str:
    parts = reason.split(ARROW)
    if len(parts) == 2 and all(part in roles for part in parts):
        return ARROW.join(roles[part] for part in parts)
    return reason


def words(apps, schema_editor, *, reverse: bool = False):
    AuditEntry = apps.get_model("core", "AuditEntry")
    methods = {v: k for k, v in METHODS.items()} if reverse else METHODS
    roles = {v: k for k, v in ROLES.items()} if reverse else ROLES
    for code, label in methods.items():
        AuditEntry.objects.filter(action="organisation.verify", reason=code).update(reason=label)
    for entry in AuditEntry.objects.filter(action="membership.role").only("reason"):
        reason = _role_change(entry.reason, roles)
        if reason != entry.reason:
            entry.reason = reason
            entry.save(update_fields=["reason"])


def codes(apps, schema_editor):
    words(apps, schema_editor, reverse=True)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_worker_heartbeat"),
        ("members", "0007_hide_existing_memberships"),
    ]

    operations = [
        migrations.AlterField(
            model_name="organisation",
            name="verification_method",
            field=models.CharField(
                blank=True,
                choices=[
                    ("editor", "Checked by an editor"),
                    ("domain", "Code sent to the website's domain"),
                ],
                max_length=32,
                verbose_name="verified through",
            ),
        ),
        migrations.RunPython(words, codes),
    ]
