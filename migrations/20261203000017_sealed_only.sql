-- From this release on nothing readable may be written: a youth row keeps
-- no plain BSN (only its keyed hash and last three digits), an
-- authenticator secret is only ever stored sealed (48 bytes). NOT VALID:
-- rows of a database that has not yet started this release may still be
-- plain; the app seals them at start-up (startup::prepare) before it
-- serves, and every row it writes, sealing included, is checked. A later
-- release validates the constraints and drops the plain column.
ALTER TABLE youths ADD CONSTRAINT youths_no_plain_bsn CHECK (bsn IS NULL) NOT VALID;
ALTER TABLE users
    ADD CONSTRAINT users_totp_secret_sealed_only CHECK (length(totp_secret) = 48) NOT VALID,
    ADD CONSTRAINT users_totp_pending_secret_sealed_only CHECK (length(totp_pending_secret) = 48) NOT VALID;
