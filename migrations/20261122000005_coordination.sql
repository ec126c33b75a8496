-- Chain coordination: the covenant's versioned decision rules, who
-- coordinates each matched youth and why, warm handovers and escalations.

-- Each region's covenant, one row per version. A version never changes
-- after it is written: an edit writes the next version. The active version
-- is the highest activated one; a later, unactivated version is a draft.
CREATE TABLE covenant_versions (
    id            uuid PRIMARY KEY,
    region_id     uuid NOT NULL REFERENCES regions (id),
    version       integer NOT NULL CHECK (version >= 1),
    -- The ordered rules, as domain::covenant::Rule serialises them.
    rules         jsonb NOT NULL CHECK (jsonb_typeof(rules) = 'array'),
    created_by    uuid REFERENCES users (id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    activated_by  uuid REFERENCES users (id),
    activated_at  timestamptz,
    UNIQUE (region_id, version)
);

-- Every region starts with version 1: no rules, so the fallback decides.
INSERT INTO covenant_versions (id, region_id, version, rules, activated_at)
SELECT gen_random_uuid(), id, 1, '[]', now() FROM regions;

-- Who coordinates a youth: an organisation, and once one of its
-- coordinators takes the case, a person. One active row per youth; ended
-- rows are the history.
CREATE TABLE coordinations (
    id                   uuid PRIMARY KEY,
    youth_id             uuid NOT NULL REFERENCES youths (id) ON DELETE CASCADE,
    organisation_id      uuid NOT NULL REFERENCES organisations (id),
    coordinator_id       uuid REFERENCES users (id),
    -- The covenant version and rule that made the appointment (a handover
    -- or a region decision has none).
    covenant_version_id  uuid REFERENCES covenant_versions (id),
    rule_number          integer CHECK (rule_number >= 1),
    how                  text NOT NULL CHECK (how IN ('rule', 'reappointed', 'reapplied', 'handover', 'region')),
    explanation          text NOT NULL CHECK (length(explanation) BETWEEN 1 AND 1000),
    started_at           timestamptz NOT NULL DEFAULT now(),
    ended_at             timestamptz,
    end_reason           text CHECK (end_reason IN ('organisation_left', 'match_ended', 'handover', 'reapplied', 'region')),
    CHECK ((ended_at IS NULL) = (end_reason IS NULL))
);
CREATE UNIQUE INDEX coordinations_one_active ON coordinations (youth_id) WHERE ended_at IS NULL;
CREATE INDEX coordinations_organisation_idx ON coordinations (organisation_id) WHERE ended_at IS NULL;
CREATE INDEX coordinations_coordinator_idx ON coordinations (coordinator_id) WHERE ended_at IS NULL;
CREATE INDEX coordinations_youth_idx ON coordinations (youth_id, started_at);

-- A warm handover: proposed by the coordinator with start agreements,
-- accepted or rejected (with a reason) by the receiving organisation.
CREATE TABLE handovers (
    id                    uuid PRIMARY KEY,
    youth_id              uuid NOT NULL REFERENCES youths (id) ON DELETE CASCADE,
    from_organisation_id  uuid NOT NULL REFERENCES organisations (id),
    to_organisation_id    uuid NOT NULL REFERENCES organisations (id),
    proposed_by           uuid NOT NULL REFERENCES users (id),
    proposed_at           timestamptz NOT NULL DEFAULT now(),
    family_informed       boolean NOT NULL,
    plan_shared           boolean NOT NULL,
    roles_agreed          boolean NOT NULL,
    meeting_planned       boolean NOT NULL,
    agreements            text NOT NULL DEFAULT '' CHECK (length(agreements) <= 2000),
    decided_by            uuid REFERENCES users (id),
    decided_at            timestamptz,
    -- lapsed: the coordination changed another way while it was open.
    outcome               text CHECK (outcome IN ('accepted', 'rejected', 'withdrawn', 'lapsed')),
    reason                text CHECK (length(reason) <= 1000),
    CHECK ((decided_at IS NULL) = (outcome IS NULL)),
    CHECK (from_organisation_id <> to_organisation_id)
);
CREATE UNIQUE INDEX handovers_one_open ON handovers (youth_id) WHERE outcome IS NULL;
CREATE INDEX handovers_to_open_idx ON handovers (to_organisation_id) WHERE outcome IS NULL;

-- A case taken up to the region (opschaling), and what the region decided.
CREATE TABLE escalations (
    id          uuid PRIMARY KEY,
    youth_id    uuid NOT NULL REFERENCES youths (id) ON DELETE CASCADE,
    region_id   uuid NOT NULL REFERENCES regions (id),
    raised_by   uuid NOT NULL REFERENCES users (id),
    raised_at   timestamptz NOT NULL DEFAULT now(),
    reason      text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
    decided_by  uuid REFERENCES users (id),
    decision    text CHECK (length(decision) BETWEEN 1 AND 2000),
    closed_at   timestamptz,
    CHECK ((closed_at IS NULL) = (decision IS NULL))
);
CREATE UNIQUE INDEX escalations_one_open ON escalations (youth_id) WHERE closed_at IS NULL;
CREATE INDEX escalations_open_idx ON escalations (region_id, raised_at) WHERE closed_at IS NULL;

-- The coordination history of a youth in words, as every involved
-- professional reads it on the youth page.
CREATE TABLE coordination_events (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    youth_id  uuid NOT NULL REFERENCES youths (id) ON DELETE CASCADE,
    at        timestamptz NOT NULL DEFAULT now(),
    text      text NOT NULL CHECK (length(text) BETWEEN 1 AND 2000)
);
CREATE INDEX coordination_events_youth_idx ON coordination_events (youth_id, at);
