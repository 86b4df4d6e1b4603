-- CSV imports run in the background (issue 16): a file of a million values is
-- checked while the upload waits, then written set-based by a task of the server
-- while the user watches a progress page (`/import/{id}`). This table is what
-- that page reads: how far the task got, and what it did once done.
--
-- The task updates `rows_done` from outside its own transaction, so that progress
-- shows before the commit; the final counts and `status = 'done'` are written
-- inside the import's transaction, so "done" is never shown for values that were
-- rolled back.
CREATE TABLE import_runs (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Who started it: only they (and admins) may see the run (`authz`).
    user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The accounts the file writes to: what the run is about, for whoever reads it later.
    account_ids bigint[] NOT NULL DEFAULT '{}',
    -- The file's name as shown (folders and control characters removed).
    file_name   text NOT NULL CHECK (length(file_name) <= 200),
    status      text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'failed')),
    rows_total  integer NOT NULL CHECK (rows_total >= 0),
    rows_done   integer NOT NULL DEFAULT 0 CHECK (rows_done BETWEEN 0 AND rows_total),
    created     integer NOT NULL DEFAULT 0 CHECK (created >= 0),
    updated     integer NOT NULL DEFAULT 0 CHECK (updated >= 0),
    unchanged   integer NOT NULL DEFAULT 0 CHECK (unchanged >= 0),
    -- Why it failed: a message key (never internal details).
    error       text CHECK (error IS NULL OR error ~ '^import-[a-z-]+$'),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    CHECK ((status = 'failed') = (error IS NOT NULL)),
    CHECK ((status = 'running') = (finished_at IS NULL)),
    CHECK (status <> 'done' OR (rows_done = rows_total AND created + updated + unchanged = rows_total))
);
CREATE INDEX import_runs_user_idx ON import_runs (user_id, created_at DESC);
CREATE TRIGGER import_runs_updated_at BEFORE UPDATE ON import_runs
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
