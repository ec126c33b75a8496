-- Reporting. Every figure is a sum over facts: one row per (measure,
-- municipality of residence, month, dimension, value) in report_counts, plus
-- the not yet compacted report_deltas. Triggers on the raw tables append
-- deltas in the writing transaction (-1 for what a row counted before the
-- statement, +1 for what it counts after), so a report never waits for a
-- refresh and never takes a lock a writer holds; the scheduler folds the
-- deltas into report_counts (report_compact) under one advisory lock.
-- report_rebuild() recomputes everything from the raw tables (the data
-- generator loads with triggers off and calls it).
--
-- A fact says nothing about which youth it came from: dimensions are the age
-- group (0..3), the organisation kind, the signal kind, days (durations) and
-- the due day of the month (actions). Breakdowns are one dimension at a time.

-- When the coordinating organisation's person took the case, and when the
-- coordination's first action was set out (the outcome measures).
ALTER TABLE coordinations ADD COLUMN coordinator_since timestamptz;
ALTER TABLE coordinations ADD COLUMN first_action_at timestamptz;
UPDATE coordinations SET coordinator_since = started_at WHERE coordinator_id IS NOT NULL;

CREATE FUNCTION coordinations_coordinator_since() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.coordinator_id IS NOT NULL AND NEW.coordinator_since IS NULL THEN
        NEW.coordinator_since := now();
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER coordinations_coordinator_since BEFORE INSERT OR UPDATE ON coordinations
    FOR EACH ROW EXECUTE FUNCTION coordinations_coordinator_since();

CREATE FUNCTION actions_first_action() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE coordinations SET first_action_at = NEW.created_at
     WHERE youth_id = NEW.youth_id AND ended_at IS NULL AND first_action_at IS NULL;
    RETURN NULL;
END $$;
CREATE TRIGGER actions_first_action AFTER INSERT ON actions
    FOR EACH ROW EXECUTE FUNCTION actions_first_action();

CREATE TABLE report_counts (
    municipality_code  text NOT NULL,
    measure            text NOT NULL,
    month              date NOT NULL,
    dim                text NOT NULL,
    value              text NOT NULL,
    n                  bigint NOT NULL,
    PRIMARY KEY (municipality_code, measure, month, dim, value)
);

CREATE TABLE report_deltas (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    municipality_code  text NOT NULL,
    measure            text NOT NULL,
    month              date NOT NULL,
    dim                text NOT NULL,
    value              text NOT NULL,
    n                  integer NOT NULL
);
CREATE INDEX report_deltas_municipality_idx ON report_deltas (municipality_code, measure, month);

CREATE TYPE report_fact AS (
    municipality_code text, measure text, month date, dim text, value text
);

CREATE FUNCTION report_month(at timestamptz) RETURNS date LANGUAGE sql STABLE AS
$$ SELECT date_trunc('month', at AT TIME ZONE 'Europe/Amsterdam')::date $$;

-- Simple expressions, so the planner inlines them: age in whole years as
-- age() counts it (a 29 February birthday is reached on 1 March).
CREATE FUNCTION report_age_group(birth date, at timestamptz) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN extract(year FROM age((at AT TIME ZONE 'Europe/Amsterdam')::date, birth)) <= 3 THEN '0'
                WHEN extract(year FROM age((at AT TIME ZONE 'Europe/Amsterdam')::date, birth)) <= 11 THEN '1'
                WHEN extract(year FROM age((at AT TIME ZONE 'Europe/Amsterdam')::date, birth)) <= 17 THEN '2'
                ELSE '3' END
$$;

CREATE FUNCTION report_org_kind(org uuid) RETURNS text LANGUAGE sql STABLE AS
$$ SELECT kind FROM organisations WHERE id = org $$;

CREATE FUNCTION report_days(from_at timestamptz, to_at timestamptz) RETURNS text LANGUAGE sql IMMUTABLE AS
$$ SELECT least(greatest(floor(extract(epoch FROM to_at - from_at) / 86400), 0), 9999)::int::text $$;

