-- Joint targets (stage 3 and up): "objectives are built together". Either side
-- proposes a target for a shared or joint KPI; it applies only once the other side
-- accepts, so a target the client sees as agreed really was agreed by both.

CREATE TABLE target_proposals (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_kpi_id  bigint NOT NULL REFERENCES account_kpis (id) ON DELETE CASCADE,
    -- NULL: the KPI's default target; otherwise the first day of one period.
    period          date,
    target          numeric NOT NULL CHECK (target <> 0),
    comment         text NOT NULL DEFAULT '' CHECK (length(comment) <= 2000),
    proposed_by     bigint REFERENCES users (id),
    -- Kept apart from the author's role: who proposed decides who may accept.
    side            text NOT NULL CHECK (side IN ('client', 'supplier')),
    status          text NOT NULL DEFAULT 'open'
                    CHECK (status IN ('open', 'accepted', 'declined', 'withdrawn')),
    decided_by      bigint REFERENCES users (id),
    decided_at      timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'open') = (decided_at IS NULL))
);
-- One open proposal per KPI and period: a new one replaces the conversation, it
-- does not fork it.
CREATE UNIQUE INDEX target_proposals_one_open
    ON target_proposals (account_kpi_id, coalesce(period, DATE '0001-01-01'))
    WHERE status = 'open';
CREATE INDEX target_proposals_kpi_idx ON target_proposals (account_kpi_id, created_at DESC);
CREATE TRIGGER target_proposals_updated_at BEFORE UPDATE ON target_proposals
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
