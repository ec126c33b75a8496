-- An action for the whole family (1 Gezin 1 Plan): set out on one youth's
-- page, shown on every member's page, done by a professional of any member.
ALTER TABLE actions ADD COLUMN family_id uuid REFERENCES families (id) ON DELETE SET NULL;
CREATE INDEX actions_family_idx ON actions (family_id) WHERE family_id IS NOT NULL;
