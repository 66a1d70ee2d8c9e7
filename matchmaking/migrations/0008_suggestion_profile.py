"""A suggestion profile per organisation and direction, kept current by database triggers.

`matchmaking.profile` explains what the table holds and why. The triggers (on organisations,
their themes, offers and needs, and their themes) are statement-level, so bulk writes and raw
SQL keep the profile right as well as `save()`. The SQL is written out here, not imported, so
this migration keeps meaning what it meant when it ran.
"""

from django.db import migrations

INSTALL_SQL = r"""
-- No foreign key: Django's flush (the test runner) truncates the tables it knows, and a
-- key from a table it does not know would refuse that. A trigger deletes instead.
CREATE TABLE matchmaking_suggestion_profile (
    organisation_id bigint NOT NULL,
    direction varchar(8) NOT NULL,
    kind varchar(32) NOT NULL,
    region_id bigint NULL,
    status varchar(16) NOT NULL,
    open_to_cooperation boolean NOT NULL,
    kinds_key text NOT NULL,
    kinds text[] NOT NULL,
    kinds_until date[] NOT NULL,
    themes bigint[] NOT NULL,
    themes_until date[] NOT NULL,
    soonest_until date NULL,
    PRIMARY KEY (organisation_id, direction)
);
CREATE INDEX suggestion_profile_tiers ON matchmaking_suggestion_profile
    (direction, kinds_key, kind, region_id)
    INCLUDE (organisation_id, status, open_to_cooperation, themes, soonest_until);

CREATE FUNCTION matchmaking_profile_refresh(ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF ids IS NULL OR cardinality(ids) = 0 THEN
        RETURN;
    END IF;
    -- Writers of the same organisation take turns: the rows are locked first, so the
    -- statement below (a new snapshot under READ COMMITTED) sees what the other committed.
    PERFORM 1 FROM matchmaking_suggestion_profile
        WHERE organisation_id = ANY (ids) ORDER BY organisation_id, direction FOR UPDATE;
    INSERT INTO matchmaking_suggestion_profile AS p
        (organisation_id, direction, kind, region_id, status, open_to_cooperation, kinds_key,
         kinds, kinds_until, themes, themes_until, soonest_until)
    SELECT o.id, d.direction, o.kind, o.region_id, o.status, o.open_to_cooperation,
        COALESCE(k.kinds_key, ''), COALESCE(k.kinds, '{}'), COALESCE(k.kinds_until, '{}'),
        COALESCE(t.themes, '{}'), COALESCE(t.themes_until, '{}'),
        -- The first day a kind or theme here may stop being current (NULL: none ends).
        (SELECT min(u.day) FROM unnest(k.kinds_until || t.themes_until) AS u (day))
    FROM members_organisation o
    CROSS JOIN (VALUES ('offer'), ('need')) AS d (direction)
    LEFT JOIN LATERAL (
        -- Open kinds with the last day one of them runs (NULL: open-ended).
        SELECT string_agg(s.kind, ',' ORDER BY s.kind COLLATE "C") AS kinds_key,
            array_agg(s.kind ORDER BY s.kind COLLATE "C") AS kinds,
            array_agg(s.until ORDER BY s.kind COLLATE "C") AS kinds_until
        FROM (
            SELECT x.kind::text AS kind,
                CASE WHEN bool_or(x.ends_on IS NULL) THEN NULL ELSE max(x.ends_on) END AS until
            FROM matchmaking_offerneed x
            WHERE x.organisation_id = o.id AND x.direction = d.direction
                AND x.closed_at IS NULL
            GROUP BY x.kind
        ) s
    ) k ON true
    LEFT JOIN LATERAL (
        -- Own themes (never end) and the themes of open offers (until their last day).
        SELECT array_agg(s.tag_id ORDER BY s.tag_id) AS themes,
            array_agg(s.until ORDER BY s.tag_id) AS themes_until
        FROM (
            SELECT u.tag_id,
                CASE WHEN bool_or(u.open_ended) THEN NULL ELSE max(u.ends_on) END AS until
            FROM (
                SELECT ot.tag_id, true AS open_ended, NULL::date AS ends_on
                FROM members_themedorganisation ot WHERE ot.content_object_id = o.id
                UNION ALL
                SELECT xt.tag_id, x.ends_on IS NULL, x.ends_on
                FROM matchmaking_offerneed x
                JOIN matchmaking_themedofferneed xt ON xt.content_object_id = x.id
                WHERE x.organisation_id = o.id AND x.direction = d.direction
                    AND x.closed_at IS NULL
            ) u
            GROUP BY u.tag_id
        ) s
    ) t ON true
    WHERE o.id = ANY (ids)
    ON CONFLICT (organisation_id, direction) DO UPDATE SET
        kind = EXCLUDED.kind, region_id = EXCLUDED.region_id, status = EXCLUDED.status,
        open_to_cooperation = EXCLUDED.open_to_cooperation, kinds_key = EXCLUDED.kinds_key,
        kinds = EXCLUDED.kinds, kinds_until = EXCLUDED.kinds_until, themes = EXCLUDED.themes,
        themes_until = EXCLUDED.themes_until, soonest_until = EXCLUDED.soonest_until
    WHERE (p.kind, p.region_id, p.status, p.open_to_cooperation, p.kinds_key, p.kinds,
            p.kinds_until, p.themes, p.themes_until, p.soonest_until)
        IS DISTINCT FROM (EXCLUDED.kind, EXCLUDED.region_id, EXCLUDED.status,
            EXCLUDED.open_to_cooperation, EXCLUDED.kinds_key, EXCLUDED.kinds,
            EXCLUDED.kinds_until, EXCLUDED.themes, EXCLUDED.themes_until,
            EXCLUDED.soonest_until);
END
$$;

CREATE FUNCTION matchmaking_profile_on_organisation() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM matchmaking_profile_refresh(ARRAY(SELECT n.id FROM new_rows n));
    ELSE
        PERFORM matchmaking_profile_refresh(ARRAY(
            SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE (n.kind, n.region_id, n.status, n.open_to_cooperation)
                IS DISTINCT FROM (o.kind, o.region_id, o.status, o.open_to_cooperation)));
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION matchmaking_profile_on_organisation_theme() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM matchmaking_profile_refresh(ARRAY(
            SELECT DISTINCT n.content_object_id FROM new_rows n));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM matchmaking_profile_refresh(ARRAY(
            SELECT DISTINCT o.content_object_id FROM old_rows o));
    ELSE
        PERFORM matchmaking_profile_refresh(ARRAY(
            SELECT n.content_object_id FROM new_rows n
            UNION SELECT o.content_object_id FROM old_rows o));
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION matchmaking_profile_on_offer_need() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM matchmaking_profile_refresh(ARRAY(
            SELECT DISTINCT n.organisation_id FROM new_rows n WHERE n.closed_at IS NULL));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM matchmaking_profile_refresh(ARRAY(
            SELECT DISTINCT o.organisation_id FROM old_rows o WHERE o.closed_at IS NULL));
    ELSE
        -- Only what the profile reads: an edited title or a new date of creation changes nothing.
        PERFORM matchmaking_profile_refresh(ARRAY(
            SELECT x.organisation_id
            FROM new_rows n JOIN old_rows o ON o.id = n.id,
                LATERAL (VALUES (n.organisation_id), (o.organisation_id)) x (organisation_id)
            WHERE (n.organisation_id, n.direction, n.kind, n.ends_on, n.closed_at IS NULL)
                IS DISTINCT FROM (o.organisation_id, o.direction, o.kind, o.ends_on,
                    o.closed_at IS NULL)
            GROUP BY x.organisation_id));
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION matchmaking_profile_on_offer_need_theme() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM matchmaking_profile_refresh(ARRAY(
            SELECT DISTINCT x.organisation_id FROM new_rows n
            JOIN matchmaking_offerneed x ON x.id = n.content_object_id
            WHERE x.closed_at IS NULL));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM matchmaking_profile_refresh(ARRAY(
            SELECT DISTINCT x.organisation_id FROM old_rows o
            JOIN matchmaking_offerneed x ON x.id = o.content_object_id
            WHERE x.closed_at IS NULL));
    ELSE
        PERFORM matchmaking_profile_refresh(ARRAY(
            SELECT x.organisation_id FROM matchmaking_offerneed x
            WHERE x.id IN (SELECT n.content_object_id FROM new_rows n
                           UNION SELECT o.content_object_id FROM old_rows o)));
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION matchmaking_profile_on_organisation_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM matchmaking_suggestion_profile
        WHERE organisation_id IN (SELECT o.id FROM old_rows o);
    RETURN NULL;
END
$$;

-- TRUNCATE fires no row or statement triggers of the other kinds: start again from what
-- is left.
CREATE FUNCTION matchmaking_profile_rebuild() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE matchmaking_suggestion_profile;
    PERFORM matchmaking_profile_refresh(ARRAY(SELECT id FROM members_organisation));
    RETURN NULL;
END
$$;

CREATE TRIGGER matchmaking_profile_organisation_delete AFTER DELETE ON members_organisation
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION matchmaking_profile_on_organisation_delete();
CREATE TRIGGER matchmaking_profile_organisation_truncate AFTER TRUNCATE ON members_organisation
    FOR EACH STATEMENT EXECUTE FUNCTION matchmaking_profile_rebuild();
CREATE TRIGGER matchmaking_profile_organisation_theme_truncate
    AFTER TRUNCATE ON members_themedorganisation
    FOR EACH STATEMENT EXECUTE FUNCTION matchmaking_profile_rebuild();
CREATE TRIGGER matchmaking_profile_offer_need_truncate AFTER TRUNCATE ON matchmaking_offerneed
    FOR EACH STATEMENT EXECUTE FUNCTION matchmaking_profile_rebuild();
CREATE TRIGGER matchmaking_profile_offer_need_theme_truncate
    AFTER TRUNCATE ON matchmaking_themedofferneed
    FOR EACH STATEMENT EXECUTE FUNCTION matchmaking_profile_rebuild();
CREATE TRIGGER matchmaking_profile_organisation_insert AFTER INSERT ON members_organisation
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION matchmaking_profile_on_organisation();
CREATE TRIGGER matchmaking_profile_organisation_update AFTER UPDATE ON members_organisation
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION matchmaking_profile_on_organisation();

CREATE TRIGGER matchmaking_profile_organisation_theme_insert
    AFTER INSERT ON members_themedorganisation REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION matchmaking_profile_on_organisation_theme();
CREATE TRIGGER matchmaking_profile_organisation_theme_update
    AFTER UPDATE ON members_themedorganisation
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION matchmaking_profile_on_organisation_theme();
CREATE TRIGGER matchmaking_profile_organisation_theme_delete
    AFTER DELETE ON members_themedorganisation REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION matchmaking_profile_on_organisation_theme();

CREATE TRIGGER matchmaking_profile_offer_need_insert
    AFTER INSERT ON matchmaking_offerneed REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION matchmaking_profile_on_offer_need();
CREATE TRIGGER matchmaking_profile_offer_need_update
    AFTER UPDATE ON matchmaking_offerneed REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION matchmaking_profile_on_offer_need();
CREATE TRIGGER matchmaking_profile_offer_need_delete
    AFTER DELETE ON matchmaking_offerneed REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION matchmaking_profile_on_offer_need();

CREATE TRIGGER matchmaking_profile_offer_need_theme_insert
    AFTER INSERT ON matchmaking_themedofferneed REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION matchmaking_profile_on_offer_need_theme();
CREATE TRIGGER matchmaking_profile_offer_need_theme_update
    AFTER UPDATE ON matchmaking_themedofferneed
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION matchmaking_profile_on_offer_need_theme();
CREATE TRIGGER matchmaking_profile_offer_need_theme_delete
    AFTER DELETE ON matchmaking_themedofferneed REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION matchmaking_profile_on_offer_need_theme();

-- Fill it for what is already there.
SELECT matchmaking_profile_refresh(ARRAY(SELECT id FROM members_organisation));
"""

