-- The organisation's time zone (issue 10): every date-time shown to people is
-- converted to it (timestamps stay stored in UTC). It lives on the one row of
-- director settings, which directors and admins edit. The application checks
-- the name against the IANA database it ships (chrono-tz); the CHECK keeps the
-- column to the shape of such a name ("Europe/Paris", "UTC").
ALTER TABLE director_settings
    ADD COLUMN time_zone text NOT NULL DEFAULT 'Europe/Paris'
        CHECK (time_zone ~ '^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$' AND length(time_zone) <= 64);
