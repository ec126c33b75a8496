-- Two-factor log-in (TOTP, RFC 6238) with recovery codes.
--
-- A session is created at the password step. Until the second step is
-- done it is not a log-in: `stage` says what it still needs ('code': the
-- code from the user's app; 'enrol': setting up an app, because the user
-- must have one) and every lookup of the logged-in user asks for 'full'.

ALTER TABLE sessions
    ADD COLUMN stage text NOT NULL DEFAULT 'full' CHECK (stage IN ('full', 'code', 'enrol'));

ALTER TABLE users
    -- The shared secret of the confirmed app (20 random bytes), and the
    -- time step of the last code used, so a code works once.
    ADD COLUMN totp_secret bytea CHECK (length(totp_secret) = 20),
    ADD COLUMN totp_last_step bigint,
    -- A secret being set up: shown as a QR code, kept until a code from it
    -- confirms it.
    ADD COLUMN totp_pending_secret bytea CHECK (length(totp_pending_secret) = 20),
    -- Only the demo seed sets this: its accounts log in with a password
    -- alone, so the demo stays easy.
    ADD COLUMN two_factor_exempt boolean NOT NULL DEFAULT false;

-- Ten single-use codes for when the app is lost; only their SHA-256 is
-- kept (each code holds 60 random bits, so a fast hash is enough).
CREATE TABLE recovery_codes (
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash  bytea NOT NULL CHECK (length(code_hash) = 32),
    used_at    timestamptz,
    PRIMARY KEY (user_id, code_hash)
);

-- Region admins and municipality analysts always need a second factor;
-- a region can ask it of everyone.
ALTER TABLE regions
    ADD COLUMN two_factor_for_all boolean NOT NULL DEFAULT false;
