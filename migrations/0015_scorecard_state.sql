-- The computed scorecard state (issue 16): every account's scorecard as of a day,
-- computed by the pure `scoring` module and stored, so that pages, CSVs and alerts
-- read one value instead of recomputing it from raw values each their own way.
--
-- Kept true by two pieces:
--  * statement-level triggers below mark an account "dirty" whenever something its
--    scores depend on changes (values and their validation, targets, KPIs, universe
--    weights, the account's stage), in the same transaction as the change;
--  * the app recomputes every account its transaction marked before committing
--    (`db::commit` → `scorecard::state::settle`), so readers never see a change
--    without its scores. Rows left dirty after a commit (a bulk write that chose to
--    defer) are recomputed by the background keeper, and readers say so meanwhile.

CREATE TABLE scorecard_state (
    account_id      bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    -- 'internal': every KPI (staff); 'client': what the account's client users see.
    audience        text NOT NULL CHECK (audience IN ('internal', 'client')),
    -- The day the scores are computed for: a stale value is stale as of that day.
    as_of           date NOT NULL,
    overall         float8,
    before_overall  float8,
    -- scoring::Scorecard now and as known when the month began, and the explanation
    -- of the change (serde JSON of the pure types; numbers round-trip exactly).
    now             jsonb NOT NULL,
    before          jsonb NOT NULL,
    explanation     jsonb NOT NULL,
    -- Counts the portfolio shows beside the scores.
    kpis            integer NOT NULL,
    fresh           integer NOT NULL,
    client_kpis     integer NOT NULL,
    client_fresh    integer NOT NULL,
    nps             float8,
    -- Revenue (KPI `revenue`) over the 12 months to as_of and the 12 before, with the
    -- number of monthly values in each, so growth compares monthly means.
    revenue         float8,
    revenue_prev    float8,
    revenue_n       integer NOT NULL,
    revenue_prev_n  integer NOT NULL,
    -- Values of shared KPIs over the last 12 months and their validation.
    shared_values   integer NOT NULL,
    validated       integer NOT NULL,
    contested       integer NOT NULL,
    contested_old   integer NOT NULL,
    computed_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, audience)
);

-- Accounts whose state must be recomputed. No foreign key: a row may name an
-- account being deleted in the same statement (cascades fire these triggers).
CREATE TABLE scorecard_dirty (
    account_id  bigint PRIMARY KEY,
    -- The transaction that marked it: `settle` recomputes its own marks; a mark
    -- whose transaction committed without settling is the keeper's.
    marked_by   xid8 NOT NULL DEFAULT pg_current_xact_id(),
    marked_at   timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION scorecard_mark(ids bigint[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO scorecard_dirty (account_id)
    SELECT DISTINCT unnest(ids) ORDER BY 1
    ON CONFLICT (account_id) DO UPDATE
        SET marked_by = pg_current_xact_id(), marked_at = now()
$$;

-- kpi_values (and their validation): through the KPI's account.
CREATE FUNCTION scorecard_mark_values() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM scorecard_mark(ARRAY(SELECT DISTINCT k.account_id FROM old_rows r
                                     JOIN account_kpis k ON k.id = r.account_kpi_id));
    ELSE
        PERFORM scorecard_mark(ARRAY(SELECT DISTINCT k.account_id FROM new_rows r
                                     JOIN account_kpis k ON k.id = r.account_kpi_id));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER scorecard_values_ins AFTER INSERT ON kpi_values
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION scorecard_mark_values();
CREATE TRIGGER scorecard_values_upd AFTER UPDATE ON kpi_values
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION scorecard_mark_values();
CREATE TRIGGER scorecard_values_del AFTER DELETE ON kpi_values
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION scorecard_mark_values();

-- kpi_targets: same path.
CREATE TRIGGER scorecard_targets_ins AFTER INSERT ON kpi_targets
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION scorecard_mark_values();
CREATE TRIGGER scorecard_targets_upd AFTER UPDATE ON kpi_targets
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION scorecard_mark_values();
CREATE TRIGGER scorecard_targets_del AFTER DELETE ON kpi_targets
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION scorecard_mark_values();

-- Tables that carry account_id themselves: account_kpis, universe_weights.
CREATE FUNCTION scorecard_mark_direct() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM scorecard_mark(ARRAY(SELECT DISTINCT account_id FROM old_rows));
    ELSE
        PERFORM scorecard_mark(ARRAY(SELECT DISTINCT account_id FROM new_rows));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER scorecard_kpis_ins AFTER INSERT ON account_kpis
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION scorecard_mark_direct();
CREATE TRIGGER scorecard_kpis_upd AFTER UPDATE ON account_kpis
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION scorecard_mark_direct();
CREATE TRIGGER scorecard_kpis_del AFTER DELETE ON account_kpis
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION scorecard_mark_direct();
CREATE TRIGGER scorecard_weights_ins AFTER INSERT ON universe_weights
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION scorecard_mark_direct();
CREATE TRIGGER scorecard_weights_upd AFTER UPDATE ON universe_weights
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION scorecard_mark_direct();
CREATE TRIGGER scorecard_weights_del AFTER DELETE ON universe_weights
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION scorecard_mark_direct();

-- accounts: a new account (its empty state) and a change of stage (what clients see).
CREATE FUNCTION scorecard_mark_accounts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM scorecard_mark(ARRAY(SELECT id FROM new_rows));
    ELSE
        PERFORM scorecard_mark(ARRAY(SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
                                     WHERE n.stage IS DISTINCT FROM o.stage));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER scorecard_accounts_ins AFTER INSERT ON accounts
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION scorecard_mark_accounts();
CREATE TRIGGER scorecard_accounts_upd AFTER UPDATE ON accounts
    REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION scorecard_mark_accounts();

-- Every account existing when this migration runs starts dirty: the keeper (or
-- `boussole rebuild-scores`) computes them.
INSERT INTO scorecard_dirty (account_id) SELECT id FROM accounts;
