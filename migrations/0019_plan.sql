-- The account business plan (issue 12): one plan per account and period, its
-- objectives (the client's and ours), a mutual action plan and risks.
--
-- Everything of a plan carries its account_id, and every link between two of its
-- rows is a composite foreign key on (id, account_id): an objective, an action, a
-- linked KPI or an owning contact of another account cannot be stored, whatever
-- the application does.

-- The client's fiscal year starts this month (1 = a calendar year).
ALTER TABLE accounts ADD COLUMN fiscal_start_month smallint NOT NULL DEFAULT 1
    CHECK (fiscal_start_month BETWEEN 1 AND 12);

-- Targets of the composite foreign keys below.
ALTER TABLE account_kpis ADD CONSTRAINT account_kpis_id_account UNIQUE (id, account_id);
ALTER TABLE contacts ADD CONSTRAINT contacts_id_account UNIQUE (id, account_id);

CREATE TABLE account_plans (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id       bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    -- The period: a (fiscal) year, first and last day.
    period_start     date NOT NULL,
    period_end       date NOT NULL,
    -- The plan of the next period of a closed plan has that plan's version + 1.
    version          integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    status           text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active', 'closed')),
    -- The client's context. Lengths are limits a reader can live with.
    priorities       text NOT NULL DEFAULT '' CHECK (length(priorities) <= 4000),
    challenges       text NOT NULL DEFAULT '' CHECK (length(challenges) <= 4000),
    competitors      text NOT NULL DEFAULT '' CHECK (length(competitors) <= 4000),
    strengths        text NOT NULL DEFAULT '' CHECK (length(strengths) <= 4000),
    weaknesses       text NOT NULL DEFAULT '' CHECK (length(weaknesses) <= 4000),
    opportunities    text NOT NULL DEFAULT '' CHECK (length(opportunities) <= 4000),
    threats          text NOT NULL DEFAULT '' CHECK (length(threats) <= 4000),
    -- Whether the client sees the context in the portal (internal by default).
    context_shared   boolean NOT NULL DEFAULT false,
    -- Where the account stood when the plan was made (score, revenue…), read
    -- from scorecard_state; `frozen` is the whole plan as it was when closed.
    snapshot         jsonb NOT NULL DEFAULT '{}',
    frozen           jsonb,
    closed_at        timestamptz,
    created_by       bigint REFERENCES users (id),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (account_id, period_start),
    UNIQUE (id, account_id),
    CHECK (period_end > period_start),
    CHECK ((status = 'closed') = (closed_at IS NOT NULL AND frozen IS NOT NULL))
);
CREATE TRIGGER account_plans_updated_at BEFORE UPDATE ON account_plans
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Objectives: the director's table of 0010, grown into plan objectives. Rows
-- without a plan (older data) still count for /capabilities.
-- `status` is the status set by hand (the only one for an objective without KPIs);
-- the status shown is `objective_status.status` below.
ALTER TABLE account_objectives
    ADD COLUMN plan_id          bigint,
    ADD COLUMN side             text NOT NULL DEFAULT 'ours' CHECK (side IN ('client', 'ours')),
    ADD COLUMN owner_id         bigint REFERENCES users (id),
    ADD COLUMN starts           date,
    ADD COLUMN target_note      text NOT NULL DEFAULT '' CHECK (length(target_note) <= 500),
    ADD COLUMN status_override  text CHECK (status_override IN ('on_track', 'at_risk', 'off_track', 'done')),
    ADD COLUMN override_reason  text CHECK (length(btrim(override_reason)) BETWEEN 1 AND 500),
    ADD COLUMN shared           boolean NOT NULL DEFAULT false,
    -- The objective of the previous plan this one continues (carry-forward):
    -- counted once by /capabilities.
    ADD COLUMN carried_from     bigint REFERENCES account_objectives (id) ON DELETE SET NULL,
    ADD CONSTRAINT account_objectives_id_account UNIQUE (id, account_id),
    ADD CONSTRAINT account_objectives_plan FOREIGN KEY (plan_id, account_id)
        REFERENCES account_plans (id, account_id) ON DELETE CASCADE,
    ADD CONSTRAINT account_objectives_dates CHECK (starts IS NULL OR starts <= due),
    ADD CONSTRAINT account_objectives_override CHECK ((status_override IS NULL) = (override_reason IS NULL));
CREATE INDEX account_objectives_plan_idx ON account_objectives (plan_id);

-- The KPIs (of the same account) that measure an objective.
CREATE TABLE objective_kpis (
    objective_id  bigint NOT NULL,
    account_id    bigint NOT NULL,
    kpi_id        bigint NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (objective_id, kpi_id),
    FOREIGN KEY (objective_id, account_id) REFERENCES account_objectives (id, account_id) ON DELETE CASCADE,
    FOREIGN KEY (kpi_id, account_id) REFERENCES account_kpis (id, account_id) ON DELETE CASCADE
);

-- The mutual action plan. The owner is a supplier user, a client contact or a
-- client user of this account (the trigger below checks the client user).
CREATE TABLE plan_actions (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id        bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    plan_id           bigint NOT NULL,
    objective_id      bigint,
    title             text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    notes             text NOT NULL DEFAULT '' CHECK (length(notes) <= 4000),
    owner_user_id     bigint REFERENCES users (id),
    owner_contact_id  bigint,
    starts            date NOT NULL DEFAULT current_date,
    due               date NOT NULL,
    status            text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'done', 'cancelled')),
    done_on           date,
    shared            boolean NOT NULL DEFAULT false,
    -- The action of the previous plan this one continues (carry-forward).
    carried_from      bigint REFERENCES plan_actions (id) ON DELETE SET NULL,
    created_by        bigint REFERENCES users (id),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (id, account_id),
    FOREIGN KEY (plan_id, account_id) REFERENCES account_plans (id, account_id) ON DELETE CASCADE,
    FOREIGN KEY (objective_id, account_id) REFERENCES account_objectives (id, account_id) ON DELETE SET NULL (objective_id),
    CONSTRAINT plan_actions_owner_contact FOREIGN KEY (owner_contact_id, account_id)
        REFERENCES contacts (id, account_id),
    CONSTRAINT plan_actions_one_owner CHECK (num_nonnulls(owner_user_id, owner_contact_id) = 1),
    CONSTRAINT plan_actions_dates CHECK (due >= starts),
    CHECK ((status = 'done') = (done_on IS NOT NULL))
);
CREATE INDEX plan_actions_plan_idx ON plan_actions (plan_id, due);
CREATE INDEX plan_actions_account_idx ON plan_actions (account_id, status);
CREATE TRIGGER plan_actions_updated_at BEFORE UPDATE ON plan_actions
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- A client user may own an action of their own account only (supplier users any).
CREATE FUNCTION plan_actions_owner_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.owner_user_id IS NOT NULL AND EXISTS (
        SELECT 1 FROM users u WHERE u.id = NEW.owner_user_id
           AND u.account_id IS NOT NULL AND u.account_id <> NEW.account_id) THEN
        RAISE EXCEPTION 'action owner of another account'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'plan_actions_owner_account';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER plan_actions_owner BEFORE INSERT OR UPDATE OF owner_user_id, account_id ON plan_actions
    FOR EACH ROW EXECUTE FUNCTION plan_actions_owner_check();

