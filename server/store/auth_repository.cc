#include "server/store/auth_repository.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/ids.h"
#include "common/sha256.h"
#include "common/status_macros.h"
#include "server/domain/signin.h"
#include "server/domain/validation.h"
#include "server/store/admin_audit.h"
#include "server/store/columns.h"
#include "server/store/fetch.h"
#include "server/store/idempotency.h"
#include "server/store/pg.h"

namespace loket::store {
namespace {

// A principal (PrincipalFromRow): each record's columns (server/store/columns.h) build its
// statements and name its reads.
constexpr auto kPrincipalColumns = MakeColumns({{"id"},
                                                {"office_id"},
                                                {"name"},
                                                {"role"},
                                                {"clinic_id", "coalesce(clinic_id, '')"},
                                                {"courier_id", "coalesce(courier_id, '')"},
                                                {"disabled"},
                                                {"created_at", "created_at::text"},
                                                {"username", "coalesce(username, '')"}});

// A token of table alias T still lets its principal in: not revoked and, for a session, within its
// absolute and idle expiry (sign-in's check and the admin's list of live tokens alike).
#define LOKET_TOKEN_LIVES(T)                                                               \
  " (" T ".revoked_at IS NULL AND (" T ".kind = 'api' OR (" T ".expires_at > now() AND " T \
  ".last_used_at + make_interval(secs => " T ".idle_seconds) > now())))"

// A session also needs to be within its absolute and idle expiry; using it moves the idle clock
// (at most every 30 s, so that a busy session does not write on every cache miss). The outer
// SELECT reads the principal's columns by name from `hit`.
constexpr Statement kAuthenticate{
    "auth_authenticate",
    kSelectNamesSql<
        "WITH hit AS ("
        " SELECT t.id AS token_id, t.kind, p.id, p.office_id, p.name, p.role,"
        " coalesce(p.clinic_id, '') AS clinic_id, coalesce(p.courier_id, '') AS courier_id,"
        " p.disabled, p.created_at::text AS created_at, coalesce(p.username, '') AS username"
        " FROM tokens t JOIN principals p ON p.id = t.principal_id"
        " WHERE t.token_sha256 = $1 AND NOT p.disabled AND" LOKET_TOKEN_LIVES(
            "t") "),"
                 " touched AS (UPDATE tokens SET last_used_at = now() FROM hit"
                 " WHERE tokens.id = hit.token_id AND hit.kind = 'session'"
                 " AND tokens.last_used_at < now() - interval '30 seconds')"
                 " SELECT ",
        kPrincipalColumns, " FROM hit">};
constexpr Statement kClinicExists{"auth_clinic_exists",
                                  "SELECT 1 FROM clinics WHERE office_id = $1 AND id = $2"};
constexpr auto kInsertedPrincipalColumns =
    MakeColumns({{"id"}, {"created_at", "created_at::text"}});
constexpr Statement kInsertPrincipal{
    "auth_insert_principal",
    kSelectSql<"INSERT INTO principals (office_id, name, role, clinic_id, courier_id)"
               " VALUES ($1, $2, $3, $4, $5) RETURNING ",
               kInsertedPrincipalColumns, "">};
constexpr Statement kListPrincipals{
    "auth_list_principals",
    kSelectSql<"SELECT ", kPrincipalColumns, " FROM principals WHERE office_id = $1 ORDER BY id">};
constexpr Statement kGetPrincipal{
    "auth_get_principal",
    kSelectSql<"SELECT ", kPrincipalColumns, " FROM principals WHERE office_id = $1 AND id = $2">};

// A row that begins with kPrincipalColumns.
PrincipalRecord PrincipalFromRow(const pqxx::row& row) {
  constexpr const auto& k = kPrincipalColumns;
  PrincipalRecord r;
  r.principal.id = row[k["id"]].as<int64_t>();
  r.principal.office_id = row[k["office_id"]].as<std::string>();
  r.principal.name = row[k["name"]].as<std::string>();
  r.principal.role =
      domain::RoleFromName(row[k["role"]].as<std::string>()).value_or(domain::Role::kOfficer);
  r.principal.clinic_id = row[k["clinic_id"]].as<std::string>();
  r.principal.courier_id = row[k["courier_id"]].as<std::string>();
  r.disabled = row[k["disabled"]].as<bool>();
  r.created_at = ParseTimestamp(row[k["created_at"]].as<std::string>());
  r.username = row[k["username"]].as<std::string>();
  return r;
}

constexpr Statement kInsertToken{
    "auth_insert_token",
    "INSERT INTO tokens (office_id, principal_id, token_sha256) VALUES ($1, $2, $3) RETURNING id"};
constexpr Statement kRevokeToken{
    "auth_revoke_token",
    "UPDATE tokens SET revoked_at = coalesce(revoked_at, now()) WHERE office_id = $1 AND id = $2"};

constexpr auto kLoginColumns = MakeColumns(kPrincipalColumns, {{"password_hash"}});
constexpr Statement kFindLogin{
    "auth_find_login",
    kSelectSql<"SELECT ", kLoginColumns, " FROM principals WHERE lower(username) = lower($1)">};
constexpr Statement kBlockedFor{
    "auth_signin_blocked_for",
    "SELECT coalesce(ceil(extract(epoch FROM max(blocked_until) - now())), 0)::bigint"
    " FROM signin_failures WHERE key = ANY($1::text[]) AND blocked_until > now()"};
// The count restarts when the last failure is older than $2 seconds; $3.. are the block lengths
// in seconds for counts 1..N (the last one repeats).
constexpr Statement kRecordFailure{
    "auth_signin_failure",
    "INSERT INTO signin_failures AS f (key, failures, last_failure_at, blocked_until)"
    " VALUES ($1, 1, now(), now())"
    " ON CONFLICT (key) DO UPDATE SET"
    " failures = CASE WHEN f.last_failure_at < now() - make_interval(secs => $2)"
    " THEN 1 ELSE f.failures + 1 END, last_failure_at = now()"
    " RETURNING failures"};
constexpr Statement kBlock{
    "auth_signin_block",
    "UPDATE signin_failures SET blocked_until = now() + make_interval(secs => $2) WHERE key = $1"};
constexpr Statement kClearFailures{"auth_signin_clear",
                                   "DELETE FROM signin_failures WHERE key = $1"};
constexpr Statement kInsertSession{
    "auth_insert_session",
    "INSERT INTO tokens (office_id, principal_id, token_sha256, kind, expires_at, idle_seconds,"
    " last_used_at) VALUES ($1, $2, $3, 'session', now() + make_interval(secs => $4), $5, now())"
    " RETURNING expires_at::text"};
constexpr Statement kEndSession{"auth_end_session",
                                "UPDATE tokens SET revoked_at = coalesce(revoked_at, now())"
                                " WHERE token_sha256 = $1 AND kind = 'session'"};
constexpr Statement kSetPassword{
    "auth_set_password",
    "UPDATE principals SET username = $3, password_hash = $4 WHERE office_id = $1 AND id = $2"};
constexpr Statement kUsernameTaken{
    "auth_username_taken",
    "SELECT 1 FROM principals WHERE lower(username) = lower($1) AND id <> $2"};
constexpr Statement kEndPrincipalSessions{
    "auth_end_principal_sessions",
    "UPDATE tokens SET revoked_at = now()"
    " WHERE principal_id = $1 AND kind = 'session' AND revoked_at IS NULL"};

constexpr Statement kSetDisabled{
    "auth_set_disabled", "UPDATE principals SET disabled = $3 WHERE office_id = $1 AND id = $2"};
// Every token and session of a principal (disabling it; enabling it again brings none back).
constexpr Statement kRevokePrincipalTokens{
    "auth_revoke_principal_tokens",
    "UPDATE tokens SET revoked_at = now() WHERE principal_id = $1 AND revoked_at IS NULL"};
// The tokens that still let a principal in.
constexpr auto kTokenColumns = MakeColumns({{"id"},
                                            {"principal_id"},
                                            {"kind"},
                                            {"created_at", "created_at::text"},
                                            {"last_used_at", "coalesce(last_used_at::text, '')"},
                                            {"expires_at", "coalesce(expires_at::text, '')"}});
constexpr Statement kLiveTokens{
    "auth_live_tokens", kSelectSql<"SELECT ", kTokenColumns,
                                   " FROM tokens t WHERE t.office_id = $1 AND t.principal_id = $2"
                                   " AND" LOKET_TOKEN_LIVES("t") " ORDER BY t.id">};

// Audit JSON of accounts (never the password hash, never a token's digest).
constexpr Statement kPrincipalJson{
    "auth_principal_json",
    "SELECT json_build_object('id', id, 'name', name, 'role', role, 'clinic_id', clinic_id,"
    " 'courier_id', courier_id, 'username', username, 'disabled', disabled)::text"
    " FROM principals WHERE office_id = $1 AND id = $2::bigint"};
constexpr Statement kTokenJson{
    "auth_token_json",
    "SELECT json_build_object('id', id, 'principal_id', principal_id, 'kind', kind,"
    " 'revoked', revoked_at IS NOT NULL)::text FROM tokens WHERE office_id = $1 AND id = "
    "$2::bigint"};

// A new password: recorded as such (the account's JSON alone would not change when the user
// name stays).
constexpr Statement kPasswordSetJson{
    "auth_password_set_json",
    "SELECT json_build_object('id', id, 'name', name, 'username', username,"
    " 'password', 'changed')::text FROM principals WHERE office_id = $1 AND id = $2::bigint"};

std::optional<std::string> PrincipalJson(Tx& tx, const Mutation& m, int64_t id) {
  return JsonOf(tx, kPrincipalJson, m.actor.office_id, absl::StrCat(id));
}
std::optional<std::string> TokenJson(Tx& tx, const Mutation& m, int64_t id) {
  return JsonOf(tx, kTokenJson, m.actor.office_id, absl::StrCat(id));
}

absl::Status PrincipalNotFound(int64_t id) {
  return absl::NotFoundError(absl::StrCat("principal ", id, " not found"));
}

}  // namespace

absl::StatusOr<domain::Principal> AuthRepository::Authenticate(const std::string& token_sha256) {
  return FetchAutocommit(db_.impl(), [&](Tx& tx) -> absl::StatusOr<domain::Principal> {
    pqxx::result r = tx.Exec(kAuthenticate, pqxx::binarystring(token_sha256));
    if (r.empty()) return absl::UnauthenticatedError("unknown or revoked token");
    return PrincipalFromRow(r[0]).principal;
  });
}

absl::StatusOr<std::string> AuthRepository::CreatePrincipal(
    const Mutation& m, const std::string& name, domain::Role role, const std::string& clinic_id,
    const std::string& courier_id,
    const std::function<std::string(const PrincipalRecord&)>& encode) {
  LOKET_RETURN_IF_ERROR(domain::ValidateNewPrincipal(name, role, clinic_id, courier_id));
  return RunIdempotent(db_.impl(), m, [&](Tx& tx) -> absl::StatusOr<std::string> {
    if (!clinic_id.empty() && tx.Exec(kClinicExists, m.actor.office_id, clinic_id).empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("clinic_id: unknown clinic ", domain::QuoteValue(clinic_id)));
    }
    pqxx::result r =
        tx.Exec(kInsertPrincipal, m.actor.office_id, name, std::string(domain::RoleName(role)),
                NullIfEmpty(clinic_id), NullIfEmpty(courier_id));
    PrincipalRecord rec;
    constexpr const auto& k = kInsertedPrincipalColumns;
    rec.principal = {
        r[0][k["id"]].as<int64_t>(), m.actor.office_id, name, role, clinic_id, courier_id};
    rec.created_at = ParseTimestamp(r[0][k["created_at"]].as<std::string>());
    Audit(tx, m, "principal.create", absl::StrCat(rec.principal.id), std::nullopt,
          PrincipalJson(tx, m, rec.principal.id));
    return encode(rec);
  });
}

