"""Title postings for exact search ranking (initiatives.search).

One row per word in a title (an organisation's name), with the ``ts_rank`` of the whole
search vector for that word alone, kept by a trigger on every write of a search vector.
Its index hands out a one-word search's best matches of each kind in rank order; why those
are the exact top results is explained in initiatives/search.py and docs/performance.md.
"""

from django.db import migrations

TABLES = {
    "initiative": "initiatives_initiative",
    "challenge": "initiatives_challenge",
    "story": "initiatives_story",
    "organisation": "members_organisation",
}

# A lexeme as a one-word tsquery: quoted, with quotes and backslashes escaped.
LEXEME_QUERY = "('''' || replace(replace({0}, '\\', '\\\\'), '''', '''''') || '''')::tsquery"

POSTINGS = f"""
    SELECT v.lexeme, {{kind}}, {{row}}.id,
        ts_rank({{row}}.search_vector, {LEXEME_QUERY.format("v.lexeme")})
    FROM unnest({{row}}.search_vector) AS v WHERE 'A' = ANY(v.weights)"""

CREATE = [
    """
    CREATE TABLE initiatives_searchposting (
        lexeme text NOT NULL,
        kind text NOT NULL,
        object_id bigint NOT NULL,
        rank real NOT NULL,
        PRIMARY KEY (kind, object_id, lexeme)
    )""",
    "CREATE INDEX initiatives_searchposting_rank"
    " ON initiatives_searchposting (lexeme, kind, rank DESC, object_id)",
    f"""
    CREATE FUNCTION initiatives_searchposting_refresh() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            DELETE FROM initiatives_searchposting
            WHERE kind = TG_ARGV[0] AND object_id = OLD.id;
        END IF;
        IF TG_OP <> 'DELETE' THEN
            INSERT INTO initiatives_searchposting (lexeme, kind, object_id, rank)
            {POSTINGS.format(kind="TG_ARGV[0]", row="NEW")};
        END IF;
        RETURN NULL;
    END $$""",
    # TRUNCATE (the test runner's flush) fires no row triggers.
    """
    CREATE FUNCTION initiatives_searchposting_truncate() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM initiatives_searchposting WHERE kind = TG_ARGV[0];
        RETURN NULL;
    END $$""",
]
for kind, table in TABLES.items():
    CREATE += [
        f"""
        CREATE TRIGGER searchposting_insert_delete AFTER INSERT OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION initiatives_searchposting_refresh('{kind}')""",
        f"""
        CREATE TRIGGER searchposting_truncate AFTER TRUNCATE ON {table}
        FOR EACH STATEMENT EXECUTE FUNCTION initiatives_searchposting_truncate('{kind}')""",
        f"""
        CREATE TRIGGER searchposting_update AFTER UPDATE ON {table} FOR EACH ROW
        WHEN (OLD.search_vector IS DISTINCT FROM NEW.search_vector)
        EXECUTE FUNCTION initiatives_searchposting_refresh('{kind}')""",
        "INSERT INTO initiatives_searchposting (lexeme, kind, object_id, rank)"
        + POSTINGS.format(kind=f"'{kind}'", row="x").replace(
            "FROM unnest(x.search_vector)", f"FROM {table} x, unnest(x.search_vector)"
        ),
    ]
CREATE.append("ANALYZE initiatives_searchposting")

DROP = [
    *(
        f"DROP TRIGGER searchposting_{name} ON {table}"
        for table in TABLES.values()
        for name in ("insert_delete", "truncate", "update")
    ),
    "DROP FUNCTION initiatives_searchposting_truncate()",
    "DROP FUNCTION initiatives_searchposting_refresh()",
    "DROP TABLE initiatives_searchposting",
]


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0009_field_labels"),
        ("members", "0009_field_labels"),
    ]

    operations = [migrations.RunSQL(CREATE, DROP)]
