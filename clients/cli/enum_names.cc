#include "clients/cli/enum_names.h"

#include <algorithm>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/descriptor.h"

namespace loket::cli {
namespace {

using google::protobuf::EnumDescriptor;
using google::protobuf::EnumValueDescriptor;

// The prefix every value of `d` shares, e.g. "CASE_STATE_" (taken from its UNSPECIFIED value).
std::string PrefixOf(const EnumDescriptor* d) {
  std::string unspecified = d->value(0)->name();
  return unspecified.substr(0, unspecified.size() - absl::string_view("UNSPECIFIED").size());
}

}  // namespace

std::string ShortEnumName(const EnumDescriptor* d, int number) {
  const EnumValueDescriptor* v = d->FindValueByNumber(number);
  if (v == nullptr) return absl::StrCat("?", number);
  if (v->number() == 0) return "-";
  return v->name().substr(PrefixOf(d).size());
}

absl::StatusOr<int> ParseEnumValue(const EnumDescriptor* d, absl::string_view flag,
                                   absl::string_view text) {
  const std::string prefix = PrefixOf(d);
  std::string upper = absl::AsciiStrToUpper(text);
  std::replace(upper.begin(), upper.end(), '-', '_');
  if (!absl::StartsWith(upper, prefix)) upper = prefix + upper;
  const EnumValueDescriptor* v = d->FindValueByName(upper);
  if (v != nullptr && v->number() != 0) return v->number();
  std::vector<std::string> names;
  for (int i = 0; i < d->value_count(); ++i) {
    if (d->value(i)->number() != 0) names.push_back(ShortEnumName(d, d->value(i)->number()));
  }
  return absl::InvalidArgumentError(absl::StrCat("--", flag, ": unknown value '", text,
                                                 "' (one of ", absl::StrJoin(names, ", "), ")"));
}

namespace {

template <typename E>
absl::Status ParseInto(absl::string_view flag, absl::string_view text, E* out) {
  return ParseEnum(flag, text, out);
}

}  // namespace

std::string Name(v1::CaseState v) { return ShortEnumName(v1::CaseState_descriptor(), v); }
std::string Name(v1::Channel v) { return ShortEnumName(v1::Channel_descriptor(), v); }
std::string Name(v1::PriorityClass v) { return ShortEnumName(v1::PriorityClass_descriptor(), v); }
std::string Name(v1::AccessibilityNeed v) {
  return ShortEnumName(v1::AccessibilityNeed_descriptor(), v);
}
std::string Name(v1::Role v) {
  return absl::AsciiStrToLower(ShortEnumName(v1::Role_descriptor(), v));
}

absl::Status Parse(absl::string_view flag, absl::string_view text, v1::CaseState* out) {
  return ParseInto(flag, text, out);
}
absl::Status Parse(absl::string_view flag, absl::string_view text, v1::Channel* out) {
  return ParseInto(flag, text, out);
}
absl::Status Parse(absl::string_view flag, absl::string_view text, v1::PriorityClass* out) {
  return ParseInto(flag, text, out);
}
absl::Status Parse(absl::string_view flag, absl::string_view text, v1::AccessibilityNeed* out) {
  return ParseInto(flag, text, out);
}
absl::Status Parse(absl::string_view flag, absl::string_view text, v1::Role* out) {
  return ParseInto(flag, text, out);
}

}  // namespace loket::cli
