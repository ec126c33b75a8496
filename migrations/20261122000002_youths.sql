-- Youths, chain registrations, signals, matches, API tokens and flashes.

-- A youth is known by BSN. The BSN is text with a CHECK, never char(9): a
-- text parameter against char(9) defeats the index.
CREATE TABLE youths (
    id                      uuid PRIMARY KEY,
    bsn                     text NOT NULL UNIQUE CHECK (bsn ~ '^[0-9]{9}$'),
    given_names             text NOT NULL CHECK (length(given_names) BETWEEN 1 AND 100),
    prefix                  text NOT NULL DEFAULT '' CHECK (length(prefix) <= 20),
    family_name             text NOT NULL CHECK (length(family_name) BETWEEN 1 AND 100),
    birth_date              date NOT NULL,
    municipality_code       text NOT NULL REFERENCES municipalities (code),
    -- Kept in the writing transaction: distinct organisations with an
    -- active involvement; 2 or more is a match.
    involved_organisations  integer NOT NULL DEFAULT 0,
    matched_at              timestamptz,
    created_at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX youths_birth_date_idx ON youths (birth_date);

CREATE TABLE registrations (
    id                uuid PRIMARY KEY,
    youth_id          uuid NOT NULL REFERENCES youths (id) ON DELETE CASCADE,
    user_id           uuid NOT NULL REFERENCES users (id),
    organisation_id   uuid NOT NULL REFERENCES organisations (id),
    started_at        timestamptz NOT NULL DEFAULT now(),
    end_date          date NOT NULL,
    -- The expiry reminder is due a week before the end date; the mail
    -- worker sets reminder_sent_at, and a changed end date clears it.
    reminder_due_on   date GENERATED ALWAYS AS (end_date - 7) STORED,
    reminder_sent_at  timestamptz,
    ended_at          timestamptz,
    end_reason        text CHECK (end_reason IN ('help_completed', 'transferred', 'moved', 'no_longer_involved', 'in_error', 'expired')),
    external_ref      text CHECK (length(external_ref) BETWEEN 1 AND 200),
    CHECK ((ended_at IS NULL) = (end_reason IS NULL))
);
CREATE UNIQUE INDEX registrations_one_active_per_professional
    ON registrations (youth_id, user_id) WHERE ended_at IS NULL;
CREATE UNIQUE INDEX registrations_external_ref_idx
    ON registrations (organisation_id, external_ref) WHERE external_ref IS NOT NULL;
CREATE INDEX registrations_user_active_idx ON registrations (user_id) WHERE ended_at IS NULL;
CREATE INDEX registrations_organisation_idx ON registrations (organisation_id, started_at DESC);
CREATE INDEX registrations_end_date_idx ON registrations (end_date) WHERE ended_at IS NULL;
CREATE INDEX registrations_reminder_idx ON registrations (reminder_due_on)
    WHERE ended_at IS NULL AND reminder_sent_at IS NULL;

CREATE TABLE signals (
    id               uuid PRIMARY KEY,
    youth_id         uuid NOT NULL REFERENCES youths (id) ON DELETE CASCADE,
    user_id          uuid NOT NULL REFERENCES users (id),
    organisation_id  uuid NOT NULL REFERENCES organisations (id),
    kind             text NOT NULL CHECK (kind IN ('ontwikkeling', 'gezondheid', 'opvoeding', 'onderwijs_verzuim', 'veiligheid', 'middelengebruik', 'financien', 'overig')),
    given_at         timestamptz NOT NULL DEFAULT now(),
    expires_at       timestamptz NOT NULL,
    closed_at        timestamptz,
    close_reason     text CHECK (close_reason IN ('worry_resolved', 'help_started', 'transferred', 'moved', 'in_error', 'expired')),
    external_ref     text CHECK (length(external_ref) BETWEEN 1 AND 200),
    CHECK ((closed_at IS NULL) = (close_reason IS NULL))
);
CREATE UNIQUE INDEX signals_one_active_per_professional_and_kind
    ON signals (youth_id, user_id, kind) WHERE closed_at IS NULL;
CREATE UNIQUE INDEX signals_external_ref_idx
    ON signals (organisation_id, external_ref) WHERE external_ref IS NOT NULL;
CREATE INDEX signals_user_active_idx ON signals (user_id) WHERE closed_at IS NULL;
CREATE INDEX signals_organisation_idx ON signals (organisation_id, given_at DESC);
CREATE INDEX signals_expires_idx ON signals (expires_at) WHERE closed_at IS NULL;

-- An involvement is an active registration or an active signal.
CREATE VIEW involvements AS
    SELECT 'registration'::text AS kind, id, youth_id, user_id, organisation_id, started_at AS since
      FROM registrations WHERE ended_at IS NULL
    UNION ALL
    SELECT 'signal'::text, id, youth_id, user_id, organisation_id, given_at
      FROM signals WHERE closed_at IS NULL;

-- The history of each registration and signal, shown to its own professional.
CREATE TABLE involvement_events (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    youth_id        uuid NOT NULL REFERENCES youths (id) ON DELETE CASCADE,
    involvement_id  uuid NOT NULL,
    at              timestamptz NOT NULL DEFAULT now(),
    event           text NOT NULL CHECK (event IN ('registered', 'signalled', 'end_date_changed', 'ended', 'closed', 'expired')),
    detail          text NOT NULL DEFAULT '',
    via_api         boolean NOT NULL DEFAULT false
);
CREATE INDEX involvement_events_involvement_idx ON involvement_events (involvement_id, at);
CREATE INDEX involvement_events_youth_idx ON involvement_events (youth_id);

-- A match made or extended. The mail worker (issue 4) and the coordinator
-- appointment (issue 5) hook onto these rows.
CREATE TABLE match_events (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    youth_id            uuid NOT NULL REFERENCES youths (id) ON DELETE CASCADE,
    kind                text NOT NULL CHECK (kind IN ('new', 'extended')),
    involvement_id      uuid NOT NULL,
    user_id             uuid NOT NULL REFERENCES users (id),
    organisation_id     uuid NOT NULL REFERENCES organisations (id),
    organisation_count  integer NOT NULL CHECK (organisation_count >= 2),
    created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX match_events_youth_idx ON match_events (youth_id);

-- API tokens of institution systems. Only the SHA-256 of a token is kept.
CREATE TABLE api_tokens (
    id               uuid PRIMARY KEY,
    organisation_id  uuid NOT NULL REFERENCES organisations (id),
    name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    token_hash       bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    hint             text NOT NULL,
    created_by       uuid NOT NULL REFERENCES users (id),
    created_at       timestamptz NOT NULL DEFAULT now(),
    last_used_at     timestamptz,
    revoked_at       timestamptz,
    revoked_by       uuid REFERENCES users (id)
);
CREATE INDEX api_tokens_organisation_idx ON api_tokens (organisation_id);

-- One-time values for a page after a form post without JavaScript (what
-- was typed into a form that failed, a token shown once). Bound to the
-- session, read once, gone within the hour.
CREATE TABLE flashes (
    id          uuid PRIMARY KEY,
    session     bytea NOT NULL,
    payload     jsonb NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX flashes_created_idx ON flashes (created_at);

-- Audit rows may carry the reason a person gave (viewing a youth's trail)
-- and counts (the retention job); never personal data.
ALTER TABLE audit_log ADD COLUMN reason text;
ALTER TABLE audit_log ADD COLUMN via text NOT NULL DEFAULT 'ui' CHECK (via IN ('ui', 'api', 'system'));
CREATE INDEX audit_log_objects_idx ON audit_log USING gin (object_ids);

-- The scheduler's claim on each daily job, so several instances run it once.
CREATE TABLE job_runs (
    job       text NOT NULL,
    run_on    date NOT NULL,
    started_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    PRIMARY KEY (job, run_on)
);