absl::StatusOr<std::vector<PrincipalRecord>> AuthRepository::ListPrincipals(
    const std::string& office_id) {
  return Fetch(db_.impl(), [&](Tx& tx) {
    return MapRows(tx.Exec(kListPrincipals, office_id), PrincipalFromRow);
  });
}

absl::StatusOr<PrincipalRecord> AuthRepository::GetPrincipal(const std::string& office_id,
                                                             int64_t id) {
  return Fetch(db_.impl(), [&](Tx& tx) -> absl::StatusOr<PrincipalRecord> {
    pqxx::result r = tx.Exec(kGetPrincipal, office_id, id);
    if (r.empty()) return PrincipalNotFound(id);
    return PrincipalFromRow(r[0]);
  });
}

absl::StatusOr<IssuedToken> AuthRepository::CreateToken(
    const Mutation& m, int64_t principal_id,
    const std::function<std::string(const IssuedToken&)>& encode) {
  IssuedToken issued;
  LOKET_ASSIGN_OR_RETURN(issued.response,
                         RunIdempotent(db_.impl(), m, [&](Tx& tx) -> absl::StatusOr<std::string> {
                           pqxx::result p = tx.Exec(kGetPrincipal, m.actor.office_id, principal_id);
                           if (p.empty()) return PrincipalNotFound(principal_id);
                           IssuedToken t;
                           t.principal = PrincipalFromRow(p[0]);
                           t.token = loket::NewToken();
                           pqxx::result r = tx.Exec(kInsertToken, m.actor.office_id, principal_id,
                                                    pqxx::binarystring(Sha256(t.token)));
                           t.token_id = r[0][0].as<int64_t>();
                           Audit(tx, m, "token.create", absl::StrCat(t.token_id), std::nullopt,
                                 TokenJson(tx, m, t.token_id));
                           issued = t;
                           // The replay record must not hold the secret (only digests of tokens are
                           // stored).
                           t.token.clear();
                           return encode(t);
                         }));
  return issued;
}

