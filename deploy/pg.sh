# Throwaway and demo PostgreSQL 15 clusters. Source this file; it defines functions only.
#
#   pg_bin_dir          prints the PostgreSQL 15 bin directory
#   pg_free_port        prints a TCP port on 127.0.0.1 that nothing listens on
#   pg_start DIR PORT   starts (creating it on first use) the cluster in DIR on 127.0.0.1:PORT
#   pg_stop DIR         stops the cluster in DIR, if it runs
#   pg_wait PORT [SEC]  waits until the server on 127.0.0.1:PORT accepts connections
#
# Layout of DIR: data/ (the cluster), sock/ (its unix socket), log (the server log).
# The cluster belongs to the `postgres` user when we are root (initdb refuses to run as root),
# trusts every local connection (user postgres, no password) and listens on 127.0.0.1 only: it is for
# development and tests on one machine, never for production.
# Settings: LOKET_PG_FSYNC=off turns fsync off (throwaway test clusters); default on.
#           LOKET_PG_MAX_CONNECTIONS (default 200).

pg_bin_dir() {
  local d
  for d in /usr/lib/postgresql/15/bin; do
    if [[ -x "$d/pg_ctl" && -x "$d/initdb" ]]; then
      echo "$d"
      return 0
    fi
  done
  echo "pg.sh: PostgreSQL 15 not found in /usr/lib/postgresql/15/bin (run deploy/install-deps.sh)" >&2
  return 1
}

# Runs a command as the owner of the cluster files: postgres when we are root, else ourselves.
# Runs from / so that an unreadable working directory (say /root/...) does not bother the tools;
# every path we pass is absolute.
_pg_as_owner() {
  if ((EUID == 0)); then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

pg_free_port() {
  local py=python3
  [[ -x /usr/bin/python3 ]] && py=/usr/bin/python3
  if command -v "$py" >/dev/null 2>&1; then
    "$py" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
    return
  fi
  # Fallback: a random high port that refuses connections.
  local port i
  for i in $(seq 1 100); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  echo "pg.sh: no free port found" >&2
  return 1
}

# The postgres user must be able to reach DIR: every ancestor directory needs search (x) permission for
# it. A repository under /root (mode 0700) does not have that; grant the least that works: an ACL entry
# u:postgres:x when setfacl exists, else o+x (search without read: names inside stay unlisted).
_pg_grant_traverse() {
  local dir=$1 d ancestors=() i
  ((EUID == 0)) || return 0
  d=$(dirname "$dir")
  while [[ "$d" != "/" ]]; do
    ancestors=("$d" "${ancestors[@]}")
    d=$(dirname "$d")
  done
  # From the top down: a blocked parent makes every directory below it look blocked too.
  for d in "${ancestors[@]}"; do
    if ! runuser -u postgres -- test -x "$d"; then
      if command -v setfacl >/dev/null 2>&1; then
        setfacl -m u:postgres:x "$d"
        echo "pg.sh: granted postgres search permission on $d (ACL)" >&2
      else
        chmod o+x "$d"
        echo "pg.sh: chmod o+x $d so that postgres can reach $dir" >&2
      fi
    fi
  done
}

# Escapes a value for a single-quoted postgresql.conf string.
_pg_conf_quote() {
  local v=${1//\\/\\\\}
  printf "'%s'" "${v//\'/\'\'}"
}

pg_start() {
  if (($# != 2)); then
    echo "usage: pg_start DIR PORT" >&2
    return 2
  fi
  local dir=$1 port=$2 bin
  bin=$(pg_bin_dir) || return 1
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd -P)
  if ((EUID == 0)); then
    _pg_grant_traverse "$dir"
    chown postgres:postgres "$dir"
  fi
  chmod 0700 "$dir"

  if [[ ! -s "$dir/data/PG_VERSION" ]]; then
    _pg_as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C \
      >"$dir/initdb.log" 2>&1 || {
      echo "pg.sh: initdb failed in $dir/data:" >&2
      cat "$dir/initdb.log" >&2
      return 1
    }
    echo "include_if_exists = 'loket.conf'" | _pg_as_owner tee -a "$dir/data/postgresql.conf" >/dev/null
  fi

  if _pg_as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    # Already running: reuse it, if on the port asked for (line 4 of postmaster.pid).
    local running
    running=$(sed -n 4p "$dir/data/postmaster.pid" 2>/dev/null || true)
    if [[ "$running" != "$port" ]]; then
      echo "pg.sh: the cluster in $dir already runs on port $running, not $port; pg_stop it first" >&2
      return 1
    fi
    return 0
  fi

  # Unix sockets have a path limit of 107 bytes; deep directories get TCP only.
  local sock="$dir/sock" sockdirs
  _pg_as_owner mkdir -p "$sock"
  if ((${#sock} + 20 < 107)); then
    sockdirs=$(_pg_conf_quote "$sock")
  else
    sockdirs="''"
  fi
  # Rewritten on every start so that the port and settings follow the caller.
  _pg_as_owner tee "$dir/data/loket.conf" >/dev/null <<EOF
# Written by deploy/pg.sh on every start.
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = $sockdirs
fsync = ${LOKET_PG_FSYNC:-on}
max_connections = ${LOKET_PG_MAX_CONNECTIONS:-200}
log_line_prefix = '%m [%p] %q%u@%d '
EOF
  _pg_as_owner touch "$dir/log"
  if ! _pg_as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 start >/dev/null; then
    echo "pg.sh: PostgreSQL did not start in $dir on port $port; last lines of $dir/log:" >&2
    tail -n 20 "$dir/log" >&2
    return 1
  fi
  pg_wait "$port" 30
}

pg_stop() {
  if (($# != 1)); then
    echo "usage: pg_stop DIR" >&2
    return 2
  fi
  local dir=$1 bin
  [[ -f "$dir/data/postmaster.pid" ]] || return 0
  dir=$(cd "$dir" && pwd -P)
  bin=$(pg_bin_dir) || return 1
  if _pg_as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    _pg_as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null
  fi
}

pg_wait() {
  local port=${1:?usage: pg_wait PORT [SECONDS]} secs=${2:-30} bin i
  bin=$(pg_bin_dir) || return 1
  for ((i = 0; i < secs * 10; i++)); do
    if "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres; then
      return 0
    fi
    sleep 0.1
  done
  echo "pg.sh: PostgreSQL on 127.0.0.1:$port not ready after ${secs}s" >&2
  return 1
}
