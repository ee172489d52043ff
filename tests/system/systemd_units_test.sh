#!/usr/bin/env bash
# Test: the systemd units in deploy/systemd are valid and hardened.
#  - `systemd-analyze verify` on each unit, with ExecStart pointed at the built binaries (verify checks
#    that the command exists and is executable): any line it prints (an unknown key, a bad value, a
#    missing command) fails the test, as does a non-zero exit;
#  - `systemd-analyze security --offline=true` scores each unit's exposure: above 2.0 ("OK") fails;
#  - the hardening the operations guide promises is written in each unit (User=loket, no
#    capabilities, NoNewPrivileges, ProtectSystem=strict, ProtectHome, PrivateTmp, Restart=on-failure
#    with RestartSec, an EnvironmentFile);
#  - every --flag on an ExecStart line is one the binary knows (its --helpfull; loket-web's
#    web/server/main.ts), so a renamed flag cannot leave a unit that verifies but does not start;
#  - the checker itself rejects a unit with an unknown key (so a silent verify cannot pass by accident).
# Environment: LOKET_BIN_DIR (the built loketd and workers).
set -euo pipefail
: "${LOKET_BIN_DIR:?set LOKET_BIN_DIR}"
LOKET_BIN_DIR=$(cd "$LOKET_BIN_DIR" && pwd)
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
UNITS=(loketd loket-notifier loket-router loket-scheduler loket-web)
MAX_EXPOSURE=20  # systemd-analyze's scale times ten: 2.0

command -v systemd-analyze >/dev/null || {
  echo "FAIL: systemd-analyze not found (deploy/install-deps.sh installs it)" >&2
  exit 1
}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/loket-systemd.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# Copies unit NAME into DIR with the install paths rewritten to this checkout's.
stage() {
  local name=$1 dir=$2
  sed -e "s#/usr/local/bin/#$LOKET_BIN_DIR/#g" -e "s#/usr/local/lib/loket/web/#$ROOT/web/#g" \
    "$ROOT/deploy/systemd/$name.service" >"$dir/$name.service"
}

# Prints everything `systemd-analyze verify` says about FILE; non-zero if it said anything or failed.
verify_quiet() {
  local file=$1 out rc=0
  # Run from the unit's directory: verify loads the unit by its path.
  out=$(cd "$(dirname "$file")" && systemd-analyze verify "./$(basename "$file")" 2>&1) || rc=$?
  if [[ -n "$out" || $rc -ne 0 ]]; then
    printf '%s\n' "${out:-exit $rc}"
    return 1
  fi
}

echo "== the checker rejects a unit with an unknown key"
mkdir -p "$WORK/bad"
stage loketd "$WORK/bad"
sed -i 's/^NoNewPrivileges=yes$/NoNewPrivilege=yes/' "$WORK/bad/loketd.service"
if verify_quiet "$WORK/bad/loketd.service" >"$WORK/bad.out"; then
  fail "a unit with a misspelt key (NoNewPrivilege=) verified clean"
else
  echo "   rejected: $(head -n 1 "$WORK/bad.out")"
fi

mkdir -p "$WORK/units"
for u in "${UNITS[@]}"; do
  f=$ROOT/deploy/systemd/$u.service
  [[ -f "$f" ]] || {
    fail "deploy/systemd/$u.service missing"
    continue
  }
  stage "$u" "$WORK/units"
  staged=$WORK/units/$u.service

  echo "== $u: systemd-analyze verify"
  if ! out=$(verify_quiet "$staged"); then
    fail "$u.service: systemd-analyze verify: $out"
  fi

  echo "== $u: hardening"
  for want in '^User=loket$' '^Group=loket$' '^NoNewPrivileges=yes$' '^ProtectSystem=strict$' \
    '^ProtectHome=yes$' '^PrivateTmp=yes$' '^CapabilityBoundingSet=$' '^AmbientCapabilities=$' \
    '^Restart=on-failure$' '^RestartSec=' '^EnvironmentFile=' '^RestrictAddressFamilies=' \
    '^SystemCallFilter=@system-service$'; do
    grep -Eq "$want" "$f" || fail "$u.service lacks ${want//[\^\$]/}"
  done
  if grep -Eq '^(User=root|PermissionsStartOnly|AmbientCapabilities=.+|CapabilityBoundingSet=.+)' "$f"; then
    fail "$u.service grants root or capabilities"
  fi
  sec=$(cd "$WORK/units" && systemd-analyze security --offline=true --threshold="$MAX_EXPOSURE" \
    "./$u.service" 2>&1) || fail "$u.service: exposure above $MAX_EXPOSURE/10: $(grep Overall <<<"$sec")"
  echo "   $(grep -o 'Overall exposure level.*' <<<"$sec")"

  echo "== $u: ExecStart flags exist"
  exec_line=$(sed -n 's/^ExecStart=//p' "$f")
  [[ -n "$exec_line" ]] || fail "$u.service has no ExecStart"
  if [[ "$u" == loket-web ]]; then
    known=$(grep -o -- '"--[a-z-]*"' "$ROOT/web/server/main.ts" | tr -d '"')
  else
    known=$("$LOKET_BIN_DIR/$u" --helpfull 2>&1 | grep -Eo -- '^ +--[a-z_]+' | tr -d ' ' || true)
    known+=$'\n--flagfile'
  fi
  for flag in $(grep -Eo -- '(^| )--[a-z_-]+' <<<"$exec_line" | tr -d ' '); do
    grep -qx -- "$flag" <<<"$known" || fail "$u.service: $flag is not a flag of $u"
  done
done

if ((failures > 0)); then
  echo "FAIL: $failures problem(s) in deploy/systemd" >&2
  exit 1
fi
echo "PASS: ${#UNITS[@]} units verify clean, exposure <= $((MAX_EXPOSURE / 10)).$((MAX_EXPOSURE % 10)), flags known"
