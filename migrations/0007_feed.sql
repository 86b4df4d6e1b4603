-- The activity feed is read from the audit trail (every change is there already);
-- each user only needs to remember how far they have read, for the unread count.
ALTER TABLE users ADD COLUMN feed_seen_at timestamptz NOT NULL DEFAULT now();

-- Feeds list an account's events newest first.
CREATE INDEX audit_log_account_id_idx ON audit_log (account_id, id DESC) WHERE account_id IS NOT NULL;
