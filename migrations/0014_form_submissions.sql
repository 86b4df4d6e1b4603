-- Double submits (issue 17): every form that creates something (a comment or an
-- evaluation of a value, a contact, an opportunity, a meeting note, a survey
-- answer) carries a one-use token, `_once`, drawn when the form is rendered.
-- The first submit records the token here in the same transaction as what it
-- creates; a second submit of the same rendered form (a double click, a retry
-- after a timeout, two tabs) finds it and gets the first one's outcome instead of
-- creating a duplicate. If the first transaction rolls back, so does its token.
--
-- Only a hash of the token is kept (like every other token here). Rows are a few
-- dozen bytes and only prove a form was sent; they may be purged after a while.
CREATE TABLE form_submissions (
    token_hash  text PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    -- Who sent it (NULL: an anonymous survey link); a token replayed by someone
    -- else is refused rather than answered with another person's outcome.
    user_id     bigint REFERENCES users (id) ON DELETE CASCADE,
    -- Where the first submit sent its browser (a path of this site).
    outcome     text NOT NULL CHECK (outcome LIKE '/%' AND length(outcome) <= 2000),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX form_submissions_created_idx ON form_submissions (created_at);