-- The facts of one row, for a youth living in `muni` born on `birth`.
CREATE FUNCTION report_facts_registration(r registrations, muni text, birth date)
RETURNS SETOF report_fact LANGUAGE sql STABLE AS $$
    SELECT muni, m, report_month(at), d, v
      FROM (VALUES ('registration_started', r.started_at), ('registration_ended', r.ended_at)) e (m, at),
           LATERAL (VALUES ('age', report_age_group(birth, r.started_at)),
                           ('org', report_org_kind(r.organisation_id))) x (d, v)
     WHERE at IS NOT NULL
$$;

CREATE FUNCTION report_facts_signal(s signals, muni text, birth date)
RETURNS SETOF report_fact LANGUAGE sql STABLE AS $$
    SELECT muni, m, report_month(at), d, v
      FROM (VALUES ('signal_started', s.given_at), ('signal_ended', s.closed_at)) e (m, at),
           LATERAL (VALUES ('age', report_age_group(birth, s.given_at)),
                           ('org', report_org_kind(s.organisation_id)),
                           ('kind', s.kind)) x (d, v)
     WHERE at IS NOT NULL
$$;

CREATE FUNCTION report_facts_match(e match_events, muni text, birth date)
RETURNS SETOF report_fact LANGUAGE sql STABLE AS $$
    SELECT muni, 'match', report_month(e.created_at), 'age', report_age_group(birth, e.created_at)
     WHERE e.kind = 'new'
$$;

CREATE FUNCTION report_facts_coordination(c coordinations, muni text, birth date)
RETURNS SETOF report_fact LANGUAGE sql STABLE AS $$
    SELECT muni, m, report_month(at), d, v
      FROM (VALUES ('coordination_started', c.started_at), ('coordination_ended', c.ended_at)) e (m, at),
           LATERAL (VALUES ('age', report_age_group(birth, c.started_at)),
                           ('org', report_org_kind(c.organisation_id))) x (d, v)
     WHERE at IS NOT NULL
    UNION ALL
    -- From the match (a rule's appointment is made in the matching
    -- transaction) to the person who took the case.
    SELECT muni, 'taken_days', report_month(c.coordinator_since), 'days', report_days(c.started_at, c.coordinator_since)
     WHERE c.how = 'rule' AND c.coordinator_since IS NOT NULL
    UNION ALL
    SELECT muni, 'first_action_days', report_month(c.first_action_at), 'days',
           report_days(coalesce(c.coordinator_since, c.started_at), c.first_action_at)
     WHERE c.first_action_at IS NOT NULL
$$;

CREATE FUNCTION report_facts_handover(h handovers, muni text, birth date)
RETURNS SETOF report_fact LANGUAGE sql STABLE AS $$
    SELECT muni, 'handover', report_month(h.decided_at), d, v
      FROM (VALUES ('age', report_age_group(birth, h.decided_at)),
                   ('org', report_org_kind(h.to_organisation_id))) x (d, v)
     WHERE h.outcome = 'accepted'
$$;

CREATE FUNCTION report_facts_escalation(e escalations, muni text, birth date)
RETURNS SETOF report_fact LANGUAGE sql STABLE AS $$
    SELECT muni, 'escalation', report_month(e.raised_at), 'age', report_age_group(birth, e.raised_at)
$$;

-- Actions by the month and day they were due; done on time means done on
-- or before the due date (Dutch time). Cancelled actions do not count.
CREATE FUNCTION report_facts_action(a actions, muni text, birth date)
RETURNS SETOF report_fact LANGUAGE sql STABLE AS $$
    SELECT muni, m, date_trunc('month', a.due_on)::date, 'day', extract(day FROM a.due_on)::int::text
      FROM (VALUES ('action_due', true),
                   ('action_on_time', a.done_at IS NOT NULL
                        AND (a.done_at AT TIME ZONE 'Europe/Amsterdam')::date <= a.due_on)) e (m, counts)
     WHERE a.cancelled_at IS NULL AND counts
$$;

