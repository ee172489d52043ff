-- A coalesced enqueue that finds its task already leased cannot be dropped: the worker may be
-- computing from input older than the change. It marks the task to run again once finished.
ALTER TABLE tasks ADD COLUMN rerun boolean NOT NULL DEFAULT false;
