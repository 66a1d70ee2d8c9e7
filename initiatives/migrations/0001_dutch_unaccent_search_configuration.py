from django.db import migrations


class Migration(migrations.Migration):
    """Dutch full-text search that ignores accents: "cafe" finds "café", "ideeen" finds "ideeën".

    A copy of the built-in ``dutch`` configuration whose word tokens pass through ``unaccent``
    before the Dutch Snowball stemmer. Queries and stored vectors must use the same one.
    """

    dependencies = [("core", "0001_postgres_extensions")]

    operations = [
        migrations.RunSQL(
            sql=[
                "CREATE TEXT SEARCH CONFIGURATION dutch_unaccent (COPY = dutch)",
                "ALTER TEXT SEARCH CONFIGURATION dutch_unaccent "
                "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, dutch_stem",
            ],
            reverse_sql=["DROP TEXT SEARCH CONFIGURATION dutch_unaccent"],
        ),
    ]
