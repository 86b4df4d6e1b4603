-- Drivers from period rollups (issue 16). The drivers page pairs each outcome value
-- (NPS, CSAT, revenue growth: one per account and quarter) with the mean of every other
-- KPI of the account over the same period. Computing those means per request read every
-- value of three years (~700 000 rows at 500 accounts). They are kept here instead, one
-- row per KPI of an account, grain and period, maintained by the triggers below in the
-- same transaction as the values, so the page reads one row per pair.
--
-- Grains: quarter and year (the outcomes are quarterly in the library; a director may make
-- one yearly). A month of a monthly KPI is its value: a monthly outcome reads the values.
--
-- `mean` is `avg(value)::float8` over the period's values, the very expression the page
-- used on the raw values, recomputed from the values whenever one of them changes (never
-- adjusted by deltas): the figures printed stay bit for bit what they were.
CREATE TABLE kpi_period_means (
    account_kpi_id  bigint NOT NULL REFERENCES account_kpis (id) ON DELETE CASCADE,
    grain           text NOT NULL CHECK (grain IN ('quarter', 'year')),
    -- First day of the quarter or year.
    period          date NOT NULL,
    mean            double precision NOT NULL,
    -- How many values the mean is of (0 only for an instant, inside a refresh).
    n               integer NOT NULL CHECK (n >= 0),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_kpi_id, grain, period)
);
-- (updated_at is set by the refresh itself: no row trigger on a table a large import
-- rewrites by the hundred thousand rows.)

INSERT INTO kpi_period_means (account_kpi_id, grain, period, mean, n)
SELECT v.account_kpi_id, g.grain, date_trunc(g.grain, v.period::timestamp)::date,
       avg(v.value)::float8, count(*)
FROM kpi_values v CROSS JOIN (VALUES ('quarter'), ('year')) AS g (grain)
GROUP BY 1, 2, 3;