absl::StatusOr<std::string> AuthRepository::RevokeToken(const Mutation& m, int64_t token_id) {
  return RunIdempotent(db_.impl(), m, [&](Tx& tx) -> absl::StatusOr<std::string> {
    std::optional<std::string> before = TokenJson(tx, m, token_id);
    if (tx.Exec(kRevokeToken, m.actor.office_id, token_id).affected_rows() == 0) {
      return absl::NotFoundError(absl::StrCat("token ", token_id, " not found"));
    }
    Audit(tx, m, "token.revoke", absl::StrCat(token_id), before, TokenJson(tx, m, token_id));
    return std::string();
  });
}

absl::StatusOr<std::string> AuthRepository::SetDisabled(
    const Mutation& m, int64_t principal_id, bool disabled,
    const std::function<std::string(const PrincipalRecord&)>& encode) {
  LOKET_RETURN_IF_ERROR(domain::CheckSetDisabled(m.actor.id, principal_id, disabled));
  return RunIdempotent(db_.impl(), m, [&](Tx& tx) -> absl::StatusOr<std::string> {
    std::optional<std::string> before = PrincipalJson(tx, m, principal_id);
    if (tx.Exec(kSetDisabled, m.actor.office_id, principal_id, disabled).affected_rows() == 0) {
      return PrincipalNotFound(principal_id);
    }
    if (disabled) tx.Exec(kRevokePrincipalTokens, principal_id);
    Audit(tx, m, disabled ? "principal.disable" : "principal.enable", absl::StrCat(principal_id),
          before, PrincipalJson(tx, m, principal_id));
    return encode(PrincipalFromRow(tx.Exec(kGetPrincipal, m.actor.office_id, principal_id)[0]));
  });
}

