-- 0020: data that keeps flowing (issue 14): period locks, then data requests to
-- contributors and their reminders. The background job queue's own tables are
-- created by the underway crate in the `underway` schema (see db::migrate).

-- ---------------------------------------------------------------------------
-- Period locks
-- ---------------------------------------------------------------------------
-- A KAM or director closes an account's month, typically after a business review:
-- values whose period ends in that month can no longer change until someone
-- unlocks it, with a reason. One row per locked month; unlocking deletes it (the
-- audit trail keeps who locked, who unlocked and why).
CREATE TABLE period_locks (
    account_id  bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    month       date NOT NULL CHECK (extract(day FROM month) = 1),
    locked_by   bigint REFERENCES users (id) ON DELETE SET NULL,
    note        text NOT NULL DEFAULT '' CHECK (length(note) <= 500),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, month)
);
CREATE TRIGGER period_locks_updated_at BEFORE UPDATE ON period_locks
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- The month in which a KPI's period closes: the month itself, a quarter's last
-- month, a year's December (the same rule as `period::Period::closing_month`).
CREATE FUNCTION period_closing_month(freq kpi_frequency, period date) RETURNS date
LANGUAGE sql IMMUTABLE AS $$
    SELECT (date_trunc('month', period)
            + CASE freq WHEN 'quarterly' THEN interval '2 months'
                        WHEN 'yearly' THEN interval '11 months'
                        ELSE interval '0' END)::date
$$;

-- The last guard: whatever the path (inline edit, value page, CSV import, portal,
-- a contest accepted, later the API), a value of a locked period does not change.
-- Pages check first to say so in the user's words; this raises check_violation
-- named 'period_locked'. Statement-level with transition tables, so a million-row
-- import pays one join, not a lookup per row. A change of the client's validation
-- alone (no new number or comment) is not a change of the value.
CREATE FUNCTION refuse_locked_values() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM 1 FROM new_rows n
            JOIN account_kpis k ON k.id = n.account_kpi_id
            JOIN period_locks l ON l.account_id = k.account_id
                               AND l.month = period_closing_month(k.frequency, n.period)
        LIMIT 1;
    ELSE
        PERFORM 1 FROM new_rows n
            JOIN old_rows o ON o.id = n.id
            JOIN account_kpis k ON k.id = n.account_kpi_id
            JOIN period_locks l ON l.account_id = k.account_id
                               AND (l.month = period_closing_month(k.frequency, n.period)
                                    OR l.month = period_closing_month(k.frequency, o.period))
        WHERE n.value IS DISTINCT FROM o.value OR n.comment IS DISTINCT FROM o.comment
           OR n.period IS DISTINCT FROM o.period
        LIMIT 1;
    END IF;
    IF FOUND THEN
        RAISE EXCEPTION 'a value of a locked period cannot change'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'period_locked';
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER kpi_values_locked_insert AFTER INSERT ON kpi_values
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_locked_values();
CREATE TRIGGER kpi_values_locked_update AFTER UPDATE ON kpi_values
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_locked_values();

-- ---------------------------------------------------------------------------
-- Data requests to contributors
-- ---------------------------------------------------------------------------
-- For a KPI and a period, its owner is asked for the value by a date. Made by the
-- KAM (requested_by) or by the daily schedule (requested_by NULL: the period has
-- just closed). One request per KPI and period, so the schedule can run any
-- number of times (or on several instances) and create each one once.
CREATE TABLE data_requests (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_kpi_id  bigint NOT NULL REFERENCES account_kpis (id) ON DELETE CASCADE,
    -- First day of the KPI's period (as kpi_values.period).
    period          date NOT NULL,
    owner_id        bigint NOT NULL REFERENCES users (id),
    requested_by    bigint REFERENCES users (id) ON DELETE SET NULL,
    due_on          date NOT NULL,
    note            text NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
    -- Set when a value for the KPI and period is saved, by any path (trigger below).
    fulfilled_at    timestamptz,
    fulfilled_by    bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (account_kpi_id, period),
    -- A value cannot be due before its period is over.
    CHECK (due_on > period)
);
CREATE TRIGGER data_requests_updated_at BEFORE UPDATE ON data_requests
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE INDEX data_requests_open_by_owner ON data_requests (owner_id, due_on)
    WHERE fulfilled_at IS NULL;
CREATE INDEX data_requests_by_period ON data_requests (period);

-- Answering is saving the value, wherever it is saved (inbox, value page, import,
-- portal): the request is fulfilled in the same statement's transaction.
CREATE FUNCTION fulfil_data_requests() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE data_requests r
       SET fulfilled_at = now(), fulfilled_by = n.entered_by
      FROM new_rows n
     WHERE r.account_kpi_id = n.account_kpi_id AND r.period = n.period
       AND r.fulfilled_at IS NULL;
    RETURN NULL;
END
$$;
CREATE TRIGGER kpi_values_fulfil_insert AFTER INSERT ON kpi_values
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION fulfil_data_requests();
CREATE TRIGGER kpi_values_fulfil_update AFTER UPDATE ON kpi_values
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION fulfil_data_requests();

-- Each reminder of a request is sent once: before the due date, on it, after it,
-- and the KAM's escalation. The daily pass inserts the row and queues the e-mail
-- in one transaction; a second pass (another instance, a retry) finds the row.
CREATE TABLE data_request_reminders (
    request_id  bigint NOT NULL REFERENCES data_requests (id) ON DELETE CASCADE,
    kind        text NOT NULL CHECK (kind IN ('before', 'due', 'late', 'escalation')),
    sent_to     bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (request_id, kind)
);

-- Per user: no reminder e-mails (requests stay in the inbox).
ALTER TABLE users ADD COLUMN reminders_off boolean NOT NULL DEFAULT false;
