# Helpers for system tests that walk through CLI commands: each step is shown with the role it
# runs as, its output indented; the first mismatch fails the test naming the step. Source it after
# setting WORK (a scratch directory), PY (python3) and LOKET_BIN_DIR; it defines functions only.
#
#   step NAME                 starts a step (named in failures)
#   fail MESSAGE              "FAIL [step]: MESSAGE" and exit 1
#   run CMD...                runs CMD (must succeed), output kept in $WORK/out and $WORK/err
#   run_fails CODE|nonzero CMD...   the same, but CMD must fail so
#   expect RE [WHAT] / expect_not RE [WHAT]   the last output matches / does not match RE
#   jget PATH...              the first dotted PATH found in the JSON of the last stdout
#   as ROLE                   LOKET_TOKEN from $LOKET_TOKEN_<ROLE>; shown as the role
#   loket ARGS...             $LOKET_BIN_DIR/loket
#   readme_blocks FILE        prints the ```sh blocks between <!-- walkthrough:start --> and
#                             <!-- walkthrough:end --> of FILE, in order, each after a comment line
#                             "# --- README block N (line L)"; fails without markers or blocks

STEP=""

fail() {
  echo "FAIL [$STEP]: $*" >&2
  exit 1
}

step() {
  STEP=$1
  echo
  echo "== $STEP"
}


# show_cmd CMD...: echoes CMD, quoted so that it can be pasted into a shell, with the role it runs as.
show_cmd() {
  local line
  printf -v line ' %q' "$@"
  echo "[${ROLE:-no token}] \$${line}"
}

# run CMD...: runs CMD, keeps its stdout in $WORK/out and stderr in $WORK/err, shows both; fails the
# test when CMD fails.
run() {
  show_cmd "$@"
  local rc=0
  "$@" >"$WORK/out" 2>"$WORK/err" || rc=$?
  sed 's/^/    /' "$WORK/out" "$WORK/err"
  ((rc == 0)) || fail "'$*' exited with $rc"
}

# run_fails CODE CMD...: like run, but CMD must exit with status CODE ("nonzero": any but 0).
run_fails() {
  local want=$1 rc=0
  shift
  show_cmd "$@"
  echo "    (must fail)"
  "$@" >"$WORK/out" 2>"$WORK/err" || rc=$?
  sed 's/^/    /' "$WORK/out" "$WORK/err"
  if [[ "$want" == nonzero ]]; then
    ((rc != 0)) || fail "'$*' succeeded; it must fail"
  else
    ((rc == want)) || fail "'$*' exited with $rc; want $want"
  fi
}

# expect PATTERN [WHAT]: the last command's output (stdout and stderr) matches the extended regex.
expect() {
  cat "$WORK/out" "$WORK/err" | grep -Eq -- "$1" ||
    fail "expected /$1/ in the output of the last command${2:+ ($2)}"
}

expect_not() {
  if cat "$WORK/out" "$WORK/err" | grep -Eq -- "$1"; then
    fail "did not expect /$1/ in the output of the last command${2:+ ($2)}"
  fi
}

# jget PATH...: from the JSON on the last command's stdout, prints the first PATH that exists
# (dotted; proto3 JSON may name a field permitNumber or permit_number); empty when none does.
jget() {
  "$PY" - "$WORK/out" "$@" <<'PY'
import json, sys
try:
    doc = json.load(open(sys.argv[1]))
except ValueError as e:
    sys.exit("not JSON: %s" % e)
for path in sys.argv[2:]:
    cur = doc
    for key in path.split("."):
        if isinstance(cur, dict) and key in cur:
            cur = cur[key]
        else:
            break
    else:
        print(json.dumps(cur) if isinstance(cur, (dict, list)) else cur)
        sys.exit(0)
print("")
PY
}

as() {
  ROLE=$1
  local var="LOKET_TOKEN_$(tr '[:lower:]' '[:upper:]' <<<"$1")"
  export LOKET_TOKEN=${!var}
}

loket() { "$LOKET_BIN_DIR/loket" "$@"; }

readme_blocks() {
  "${PY:-python3}" - "$1" <<'PY'
import re, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
out, inside, block, n = [], False, None, 0
for i, line in enumerate(lines, 1):
    s = line.strip()
    if block is not None:
        if s == "```":
            out.append(block)
            block = None
        else:
            block[1].append(line)
        continue
    if s == "<!-- walkthrough:start -->":
        if inside: sys.exit("line %d: walkthrough:start inside a walkthrough" % i)
        inside = True
    elif s == "<!-- walkthrough:end -->":
        if not inside: sys.exit("line %d: walkthrough:end without a start" % i)
        inside = False
    elif inside and re.fullmatch(r"```(sh|bash|shell)", s):
        block = (i, [])
if block is not None: sys.exit("line %d: a ```sh block is not closed" % block[0])
if inside: sys.exit("walkthrough:start without an end")
if not out: sys.exit("no ```sh blocks between walkthrough markers")
for n, (at, body) in enumerate(out, 1):
    print("# --- README block %d (line %d)" % (n, at))
    print("\n".join(body))
PY
}
