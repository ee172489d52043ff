#!/usr/bin/env bash
# Test: deploy/prometheus is valid and its alert rules are unit-tested, every rule both ways.
#  - `promtool check config prometheus.yml` (which checks alerts.yml too) and `promtool check rules`;
#  - `promtool test rules alerts_test.yml` passes;
#  - every alert in alerts.yml has, in alerts_test.yml, an evaluation where it fires and one where it
#    does not (read from the files, so a new rule without tests fails here);
#  - the tests bite: for each rule in turn, a copy of alerts.yml where that rule never fires
#    (expr `vector(1) < 0`) and one where it always fires (expr `vector(1)`) must each FAIL
#    `promtool test rules`;
#  - `amtool check-config alertmanager.yml`, and its routes send a warning to office-ops and a
#    critical alert to office-ops-urgent.
# No processes are started.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SRC=$ROOT/deploy/prometheus
for tool in promtool amtool python3; do
  command -v "$tool" >/dev/null || {
    echo "FAIL: $tool not found (deploy/install-deps.sh)" >&2
    exit 1
  }
done
WORK=$(mktemp -d "${TMPDIR:-/tmp}/loket-alerts.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

echo "== promtool check config / rules"
(cd "$SRC" && promtool check config prometheus.yml) >"$WORK/check.out" 2>&1 ||
  fail "promtool check config: $(cat "$WORK/check.out")"
(cd "$SRC" && promtool check rules alerts.yml) >"$WORK/check.out" 2>&1 ||
  fail "promtool check rules: $(cat "$WORK/check.out")"
grep -o 'SUCCESS: [0-9]* rules found' "$WORK/check.out"

echo "== promtool test rules alerts_test.yml"
(cd "$SRC" && promtool test rules alerts_test.yml) >"$WORK/test.out" 2>&1 ||
  fail "promtool test rules: $(cat "$WORK/test.out")"
echo "   SUCCESS"

echo "== every rule is tested firing and not firing"
python3 - "$SRC/alerts.yml" "$SRC/alerts_test.yml" <<'PY'
import sys, yaml
rules = [r["alert"] for g in yaml.safe_load(open(sys.argv[1]))["groups"] for r in g["rules"]
         if "alert" in r]
fires, quiet = set(), set()
for t in yaml.safe_load(open(sys.argv[2]))["tests"]:
    for a in t.get("alert_rule_test", []):
        (fires if a.get("exp_alerts") else quiet).add(a["alertname"])
bad = [f"{r}: {'no firing case' if r not in fires else ''}{' ' if r not in fires and r not in quiet else ''}{'no quiet case' if r not in quiet else ''}"
       for r in rules if r not in fires or r not in quiet]
unknown = sorted((fires | quiet) - set(rules))
if bad or unknown:
    print("FAIL: untested rules: " + "; ".join(bad) + (f"; tests of unknown rules: {unknown}" if unknown else ""),
          file=sys.stderr)
    sys.exit(1)
print(f"   {len(rules)} rules, each with a firing and a quiet case")
PY

echo "== the tests bite: each rule made never-firing, then always-firing, fails them"
cp "$SRC/alerts_test.yml" "$WORK/"
python3 - "$SRC/alerts.yml" "$WORK" <<'PY'
import os, subprocess, sys, yaml
src, work = sys.argv[1], sys.argv[2]
doc = yaml.safe_load(open(src))
names = [r["alert"] for g in doc["groups"] for r in g["rules"] if "alert" in r]
survivors = []
for name in names:
    for label, expr in (("never fires", "vector(1) < 0"), ("always fires", "vector(1)")):
        mutant = yaml.safe_load(open(src))
        for g in mutant["groups"]:
            for r in g["rules"]:
                if r.get("alert") == name:
                    r["expr"] = expr
        with open(os.path.join(work, "alerts.yml"), "w") as f:
            yaml.safe_dump(mutant, f)
        rc = subprocess.run(["promtool", "test", "rules", "alerts_test.yml"], cwd=work,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
        if rc == 0:
            survivors.append(f"{name} ({label})")
if survivors:
    print("FAIL: alerts_test.yml still passes with: " + ", ".join(survivors), file=sys.stderr)
    sys.exit(1)
print(f"   {2 * len(names)} mutants, every one caught")
PY

echo "== alertmanager.yml"
amtool check-config "$SRC/alertmanager.yml" >"$WORK/am.out" 2>&1 || fail "amtool: $(cat "$WORK/am.out")"
route() { amtool config routes test --config.file="$SRC/alertmanager.yml" "$@" 2>/dev/null; }
[[ "$(route alertname=WorkerDown severity=warning job=loket-notifier)" == office-ops ]] ||
  fail "a warning is not routed to office-ops: $(route alertname=WorkerDown severity=warning)"
[[ "$(route alertname=LoketdAllDown severity=critical)" == office-ops-urgent ]] ||
  fail "a critical alert is not routed to office-ops-urgent: $(route alertname=LoketdAllDown severity=critical)"
echo "   warning -> office-ops, critical -> office-ops-urgent"
echo "PASS: alert rules"
