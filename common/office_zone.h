// The name people read for an office's time zone: "WIB", "WITA", "WIT" (UTC+7, +8, +9), else
// "UTC+05:30". One definition for the CLI, the message templates and the queue's texts.
#ifndef LOKET_COMMON_OFFICE_ZONE_H_
#define LOKET_COMMON_OFFICE_ZONE_H_

#include <string>

namespace loket {

std::string OfficeZoneName(int utc_offset_minutes);

}  // namespace loket

#endif  // LOKET_COMMON_OFFICE_ZONE_H_
