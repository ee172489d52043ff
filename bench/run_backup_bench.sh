#!/usr/bin/env bash
# Backup and restore timings (issue 15, docs/operations.md "Backups"): pgBackRest with a local
# repository (deploy/backup), at a stated database size.
#
#   bench/run_backup_bench.sh            CASES=20000 cases, DOC_KB=32 (one uploaded document each)
#
# It starts its own PostgreSQL (fsync on) archiving WAL into pgBackRest, and loketd; loads CASES
# cases by SQL, each with 3 case events and one document of DOC_KB KiB of random bytes (uploaded
# PDFs and photos are compressed already: they do not shrink in a backup; each is a slice of a 4 MiB
# random pool at a golden-ratio offset, so that neighbours do not overlap within lz4's window), then:
#   full backup (deploy/backup/backup.sh) -> 10 s of gRPC submissions -> T -> 5 s more ->
#   differential backup -> point-in-time restore to T into a fresh cluster, checked
#   (deploy/backup/restore_check.sh: pgBackRest restore, WAL replay, promotion, count + md5).
# Everything runs in a temp dir on free ports and is stopped at exit. Results go to stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib-stack.sh
# shellcheck source=deploy/backup/lib-backup.sh
source deploy/backup/lib-backup.sh

BIN=${LOKET_BIN_DIR:-$PWD/build/bin}
CASES=${CASES:-20000}
DOC_KB=${DOC_KB:-32}

loket_stack_begin loket-backup-bench
trap 'pg_stop "$WORK/restored/pg" >/dev/null 2>&1 || true; _loket_stack_end' EXIT
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", b - a}'; }
q() { psql -X -At -v ON_ERROR_STOP=1 -d "$DB" -c "$1"; }

loket_fresh_db "$WORK" "$BIN"
backup_write_config "$WORK/backup" "$WORK/pg" "$PG_PORT"
CONF="$WORK/backup/pgbackrest.conf"
backup_enable_archiving "$CONF" "$WORK/pg" "$PG_PORT"
TOKEN=$(loket_token "$DB" bench-clinic clinic pkm-klandasan-ilir)
actor=$(q "SELECT id FROM principals WHERE name = 'bench-clinic'")

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg); PostgreSQL $(q 'SHOW server_version'), pgBackRest" \
  "$(pgbackrest version | cut -d' ' -f2), compress-type $(sed -n 's/^compress-type=//p' "$CONF")"

t0=$(now)
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" <<SQL
CREATE TEMP TABLE pool AS
  SELECT decode(string_agg(md5(random()::text || g), ''), 'hex') AS b FROM generate_series(1, 262144) g;
INSERT INTO cases (office_id, permit_type, channel, state, applicant_nik, applicant_name,
  applicant_phone, priority_class, clinic_id, practice_place, str_number, sla_days, sla_started_on,
  due_date, created_by, created_at, updated_at)
SELECT 'bpp', 'SIP_PERAWAT', 'CLINIC', 'SUBMITTED', '6471' || lpad(g::text, 12, '0'),
  'Pemohon ' || g, '0812' || lpad(g::text, 8, '0'), 'HEALTH_WORKER', 'pkm-klandasan-ilir',
  'Puskesmas Klandasan Ilir', 'STR-' || g, 5, current_date, current_date + 7, $actor,
  now() - interval '1 day', now() - interval '1 day'
FROM generate_series(1, $CASES) g;
INSERT INTO case_events (office_id, case_id, at, actor_id, actor_name, actor_role, action, from_state, to_state)
SELECT 'bpp', c.id, c.created_at + s * interval '1 hour', $actor, 'bench', 'clinic',
  (ARRAY['Submit', 'Note', 'Note'])[s + 1], CASE WHEN s = 0 THEN NULL ELSE 'SUBMITTED' END, 'SUBMITTED'
FROM cases c CROSS JOIN generate_series(0, 2) s;
INSERT INTO documents (office_id, case_id, code, file_name, media_type, size_bytes, sha256, content, uploaded_by)
SELECT 'bpp', c.id, 'STR', 'str.pdf', 'application/pdf', length(d.content), sha256(d.content), d.content, $actor
FROM cases c, pool,
  LATERAL (SELECT substring(pool.b FROM 1 + floor(((c.id * 0.6180339887) % 1) * (4194304 - $DOC_KB * 1024))::int
           FOR $DOC_KB * 1024) AS content) d;
SQL
# As a database in service is: vacuumed (hint bits and visibility map set). Without this, autovacuum
# rewrites every freshly loaded page after the full backup and the differential copies them all.
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -c "VACUUM ANALYZE"
t1=$(now)
db_size=$(q "SELECT pg_size_pretty(pg_database_size('loket'))")
echo "loaded $CASES cases, $(q 'SELECT count(*) FROM case_events') case events, $CASES documents of" \
  "$DOC_KB KiB in $(secs "$t0" "$t1") s: database loket $db_size"

loket_start_loketd "$BIN" --pool_size=4
load() {
  "$BIN/submit_load" --addr="127.0.0.1:$API_PORT" --token="$TOKEN" --concurrency=2 \
    --duration="$1" --warmup=0 2>/dev/null | grep -m1 '^submit_load:' || true
}

echo "== full backup"
deploy/backup/backup.sh --config "$CONF" --type full | sed -n 1p
echo "== submissions after the full backup: $(load 10)"
sleep 0.5
T=$(PGTZ=UTC q "SELECT clock_timestamp()")
sleep 0.5
echo "== T = $T; after T: $(load 5)"
echo "== differential backup"
deploy/backup/backup.sh --config "$CONF" --type diff | sed -n 1p
echo "repository: $(du -sh "$WORK/backup/repo" | cut -f1) (backups $(du -sh "$WORK/backup/repo/backup" | cut -f1)," \
  "WAL archive $(du -sh "$WORK/backup/repo/archive" | cut -f1))"
echo "== point-in-time restore to T into a fresh cluster (the differential ended after T: pgBackRest"
echo "   restores the full backup and replays the archived WAL up to T)"
t0=$(now)
deploy/backup/restore_check.sh --config "$CONF" --target "$T" --source "$DB" --dir "$WORK/restored"
t1=$(now)
echo "restore_check.sh in all (check, restore, replay, promotion, comparison): $(secs "$t0" "$t1") s"
