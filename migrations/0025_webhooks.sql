-- Signed webhooks (issue 15): a user subscribes a URL to some events; each event
-- is put in an outbox by the write that causes it, in the same transaction; at
-- commit (`db::commit` → `webhooks::settle`) the outbox is fanned out to the
-- subscriptions whose user may see it, each delivery a task of the `webhooks`
-- queue (underway), signed with the subscription's secret, retried with backoff,
-- and every attempt logged.

CREATE TABLE webhook_subscriptions (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- The subscription sees what this user sees (same rules as their pages),
    -- and dies with them.
    user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    url         text NOT NULL CHECK (length(url) BETWEEN 8 AND 2000),
    events      text[] NOT NULL CHECK (cardinality(events) > 0 AND events <@ ARRAY[
                    'value.recorded', 'kpi.turned_red', 'value.contested',
                    'evaluation.answered', 'survey.answered', 'action.overdue']::text[]),
    -- The HMAC key. Kept in clear because signing needs it (as Stripe and GitHub
    -- do); shown once to its user, never listed again.
    secret      text NOT NULL CHECK (length(secret) BETWEEN 32 AND 128),
    active      boolean NOT NULL DEFAULT true,
    created_by  bigint NOT NULL REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    deleted_at  timestamptz
);
CREATE INDEX webhook_subscriptions_user_idx ON webhook_subscriptions (user_id) WHERE deleted_at IS NULL;

-- Every attempt at delivering an event to a subscription.
CREATE TABLE webhook_deliveries (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subscription_id bigint NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    event_id        uuid NOT NULL,
    event           text NOT NULL,
    attempt         integer NOT NULL CHECK (attempt >= 1),
    -- The receiver's HTTP status, or NULL when there was none (refused, timed out).
    status_code     smallint,
    error           text CHECK (length(error) <= 500),
    duration_ms     integer NOT NULL,
    at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_deliveries_sub_idx ON webhook_deliveries (subscription_id, at DESC, id DESC);

-- Events waiting for their transaction's commit. `settle` takes (and deletes) the
-- rows its own transaction wrote, like `scorecard_dirty`; a row whose transaction
-- committed without settling (a SQL-side writer) is taken by the next settle.
CREATE TABLE webhook_outbox (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    marked_by   xid8 NOT NULL DEFAULT pg_current_xact_id(),
    event       text NOT NULL,
    account_id  bigint,
    kpi_id      bigint,
    -- plan_actions.id for action.overdue, survey_responses.id for survey.answered.
    entity_id   bigint,
    period      date,
    data        jsonb NOT NULL DEFAULT '{}',
    at          timestamptz NOT NULL DEFAULT now()
);

-- The audited writes that are webhook events: every path that records a value, a
-- contest, an answer to it or a survey answer writes its audit row, so the outbox
-- row comes with it, in its transaction, whatever page, API call or import made it.
CREATE FUNCTION webhook_from_audit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ev text;
BEGIN
    ev := CASE NEW.action
        WHEN 'kpi_value.created' THEN 'value.recorded'
        WHEN 'kpi_value.updated' THEN 'value.recorded'
        WHEN 'kpi_value.contested' THEN 'value.contested'
        WHEN 'kpi_value.proposal_accepted' THEN 'evaluation.answered'
        WHEN 'kpi_value.kept' THEN 'evaluation.answered'
        WHEN 'survey.answered' THEN 'survey.answered'
    END;
    -- Nobody listens (the usual case): nothing to keep, and a bulk write pays one
    -- index probe per row.
    IF ev IS NULL OR NEW.account_id IS NULL OR NOT EXISTS (
        SELECT 1 FROM webhook_subscriptions
        WHERE active AND deleted_at IS NULL AND ev = ANY (events)) THEN
        RETURN NULL;
    END IF;
    IF NEW.entity = 'kpi_value' THEN
        INSERT INTO webhook_outbox (event, account_id, kpi_id, period, data)
        VALUES (ev, NEW.account_id, split_part(NEW.entity_id, ':', 1)::bigint,
                split_part(NEW.entity_id, ':', 2)::date, COALESCE(NEW.after, '{}'));
    ELSE
        INSERT INTO webhook_outbox (event, account_id, entity_id, data)
        VALUES (ev, NEW.account_id, NULLIF(NEW.entity_id, '')::bigint, COALESCE(NEW.after, '{}'));
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER webhook_from_audit AFTER INSERT ON audit_log
    FOR EACH ROW
    WHEN (NEW.action IN ('kpi_value.created', 'kpi_value.updated', 'kpi_value.contested',
                         'kpi_value.proposal_accepted', 'kpi_value.kept', 'survey.answered'))
    EXECUTE FUNCTION webhook_from_audit();

-- action.overdue: the daily pass announces each open action once, the day after its
-- due date at the earliest.
CREATE TABLE webhook_overdue_sent (
    action_id bigint PRIMARY KEY REFERENCES plan_actions (id) ON DELETE CASCADE,
    sent_at   timestamptz NOT NULL DEFAULT now()
);