-- The KPIs an action should move, with what the Holt forecast said when the
-- action was created ("did it work?" compares what happened with it).
CREATE TABLE action_kpis (
    action_id        bigint NOT NULL,
    account_id       bigint NOT NULL,
    kpi_id           bigint NOT NULL,
    -- The last value known at creation, and its period.
    baseline_period  date,
    baseline_value   float8,
    -- Forecast values of the periods after baseline_period (step 1, 2…), empty
    -- when the history was too short to forecast.
    forecast         float8[] NOT NULL DEFAULT '{}',
    -- The forecast's typical error (root mean square of its one-step errors):
    -- a difference smaller than this is no visible effect.
    forecast_rmse    float8,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (action_id, kpi_id),
    FOREIGN KEY (action_id, account_id) REFERENCES plan_actions (id, account_id) ON DELETE CASCADE,
    FOREIGN KEY (kpi_id, account_id) REFERENCES account_kpis (id, account_id) ON DELETE CASCADE
);
CREATE INDEX action_kpis_kpi_idx ON action_kpis (kpi_id);

CREATE TABLE plan_risks (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id     bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    plan_id        bigint NOT NULL,
    title          text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    owner_id       bigint REFERENCES users (id),
    mitigation     text NOT NULL DEFAULT '' CHECK (length(mitigation) <= 2000),
    level          text NOT NULL DEFAULT 'medium' CHECK (level IN ('low', 'medium', 'high')),
    -- Risks are internal by default.
    shared         boolean NOT NULL DEFAULT false,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (plan_id, account_id) REFERENCES account_plans (id, account_id) ON DELETE CASCADE
);
CREATE INDEX plan_risks_plan_idx ON plan_risks (plan_id);
CREATE TRIGGER plan_risks_updated_at BEFORE UPDATE ON plan_risks
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- The status of each objective, the one definition every reader uses (the plan
-- page, its CSV, the portal, /capabilities): done stays done; otherwise a manual
-- override wins; otherwise the worst stored status (scorecard_state, staff
-- audience) of its linked KPIs proposes it (red → off track, amber → at risk,
-- green → on track; KPIs without a usable value propose nothing); otherwise the
-- status set by hand.
CREATE VIEW objective_status AS
SELECT o.id, o.account_id,
       p.status AS proposed,
       CASE WHEN o.status = 'done' THEN 'done'
            WHEN o.status_override IS NOT NULL THEN o.status_override
            WHEN p.status IS NOT NULL THEN p.status
            ELSE o.status END AS status
FROM account_objectives o
LEFT JOIN LATERAL (
    SELECT CASE max(CASE k.rag WHEN 'red' THEN 3 WHEN 'amber' THEN 2 WHEN 'green' THEN 1 END)
               WHEN 3 THEN 'off_track' WHEN 2 THEN 'at_risk' WHEN 1 THEN 'on_track' END AS status
    FROM objective_kpis ok
    JOIN scorecard_state s ON s.account_id = ok.account_id AND s.audience = 'internal'
    CROSS JOIN LATERAL jsonb_to_recordset(s.now -> 'kpis') AS k(id bigint, rag text)
    WHERE ok.objective_id = o.id AND k.id = ok.kpi_id
) p ON true;
