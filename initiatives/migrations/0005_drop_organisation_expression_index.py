from django.db import migrations


class Migration(migrations.Migration):
    """Drop the full-text expression index on organisations from 0003.

    Search reads the stored, indexed ``members.Organisation.search_vector`` instead, which
    costs no recomputation per query. The trigram index on the name stays.
    """

    dependencies = [
        ("initiatives", "0004_theme_tag_reverse_names"),
        ("members", "0003_organisation_search_vector"),
    ]

    operations = [
        migrations.RunSQL(
            sql="DROP INDEX IF EXISTS org_search_gin",
            reverse_sql=(
                "CREATE INDEX org_search_gin ON members_organisation USING gin (("
                "setweight(to_tsvector('dutch_unaccent'::regconfig,"
                " COALESCE(name, ''::character varying)::text), 'A')"
                " || setweight(to_tsvector('dutch_unaccent'::regconfig,"
                " COALESCE(description, ''::text)), 'C')))"
            ),
        ),
    ]
