-- The report triggers per row, with static SQL.
--
-- The statement triggers of 0010 cost the write path dearly: a statement
-- trigger fires even when its statement changes no row (the expiry and
-- settling sweeps that run with every signal and registration update zero
-- rows almost always), and report_capture built its query as text and
-- planned it anew on every call (up to 9 ms for coordinations).
--
-- Now updates and deletes are counted by row triggers, which fire only for
-- rows that changed; inserts by a statement trigger over the inserted rows
-- (a bulk import inserts thousands in one statement, and one set-based
-- insert of their facts beats thousands of small ones). Each table has its
-- own PL/pgSQL function with static SQL, so its plans are kept for the
-- session. What is counted is unchanged: the same facts functions, -1 for
-- what a row counted before and +1 for after, an update that changes
-- nothing reportable writes nothing.

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
        EXECUTE format('DROP TRIGGER %I ON %I', t.tab || '_report_insert', t.tab);
        EXECUTE format('DROP TRIGGER %I ON %I', t.tab || '_report_update', t.tab);
        EXECUTE format('DROP TRIGGER %I ON %I', t.tab || '_report_delete', t.tab);

        -- One function per table: the body names its facts function, so
        -- every statement in it is static and planned once per session.
        -- A row whose youth is gone (the youth's delete cascades) counts
        -- nothing: the youth's own trigger took its facts off before.
        EXECUTE format($f$
            CREATE FUNCTION %1$I() RETURNS trigger LANGUAGE plpgsql AS $body$
            DECLARE
                muni text;
                birth date;
            BEGIN
                IF TG_LEVEL = 'STATEMENT' THEN
                    INSERT INTO report_deltas (municipality_code, measure, month, dim, value, n)
                    SELECT f.*, 1 FROM new_rows r JOIN youths y ON y.id = r.youth_id
                           CROSS JOIN LATERAL %2$I(r, y.municipality_code, y.birth_date) f;
                    RETURN NULL;
                END IF;
                IF TG_OP = 'DELETE' THEN
                    SELECT municipality_code, birth_date INTO muni, birth FROM youths WHERE id = OLD.youth_id;
                    IF FOUND THEN
                        INSERT INTO report_deltas (municipality_code, measure, month, dim, value, n)
                        SELECT f.*, -1 FROM %2$I(OLD, muni, birth) f;
                    END IF;
                    RETURN NULL;
                END IF;
                SELECT municipality_code, birth_date INTO muni, birth FROM youths WHERE id = NEW.youth_id;
                IF NOT FOUND THEN
                    RETURN NULL;
                END IF;
                INSERT INTO report_deltas (municipality_code, measure, month, dim, value, n)
                SELECT x.*, -1 FROM (SELECT * FROM %2$I(OLD, muni, birth)
                                     EXCEPT ALL SELECT * FROM %2$I(NEW, muni, birth)) x
                UNION ALL
                SELECT y.*, 1 FROM (SELECT * FROM %2$I(NEW, muni, birth)
                                    EXCEPT ALL SELECT * FROM %2$I(OLD, muni, birth)) y;
                RETURN NULL;
            END
            $body$ $f$, 'report_capture_' || t.tab, t.fn);

        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION %I()',
                       t.tab || '_report_insert', t.tab, 'report_capture_' || t.tab);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE OR DELETE ON %I
                        FOR EACH ROW EXECUTE FUNCTION %I()',
                       t.tab || '_report_change', t.tab, 'report_capture_' || t.tab);
    END LOOP;
END $$;

DROP FUNCTION report_capture();
