# shellcheck shell=bash disable=SC2034
# The Loket cluster on one machine (issue 15): etcd, three PostgreSQL 15 nodes run by Patroni
# (synchronous mode, pg_rewind), HAProxy (PostgreSQL write/read ports that follow Patroni, a gRPC
# port over two loketd replicas), two loketd replicas and two of each worker. Source this file; it
# defines functions only (and sources deploy/pg.sh, lib-common.sh, lib-tokens.sh).
#
# Every port derives from BASE:
#   etcd client BASE+0, etcd peer BASE+1, PostgreSQL pg1..pg3 BASE+10..12, Patroni REST BASE+20..22,
#   HAProxy: PostgreSQL write BASE+30, read BASE+31, gRPC BASE+32, stats BASE+33,
#   loketd gRPC BASE+40..41, loketd admin (/metrics, /healthz) BASE+50..51,
#   worker admin BASE+60..65 (when the workers have --admin_listen).
#
#   cluster_start DIR BIN BASE   starts everything in DIR (logs in DIR/log/*.log, pid files in
#                                DIR/run); returns when a leader, a synchronous standby and a second
#                                streaming replica exist and `loket health` through HAProxy's gRPC
#                                port is SERVING. Sets CLUSTER_DIR, CLUSTER_GRPC (host:port, HAProxy),
#                                CLUSTER_DB (conninfo through HAProxy's write port), CLUSTER_DB_READ,
#                                CLUSTER_WORKER_TOKEN; writes DIR/demo.env (LOKET_ADDR, a token per
#                                demo role, as deploy/up.sh does). Optional before calling:
#                                CLUSTER_NOTIFIER_ARGS (array of extra loket-notifier flags, e.g.
#                                --webhook_url=...), CLUSTER_LOKETD_ARGS (extra loketd flags),
#                                LOKET_PG_FSYNC (on|off, default on).
#   cluster_stop DIR             stops everything started in DIR and waits for the processes to exit
#   cluster_leader DIR           prints the leader's name (pg1|pg2|pg3); empty and non-zero if none
#   cluster_members DIR          prints "NAME ROLE STATE TIMELINE" per member (Patroni's /cluster)
#   cluster_node_pids DIR NODE   prints "PATRONI_PID POSTMASTER_PID" (POSTMASTER_PID empty if down)
#   cluster_kill_node DIR NODE   SIGKILLs NODE's postmaster (Patroni stays and fails over)
#   cluster_wait_leader DIR OLD [SECONDS]   waits for a leader other than OLD; prints it
#   cluster_sync_standby DIR     waits (60 s) until Patroni names a synchronous standby; prints it
#   cluster_fail_over DIR OLD    SIGKILLs leader OLD's postmaster until Patroni fails over (at most
#                                3 kills, see the function); prints "NEW SYNC KILL_TIME RESTARTS":
#                                the new leader, the sync standby named before the last kill, that
#                                kill's time (date +%s.%N) and how often Patroni restarted OLD in place
#   cluster_wait_members DIR N [SECONDS]    waits until N members run, N-1 of them streaming from the
#                                           leader (an old leader has rejoined), one of them sync
#   cluster_loketd_pids DIR      prints the pids of the loketd replicas (one a line)
#   cluster_worker_pids DIR KIND prints the pids of the workers of KIND (notifier|router|scheduler)
#   cluster_restart_loketd DIR I starts loketd replica I (1|2) again if it is not running; waits
#                                until it is SERVING
#   cluster_restart_worker DIR KIND I       starts worker I (1|2) of KIND again if it is not running
#   cluster_port DIR NAME        prints a port: etcd, pg1..pg3, rest1..rest3, pg_write, pg_read,
#                                grpc, stats, loketd1, loketd2, admin1, admin2, and the workers'
#                                admin ports notifier1/2, router1/2, scheduler1/2
#   cluster_free_base            prints a BASE (20000..31900, a multiple of 100) whose ports are all
#                                free; non-zero if 50 tries find none. Below the kernel's ephemeral
#                                range (32768+), so that no outgoing connection takes one meanwhile
#                                (one did: another test's pg_free_port port, "Address already in use")
#
# When cluster_start fails, what it started keeps running (its logs are in DIR/log): call
# cluster_stop DIR (a test's EXIT trap does; deploy/up.sh does).
#
# All processes run in their own session (setsid), so that deploy/up.sh can return and leave them
# running; cluster_stop (or deploy/down.sh) stops them. PostgreSQL and Patroni run as user postgres.
# etcd is a single member here (it is the fail-over referee; on machines it is three or five members,
# see docs/operations.md, "Cluster").

