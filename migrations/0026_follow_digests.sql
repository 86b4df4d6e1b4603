-- 0026: following accounts and e-mail digests (issue 14), and the comment a red
-- value may require.

-- ---------------------------------------------------------------------------
-- Following
-- ---------------------------------------------------------------------------
-- Whom an account's news reaches by e-mail. Only explicit choices are stored: a
-- KAM follows the accounts they own and a client user their own account without
-- a row (see `digests::follow`), so a new account is followed by its KAM from the
-- first day, and a KAM who unfollows keeps a row saying so.
CREATE TABLE account_follows (
    user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    account_id  bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    follows     boolean NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, account_id)
);
CREATE INDEX account_follows_account_idx ON account_follows (account_id);
CREATE TRIGGER account_follows_updated_at BEFORE UPDATE ON account_follows
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- ---------------------------------------------------------------------------
-- Digests
-- ---------------------------------------------------------------------------
-- Each person's choice: a digest every morning, every Monday, or none (the
-- default: nobody receives mail they did not ask for).
ALTER TABLE users ADD COLUMN digest text NOT NULL DEFAULT 'off'
    CHECK (digest IN ('off', 'daily', 'weekly'));

-- One digest per person and period: the daily pass inserts the row and queues
-- the e-mail in one transaction, so a second pass (another instance, a retry,
-- the job run twice) finds the row and sends nothing.
CREATE TABLE digests_sent (
    user_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The period covered, as days in the organisation's time zone: [from, until).
    period_from   date NOT NULL,
    period_until  date NOT NULL,
    frequency     text NOT NULL CHECK (frequency IN ('daily', 'weekly')),
    -- How many events and items the e-mail listed (for support questions).
    items         integer NOT NULL CHECK (items >= 0),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, period_from),
    CHECK (period_until > period_from)
);

-- ---------------------------------------------------------------------------
-- "KPI turned red" as news
-- ---------------------------------------------------------------------------
-- The status of a KPI is computed by the scoring module and stored in
-- scorecard_state (`now -> 'kpis'`, each with its `rag`). When a recomputation
-- turns a KPI red that was not red, the audit trail gets a `kpi.turned_red` row,
-- so the feed, the notifications and the digests (which read the feed) carry it
-- with no second definition of "red". Internal audience only (the staff's status;
-- the feed shows it to client users for shared KPIs only). A state computed for
-- the first time reports nothing: there was no "before".
CREATE FUNCTION scorecard_state_turned_red() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO audit_log (action, entity, entity_id, account_id, after)
    SELECT 'kpi.turned_red', 'account_kpi', n.id::text, NEW.account_id,
           jsonb_build_object('rag', 'red', 'score', n.score)
    FROM jsonb_to_recordset(NEW.now -> 'kpis') AS n(id bigint, rag text, score float8)
    WHERE n.rag = 'red'
      AND EXISTS (SELECT 1 FROM account_kpis k WHERE k.id = n.id AND k.account_id = NEW.account_id)
      AND NOT EXISTS (
          SELECT 1 FROM jsonb_to_recordset(OLD.now -> 'kpis') AS o(id bigint, rag text)
          WHERE o.id = n.id AND o.rag = 'red');
    RETURN NULL;
END $$;
CREATE TRIGGER scorecard_state_turned_red AFTER UPDATE OF now ON scorecard_state
    FOR EACH ROW WHEN (NEW.audience = 'internal' AND OLD.now IS DISTINCT FROM NEW.now)
    EXECUTE FUNCTION scorecard_state_turned_red();

-- ---------------------------------------------------------------------------
-- A comment required when a value turns red
-- ---------------------------------------------------------------------------
-- Per KPI: a value whose status (from the scoring module) is red is refused
-- without a comment, on every path that writes values by hand.
ALTER TABLE account_kpis ADD COLUMN comment_when_red boolean NOT NULL DEFAULT false;
