#!/usr/bin/env bash
# Retention benchmark (issue 12): the tasks and idempotency tables over simulated days, with
# loketd's sweep on its defaults (done tasks 7 days, idempotency 48 hours, batches of 5,000).
#
#   bench/run_retention_bench.sh        DAYS=12 days; each day CASES_PER_S x DAY_SECONDS submissions
#
# Each simulated day: submit_load submits through loketd (real rows: the case, its notify.send
# task, the request_id's record); the day's tasks are marked done as a notifier would; then a day
# passes: every task's updated_at and every record's created_at move back a day less a minute (so a
# row right at the edge of its retention stays, as it would in continuous time). loketd (sweep every
# 2 s) deletes what is past retention; VACUUM stands in for autovacuum; sizes are measured. Without
# a sweep, the tables would grow by the first day's bytes per case every day ("no_sweep", computed).
# The day's UPDATE rewrites every kept row once, which production never does: the sizes here are
# an upper bound of the steady state. notifications (case history, not swept) is shown beside.
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib-stack.sh

BIN=${LOKET_BIN_DIR:-$PWD/build/bin}
DAYS=${DAYS:-12}
CASES_PER_S=${CASES_PER_S:-400}
DAY_SECONDS=${DAY_SECONDS:-5}

loket_stack_begin loket-retention-bench
loket_fresh_db "$WORK" "$BIN"
TOKEN=$(loket_token "$DB" bench-clinic clinic pkm-klandasan-ilir)
loket_start_loketd "$BIN" --quiet_hours=off --retention_sweep_interval=2s

q() { psql -X -At -d "$DB" -c "$1"; }
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)," \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); PostgreSQL $(q 'SHOW server_version')"
echo "per day: ${CASES_PER_S}/s for ${DAY_SECONDS} s; retention: loketd's defaults"
printf '%4s %8s %8s %10s %10s %8s %10s %10s %10s\n' day cases tasks tasks_MiB no_sweep \
  idem idem_MiB no_sweep notif_MiB
b_task=0 b_idem=0
for ((day = 1; day <= DAYS; day++)); do
  "$BIN/submit_load" --addr="127.0.0.1:$API_PORT" --token="$TOKEN" --concurrency=8 \
    --rate="$CASES_PER_S" --duration="$DAY_SECONDS" --warmup=0 >/dev/null
  # Delivered, as loket-notifier would report it.
  q "WITH t AS (UPDATE tasks SET state = 'done', updated_at = now() WHERE state = 'ready'
     AND queue = 'notify.send' RETURNING id)
     UPDATE notifications SET status = 'sent', sent_at = now() WHERE task_id IN (SELECT id FROM t)" \
    >/dev/null
  if ((day == 1)); then  # bytes per row before any row is rewritten
    b_task=$(q "SELECT pg_total_relation_size('tasks') / count(*) FROM cases")
    b_idem=$(q "SELECT pg_total_relation_size('idempotency') / count(*) FROM cases")
  fi
  # A day passes.
  q "UPDATE tasks SET updated_at = updated_at - interval '23 hours 59 minutes',
     created_at = created_at - interval '23 hours 59 minutes',
     run_after = run_after - interval '23 hours 59 minutes'" >/dev/null
  q "UPDATE idempotency SET created_at = created_at - interval '23 hours 59 minutes'" >/dev/null
  for ((i = 0; i < 300; i++)); do
    old=$(q "SELECT (SELECT count(*) FROM tasks WHERE state = 'done'
             AND updated_at < now() - interval '7 days')
             + (SELECT count(*) FROM idempotency WHERE created_at < now() - interval '48 hours')")
    ((old == 0)) && break
    sleep 0.2
  done
  q "VACUUM (ANALYZE) tasks" >/dev/null
  q "VACUUM (ANALYZE) idempotency" >/dev/null
  q "VACUUM notifications" >/dev/null
  read -r cases tasks tmib idem imib nmib <<<"$(q "SELECT (SELECT count(*) FROM cases),
    (SELECT count(*) FROM tasks), round(pg_total_relation_size('tasks') / 1048576.0, 1),
    (SELECT count(*) FROM idempotency), round(pg_total_relation_size('idempotency') / 1048576.0, 1),
    round(pg_total_relation_size('notifications') / 1048576.0, 1)" | tr '|' ' ')"
  printf '%4d %8d %8d %10s %10.1f %8d %10s %10.1f %10s\n' "$day" "$cases" "$tasks" "$tmib" \
    "$(echo "$cases * $b_task / 1048576" | bc -l)" "$idem" "$imib" \
    "$(echo "$cases * $b_idem / 1048576" | bc -l)" "$nmib"
done
echo "bytes per case on day 1 (table + indexes): tasks $b_task, idempotency $b_idem"
grep 'retention sweep' "$WORK/loketd.log" | tail -n 3 || true
