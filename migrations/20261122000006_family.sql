-- 1 Gezin 1 Plan 1 Regisseur: youths of one household linked into a
-- family, one plan per family (or per youth without one), and consent.

-- The covenant may say: one coordinator for the whole family.
ALTER TABLE covenant_versions ADD COLUMN family_coordination boolean NOT NULL DEFAULT false;

CREATE TABLE families (
    id          uuid PRIMARY KEY,
    created_by  uuid NOT NULL REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- A youth belongs to at most one family.
CREATE TABLE family_members (
    youth_id    uuid PRIMARY KEY REFERENCES youths (id) ON DELETE CASCADE,
    family_id   uuid NOT NULL REFERENCES families (id) ON DELETE CASCADE,
    added_by    uuid NOT NULL REFERENCES users (id),
    added_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX family_members_family_idx ON family_members (family_id);

-- One plan for a family, or for a youth that is in none.
CREATE TABLE plans (
    id                   uuid PRIMARY KEY,
    family_id            uuid UNIQUE REFERENCES families (id) ON DELETE CASCADE,
    youth_id             uuid UNIQUE REFERENCES youths (id) ON DELETE CASCADE,
    goals                text NOT NULL DEFAULT '' CHECK (length(goals) <= 4000),
    review_on            date,
    -- Made together with the family: whether and when the family agreed.
    family_agreed_on     date,
    updated_by           uuid NOT NULL REFERENCES users (id),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    CHECK ((family_id IS NULL) <> (youth_id IS NULL))
);

-- Who does what, by when.
CREATE TABLE plan_agreements (
    id          uuid PRIMARY KEY,
    plan_id     uuid NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    who         text NOT NULL CHECK (length(who) BETWEEN 1 AND 200),
    what        text NOT NULL CHECK (length(what) BETWEEN 1 AND 1000),
    due_on      date,
    created_by  uuid NOT NULL REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX plan_agreements_plan_idx ON plan_agreements (plan_id, created_at);

-- Consent: who agreed to share what with whom, from and until when; or the
-- family was not informed because that would be unsafe (Meldcode), which
-- needs a justification.
CREATE TABLE consents (
    id             uuid PRIMARY KEY,
    family_id      uuid REFERENCES families (id) ON DELETE CASCADE,
    youth_id       uuid REFERENCES youths (id) ON DELETE CASCADE,
    kind           text NOT NULL CHECK (kind IN ('given', 'not_informed')),
    given_by       text NOT NULL DEFAULT '' CHECK (length(given_by) <= 200),
    what           text NOT NULL DEFAULT '' CHECK (length(what) <= 1000),
    with_whom      text NOT NULL DEFAULT '' CHECK (length(with_whom) <= 1000),
    valid_from     date NOT NULL,
    valid_until    date,
    justification  text NOT NULL DEFAULT '' CHECK (length(justification) <= 2000),
    recorded_by    uuid NOT NULL REFERENCES users (id),
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    withdrawn_at   timestamptz,
    CHECK ((family_id IS NULL) <> (youth_id IS NULL)),
    CHECK (kind <> 'given' OR (length(given_by) > 0 AND length(what) > 0 AND length(with_whom) > 0)),
    CHECK (kind <> 'not_informed' OR length(justification) > 0),
    CHECK (valid_until IS NULL OR valid_until >= valid_from)
);
CREATE INDEX consents_family_idx ON consents (family_id);
CREATE INDEX consents_youth_idx ON consents (youth_id);
