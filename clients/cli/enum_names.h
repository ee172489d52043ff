// The short names people type and read for the API's enums: VERIFYING for CASE_STATE_VERIFYING,
// clinic for ROLE_CLINIC. Pure functions over the generated descriptors; safe from any thread.
#ifndef LOKET_CLIENTS_CLI_ENUM_NAMES_H_
#define LOKET_CLIENTS_CLI_ENUM_NAMES_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/generated_enum_reflection.h"
#include "loket/v1/admin.pb.h"
#include "loket/v1/case.pb.h"
#include "loket/v1/common.pb.h"

namespace loket::cli {

// The value's name without its enum prefix, e.g. "VERIFYING"; "-" for UNSPECIFIED.
std::string Name(v1::CaseState v);
std::string Name(v1::Channel v);
std::string Name(v1::PriorityClass v);
std::string Name(v1::AccessibilityNeed v);
// Roles read in lower case, as `--role` takes them: "approver".
std::string Name(v1::Role v);

// Parse `text` for flag `--flag`: any letter case, with or without the enum prefix
// ("verifying", "VERIFYING", "CASE_STATE_VERIFYING"). UNSPECIFIED is not accepted. Returns
// InvalidArgumentError naming the flag and the accepted values.
absl::Status Parse(absl::string_view flag, absl::string_view text, v1::CaseState* out);
absl::Status Parse(absl::string_view flag, absl::string_view text, v1::Channel* out);
absl::Status Parse(absl::string_view flag, absl::string_view text, v1::PriorityClass* out);
absl::Status Parse(absl::string_view flag, absl::string_view text, v1::AccessibilityNeed* out);
absl::Status Parse(absl::string_view flag, absl::string_view text, v1::Role* out);

// The same for any other loket.v1 enum (new enums need no overload of their own). Dashes in
// `text` read as underscores: --reason clinic-closed.
std::string ShortEnumName(const google::protobuf::EnumDescriptor* d, int number);
absl::StatusOr<int> ParseEnumValue(const google::protobuf::EnumDescriptor* d,
                                   absl::string_view flag, absl::string_view text);
template <typename E>
std::string EnumName(E v) {
  return ShortEnumName(google::protobuf::GetEnumDescriptor<E>(), v);
}
template <typename E>
absl::Status ParseEnum(absl::string_view flag, absl::string_view text, E* out) {
  absl::StatusOr<int> n = ParseEnumValue(google::protobuf::GetEnumDescriptor<E>(), flag, text);
  if (!n.ok()) return n.status();
  *out = static_cast<E>(*n);
  return absl::OkStatus();
}

}  // namespace loket::cli

#endif  // LOKET_CLIENTS_CLI_ENUM_NAMES_H_
