"""Hide every existing membership. 0004 made new memberships hidden until the member shows
them, but memberships made before it were public by the old default, not by the member's
choice: belonging to an organisation is personal data, so they start hidden too and each
member shows theirs again if they want to. Reversible as a no-op (see `keep`)."""

from django.db import migrations


def hide(apps, schema_editor):
    Membership = apps.get_model("members", "Membership")
    Membership.objects.filter(is_public=True).update(is_public=False)


def keep(apps, schema_editor):
    # Nothing to undo: the old "public" was never the member's own choice, so there is no
    # choice to restore, and making memberships public again would publish personal data
    # nobody agreed to show. Any membership a member made public since then stays public.
    pass


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0006_editors_decide_identity_changes"),
    ]

    operations = [migrations.RunPython(hide, keep)]
