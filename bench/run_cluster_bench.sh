#!/usr/bin/env bash
# Submissions through the issue-15 cluster beside one loketd on one PostgreSQL, in one run.
#
#   bench/run_cluster_bench.sh        CONCURRENCY=8 DURATION=10 ROUNDS=2
#
# Starts (1) a standalone PostgreSQL (deploy/pg.sh, fsync on) with one loketd --pool_size=16, and
# (2) the cluster of deploy/cluster/lib-cluster.sh: etcd, three PostgreSQL nodes under Patroni with
# synchronous_mode (every commit waits for the synchronous standby's flush), HAProxy, two loketd
# (--pool_size=8 each: 16 connections in all, as in (1)). The cluster's workers are stopped before
# measuring: they are not on the submission path and would take the shared cores. Then, ROUNDS times,
# interleaved: submit_load against the direct loketd, against HAProxy's gRPC port (both replicas),
# and against cluster loketd 1 without HAProxy's gRPC port (its database connections still go
# through HAProxy's write port, as in the cluster); and pgbench's one-INSERT transaction on the
# standalone PostgreSQL, through HAProxy's write port, on the leader's own port, and there with
# synchronous_commit=local (the synchronous standby's share of a commit). Everything stops at exit. docs/benchmarks.md has a run.
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib-stack.sh
source deploy/cluster/lib-cluster.sh

BIN=${LOKET_BIN_DIR:-$PWD/build/bin}
DURATION=${DURATION:-10}
CONCURRENCY=${CONCURRENCY:-8}
ROUNDS=${ROUNDS:-2}

loket_stack_begin loket-cluster-bench
CDIR="$WORK/cluster"
trap 'cluster_stop "$CDIR" >/dev/null 2>&1 || true; _loket_stack_end' EXIT

# (1) one PostgreSQL, one loketd.
loket_fresh_db "$WORK" "$BIN"
TOKEN=$(loket_token "$DB" bench-clinic clinic pkm-klandasan-ilir)
loket_start_loketd "$BIN" --pool_size=16

# (2) the cluster.
base=${BASE:-$(cluster_free_base)}
CLUSTER_LOKETD_ARGS=(--log_requests=false)
t0=$(date +%s)
cluster_start "$CDIR" "$BIN" "$base" 2>"$WORK/cluster-start.log" || {
  tail -n 30 "$WORK/cluster-start.log" >&2
  exit 1
}
echo "cluster up in $(($(date +%s) - t0)) s (base $base): leader $(cluster_leader "$CDIR")"
for kind in notifier router scheduler; do
  for p in $(cluster_worker_pids "$CDIR" "$kind"); do kill "$p" 2>/dev/null || true; done
done
CTOKEN=$(loket_token "$CLUSTER_DB" bench-clinic clinic pkm-klandasan-ilir)
LOKETD1=127.0.0.1:$(cluster_port "$CDIR" loketd1)
echo "members: $(cluster_members "$CDIR" | paste -sd ';')"
echo "leader's replication: $(psql -X -At -d "$CLUSTER_DB" -c "SHOW synchronous_commit" | head -n 1)," \
  "synchronous_standby_names $(psql -X -At -d "$CLUSTER_DB" -c "SHOW synchronous_standby_names")," \
  "$(psql -X -At -d "$CLUSTER_DB" -c "SELECT string_agg(application_name || ' ' || sync_state, ', ') FROM pg_stat_replication")"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')," \
  "load $(cut -d' ' -f1-3 /proc/loadavg); PostgreSQL $(psql -X -At -d "$DB" -c 'SHOW server_version')," \
  "fsync $(psql -X -At -d "$DB" -c 'SHOW fsync') (cluster: $(psql -X -At -d "$CLUSTER_DB" -c 'SHOW fsync'))"

for d in "$DB" "$CLUSTER_DB"; do
  psql -X -q -d "$d" -c "CREATE TABLE IF NOT EXISTS bench_insert (id bigserial PRIMARY KEY, office_id text NOT NULL,
    nik text NOT NULL, name text NOT NULL, state text NOT NULL, created_at timestamptz DEFAULT now())"
done
cat >"$WORK/insert.sql" <<'SQL'
INSERT INTO bench_insert (office_id, nik, name, state) VALUES ('bpp', '6471065708900001', 'Siti Rahmawati', 'SUBMITTED');
SQL

load_row() {  # NAME ADDR TOKEN
  local out j
  out=$("$BIN/submit_load" --addr="$2" --token="$3" --concurrency="$CONCURRENCY" \
    --duration="$DURATION" --json 2>&1 || true)
  j=$(tail -n 1 <<<"$out")
  printf '%-40s %8s %8s %10s %8s %8s\n' "$1" \
    "$(sed -E 's/.*"ok": ([0-9]+).*/\1/' <<<"$j")" "$(sed -E 's/.*"failed": ([0-9]+).*/\1/' <<<"$j")" \
    "$(sed -E 's/.*"per_second": ([0-9.]+).*/\1/' <<<"$j")" "$(sed -E 's/.*"p50_ms": ([0-9.]+).*/\1/' <<<"$j")" \
    "$(sed -E 's/.*"p99_ms": ([0-9.]+).*/\1/' <<<"$j")"
}
pgbench_row() {  # NAME PORT [PGOPTIONS]
  local out
  out=$(PGOPTIONS="${3:-}" pgbench -n -h 127.0.0.1 -p "$2" -U postgres -c "$CONCURRENCY" -j "$CONCURRENCY" -T "$DURATION" \
    -f "$WORK/insert.sql" loket 2>&1 || true)
  printf '%-40s %8s %8s %10s %8s %8s\n' "$1" "$(awk '/processed:/ {split($NF, a, "/"); print a[1]}' <<<"$out")" \
    "$(awk '/failed transactions/ {print $5}' <<<"$out" | head -n 1)" "$(awk '/^tps/ {printf "%.1f", $3; exit}' <<<"$out")" \
    "-" "$(awk '/latency average/ {print $4 " avg"}' <<<"$out")"
}

echo
echo "submit_load --concurrency=$CONCURRENCY --duration=$DURATION (submissions); pgbench -c $CONCURRENCY -T $DURATION (one INSERT a transaction)"
printf '%-40s %8s %8s %10s %8s %8s\n' path ok failed per_s p50_ms p99_ms
for round in $(seq 1 "$ROUNDS"); do
  load_row "direct: 1 loketd, 1 PostgreSQL #$round" "127.0.0.1:$API_PORT" "$TOKEN"
  load_row "cluster via HAProxy: 2 loketd, sync #$round" "$CLUSTER_GRPC" "$CTOKEN"
  load_row "cluster loketd 1 (no HAProxy), sync #$round" "$LOKETD1" "$CTOKEN"
done
pgbench_row "pgbench INSERT, 1 PostgreSQL" "$PG_PORT"
pgbench_row "pgbench INSERT, HAProxy write port, sync" "$(cluster_port "$CDIR" pg_write)"
leader_port=$(cluster_port "$CDIR" "$(cluster_leader "$CDIR")")
pgbench_row "pgbench INSERT, leader's port, sync" "$leader_port"
# The same leader without waiting for the standby: synchronous_commit=local for these sessions only.
pgbench_row "pgbench INSERT, leader's port, local commit" "$leader_port" \
  "-c synchronous_commit=local"
echo
echo "after the run: $(cluster_members "$CDIR" | paste -sd ';'); load $(cut -d' ' -f1-3 /proc/loadavg)"