DROP_SQL = r"""
DROP TRIGGER matchmaking_profile_organisation_delete ON members_organisation;
DROP TRIGGER matchmaking_profile_organisation_truncate ON members_organisation;
DROP TRIGGER matchmaking_profile_organisation_theme_truncate ON members_themedorganisation;
DROP TRIGGER matchmaking_profile_offer_need_truncate ON matchmaking_offerneed;
DROP TRIGGER matchmaking_profile_offer_need_theme_truncate ON matchmaking_themedofferneed;
DROP FUNCTION matchmaking_profile_on_organisation_delete();
DROP FUNCTION matchmaking_profile_rebuild();
DROP TRIGGER matchmaking_profile_organisation_insert ON members_organisation;
DROP TRIGGER matchmaking_profile_organisation_update ON members_organisation;
DROP TRIGGER matchmaking_profile_organisation_theme_insert ON members_themedorganisation;
DROP TRIGGER matchmaking_profile_organisation_theme_update ON members_themedorganisation;
DROP TRIGGER matchmaking_profile_organisation_theme_delete ON members_themedorganisation;
DROP TRIGGER matchmaking_profile_offer_need_insert ON matchmaking_offerneed;
DROP TRIGGER matchmaking_profile_offer_need_update ON matchmaking_offerneed;
DROP TRIGGER matchmaking_profile_offer_need_delete ON matchmaking_offerneed;
DROP TRIGGER matchmaking_profile_offer_need_theme_insert ON matchmaking_themedofferneed;
DROP TRIGGER matchmaking_profile_offer_need_theme_update ON matchmaking_themedofferneed;
DROP TRIGGER matchmaking_profile_offer_need_theme_delete ON matchmaking_themedofferneed;
DROP FUNCTION matchmaking_profile_on_organisation();
DROP FUNCTION matchmaking_profile_on_organisation_theme();
DROP FUNCTION matchmaking_profile_on_offer_need();
DROP FUNCTION matchmaking_profile_on_offer_need_theme();
DROP FUNCTION matchmaking_profile_refresh(bigint[]);
DROP TABLE matchmaking_suggestion_profile;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("matchmaking", "0007_offerneed_open_by_org_index"),
        ("members", "0009_field_labels"),
    ]

    operations = [migrations.RunSQL(INSTALL_SQL, DROP_SQL)]
