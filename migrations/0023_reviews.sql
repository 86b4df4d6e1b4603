-- Business reviews (issue 13): steering committees and quarterly reviews on the
-- client's calendar, a review pack frozen as it was shown, and a record both
-- sides sign.
--
-- Builds on `business_reviews` (migration 0010), which until now held a date,
-- a title and notes: the portfolio's "last review" keeps reading it, and the
-- new columns default so that existing rows stay valid.

ALTER TABLE business_reviews
    -- qbr: quarterly business review; steering: steering committee; annual: annual review.
    ADD COLUMN kind text NOT NULL DEFAULT 'qbr' CHECK (kind IN ('qbr', 'steering', 'annual')),
    ADD COLUMN agenda text NOT NULL DEFAULT '' CHECK (length(agenda) <= 4000),
    -- The period the review covers (NULL for reviews recorded before this migration).
    ADD COLUMN period_start date,
    ADD COLUMN period_end date,
    -- What the KAM asks the client to decide, one per line (printed in the pack).
    ADD COLUMN decisions_sought text NOT NULL DEFAULT '' CHECK (length(decisions_sought) <= 4000),
    -- Minutes written during or after the meeting.
    ADD COLUMN minutes text NOT NULL DEFAULT '' CHECK (length(minutes) <= 8000),
    ADD COLUMN created_by bigint REFERENCES users (id),
    ADD CONSTRAINT business_reviews_period
        CHECK ((period_start IS NULL) = (period_end IS NULL) AND (period_end IS NULL OR period_end >= period_start)),
    -- Target of the composite foreign keys below: nothing of another account
    -- can be attached to a review.
    ADD CONSTRAINT business_reviews_id_account UNIQUE (id, account_id);

