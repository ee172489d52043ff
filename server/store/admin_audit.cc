#include "server/store/admin_audit.h"

#include "server/domain/refdata.h"
#include "server/store/fetch.h"

namespace loket::store {
namespace {

constexpr Statement kInsertAudit{
    "admin_audit_insert",
    "INSERT INTO admin_audit (office_id, actor_id, actor_name, terminal, request_id, action,"
    " entity, before, after) VALUES ($1, $2, $3, $4, $5::uuid, $6, $7, $8::jsonb, $9::jsonb)"};

}  // namespace

std::optional<std::string> JsonOf(Tx& tx, const Statement& st, const std::string& office,
                                  const std::string& key) {
  if (key.empty()) return std::nullopt;
  return FirstRow(tx.Exec(st, office, key),
                  [](const pqxx::row& r) { return r[0].as<std::string>(); });
}

void Audit(Tx& tx, const Mutation& m, const std::string& action, const std::string& entity,
           const std::optional<std::string>& before, const std::optional<std::string>& after) {
  if (!domain::IsAuditedChange(before, after)) return;
  tx.Exec(kInsertAudit, m.actor.office_id, m.actor.id, m.actor.name, m.terminal, m.request_id,
          action, entity, before, after);
}

}  // namespace loket::store
