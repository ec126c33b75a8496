-- Actions (voortgangsbewaking): the coordinator gives involved
-- professionals (or an involved organisation) tasks with a due date.

CREATE TABLE actions (
    id                        uuid PRIMARY KEY,
    youth_id                  uuid NOT NULL REFERENCES youths (id) ON DELETE CASCADE,
    title                     text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description               text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
    -- Assigned to an organisation; a person of it once picked (or at once).
    assignee_organisation_id  uuid NOT NULL REFERENCES organisations (id),
    assignee_id               uuid REFERENCES users (id),
    due_on                    date NOT NULL,
    created_by                uuid NOT NULL REFERENCES users (id),
    created_at                timestamptz NOT NULL DEFAULT now(),
    done_at                   timestamptz,
    done_by                   uuid REFERENCES users (id),
    cancelled_at              timestamptz,
    -- The overdue mail goes once.
    overdue_mailed_at         timestamptz,
    CHECK ((done_at IS NULL) = (done_by IS NULL)),
    CHECK (done_at IS NULL OR cancelled_at IS NULL)
);
CREATE INDEX actions_youth_idx ON actions (youth_id, due_on);
CREATE INDEX actions_assignee_idx ON actions (assignee_id, due_on) WHERE done_at IS NULL AND cancelled_at IS NULL;
CREATE INDEX actions_organisation_idx ON actions (assignee_organisation_id) WHERE assignee_id IS NULL AND cancelled_at IS NULL;

-- What the assignee wrote about what was done: readable by its author
-- alone. Kept apart from `actions` so that no query of actions carries it
-- by accident; `db::actions` reads it in one place, for its author.
CREATE TABLE action_notes (
    action_id   uuid PRIMARY KEY REFERENCES actions (id) ON DELETE CASCADE,
    author_id   uuid NOT NULL REFERENCES users (id),
    note        text NOT NULL CHECK (length(note) BETWEEN 1 AND 4000),
    written_at  timestamptz NOT NULL DEFAULT now()
);

-- The history of an action, in words, for everyone who sees the action.
CREATE TABLE action_events (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    action_id  uuid NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    at         timestamptz NOT NULL DEFAULT now(),
    text       text NOT NULL CHECK (length(text) BETWEEN 1 AND 1000)
);
CREATE INDEX action_events_action_idx ON action_events (action_id, at);
