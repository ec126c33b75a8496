-- The BSN at rest (issue 19): a keyed hash as the lookup key and its last
-- three digits, never the number (see server::pseudonym). The app fills
-- the new columns for rows that still hold a plain BSN at start-up (it
-- holds the key) and empties `bsn`; a later release drops the column.
ALTER TABLE youths ALTER COLUMN bsn DROP NOT NULL;
ALTER TABLE youths
    ADD COLUMN bsn_hmac       bytea UNIQUE CHECK (octet_length(bsn_hmac) = 32),
    ADD COLUMN bsn_tail       text CHECK (bsn_tail ~ '^[0-9]{3}$'),
    -- How many keys of the chain the hash has been through.
    ADD COLUMN bsn_generation smallint CHECK (bsn_generation >= 1),
    ADD CONSTRAINT youths_bsn_pseudonym CHECK (
        bsn IS NOT NULL OR (bsn_hmac IS NOT NULL AND bsn_tail IS NOT NULL AND bsn_generation IS NOT NULL));
CREATE INDEX youths_bsn_generation_idx ON youths (bsn_generation);

-- One row per key of the chain: an instance whose key differs from what
-- the database was written with refuses to start (it would split the
-- index in two), and so does one that knows fewer keys than were used.
CREATE TABLE bsn_keys (
    generation  smallint PRIMARY KEY CHECK (generation >= 1),
    fingerprint bytea NOT NULL,
    added_at    timestamptz NOT NULL DEFAULT now()
);
