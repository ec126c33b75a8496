-- Live updates: what changed, for whom, in commit order.
--
-- Business code inserts a row in its own transaction (`db::live::emit`).
-- At commit a deferred trigger numbers it under one lock, so that the
-- numbers follow the order in which transactions become visible, stores who
-- may see it (the youth's audience at that moment) and notifies the app
-- instances. Rows carry ids only: no names, no BSN, no text.

CREATE SEQUENCE live_seq;

CREATE TABLE live_events (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Given at commit; NULL only inside the writing transaction.
    seq        bigint UNIQUE,
    at         timestamptz NOT NULL DEFAULT clock_timestamp(),
    kind       text NOT NULL CHECK (kind IN ('action', 'coordination', 'involvement')),
    youth_id   uuid NOT NULL,
    action_id  uuid,
    audience   uuid[] NOT NULL DEFAULT '{}'
);
CREATE INDEX live_events_at_idx ON live_events (at);

-- The highest number deleted by the daily clean-up: a client that last saw
-- an older one may have missed events and is told to resync.
CREATE TABLE live_purged (
    one       boolean PRIMARY KEY DEFAULT true CHECK (one),
    upto_seq  bigint NOT NULL DEFAULT 0
);
INSERT INTO live_purged DEFAULT VALUES;

-- Who may see a youth now: the same people `may_view` admits (involved
-- professionals, the coordinating person, the coordinators of the
-- coordinating organisation and of an organisation a handover is proposed to).
CREATE FUNCTION live_audience(y uuid) RETURNS uuid[] LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(DISTINCT u), '{}') FROM (
        SELECT user_id AS u FROM involvements WHERE youth_id = y
        UNION ALL
        SELECT coordinator_id FROM coordinations
         WHERE youth_id = y AND ended_at IS NULL AND coordinator_id IS NOT NULL
        UNION ALL
        SELECT r.user_id FROM coordinations c
          JOIN users us ON us.organisation_id = c.organisation_id
          JOIN user_roles r ON r.user_id = us.id AND r.role = 'coordinator'
         WHERE c.youth_id = y AND c.ended_at IS NULL
        UNION ALL
        SELECT r.user_id FROM handovers h
          JOIN users us ON us.organisation_id = h.to_organisation_id
          JOIN user_roles r ON r.user_id = us.id AND r.role = 'coordinator'
         WHERE h.youth_id = y AND h.outcome IS NULL
    ) s
$$;

CREATE FUNCTION live_publish() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    -- Held until the commit is visible: the next transaction numbers after it.
    PERFORM pg_advisory_xact_lock(7365401);
    n := nextval('live_seq');
    UPDATE live_events
       SET seq = n, at = clock_timestamp(), audience = live_audience(NEW.youth_id)
     WHERE id = NEW.id;
    PERFORM pg_notify('live', n::text);
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER live_publish AFTER INSERT ON live_events
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION live_publish();

-- Who is looking at a board or a youth right now, over all instances: one
-- row per open live connection, refreshed while it lasts.
CREATE UNLOGGED TABLE presence (
    connection_id  uuid PRIMARY KEY,
    user_id        uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    topic          text NOT NULL,
    seen_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX presence_topic_idx ON presence (topic, seen_at);

CREATE FUNCTION presence_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('presence', CASE WHEN TG_OP = 'DELETE' THEN OLD.topic ELSE NEW.topic END);
    RETURN NULL;
END
$$;

CREATE TRIGGER presence_changed AFTER INSERT OR DELETE ON presence
    FOR EACH ROW EXECUTE FUNCTION presence_changed();
