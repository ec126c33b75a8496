-- The mail outbox. Business code inserts rows in its own transaction; the
-- mail worker of every app instance claims due rows (FOR UPDATE SKIP
-- LOCKED), sends them and marks them sent. See src/server/mail.
CREATE TABLE outbox (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- The Message-ID is <message_id@zorgsignaal>: stable across resends, so
    -- a resend after a crash is recognisable.
    message_id       uuid NOT NULL UNIQUE,
    kind             text NOT NULL CHECK (kind ~ '^[a-z_]{1,40}$'),
    -- A user of the application, or (user_id NULL) a bare address such as a
    -- report recipient. The address is the one at enqueue time; the worker
    -- sends to the user's current address.
    user_id          uuid REFERENCES users (id) ON DELETE SET NULL,
    recipient        text NOT NULL CHECK (length(recipient) <= 320),
    region_id        uuid REFERENCES regions (id),
    -- Mails that name a youth go with the youth's data (retention).
    youth_id         uuid REFERENCES youths (id) ON DELETE CASCADE,
    subject          text NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
    -- What the template renders from; emptied once the mail is sent.
    payload          jsonb NOT NULL,
    status           text NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'dead')),
    attempts         integer NOT NULL DEFAULT 0,
    -- Pending: when to try. Sending: when the claim lapses (a crashed
    -- worker's mail is claimed again then).
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    give_up_at       timestamptz NOT NULL DEFAULT now() + interval '48 hours',
    last_error       text CHECK (length(last_error) <= 500),
    -- At most one mail per key, e.g. one expiry reminder per registration and end date.
    dedupe_key       text UNIQUE CHECK (length(dedupe_key) <= 200),
    created_at       timestamptz NOT NULL DEFAULT now(),
    sent_at          timestamptz
);
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at) WHERE status IN ('pending', 'sending');
CREATE INDEX outbox_region_idx ON outbox (region_id, status, created_at DESC);
CREATE INDEX outbox_user_idx ON outbox (user_id);

-- Wake the workers when a transaction that added mail commits.
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('outbox', '');
    RETURN NULL;
END $$;
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();
