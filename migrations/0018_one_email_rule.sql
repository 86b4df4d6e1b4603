-- One e-mail rule (issue 11): the same check on every table that stores an
-- address, matching `email::Email::parse` (which is stricter still, so the
-- application refuses first, with a field message, and the database never
-- answers a 500 for an address a form accepted). Existing rows are not
-- re-checked (NOT VALID): addresses accepted before stay readable.
ALTER TABLE users DROP CONSTRAINT users_email_check;
ALTER TABLE users ADD CONSTRAINT users_email_check
    CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$') NOT VALID;
ALTER TABLE invitations DROP CONSTRAINT invitations_email_check;
ALTER TABLE invitations ADD CONSTRAINT invitations_email_check
    CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$') NOT VALID;
ALTER TABLE contacts DROP CONSTRAINT contacts_email_check;
ALTER TABLE contacts ADD CONSTRAINT contacts_email_check
    CHECK (email IS NULL OR email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$') NOT VALID;
