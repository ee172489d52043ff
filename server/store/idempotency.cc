#include "server/store/idempotency.h"

#include "common/status_macros.h"
#include "server/domain/validation.h"
#include "server/store/columns.h"

namespace loket::store {
namespace {

// Serialises calls with one request_id: a retry that arrives while the first call still runs waits
// for it, and then (a new statement, a new snapshot) sees its record and replays it.
constexpr Statement kLock{"idem_lock",
                          "SELECT pg_advisory_xact_lock(hashtextextended($1 || '/' || $2, 7406))"};
// The recorded call (server/store/columns.h: the list builds the statement and names the reads).
constexpr auto kRecordColumns = MakeColumns({{"method"}, {"response"}, {"principal_id"}});
constexpr Statement kFind{"idem_find", kSelectSql<"SELECT ", kRecordColumns,
                                                  " FROM idempotency"
                                                  " WHERE office_id = $1 AND request_id = $2">};
constexpr Statement kRecord{
    "idem_record",
    "INSERT INTO idempotency (office_id, request_id, method, principal_id, response)"
    " VALUES ($1, $2, $3, $4, $5)"};

}  // namespace

absl::StatusOr<std::string> RunIdempotent(
    Database::Impl& db, const Mutation& m,
    const std::function<absl::StatusOr<std::string>(Tx&)>& fn) {
  LOKET_RETURN_IF_ERROR(domain::ValidateRequestId(m.request_id));
  // Two attempts: if a concurrent call with the same request_id commits first, our insert of the
  // record fails with a unique violation and the second attempt replays its response.
  for (int attempt = 0;; ++attempt) {
    std::string response;
    absl::Status s = db.RunTx([&](Tx& tx) -> absl::Status {
      tx.Exec(kLock, m.actor.office_id, m.request_id);
      pqxx::result found = tx.Exec(kFind, m.actor.office_id, m.request_id);
      if (!found.empty()) {
        constexpr const auto& k = kRecordColumns;
        LOKET_RETURN_IF_ERROR(domain::CheckReplay(found[0][k["principal_id"]].as<int64_t>(),
                                                  found[0][k["method"]].as<std::string>(),
                                                  m.actor.id, m.method));
        response = BytesOf(found[0][k["response"]]);
        return absl::OkStatus();
      }
      LOKET_ASSIGN_OR_RETURN(std::string r, fn(tx));
      response = std::move(r);
      tx.Exec(kRecord, m.actor.office_id, m.request_id, m.method, m.actor.id,
              pqxx::binarystring(response));
      return absl::OkStatus();
    });
    if (s.ok()) return response;
    if (absl::IsAlreadyExists(s) && attempt == 0) continue;
    return s;
  }
}

}  // namespace loket::store
