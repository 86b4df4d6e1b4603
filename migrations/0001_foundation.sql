-- Foundation: people, accounts, the audit trail and login throttling.
--
-- Every table carries created_at/updated_at; constraints make invalid states
-- unrepresentable so that a bug in the application cannot store them either.

CREATE EXTENSION IF NOT EXISTS citext;

-- Keeps updated_at honest without trusting every UPDATE statement to set it.
CREATE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END $$;

CREATE TYPE user_role AS ENUM ('admin', 'director', 'kam', 'contributor', 'client');

-- Accounts are created before users know about them: a client user belongs to
-- exactly one account, and an account is owned by a KAM (a user). The circular
-- reference is closed at the end of this file.
CREATE TABLE users (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email                citext NOT NULL UNIQUE CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
    name                 text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    role                 user_role NOT NULL,
    -- NULL: follow the browser's Accept-Language until the user picks one.
    locale               text CHECK (locale IN ('fr', 'en')),
    -- NULL until an invited user sets a password; such a user cannot log in.
    password_hash        text,
    active               boolean NOT NULL DEFAULT true,
    -- Sessions authenticated before this instant are dead: revoking a user or
    -- changing a password moves it forward, which ends every open session at once.
    sessions_valid_after timestamptz NOT NULL DEFAULT now(),
    last_login_at        timestamptz,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER users_updated_at BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- key_account: managed with a KAM programme; candidate: being considered;
-- managed: ordinary account management (the base of the director's pyramid).
CREATE TYPE account_tier AS ENUM ('key_account', 'candidate', 'managed');

CREATE TABLE accounts (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug                 text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 60),
    name                 text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    industry             text NOT NULL CHECK (length(btrim(industry)) BETWEEN 1 AND 100),
    -- ISO 3166-1 alpha-2, upper case.
    country              char(2) NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    international        boolean NOT NULL DEFAULT false,
    subsidiaries_present integer NOT NULL DEFAULT 0 CHECK (subsidiaries_present >= 0),
    tier                 account_tier NOT NULL DEFAULT 'candidate',
    owner_id             bigint REFERENCES users (id),
    -- The KAM pyramid: 1 exploratory, 2 basic, 3 cooperative, 4 integrated.
    stage                smallint NOT NULL DEFAULT 1 CHECK (stage BETWEEN 1 AND 4),
    relationship_start   date,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX accounts_owner_idx ON accounts (owner_id);
CREATE TRIGGER accounts_updated_at BEFORE UPDATE ON accounts
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- A client user sees one account and only one; staff belong to none.
ALTER TABLE users ADD COLUMN account_id bigint REFERENCES accounts (id);
ALTER TABLE users ADD CONSTRAINT users_client_has_account
    CHECK ((role = 'client') = (account_id IS NOT NULL));
CREATE INDEX users_account_idx ON users (account_id) WHERE account_id IS NOT NULL;

-- The audit trail: who did what, when, to which account, before and after.
-- Append-only, enforced by the database rather than by convention.
CREATE TABLE audit_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    actor_id    bigint REFERENCES users (id),
    -- The e-mail as typed or as it was then: failed logins have no actor_id.
    actor_email text,
    action      text NOT NULL CHECK (action ~ '^[a-z_]+(\.[a-z_]+)+$'),
    entity      text,
    entity_id   text,
    account_id  bigint REFERENCES accounts (id),
    before      jsonb,
    after       jsonb,
    ip          inet
);
CREATE INDEX audit_log_account_idx ON audit_log (account_id, at DESC) WHERE account_id IS NOT NULL;
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, at DESC);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id, at DESC);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP;
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- Login throttling lives in the database so that every app instance shares it.
CREATE TABLE login_attempts (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    email      citext NOT NULL,
    ip         inet,
    succeeded  boolean NOT NULL
);
CREATE INDEX login_attempts_email_idx ON login_attempts (email, at DESC);
CREATE INDEX login_attempts_ip_idx ON login_attempts (ip, at DESC);
