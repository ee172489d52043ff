#include "server/domain/permit_number.h"

#include "absl/strings/ascii.h"

namespace loket::domain {

std::string NormalizePermitNumber(std::string_view typed) {
  std::string out;
  out.reserve(typed.size());
  for (char ch : typed) {
    if (absl::ascii_isspace(static_cast<unsigned char>(ch))) continue;
    out += absl::ascii_toupper(static_cast<unsigned char>(ch));
  }
  return out;
}

}  // namespace loket::domain