absl::StatusOr<std::vector<TokenRecord>> AuthRepository::ListLiveTokens(
    const std::string& office_id, int64_t principal_id) {
  return Fetch(db_.impl(), [&](Tx& tx) -> absl::StatusOr<std::vector<TokenRecord>> {
    if (tx.Exec(kGetPrincipal, office_id, principal_id).empty()) {
      return PrincipalNotFound(principal_id);
    }
    return MapRows(tx.Exec(kLiveTokens, office_id, principal_id), [](const pqxx::row& row) {
      constexpr const auto& k = kTokenColumns;
      TokenRecord t;
      t.id = row[k["id"]].as<int64_t>();
      t.principal_id = row[k["principal_id"]].as<int64_t>();
      t.kind = row[k["kind"]].as<std::string>();
      t.created_at = ParseTimestamp(row[k["created_at"]].as<std::string>());
      if (std::string used = row[k["last_used_at"]].as<std::string>(); !used.empty()) {
        t.last_used_at = ParseTimestamp(used);
      }
      if (std::string ends = row[k["expires_at"]].as<std::string>(); !ends.empty()) {
        t.expires_at = ParseTimestamp(ends);
      }
      return t;
    });
  });
}

absl::Status AuthRepository::CheckSignInAllowed(const std::vector<std::string>& keys) {
  // Keys are "account:<validated user name>" or "address:<ip>": no quotes or braces.
  const std::string array =
      keys.empty() ? "{}" : absl::StrCat("{\"", absl::StrJoin(keys, "\",\""), "\"}");
  LOKET_ASSIGN_OR_RETURN(int64_t wait, FetchAutocommit(db_.impl(), [&](Tx& tx) {
                           return tx.Exec(kBlockedFor, array)[0][0].as<int64_t>();
                         }));
  return domain::CheckSignInBlock(wait);
}

