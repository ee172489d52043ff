#include "clients/cli/output.h"

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "clients/cli/enum_names.h"
#include "common/office_zone.h"
#include "common/status_macros.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/json_util.h"

namespace loket::cli {
namespace {

std::string Plural(int n, absl::string_view one, absl::string_view many) {
  return absl::StrCat(n, " ", n == 1 ? one : many);
}

bool IsDecided(v1::CaseState s) {
  return s == v1::CASE_STATE_APPROVED || s == v1::CASE_STATE_REJECTED ||
         s == v1::CASE_STATE_ISSUED || s == v1::CASE_STATE_DELIVERED ||
         s == v1::CASE_STATE_COLLECTED || s == v1::CASE_STATE_WITHDRAWN;
}

// The SLA in a few words: "due 2026-12-07 (4 left)", "OVERDUE by 2 working days", ...
std::string SlaSummary(const v1::Case& c) {
  const v1::Sla& sla = c.sla();
  if (sla.paused()) return "paused (revision with applicant)";
  if (sla.overdue()) {
    return absl::StrCat("OVERDUE by ",
                        Plural(-sla.working_days_left(), "working day", "working days"), " (due ",
                        sla.due_date(), ")");
  }
  if (!sla.due_date().empty()) {
    return absl::StrCat("due ", sla.due_date(), " (", sla.working_days_left(), " left)");
  }
  if (c.state() == v1::CASE_STATE_DRAFT) return "not started (draft)";
  return IsDecided(c.state()) ? "stopped (decided)" : "not running";
}

std::string Needs(const v1::Applicant& a) {
  std::vector<std::string> names;
  for (int n : a.accessibility_needs())
    names.push_back(Name(static_cast<v1::AccessibilityNeed>(n)));
  return absl::StrJoin(names, ",");
}

std::string FormatDocument(const v1::Document& d) {
  // Eight hex digits are enough to compare with `sha256sum` by eye.
  return absl::StrCat(d.code(), " ", d.file_name(), " (", Plural(d.size_bytes(), "byte", "bytes"),
                      ", sha256 ", d.sha256_hex().substr(0, 8), "\u2026)");
}

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// One value of `f` in `m` (entry `index` when repeated) as text.
std::string ScalarText(const Message& m, const FieldDescriptor* f, int index) {
  const Reflection* r = m.GetReflection();
  const bool rep = f->is_repeated();
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      return absl::StrCat(rep ? r->GetRepeatedInt32(m, f, index) : r->GetInt32(m, f));
    case FieldDescriptor::CPPTYPE_INT64:
      return absl::StrCat(rep ? r->GetRepeatedInt64(m, f, index) : r->GetInt64(m, f));
    case FieldDescriptor::CPPTYPE_UINT32:
      return absl::StrCat(rep ? r->GetRepeatedUInt32(m, f, index) : r->GetUInt32(m, f));
    case FieldDescriptor::CPPTYPE_UINT64:
      return absl::StrCat(rep ? r->GetRepeatedUInt64(m, f, index) : r->GetUInt64(m, f));
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return absl::StrCat(rep ? r->GetRepeatedDouble(m, f, index) : r->GetDouble(m, f));
    case FieldDescriptor::CPPTYPE_FLOAT:
      return absl::StrCat(rep ? r->GetRepeatedFloat(m, f, index) : r->GetFloat(m, f));
    case FieldDescriptor::CPPTYPE_BOOL:
      return (rep ? r->GetRepeatedBool(m, f, index) : r->GetBool(m, f)) ? "true" : "false";
    case FieldDescriptor::CPPTYPE_ENUM:
      return std::string((rep ? r->GetRepeatedEnum(m, f, index) : r->GetEnum(m, f))->name());
    case FieldDescriptor::CPPTYPE_STRING:
      return rep ? r->GetRepeatedString(m, f, index) : r->GetString(m, f);
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return ToJson(rep ? r->GetRepeatedMessage(m, f, index) : r->GetMessage(m, f));
  }
  return "";
}

std::string FieldNames(const google::protobuf::Descriptor* d) {
  std::vector<std::string> names;
  for (int i = 0; i < d->field_count(); ++i) names.emplace_back(d->field(i)->name());
  return names.empty() ? "none" : absl::StrJoin(names, ", ");
}

}  // namespace

