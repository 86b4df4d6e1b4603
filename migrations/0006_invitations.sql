-- Client users join by invitation: the KAM invites a contact, Boussole makes a
-- single-use link valid 7 days on which the contact sets a password. Only a hash
-- of the token is stored, so a database dump does not hand out working links.
CREATE TABLE invitations (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash  text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    account_id  bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    email       citext NOT NULL CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
    name        text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    invited_by  bigint REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    revoked_at  timestamptz,
    CHECK (expires_at > created_at)
);
CREATE INDEX invitations_account_idx ON invitations (account_id, created_at DESC);
