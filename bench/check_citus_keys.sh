#!/usr/bin/env bash
# Checks the schema changes docs/scaling.md proposes for Citus (distribution by office_id) on plain
# PostgreSQL 15: the SQL block between the markers `citus-keys:begin` and `citus-keys:end` in that
# file is applied, in one transaction, to a fresh database with every migration and the seed; then
# it lists every primary key, unique constraint/index and foreign key of an office table that does
# not contain office_id (Citus refuses those), and runs a short submission load through an unchanged
# loketd to show which code paths still work on the new keys.
#
#   bench/check_citus_keys.sh               DURATION=5 (seconds of load)
#
# Citus itself is not installed here (not in Debian bookworm): create_distributed_table and
# create_reference_table are not run; their calls in docs/scaling.md are untested.
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib-stack.sh

BIN=${LOKET_BIN_DIR:-$PWD/build/bin}
DURATION=${DURATION:-5}

loket_stack_begin loket-citus-keys
loket_fresh_db "$WORK" "$BIN"
TOKEN=$(loket_token "$DB" bench-clinic clinic pkm-klandasan-ilir)

sed -n '/citus-keys:begin/,/citus-keys:end/p' docs/scaling.md | sed '1,2d;$d' | sed '$d' >"$WORK/keys.sql"
echo "applying $(grep -c ';' "$WORK/keys.sql") statements from docs/scaling.md in one transaction"
psql -X -q -v ON_ERROR_STOP=1 -1 -d "$DB" -f "$WORK/keys.sql"
echo "applied"

echo "keys and foreign keys without office_id (tables that are not per office are expected here):"
psql -X -At -d "$DB" <<'SQL'
SELECT '  ' || c.conrelid::regclass || ' ' || c.conname || ': ' || pg_get_constraintdef(c.oid)
FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid
WHERE r.relnamespace = 'public'::regnamespace AND c.contype IN ('p', 'u', 'f')
  AND NOT pg_get_constraintdef(c.oid) ~ '\(office_id[,)]'
  AND NOT (c.contype = 'f' AND pg_get_constraintdef(c.oid) ~ 'REFERENCES offices\(id\)')
UNION ALL
SELECT '  ' || i.indrelid::regclass || ' ' || i.indexrelid::regclass || ': ' || pg_get_indexdef(i.indexrelid)
FROM pg_index i JOIN pg_class r ON r.oid = i.indrelid
WHERE r.relnamespace = 'public'::regnamespace AND i.indisunique
  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
  AND NOT pg_get_indexdef(i.indexrelid) ~ '\(office_id[,)]'
ORDER BY 1;
SQL

loket_start_loketd "$BIN" --pool_size=8
echo "submissions on the new keys, loketd unchanged:"
"$BIN/submit_load" --addr="127.0.0.1:$API_PORT" --token="$TOKEN" --concurrency=4 \
  --duration="$DURATION" | sed 's/^/  /' || true
