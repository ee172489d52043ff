#include "server/store/catalog_repository.h"

#include <map>
#include <optional>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/status_macros.h"
#include "server/domain/sla.h"
#include "server/domain/validation.h"
#include "server/store/admin_audit.h"
#include "server/store/columns.h"
#include "server/store/fetch.h"
#include "server/store/idempotency.h"
#include "server/store/permit_type_rows.h"
#include "server/store/pg.h"

namespace loket::store {
namespace {

// What the audit keeps of a record (before and after a change); its etag is
// domain::RecordEtag of this text. A clinic or a counter: its row (alias c) without the office.
#define LOKET_ROW_JSON "(to_jsonb(c) - 'office_id')::text"
// The office: the fields its administrator may change.
#define LOKET_OFFICE_JSON                                                      \
  "jsonb_build_object('name', name, 'address', address, 'latitude', latitude," \
  " 'longitude', longitude, 'utc_offset_minutes', utc_offset_minutes)::text"
// A permit type (alias pt) with its documents.
#define LOKET_PERMIT_TYPE_JSON                                                                  \
  "(to_jsonb(pt) - 'office_id' || jsonb_build_object('documents',"                              \
  " (SELECT coalesce(jsonb_agg(jsonb_build_object('code', d.code, 'name', d.name,"              \
  " 'mandatory', d.mandatory) ORDER BY d.position, d.code), '[]'::jsonb)"                       \
  " FROM permit_type_documents d WHERE d.office_id = pt.office_id AND d.permit_type = pt.code)" \
  "))::text"

// Each record's columns (server/store/columns.h): its statements select them, its reads name them.
// A record an admin edits reads its audit JSON first (JsonOf takes column 0).
constexpr Statement kPermitTypes{
    "catalog_permit_types", kSelectSql<"SELECT ", kPermitTypeColumns,
                                       " FROM permit_types WHERE office_id = $1 ORDER BY code">};
constexpr Statement kDocuments{"catalog_documents",
                               kSelectSql<"SELECT ", kRequiredDocumentColumns,
                                          " FROM permit_type_documents WHERE office_id = $1"
                                          " ORDER BY permit_type, position, code">};
constexpr auto kPermitTypeJsonColumns =
    MakeColumns({{"json", LOKET_PERMIT_TYPE_JSON}, {"code", "pt.code"}});
// Every permit type of the office ($2 = '') or the one with code $2.
constexpr Statement kPermitTypeJson{
    "refdata_permit_type_json",
    kSelectSql<"SELECT ", kPermitTypeJsonColumns,
               " FROM permit_types pt WHERE pt.office_id = $1 AND ($2 = '' OR pt.code = $2)">};
// A holiday (kHolidays, kYearHolidays).
constexpr auto kHolidayColumns = MakeColumns({{"day", "day::text"}, {"name"}});
constexpr Statement kHolidays{
    "catalog_holidays", kSelectSql<"SELECT ", kHolidayColumns,
                                   " FROM holidays WHERE office_id = $1"
                                   " AND ($2 = 0 OR extract(year FROM day) = $2) ORDER BY day">};
constexpr auto kClinicColumns = MakeColumns({{"id"},
                                             {"name"},
                                             {"kind"},
                                             {"address"},
                                             {"latitude", "coalesce(latitude, 0)"},
                                             {"longitude", "coalesce(longitude, 0)"}});
constexpr Statement kClinics{
    "catalog_clinics",
    kSelectSql<"SELECT ", kClinicColumns, " FROM clinics WHERE office_id = $1 ORDER BY name">};
// A clinic as the admin edits it (ClinicFromRow): every clinic ($2 = '') or clinic $2.
constexpr auto kClinicDetailColumns = MakeColumns(
    {{"json", LOKET_ROW_JSON},
     {"id"},
     {"name"},
     {"kind"},
     {"address"},
     {"latitude"},
     {"longitude"},
     {"opens", "extract(hour FROM opens)::int * 60 + extract(minute FROM opens)::int"},
     {"closes", "extract(hour FROM closes)::int * 60 + extract(minute FROM closes)::int"},
     {"phone"}});
constexpr Statement kClinicDetails{
    "catalog_clinic_details",
    kSelectSql<"SELECT ", kClinicDetailColumns,
               " FROM clinics c WHERE office_id = $1 AND ($2 = '' OR id = $2) ORDER BY name, id">};
// A counter (CounterFromRow): every counter ($2 = '') or counter $2.
constexpr auto kCounterColumns = MakeColumns({{"json", LOKET_ROW_JSON},
                                              {"id"},
                                              {"name"},
                                              {"services", "array_to_string(services, ',')"},
                                              {"seated"},
                                              {"open"}});
constexpr Statement kCounters{
    "catalog_counters",
    kSelectSql<"SELECT ", kCounterColumns,
               " FROM counters c WHERE office_id = $1 AND ($2 = '' OR id = $2) ORDER BY id">};
constexpr auto kOfficeColumns = MakeColumns({{"json", LOKET_OFFICE_JSON},
                                             {"id"},
                                             {"name"},
                                             {"address"},
                                             {"latitude"},
                                             {"longitude"},
                                             {"utc_offset_minutes"}});
constexpr Statement kOffice{"catalog_office",
                            kSelectSql<"SELECT ", kOfficeColumns, " FROM offices WHERE id = $1">};
constexpr auto kAuditColumns = MakeColumns({{"id"},
                                            {"at", "at::text"},
                                            {"actor_id"},
                                            {"actor_name"},
                                            {"terminal"},
                                            {"action"},
                                            {"entity"},
                                            {"before", "coalesce(before::text, '')"},
                                            {"after", "coalesce(after::text, '')"}});
constexpr Statement kAudit{
    "catalog_audit",
    kSelectSql<"SELECT ", kAuditColumns,
               " FROM admin_audit"
               " WHERE office_id = $1 AND ($3::bigint = 0 OR id < $3::bigint) ORDER BY id DESC"
               " LIMIT $2::int">};

// Every change bumps the version every replica's caches compare against (and writes its audit row).
constexpr Statement kBumpVersion{
    "refdata_bump", "UPDATE offices SET refdata_version = refdata_version + 1 WHERE id = $1"};

// A holiday change moves the due dates of the cases whose clock runs over it: the stored due_date
// (what `office overdue` filters on) is computed again from the new calendar. A paused clock has
// no due date; it gets one from the calendar of the day it resumes.
constexpr Statement kOfficeHolidays{"refdata_office_holidays",
                                    "SELECT day::text FROM holidays WHERE office_id = $1"};
constexpr auto kRunningDueDateColumns = MakeColumns({{"id"},
                                                     {"sla_days"},
                                                     {"sla_started_on", "sla_started_on::text"},
                                                     {"sla_paused_days"},
                                                     {"due_date", "due_date::text"}});
constexpr Statement kRunningDueDates{
    "refdata_running_due_dates",
    kSelectSql<"SELECT ", kRunningDueDateColumns,
               " FROM cases"
               " WHERE office_id = $1 AND due_date >= $2::date AND sla_started_on IS NOT NULL"
               " AND sla_paused_since IS NULL"
               " AND state IN ('SUBMITTED', 'VERIFYING', 'REVISION_REQUESTED', 'APPROVED')">};
// Compare-and-set: a transition that wrote its own due date meanwhile keeps it.
constexpr Statement kMoveDueDate{
    "refdata_move_due_date",
    "UPDATE cases SET due_date = $2::date WHERE id = $1 AND due_date = $3::date"};

constexpr Statement kHolidayJson{
    "refdata_holiday_json",
    "SELECT jsonb_build_object('day', day::text, 'name', name)::text FROM holidays"
    " WHERE office_id = $1 AND day = $2::date"};
constexpr Statement kUpsertHoliday{
    "refdata_upsert_holiday",
    "INSERT INTO holidays (office_id, day, name) VALUES ($1, $2::date, $3)"
    " ON CONFLICT (office_id, day) DO UPDATE SET name = EXCLUDED.name"};
constexpr Statement kDeleteHoliday{
    "refdata_delete_holiday",
    "DELETE FROM holidays WHERE office_id = $1 AND day = $2::date RETURNING name"};
constexpr Statement kYearHolidays{
    "refdata_year_holidays",
    kSelectSql<"SELECT ", kHolidayColumns,
               " FROM holidays WHERE office_id = $1 AND day >= make_date($2::int, 1, 1)"
               " AND day < make_date($2::int + 1, 1, 1) ORDER BY day">};

// Days about to become holidays: their slots locked first (in id order, as CloseDay locks a
// day's seats), so no seat is taken between the count and their closing.
constexpr Statement kLockSlotsOfDays{
    "refdata_lock_slots_of_days",
    "SELECT id FROM slots WHERE office_id = $1 AND day = ANY($2::date[]) ORDER BY id FOR UPDATE"};
// What each of those days holds (domain::BookedOnDay).
constexpr auto kBookedOnDayColumns = MakeColumns(
    {{"day", "u.d::text"},
     {"visits",
      "(SELECT count(*)::int FROM appointments a JOIN slots s ON s.id = a.slot_id"
      " WHERE s.office_id = $1 AND s.day = u.d AND a.state = 'booked')"},
     {"requests",
      "(SELECT count(*)::int FROM appointment_requests r WHERE r.office_id = $1 AND r.day = u.d"
      " AND r.state IN ('pending', 'waitlisted'))"},
     {"courier_stops",
      "(SELECT count(*)::int FROM stops p WHERE p.office_id = $1 AND p.day = u.d"
      " AND p.state IN ('pending', 'planned', 'arrived'))"}});
constexpr Statement kBookedOnDays{
    "refdata_booked_on_days",
    kSelectSql<"SELECT ", kBookedOnDayColumns, " FROM unnest($2::date[]) AS u(d)">};
constexpr Statement kCloseSlotsOfDays{
    "refdata_close_slots_of_days",
    "UPDATE slots SET closed = true WHERE office_id = $1 AND day = ANY($2::date[]) AND NOT closed"};
// A day that is no longer a holiday opens its slots again, unless the day was closed (CloseDay).
constexpr Statement kReopenSlotsOfDays{
    "refdata_reopen_slots_of_days",
    "UPDATE slots s SET closed = false WHERE s.office_id = $1 AND s.day = ANY($2::date[])"
    " AND s.closed AND NOT EXISTS (SELECT 1 FROM siber_days c WHERE c.office_id = s.office_id"
    " AND c.day = s.day AND c.closed_reason IS NOT NULL)"};
constexpr Statement kUtcOffset{"refdata_utc_offset",
                               "SELECT utc_offset_minutes FROM offices WHERE id = $1"};

constexpr Statement kUpsertPermitType{
    "refdata_upsert_permit_type",
    "INSERT INTO permit_types (office_id, code, name, fee_idr, service_level_days, health_worker,"
    " validity_months, number_code) VALUES ($1, $2, $3, $4::bigint, $5::int, $6::boolean, $7::int,"
    " $8) ON CONFLICT (office_id, code) DO UPDATE SET name = EXCLUDED.name,"
    " fee_idr = EXCLUDED.fee_idr, service_level_days = EXCLUDED.service_level_days,"
    " health_worker = EXCLUDED.health_worker, validity_months = EXCLUDED.validity_months,"
    " number_code = EXCLUDED.number_code"};
constexpr Statement kDeleteDocuments{
    "refdata_delete_documents",
    "DELETE FROM permit_type_documents WHERE office_id = $1 AND permit_type = $2"};
constexpr Statement kInsertDocument{
    "refdata_insert_document",
    "INSERT INTO permit_type_documents (office_id, permit_type, code, name, mandatory, position)"
    " VALUES ($1, $2, $3, $4, $5::boolean, $6::int)"};

constexpr Statement kUpsertClinic{
    "refdata_upsert_clinic",
    "INSERT INTO clinics (office_id, id, name, kind, address, latitude, longitude, opens, closes,"
    " phone) VALUES ($1, $2, $3, $4, $5, $6::float8, $7::float8,"
    " make_time($8::int / 60, $8::int % 60, 0), make_time($9::int / 60, $9::int % 60, 0), $10)"
    " ON CONFLICT (office_id, id) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind,"
    " address = EXCLUDED.address, latitude = EXCLUDED.latitude, longitude = EXCLUDED.longitude,"
    " opens = EXCLUDED.opens, closes = EXCLUDED.closes, phone = EXCLUDED.phone"};

constexpr Statement kPermitTypeCodes{"refdata_permit_type_codes",
                                     "SELECT code FROM permit_types WHERE office_id = $1"};
constexpr Statement kUpsertCounter{
    "refdata_upsert_counter",
    "INSERT INTO counters (office_id, id, name, services, seated)"
    " VALUES ($1, $2, $3, string_to_array(nullif($4, ''), ','), $5::boolean)"
    " ON CONFLICT (office_id, id) DO UPDATE SET name = EXCLUDED.name,"
    " services = EXCLUDED.services, seated = EXCLUDED.seated"};

constexpr Statement kUpdateOffice{
    "refdata_update_office",
    "UPDATE offices SET name = $2, address = $3, latitude = $4::float8, longitude = $5::float8,"
    " utc_offset_minutes = $6::int WHERE id = $1"};

// A change to the office's reference data, replayed by request_id: `fn` gets the caller's office.
absl::StatusOr<std::string> Change(
    Database& db, const Mutation& m,
    const std::function<absl::StatusOr<std::string>(Tx&, const std::string& office)>& fn) {
  return RunIdempotent(db.impl(), m, [&](Tx& tx) -> absl::StatusOr<std::string> {
    // First: locks the office row, so edits read "before" in turn.
    tx.Exec(kBumpVersion, m.actor.office_id);
    tx.refdata_versions().erase(m.actor.office_id);  // a reading from before the bump is stale
    return fn(tx, m.actor.office_id);
  });
}

// Days that become holidays close for visits: refused while one, from today on, still holds
// bookings (domain::CheckHolidayDaysFree names them); otherwise their empty slots close.
absl::Status CloseForHolidays(Tx& tx, const std::string& office, absl::Time now,
                              const std::vector<absl::CivilDay>& days, std::string_view field) {
  if (days.empty()) return absl::OkStatus();
  const std::string array = ArrayLiteral(days);
  tx.Exec(kLockSlotsOfDays, office, array);
  std::vector<domain::BookedOnDay> booked;
  for (const auto& row : tx.Exec(kBookedOnDays, office, array)) {
    constexpr const auto& k = kBookedOnDayColumns;
    booked.push_back({ParseDay(row[k["day"]].as<std::string>()), row[k["visits"]].as<int>(),
                      row[k["requests"]].as<int>(), row[k["courier_stops"]].as<int>()});
  }
  const absl::CivilDay today = LocalDay(now, tx.Exec(kUtcOffset, office)[0][0].as<int>());
  LOKET_RETURN_IF_ERROR(domain::CheckHolidayDaysFree(today, booked, field));
  tx.Exec(kCloseSlotsOfDays, office, array);
  return absl::OkStatus();
}

// Adds or renames the holiday on `day`, audited as `action`.
void WriteHoliday(Tx& tx, const Mutation& m, const std::string& action, const Holiday& h) {
  const std::string& office = m.actor.office_id;
  std::string day = FormatDay(h.day);
  std::optional<std::string> before = JsonOf(tx, kHolidayJson, office, day);
  tx.Exec(kUpsertHoliday, office, day, h.name);
  Audit(tx, m, action, day, before, JsonOf(tx, kHolidayJson, office, day));
}

// Removes the holiday on `day`, audited as `action`; its name, nullopt when there was none.
std::optional<std::string> DeleteHoliday(Tx& tx, const Mutation& m, const std::string& action,
                                         absl::CivilDay day) {
  const std::string& office = m.actor.office_id;
  std::string d = FormatDay(day);
  std::optional<std::string> before = JsonOf(tx, kHolidayJson, office, d);
  pqxx::result r = tx.Exec(kDeleteHoliday, office, d);
  if (r.empty()) return std::nullopt;
  Audit(tx, m, action, d, before, std::nullopt);
  return r[0][0].as<std::string>();
}

// Moves the due dates on or after `from` as the office's holidays are now in `tx`
// (domain::MovedDueDates).
void RefreshDueDates(Tx& tx, const std::string& office, absl::CivilDay from) {
  std::set<absl::CivilDay> days = DaysOf(tx.Exec(kOfficeHolidays, office));
  constexpr const auto& k = kRunningDueDateColumns;
  std::vector<domain::StoredDueDate> running =
      MapRows(tx.Exec(kRunningDueDates, office, FormatDay(from)), [](const pqxx::row& row) {
        domain::StoredDueDate r;
        r.case_id = row[k["id"]].as<int64_t>();
        r.clock.service_level_days = row[k["sla_days"]].as<int>();
        r.clock.started_on = ParseDay(row[k["sla_started_on"]].as<std::string>());
        r.clock.paused_working_days = row[k["sla_paused_days"]].as<int>();
        r.due = ParseDay(row[k["due_date"]].as<std::string>());
        return r;
      });
  for (const domain::DueDateMove& d :
       domain::MovedDueDates(running, domain::WorkingCalendar(std::move(days)))) {
    tx.Exec(kMoveDueDate, d.case_id, FormatDay(d.to), FormatDay(d.from));
  }
}

// A row of kHolidayColumns.
Holiday HolidayFromRow(const pqxx::row& row) {
  return {ParseDay(row[kHolidayColumns["day"]].as<std::string>()),
          row[kHolidayColumns["name"]].as<std::string>()};
}

// A row of kClinicDetailColumns.
domain::ClinicInfo ClinicFromRow(const pqxx::row& row) {
  constexpr const auto& k = kClinicDetailColumns;
  domain::ClinicInfo c;
  c.id = row[k["id"]].as<std::string>();
  c.name = row[k["name"]].as<std::string>();
  c.kind = row[k["kind"]].as<std::string>();
  c.address = row[k["address"]].as<std::string>();
  c.latitude = OptionalDouble(row[k["latitude"]]);
  c.longitude = OptionalDouble(row[k["longitude"]]);
  c.opens = row[k["opens"]].as<int>();
  c.closes = row[k["closes"]].as<int>();
  c.phone = row[k["phone"]].as<std::string>();
  c.etag = domain::RecordEtag(row[k["json"]].as<std::string>());
  return c;
}

domain::CounterInfo CounterFromRow(const pqxx::row& row) {
  domain::CounterInfo c;
  constexpr const auto& k = kCounterColumns;
  c.id = row[k["id"]].as<std::string>();
  c.name = row[k["name"]].as<std::string>();
  for (absl::string_view s :
       absl::StrSplit(row[k["services"]].as<std::string>(), ',', absl::SkipEmpty())) {
    c.services.emplace_back(s);
  }
  c.seated = row[k["seated"]].as<bool>();
  c.open = row[k["open"]].as<bool>();
  c.etag = domain::RecordEtag(row[k["json"]].as<std::string>());
  return c;
}

}  // namespace

absl::StatusOr<std::vector<domain::PermitType>> CatalogRepository::ListPermitTypes(
    const std::string& office_id) {
  return Fetch(db_.impl(), [&](Tx& tx) {
    std::vector<domain::PermitType> out;
    std::map<std::string, size_t> index;
    for (const auto& row : tx.Exec(kPermitTypes, office_id)) {
      out.push_back(PermitTypeFromRow(row));
      index[out.back().code] = out.size() - 1;
    }
    for (const auto& row : tx.Exec(kDocuments, office_id)) {
      auto it = index.find(row[kRequiredDocumentColumns["permit_type"]].as<std::string>());
      if (it == index.end()) continue;
      out[it->second].required_documents.push_back(RequiredDocumentFromRow(row));
    }
    return out;
  });
}

absl::StatusOr<std::map<std::string, std::string>> CatalogRepository::PermitTypeEtags(
    const std::string& office_id) {
  return Fetch(db_.impl(), [&](Tx& tx) {
    std::map<std::string, std::string> out;
    constexpr const auto& k = kPermitTypeJsonColumns;
    for (const auto& row : tx.Exec(kPermitTypeJson, office_id, std::string())) {
      out[row[k["code"]].as<std::string>()] = domain::RecordEtag(row[k["json"]].as<std::string>());
    }
    return out;
  });
}

absl::StatusOr<std::vector<Holiday>> CatalogRepository::ListHolidays(const std::string& office_id,
                                                                     int year) {
  return Fetch(db_.impl(), [&](Tx& tx) {
    return MapRows(tx.Exec(kHolidays, office_id, year), HolidayFromRow);
  });
}

absl::StatusOr<std::vector<Clinic>> CatalogRepository::ListClinics(const std::string& office_id) {
  return Fetch(db_.impl(), [&](Tx& tx) {
    return MapRows(tx.Exec(kClinics, office_id), [](const pqxx::row& row) {
      constexpr const auto& k = kClinicColumns;
      return Clinic{row[k["id"]].as<std::string>(),   row[k["name"]].as<std::string>(),
                    row[k["kind"]].as<std::string>(), row[k["address"]].as<std::string>(),
                    row[k["latitude"]].as<double>(),  row[k["longitude"]].as<double>()};
    });
  });
}

absl::StatusOr<std::vector<domain::ClinicInfo>> CatalogRepository::ListClinicDetails(
    const std::string& office_id) {
  return Fetch(db_.impl(), [&](Tx& tx) {
    return MapRows(tx.Exec(kClinicDetails, office_id, std::string()), ClinicFromRow);
  });
}

absl::StatusOr<std::vector<domain::CounterInfo>> CatalogRepository::ListCounters(
    const std::string& office_id) {
  return Fetch(db_.impl(), [&](Tx& tx) {
    return MapRows(tx.Exec(kCounters, office_id, std::string()), CounterFromRow);
  });
}

absl::StatusOr<domain::OfficeInfo> CatalogRepository::GetOffice(const std::string& office_id) {
  return Fetch(db_.impl(), [&](Tx& tx) -> absl::StatusOr<domain::OfficeInfo> {
    pqxx::result r = tx.Exec(kOffice, office_id);
    if (r.empty()) return absl::NotFoundError("office " + office_id + " is not set up");
    constexpr const auto& k = kOfficeColumns;
    const auto& row = r[0];
    domain::OfficeInfo o;
    o.id = row[k["id"]].as<std::string>();
    o.name = row[k["name"]].as<std::string>();
    o.address = row[k["address"]].as<std::string>();
    o.latitude = OptionalDouble(row[k["latitude"]]);
    o.longitude = OptionalDouble(row[k["longitude"]]);
    o.utc_offset_minutes = row[k["utc_offset_minutes"]].as<int>();
    o.etag = domain::RecordEtag(row[k["json"]].as<std::string>());
    return o;
  });
}

absl::StatusOr<std::vector<AdminAuditRecord>> CatalogRepository::ListAudit(
    const std::string& office_id, int limit, int64_t before_id) {
  return Fetch(db_.impl(), [&](Tx& tx) {
    return MapRows(tx.Exec(kAudit, office_id, limit, before_id), [](const pqxx::row& row) {
      constexpr const auto& k = kAuditColumns;
      return AdminAuditRecord{
          row[k["id"]].as<int64_t>(),           ParseTimestamp(row[k["at"]].as<std::string>()),
          row[k["actor_id"]].as<int64_t>(),     row[k["actor_name"]].as<std::string>(),
          row[k["terminal"]].as<std::string>(), row[k["action"]].as<std::string>(),
          row[k["entity"]].as<std::string>(),   row[k["before"]].as<std::string>(),
          row[k["after"]].as<std::string>()};
    });
  });
}

absl::StatusOr<std::string> CatalogRepository::AddHoliday(const Mutation& m, const Holiday& h,
                                                          const Encode<Holiday>& encode) {
  return Change(db_, m, [&](Tx& tx, const std::string& office) -> absl::StatusOr<std::string> {
    LOKET_RETURN_IF_ERROR(CloseForHolidays(tx, office, clock_.Now(), {h.day}, "date"));
    WriteHoliday(tx, m, "holiday.add", h);
    RefreshDueDates(tx, office, h.day);
    return encode(h);
  });
}

absl::StatusOr<std::string> CatalogRepository::RemoveHoliday(const Mutation& m, absl::CivilDay day,
                                                             const Encode<Holiday>& encode) {
  return Change(db_, m, [&](Tx& tx, const std::string& office) -> absl::StatusOr<std::string> {
    std::optional<std::string> name = DeleteHoliday(tx, m, "holiday.remove", day);
    if (!name) return absl::NotFoundError(absl::StrCat("date: no holiday on ", FormatDay(day)));
    tx.Exec(kReopenSlotsOfDays, office, ArrayLiteral(std::vector<absl::CivilDay>{day}));
    RefreshDueDates(tx, office, day);
    return encode(Holiday{day, *name});
  });
}

absl::StatusOr<std::string> CatalogRepository::ImportHolidays(const Mutation& m, int year,
                                                              const std::vector<Holiday>& entries,
                                                              bool replace,
                                                              const Encode<HolidayImport>& encode) {
  return Change(db_, m, [&](Tx& tx, const std::string& office) -> absl::StatusOr<std::string> {
    std::set<absl::CivilDay> existing;
    for (const Holiday& h : MapRows(tx.Exec(kYearHolidays, office, year), HolidayFromRow)) {
      existing.insert(h.day);
    }
    const domain::HolidayImportPlan plan = domain::PlanHolidayImport(existing, entries, replace);
    std::vector<absl::CivilDay> days;
    for (const Holiday& h : plan.write) days.push_back(h.day);
    LOKET_RETURN_IF_ERROR(CloseForHolidays(tx, office, clock_.Now(), days, "csv"));
    for (const Holiday& h : plan.write) WriteHoliday(tx, m, "holiday.import", h);
    for (absl::CivilDay day : plan.remove) DeleteHoliday(tx, m, "holiday.import", day);
    tx.Exec(kReopenSlotsOfDays, office, ArrayLiteral(plan.remove));
    RefreshDueDates(tx, office, absl::CivilDay(year, 1, 1));
    return encode(HolidayImport{plan.added, plan.updated, static_cast<int>(plan.remove.size()),
                                MapRows(tx.Exec(kYearHolidays, office, year), HolidayFromRow)});
  });
}

absl::StatusOr<std::string> CatalogRepository::SetPermitType(
    const Mutation& m, const domain::PermitType& p, const std::string& etag,
    const std::function<std::string(const domain::PermitType&, const std::string&)>& encode) {
  return Change(db_, m, [&](Tx& tx, const std::string& office) -> absl::StatusOr<std::string> {
    std::optional<std::string> before = JsonOf(tx, kPermitTypeJson, office, p.code);
    LOKET_RETURN_IF_ERROR(domain::CheckEtagOf("permit_type.etag", etag, before));
    tx.Exec(kUpsertPermitType, office, p.code, p.name, p.fee_idr, p.service_level_days,
            p.health_worker, p.validity_months, p.number_code);
    tx.Exec(kDeleteDocuments, office, p.code);
    for (size_t i = 0; i < p.required_documents.size(); ++i) {
      const domain::RequiredDocument& d = p.required_documents[i];
      tx.Exec(kInsertDocument, office, p.code, d.code, d.name, d.mandatory,
              static_cast<int>(i + 1));
    }
    std::optional<std::string> after = JsonOf(tx, kPermitTypeJson, office, p.code);
    Audit(tx, m, "permit_type.set", p.code, before, after);
    return encode(p, domain::RecordEtag(*after));
  });
}

absl::StatusOr<std::string> CatalogRepository::SetClinic(const Mutation& m,
                                                         const domain::ClinicInfo& c,
                                                         const Encode<domain::ClinicInfo>& encode) {
  return Change(db_, m, [&](Tx& tx, const std::string& office) -> absl::StatusOr<std::string> {
    std::optional<std::string> before = JsonOf(tx, kClinicDetails, office, c.id);
    LOKET_RETURN_IF_ERROR(domain::CheckEtagOf("clinic.etag", c.etag, before));
    tx.Exec(kUpsertClinic, office, c.id, c.name, c.kind, c.address, c.latitude, c.longitude,
            c.opens, c.closes, c.phone);
    pqxx::result after = tx.Exec(kClinicDetails, office, c.id);
    Audit(tx, m, "clinic.set", c.id, before,
          after[0][kClinicDetailColumns["json"]].as<std::string>());
    return encode(ClinicFromRow(after[0]));
  });
}

absl::StatusOr<std::string> CatalogRepository::SetCounter(
    const Mutation& m, const domain::CounterInfo& c, const Encode<domain::CounterInfo>& encode) {
  return Change(db_, m, [&](Tx& tx, const std::string& office) -> absl::StatusOr<std::string> {
    std::set<std::string> codes;
    for (const auto& row : tx.Exec(kPermitTypeCodes, office)) {
      codes.insert(row[0].as<std::string>());
    }
    LOKET_RETURN_IF_ERROR(domain::CheckCounterServices(c, codes));
    std::optional<std::string> before = JsonOf(tx, kCounters, office, c.id);
    LOKET_RETURN_IF_ERROR(domain::CheckEtagOf("counter.etag", c.etag, before));
    tx.Exec(kUpsertCounter, office, c.id, c.name, absl::StrJoin(c.services, ","), c.seated);
    pqxx::result after = tx.Exec(kCounters, office, c.id);
    Audit(tx, m, "counter.set", c.id, before, after[0][kCounterColumns["json"]].as<std::string>());
    return encode(CounterFromRow(after[0]));
  });
}

absl::StatusOr<std::string> CatalogRepository::UpdateOffice(
    const Mutation& m, const domain::OfficeInfo& o, const Encode<domain::OfficeInfo>& encode) {
  return Change(db_, m, [&](Tx& tx, const std::string& office) -> absl::StatusOr<std::string> {
    pqxx::result b = tx.Exec(kOffice, office);
    if (b.empty()) return absl::NotFoundError("office " + office + " is not set up");
    std::string before = b[0][kOfficeColumns["json"]].as<std::string>();
    LOKET_RETURN_IF_ERROR(domain::CheckEtagOf("office.etag", o.etag, before));
    tx.Exec(kUpdateOffice, office, o.name, o.address, o.latitude, o.longitude,
            o.utc_offset_minutes);
    std::string after = tx.Exec(kOffice, office)[0][kOfficeColumns["json"]].as<std::string>();
    Audit(tx, m, "office.update", office, before, after);
    domain::OfficeInfo out = o;
    out.id = office;
    out.etag = domain::RecordEtag(after);
    return encode(out);
  });
}

}  // namespace loket::store
