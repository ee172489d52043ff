-- A request's appointments by request, newest first. Every read of a request takes its latest
-- appointment (LOKET_REQUEST_FROM in appointment_repository.cc: ORDER BY id DESC LIMIT 1 per
-- request), and so does the per-NIK and per-phone count under its lock; the only index on
-- appointments.request_id was the partial one of live appointments, so each of those lookups read
-- the whole table. Forward-only, like every migration.
CREATE INDEX appointments_by_request ON appointments (request_id, id);
