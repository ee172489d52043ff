-- Walk-in tickets are issued during opening hours only (issue 11); an admin may override, and the
-- visit records that it was issued outside the hours (created_by says who).
ALTER TABLE visits ADD COLUMN outside_hours boolean NOT NULL DEFAULT false;
