#!/usr/bin/env bash
# Takes a pgBackRest backup of Loket's database (issue 15) into the local repository of CONF.
#
#   deploy/backup/backup.sh --config CONF [--type full|diff|incr]      (default: full)
#
# CONF is a pgbackrest.conf written by lib-backup.sh's backup_write_config (the cluster must archive
# WAL: backup_enable_archiving). The stanza is created if it does not exist yet. pgBackRest runs as
# postgres (when we are root). Prints the backup's label, its type, its size and how long it took,
# then `pgbackrest info`. Exit status: pgBackRest's.
set -euo pipefail
# shellcheck source=deploy/backup/lib-backup.sh
source "$(cd "$(dirname "$0")" && pwd)/lib-backup.sh"

conf="" type=full
while (($#)); do
  case $1 in
    --config) conf=${2:?}; shift 2 ;;
    --config=*) conf=${1#*=}; shift ;;
    --type) type=${2:?}; shift 2 ;;
    --type=*) type=${1#*=}; shift ;;
    -h | --help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "backup.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[[ -n "$conf" ]] || { echo "backup.sh: --config CONF is required" >&2; exit 2; }
[[ "$type" =~ ^(full|diff|incr)$ ]] || { echo "backup.sh: --type is full, diff or incr" >&2; exit 2; }
conf=$(cd "$(dirname "$conf")" && pwd -P)/$(basename "$conf")

# stanza-create is idempotent: it only checks an existing stanza against the cluster.
backup_pgbackrest "$conf" stanza-create
start=$(date +%s.%N)
backup_pgbackrest "$conf" --type="$type" backup
end=$(date +%s.%N)
info=$(backup_pgbackrest "$conf" --output=json info)
python3 - "$info" "$start" "$end" <<'PY'
import json, sys
info, start, end = json.loads(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
b = info[0]["backup"][-1]
print("backup %s: type %s, database %.1f MB, in repository %.1f MB, %.1f s"
      % (b["label"], b["type"], b["info"]["size"] / 1e6, b["info"]["repository"]["delta"] / 1e6,
         end - start))
PY
backup_pgbackrest "$conf" info