absl::StatusOr<std::string> FieldValue(const Message& m, absl::string_view path) {
  std::vector<std::string> parts = absl::StrSplit(path, '.');
  const Message* cur = &m;
  for (size_t i = 0; i < parts.size(); ++i) {
    const google::protobuf::Descriptor* d = cur->GetDescriptor();
    const FieldDescriptor* f = d->FindFieldByName(parts[i]);
    if (f == nullptr) f = d->FindFieldByCamelcaseName(parts[i]);
    if (f == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("no field '", parts[i], "' in ", d->name(),
                                                     " (its fields: ", FieldNames(d), ")"));
    }
    const bool last = i + 1 == parts.size();
    if (f->is_repeated()) {
      const int n = cur->GetReflection()->FieldSize(*cur, f);
      if (last) {
        std::vector<std::string> lines;
        for (int k = 0; k < n; ++k) lines.push_back(ScalarText(*cur, f, k));
        return absl::StrJoin(lines, "\n");
      }
      int index = -1;
      if (!absl::SimpleAtoi(parts[i + 1], &index) &&
          f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        // "documents.code": the field of every entry, one per line.
        const std::string rest = absl::StrJoin(parts.begin() + i + 1, parts.end(), ".");
        std::vector<std::string> lines;
        for (int k = 0; k < n; ++k) {
          LOKET_ASSIGN_OR_RETURN(
              std::string v,
              FieldValue(cur->GetReflection()->GetRepeatedMessage(*cur, f, k), rest));
          lines.push_back(std::move(v));
        }
        if (n == 0) {
          // Still check the path against the type, so that a typo is not an empty answer.
          LOKET_ASSIGN_OR_RETURN(
              std::string v,
              FieldValue(*google::protobuf::MessageFactory::generated_factory()->GetPrototype(
                             f->message_type()),
                         rest));
        }
        return absl::StrJoin(lines, "\n");
      }
      ++i;
      if (index < 0 || index >= n) {
        return absl::InvalidArgumentError(absl::StrCat("'", parts[i], "': ", f->name(), " has ", n,
                                                       n == 1 ? " entry" : " entries"));
      }
      if (i + 1 == parts.size()) return ScalarText(*cur, f, index);
      if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
        return absl::InvalidArgumentError(absl::StrCat(f->name(), " has no fields"));
      }
      cur = &cur->GetReflection()->GetRepeatedMessage(*cur, f, index);
      continue;
    }
    if (last) return ScalarText(*cur, f, 0);
    if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
      return absl::InvalidArgumentError(absl::StrCat(f->name(), " has no fields"));
    }
    cur = &cur->GetReflection()->GetMessage(*cur, f);
  }
  return ToJson(*cur);
}

std::string OfficeTime(absl::string_view rfc3339, int utc_offset_minutes) {
  if (rfc3339.empty()) return "";
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, rfc3339, &t, &err)) return std::string(rfc3339);
  std::string out =
      absl::FormatTime("%d %b %Y %H:%M", t, absl::FixedTimeZone(utc_offset_minutes * 60));
  if (out.starts_with('0')) out.erase(0, 1);  // "1 Dec 2026", as people write it
  return absl::StrCat(out, " ", OfficeZoneName(utc_offset_minutes));
}

std::string ToJson(const google::protobuf::Message& m) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = false;
  options.preserve_proto_field_names = true;
  std::string out;
  if (!google::protobuf::util::MessageToJsonString(m, &out, options).ok()) {
    // Only a message with invalid UTF-8 gets here; scripts still get JSON.
    return R"({"error":"reply not representable as JSON"})";
  }
  return out;
}

std::string FormatCase(const v1::Case& c) {
  std::string out =
      absl::StrCat("Case ", c.id(), "  ", c.permit_type(), "  state ", Name(c.state()),
                   "  channel ", Name(c.channel()), "  etag ", c.etag(), "\n");
  const v1::Applicant& a = c.applicant();
  absl::StrAppend(&out, "Applicant  ", a.name(), "  NIK ", a.nik(), "  ", a.phone());
  if (!a.email().empty()) absl::StrAppend(&out, "  ", a.email());
  if (a.priority_class() != v1::PRIORITY_CLASS_UNSPECIFIED) {
    absl::StrAppend(&out, "  ", Name(a.priority_class()));
  }
  if (a.accessibility_needs_size() > 0) absl::StrAppend(&out, "  needs ", Needs(a));
  out += "\n";
  if (!c.clinic_id().empty()) absl::StrAppend(&out, "Clinic  ", c.clinic_id(), "\n");
  if (!c.practice_place().empty() || !c.str_number().empty()) {
    absl::StrAppend(&out, "Practice  ", c.practice_place().empty() ? "-" : c.practice_place());
    if (!c.str_number().empty()) absl::StrAppend(&out, "  STR ", c.str_number());
    if (!c.str_valid_until().empty()) {
      absl::StrAppend(&out, " (valid until ", c.str_valid_until(), ")");
    }
    out += "\n";
  }
  absl::StrAppend(&out, "SLA  ",
                  Plural(c.sla().service_level_days(), "working day", "working days"), ", ",
                  SlaSummary(c), "\n");
  if (!c.revision_reason().empty()) {
    // The reason stays on the case after the revision came back; say which it is.
    absl::StrAppend(&out,
                    c.state() == v1::CASE_STATE_REVISION_REQUESTED ? "Revision requested  "
                                                                   : "Last revision request  ",
                    c.revision_reason(), "\n");
  }
  if (!c.decision_note().empty()) absl::StrAppend(&out, "Decision note  ", c.decision_note(), "\n");
  if (!c.permit_number().empty()) {
    absl::StrAppend(&out, "Permit  ", c.permit_number(), "  code ", c.verification_code());
    if (!c.valid_until().empty()) absl::StrAppend(&out, "  valid until ", c.valid_until());
    out += "\n";
  }
  if (!c.verify_url().empty()) absl::StrAppend(&out, "Checked at  ", c.verify_url(), "\n");
  if (!c.revoked_at().empty()) {
    absl::StrAppend(&out, "Revoked  ", c.revoked_at(), "  reason ", c.revoke_reason(), "\n");
  }
  if (c.has_collected_by()) {
    absl::StrAppend(&out, "Collected by  ", c.collected_by().name(), "  ",
                    c.collected_by().id_document_type(), " ", c.collected_by().id_document_number(),
                    "\n");
  }
  if (!c.tracking_code().empty()) {
    absl::StrAppend(&out, "Tracking code  ", c.tracking_code(),
                    "  (the applicant follows the case with it on the public pages)\n");
  }
  if (c.documents().empty()) {
    out += "Documents: none\n";
  } else {
    // The first document follows the label; the others line up under it.
    for (int i = 0; i < c.documents_size(); ++i) {
      absl::StrAppend(&out, i == 0 ? "Documents: " : "           ", FormatDocument(c.documents(i)),
                      "\n");
    }
  }
  for (const v1::NotificationStatus& n : c.notifications()) {
    absl::StrAppend(&out, "Notification  ", n.template_id(), "  ", n.channel(), " ", n.address(),
                    "  ", n.status(), " (", Plural(n.attempts(), "attempt", "attempts"), ")");
    if (!n.sent_at().empty()) absl::StrAppend(&out, "  sent ", OfficeTime(n.sent_at()));
    if (!n.detail().empty()) absl::StrAppend(&out, "  ", n.detail());
    out += "\n";
  }
  return out;
}

