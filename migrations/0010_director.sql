-- The director's view (issue 6): portfolio cockpit, choosing the key accounts
-- (GE-McKinsey matrix), the three commercial capabilities, drivers of the
-- relationship and customer lifetime value. (0009 is the voice of the customer.)

-- Business reviews held with the client: the portfolio shows the latest date so
-- that a relationship nobody has reviewed for a year stands out.
CREATE TABLE business_reviews (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id  bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    held_on     date NOT NULL,
    title       text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    notes       text NOT NULL DEFAULT '' CHECK (length(notes) <= 4000),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX business_reviews_account_idx ON business_reviews (account_id, held_on DESC);
CREATE TRIGGER business_reviews_updated_at BEFORE UPDATE ON business_reviews
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Complex sales: qualified opportunities, won or lost, per account. An open
-- opportunity has no closing date; a closed one has one, not before its opening.
CREATE TABLE opportunities (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id  bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name        text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    value       numeric NOT NULL CHECK (value >= 0),
    opened_on   date NOT NULL,
    closed_on   date,
    outcome     text NOT NULL CHECK (outcome IN ('won', 'lost', 'open')),
    -- A joint innovation project (pace of joint innovation, KAM capability).
    innovation  boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CHECK ((outcome = 'open') = (closed_on IS NULL)),
    CHECK (closed_on IS NULL OR closed_on >= opened_on)
);
CREATE INDEX opportunities_account_idx ON opportunities (account_id, opened_on);
CREATE TRIGGER opportunities_updated_at BEFORE UPDATE ON opportunities
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Account business plan objectives: "progress of the strategy" is the share on track.
CREATE TABLE account_objectives (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id  bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    title       text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    kpi_code    text CHECK (kpi_code ~ '^[a-z][a-z0-9_]{1,62}$'),
    due         date NOT NULL,
    status      text NOT NULL CHECK (status IN ('on_track', 'at_risk', 'off_track', 'done')),
    innovation  boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX account_objectives_account_idx ON account_objectives (account_id, due);
CREATE TRIGGER account_objectives_updated_at BEFORE UPDATE ON account_objectives
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Yearly booked figures per account, for customer lifetime value: the scorecard's
-- monthly revenue KPI is a steering figure, these are the closed books.
CREATE TABLE account_financials (
    account_id      bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    year            integer NOT NULL CHECK (year BETWEEN 1950 AND 2200),
    revenue         numeric NOT NULL CHECK (revenue >= 0),
    -- Gross margin as an amount (money), not a rate.
    gross_margin    numeric NOT NULL,
    retention_cost  numeric NOT NULL DEFAULT 0 CHECK (retention_cost >= 0),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, year)
);
CREATE TRIGGER account_financials_updated_at BEFORE UPDATE ON account_financials
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- What winning the account cost once (CLV subtracts it from the historical value).
ALTER TABLE accounts ADD COLUMN acquisition_cost numeric NOT NULL DEFAULT 0
    CHECK (acquisition_cost >= 0);

-- The director's settings: one row (id = 1). Editable on /director/settings.
CREATE TABLE director_settings (
    id                     smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    -- More than about 15 key accounts is dangerous (KAM is for a few).
    max_key_accounts       integer NOT NULL DEFAULT 15 CHECK (max_key_accounts BETWEEN 1 AND 500),
    -- A KAM is overloaded above this multiple of the fair share of key accounts.
    kam_share              numeric NOT NULL DEFAULT 1.5 CHECK (kam_share >= 1 AND kam_share <= 10),
    -- CLV projection: yearly retention probability, discount rate, horizon.
    retention_probability  numeric NOT NULL DEFAULT 0.85 CHECK (retention_probability BETWEEN 0 AND 1),
    discount_rate          numeric NOT NULL DEFAULT 0.08 CHECK (discount_rate >= 0 AND discount_rate < 1),
    horizon_years          integer NOT NULL DEFAULT 5 CHECK (horizon_years BETWEEN 1 AND 30),
    updated_by             bigint REFERENCES users (id),
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now()
);
INSERT INTO director_settings (id) VALUES (1);
CREATE TRIGGER director_settings_updated_at BEFORE UPDATE ON director_settings
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Selection criteria of the two GE-McKinsey axes. The application validates the
-- set as a whole (at most 5 per axis, weights adding up to 100) and writes it in
-- one transaction; the table keeps each row sound on its own.
CREATE TABLE selection_criteria (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    axis        text NOT NULL CHECK (axis IN ('attractiveness', 'strength')),
    name        text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 120),
    weight      integer NOT NULL CHECK (weight BETWEEN 1 AND 100),
    -- rating: the KAM rates 1–5; kpi: the latest value of the account's KPI with
    -- this code, mapped linearly from low (1) to high (5).
    source      text NOT NULL CHECK (source IN ('rating', 'kpi')),
    kpi_code    text CHECK (kpi_code ~ '^[a-z][a-z0-9_]{1,62}$'),
    low         numeric,
    high        numeric,
    position    integer NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CHECK ((source = 'kpi') = (kpi_code IS NOT NULL AND low IS NOT NULL AND high IS NOT NULL)),
    CHECK (low IS NULL OR low <> high)
);
CREATE TRIGGER selection_criteria_updated_at BEFORE UPDATE ON selection_criteria
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Ratings are versioned by date: one version per account and day (rating again
-- the same day replaces it), so the matrix can show how each account moved.
CREATE TABLE selection_ratings (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id  bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    rated_on    date NOT NULL,
    rated_by    bigint REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (account_id, rated_on)
);
CREATE TRIGGER selection_ratings_updated_at BEFORE UPDATE ON selection_ratings
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- One input per criterion of a rating: a 1–5 rating, or the KPI value it was
-- computed from (kept, so an old version reads as it did then).
CREATE TABLE selection_scores (
    rating_id     bigint NOT NULL REFERENCES selection_ratings (id) ON DELETE CASCADE,
    criterion_id  bigint NOT NULL REFERENCES selection_criteria (id) ON DELETE CASCADE,
    rating        smallint CHECK (rating BETWEEN 1 AND 5),
    kpi_value     numeric,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (rating_id, criterion_id),
    CHECK ((rating IS NULL) <> (kpi_value IS NULL))
);
CREATE TRIGGER selection_scores_updated_at BEFORE UPDATE ON selection_scores
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
