-- An audit log the application cannot rewrite (issue 19).
--
-- 1. Two roles. Migrations run as the owner of the tables (the role of
--    DATABASE_MIGRATE_URL); the app runs as `zorgsignaal_app`, which may
--    read and write the tables but only INSERT and SELECT the audit log:
--    no UPDATE, DELETE or TRUNCATE, and (not being the owner) no ALTER and
--    no switching its triggers off. The role is made beforehand (see the
--    README; scripts/pg.sh makes it in the private clusters).
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'zorgsignaal_app') THEN
        GRANT USAGE ON SCHEMA public TO zorgsignaal_app;
        GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA public TO zorgsignaal_app;
        REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM zorgsignaal_app;
        REVOKE ALL ON _sqlx_migrations FROM zorgsignaal_app;
        GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO zorgsignaal_app;
        -- Tables of later migrations (made by this same owner).
        ALTER DEFAULT PRIVILEGES IN SCHEMA public
            GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON TABLES TO zorgsignaal_app;
        ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO zorgsignaal_app;
    END IF;
END
$$;

-- 2. A hash chain. Rows are inserted as before (no lock, no contention);
--    `audit_seal()` then gives each committed row, in id order, the next
--    sequence number and hash = SHA-256(previous hash || the row's
--    content). It runs as the owner (SECURITY DEFINER), from the app's
--    job loop, and can only fill in rows not sealed yet. `audit_verify()`
--    recomputes the chain and names the first row that no longer fits.
ALTER TABLE audit_log ADD COLUMN seq bigint UNIQUE, ADD COLUMN hash bytea;

-- The content a row's hash covers, as one unambiguous text (a JSON array:
-- every field in its place, NULL as null, text escaped; the time in UTC,
-- so the session's time zone does not matter).
CREATE FUNCTION audit_row_text(a audit_log) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT json_build_array(a.id, to_char(a.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
                            a.user_id, a.organisation_id, a.roles, a.action, a.object_type, a.object_ids,
                            a.client_ip::text, a.result, a.reason, a.via)::text
$$;

-- A new row is never sealed by whoever inserts it: only audit_seal() seals.
CREATE FUNCTION audit_log_unsealed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.seq := NULL;
    NEW.hash := NULL;
    RETURN NEW;
END;
$$;
CREATE TRIGGER audit_log_insert_unsealed
    BEFORE INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_unsealed();
-- What the sealer looks for, without walking the whole log.
CREATE INDEX audit_log_unsealed_idx ON audit_log (id) WHERE seq IS NULL;

-- Only sealing may touch a row: filling in seq and hash once, nothing else.
CREATE OR REPLACE FUNCTION audit_log_is_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND OLD.hash IS NULL
       AND NEW.seq IS NOT NULL AND NEW.hash IS NOT NULL
       AND audit_row_text(OLD) = audit_row_text(NEW) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE FUNCTION audit_seal(batch integer) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    last_seq  bigint;
    last_hash bytea;
    r         audit_log;
    n         integer := 0;
BEGIN
    -- One sealer at a time (any instance).
    PERFORM pg_advisory_xact_lock(7513, 1);
    SELECT seq, hash INTO last_seq, last_hash FROM audit_log WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1;
    FOR r IN SELECT * FROM audit_log WHERE seq IS NULL ORDER BY id LIMIT batch LOOP
        last_seq := coalesce(last_seq, 0) + 1;
        last_hash := sha256(coalesce(last_hash, '\x'::bytea) || convert_to(audit_row_text(r), 'UTF8'));
        UPDATE audit_log SET seq = last_seq, hash = last_hash WHERE id = r.id;
        n := n + 1;
    END LOOP;
    RETURN n;
END;
$$;

-- The first sealed row whose hash does not follow from its content and
-- its predecessor's hash (or whose sequence has a gap); none: intact.
CREATE FUNCTION audit_verify() RETURNS TABLE (seq bigint, id bigint, problem text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    prev_hash bytea := '\x';
    expected  bigint := 1;
    r         audit_log;
BEGIN
    FOR r IN SELECT * FROM audit_log a WHERE a.seq IS NOT NULL ORDER BY a.seq LOOP
        IF r.seq <> expected THEN
            RETURN QUERY SELECT expected, NULL::bigint, 'row missing'::text;
            RETURN;
        END IF;
        IF r.hash IS DISTINCT FROM sha256(prev_hash || convert_to(audit_row_text(r), 'UTF8')) THEN
            RETURN QUERY SELECT r.seq, r.id, 'content or hash changed'::text;
            RETURN;
        END IF;
        prev_hash := r.hash;
        expected := expected + 1;
    END LOOP;
END;
$$;
