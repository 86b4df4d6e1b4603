-- The balanced scorecard: the KPI library, each account's KPIs, their targets,
-- values and the full history of every value.

-- The five universes of a KAM balanced scorecard (see shared/domain.md).
CREATE TYPE universe AS ENUM ('marketing', 'process', 'relationship', 'logistics', 'financial');
CREATE TYPE kpi_direction AS ENUM ('higher_better', 'lower_better');
CREATE TYPE kpi_frequency AS ENUM ('monthly', 'quarterly', 'yearly');
-- Triangulation: where a KPI's data comes from.
CREATE TYPE data_domain AS ENUM ('internal', 'client', 'industry');
-- Who sees a KPI: only us, the client too (read, validate, contest), or both enter values.
CREATE TYPE kpi_visibility AS ENUM ('internal', 'shared', 'joint');
CREATE TYPE team_function AS ENUM
    ('sales', 'marketing', 'logistics', 'finance', 'customer_service', 'rnd', 'legal', 'management');

-- Units are a closed list so that formatting and validation know every one of them.
CREATE TYPE kpi_unit AS ENUM ('percent', 'eur', 'count', 'days', 'hours', 'score', 'ratio', 'points');

-- Thresholds are attainment percentages (value against target, by direction):
-- green at or above green_from, amber at or above amber_from, red below.
CREATE TABLE kpi_templates (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code            text NOT NULL UNIQUE CHECK (code ~ '^[a-z][a-z0-9_]{1,62}$'),
    universe        universe NOT NULL,
    name_fr         text NOT NULL CHECK (length(btrim(name_fr)) BETWEEN 1 AND 120),
    name_en         text NOT NULL CHECK (length(btrim(name_en)) BETWEEN 1 AND 120),
    description_fr  text NOT NULL DEFAULT '',
    description_en  text NOT NULL DEFAULT '',
    unit            kpi_unit NOT NULL,
    direction       kpi_direction NOT NULL,
    frequency       kpi_frequency NOT NULL,
    domain          data_domain NOT NULL,
    default_target  numeric,
    green_from      numeric NOT NULL DEFAULT 100 CHECK (green_from > 0),
    amber_from      numeric NOT NULL DEFAULT 90 CHECK (amber_from > 0),
    -- Retired templates stay for the accounts that use them but are not offered any more.
    active          boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (amber_from <= green_from)
);
CREATE TRIGGER kpi_templates_updated_at BEFORE UPDATE ON kpi_templates
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- An account's KPI. The definition is copied from the template when added, so that a
-- later edit of the library never rewrites an account's history, and custom KPIs
-- (no template) are first-class.
CREATE TABLE account_kpis (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id        bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    template_id       bigint REFERENCES kpi_templates (id),
    code              text NOT NULL CHECK (code ~ '^[a-z][a-z0-9_]{1,62}$'),
    universe          universe NOT NULL,
    name_fr           text NOT NULL CHECK (length(btrim(name_fr)) BETWEEN 1 AND 120),
    name_en           text NOT NULL CHECK (length(btrim(name_en)) BETWEEN 1 AND 120),
    description_fr    text NOT NULL DEFAULT '',
    description_en    text NOT NULL DEFAULT '',
    unit              kpi_unit NOT NULL,
    direction         kpi_direction NOT NULL,
    frequency         kpi_frequency NOT NULL,
    domain            data_domain NOT NULL,
    -- The default target; kpi_targets overrides it for given periods.
    target            numeric NOT NULL,
    green_from        numeric NOT NULL DEFAULT 100 CHECK (green_from > 0),
    amber_from        numeric NOT NULL DEFAULT 90 CHECK (amber_from > 0),
    -- Relative weight within its universe.
    weight            numeric NOT NULL DEFAULT 1 CHECK (weight > 0 AND weight <= 100),
    owner_id          bigint REFERENCES users (id),
    -- Values older than this are stale: flagged and left out of scores.
    freshness_months  integer NOT NULL DEFAULT 6 CHECK (freshness_months BETWEEN 1 AND 36),
    visibility        kpi_visibility NOT NULL DEFAULT 'internal',
    position          integer NOT NULL DEFAULT 0,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (account_id, code),
    CHECK (amber_from <= green_from),
    -- A ratio against zero means nothing: attainment needs a non-zero target.
    CHECK (target <> 0)
);
CREATE INDEX account_kpis_account_idx ON account_kpis (account_id, universe, position);
CREATE TRIGGER account_kpis_updated_at BEFORE UPDATE ON account_kpis
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Per-period target overrides (a period is the first day of its month/quarter/year).
CREATE TABLE kpi_targets (
    account_kpi_id  bigint NOT NULL REFERENCES account_kpis (id) ON DELETE CASCADE,
    period          date NOT NULL,
    target          numeric NOT NULL CHECK (target <> 0),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_kpi_id, period)
);
CREATE TRIGGER kpi_targets_updated_at BEFORE UPDATE ON kpi_targets
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Weights of the universes of an account; a missing row means weight 1 (equal).
CREATE TABLE universe_weights (
    account_id  bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    universe    universe NOT NULL,
    weight      numeric NOT NULL CHECK (weight >= 0 AND weight <= 100),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, universe)
);
CREATE TRIGGER universe_weights_updated_at BEFORE UPDATE ON universe_weights
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- One value per KPI per period. `version` makes concurrent edits detectable: an
-- update names the version it started from and fails if someone else got there first.
CREATE TABLE kpi_values (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_kpi_id  bigint NOT NULL REFERENCES account_kpis (id) ON DELETE CASCADE,
    period          date NOT NULL,
    value           numeric NOT NULL,
    comment         text NOT NULL DEFAULT '' CHECK (length(comment) <= 2000),
    -- Where the number came from: manual, csv, contributor, client, voc, api, demo.
    source          text NOT NULL DEFAULT 'manual'
                    CHECK (source IN ('manual', 'csv', 'contributor', 'client', 'voc', 'api', 'demo')),
    entered_by      bigint REFERENCES users (id),
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (account_kpi_id, period)
);
CREATE TRIGGER kpi_values_updated_at BEFORE UPDATE ON kpi_values
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Every change of a value: who, when, before, after. Written in the same
-- transaction as the change (and audited as well).
CREATE TABLE kpi_value_history (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_kpi_id  bigint NOT NULL REFERENCES account_kpis (id) ON DELETE CASCADE,
    period          date NOT NULL,
    before_value    numeric,
    after_value     numeric NOT NULL,
    before_comment  text,
    after_comment   text NOT NULL DEFAULT '',
    source          text NOT NULL,
    changed_by      bigint REFERENCES users (id),
    changed_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX kpi_value_history_kpi_idx ON kpi_value_history (account_kpi_id, changed_at DESC);

-- The account team: internal people working on the account, with their function.
CREATE TABLE account_team (
    account_id  bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    function    team_function NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, user_id)
);
