-- Mutual evaluation: numbers are worth more once the client has analysed them.
-- Each value carries the client's verdict; a thread per value keeps the
-- conversation (comments, validation, contest with a proposed value, resolution).

-- awaiting: not yet looked at by the client; validated: the client agrees;
-- contested: the client disputes it (with a comment, maybe a proposed value);
-- resolved: the supplier answered a contest (accepted the proposal or kept the value).
CREATE TYPE validation_status AS ENUM ('awaiting', 'validated', 'contested', 'resolved');

ALTER TABLE kpi_values
    ADD COLUMN validation     validation_status NOT NULL DEFAULT 'awaiting',
    ADD COLUMN validation_at  timestamptz,
    ADD COLUMN validation_by  bigint REFERENCES users (id);
CREATE INDEX kpi_values_validation_idx ON kpi_values (validation) WHERE validation IN ('awaiting', 'contested');

CREATE TABLE value_messages (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    value_id        bigint NOT NULL REFERENCES kpi_values (id) ON DELETE CASCADE,
    author_id       bigint REFERENCES users (id),
    -- Which side spoke, kept even if the author's role changes later.
    side            text NOT NULL CHECK (side IN ('client', 'supplier')),
    kind            text NOT NULL CHECK (kind IN ('comment', 'validated', 'contested', 'accepted', 'kept')),
    body            text NOT NULL DEFAULT '' CHECK (length(body) <= 4000),
    -- A contest may propose the value the client believes is right.
    proposed_value  numeric,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (kind <> 'contested' OR length(btrim(body)) > 0),
    CHECK (proposed_value IS NULL OR kind = 'contested')
);
CREATE INDEX value_messages_value_idx ON value_messages (value_id, created_at);
