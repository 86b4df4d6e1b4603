-- The account plan's two maps (issue 12): the whitespace map (the client's
-- business units or sites × our offerings: who serves each today and what it is
-- worth) and the relationship map (who reports to whom among the contacts).
--
-- As in 0019, every link inside an account is a composite foreign key on
-- (id, account_id): a cell of another account's unit, or a manager from another
-- account, cannot be stored whatever the application does.

-- Our offerings: one catalogue for every account (a column of every map).
CREATE TABLE offerings (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL UNIQUE CHECK (length(btrim(name)) BETWEEN 1 AND 120),
    position    integer NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER offerings_updated_at BEFORE UPDATE ON offerings
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- The client's business units or sites (a row of the account's map).
CREATE TABLE account_units (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id  bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name        text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 120),
    position    integer NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (account_id, name),
    UNIQUE (id, account_id)
);
CREATE TRIGGER account_units_updated_at BEFORE UPDATE ON account_units
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

ALTER TABLE opportunities ADD CONSTRAINT opportunities_id_account UNIQUE (id, account_id);

-- A cell: who serves this unit with this offering today, and its estimated
-- yearly value (money: exact). A missing cell reads "not known yet".
CREATE TABLE whitespace_cells (
    account_id      bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    unit_id         bigint NOT NULL,
    offering_id     bigint NOT NULL REFERENCES offerings (id) ON DELETE CASCADE,
    served_by       text NOT NULL CHECK (served_by IN ('us', 'competitor', 'in_house', 'nobody')),
    -- Which competitor, named exactly when a competitor serves it.
    competitor      text CHECK (competitor IS NULL OR length(btrim(competitor)) BETWEEN 1 AND 120),
    value           numeric(14, 2) CHECK (value IS NULL OR value >= 0),
    -- The opportunity opened from this cell, if any.
    opportunity_id  bigint,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (unit_id, offering_id),
    FOREIGN KEY (unit_id, account_id) REFERENCES account_units (id, account_id) ON DELETE CASCADE,
    FOREIGN KEY (opportunity_id, account_id) REFERENCES opportunities (id, account_id) ON DELETE SET NULL (opportunity_id),
    CHECK ((served_by = 'competitor') = (competitor IS NOT NULL))
);
CREATE INDEX whitespace_cells_account_idx ON whitespace_cells (account_id);
CREATE TRIGGER whitespace_cells_updated_at BEFORE UPDATE ON whitespace_cells
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- The relationship map: a contact reports to another contact of the same
-- account (cycles are refused by the application, which names the loop).
ALTER TABLE contacts ADD COLUMN reports_to bigint;
ALTER TABLE contacts ADD CONSTRAINT contacts_reports_to_same_account
    FOREIGN KEY (reports_to, account_id) REFERENCES contacts (id, account_id) ON DELETE SET NULL (reports_to);
ALTER TABLE contacts ADD CONSTRAINT contacts_not_own_manager CHECK (reports_to IS NULL OR reports_to <> id);

-- The client's executive sponsor of the relationship (a role, beside the
-- contact's influence and attitude): the coverage warnings look for one.
ALTER TABLE contacts ADD COLUMN executive_sponsor boolean NOT NULL DEFAULT false;
