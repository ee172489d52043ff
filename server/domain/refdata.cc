#include "server/domain/refdata.h"

#include <cmath>
#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/md5.h"
#include "common/status_macros.h"
#include "server/domain/validation.h"

namespace loket::domain {
namespace {

absl::Status FieldError(std::string_view field, std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(std::string(field), ": ", std::string(what)));
}

std::string Trim(std::string_view s) {
  return std::string(absl::StripAsciiWhitespace(absl::string_view(s.data(), s.size())));
}

// ^[A-Z][A-Z0-9_]{min_rest,max_rest}$ (with '-' too when `dash`).
bool IsUpperCode(std::string_view s, size_t min_len, size_t max_len, bool dash) {
  if (s.size() < min_len || s.size() > max_len) return false;
  if (s[0] < 'A' || s[0] > 'Z') return false;
  for (char c : s) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || (dash && c == '-');
    if (!ok) return false;
  }
  return true;
}

// A permit number's code: 1 to 16 of A-Z, 0-9, '.' and '-', starting with a letter or digit (the
// number's '/' separates its parts).
bool IsNumberCode(std::string_view s) {
  if (s.empty() || s.size() > 16 || s[0] == '.' || s[0] == '-') return false;
  for (char c : s) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-')) return false;
  }
  return true;
}

absl::Status ValidateLocation(const std::optional<double>& lat, const std::optional<double>& lng,
                              std::string_view prefix) {
  if (lat.has_value() != lng.has_value()) {
    return FieldError(absl::StrCat(std::string(prefix), lat ? "longitude" : "latitude"),
                      "give both latitude and longitude, or neither");
  }
  if (lat && (!std::isfinite(*lat) || *lat < -90 || *lat > 90)) {
    return FieldError(absl::StrCat(std::string(prefix), "latitude"), "must be between -90 and 90");
  }
  if (lng && (!std::isfinite(*lng) || *lng < -180 || *lng > 180)) {
    return FieldError(absl::StrCat(std::string(prefix), "longitude"),
                      "must be between -180 and 180");
  }
  return absl::OkStatus();
}

// Splits one CSV line into fields (RFC 4180 quoting; the line holds no line break).
absl::StatusOr<std::vector<std::string>> SplitCsvLine(std::string_view line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  if (quoted) return absl::InvalidArgumentError("a quoted field is not closed");
  return out;
}

}  // namespace

absl::StatusOr<absl::CivilDay> ParseRefDate(std::string_view text, std::string_view field) {
  absl::CivilDay day;
  std::string t = Trim(text);
  if (t.size() != 10 || !absl::ParseCivilTime(t, &day) || absl::FormatCivilTime(day) != t) {
    return FieldError(field, absl::StrCat(QuoteValue(text), " is not a date (YYYY-MM-DD)"));
  }
  if (day.year() < 2000 || day.year() > 2100) {
    return FieldError(field, "must be between 2000 and 2100");
  }
  return day;
}

absl::Status ValidateHolidayName(std::string& name, std::string_view field) {
  name = Trim(name);
  return ValidateLine(name, field, 100, true);
}

absl::StatusOr<std::vector<HolidayEntry>> ParseHolidayCsv(std::string_view csv, int year) {
  if (year < 2000 || year > 2100) return FieldError("year", "must be between 2000 and 2100");
  if (csv.size() > (1 << 20)) return FieldError("csv", "over the 1 MiB limit");
  if (csv.starts_with("\xEF\xBB\xBF")) csv.remove_prefix(3);  // a spreadsheet's byte order mark
  std::vector<HolidayEntry> out;
  std::set<absl::CivilDay> seen;
  int date_col = -1, name_col = -1;
  int line_no = 0;
  size_t pos = 0;
  while (pos < csv.size()) {
    size_t end = csv.find('\n', pos);
    if (end == std::string_view::npos) end = csv.size();
    std::string_view line = csv.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (Trim(line).empty()) continue;
    std::string where = absl::StrCat("csv: line ", line_no, ": ");
    absl::StatusOr<std::vector<std::string>> fields = SplitCsvLine(line);
    if (!fields.ok())
      return absl::InvalidArgumentError(where + std::string(fields.status().message()));
    if (date_col < 0) {
      for (size_t i = 0; i < fields->size(); ++i) {
        std::string h = absl::AsciiStrToLower(Trim((*fields)[i]));
        if (h == "date") date_col = static_cast<int>(i);
        if (h == "name") name_col = static_cast<int>(i);
      }
      if (date_col < 0 || name_col < 0) {
        return absl::InvalidArgumentError(
            where + "the header must name the columns date and name (e.g. date,name,kind,source)");
      }
      continue;
    }
    if (static_cast<int>(fields->size()) <= std::max(date_col, name_col)) {
      return absl::InvalidArgumentError(where + "too few columns");
    }
    absl::StatusOr<absl::CivilDay> day = ParseRefDate((*fields)[date_col], "date");
    if (!day.ok()) return absl::InvalidArgumentError(where + std::string(day.status().message()));
    if (day->year() != year) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, "date: ", absl::FormatCivilTime(*day), " is not in ", year));
    }
    if (!seen.insert(*day).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, "date: ", absl::FormatCivilTime(*day), " appears twice"));
    }
    std::string name = (*fields)[name_col];
    if (absl::Status s = ValidateHolidayName(name, "name"); !s.ok()) {
      return absl::InvalidArgumentError(where + std::string(s.message()));
    }
    if (out.size() >= 400) return absl::InvalidArgumentError(where + "more than 400 holidays");
    out.push_back({*day, std::move(name)});
  }
  if (date_col < 0) return FieldError("csv", "empty (expected a header line date,name,...)");
  return out;
}