absl::StatusOr<LoginRecord> AuthRepository::FindLogin(const std::string& username) {
  return FetchAutocommit(db_.impl(), [&](Tx& tx) -> absl::StatusOr<LoginRecord> {
    pqxx::result r = tx.Exec(kFindLogin, username);
    if (r.empty()) return absl::NotFoundError("no such user");
    return LoginRecord{PrincipalFromRow(r[0]),
                       r[0][kLoginColumns["password_hash"]].as<std::string>()};
  });
}

absl::StatusOr<int> AuthRepository::RecordSignInFailure(
    const std::string& key, absl::Duration forget_after,
    const std::function<absl::Duration(int)>& block) {
  return Fetch(db_.impl(), [&](Tx& tx) {
    int failures =
        tx.Exec(kRecordFailure, key, absl::ToDoubleSeconds(forget_after))[0][0].as<int>();
    tx.Exec(kBlock, key, absl::ToDoubleSeconds(block(failures)));
    return failures;
  });
}

absl::Status AuthRepository::ClearSignInFailures(const std::string& key) {
  return db_.impl().RunAutocommit([&](Tx& tx) {
    tx.Exec(kClearFailures, key);
    return absl::OkStatus();
  });
}

absl::StatusOr<Session> AuthRepository::CreateSession(const domain::Principal& p,
                                                      absl::Duration absolute,
                                                      absl::Duration idle) {
  return FetchAutocommit(db_.impl(), [&](Tx& tx) {
    Session session{loket::NewToken(), absl::Time(), idle};
    pqxx::result r =
        tx.Exec(kInsertSession, p.office_id, p.id, pqxx::binarystring(Sha256(session.token)),
                absl::ToDoubleSeconds(absolute), static_cast<int>(absl::ToInt64Seconds(idle)));
    session.expires_at = ParseTimestamp(r[0][0].as<std::string>());
    return session;
  });
}

absl::Status AuthRepository::EndSession(const std::string& token_sha256) {
  return db_.impl().RunAutocommit([&](Tx& tx) {
    tx.Exec(kEndSession, pqxx::binarystring(token_sha256));
    return absl::OkStatus();
  });
}

absl::StatusOr<std::string> AuthRepository::SetPassword(
    const Mutation& m, int64_t principal_id, const std::string& username,
    const std::string& password_hash,
    const std::function<std::string(const PrincipalRecord&)>& encode) {
  return RunIdempotent(db_.impl(), m, [&](Tx& tx) -> absl::StatusOr<std::string> {
    if (!tx.Exec(kUsernameTaken, username, principal_id).empty()) {
      return absl::AlreadyExistsError(
          absl::StrCat("username: ", username, " belongs to another principal"));
    }
    std::optional<std::string> before = PrincipalJson(tx, m, principal_id);
    if (tx.Exec(kSetPassword, m.actor.office_id, principal_id, username, password_hash)
            .affected_rows() == 0) {
      return PrincipalNotFound(principal_id);
    }
    tx.Exec(kEndPrincipalSessions, principal_id);
    Audit(tx, m, "principal.password", absl::StrCat(principal_id), before,
          JsonOf(tx, kPasswordSetJson, m.actor.office_id, absl::StrCat(principal_id)));
    return encode(PrincipalFromRow(tx.Exec(kGetPrincipal, m.actor.office_id, principal_id)[0]));
  });
}

}  // namespace loket::store
