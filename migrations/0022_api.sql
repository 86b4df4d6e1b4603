-- The open door (issue 15): API tokens, idempotent writes, and the token id on
-- every audit row an API request writes.

-- A token acts as its user (same role, same accounts, same client rules): it only
-- narrows what that user may do (read-only scope, a few accounts, an expiry).
-- Only the SHA-256 of the secret is kept; the secret is shown once, at creation.
CREATE TABLE api_tokens (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- personal: made by the user for themselves; service: made by an admin for an
    -- integration user (an ERP, a CRM), listed to admins.
    kind         text NOT NULL CHECK (kind IN ('personal', 'service')),
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    token_hash   bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    -- The first characters of the secret, so a user can tell their tokens apart.
    prefix       text NOT NULL CHECK (length(prefix) BETWEEN 4 AND 16),
    can_write    boolean NOT NULL DEFAULT false,
    -- NULL: every account the user sees; else only these (intersected with them).
    account_ids  bigint[] CHECK (account_ids IS NULL OR cardinality(account_ids) > 0),
    expires_at   timestamptz,
    revoked_at   timestamptz,
    revoked_by   bigint REFERENCES users (id),
    last_used_at timestamptz,
    created_by   bigint NOT NULL REFERENCES users (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CHECK (expires_at IS NULL OR expires_at > created_at)
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id, created_at DESC);

-- `Idempotency-Key`: the first answer to a key is kept with a hash of the request,
-- written in the same transaction as the values it reports, so a retry gets the
-- same answer and writes nothing, and the same key with another body is refused.
CREATE TABLE api_idempotency (
    token_id     bigint NOT NULL REFERENCES api_tokens (id) ON DELETE CASCADE,
    key          text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    request_hash bytea NOT NULL CHECK (length(request_hash) = 32),
    status       smallint NOT NULL CHECK (status BETWEEN 200 AND 299),
    response     jsonb NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (token_id, key)
);

-- Which token made a change (NULL for the pages): the audit page and the token's
-- owner can tell an integration's writes from a person's.
ALTER TABLE audit_log ADD COLUMN api_token_id bigint REFERENCES api_tokens (id);
CREATE INDEX audit_log_token_idx ON audit_log (api_token_id, at DESC) WHERE api_token_id IS NOT NULL;