-- Who attends: users of the supplier (the account's team, checked by the form)
-- and contacts of this account only (the composite foreign key refuses another
-- account's contact whatever the path).
CREATE TABLE review_participants (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    review_id   bigint NOT NULL,
    account_id  bigint NOT NULL,
    user_id     bigint REFERENCES users (id) ON DELETE CASCADE,
    contact_id  bigint,
    created_at  timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (review_id, account_id) REFERENCES business_reviews (id, account_id) ON DELETE CASCADE,
    FOREIGN KEY (contact_id, account_id) REFERENCES contacts (id, account_id) ON DELETE CASCADE,
    CHECK ((user_id IS NULL) <> (contact_id IS NULL)),
    UNIQUE (review_id, user_id),
    UNIQUE (review_id, contact_id)
);
CREATE INDEX review_participants_review_idx ON review_participants (review_id);

-- The pack as it was shown at the meeting: one per review and audience, the
-- PDF bytes, the pack's data and the SHA-256 of the PDF. Frozen once: a second
-- freeze is refused by the primary key, and no row is ever updated (trigger),
-- so a later change of a value never alters what was signed.
CREATE TABLE review_packs (
    review_id   bigint NOT NULL,
    account_id  bigint NOT NULL,
    audience    text NOT NULL CHECK (audience IN ('internal', 'client')),
    locale      text NOT NULL CHECK (locale IN ('fr', 'en')),
    pack        jsonb NOT NULL,
    pdf         bytea NOT NULL,
    sha256      text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    frozen_by   bigint REFERENCES users (id),
    frozen_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (review_id, audience),
    FOREIGN KEY (review_id, account_id) REFERENCES business_reviews (id, account_id) ON DELETE CASCADE
);

CREATE FUNCTION review_packs_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'a frozen review pack is never changed' USING ERRCODE = 'check_violation';
END $$;
CREATE TRIGGER review_packs_never_updated BEFORE UPDATE ON review_packs
    FOR EACH ROW EXECUTE FUNCTION review_packs_frozen();

-- Decisions taken at the meeting, with an owner (a supplier user, a client user
-- of the account or a contact of the account) and a due date; each can become
-- an action of the account plan (`action_id`), whose status then says where the
-- commitment stands in the next review's pack.
CREATE TABLE review_decisions (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    review_id         bigint NOT NULL,
    account_id        bigint NOT NULL,
    body              text NOT NULL CHECK (length(btrim(body)) BETWEEN 1 AND 500),
    owner_user_id     bigint REFERENCES users (id),
    owner_contact_id  bigint,
    due               date NOT NULL,
    action_id         bigint REFERENCES plan_actions (id) ON DELETE SET NULL,
    created_by        bigint REFERENCES users (id),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (review_id, account_id) REFERENCES business_reviews (id, account_id) ON DELETE CASCADE,
    FOREIGN KEY (owner_contact_id, account_id) REFERENCES contacts (id, account_id),
    CHECK ((owner_user_id IS NULL) <> (owner_contact_id IS NULL))
);
CREATE INDEX review_decisions_review_idx ON review_decisions (review_id);
CREATE TRIGGER review_decisions_updated_at BEFORE UPDATE ON review_decisions
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- A client user's word on the record: confirmed ("validated by … on …") or a
-- comment. Only on a frozen client pack of their own account (checked by the
-- portal's query; the foreign key keeps the account consistent).
CREATE TABLE review_confirmations (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    review_id   bigint NOT NULL,
    account_id  bigint NOT NULL,
    user_id     bigint NOT NULL REFERENCES users (id),
    kind        text NOT NULL CHECK (kind IN ('confirmed', 'commented')),
    comment     text NOT NULL DEFAULT '' CHECK (length(comment) <= 2000),
    -- Always the client pack: the foreign key below needs the pack to exist.
    audience    text NOT NULL DEFAULT 'client' CHECK (audience = 'client'),
    created_at  timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (review_id, audience) REFERENCES review_packs (review_id, audience) ON DELETE CASCADE,
    FOREIGN KEY (review_id, account_id) REFERENCES business_reviews (id, account_id) ON DELETE CASCADE,
    CHECK (kind = 'confirmed' OR length(btrim(comment)) > 0)
);
CREATE INDEX review_confirmations_review_idx ON review_confirmations (review_id, created_at);

-- Both sides rate the meeting on four criteria (1–5): preparation, relevance of
-- the content, quality of the decisions, follow-up of the last commitments. One
-- rating per person and review; the average is a relationship KPI value.
CREATE TABLE review_ratings (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    review_id    bigint NOT NULL,
    account_id   bigint NOT NULL,
    user_id      bigint NOT NULL REFERENCES users (id),
    side         text NOT NULL CHECK (side IN ('supplier', 'client')),
    preparation  smallint NOT NULL CHECK (preparation BETWEEN 1 AND 5),
    relevance    smallint NOT NULL CHECK (relevance BETWEEN 1 AND 5),
    decisions    smallint NOT NULL CHECK (decisions BETWEEN 1 AND 5),
    follow_up    smallint NOT NULL CHECK (follow_up BETWEEN 1 AND 5),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (review_id, account_id) REFERENCES business_reviews (id, account_id) ON DELETE CASCADE,
    UNIQUE (review_id, user_id)
);
CREATE TRIGGER review_ratings_updated_at BEFORE UPDATE ON review_ratings
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- The library's KPI fed by the ratings: a KAM adds it to an account like any
-- other; saving ratings writes the quarter's value through the value path.
INSERT INTO kpi_templates
    (code, universe, name_fr, name_en, description_fr, description_en,
     unit, direction, frequency, domain, default_target, green_from, amber_from)
VALUES
('review_rating', 'relationship',
 'Note des revues d''affaires', 'Business review rating',
 'Moyenne des notes (1 à 5) données par les deux côtés à la revue d''affaires du trimestre : préparation, pertinence, décisions, suivi des engagements.',
 'Average of the ratings (1 to 5) both sides give the quarter''s business review: preparation, relevance, decisions, follow-up of commitments.',
 'score', 'higher_better', 'quarterly', 'client', 4.0, 95, 80)
ON CONFLICT (code) DO NOTHING;