absl::Status ValidatePermitType(PermitType& p) {
  if (!IsUpperCode(p.code, 2, 32, false)) {
    return FieldError("permit_type.code",
                      absl::StrCat(QuoteValue(p.code),
                                   " must be 2 to 32 of A-Z, 0-9 and _, starting with a letter"));
  }
  p.name = Trim(p.name);
  LOKET_RETURN_IF_ERROR(ValidateLine(p.name, "permit_type.name", 200, true));
  if (p.fee_idr < 0 || p.fee_idr > 1'000'000'000'000) {
    return FieldError("permit_type.fee_idr", "must be between 0 and 1000000000000");
  }
  if (p.service_level_days < 1 || p.service_level_days > 365) {
    return FieldError("permit_type.service_level_days", "must be between 1 and 365 working days");
  }
  if (p.validity_months < 1 || p.validity_months > 600) {
    return FieldError("permit_type.validity_months", "must be between 1 and 600 months");
  }
  p.number_code = absl::AsciiStrToUpper(Trim(p.number_code));
  if (!p.number_code.empty() && !IsNumberCode(p.number_code)) {
    return FieldError("permit_type.number_code",
                      absl::StrCat(QuoteValue(p.number_code),
                                   " must be 1 to 16 of A-Z, 0-9, . and -, starting with a letter "
                                   "or digit (e.g. SIPP)"));
  }
  if (p.required_documents.size() > 50) {
    return FieldError("permit_type.required_documents", "at most 50 documents");
  }
  std::set<std::string> codes;
  for (size_t i = 0; i < p.required_documents.size(); ++i) {
    RequiredDocument& d = p.required_documents[i];
    std::string f = absl::StrCat("permit_type.required_documents[", i, "].");
    if (!IsUpperCode(d.code, 1, 32, false)) {
      return FieldError(f + "code", absl::StrCat(QuoteValue(d.code),
                                                 " must be 1 to 32 of A-Z, 0-9 and _, starting "
                                                 "with a letter"));
    }
    if (!codes.insert(d.code).second) {
      return FieldError(f + "code", absl::StrCat(d.code, " is listed twice"));
    }
    d.name = Trim(d.name);
    LOKET_RETURN_IF_ERROR(ValidateLine(d.name, f + "name", 200, true));
  }
  return absl::OkStatus();
}

absl::Status ValidateClinic(ClinicInfo& c) {
  bool id_ok = c.id.size() >= 2 && c.id.size() <= 64 &&
               ((c.id[0] >= 'a' && c.id[0] <= 'z') || (c.id[0] >= '0' && c.id[0] <= '9'));
  for (char ch : c.id) {
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-')) id_ok = false;
  }
  if (!id_ok) {
    return FieldError("clinic.id", absl::StrCat(QuoteValue(c.id),
                                                " must be 2 to 64 of a-z, 0-9 and -, starting "
                                                "with a letter or digit"));
  }
  c.name = Trim(c.name);
  LOKET_RETURN_IF_ERROR(ValidateLine(c.name, "clinic.name", 200, true));
  if (c.kind != "hospital" && c.kind != "puskesmas" && c.kind != "clinic") {
    return FieldError("clinic.kind",
                      absl::StrCat(QuoteValue(c.kind), " must be hospital, puskesmas or clinic"));
  }
  c.address = Trim(c.address);
  LOKET_RETURN_IF_ERROR(ValidateLine(c.address, "clinic.address", 300, false));
  LOKET_RETURN_IF_ERROR(ValidateLocation(c.latitude, c.longitude, "clinic."));
  if (c.opens < 0 || c.closes > 24 * 60 || c.opens >= c.closes) {
    return FieldError("clinic.closes", "must be after clinic.opens");
  }
  if (!c.phone.empty()) {
    LOKET_ASSIGN_OR_RETURN(std::string phone, NormalizePhone(c.phone, "clinic.phone"));
    c.phone = std::move(phone);
  }
  return absl::OkStatus();
}

