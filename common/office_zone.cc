#include "common/office_zone.h"

#include "absl/strings/str_format.h"

namespace loket {

std::string OfficeZoneName(int utc_offset_minutes) {
  switch (utc_offset_minutes) {
    case 420:
      return "WIB";
    case 480:
      return "WITA";
    case 540:
      return "WIT";
    default:
      break;
  }
  const int m = utc_offset_minutes < 0 ? -utc_offset_minutes : utc_offset_minutes;
  return absl::StrFormat("UTC%c%02d:%02d", utc_offset_minutes < 0 ? '-' : '+', m / 60, m % 60);
}

}  // namespace loket
