# Helpers shared by up.sh, down.sh and test.sh. Source this file; it defines functions only.
#
#   loket_build LOG           configures (first time) and builds ./build quietly; on failure prints the
#                             errors from LOG and returns non-zero
#   loket_stop_pidfile FILE   SIGTERM to the process in FILE, waits (LOKET_STOP_TIMEOUT, default 30 s),
#                             then SIGKILL; removes FILE. Ignores stale files.
#   loket_port_in_use PORT    true when something accepts TCP connections on 127.0.0.1:PORT
#   loket_pid_alive PID       true when PID runs (a zombie, an exited child not yet reaped, does not)
#   loket_python              prints the python3 to use (Debian's, when installed)

loket_python() {
  if [[ -x /usr/bin/python3 ]]; then echo /usr/bin/python3; else echo python3; fi
}

# Run from the repository root.
loket_build() {
  local log=${1:?usage: loket_build LOG}
  mkdir -p "$(dirname "$log")"
  : >"$log"
  if [[ ! -f build/build.ninja ]]; then
    echo "Configuring (cmake, log in $log) ..." >&2
    if ! cmake -G Ninja -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >>"$log" 2>&1; then
      echo "cmake configure failed; last lines of $log:" >&2
      tail -n 40 "$log" >&2
      return 1
    fi
  fi
  echo "Building (log in $log) ..." >&2
  local jobs=()
  [[ -n "${LOKET_BUILD_JOBS:-}" ]] && jobs=(-j "$LOKET_BUILD_JOBS")
  if ! cmake --build build "${jobs[@]}" >>"$log" 2>&1; then
    echo "build failed; errors from $log:" >&2
    if grep -q '^FAILED: ' "$log"; then
      sed -n '/^FAILED: /,$p' "$log" | head -n 100 >&2
    else
      tail -n 60 "$log" >&2
    fi
    return 1
  fi
}

loket_pid_alive() {
  local pid=$1 stat
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  { read -r stat <"/proc/$pid/stat"; } 2>/dev/null || return 1
  stat=${stat##*) }  # the field after "(comm)" is the state
  [[ "${stat:0:1}" != Z ]]
}

# True when /proc/PID is a live process whose command line mentions "loket" (loketd, loket-router,
# ...): a pid file left from before a reboot may name an unrelated process by now.
_loket_pid_is_ours() {
  local pid=$1 cmd
  loket_pid_alive "$pid" || return 1
  cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ "$cmd" == *loket* ]]
}

loket_stop_pidfile() {
  local file=${1:?usage: loket_stop_pidfile FILE} pid i timeout=${LOKET_STOP_TIMEOUT:-30}
  [[ -f "$file" ]] || return 0
  pid=$(head -n 1 "$file" 2>/dev/null || true)
  if _loket_pid_is_ours "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < timeout * 10; i++)); do
      loket_pid_alive "$pid" || break
      sleep 0.1
    done
    if loket_pid_alive "$pid"; then
      echo "$(basename "$file" .pid) (pid $pid) still running after ${timeout}s; sending SIGKILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.2
    fi
  fi
  rm -f "$file"
}

loket_port_in_use() {
  local port=${1:?usage: loket_port_in_use PORT}
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
}