-- Every fact of one youth's rows (the youth's own triggers use it).
CREATE FUNCTION report_youth_facts(youth uuid, muni text, birth date)
RETURNS SETOF report_fact LANGUAGE sql STABLE AS $$
    SELECT f.* FROM registrations r, report_facts_registration(r, muni, birth) f WHERE r.youth_id = youth
    UNION ALL SELECT f.* FROM signals s, report_facts_signal(s, muni, birth) f WHERE s.youth_id = youth
    UNION ALL SELECT f.* FROM match_events e, report_facts_match(e, muni, birth) f WHERE e.youth_id = youth
    UNION ALL SELECT f.* FROM coordinations c, report_facts_coordination(c, muni, birth) f WHERE c.youth_id = youth
    UNION ALL SELECT f.* FROM handovers h, report_facts_handover(h, muni, birth) f WHERE h.youth_id = youth
    UNION ALL SELECT f.* FROM escalations e, report_facts_escalation(e, muni, birth) f WHERE e.youth_id = youth
    UNION ALL SELECT f.* FROM actions a, report_facts_action(a, muni, birth) f WHERE a.youth_id = youth
$$;

-- Statement triggers on the raw tables: TG_ARGV[0] is the facts function.
-- A row whose youth is gone (the youth's delete cascades) counts nothing
-- here: the youth's own trigger took its facts off before.
CREATE FUNCTION report_capture() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_q text := format(
        'SELECT f.* FROM old_rows r JOIN youths y ON y.id = r.youth_id
           CROSS JOIN LATERAL %I(r, y.municipality_code, y.birth_date) f', TG_ARGV[0]);
    new_q text := replace(old_q, 'old_rows', 'new_rows');
    ins text := 'INSERT INTO report_deltas (municipality_code, measure, month, dim, value, n) ';
BEGIN
    IF TG_OP = 'INSERT' THEN
        EXECUTE ins || 'SELECT x.*, 1 FROM (' || new_q || ') x';
    ELSIF TG_OP = 'DELETE' THEN
        EXECUTE ins || 'SELECT x.*, -1 FROM (' || old_q || ') x';
    ELSE
        EXECUTE ins || 'SELECT x.*, -1 FROM (' || old_q || ' EXCEPT ALL ' || new_q || ') x
                        UNION ALL SELECT y.*, 1 FROM (' || new_q || ' EXCEPT ALL ' || old_q || ') y';
    END IF;
    RETURN NULL;
END $$;

DO $$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT * FROM (VALUES
        ('registrations', 'report_facts_registration'), ('signals', 'report_facts_signal'),
        ('match_events', 'report_facts_match'), ('coordinations', 'report_facts_coordination'),
        ('handovers', 'report_facts_handover'), ('escalations', 'report_facts_escalation'),
        ('actions', 'report_facts_action')) v (tab, fn)
    LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION report_capture(%L)', t.tab || '_report_insert', t.tab, t.fn);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION report_capture(%L)', t.tab || '_report_update', t.tab, t.fn);
        EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION report_capture(%L)', t.tab || '_report_delete', t.tab, t.fn);
    END LOOP;
END $$;

-- A youth that moves (or whose date of birth is corrected) takes its facts
-- along; a youth that is purged takes them off.
CREATE FUNCTION report_youth_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO report_deltas (municipality_code, measure, month, dim, value, n)
    SELECT f.*, -1 FROM report_youth_facts(OLD.id, OLD.municipality_code, OLD.birth_date) f;
    IF TG_OP = 'UPDATE' THEN
        INSERT INTO report_deltas (municipality_code, measure, month, dim, value, n)
        SELECT f.*, 1 FROM report_youth_facts(NEW.id, NEW.municipality_code, NEW.birth_date) f;
        RETURN NEW;
    END IF;
    RETURN OLD;
END $$;
CREATE TRIGGER youths_report_moved AFTER UPDATE OF municipality_code, birth_date ON youths
    FOR EACH ROW WHEN (OLD.municipality_code IS DISTINCT FROM NEW.municipality_code
                       OR OLD.birth_date IS DISTINCT FROM NEW.birth_date)
    EXECUTE FUNCTION report_youth_changed();
CREATE TRIGGER youths_report_purged BEFORE DELETE ON youths
    FOR EACH ROW EXECUTE FUNCTION report_youth_changed();

-- Folds the deltas into report_counts; one compaction at a time.
CREATE FUNCTION report_compact() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    moved bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(7365402);
    WITH d AS (DELETE FROM report_deltas RETURNING municipality_code, measure, month, dim, value, n)
    INSERT INTO report_counts (municipality_code, measure, month, dim, value, n)
    SELECT municipality_code, measure, month, dim, value, sum(n) FROM d
     GROUP BY 1, 2, 3, 4, 5
     ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (municipality_code, measure, month, dim, value)
    DO UPDATE SET n = report_counts.n + excluded.n;
    GET DIAGNOSTICS moved = ROW_COUNT;
    RETURN moved;
END $$;

-- Recomputes report_counts from the raw tables, set-based (the data
-- generator loads with triggers off and calls this): every table is
-- grouped once by its attributes, then spread over the dimensions. The
-- integration tests check that it gives the sums the triggers keep.
CREATE FUNCTION report_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(7365402);
    PERFORM set_config('work_mem', '512MB', true);
    LOCK TABLE report_deltas IN EXCLUSIVE MODE;
    DELETE FROM report_deltas;
    TRUNCATE report_counts;
    CREATE TEMP TABLE report_base (
        municipality_code text, measure text, month date,
        age text, org text, kind text, one_dim text, one_value text, n bigint
    ) ON COMMIT DROP;
    INSERT INTO report_base
    SELECT y.municipality_code, 'registration_started', report_month(r.started_at),
           report_age_group(y.birth_date, r.started_at), o.kind, NULL, NULL, NULL, count(*)
      FROM registrations r JOIN youths y ON y.id = r.youth_id JOIN organisations o ON o.id = r.organisation_id
     GROUP BY 1, 3, 4, 5;
    INSERT INTO report_base
    SELECT y.municipality_code, 'registration_ended', report_month(r.ended_at),
           report_age_group(y.birth_date, r.started_at), o.kind, NULL, NULL, NULL, count(*)
      FROM registrations r JOIN youths y ON y.id = r.youth_id JOIN organisations o ON o.id = r.organisation_id
     WHERE r.ended_at IS NOT NULL
     GROUP BY 1, 3, 4, 5;
    INSERT INTO report_base
    SELECT y.municipality_code, 'signal_started', report_month(s.given_at),
           report_age_group(y.birth_date, s.given_at), o.kind, s.kind, NULL, NULL, count(*)
      FROM signals s JOIN youths y ON y.id = s.youth_id JOIN organisations o ON o.id = s.organisation_id
     GROUP BY 1, 3, 4, 5, 6;
    INSERT INTO report_base
    SELECT y.municipality_code, 'signal_ended', report_month(s.closed_at),
           report_age_group(y.birth_date, s.given_at), o.kind, s.kind, NULL, NULL, count(*)
      FROM signals s JOIN youths y ON y.id = s.youth_id JOIN organisations o ON o.id = s.organisation_id
     WHERE s.closed_at IS NOT NULL
     GROUP BY 1, 3, 4, 5, 6;
    INSERT INTO report_base
    SELECT y.municipality_code, 'match', report_month(e.created_at),
           report_age_group(y.birth_date, e.created_at), NULL, NULL, NULL, NULL, count(*)
      FROM match_events e JOIN youths y ON y.id = e.youth_id
     WHERE e.kind = 'new'
     GROUP BY 1, 3, 4;
    INSERT INTO report_base
    SELECT y.municipality_code, m, report_month(at), report_age_group(y.birth_date, c.started_at), o.kind,
           NULL, NULL, NULL, count(*)
      FROM coordinations c JOIN youths y ON y.id = c.youth_id JOIN organisations o ON o.id = c.organisation_id,
           LATERAL (VALUES ('coordination_started', c.started_at), ('coordination_ended', c.ended_at)) e (m, at)
     WHERE at IS NOT NULL
     GROUP BY 1, 2, 3, 4, 5;
    INSERT INTO report_base
    SELECT y.municipality_code, 'taken_days', report_month(c.coordinator_since), NULL, NULL, NULL,
           'days', report_days(c.started_at, c.coordinator_since), count(*)
      FROM coordinations c JOIN youths y ON y.id = c.youth_id
     WHERE c.how = 'rule' AND c.coordinator_since IS NOT NULL
     GROUP BY 1, 3, 8;
    INSERT INTO report_base
    SELECT y.municipality_code, 'first_action_days', report_month(c.first_action_at), NULL, NULL, NULL,
           'days', report_days(coalesce(c.coordinator_since, c.started_at), c.first_action_at), count(*)
      FROM coordinations c JOIN youths y ON y.id = c.youth_id
     WHERE c.first_action_at IS NOT NULL
     GROUP BY 1, 3, 8;
    INSERT INTO report_base
    SELECT y.municipality_code, 'handover', report_month(h.decided_at),
           report_age_group(y.birth_date, h.decided_at), o.kind, NULL, NULL, NULL, count(*)
      FROM handovers h JOIN youths y ON y.id = h.youth_id JOIN organisations o ON o.id = h.to_organisation_id
     WHERE h.outcome = 'accepted'
     GROUP BY 1, 3, 4, 5;
    INSERT INTO report_base
    SELECT y.municipality_code, 'escalation', report_month(e.raised_at),
           report_age_group(y.birth_date, e.raised_at), NULL, NULL, NULL, NULL, count(*)
      FROM escalations e JOIN youths y ON y.id = e.youth_id
     GROUP BY 1, 3, 4;
    INSERT INTO report_base
    SELECT y.municipality_code, m, date_trunc('month', a.due_on)::date, NULL, NULL, NULL,
           'day', extract(day FROM a.due_on)::int::text, count(*)
      FROM actions a JOIN youths y ON y.id = a.youth_id,
           LATERAL (VALUES ('action_due', true),
                           ('action_on_time', a.done_at IS NOT NULL
                                AND (a.done_at AT TIME ZONE 'Europe/Amsterdam')::date <= a.due_on)) e (m, counts)
     WHERE a.cancelled_at IS NULL AND counts
     GROUP BY 1, 2, 3, 8;
    INSERT INTO report_counts (municipality_code, measure, month, dim, value, n)
    SELECT municipality_code, measure, month, d.dim, d.value, sum(n)
      FROM report_base,
           LATERAL (VALUES ('age', age), ('org', org), ('kind', kind), (one_dim, one_value)) d (dim, value)
     WHERE d.dim IS NOT NULL AND d.value IS NOT NULL
     GROUP BY 1, 2, 3, 4, 5;
END $$;

-- Periodic report mail: who receives it, how often, and which periods were
-- sent (claimed once per municipality and period, whichever instance first).
ALTER TABLE municipalities ADD COLUMN report_frequency text NOT NULL DEFAULT 'monthly'
    CHECK (report_frequency IN ('monthly', 'quarterly'));

CREATE TABLE report_recipients (
    id                 uuid PRIMARY KEY,
    municipality_code  text NOT NULL REFERENCES municipalities (code),
    name               text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    email              text NOT NULL CHECK (email = lower(email) AND email LIKE '%_@_%' AND length(email) <= 320),
    added_by           uuid REFERENCES users (id),
    added_at           timestamptz NOT NULL DEFAULT now(),
    UNIQUE (municipality_code, email)
);

CREATE TABLE report_sends (
    municipality_code  text NOT NULL REFERENCES municipalities (code),
    period_kind        text NOT NULL CHECK (period_kind IN ('monthly', 'quarterly')),
    period_start       date NOT NULL,
    claimed_at         timestamptz NOT NULL DEFAULT now(),
    recipients         integer NOT NULL,
    PRIMARY KEY (municipality_code, period_kind, period_start)
);