_cluster_lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=deploy/pg.sh
source "$_cluster_lib_dir/../pg.sh"
# shellcheck source=deploy/lib-common.sh
source "$_cluster_lib_dir/../lib-common.sh"
# shellcheck source=deploy/lib-tokens.sh
source "$_cluster_lib_dir/../lib-tokens.sh"

_cluster_log() { echo "cluster: $*" >&2; }

# Loads DIR/cluster.env (BASE, BIN) into _C_BASE/_C_BIN.
_cluster_env() {
  local dir=${1:?DIR}
  [[ -f "$dir/cluster.env" ]] || {
    _cluster_log "$dir/cluster.env not found (no cluster started in $dir)"
    return 1
  }
  _C_BASE=$(sed -n 's/^BASE=//p' "$dir/cluster.env")
  _C_BIN=$(sed -n 's/^BIN=//p' "$dir/cluster.env")
}

_cluster_port_of() {
  local base=$1 name=$2
  case "$name" in
    etcd) echo $((base + 0)) ;;
    etcd_peer) echo $((base + 1)) ;;
    pg1 | pg2 | pg3) echo $((base + 9 + ${name#pg})) ;;
    rest1 | rest2 | rest3) echo $((base + 19 + ${name#rest})) ;;
    pg_write) echo $((base + 30)) ;;
    pg_read) echo $((base + 31)) ;;
    grpc) echo $((base + 32)) ;;
    stats) echo $((base + 33)) ;;
    loketd1 | loketd2) echo $((base + 39 + ${name#loketd})) ;;
    admin1 | admin2) echo $((base + 49 + ${name#admin})) ;;
    notifier1 | notifier2) echo $((base + 59 + ${name#notifier})) ;;
    router1 | router2) echo $((base + 61 + ${name#router})) ;;
    scheduler1 | scheduler2) echo $((base + 63 + ${name#scheduler})) ;;
    *)
      _cluster_log "unknown port name $name"
      return 1
      ;;
  esac
}

cluster_port() {
  _cluster_env "${1:?usage: cluster_port DIR NAME}" || return 1
  _cluster_port_of "$_C_BASE" "${2:?usage: cluster_port DIR NAME}"
}

# The ports BASE+0..BASE+65 that the cluster uses; true when none of them accepts connections.
_cluster_ports_free() {
  local base=$1 p
  for p in 0 1 10 11 12 20 21 22 30 31 32 33 40 41 50 51 60 61 62 63 64 65; do
    if loket_port_in_use $((base + p)); then
      _cluster_log "port $((base + p)) (BASE+$p) is in use"
      return 1
    fi
  done
}

cluster_free_base() {
  local try b
  for ((try = 0; try < 50; try++)); do
    b=$((20000 + (RANDOM % 120) * 100))
    if _cluster_ports_free "$b" 2>/dev/null; then
      echo "$b"
      return 0
    fi
  done
  _cluster_log "no free port range found in 20000..31999"
  return 1
}

# _cluster_spawn DIR NAME CMD...: runs CMD in its own session, output to DIR/log/NAME.log, pid in
# DIR/run/NAME.pid. setsid execs (we are not a process group leader), so $! is CMD's pid.
_cluster_spawn() {
  local dir=$1 name=$2
  shift 2
  {
    echo
    echo "=== $(date -u +%Y-%m-%dT%H:%M:%SZ) lib-cluster.sh starts $name"
  } >>"$dir/log/$name.log"
  nohup setsid "$@" >>"$dir/log/$name.log" 2>&1 </dev/null &
  echo "$!" >"$dir/run/$name.pid"
  # Not the caller's job: no "Killed" notice in its output when a test SIGKILLs it.
  disown "$!" 2>/dev/null || true
}

# The pid in DIR/run/NAME.pid, if that process is alive and still the program NAME names: a pid file
# left from before a reboot may name an unrelated process by now, which cluster_stop must not kill.
_cluster_pid() {
  local f="$1/run/$2.pid" pid want cmd
  [[ -f "$f" ]] || return 1
  pid=$(head -n 1 "$f")
  loket_pid_alive "$pid" || return 1
  case $2 in
    patroni-*) want=patroni ;;
    etcd) want=etcd ;;
    haproxy) want=haproxy ;;
    *) want=loket ;;
  esac
  cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ "$cmd" == *"$want"* ]] || return 1
  echo "$pid"
}

# Patroni's REST API: the first node that answers PATH.
_cluster_rest() {
  local dir=$1 path=$2 i port
  _cluster_env "$dir" || return 1
  for i in 1 2 3; do
    port=$(_cluster_port_of "$_C_BASE" "rest$i")
    if curl -fsS --max-time 3 "http://127.0.0.1:$port$path" 2>/dev/null; then
      return 0
    fi
  done
  return 1
}

cluster_members() {
  local dir=${1:?usage: cluster_members DIR} json
  json=$(_cluster_rest "$dir" /cluster) || return 1
  loket_python_json_members "$json"
}

loket_python_json_members() {
  "$(loket_python)" -c '
import json, sys
for m in json.loads(sys.argv[1]).get("members", []):
    print(m.get("name"), m.get("role"), m.get("state"), m.get("timeline", "-"))
' "$1"
}

cluster_leader() {
  local dir=${1:?usage: cluster_leader DIR} name
  name=$(cluster_members "$dir" 2>/dev/null | awk '$2 == "leader" && $3 == "running" {print $1; exit}')
  [[ -n "$name" ]] || return 1
  echo "$name"
}

cluster_node_pids() {
  local dir=${1:?usage: cluster_node_pids DIR NODE} node=${2:?usage: cluster_node_pids DIR NODE}
  local patroni postmaster=""
  patroni=$(_cluster_pid "$dir" "patroni-$node") || patroni=""
  if [[ -f "$dir/$node/data/postmaster.pid" ]]; then
    postmaster=$(head -n 1 "$dir/$node/data/postmaster.pid" 2>/dev/null || true)
    loket_pid_alive "$postmaster" || postmaster=""
    # A stale postmaster.pid can name a pid reused by another program: never kill that.
    [[ -n "$postmaster" && "$(tr '\0' ' ' <"/proc/$postmaster/cmdline" 2>/dev/null)" == *postgres* ]] ||
      postmaster=""
  fi
  echo "$patroni $postmaster"
}

cluster_kill_node() {
  local dir=${1:?usage: cluster_kill_node DIR NODE} node=${2:?usage: cluster_kill_node DIR NODE}
  local pids pm
  pids=$(cluster_node_pids "$dir" "$node")
  pm=${pids#* }
  [[ -n "$pm" ]] || {
    _cluster_log "$node has no running postmaster"
    return 1
  }
  kill -KILL "$pm"
}

cluster_wait_leader() {
  local dir=${1:?usage: cluster_wait_leader DIR OLD [SECONDS]} old=${2-} secs=${3:-120} name deadline
  deadline=$((SECONDS + secs))
  while ((SECONDS < deadline)); do
    name=$(cluster_leader "$dir" 2>/dev/null || true)
    if [[ -n "$name" && "$name" != "$old" ]]; then
      echo "$name"
      return 0
    fi
    sleep 0.5
  done
  _cluster_log "no leader other than '$old' after ${secs}s"
  return 1
}

cluster_sync_standby() {
  local dir=${1:?usage: cluster_sync_standby DIR} i sync=""
  for ((i = 0; i < 120; i++)); do
    sync=$(cluster_members "$dir" 2>/dev/null | awk '$2 == "sync_standby" { print $1; exit }') || sync=""
    [[ -n "$sync" ]] && break
    sleep 0.5
  done
  [[ -n "$sync" ]] || {
    _cluster_log "no synchronous standby named after 60s: $(cluster_members "$dir" | tr '\n' ';')"
    return 1
  }
  echo "$sync"
}

# Patroni fails over only when its REST check of the synchronous standby (GET /patroni, a fixed 2 s
# timeout) answers; when it times out (a loaded 2-core CI machine: "Request failed to pg2 ... Read
# timed out") Patroni restarts the crashed primary in place instead, its safe choice, and keeps the
# lead. Then this kills the restarted primary again, at most three kills in all, and says so.
# A kill waits for a named synchronous standby: Patroni names it in etcd a moment after
# pg_stat_replication shows a rejoined standby sync, and a kill before that is no test of "the sync
# standby takes over".
cluster_fail_over() {
  local dir=${1:?usage: cluster_fail_over DIR OLD} old=${2:?usage: cluster_fail_over DIR OLD}
  local attempt restarts=0 sync t lines new lead log="$dir/log/patroni-$old.log"
  for ((attempt = 1; attempt <= 3; attempt++)); do
    sync=$(cluster_sync_standby "$dir") || return 1
    lines=$(wc -l <"$log")
    t=$(date +%s.%N)
    cluster_kill_node "$dir" "$old" || return 1
    # A fail-over takes seconds; 45 s without one, then until 120 s: a new leader is a fail-over
    # (a slow one), $old leading again is an in-place restart; one empty answer decides nothing.
    new=$(cluster_wait_leader "$dir" "$old" 45) || new=""
    lead=""
    while [[ -z "$new" ]] && (($(date +%s) < ${t%.*} + 120)); do
      lead=$(cluster_leader "$dir" 2>/dev/null) || lead=""
      [[ -n "$lead" && "$lead" != "$old" ]] && new=$lead
      [[ "$lead" == "$old" ]] && break
      sleep 0.5
    done
    if [[ -n "$new" ]]; then
      echo "$new $sync $t $restarts"
      return 0
    fi
    [[ "$lead" == "$old" ]] || {
      _cluster_log "no leader 120 s after killing $old"
      return 1
    }
    restarts=$((restarts + 1))
    _cluster_log "kill $attempt: Patroni restarted $old in place; its log says:"
    tail -n +"$((lines + 1))" "$log" |
      grep -E "Request failed|Member .* (is|does|exceeds)|starting primary after failure" |
      head -n 4 | cut -c1-200 | sed 's/^/  /' >&2
    # Protected again before the next kill (its postmaster runs, both standbys stream from it, one
    # of them sync).
    cluster_wait_members "$dir" 3 120 >/dev/null || return 1
  done
  _cluster_log "no new leader after killing $old three times"
  return 1
}

# N members running; the leader's pg_stat_replication has N-1 streaming standbys, one of them sync.
_cluster_members_ok() {
  local dir=$1 n=$2 leader running port out streaming sync
  running=$(cluster_members "$dir" 2>/dev/null | awk '$3 == "running" || $3 == "streaming"' | wc -l)
  ((running == n)) || return 1
  leader=$(cluster_leader "$dir") || return 1
  port=$(_cluster_port_of "$_C_BASE" "$leader")
  out=$(psql -X -At -d "host=127.0.0.1 port=$port user=postgres dbname=postgres connect_timeout=3" \
    -c "SELECT count(*) FILTER (WHERE state = 'streaming'),
               count(*) FILTER (WHERE state = 'streaming' AND sync_state = 'sync')
          FROM pg_stat_replication" 2>/dev/null) || return 1
  IFS='|' read -r streaming sync <<<"$out"
  ((streaming == n - 1)) || return 1
  ((n == 1 || sync >= 1))
}

cluster_wait_members() {
  local dir=${1:?usage: cluster_wait_members DIR N [SECONDS]} n=${2:?usage: cluster_wait_members DIR N}
  local secs=${3:-180} deadline=$((SECONDS + ${3:-180}))
  _cluster_env "$dir" || return 1
  while ((SECONDS < deadline)); do
    _cluster_members_ok "$dir" "$n" && return 0
    sleep 1
  done
  _cluster_log "not $n members streaming after ${secs}s; members now:"
  cluster_members "$dir" >&2 || true
  return 1
}

cluster_loketd_pids() {
  local dir=${1:?usage: cluster_loketd_pids DIR} i
  for i in 1 2; do _cluster_pid "$dir" "loketd$i" || true; done
}

_cluster_worker_kind() {
  case "$1" in
    notifier | loket-notifier) echo notifier ;;
    router | loket-router) echo router ;;
    scheduler | loket-scheduler) echo scheduler ;;
    *)
      _cluster_log "unknown worker kind $1 (notifier|router|scheduler)"
      return 1
      ;;
  esac
}

cluster_worker_pids() {
  local dir=${1:?usage: cluster_worker_pids DIR KIND} kind i
  kind=$(_cluster_worker_kind "${2:?usage: cluster_worker_pids DIR KIND}") || return 1
  for i in 1 2; do _cluster_pid "$dir" "$kind$i" || true; done
}

_cluster_grpc_check() {
  # METRICS' loketd answers GET /healthz on its admin port (200 when SERVING): check that. An older
  # loketd has no /healthz: then a TCP check of the admin port.
  if grep -qa '/healthz' "$1/loketd"; then
    printf '    option httpchk GET /healthz\n    http-check expect status 200\n'
  else
    printf '    # this loketd has no /healthz: a TCP check of its admin port\n'
  fi
}

_cluster_start_loketd() {
  local dir=$1 i=$2 listen admin
  _cluster_env "$dir" || return 1
  listen=127.0.0.1:$(_cluster_port_of "$_C_BASE" "loketd$i")
  admin=127.0.0.1:$(_cluster_port_of "$_C_BASE" "admin$i")
  local extra=()
  [[ -f "$dir/loketd.args" ]] && mapfile -t extra <"$dir/loketd.args"
  _cluster_spawn "$dir" "loketd$i" "$_C_BIN/loketd" --listen="$listen" --admin_listen="$admin" \
    --db="$(sed -n 's/^DB=//p' "$dir/cluster.env")" --pool_size=8 "${extra[@]}"
}

_cluster_wait_serving() {
  local bin=$1 addr=$2 secs=$3 pidname=$4 dir=$5 deadline=$((SECONDS + $3))
  while ((SECONDS < deadline)); do
    if [[ -n "$pidname" ]] && ! _cluster_pid "$dir" "$pidname" >/dev/null; then
      _cluster_log "$pidname exited; last lines of $dir/log/$pidname.log:"
      tail -n 20 "$dir/log/$pidname.log" >&2
      return 1
    fi
    "$bin/loket" --addr "$addr" --timeout 2 health >/dev/null 2>&1 && return 0
    sleep 0.25
  done
  _cluster_log "$addr not SERVING after ${secs}s"
  return 1
}

cluster_restart_loketd() {
  local dir=${1:?usage: cluster_restart_loketd DIR I} i=${2:?usage: cluster_restart_loketd DIR I}
  _cluster_env "$dir" || return 1
  if ! _cluster_pid "$dir" "loketd$i" >/dev/null; then
    _cluster_start_loketd "$dir" "$i" || return 1
  fi
  _cluster_wait_serving "$_C_BIN" "127.0.0.1:$(_cluster_port_of "$_C_BASE" "loketd$i")" 60 \
    "loketd$i" "$dir"
}

_cluster_start_worker() {
  local dir=$1 kind=$2 i=$3 grpc token
  _cluster_env "$dir" || return 1
  grpc=127.0.0.1:$(_cluster_port_of "$_C_BASE" grpc)
  token=$(sed -n 's/^export LOKET_TOKEN_WORKER=//p' "$dir/demo.env")
  local args=(--addr="$grpc")
  # Workers built with --admin_listen serve /metrics on BASE+60..65.
  local flags
  flags=$("$_C_BIN/loket-$kind" --helpfull 2>&1 || true)
  if [[ "$flags" == *--admin_listen* ]]; then
    args+=(--admin_listen="127.0.0.1:$(_cluster_port_of "$_C_BASE" "$kind$i")")
  fi
  case "$kind" in
    notifier)
      mkdir -p "$dir/outbox"
      args+=(--outbox_dir="$dir/outbox")
      [[ -f "$dir/notifier.args" ]] && mapfile -t -O ${#args[@]} args <"$dir/notifier.args"
      ;;
    router) args+=(--plan_seconds=3) ;;
  esac
  # The token through the environment, not argv (ps shows argv to everyone).
  LOKET_TOKEN="$token" _cluster_spawn "$dir" "$kind$i" "$_C_BIN/loket-$kind" "${args[@]}"
}

