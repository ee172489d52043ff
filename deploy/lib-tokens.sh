# Principals and bearer tokens written straight into the database, for the demo (deploy/up.sh) and the
# system tests. Source this file; it defines functions only. Needs psql, openssl and sha256sum.
#
#   loket_sql DB                    runs SQL from stdin against conninfo DB (stops at the first error)
#   loket_ensure_principal DB OFFICE NAME ROLE [CLINIC_ID] [COURIER_ID]
#                                   prints the id of the principal with that office, name and role,
#                                   creating it first if there is none
#   loket_register_demo_couriers DB OFFICE
#                                   the demo's two SIBER couriers (principals demo-courier, with courier
#                                   id demo-courier-1, and demo-courier-2; Budi Santoso and Rina
#                                   Wulandari, capacity 8, the usual shift); kept if already there
#   loket_new_token DB OFFICE PRINCIPAL_ID
#                                   revokes the principal's live tokens, stores a fresh one and prints
#                                   "TOKEN_ID TOKEN"
#   loket_write_demo_env DB OFFICE CLINIC_ID ADDR FILE ROLE...
#                                   for each ROLE: principal "demo-ROLE" (the clinic one for CLINIC_ID,
#                                   the courier one with courier id demo-courier-1) and a fresh token;
#                                   writes FILE (mode 0600): export LOKET_ADDR=ADDR and
#                                   export LOKET_TOKEN_<ROLE>=<token>, each with a comment line
#   loket_write_demo_passwords BIN ADDR DB OFFICE FILE ROLE...
#                                   for each ROLE: a fresh random password for principal "demo-ROLE",
#                                   set through SessionService.SetPassword with FILE's admin token
#                                   (user name demo-ROLE); appends LOKET_WEB_USER_<ROLE> and
#                                   LOKET_WEB_PASSWORD_<ROLE> to FILE. Needs a running loketd.
#
# Tokens are 256 random bits shown as 64 lower-case hex characters; the table keeps only
# sha256(the ASCII hex string), never the token (DESIGN.md section 6). The same rule is implemented by
# AdminService.CreateToken; this is the bootstrap path for a database that has no admin yet.

loket_sql() {
  local db=${1:?usage: loket_sql DB}
  shift
  psql -X -q -At -v ON_ERROR_STOP=1 "$@" -d "$db" -f -
}

loket_register_demo_couriers() {
  local db=${1:?usage: loket_register_demo_couriers DB OFFICE} office=${2:?usage: loket_register_demo_couriers DB OFFICE}
  local c1 c2
  c1=$(loket_ensure_principal "$db" "$office" demo-courier courier "" demo-courier-1) || return 1
  c2=$(loket_ensure_principal "$db" "$office" demo-courier-2 courier "" demo-courier-2) || return 1
  loket_sql "$db" -v c1="$c1" -v c2="$c2" -v office="$office" <<'SQL'
INSERT INTO couriers (principal_id, office_id, name, phone, capacity) VALUES
  (:c1, :'office', 'Budi Santoso', '+6281350000001', 8),
  (:c2, :'office', 'Rina Wulandari', '+6281350000002', 8)
ON CONFLICT (principal_id) DO NOTHING;
SQL
}

