// LOKET_RETURN_IF_ERROR and LOKET_ASSIGN_OR_RETURN: abseil 20220623 ships neither.
#ifndef LOKET_COMMON_STATUS_MACROS_H_
#define LOKET_COMMON_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define LOKET_RETURN_IF_ERROR(expr)                \
  do {                                             \
    ::absl::Status loket_status_ = (expr);         \
    if (!loket_status_.ok()) return loket_status_; \
  } while (0)

#define LOKET_STATUS_CONCAT_INNER_(a, b) a##b
#define LOKET_STATUS_CONCAT_(a, b) LOKET_STATUS_CONCAT_INNER_(a, b)

// LOKET_ASSIGN_OR_RETURN(auto x, F()); or LOKET_ASSIGN_OR_RETURN(x, F());
#define LOKET_ASSIGN_OR_RETURN(lhs, expr) \
  LOKET_ASSIGN_OR_RETURN_IMPL_(LOKET_STATUS_CONCAT_(loket_statusor_, __LINE__), lhs, expr)
#define LOKET_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr)  \
  auto statusor = (expr);                                  \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = std::move(statusor).value()

#endif  // LOKET_COMMON_STATUS_MACROS_H_
