#include "server/store/auth_repository.h"

#include "absl/strings/str_cat.h"
#include "common/ids.h"
#include "common/sha256.h"
#include "server/store/idempotency.h"
#include "server/store/pg.h"

namespace loket::store {
namespace {

constexpr Statement kAuthenticate{
    "auth_authenticate",
    "SELECT p.id, p.office_id, p.name, p.role, coalesce(p.clinic_id, ''),"
    " coalesce(p.courier_id, ''), p.disabled, p.created_at::text FROM tokens t JOIN principals p "
    "ON p.id = t.principal_id"
    " WHERE t.token_sha256 = $1 AND t.revoked_at IS NULL AND NOT p.disabled"};
constexpr Statement kClinicExists{"auth_clinic_exists",
                                  "SELECT 1 FROM clinics WHERE office_id = $1 AND id = $2"};
constexpr Statement kInsertPrincipal{
    "auth_insert_principal",
    "INSERT INTO principals (office_id, name, role, clinic_id, courier_id)"
    " VALUES ($1, $2, $3, $4, $5) RETURNING id, created_at::text"};
constexpr char kPrincipalColumns[] =
    "SELECT id, office_id, name, role, coalesce(clinic_id, ''), coalesce(courier_id, ''),"
    " disabled, created_at::text FROM principals";

PrincipalRecord PrincipalFromRow(const pqxx::row& row) {
  PrincipalRecord r;
  r.principal.id = row[0].as<int64_t>();
  r.principal.office_id = row[1].as<std::string>();
  r.principal.name = row[2].as<std::string>();
  r.principal.role =
      domain::RoleFromName(row[3].as<std::string>()).value_or(domain::Role::kOfficer);
  r.principal.clinic_id = row[4].as<std::string>();
  r.principal.courier_id = row[5].as<std::string>();
  r.disabled = row[6].as<bool>();
  r.created_at = ParseTimestamp(row[7].as<std::string>());
  return r;
}

const std::string& ListSql() {
  static const std::string* s =
      new std::string(std::string(kPrincipalColumns) + " WHERE office_id = $1 ORDER BY id");
  return *s;
}
const std::string& GetSql() {
  static const std::string* s =
      new std::string(std::string(kPrincipalColumns) + " WHERE office_id = $1 AND id = $2");
  return *s;
}

constexpr Statement kInsertToken{
    "auth_insert_token",
    "INSERT INTO tokens (office_id, principal_id, token_sha256) VALUES ($1, $2, $3) RETURNING id"};
constexpr Statement kRevokeToken{
    "auth_revoke_token",
    "UPDATE tokens SET revoked_at = coalesce(revoked_at, now()) WHERE office_id = $1 AND id = $2"};

}  // namespace

absl::StatusOr<domain::Principal> AuthRepository::Authenticate(const std::string& token_sha256) {
  domain::Principal p;
  bool found = false;
  absl::Status s = db_.impl().RunAutocommit([&](Tx& tx) {
    pqxx::result r = tx.Exec(kAuthenticate, pqxx::binarystring(token_sha256));
    if (r.empty()) return absl::OkStatus();
    found = true;
    p = PrincipalFromRow(r[0]).principal;
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  if (!found) return absl::UnauthenticatedError("unknown or revoked token");
  return p;
}

absl::StatusOr<std::string> AuthRepository::CreatePrincipal(
    const Mutation& m, const std::string& name, domain::Role role, const std::string& clinic_id,
    const std::string& courier_id,
    const std::function<std::string(const PrincipalRecord&)>& encode) {
  if (name.empty() || name.size() > 100) {
    return absl::InvalidArgumentError("name: 1 to 100 characters");
  }
  if (role == domain::Role::kClinic && clinic_id.empty()) {
    return absl::InvalidArgumentError("clinic_id: required for role clinic");
  }
  if (role != domain::Role::kClinic && !clinic_id.empty()) {
    return absl::InvalidArgumentError("clinic_id: only for role clinic");
  }
  if (role == domain::Role::kCourier && courier_id.empty()) {
    return absl::InvalidArgumentError("courier_id: required for role courier");
  }
  return RunIdempotent(db_.impl(), m, [&](Tx& tx) -> absl::StatusOr<std::string> {
    if (!clinic_id.empty() && tx.Exec(kClinicExists, m.actor.office_id, clinic_id).empty()) {
      return absl::InvalidArgumentError(absl::StrCat("clinic_id: unknown clinic ", clinic_id));
    }
    std::optional<std::string> clinic, courier;
    if (!clinic_id.empty()) clinic = clinic_id;
    if (!courier_id.empty()) courier = courier_id;
    pqxx::result r = tx.Exec(kInsertPrincipal, m.actor.office_id, name,
                             std::string(domain::RoleName(role)), clinic, courier);
    PrincipalRecord rec;
    rec.principal = {r[0][0].as<int64_t>(), m.actor.office_id, name, role, clinic_id, courier_id};
    rec.created_at = ParseTimestamp(r[0][1].as<std::string>());
    return encode(rec);
  });
}

absl::StatusOr<std::vector<PrincipalRecord>> AuthRepository::ListPrincipals(
    const std::string& office_id) {
  static const Statement kList{"auth_list_principals", ListSql().c_str()};
  std::vector<PrincipalRecord> out;
  absl::Status s = db_.impl().RunTx([&](Tx& tx) {
    for (const auto& row : tx.Exec(kList, office_id)) out.push_back(PrincipalFromRow(row));
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<PrincipalRecord> AuthRepository::GetPrincipal(const std::string& office_id,
                                                             int64_t id) {
  static const Statement kGet{"auth_get_principal", GetSql().c_str()};
  std::optional<PrincipalRecord> out;
  absl::Status s = db_.impl().RunTx([&](Tx& tx) {
    pqxx::result r = tx.Exec(kGet, office_id, id);
    if (!r.empty()) out = PrincipalFromRow(r[0]);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  if (!out) return absl::NotFoundError(absl::StrCat("principal ", id, " not found"));
  return *out;
}

absl::StatusOr<IssuedToken> AuthRepository::CreateToken(
    const Mutation& m, int64_t principal_id,
    const std::function<std::string(const IssuedToken&)>& encode) {
  static const Statement kGet{"auth_get_principal", GetSql().c_str()};
  IssuedToken issued;
  absl::StatusOr<std::string> response =
      RunIdempotent(db_.impl(), m, [&](Tx& tx) -> absl::StatusOr<std::string> {
        pqxx::result p = tx.Exec(kGet, m.actor.office_id, principal_id);
        if (p.empty()) {
          return absl::NotFoundError(absl::StrCat("principal ", principal_id, " not found"));
        }
        IssuedToken t;
        t.principal = PrincipalFromRow(p[0]);
        t.token = loket::NewToken();
        pqxx::result r = tx.Exec(kInsertToken, m.actor.office_id, principal_id,
                                 pqxx::binarystring(Sha256(t.token)));
        t.token_id = r[0][0].as<int64_t>();
        issued = t;
        // The replay record must not hold the secret (only digests of tokens are stored).
        t.token.clear();
        return encode(t);
      });
  if (!response.ok()) return response.status();
  issued.response = *std::move(response);
  return issued;
}

absl::StatusOr<std::string> AuthRepository::RevokeToken(const Mutation& m, int64_t token_id) {
  return RunIdempotent(db_.impl(), m, [&](Tx& tx) -> absl::StatusOr<std::string> {
    if (tx.Exec(kRevokeToken, m.actor.office_id, token_id).affected_rows() == 0) {
      return absl::NotFoundError(absl::StrCat("token ", token_id, " not found"));
    }
    return std::string();
  });
}

}  // namespace loket::store