std::string FormatCaseLine(const v1::Case& c) {
  return absl::StrFormat("%-6d %-18s %-18s %-24s %s\n", c.id(), Name(c.state()), c.permit_type(),
                         c.applicant().name(), SlaSummary(c));
}

std::string FormatEvent(const v1::CaseEvent& e) {
  std::string out =
      absl::StrCat("#", e.id(), "  ", OfficeTime(e.at()), "  ", e.action(), "  ",
                   Name(e.from_state()), " -> ", Name(e.to_state()), "  ", e.actor(), " (",
                   e.actor_role(), ")  ", e.terminal().empty() ? "-" : e.terminal());
  if (!e.note().empty()) absl::StrAppend(&out, "  \"", e.note(), "\"");
  return out + "\n";
}

std::string FormatPrincipal(const v1::Principal& p) {
  std::string out = absl::StrCat("Principal ", p.id(), "  ", p.name(), "  role ", Name(p.role()),
                                 "  office ", p.office_id());
  if (!p.clinic_id().empty()) absl::StrAppend(&out, "  clinic ", p.clinic_id());
  if (!p.courier_id().empty()) absl::StrAppend(&out, "  courier ", p.courier_id());
  if (!p.username().empty()) absl::StrAppend(&out, "  signs in as ", p.username());
  if (!p.created_at().empty()) absl::StrAppend(&out, "  created ", OfficeTime(p.created_at()));
  if (p.disabled()) out += "  DISABLED";
  return out + "\n";
}

std::string FormatPermitTypes(const v1::ListPermitTypesResponse& r) {
  std::string out;
  for (const v1::PermitType& t : r.permit_types()) {
    absl::StrAppend(&out, t.code(), "  ", t.name(),
                    t.number_code().empty() ? "" : absl::StrCat("  number ", t.number_code()),
                    "  fee ", FormatRupiah(t.fee_idr()), "  SLA ",
                    Plural(t.service_level_days(), "working day", "working days"),
                    t.health_worker() ? "  (health worker, SIBER)" : "", "\n");
    for (const v1::RequiredDocument& d : t.required_documents()) {
      absl::StrAppend(&out, d.mandatory() ? "  * " : "    ", d.code(), "  ", d.name(), "\n");
    }
  }
  if (!r.permit_types().empty()) out += "(* mandatory document)\n";
  return out;
}

std::string FormatHolidays(const v1::ListHolidaysResponse& r) {
  std::string out;
  for (const v1::Holiday& h : r.holidays()) absl::StrAppend(&out, h.date(), "  ", h.name(), "\n");
  return out;
}

std::string FormatClinics(const v1::ListClinicsResponse& r) {
  std::string out;
  for (const v1::Clinic& c : r.clinics()) {
    absl::StrAppend(&out, absl::StrFormat("%-28s %-10s %s", c.id(), c.kind(), c.name()));
    if (!c.address().empty()) absl::StrAppend(&out, "  (", c.address(), ")");
    out += "\n";
  }
  return out;
}

std::string FormatRupiah(int64_t amount) {
  std::string digits = absl::StrCat(amount < 0 ? -amount : amount);
  std::string grouped;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped += '.';
    grouped += digits[i];
  }
  return absl::StrCat(amount < 0 ? "-Rp " : "Rp ", grouped);
}

}  // namespace loket::cli
