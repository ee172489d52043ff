// The admin's change log (admin_audit): who changed which reference data or account, when, from
// where, and the record before and after as JSON. Used inside the change's own transaction.
#ifndef LOKET_SERVER_STORE_ADMIN_AUDIT_H_
#define LOKET_SERVER_STORE_ADMIN_AUDIT_H_

#include <optional>
#include <string>

#include "server/store/mutation.h"
#include "server/store/pg.h"

namespace loket::store {

// Column 0 of the row of `st` run with ($1 office, $2 key): a record's audit JSON; nullopt when
// there is no such record (an empty key names none: to these statements it means "every record").
std::optional<std::string> JsonOf(Tx& tx, const Statement& st, const std::string& office,
                                  const std::string& key);

// Records one change unless nothing changed (domain::IsAuditedChange).
void Audit(Tx& tx, const Mutation& m, const std::string& action, const std::string& entity,
           const std::optional<std::string>& before, const std::optional<std::string>& after);

}  // namespace loket::store

#endif  // LOKET_SERVER_STORE_ADMIN_AUDIT_H_
