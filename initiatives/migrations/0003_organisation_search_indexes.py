from django.db import migrations

from initiatives.search_index import organisation_indexes


def add_indexes(apps, schema_editor):
    organisation = apps.get_model("members", "Organisation")
    for index in organisation_indexes():
        schema_editor.add_index(organisation, index)


def remove_indexes(apps, schema_editor):
    organisation = apps.get_model("members", "Organisation")
    for index in organisation_indexes():
        schema_editor.remove_index(organisation, index)


class Migration(migrations.Migration):
    """Full-text and trigram indexes on organisations, owned by initiatives (see search_index)."""

    dependencies = [
        ("initiatives", "0002_initial"),
        ("members", "0001_initial"),
    ]

    operations = [migrations.RunPython(add_indexes, remove_indexes)]