cluster_restart_worker() {
  local dir=${1:?usage: cluster_restart_worker DIR KIND I} kind i=${3:?usage: cluster_restart_worker DIR KIND I}
  kind=$(_cluster_worker_kind "${2:?}") || return 1
  _cluster_pid "$dir" "$kind$i" >/dev/null && return 0
  _cluster_start_worker "$dir" "$kind" "$i"
}

# Replaces @KEY@ by VALUE for each KEY=VALUE argument (values may hold newlines).
_cluster_render() {
  local template=$1 out=$2
  shift 2
  "$(loket_python)" - "$template" "$out" "$@" <<'PY'
import sys
text = open(sys.argv[1]).read()
for kv in sys.argv[3:]:
    k, v = kv.split("=", 1)
    text = text.replace("@" + k + "@", v)
import re
left = re.findall(r"@[A-Z_]+@", text)
if left:
    sys.exit("unfilled placeholders in %s: %s" % (sys.argv[1], ", ".join(sorted(set(left)))))
open(sys.argv[2], "w").write(text)
PY
}

cluster_start() {
  if (($# != 3)); then
    echo "usage: cluster_start DIR BIN BASE" >&2
    return 2
  fi
  local dir=$1 bin=$2 base=$3 pgbin i j node
  pgbin=$(pg_bin_dir) || return 1
  bin=$(cd "$bin" && pwd) || return 1
  for i in loketd loket loket-notifier loket-router loket-scheduler; do
    [[ -x "$bin/$i" ]] || {
      _cluster_log "$bin/$i not found"
      return 1
    }
  done
  for i in etcd patroni haproxy curl setpriv psql openssl; do
    command -v "$i" >/dev/null || {
      _cluster_log "$i not installed (deploy/install-deps.sh)"
      return 1
    }
  done
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd -P)
  if [[ -n "$(cluster_loketd_pids "$dir" 2>/dev/null)" ]] || _cluster_pid "$dir" etcd >/dev/null; then
    _cluster_log "a cluster already runs in $dir; cluster_stop it first"
    return 1
  fi
  _cluster_ports_free "$base" || return 1
  if ((EUID == 0)); then
    _pg_grant_traverse "$dir/x"
    chmod 0711 "$dir"
  fi
  mkdir -p "$dir/log" "$dir/run"
  CLUSTER_DIR=$dir
  local db_write="host=127.0.0.1 port=$((base + 30)) user=postgres dbname=loket"
  {
    echo "BASE=$base"
    echo "BIN=$bin"
    echo "DB=$db_write"
  } >"$dir/cluster.env"
  printf '%s\n' "${CLUSTER_LOKETD_ARGS[@]}" | sed '/^$/d' >"$dir/loketd.args"
  printf '%s\n' "${CLUSTER_NOTIFIER_ARGS[@]}" | sed '/^$/d' >"$dir/notifier.args"

  # etcd: one member (the distributed configuration store Patroni elects the leader through).
  _cluster_log "starting etcd on 127.0.0.1:$base ..."
  mkdir -p "$dir/etcd" && chmod 0700 "$dir/etcd"
  _cluster_spawn "$dir" etcd etcd --name etcd1 --data-dir "$dir/etcd/data" \
    --listen-client-urls "http://127.0.0.1:$base" --advertise-client-urls "http://127.0.0.1:$base" \
    --listen-peer-urls "http://127.0.0.1:$((base + 1))" \
    --initial-advertise-peer-urls "http://127.0.0.1:$((base + 1))" \
    --initial-cluster "etcd1=http://127.0.0.1:$((base + 1))" --initial-cluster-state new \
    --initial-cluster-token "loket-$base"
  for ((i = 0; ; i++)); do
    ETCDCTL_API=3 etcdctl --endpoints "http://127.0.0.1:$base" --command-timeout=2s endpoint health \
      >/dev/null 2>&1 && break
    if ((i >= 60)) || ! _cluster_pid "$dir" etcd >/dev/null; then
      _cluster_log "etcd did not start; last lines of $dir/log/etcd.log:"
      tail -n 20 "$dir/log/etcd.log" >&2
      return 1
    fi
    sleep 0.5
  done

  # Patroni: three nodes, as user postgres. pg1 first, so that it initialises the cluster.
  local su_pw rep_pw
  # Made once per DIR and kept: a restarted cluster (deploy/up.sh --cluster again) reuses its data.
  if [[ ! -s "$dir/secrets.env" ]]; then
    (umask 077 && printf 'SUPERUSER=%s\nREPLICATION=%s\n' "$(openssl rand -hex 16)" \
      "$(openssl rand -hex 16)" >"$dir/secrets.env")
  fi
  su_pw=$(sed -n 's/^SUPERUSER=//p' "$dir/secrets.env")
  rep_pw=$(sed -n 's/^REPLICATION=//p' "$dir/secrets.env")
  for i in 1 2 3; do
    node=pg$i
    mkdir -p "$dir/$node/log" "$dir/$node/sock"
    _cluster_render "$_cluster_lib_dir/patroni.yml.in" "$dir/$node/patroni.yml" \
      NAME="$node" REST_PORT=$((base + 19 + i)) ETCD_PORT="$base" PG_PORT=$((base + 9 + i)) \
      DATA_DIR="$dir/$node/data" NODE_DIR="$dir/$node" PG_BIN="$pgbin" SOCK_DIR="$dir/$node/sock" \
      SUPERUSER_PASSWORD="$su_pw" REPLICATION_PASSWORD="$rep_pw" FSYNC="${LOKET_PG_FSYNC:-on}" ||
      return 1
    chmod 0600 "$dir/$node/patroni.yml"
    if ((EUID == 0)); then chown -R postgres:postgres "$dir/$node"; fi
    chmod 0700 "$dir/$node"
  done
  for i in 1 2 3; do
    node=pg$i
    _cluster_log "starting Patroni $node (PostgreSQL on 127.0.0.1:$((base + 9 + i))) ..."
    if ((EUID == 0)); then
      _cluster_spawn "$dir" "patroni-$node" env HOME="$dir/$node" setpriv --reuid=postgres \
        --regid=postgres --init-groups patroni "$dir/$node/patroni.yml"
    else
      _cluster_spawn "$dir" "patroni-$node" patroni "$dir/$node/patroni.yml"
    fi
    # pg1 alone first: on a new DIR it initialises the cluster (the others then clone it); on a
    # restart of a kept DIR it takes the lead from its own data.
    if ((i == 1)); then
      for ((j = 0; ; j++)); do
        [[ -n "$(cluster_leader "$dir" 2>/dev/null)" ]] && break
        if ((j >= 240)) || ! _cluster_pid "$dir" patroni-pg1 >/dev/null; then
          _cluster_log "pg1 did not become the leader; last lines of $dir/log/patroni-pg1.log:"
          tail -n 30 "$dir/log/patroni-pg1.log" >&2
          return 1
        fi
        sleep 0.5
      done
    fi
  done

  # HAProxy: PostgreSQL write/read ports following Patroni, the gRPC port over the loketd replicas.
  local write_servers="" read_servers="" grpc_servers=""
  for i in 1 2 3; do
    write_servers+="    server pg$i 127.0.0.1:$((base + 9 + i)) check port $((base + 19 + i))"$'\n'
    read_servers+="    server pg$i 127.0.0.1:$((base + 9 + i)) check port $((base + 19 + i))"$'\n'
  done
  for i in 1 2; do
    grpc_servers+="    server loketd$i 127.0.0.1:$((base + 39 + i)) proto h2 check port $((base + 49 + i)) check-proto h1"$'\n'
  done
  _cluster_render "$_cluster_lib_dir/haproxy.cfg.in" "$dir/haproxy.cfg" \
    STATS_PORT=$((base + 33)) PG_WRITE_PORT=$((base + 30)) PG_READ_PORT=$((base + 31)) \
    GRPC_PORT=$((base + 32)) PG_WRITE_SERVERS="$write_servers" PG_READ_SERVERS="$read_servers" \
    GRPC_SERVERS="$grpc_servers" GRPC_CHECK="$(_cluster_grpc_check "$bin")" || return 1
  haproxy -c -q -f "$dir/haproxy.cfg" || {
    _cluster_log "haproxy rejects $dir/haproxy.cfg"
    return 1
  }
  _cluster_log "starting HAProxy (PostgreSQL write $((base + 30)), read $((base + 31)), gRPC $((base + 32)), stats $((base + 33))) ..."
  _cluster_spawn "$dir" haproxy haproxy -db -f "$dir/haproxy.cfg"

  _cluster_log "waiting for the leader, a synchronous standby and a second replica ..."
  cluster_wait_members "$dir" 3 300 || return 1

  # The database, once, through the write port (the leader).
  local admin="host=127.0.0.1 port=$((base + 30)) user=postgres dbname=postgres connect_timeout=5"
  for ((i = 0; ; i++)); do
    psql -X -At -d "$admin" -c "SELECT 1" >/dev/null 2>&1 && break
    if ((i >= 60)); then
      _cluster_log "HAProxy's write port $((base + 30)) does not reach the leader"
      return 1
    fi
    sleep 0.5
  done
  if [[ -z "$(psql -X -At -d "$admin" -c "SELECT 1 FROM pg_database WHERE datname = 'loket'")" ]]; then
    psql -X -q -v ON_ERROR_STOP=1 -d "$admin" -c "CREATE DATABASE loket" || return 1
  fi
  _cluster_log "applying migrations and loading deploy/seed ..."
  "$bin/loketd" --migrate_only --db="$db_write" >>"$dir/log/migrate.log" 2>&1 || {
    _cluster_log "loketd --migrate_only failed; last lines of $dir/log/migrate.log:"
    tail -n 20 "$dir/log/migrate.log" >&2
    return 1
  }
  local f
  for f in "$_cluster_lib_dir"/../seed/*.sql; do
    psql -X -q -v ON_ERROR_STOP=1 -d "$db_write" -f "$f" >/dev/null || return 1
  done
  CLUSTER_GRPC=127.0.0.1:$((base + 32))
  CLUSTER_DB=$db_write
  CLUSTER_DB_READ="host=127.0.0.1 port=$((base + 31)) user=postgres dbname=loket"
  loket_write_demo_env "$db_write" bpp pkm-klandasan-ilir "$CLUSTER_GRPC" "$dir/demo.env" \
    admin officer approver counter clinic courier worker display || return 1
  # The same two couriers as deploy/up.sh's demo office: clinic pickups get routes planned.
  loket_register_demo_couriers "$db_write" bpp || return 1
  CLUSTER_WORKER_TOKEN=$(sed -n 's/^export LOKET_TOKEN_WORKER=//p' "$dir/demo.env")

  # Two loketd replicas, started together (migrations are already applied; see cluster_up_test.sh
  # for two replicas racing on an empty database).
  _cluster_log "starting loketd replicas on $((base + 40)), $((base + 41)) ..."
  _cluster_start_loketd "$dir" 1 || return 1
  _cluster_start_loketd "$dir" 2 || return 1
  for i in 1 2; do
    _cluster_wait_serving "$bin" "127.0.0.1:$((base + 39 + i))" 60 "loketd$i" "$dir" || return 1
  done
  _cluster_log "waiting for loketd SERVING through HAProxy ($CLUSTER_GRPC) ..."
  _cluster_wait_serving "$bin" "$CLUSTER_GRPC" 60 "" "$dir" || return 1

  local kind
  for kind in notifier router scheduler; do
    for i in 1 2; do _cluster_start_worker "$dir" "$kind" "$i" || return 1; done
  done
  sleep 1
  for kind in notifier router scheduler; do
    for i in 1 2; do
      _cluster_pid "$dir" "$kind$i" >/dev/null || {
        _cluster_log "$kind$i exited; last lines of $dir/log/$kind$i.log:"
        tail -n 20 "$dir/log/$kind$i.log" >&2
        return 1
      }
    done
  done
  _cluster_log "up: leader $(cluster_leader "$dir"), gRPC $CLUSTER_GRPC, database $CLUSTER_DB"
}

# _cluster_stop_names DIR SECONDS NAME...: SIGTERM to each, waits up to SECONDS for all, then SIGKILL.
_cluster_stop_names() {
  local dir=$1 secs=$2 name pid i alive
  shift 2
  local pids=()
  for name in "$@"; do
    pid=$(_cluster_pid "$dir" "$name") && {
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
    }
  done
  for ((i = 0; i < secs * 10; i++)); do
    alive=0
    for pid in "${pids[@]}"; do loket_pid_alive "$pid" && alive=1; done
    ((alive)) || break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do
    if loket_pid_alive "$pid"; then
      _cluster_log "pid $pid still running after ${secs}s; SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  for name in "$@"; do rm -f "$dir/run/$name.pid"; done
}

cluster_stop() {
  local dir=${1:?usage: cluster_stop DIR} i node pm pgbin
  [[ -d "$dir" ]] || return 0
  dir=$(cd "$dir" && pwd -P)
  # Workers first (on SIGTERM they hand back their tasks, which needs loketd), then loketd, HAProxy.
  _cluster_stop_names "$dir" 30 notifier1 notifier2 router1 router2 scheduler1 scheduler2
  _cluster_stop_names "$dir" 30 loketd1 loketd2
  _cluster_stop_names "$dir" 10 haproxy
  # Patroni stops its PostgreSQL on SIGTERM.
  _cluster_stop_names "$dir" 60 patroni-pg1 patroni-pg2 patroni-pg3
  pgbin=$(pg_bin_dir) || pgbin=""
  for i in 1 2 3; do
    node=pg$i
    [[ -f "$dir/$node/data/postmaster.pid" ]] || continue
    pm=$(head -n 1 "$dir/$node/data/postmaster.pid" 2>/dev/null || true)
    # Only a live postgres (a stale file may name another process by now).
    if loket_pid_alive "$pm" && [[ "$(tr '\0' ' ' <"/proc/$pm/cmdline" 2>/dev/null)" == *postgres* ]]; then
      _cluster_log "$node's PostgreSQL outlived Patroni; stopping it"
      [[ -n "$pgbin" ]] && _pg_as_owner "$pgbin/pg_ctl" -D "$dir/$node/data" -m immediate -w -t 30 stop >/dev/null 2>&1 ||
        kill -KILL "$pm" 2>/dev/null || true
    fi
  done
  _cluster_stop_names "$dir" 20 etcd
}
