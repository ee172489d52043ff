-- Issue 14: the SHA-256 (hex) of each applied migration file's text. Database::Migrate records it
-- (once, for migrations applied before this column existed) and refuses to start, naming the file,
-- when an applied migration's file no longer matches: migrations are forward-only, so a changed
-- file would leave databases migrated before and after the change with different schemas.
ALTER TABLE schema_migrations ADD COLUMN IF NOT EXISTS checksum text;
