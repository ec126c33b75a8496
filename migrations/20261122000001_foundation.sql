-- Foundation: regions, municipalities, organisations, users and roles,
-- sessions, log-in attempts and the append-only audit log.

CREATE TABLE regions (
    id          uuid PRIMARY KEY,
    name        text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE municipalities (
    code        text PRIMARY KEY CHECK (code ~ '^GM[0-9]{4}$'),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    region_id   uuid NOT NULL REFERENCES regions (id)
);
CREATE INDEX municipalities_region_idx ON municipalities (region_id);

CREATE TABLE organisations (
    id              uuid PRIMARY KEY,
    region_id       uuid NOT NULL REFERENCES regions (id),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    kind            text NOT NULL CHECK (kind IN ('jgz', 'wijkteam', 'school', 'politie', 'jeugdzorg', 'ggz', 'jeugdbescherming', 'gemeente')),
    may_register    boolean NOT NULL,
    may_signal      boolean NOT NULL,
    may_coordinate  boolean NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (region_id, name)
);

CREATE TABLE users (
    id               uuid PRIMARY KEY,
    organisation_id  uuid NOT NULL REFERENCES organisations (id),
    email            text NOT NULL CHECK (email = lower(email) AND email LIKE '%_@_%'),
    name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    phone            text NOT NULL DEFAULT '',
    password_hash    text NOT NULL,
    active           boolean NOT NULL DEFAULT true,
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_idx ON users (email);
CREATE INDEX users_organisation_idx ON users (organisation_id);

CREATE TABLE user_roles (
    user_id  uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role     text NOT NULL CHECK (role IN ('professional', 'coordinator', 'region_admin', 'municipality_analyst')),
    PRIMARY KEY (user_id, role)
);

-- A municipality analyst reads the figures of these municipalities.
CREATE TABLE analyst_municipalities (
    user_id            uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    municipality_code  text NOT NULL REFERENCES municipalities (code),
    PRIMARY KEY (user_id, municipality_code)
);

-- Server-side sessions. The cookie holds a random token; only its SHA-256
-- is stored, so a copy of this table does not let anyone log in.
CREATE TABLE sessions (
    token_hash    bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_last_seen_idx ON sessions (last_seen_at);

-- Every log-in attempt, for the lockout per account and per client address.
-- `email` is what was typed (lower-cased), whether or not such a user exists.
CREATE TABLE login_attempts (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email      text NOT NULL,
    client_ip  inet,
    succeeded  boolean NOT NULL,
    at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_attempts_email_idx ON login_attempts (email, at);
CREATE INDEX login_attempts_ip_idx ON login_attempts (client_ip, at);

-- NEN 7513 audit log: who did what to which object, when, from where, and
-- with what result. Append-only: the trigger below refuses UPDATE and DELETE
-- for every role, the application's included.
CREATE TABLE audit_log (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at               timestamptz NOT NULL DEFAULT now(),
    user_id          uuid,
    organisation_id  uuid,
    roles            text[] NOT NULL DEFAULT '{}',
    action           text NOT NULL,
    object_type      text,
    object_ids       text[] NOT NULL DEFAULT '{}',
    client_ip        inet,
    result           text NOT NULL CHECK (result IN ('success', 'denied', 'failed'))
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_user_idx ON audit_log (user_id, at);

CREATE FUNCTION audit_log_is_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_log_no_update_or_delete
    BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();

CREATE TRIGGER audit_log_no_truncate
    BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();
