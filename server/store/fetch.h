// Private to store/ (issue 14): the boilerplate every repository's reads repeated, folded once.
//
//   return Fetch(db_.impl(), [&](Tx& tx) { return MapRows(tx.Exec(kFoos, office), FooFromRow); });
//
// instead of a result declared outside a RunTx lambda that fills it, an `if (!s.ok()) return s;`
// and a `return out;`.
#ifndef LOKET_SERVER_STORE_FETCH_H_
#define LOKET_SERVER_STORE_FETCH_H_

#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/store/pg.h"

namespace loket::store {
namespace fetch_internal {

template <typename T>
struct Unwrap {
  using type = T;
  static constexpr bool kStatusOr = false;
};
template <typename T>
struct Unwrap<absl::StatusOr<T>> {
  using type = T;
  static constexpr bool kStatusOr = true;
};

}  // namespace fetch_internal

// What `fn(tx)` returns, computed in one transaction (`autocommit`: each statement by itself, see
// Database::Impl::RunAutocommit), or the error that ended it. `fn` returns a value, or an
// absl::StatusOr whose error is returned as is, and the transaction rolls back whatever `fn` wrote
// (SiberRepository::LoadRouterInput writes a carry-over before it can refuse).
template <typename Fn, typename R = std::invoke_result_t<Fn&, Tx&>>
absl::StatusOr<typename fetch_internal::Unwrap<R>::type> Fetch(Database::Impl& db, Fn&& fn,
                                                               bool autocommit = false) {
  std::optional<typename fetch_internal::Unwrap<R>::type> out;
  absl::Status s = db.Run(
      [&](Tx& tx) -> absl::Status {
        if constexpr (fetch_internal::Unwrap<R>::kStatusOr) {
          R r = fn(tx);
          if (!r.ok()) return r.status();
          out.emplace(*std::move(r));
        } else {
          out.emplace(fn(tx));
        }
        return absl::OkStatus();
      },
      autocommit);
  if (!s.ok()) return s;
  return *std::move(out);
}

// Every row of `r` mapped by `from_row`, in order.
template <typename FromRow>
auto MapRows(const pqxx::result& r, FromRow&& from_row) {
  std::vector<std::decay_t<std::invoke_result_t<FromRow&, const pqxx::row&>>> out;
  out.reserve(r.size());
  for (const auto& row : r) out.push_back(from_row(row));
  return out;
}

// Fetch with every statement committing by itself (Database::Impl::RunAutocommit).
template <typename Fn>
auto FetchAutocommit(Database::Impl& db, Fn&& fn) {
  return Fetch(db, std::forward<Fn>(fn), /*autocommit=*/true);
}

// The first row of `r` mapped by `from_row`; nullopt when `r` is empty.
template <typename FromRow>
auto FirstRow(const pqxx::result& r, FromRow&& from_row)
    -> std::optional<std::decay_t<std::invoke_result_t<FromRow&, const pqxx::row&>>> {
  if (r.empty()) return std::nullopt;
  return from_row(r[0]);
}

}  // namespace loket::store

#endif  // LOKET_SERVER_STORE_FETCH_H_