loket_ensure_principal() {
  if (($# < 4)); then
    echo "usage: loket_ensure_principal DB OFFICE NAME ROLE [CLINIC_ID] [COURIER_ID]" >&2
    return 2
  fi
  local db=$1 office=$2 name=$3 role=$4 clinic=${5:-} courier=${6:-}
  loket_sql "$db" -v office="$office" -v name="$name" -v role="$role" \
    -v clinic="$clinic" -v courier="$courier" <<'SQL'
WITH found AS (
  SELECT id FROM principals
   WHERE office_id = :'office' AND name = :'name' AND role = :'role'
     AND clinic_id IS NOT DISTINCT FROM NULLIF(:'clinic', '')
   ORDER BY id LIMIT 1
), made AS (
  INSERT INTO principals (office_id, name, role, clinic_id, courier_id)
  SELECT :'office', :'name', :'role', NULLIF(:'clinic', ''), NULLIF(:'courier', '')
   WHERE NOT EXISTS (SELECT 1 FROM found)
  RETURNING id
)
SELECT id FROM found UNION ALL SELECT id FROM made;
SQL
}

loket_new_token() {
  if (($# != 3)); then
    echo "usage: loket_new_token DB OFFICE PRINCIPAL_ID" >&2
    return 2
  fi
  local db=$1 office=$2 principal=$3 token hash
  token=$(openssl rand -hex 32)
  [[ "$token" =~ ^[0-9a-f]{64}$ ]] || {
    echo "lib-tokens: openssl rand gave no token" >&2
    return 1
  }
  hash=$(printf '%s' "$token" | sha256sum | cut -d' ' -f1)
  local id
  id=$(loket_sql "$db" -v office="$office" -v principal="$principal" -v hash="$hash" <<'SQL'
BEGIN;
UPDATE tokens SET revoked_at = now()
 WHERE principal_id = :'principal'::bigint AND revoked_at IS NULL;
INSERT INTO tokens (office_id, principal_id, token_sha256)
VALUES (:'office', :'principal'::bigint, decode(:'hash', 'hex'))
RETURNING id;
COMMIT;
SQL
  ) || return 1
  echo "$id $token"
}

loket_write_demo_env() {
  if (($# < 6)); then
    echo "usage: loket_write_demo_env DB OFFICE CLINIC_ID ADDR FILE ROLE..." >&2
    return 2
  fi
  local db=$1 office=$2 clinic=$3 addr=$4 file=$5
  shift 5
  local tmp="$file.tmp.$$" role id out tid tok var clinic_id courier_id about clinic_name
  clinic_name=$(loket_sql "$db" -v office="$office" -v clinic="$clinic" <<'SQL'
SELECT name FROM clinics WHERE office_id = :'office' AND id = :'clinic';
SQL
  ) || return 1
  (umask 077 && : >"$tmp") || return 1
  {
    echo "# Loket demo environment for office $office, written by $(basename "$0") on $(date -u +%Y-%m-%dT%H:%M:%SZ)."
    echo "# The tokens are bearer secrets; running it again revokes them and writes new ones."
    echo "# Use: source this file, then export LOKET_TOKEN=\$LOKET_TOKEN_<ROLE>."
    echo "export LOKET_ADDR=$addr"
  } >>"$tmp"
  for role in "$@"; do
    clinic_id="" courier_id="" about=""
    case "$role" in
      clinic)
        [[ -n "$clinic_name" ]] || {
          echo "lib-tokens: clinic $clinic not found in office $office (seed loaded?)" >&2
          rm -f "$tmp"
          return 1
        }
        clinic_id=$clinic
        about=" for clinic $clinic ($clinic_name)"
        ;;
      courier)
        courier_id=demo-courier-1
        about=" for courier $courier_id"
        ;;
    esac
    id=$(loket_ensure_principal "$db" "$office" "demo-$role" "$role" "$clinic_id" "$courier_id") &&
      out=$(loket_new_token "$db" "$office" "$id") || {
      rm -f "$tmp"
      return 1
    }
    read -r tid tok <<<"$out"
    var="LOKET_TOKEN_$(tr '[:lower:]' '[:upper:]' <<<"$role")"
    {
      echo "# $role: principal $id \"demo-$role\"$about, token id $tid"
      echo "export $var=$tok"
    } >>"$tmp"
  done
  mv -f "$tmp" "$file"
}

loket_write_demo_passwords() {
  if (($# < 6)); then
    echo "usage: loket_write_demo_passwords BIN ADDR DB OFFICE FILE ROLE..." >&2
    return 2
  fi
  local bin=$1 addr=$2 db=$3 office=$4 file=$5 role id password var admin
  shift 5
  admin=$(sed -n 's/^export LOKET_TOKEN_ADMIN=//p' "$file")
  [[ -n "$admin" ]] || {
    echo "lib-tokens: no LOKET_TOKEN_ADMIN in $file" >&2
    return 1
  }
  for role in "$@"; do
    id=$(loket_sql "$db" -v office="$office" -v name="demo-$role" -v role="$role" <<'SQL'
SELECT id FROM principals WHERE office_id = :'office' AND name = :'name' AND role = :'role'
 ORDER BY id LIMIT 1;
SQL
    ) || return 1
    [[ -n "$id" ]] || {
      echo "lib-tokens: no principal demo-$role" >&2
      return 1
    }
    # 12 random bytes in base64url: 16 characters, easy to type from the screen.
    password=$(openssl rand -base64 12 | tr '+/' '-_')
    printf '%s\n' "$password" | LOKET_ADDR=$addr LOKET_TOKEN=$admin "$bin/loket" \
      admin principal set-password "$id" --username "demo-$role" --password-file - >/dev/null ||
      return 1
    var=$(tr '[:lower:]' '[:upper:]' <<<"$role")
    {
      echo "# $role: sign in to the pages as demo-$role"
      echo "export LOKET_WEB_USER_$var=demo-$role"
      echo "export LOKET_WEB_PASSWORD_$var=$password"
    } >>"$file"
  done
}
