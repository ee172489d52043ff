// Private to store/: replay of mutating calls by request_id (DESIGN.md section 3).
#ifndef LOKET_SERVER_STORE_IDEMPOTENCY_H_
#define LOKET_SERVER_STORE_IDEMPOTENCY_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "server/store/mutation.h"
#include "server/store/pg.h"

namespace loket::store {

// Runs `fn` in one transaction and records its response under (office, request_id) in the same
// transaction. A repeat of a recorded request_id returns the recorded response and runs nothing.
// Errors are not recorded: a failed call changed nothing, so its retry runs afresh.
// Returns INVALID_ARGUMENT when request_id is missing or not a UUID, or was used for another
// method.
absl::StatusOr<std::string> RunIdempotent(
    Database::Impl& db, const Mutation& m,
    const std::function<absl::StatusOr<std::string>(Tx&)>& fn);

}  // namespace loket::store

#endif  // LOKET_SERVER_STORE_IDEMPOTENCY_H_
