-- The KAM pyramid in the data: every change of an account's stage is kept with its
-- reason, because sharing more (or less) with a client is a decision people must
-- be able to explain later.
CREATE TABLE stage_changes (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id       bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    from_stage       smallint NOT NULL CHECK (from_stage BETWEEN 1 AND 4),
    to_stage         smallint NOT NULL CHECK (to_stage BETWEEN 1 AND 4),
    reason           text NOT NULL CHECK (length(btrim(reason)) BETWEEN 3 AND 2000),
    -- How many KPIs lost visibility because the new stage allows less.
    kpis_restricted  integer NOT NULL DEFAULT 0 CHECK (kpis_restricted >= 0),
    changed_by       bigint REFERENCES users (id),
    changed_at       timestamptz NOT NULL DEFAULT now(),
    CHECK (from_stage <> to_stage)
);
CREATE INDEX stage_changes_account_idx ON stage_changes (account_id, changed_at DESC);

-- Sharing is also limited by the database: a KPI may only be as visible as the
-- stage of its account allows (1: nothing shared; 2–3: shared; 4: joint too).
-- The application clamps visibility when a stage is lowered; this trigger makes
-- sure no code path can skip it.
CREATE FUNCTION account_kpis_visibility_within_stage() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    s smallint;
BEGIN
    SELECT stage INTO s FROM accounts WHERE id = NEW.account_id;
    IF (NEW.visibility = 'shared' AND s < 2) OR (NEW.visibility = 'joint' AND s < 4) THEN
        RAISE EXCEPTION 'visibility % not allowed at stage %', NEW.visibility, s
            USING ERRCODE = 'check_violation', CONSTRAINT = 'account_kpis_visibility_within_stage';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER account_kpis_visibility_within_stage
    BEFORE INSERT OR UPDATE OF visibility, account_id ON account_kpis
    FOR EACH ROW EXECUTE FUNCTION account_kpis_visibility_within_stage();

-- And the other way round: an account's stage cannot drop below what its KPIs
-- share. The application restricts the KPIs first, then lowers the stage.
CREATE FUNCTION accounts_stage_covers_sharing() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM account_kpis k WHERE k.account_id = NEW.id
               AND ((k.visibility = 'shared' AND NEW.stage < 2) OR (k.visibility = 'joint' AND NEW.stage < 4))) THEN
        RAISE EXCEPTION 'stage % is below what account % shares', NEW.stage, NEW.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'accounts_stage_covers_sharing';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER accounts_stage_covers_sharing
    BEFORE UPDATE OF stage ON accounts
    FOR EACH ROW EXECUTE FUNCTION accounts_stage_covers_sharing();
