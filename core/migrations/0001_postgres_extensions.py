from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    """Extensions that Dutch full-text search and typo-tolerant matching rely on."""

    initial = True
    dependencies: list[tuple[str, str]] = []

    operations = [
        TrigramExtension(),
        UnaccentExtension(),
    ]
