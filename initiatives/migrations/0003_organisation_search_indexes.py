from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations


def organisation_indexes() -> list[GinIndex]:
    # Frozen here: the search now reads members.Organisation.search_vector, and migration
    # 0005 drops the full-text expression index. The trigram index on the name stays: it
    # serves the organisation directory's name filter.
    vector = SearchVector("name", weight="A", config="dutch_unaccent") + SearchVector(
        "description", weight="C", config="dutch_unaccent"
    )
    return [
        GinIndex(vector, name="org_search_gin"),
        GinIndex(fields=["name"], name="org_name_trgm", opclasses=["gin_trgm_ops"]),
    ]


def add_indexes(apps, schema_editor):
    organisation = apps.get_model("members", "Organisation")
    for index in organisation_indexes():
        schema_editor.add_index(organisation, index)


def remove_indexes(apps, schema_editor):
    organisation = apps.get_model("members", "Organisation")
    for index in organisation_indexes():
        schema_editor.remove_index(organisation, index)


class Migration(migrations.Migration):
    """Full-text and trigram indexes on organisations, owned by initiatives."""

    dependencies = [
        ("initiatives", "0002_initial"),
        ("members", "0001_initial"),
    ]

    operations = [migrations.RunPython(add_indexes, remove_indexes)]
