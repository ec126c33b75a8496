-- No BSN oracle (issue 19): a registration or signal whose name or date
-- of birth differs from what is stored at its BSN is never refused and
-- never told so. It is recorded against the BSN; the organisation that
-- typed the other data keeps its own version here and sees only that
-- (its pages, its mails). Covenant rules, ages and reports keep using the
-- youth row (the data as first recorded) until the region admin resolves
-- the mismatch: the same person (one version becomes the youth's data for
-- everyone and these rows go), or a mistyped BSN (the organisation is
-- mailed to correct its registration and keeps its own version until it
-- ends it).
CREATE TABLE youth_versions (
    youth_id          uuid NOT NULL REFERENCES youths (id) ON DELETE CASCADE,
    organisation_id   uuid NOT NULL REFERENCES organisations (id),
    given_names       text NOT NULL CHECK (length(given_names) BETWEEN 1 AND 100),
    prefix            text NOT NULL DEFAULT '' CHECK (length(prefix) <= 20),
    family_name       text NOT NULL CHECK (length(family_name) BETWEEN 1 AND 100),
    birth_date        date NOT NULL,
    municipality_code text NOT NULL REFERENCES municipalities (code),
    -- The professional who first typed this version.
    typed_by          uuid NOT NULL REFERENCES users (id),
    since             timestamptz NOT NULL DEFAULT now(),
    -- Set when the region admin found the BSN mistyped; the organisation
    -- was mailed to correct its registration.
    wrong_bsn_at      timestamptz,
    wrong_bsn_by      uuid REFERENCES users (id),
    PRIMARY KEY (youth_id, organisation_id)
);
CREATE INDEX youth_versions_open_idx ON youth_versions (since) WHERE wrong_bsn_at IS NULL;