-- What the drivers read changed: a counter every `serve` process compares with the one
-- its cached drivers were computed at (several processes may share the database, so the
-- signal has to come from it). Its sum is the generation; each writer bumps the row of
-- its own backend (pid modulo 64) so that concurrent writers do not queue on one row
-- lock held until their commits. A bump commits (or rolls back) with the change itself.
CREATE TABLE value_generation (
    shard       smallint PRIMARY KEY CHECK (shard BETWEEN 0 AND 63),
    bumps       bigint NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO value_generation (shard) SELECT generate_series(0, 63);

CREATE FUNCTION bump_value_generation() RETURNS void LANGUAGE sql AS $$
    UPDATE value_generation SET bumps = bumps + 1, updated_at = now()
    WHERE shard = pg_backend_pid() % 64;
$$;

-- Recomputes the quarter and year means of the given KPIs (of accounts) and quarters.
CREATE FUNCTION kpi_period_means_refresh(kpi_ids bigint[], quarters date[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    -- 1. Take the groups' rows, creating the missing ones, in one fixed order. A
    --    concurrent transaction writing other values of the same quarter waits here
    --    until we commit (or we wait for it), so that...
    INSERT INTO kpi_period_means AS m (account_kpi_id, grain, period, mean, n)
    SELECT DISTINCT t.id, g.grain, date_trunc(g.grain, t.quarter::timestamp)::date, 0, 0
    FROM unnest(kpi_ids, quarters) AS t (id, quarter)
    -- (a KPI being deleted takes its means with it)
    JOIN account_kpis k ON k.id = t.id
    CROSS JOIN (VALUES ('quarter'), ('year')) AS g (grain)
    ORDER BY 1, 2, 3
    ON CONFLICT (account_kpi_id, grain, period) DO UPDATE SET n = m.n;
    -- 2. ...this statement, which sees every value committed before it started, never
    --    misses the other's values.
    WITH touched AS (
        SELECT m.account_kpi_id, m.grain, m.period,
               (m.period + CASE m.grain WHEN 'quarter' THEN interval '3 months'
                                        ELSE interval '1 year' END)::date AS period_end
        FROM kpi_period_means m
        JOIN (SELECT DISTINCT t.id, g.grain, date_trunc(g.grain, t.quarter::timestamp)::date AS period
              FROM unnest(kpi_ids, quarters) AS t (id, quarter)
              CROSS JOIN (VALUES ('quarter'), ('year')) AS g (grain)) t
          ON m.account_kpi_id = t.id AND m.grain = t.grain AND m.period = t.period
    ), fresh AS (
        SELECT t.account_kpi_id, t.grain, t.period,
               avg(v.value)::float8 AS mean, count(v.value)::int AS n
        FROM touched t
        LEFT JOIN kpi_values v ON v.account_kpi_id = t.account_kpi_id
                              AND v.period >= t.period AND v.period < t.period_end
        GROUP BY 1, 2, 3
    ), emptied AS (
        DELETE FROM kpi_period_means m USING fresh f
        WHERE f.n = 0 AND m.account_kpi_id = f.account_kpi_id
          AND m.grain = f.grain AND m.period = f.period
    )
    UPDATE kpi_period_means m SET mean = f.mean, n = f.n, updated_at = now()
    FROM fresh f
    WHERE f.n > 0 AND m.account_kpi_id = f.account_kpi_id
      AND m.grain = f.grain AND m.period = f.period;
END $$;

-- One trigger function for the three statement triggers (a trigger with transition
-- tables serves one event): set-based, so a million-row import refreshes its quarters
-- in two statements, not a million.
CREATE FUNCTION kpi_values_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
    quarters date[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(c.account_kpi_id), array_agg(c.quarter) INTO ids, quarters
        FROM (SELECT DISTINCT account_kpi_id, date_trunc('quarter', period::timestamp)::date AS quarter
              FROM new_rows) c;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(c.account_kpi_id), array_agg(c.quarter) INTO ids, quarters
        FROM (SELECT DISTINCT account_kpi_id, date_trunc('quarter', period::timestamp)::date AS quarter
              FROM old_rows) c;
    ELSE
        -- Only rows whose number, period or KPI changed: a validation, a comment, the
        -- same number typed again change nothing here. The value is compared as text,
        -- so 1.5 → 1.50 counts (the mean's decimal scale follows its values').
        SELECT array_agg(c.account_kpi_id), array_agg(c.quarter) INTO ids, quarters
        FROM (SELECT DISTINCT s.account_kpi_id, date_trunc('quarter', s.period::timestamp)::date AS quarter
              FROM old_rows o JOIN new_rows n ON n.id = o.id
              CROSS JOIN LATERAL (VALUES (o.account_kpi_id, o.period), (n.account_kpi_id, n.period))
                   AS s (account_kpi_id, period)
              WHERE (o.account_kpi_id, o.period, o.value::text)
                    IS DISTINCT FROM (n.account_kpi_id, n.period, n.value::text)) c;
    END IF;
    IF ids IS NOT NULL THEN
        PERFORM kpi_period_means_refresh(ids, quarters);
        PERFORM bump_value_generation();
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER kpi_values_rollup_insert AFTER INSERT ON kpi_values
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION kpi_values_rollup();
CREATE TRIGGER kpi_values_rollup_update AFTER UPDATE ON kpi_values
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION kpi_values_rollup();
CREATE TRIGGER kpi_values_rollup_delete AFTER DELETE ON kpi_values
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION kpi_values_rollup();

-- The drivers also read which KPI of an account has which code and frequency, and the
-- library's frequency of an outcome (it sets the period of the pairs).
CREATE FUNCTION bump_value_generation_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM bump_value_generation();
    RETURN NULL;
END $$;
CREATE TRIGGER account_kpis_drivers_generation
    AFTER UPDATE OF account_id, code, frequency ON account_kpis
    FOR EACH STATEMENT EXECUTE FUNCTION bump_value_generation_trigger();
CREATE TRIGGER kpi_templates_drivers_generation
    AFTER INSERT OR DELETE OR UPDATE OF code, frequency ON kpi_templates
    FOR EACH STATEMENT EXECUTE FUNCTION bump_value_generation_trigger();