absl::Status ValidateCounter(CounterInfo& c) {
  if (!IsUpperCode(c.id, 1, 16, true)) {
    return FieldError("counter.id", absl::StrCat(QuoteValue(c.id),
                                                 " must be 1 to 16 of A-Z, 0-9, _ and -, starting "
                                                 "with a letter"));
  }
  c.name = Trim(c.name);
  LOKET_RETURN_IF_ERROR(ValidateLine(c.name, "counter.name", 100, true));
  if (c.services.size() > 50) return FieldError("counter.services", "at most 50 services");
  std::set<std::string> seen;
  for (size_t i = 0; i < c.services.size(); ++i) {
    std::string f = absl::StrCat("counter.services[", i, "]");
    if (!IsUpperCode(c.services[i], 2, 32, false)) {
      return FieldError(f, absl::StrCat(QuoteValue(c.services[i]), " is not a permit type code"));
    }
    if (!seen.insert(c.services[i]).second) {
      return FieldError(f, absl::StrCat(c.services[i], " is listed twice"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateOffice(OfficeInfo& o) {
  o.name = Trim(o.name);
  LOKET_RETURN_IF_ERROR(ValidateLine(o.name, "office.name", 200, true));
  o.address = Trim(o.address);
  LOKET_RETURN_IF_ERROR(ValidateLine(o.address, "office.address", 300, false));
  LOKET_RETURN_IF_ERROR(ValidateLocation(o.latitude, o.longitude, "office."));
  // Indonesia's three zones only: 0 is what an omitted field looks like in proto3, and an office
  // moved to UTC by accident would shift its "today" (SLA days, reminders, reports) by hours.
  if (o.utc_offset_minutes != 420 && o.utc_offset_minutes != 480 && o.utc_offset_minutes != 540) {
    return FieldError("office.utc_offset_minutes", "must be 420 (WIB), 480 (WITA) or 540 (WIT)");
  }
  return absl::OkStatus();
}

absl::Status CheckEtag(std::string_view field, std::string_view expected,
                       const std::optional<std::string>& current) {
  if (expected.empty() || (current && *current == expected)) return absl::OkStatus();
  return absl::AbortedError(
      absl::StrCat(std::string(field), ": ", current ? "changed" : "removed",
                   " since you read it (someone else saved it); re-read and retry"));
}

std::string RecordEtag(std::string_view audit_json) { return Md5Hex(audit_json); }

absl::Status CheckEtagOf(std::string_view field, std::string_view expected,
                         const std::optional<std::string>& before) {
  if (expected.empty()) return absl::OkStatus();
  return CheckEtag(field, expected,
                   before ? std::optional<std::string>(RecordEtag(*before)) : std::nullopt);
}

bool IsAuditedChange(const std::optional<std::string>& before,
                     const std::optional<std::string>& after) {
  return before != after;
}

absl::Status CheckCounterServices(const CounterInfo& c, const std::set<std::string>& known) {
  for (size_t i = 0; i < c.services.size(); ++i) {
    if (known.count(c.services[i]) == 0) {
      return absl::InvalidArgumentError(absl::StrCat("counter.services[", i, "]: ", c.services[i],
                                                     " is not a permit type of the office"));
    }
  }
  return absl::OkStatus();
}

HolidayImportPlan PlanHolidayImport(const std::set<absl::CivilDay>& existing,
                                    const std::vector<HolidayEntry>& entries, bool replace) {
  HolidayImportPlan plan;
  std::set<absl::CivilDay> in_file;
  for (const HolidayEntry& h : entries) {
    in_file.insert(h.day);
    plan.write.push_back(h);
    (existing.count(h.day) ? plan.updated : plan.added)++;
  }
  if (replace) {
    for (absl::CivilDay d : existing) {
      if (in_file.count(d) == 0) plan.remove.push_back(d);
    }
  }
  return plan;
}

absl::Status CheckHolidayDaysFree(absl::CivilDay today, const std::vector<BookedOnDay>& days,
                                  std::string_view field) {
  auto count = [](int n, std::string_view what) {
    return absl::StrCat(n, " ", std::string(what), n == 1 ? "" : "s");
  };
  std::vector<std::string> busy;
  for (const BookedOnDay& d : days) {
    if (d.day < today) continue;
    std::vector<std::string> held;
    if (d.visits > 0) held.push_back(count(d.visits, "booked visit"));
    if (d.requests > 0) held.push_back(count(d.requests, "appointment request"));
    if (d.courier_stops > 0) held.push_back(count(d.courier_stops, "courier stop"));
    if (held.empty()) continue;
    busy.push_back(absl::StrCat(absl::FormatCivilTime(d.day), " has ", absl::StrJoin(held, ", ")));
  }
  if (busy.empty()) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      std::string(field), ": ", absl::StrJoin(busy, "; "),
      ". Close the day first (loket admin calendar close-day, or \"Tutup kantor satu hari\" on "
      "the admin page): that moves them to the next open day and tells the applicants. Then add "
      "the holiday"));
}

std::vector<DueDateMove> MovedDueDates(const std::vector<StoredDueDate>& running,
                                       const WorkingCalendar& calendar) {
  std::vector<DueDateMove> out;
  for (const StoredDueDate& r : running) {
    if (!r.clock.started_on) continue;
    const SlaStatus sla = ComputeSla(r.clock, calendar, *r.clock.started_on, true);
    if (!sla.due || *sla.due == r.due) continue;
    out.push_back({r.case_id, r.due, *sla.due});
  }
  return out;
}

}  // namespace loket::domain
