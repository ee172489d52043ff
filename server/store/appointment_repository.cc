#include "server/store/appointment_repository.h"

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/status_macros.h"
#include "server/domain/public_booking.h"
#include "server/domain/validation.h"
#include "server/store/appointment_seats.h"
#include "server/store/columns.h"
#include "server/store/fetch.h"
#include "server/store/idempotency.h"
#include "server/store/pg.h"
#include "server/store/siber_stops.h"
#include "server/store/task_enqueue.h"

namespace loket::store {
namespace {

using domain::PriorityClass;

// Each record's columns (server/store/columns.h): its statements select them, its reads name them.
// A request with its latest appointment (RequestFromRow), from LOKET_REQUEST_FROM.
constexpr auto kRequestColumns =
    MakeColumns({{"id", "r.id"},
                 {"nik", "r.nik"},
                 {"name", "r.name"},
                 {"phone", "r.phone"},
                 {"email", "r.email"},
                 {"language", "r.language"},
                 {"service", "r.service"},
                 {"priority_class", "r.priority_class"},
                 {"accessibility_needs", "array_to_string(r.accessibility_needs, ',')"},
                 {"case_id", "coalesce(r.case_id, 0)"},
                 {"clinic_id", "coalesce(r.clinic_id, '')"},
                 {"day", "r.day::text"},
                 {"state", "r.state"},
                 {"flexible", "r.flexible"},
                 {"created_at", "r.created_at::text"},
                 {"version", "r.version"},
                 {"appointment_id", "coalesce(a.id, 0)"},
                 {"slot_id", "coalesce(a.slot_id, 0)"},
                 {"code", "coalesce(a.code, '')"},
                 {"appointment_state", "coalesce(a.state, '')"},
                 {"starts_at", "coalesce(s.starts_at::text, '')"},
                 {"ends_at", "coalesce(s.ends_at::text, '')"},
                 {"choice_rank", "coalesce(a.choice_rank, 0)"}});
#define LOKET_REQUEST_FROM                                                       \
  " FROM appointment_requests r LEFT JOIN LATERAL (SELECT * FROM appointments x" \
  " WHERE x.request_id = r.id ORDER BY x.id DESC LIMIT 1) a ON true"             \
  " LEFT JOIN slots s ON s.id = a.slot_id"

constexpr Statement kRequestById{
    "appt_request_by_id", kSelectSql<"SELECT ", kRequestColumns,
                                     LOKET_REQUEST_FROM " WHERE r.id = $1 AND r.office_id = $2"
                                                        " AND ($3 = '' OR r.clinic_id = $3)">};
constexpr Statement kRequestByCode{
    "appt_request_by_code",
    kSelectSql<"SELECT ", kRequestColumns,
               LOKET_REQUEST_FROM
               " WHERE r.office_id = $2 AND ($3 = '' OR r.clinic_id = $3) AND r.id = (SELECT"
               " request_id FROM appointments WHERE office_id = $2"
               " AND translate(code, '- ', '') = upper(translate($1, '- ', '')))">};
constexpr Statement kRequestsOfDay{
    "appt_requests_of_day",
    kSelectSql<"SELECT ", kRequestColumns,
               LOKET_REQUEST_FROM
               " WHERE r.office_id = $1 AND r.day = $2::date AND ($3 = '' OR r.state = $3)"
               " AND ($4 = '' OR r.clinic_id = $4) AND r.id > $5 ORDER BY r.id LIMIT $6">};
constexpr auto kLockRequestColumns = MakeColumns({{"state"}, {"version"}, {"day", "day::text"}});
constexpr Statement kLockRequest{
    "appt_lock_request",
    kSelectSql<"SELECT ", kLockRequestColumns,
               " FROM appointment_requests"
               " WHERE id = $1 AND office_id = $2 AND ($3 = '' OR clinic_id = $3)"
               " FOR UPDATE">};
// A request's windows, as text.
constexpr auto kRequestWindowColumns =
    MakeColumns({{"request_id"}, {"starts_at", "starts_at::text"}, {"ends_at", "ends_at::text"}});
constexpr Statement kWindowsOf{
    "appt_windows_of",
    kSelectSql<"SELECT ", kRequestWindowColumns,
               " FROM appointment_windows"
               " WHERE request_id = ANY($1::bigint[]) ORDER BY request_id, rank">};
constexpr Statement kPermitType{"appt_permit_type",
                                "SELECT 1 FROM permit_types WHERE office_id = $1 AND code = $2"};
// A clinic may link only its own cases (a probe for other ids learns nothing).
constexpr Statement kCaseExists{
    "appt_case_exists",
    "SELECT 1 FROM cases WHERE id = $1 AND office_id = $2 AND ($3 = '' OR clinic_id = $3)"};
constexpr Statement kOpenSlotsOfDay{
    "appt_open_slots_of_day",
    kSelectSql<"SELECT ", kSlotColumns,
               " FROM slots"
               " WHERE office_id = $1 AND day = $2::date AND NOT closed ORDER BY starts_at">};
// Another request of a NIK (or a phone) that may hold a place, in a state $4 lists
// (domain::StatesThatMayHold), with its latest appointment; $3 is the request being changed (0
// for a new one). domain::CountHeld counts those that do, under the NIK's (or phone's) lock.
constexpr auto kOtherRequestColumns = MakeColumns({{"state", "r.state"},
                                                   {"day", "r.day::text"},
                                                   {"appointment_state", "coalesce(a.state, '')"},
                                                   {"slot_ends", "s.ends_at::text"}});
constexpr Statement kOthersOfNik{
    "appt_others_of_nik",
    kSelectSql<"SELECT ", kOtherRequestColumns,
               LOKET_REQUEST_FROM " WHERE r.office_id = $1 AND r.nik = $2 AND r.id <> $3"
                                  " AND r.state = ANY($4::text[])">};
constexpr Statement kNikLock{
    "appt_nik_lock", "SELECT pg_advisory_xact_lock(hashtextextended($1 || '/nik/' || $2, 7406))"};
constexpr Statement kInsertRequest{
    "appt_insert_request",
    "INSERT INTO appointment_requests (office_id, nik, name, phone, email, language, service,"
    " priority_class, accessibility_needs, case_id, clinic_id, day, created_by, created_at,"
    " updated_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, string_to_array($9, ',')::text[], $10, $11,"
    " $12::date, $13, $14::timestamptz, $14::timestamptz)"
    " RETURNING id"};
// The per-phone limit of public bookings, decided under the phone's lock like the NIK's. Only
// the booker's own requests count ($5, the office's public principal): a clinic's front-desk
// number given for its staff, or a desk officer's booking, is not the public hoarding seats.
constexpr Statement kPhoneLock{
    "appt_phone_lock",
    "SELECT pg_advisory_xact_lock(hashtextextended($1 || '/phone/' || $2, 7406))"};
constexpr Statement kOthersOfPhone{
    "appt_others_of_phone",
    kSelectSql<"SELECT ", kOtherRequestColumns,
               LOKET_REQUEST_FROM " WHERE r.office_id = $1 AND r.phone = $2 AND r.id <> $3"
                                  " AND r.state = ANY($4::text[]) AND r.created_by = $5">};
constexpr Statement kPhoneOf{"appt_phone_of",
                             "SELECT phone FROM appointment_requests WHERE id = $1"};
constexpr Statement kNikOf{"appt_nik_of", "SELECT nik FROM appointment_requests WHERE id = $1"};
constexpr Statement kInsertWindow{
    "appt_insert_window",
    "INSERT INTO appointment_windows (office_id, request_id, rank, starts_at, ends_at)"
    " VALUES ($1, $2, $3, $4::timestamptz, $5::timestamptz)"};
constexpr Statement kDeleteWindows{"appt_delete_windows",
                                   "DELETE FROM appointment_windows WHERE request_id = $1"};
constexpr Statement kBookedOfRequest{
    "appt_booked_of_request",
    "SELECT id FROM appointments WHERE request_id = $1 AND state = 'booked'"};
// Frees the seat of a booked appointment; returns the slot's day.
// Ends an appointment in state $4 as $3, and frees its seat if its slot starts after $5 (a
// booked one: '-infinity', always; a checked-in one: only while its slot has not begun). Returns
// the slot's day when a seat was freed.
constexpr Statement kEndAppointment{
    "appt_end_appointment",
    "WITH a AS (UPDATE appointments SET state = $3, updated_at = now(), version = version + 1"
    "   WHERE id = $1 AND office_id = $2 AND state = $4 RETURNING slot_id, priority_class)"
    " UPDATE slots s SET booked = s.booked - 1,"
    "   booked_priority = s.booked_priority - (a.priority_class <> 'NONE')::int"
    " FROM a WHERE s.id = a.slot_id AND s.starts_at > $5::timestamptz RETURNING s.day::text"};
constexpr Statement kAddReminder{
    "appt_add_reminder",
    "INSERT INTO appointment_reminders (office_id, appointment_id, notification_id)"
    " VALUES ($1, $2, $3)"};
// Reminders not yet handed to the notifier are withdrawn (their tasks end unsent).
constexpr Statement kDropReminders{
    "appt_drop_reminders",
    "WITH t AS (UPDATE tasks SET state = 'done', last_error = 'withdrawn: appointment not booked',"
    "   updated_at = now() WHERE state = 'ready' AND id IN (SELECT n.task_id FROM notifications n"
    "   JOIN appointment_reminders r ON r.notification_id = n.id WHERE r.appointment_id = $1)"
    "   RETURNING id)"
    " UPDATE notifications SET status = 'skipped', detail = 'withdrawn: appointment not booked'"
    " WHERE task_id IN (SELECT id FROM t)"};
constexpr Statement kLiveNotBooked{
    "appt_live_not_booked",
    "SELECT 1 FROM appointments WHERE request_id = $1 AND state IN ('checked_in', 'served')"};
constexpr Statement kSetRequestState{
    "appt_set_request_state",
    "UPDATE appointment_requests SET state = $2, version = version + 1, updated_at = now()"
    " WHERE id = $1"};
constexpr Statement kRescheduleRequest{
    "appt_reschedule_request",
    "UPDATE appointment_requests SET state = 'pending', day = $2::date, flexible = false,"
    " version = version + 1, updated_at = now() WHERE id = $1"};
constexpr Statement kReleaseNoShows{
    "appt_release_no_shows",
    "WITH ns AS (UPDATE appointments a SET state = 'no_show', updated_at = now(),"
    "   version = a.version + 1 FROM slots s WHERE a.slot_id = s.id AND a.office_id = $1"
    "   AND s.day = $2::date AND a.state = 'booked' AND s.starts_at <= $3::timestamptz"
    "   RETURNING a.slot_id, a.priority_class),"
    " per AS (SELECT slot_id, count(*)::int AS n,"
    "   count(*) FILTER (WHERE priority_class <> 'NONE')::int AS p FROM ns GROUP BY slot_id)"
    " UPDATE slots s SET booked = s.booked - per.n, booked_priority = s.booked_priority - per.p"
    " FROM per WHERE s.id = per.slot_id RETURNING per.n"};
constexpr auto kOpenRequestColumns =
    MakeColumns({{"id"}, {"priority_class"}, {"flexible"}, {"created_at", "created_at::text"}});
constexpr Statement kOpenRequestsOfDay{
    "appt_open_requests_of_day",
    kSelectSql<"SELECT ", kOpenRequestColumns,
               " FROM appointment_requests"
               " WHERE office_id = $1 AND day = $2::date AND state IN ('pending', 'waitlisted')"
               " ORDER BY id">};
constexpr auto kLockOpenRequestColumns = MakeColumns({{"priority_class", "r.priority_class"},
                                                      {"flexible", "r.flexible"},
                                                      {"name", "r.name"},
                                                      {"phone", "r.phone"},
                                                      {"email", "r.email"},
                                                      {"language", "r.language"}});
constexpr Statement kLockOpenRequest{
    "appt_lock_open_request",
    kSelectSql<"SELECT ", kLockOpenRequestColumns,
               " FROM appointment_requests r WHERE r.id = $1 AND r.office_id = $2"
               " AND r.day = $3::date AND r.state IN ('pending', 'waitlisted') FOR UPDATE">};
// A seat is taken under its slot's lock, where domain::SeatOpenTo allows it.
constexpr Statement kLockSeat{
    "appt_lock_seat",
    kSelectSql<"SELECT ", kSlotColumns,
               " FROM slots WHERE id = $1 AND office_id = $2 AND day = $3::date FOR UPDATE">};
// Guarded in SQL too: a full slot is not updated, whatever the caller checked.
constexpr Statement kTakeSeat{"appt_take_seat",
                              "UPDATE slots SET booked = booked + 1, booked_priority ="
                              " booked_priority + $2 WHERE id = $1 AND booked < capacity"};
constexpr Statement kInsertAppointment{
    "appt_insert_appointment",
    "INSERT INTO appointments (office_id, request_id, slot_id, code, priority_class,"
    " choice_rank) VALUES ($1, $2, $3, $4, $5, $6)"
    " ON CONFLICT (office_id, code) DO NOTHING RETURNING id"};
constexpr Statement kWaitlist{
    "appt_waitlist",
    "UPDATE appointment_requests SET state = 'waitlisted', version = version + 1,"
    " updated_at = now() WHERE id = $1 AND office_id = $2 AND state = 'pending'"};
constexpr Statement kAnyPending{
    "appt_any_pending",
    "SELECT 1 FROM appointment_requests WHERE office_id = $1 AND day = $2::date"
    " AND state = 'pending' LIMIT 1"};
// The keys of the release rounds ever enqueued for a day ($3: domain::ReleaseKeysOf).
constexpr Statement kReleaseKeysOfDay{
    "appt_release_keys_of_day",
    "SELECT dedupe_key FROM tasks WHERE office_id = $1 AND queue = $2 AND dedupe_key LIKE $3"};
constexpr Statement kSlotsOfDay{"appt_slots_of_day",
                                kSelectSql<"SELECT ", kSlotColumns,
                                           " FROM slots WHERE office_id = $1 AND day = $2::date"
                                           " ORDER BY starts_at">};
constexpr Statement kLockSlotsOfDay{
    "appt_lock_slots_of_day",
    kSelectSql<"SELECT ", kSlotColumns,
               " FROM slots WHERE office_id = $1 AND day = $2::date ORDER BY id FOR UPDATE">};
// A weekday's hours as the domain counts them: minutes after midnight, 23:59:59 read as 24:00.
constexpr auto kHoursColumns =
    MakeColumns({{"weekday"},
                 {"opens_minute", "(extract(epoch FROM opens) / 60)::int"},
                 {"closes_minute",
                  "CASE WHEN closes = time '23:59:59' THEN 1440 ELSE (extract(epoch FROM closes) / "
                  "60)::int END"},
                 {"slot_minutes"},
                 {"capacity"},
                 {"reserved_priority"}});
constexpr Statement kHoursOfOffice{
    "appt_hours_of_office", kSelectSql<"SELECT ", kHoursColumns,
                                       " FROM office_hours WHERE office_id = $1 ORDER BY weekday">};
constexpr Statement kDeleteHours{"appt_delete_hours",
                                 "DELETE FROM office_hours WHERE office_id = $1"};
constexpr Statement kInsertHours{
    "appt_insert_hours",
    "INSERT INTO office_hours (office_id, weekday, opens, closes, slot_minutes, capacity,"
    " reserved_priority) VALUES ($1, $2, make_time($3 / 60, $3 % 60, 0),"
    " CASE WHEN $4 = 1440 THEN time '23:59:59' ELSE make_time($4 / 60, $4 % 60, 0) END,"
    " $5, $6, $7)"};
constexpr Statement kGenerateSlots{"appt_generate_slots",
                                   "SELECT generate_slots($1, $2::date, $3::date)"};
constexpr Statement kLockCounter{
    "appt_lock_counter", "SELECT open FROM counters WHERE office_id = $1 AND id = $2 FOR UPDATE"};
// Read and written under the counter's lock.
constexpr Statement kCounterClosed{
    "appt_counter_closed",
    "SELECT 1 FROM counter_closures WHERE office_id = $1 AND counter_id = $2 AND day = $3::date"};
constexpr Statement kCloseCounter{
    "appt_close_counter",
    "INSERT INTO counter_closures (office_id, counter_id, day, reason) VALUES ($1, $2, $3::date,"
    " $4) ON CONFLICT DO NOTHING"};
constexpr Statement kOpenCounters{
    "appt_open_counters",
    "SELECT count(*)::int FROM counters c WHERE c.office_id = $1 AND c.open AND NOT EXISTS ("
    " SELECT 1 FROM counter_closures x WHERE x.office_id = c.office_id AND x.counter_id = c.id"
    " AND x.day = $2::date)"};
// The booked appointments of a day's slots, which a closure may move (domain::BookedSeat).
constexpr auto kBookedSeatColumns = MakeColumns({{"id", "a.id"},
                                                 {"request_id", "a.request_id"},
                                                 {"slot_id", "a.slot_id"},
                                                 {"priority_class", "a.priority_class"},
                                                 {"created_at", "a.created_at::text"}});
constexpr Statement kBookedOfDay{
    "appt_booked_of_day",
    kSelectSql<"SELECT ", kBookedSeatColumns,
               " FROM appointments a JOIN slots s ON s.id = a.slot_id"
               " WHERE s.office_id = $1 AND s.day = $2::date AND a.state = 'booked'"
               // Locked until the closure commits: a check-in meanwhile waits, then finds the
               // appointment cancelled; one that came first is no longer read as booked.
               " FOR UPDATE OF a">};
constexpr Statement kCancelAppointment{
    "appt_cancel_appointment",
    "UPDATE appointments SET state = 'cancelled', updated_at = now(), version = version + 1"
    " WHERE id = $1 AND state = 'booked'"};
constexpr Statement kRepend{
    "appt_repend",
    "UPDATE appointment_requests SET state = 'pending', flexible = true, version = version + 1,"
    " updated_at = now() WHERE id = $1"};
constexpr Statement kShrinkSlot{
    "appt_shrink_slot",
    "UPDATE slots SET capacity = $2::int, reserved_priority = $5::int,"
    " booked = booked - $3, booked_priority = booked_priority - $4 WHERE id = $1"};
constexpr Statement kCloseSlot{
    "appt_close_slot",
    "UPDATE slots SET closed = true, booked = booked - $2, booked_priority = booked_priority - $3"
    " WHERE id = $1"};
constexpr Statement kNextOpenDay{
    "appt_next_open_day",
    "SELECT min(day)::text FROM slots WHERE office_id = $1 AND day > $2::date AND NOT closed"};
constexpr Statement kOpenRequestIds{
    "appt_open_request_ids",
    "SELECT id FROM appointment_requests WHERE office_id = $1 AND day = $2::date"
    " AND state IN ('pending', 'waitlisted') FOR UPDATE"};
constexpr Statement kMoveRequest{
    "appt_move_request",
    "UPDATE appointment_requests SET day = $2::date, state = 'pending', flexible = true,"
    " version = version + 1, updated_at = now() WHERE id = $1"};
constexpr Statement kShiftWindows{
    "appt_shift_windows",
    "UPDATE appointment_windows SET starts_at = starts_at + make_interval(days => $2),"
    " ends_at = ends_at + make_interval(days => $2) WHERE request_id = $1"};

std::string PriorityName(PriorityClass p) { return std::string(domain::PriorityClassName(p)); }

// A row of kRequestColumns.
AppointmentRequestRecord RequestFromRow(const pqxx::row& row) {
  constexpr const auto& k = kRequestColumns;
  auto text = [&row](int column) { return row[column].as<std::string>(); };
  AppointmentRequestRecord r;
  r.id = row[k["id"]].as<int64_t>();
  r.applicant.nik = text(k["nik"]);
  r.applicant.name = text(k["name"]);
  r.applicant.phone = text(k["phone"]);
  r.applicant.email = text(k["email"]);
  r.applicant.language = text(k["language"]);
  r.service = text(k["service"]);
  r.applicant.priority =
      domain::PriorityClassFromName(text(k["priority_class"])).value_or(PriorityClass::kNone);
  for (absl::string_view n :
       absl::StrSplit(text(k["accessibility_needs"]), ',', absl::SkipEmpty())) {
    if (auto need = domain::AccessibilityNeedFromName(std::string(n))) {
      r.applicant.needs.push_back(*need);
    }
  }
  r.case_id = row[k["case_id"]].as<int64_t>();
  r.clinic_id = text(k["clinic_id"]);
  r.day = text(k["day"]);
  r.state = text(k["state"]);
  r.flexible = row[k["flexible"]].as<bool>();
  r.created_at = ParseTimestamp(text(k["created_at"]));
  r.version = row[k["version"]].as<int64_t>();
  if (row[k["appointment_id"]].as<int64_t>() != 0) {
    AppointmentRecord a;
    a.id = row[k["appointment_id"]].as<int64_t>();
    a.slot_id = row[k["slot_id"]].as<int64_t>();
    a.code = text(k["code"]);
    a.state = text(k["appointment_state"]);
    a.starts_at = ParseTimestamp(text(k["starts_at"]));
    a.ends_at = ParseTimestamp(text(k["ends_at"]));
    a.choice_rank = row[k["choice_rank"]].as<int>();
    r.appointment = a;
  }
  return r;
}

void LoadWindows(Tx& tx, std::vector<AppointmentRequestRecord>& rs) {
  if (rs.empty()) return;
  std::map<int64_t, AppointmentRequestRecord*> by_id;
  std::vector<int64_t> ids;
  for (auto& r : rs) {
    by_id[r.id] = &r;
    ids.push_back(r.id);
  }
  constexpr const auto& k = kRequestWindowColumns;
  for (const auto& row : tx.Exec(kWindowsOf, ArrayLiteral(ids))) {
    by_id[row[k["request_id"]].as<int64_t>()]->windows.push_back(
        {ParseTimestamp(row[k["starts_at"]].as<std::string>()),
         ParseTimestamp(row[k["ends_at"]].as<std::string>())});
  }
}

// The clinic a caller is limited to ("" for the office's own staff).
std::string ScopeOf(const domain::Principal& p) { return *domain::ClinicScope(p, ""); }

absl::StatusOr<AppointmentRequestRecord> LoadRequest(Tx& tx, const domain::Principal& viewer,
                                                     int64_t id, const std::string& code) {
  std::string scope = ScopeOf(viewer);
  pqxx::result r = id != 0 ? tx.Exec(kRequestById, id, viewer.office_id, scope)
                           : tx.Exec(kRequestByCode, code, viewer.office_id, scope);
  if (r.empty()) {
    return absl::NotFoundError(id != 0 ? absl::StrCat("appointment request ", id, " not found")
                                       : absl::StrCat("appointment code ", code, " not found"));
  }
  std::vector<AppointmentRequestRecord> one{RequestFromRow(r[0])};
  LoadWindows(tx, one);
  return one[0];
}

// A request as the caller may see it, encoded: what every change answers with.
absl::StatusOr<std::string> EncodeRequest(Tx& tx, const domain::Principal& actor, int64_t id,
                                          const RequestEncoder& encode) {
  LOKET_ASSIGN_OR_RETURN(AppointmentRequestRecord rec, LoadRequest(tx, actor, id, ""));
  return encode(rec);
}

// A booking's day must have open slots (domain::CheckOpenSlots).
absl::Status CheckOpenSlotsIn(Tx& tx, const std::string& office_id, absl::CivilDay day) {
  return domain::CheckOpenSlots(day, !tx.Exec(kOpenSlotsOfDay, office_id, FormatDay(day)).empty());
}

void InsertWindows(Tx& tx, const std::string& office_id, int64_t request_id,
                   const std::vector<domain::TimeWindow>& windows) {
  for (size_t i = 0; i < windows.size(); ++i) {
    tx.Exec(kInsertWindow, office_id, request_id, static_cast<int>(i),
            FormatTimestamp(windows[i].starts_at), FormatTimestamp(windows[i].ends_at));
  }
}

// How many of the requests `others` (rows of kOthersOfNik or kOthersOfPhone) hold a place.
int64_t CountHeldIn(const pqxx::result& others, absl::CivilDay today, absl::Time now) {
  constexpr const auto& k = kOtherRequestColumns;
  return domain::CountHeld(
      MapRows(others,
              [&](const pqxx::row& row) {
                return domain::OtherRequest{
                    row[k["state"]].as<std::string>(), ParseDay(row[k["day"]].as<std::string>()),
                    row[k["appointment_state"]].as<std::string>(),
                    OptionalTs(row[k["slot_ends"]]).value_or(absl::InfinitePast())};
              }),
      today, now);
}

std::string StatesThatMayHold() { return ArrayLiteral(domain::StatesThatMayHold()); }

// The places the NIK holds besides `except` (0 for a new request), counted under its lock.
int64_t LockAndCountNik(Tx& tx, const std::string& office_id, const std::string& nik,
                        int64_t except, absl::CivilDay today, absl::Time now) {
  tx.Exec(kNikLock, office_id, nik);
  return CountHeldIn(tx.Exec(kOthersOfNik, office_id, nik, except, StatesThatMayHold()), today,
                     now);
}

// The places the phone holds by `booker`'s bookings besides `except` (0 for a new one).
int64_t CountPhone(Tx& tx, const domain::Principal& booker, const std::string& phone,
                   int64_t except, absl::CivilDay today, absl::Time now) {
  return CountHeldIn(
      tx.Exec(kOthersOfPhone, booker.office_id, phone, except, StatesThatMayHold(), booker.id),
      today, now);
}

// The same, counted under the phone's lock (the count that decides).
int64_t LockAndCountPhone(Tx& tx, const domain::Principal& booker, const std::string& phone,
                          int64_t except, absl::CivilDay today, absl::Time now) {
  tx.Exec(kPhoneLock, booker.office_id, phone);
  return CountPhone(tx, booker, phone, except, today, now);
}

// A slots.allocate round: the day's ("YYYY-MM-DD", at once), a sweep or a release (after `at`).
void EnqueueAllocation(Tx& tx, const std::string& office_id, const std::string& key,
                       absl::Time at = absl::InfinitePast()) {
  EnqueueInTx(tx, NewTask{office_id, kSlotsAllocateQueue, key, "", at, 8});
}

// The applicant hears that a booked appointment is off (cancelled, or displaced by a closure).
void EnqueueCancelled(Tx& tx, const NotificationEncoder& encode,
                      const domain::NotificationPolicy& policy, const OutboxOffice& office,
                      absl::Time now, const AppointmentRequestRecord& r) {
  if (!r.appointment) return;
  domain::AppointmentContact to{r.applicant.name, r.applicant.phone, r.applicant.email,
                                r.applicant.language};
  EnqueueNotificationInTx(tx, encode, policy, office, now,
                          domain::CancelledNotice(to, r.appointment->starts_at,
                                                  office.utc_offset_minutes, r.appointment->code));
}

int CountOf(const pqxx::result& r) {
  int n = 0;
  for (const auto& row : r) n += row[0].as<int>();
  return n;
}

// The same row as the rules' seats, or as times for domain::PreferredSlots.
domain::SlotSeats SeatsFromRow(const pqxx::row& row) { return SlotFromRow(row); }
domain::SlotTimes TimesOf(const SlotRecord& s) { return {s.id, s.starts_at, s.ends_at}; }
domain::SlotTimes TimesFromRow(const pqxx::row& row) { return TimesOf(SlotFromRow(row)); }

// Locks the day's slots and reads their booked appointments: what a closure decides on.
void LockDaySeats(Tx& tx, const std::string& office_id, const std::string& day,
                  std::vector<domain::SlotSeats>& slots, std::vector<domain::BookedSeat>& booked) {
  slots = MapRows(tx.Exec(kLockSlotsOfDay, office_id, day), SeatsFromRow);
  if (slots.empty()) return;
  constexpr const auto& k = kBookedSeatColumns;
  for (const auto& row : tx.Exec(kBookedOfDay, office_id, day)) {
    booked.push_back({row[k["id"]].as<int64_t>(), row[k["request_id"]].as<int64_t>(),
                      row[k["slot_id"]].as<int64_t>(),
                      row[k["priority_class"]].as<std::string>() != "NONE",
                      ParseTimestamp(row[k["created_at"]].as<std::string>())});
  }
}

// Writes a closure's displacement: each appointment cancelled (its applicant told first, its
// reminders withdrawn), its request back to pending and flexible.
void Displace(Tx& tx, const std::vector<domain::BookedSeat>& seats,
              const std::function<void(int64_t)>& told) {
  for (const domain::BookedSeat& b : seats) {
    told(b.request_id);
    tx.Exec(kCancelAppointment, b.appointment_id);
    tx.Exec(kDropReminders, b.appointment_id);
    tx.Exec(kRepend, b.request_id);
  }
}

// Locks a request for a cancel or a reschedule and reads what domain::CheckChangeable needs;
// nullopt when it is not there in the caller's scope.
std::optional<domain::ChangeableRequest> LockForChange(Tx& tx, const domain::Principal& actor,
                                                       int64_t id) {
  pqxx::result lock = tx.Exec(kLockRequest, id, actor.office_id, ScopeOf(actor));
  if (lock.empty()) return std::nullopt;
  constexpr const auto& k = kLockRequestColumns;
  return domain::ChangeableRequest{lock[0][k["version"]].as<int64_t>(),
                                   lock[0][k["state"]].as<std::string>(),
                                   !tx.Exec(kLiveNotBooked, id).empty()};
}

// Ends the booked appointment of request `request_id`, if it has one.
std::optional<std::string> EndBookingOf(Tx& tx, const std::string& office_id, int64_t request_id) {
  pqxx::result r = tx.Exec(kBookedOfRequest, request_id);
  if (r.empty()) return std::nullopt;
  return EndBookedAppointmentInTx(tx, office_id, r[0][0].as<int64_t>(), "cancelled");
}

// Seats, requests and the day's coalesced task are locked in different orders by bookings,
// cancellations and concurrent allocation rounds; PostgreSQL breaks the rare deadlock by aborting
// one transaction, which is then simply run again (it rolled back, and request_id replay still
// holds).
constexpr int kTxAttempts = 4;

absl::StatusOr<std::string> RunIdempotentRetrying(
    Database::Impl& db, const Mutation& m,
    const std::function<absl::StatusOr<std::string>(Tx&)>& fn) {
  for (int attempt = 1;; ++attempt) {
    absl::StatusOr<std::string> r = RunIdempotent(db, m, fn);
    if (attempt == kTxAttempts || !absl::IsAborted(r.status())) return r;
  }
}

absl::Status RunTxRetrying(Database::Impl& db, const std::function<absl::Status(Tx&)>& fn) {
  for (int attempt = 1;; ++attempt) {
    absl::Status s = db.RunTx(fn);
    if (attempt == kTxAttempts || !absl::IsAborted(s)) return s;
  }
}

}  // namespace

SlotRecord SlotFromRow(const pqxx::row& row) {
  constexpr const auto& k = kSlotColumns;
  SlotRecord s;
  s.id = row[k["id"]].as<int64_t>();
  s.day = row[k["day"]].as<std::string>();
  s.starts_at = ParseTimestamp(row[k["starts_at"]].as<std::string>());
  s.ends_at = ParseTimestamp(row[k["ends_at"]].as<std::string>());
  s.capacity = row[k["capacity"]].as<int>();
  s.reserved_priority = row[k["reserved_priority"]].as<int>();
  s.booked = row[k["booked"]].as<int>();
  s.booked_priority = row[k["booked_priority"]].as<int>();
  s.closed = row[k["closed"]].as<bool>();
  return s;
}

absl::StatusOr<std::string> AppointmentRepository::Create(const Mutation& m,
                                                          NewAppointmentRequest r,
                                                          const RequestEncoder& encode) {
  return RunIdempotentRetrying(db_.impl(), m, [&](Tx& tx) -> absl::StatusOr<std::string> {
    absl::Time now = clock_.Now();
    LOKET_ASSIGN_OR_RETURN(OfficeContext office, LoadOffice(tx, m.actor.office_id, now, offices_));
    // Load what the rule needs (domain::DecideNewRequest).
    domain::NewRequestFacts f;
    f.booker = m.actor.role;
    f.applicant = r.applicant;
    f.service = r.service;
    f.service_known =
        !r.service.empty() && !tx.Exec(kPermitType, m.actor.office_id, r.service).empty();
    f.case_id = r.case_id;
    // A clinic may link only its own cases (a probe for other ids learns nothing).
    f.case_found = r.case_id > 0 &&
                   !tx.Exec(kCaseExists, r.case_id, m.actor.office_id, ScopeOf(m.actor)).empty();
    f.windows = r.windows;
    f.now = now;
    f.utc_offset_minutes = office.utc_offset_minutes;
    f.today = office.today;
    LOKET_ASSIGN_OR_RETURN(domain::NewRequest req, domain::DecideNewRequest(f));
    const domain::Applicant& a = req.applicant;
    std::string day_text = FormatDay(req.day);
    LOKET_RETURN_IF_ERROR(CheckOpenSlotsIn(tx, m.actor.office_id, req.day));
    // The NIK's lock before the phone's, as Reschedule takes them: the other order could deadlock
    // a booking against a reschedule of the same person.
    LOKET_RETURN_IF_ERROR(
        domain::CheckNikLimit(LockAndCountNik(tx, m.actor.office_id, a.nik, 0, office.today, now),
                              options_.max_live_per_nik, false));
    if (domain::PhoneLimitApplies(m.actor.role)) {
      LOKET_RETURN_IF_ERROR(
          domain::CheckPhoneLimit(LockAndCountPhone(tx, m.actor, a.phone, 0, office.today, now),
                                  options_.max_live_per_phone));
    }
    std::vector<std::string> needs;
    for (auto n : a.needs) needs.emplace_back(domain::AccessibilityNeedName(n));
    std::string clinic_id = ScopeOf(m.actor);
    int64_t id = tx.Exec(kInsertRequest, m.actor.office_id, a.nik, a.name, a.phone, a.email,
                         a.language, r.service, PriorityName(a.priority), absl::StrJoin(needs, ","),
                         r.case_id > 0 ? std::optional<int64_t>(r.case_id) : std::nullopt,
                         NullIfEmpty(clinic_id), day_text, m.actor.id, FormatTimestamp(now))[0][0]
                     .as<int64_t>();
    InsertWindows(tx, m.actor.office_id, id, r.windows);
    EnqueueAllocation(tx, m.actor.office_id, day_text);
    return EncodeRequest(tx, m.actor, id, encode);
  });
}

absl::Status AppointmentRepository::CheckPhoneLimitInTx(Tx& tx, const domain::Principal& booker,
                                                        const std::string& phone) {
  if (!domain::PhoneLimitApplies(booker.role)) return absl::OkStatus();
  absl::Time now = clock_.Now();
  LOKET_ASSIGN_OR_RETURN(OfficeContext office, LoadOffice(tx, booker.office_id, now, offices_));
  return domain::CheckPhoneLimit(CountPhone(tx, booker, phone, 0, office.today, now),
                                 options_.max_live_per_phone);
}

absl::StatusOr<AppointmentRequestRecord> AppointmentRepository::Get(const domain::Principal& viewer,
                                                                    int64_t id,
                                                                    const std::string& code) {
  LOKET_RETURN_IF_ERROR(domain::CheckLookup(id, code));
  return Fetch(db_.impl(), [&](Tx& tx) { return LoadRequest(tx, viewer, id, code); });
}

absl::StatusOr<std::pair<std::vector<AppointmentRequestRecord>, std::string>>
AppointmentRepository::List(const domain::Principal& viewer, absl::CivilDay day,
                            const std::string& state, int page_size,
                            const std::string& page_token) {
  LOKET_ASSIGN_OR_RETURN(const domain::RequestPage page,
                         domain::ParseRequestPage(page_size, page_token));
  auto read = Fetch(db_.impl(), [&](Tx& tx) {
    auto rs = MapRows(tx.Exec(kRequestsOfDay, viewer.office_id, FormatDay(day), state,
                              ScopeOf(viewer), page.after, page.size + 1),
                      RequestFromRow);
    LoadWindows(tx, rs);
    return rs;
  });
  LOKET_ASSIGN_OR_RETURN(std::vector<AppointmentRequestRecord> out, std::move(read));
  std::string next;
  if (static_cast<int>(out.size()) > page.size) {
    out.pop_back();
    next = absl::StrCat(out.back().id);
  }
  return std::make_pair(std::move(out), next);
}

absl::StatusOr<std::string> AppointmentRepository::Cancel(const Mutation& m, int64_t id,
                                                          std::optional<int64_t> expected_version,
                                                          const RequestEncoder& encode) {
  LOKET_RETURN_IF_ERROR(domain::ValidateId(id, "id"));
  return RunIdempotentRetrying(db_.impl(), m, [&](Tx& tx) -> absl::StatusOr<std::string> {
    absl::Time now = clock_.Now();
    LOKET_RETURN_IF_ERROR(
        domain::CheckChangeable(id, LockForChange(tx, m.actor, id), expected_version));
    LOKET_ASSIGN_OR_RETURN(AppointmentRequestRecord before, LoadRequest(tx, m.actor, id, ""));
    std::optional<std::string> freed = EndBookingOf(tx, m.actor.office_id, id);
    tx.Exec(kSetRequestState, id, std::string("cancelled"));
    LOKET_ASSIGN_OR_RETURN(OfficeContext office, LoadOffice(tx, m.actor.office_id, now, offices_));
    if (freed) {
      EnqueueCancelled(tx, encode_notification_, policy_, OutboxOf(m.actor.office_id, office), now,
                       before);
    }
    return EncodeRequest(tx, m.actor, id, encode);
  });
}

absl::StatusOr<std::string> AppointmentRepository::Reschedule(
    const Mutation& m, int64_t id, std::vector<domain::TimeWindow> windows,
    std::optional<int64_t> expected_version, const RequestEncoder& encode) {
  LOKET_RETURN_IF_ERROR(domain::ValidateId(id, "id"));
  return RunIdempotentRetrying(db_.impl(), m, [&](Tx& tx) -> absl::StatusOr<std::string> {
    absl::Time now = clock_.Now();
    LOKET_ASSIGN_OR_RETURN(OfficeContext office, LoadOffice(tx, m.actor.office_id, now, offices_));
    LOKET_ASSIGN_OR_RETURN(absl::CivilDay day,
                           domain::ValidateWindows(windows, now, office.utc_offset_minutes));
    LOKET_RETURN_IF_ERROR(CheckOpenSlotsIn(tx, m.actor.office_id, day));
    LOKET_RETURN_IF_ERROR(
        domain::CheckChangeable(id, LockForChange(tx, m.actor, id), expected_version));
    // A reschedule revives a request: it must fit the per-NIK limit like a new one.
    LOKET_RETURN_IF_ERROR(domain::CheckNikLimit(
        LockAndCountNik(tx, m.actor.office_id, tx.Exec(kNikOf, id)[0][0].as<std::string>(), id,
                        office.today, now),
        options_.max_live_per_nik, true));
    if (domain::PhoneLimitApplies(m.actor.role)) {
      LOKET_RETURN_IF_ERROR(domain::CheckPhoneLimit(
          LockAndCountPhone(tx, m.actor, tx.Exec(kPhoneOf, id)[0][0].as<std::string>(), id,
                            office.today, now),
          options_.max_live_per_phone));
    }
    EndBookingOf(tx, m.actor.office_id, id);
    tx.Exec(kDeleteWindows, id);
    InsertWindows(tx, m.actor.office_id, id, windows);
    tx.Exec(kRescheduleRequest, id, FormatDay(day));
    EnqueueAllocation(tx, m.actor.office_id, FormatDay(day));
    return EncodeRequest(tx, m.actor, id, encode);
  });
}

absl::StatusOr<std::string> AppointmentRepository::ReleaseNoShows(const Mutation& m,
                                                                  absl::CivilDay day,
                                                                  const CountEncoder& encode) {
  return RunIdempotentRetrying(db_.impl(), m, [&](Tx& tx) -> absl::StatusOr<std::string> {
    std::string d = FormatDay(day);
    int n = CountOf(tx.Exec(kReleaseNoShows, m.actor.office_id, d,
                            FormatTimestamp(clock_.Now() - options_.no_show_grace)));
    if (n > 0) EnqueueAllocation(tx, m.actor.office_id, d);
    return encode(n);
  });
}

absl::StatusOr<std::vector<SlotRecord>> AppointmentRepository::ListSlots(
    const domain::Principal& viewer, absl::CivilDay day) {
  return Fetch(db_.impl(), [&](Tx& tx) {
    return MapRows(tx.Exec(kSlotsOfDay, viewer.office_id, FormatDay(day)), SlotFromRow);
  });
}

absl::StatusOr<std::vector<domain::OfficeHours>> AppointmentRepository::GetOfficeHours(
    const domain::Principal& viewer) {
  return Fetch(db_.impl(), [&](Tx& tx) {
    return MapRows(tx.Exec(kHoursOfOffice, viewer.office_id), [](const pqxx::row& row) {
      constexpr const auto& k = kHoursColumns;
      return domain::OfficeHours{
          row[k["weekday"]].as<int>(),       row[k["opens_minute"]].as<int>(),
          row[k["closes_minute"]].as<int>(), row[k["slot_minutes"]].as<int>(),
          row[k["capacity"]].as<int>(),      row[k["reserved_priority"]].as<int>()};
    });
  });
}

absl::StatusOr<std::string> AppointmentRepository::SetOfficeHours(
    const Mutation& m, std::vector<domain::OfficeHours> hours, const HoursEncoder& encode) {
  LOKET_ASSIGN_OR_RETURN(hours, domain::ValidateOfficeHours(std::move(hours)));
  return RunIdempotentRetrying(db_.impl(), m, [&](Tx& tx) -> absl::StatusOr<std::string> {
    tx.Exec(kDeleteHours, m.actor.office_id);
    for (const auto& h : hours) {
      tx.Exec(kInsertHours, m.actor.office_id, h.weekday, h.opens_minute, h.closes_minute,
              h.slot_minutes, h.capacity, h.reserved_priority);
    }
    return encode(hours);
  });
}

absl::StatusOr<std::string> AppointmentRepository::GenerateSlots(const Mutation& m,
                                                                 absl::CivilDay from,
                                                                 absl::CivilDay to,
                                                                 const CountEncoder& encode) {
  LOKET_RETURN_IF_ERROR(domain::ValidateSlotRange(from, to));
  return RunIdempotentRetrying(db_.impl(), m, [&](Tx& tx) -> absl::StatusOr<std::string> {
    pqxx::result r = tx.Exec(kGenerateSlots, m.actor.office_id, FormatDay(from), FormatDay(to));
    return encode(r[0][0].as<int>());
  });
}

// The applicant of a displaced appointment is told it is off; the new time follows as a
// confirmation when the next round places them.
std::function<void(int64_t)> AppointmentRepository::TellDisplaced(Tx& tx,
                                                                  const domain::Principal& actor,
                                                                  absl::Time now) {
  return [this, &tx, actor, now](int64_t request_id) {
    absl::StatusOr<OfficeContext> office = LoadOffice(tx, actor.office_id, now, offices_);
    absl::StatusOr<AppointmentRequestRecord> r = LoadRequest(tx, actor, request_id, "");
    if (!office.ok() || !r.ok()) return;
    EnqueueCancelled(tx, encode_notification_, policy_, OutboxOf(actor.office_id, *office), now,
                     *r);
  };
}

absl::StatusOr<std::string> AppointmentRepository::CloseCounter(const Mutation& m,
                                                                const std::string& counter_id,
                                                                absl::CivilDay day,
                                                                const std::string& reason,
                                                                const ClosureEncoder& encode) {
  LOKET_RETURN_IF_ERROR(domain::ValidateCounterClosure(counter_id, reason));
  return RunIdempotentRetrying(db_.impl(), m, [&](Tx& tx) -> absl::StatusOr<std::string> {
    std::string d = FormatDay(day);
    absl::Time now = clock_.Now();
    // Load what the rule needs (domain::DecideCounterClosure), the counter and the slots locked.
    domain::CounterClosureFacts f;
    f.counter_id = counter_id;
    f.day = d;
    f.now = now;
    pqxx::result c = tx.Exec(kLockCounter, m.actor.office_id, counter_id);
    f.counter_found = !c.empty();
    f.counter_open = f.counter_found && c[0][0].as<bool>();
    f.already_closed = !tx.Exec(kCounterClosed, m.actor.office_id, counter_id, d).empty();
    f.open_before = tx.Exec(kOpenCounters, m.actor.office_id, d)[0][0].as<int>();
    LockDaySeats(tx, m.actor.office_id, d, f.slots, f.booked);
    LOKET_ASSIGN_OR_RETURN(std::vector<domain::SlotClosure> slots, domain::DecideCounterClosure(f));
    // Write what it decided.
    tx.Exec(kCloseCounter, m.actor.office_id, counter_id, d, reason);
    ClosureOutcome out;
    out.realloc_day = d;
    auto tell = TellDisplaced(tx, m.actor, now);
    for (const domain::SlotClosure& sc : slots) {
      Displace(tx, sc.displaced, tell);
      const int moved = static_cast<int>(sc.displaced.size());
      tx.Exec(kShrinkSlot, sc.slot_id, sc.capacity, moved, sc.PriorityDisplaced(),
              sc.reserved_priority);
      out.displaced += moved;
    }
    EnqueueAllocation(tx, m.actor.office_id, d);
    return encode(out);
  });
}

absl::StatusOr<std::string> AppointmentRepository::CloseDay(const Mutation& m, absl::CivilDay day,
                                                            const std::string& reason,
                                                            const ClosureEncoder& encode) {
  LOKET_RETURN_IF_ERROR(domain::ValidateDayClosure(reason));
  return RunIdempotentRetrying(db_.impl(), m, [&](Tx& tx) -> absl::StatusOr<std::string> {
    std::string d = FormatDay(day);
    domain::DayClosureFacts f;
    f.day = day;
    LockDaySeats(tx, m.actor.office_id, d, f.slots, f.booked);
    ClosureOutcome out;
    // Couriers stay home too: the day's SIBER stops move to the next working day.
    LOKET_ASSIGN_OR_RETURN(OfficeContext office,
                           LoadOffice(tx, m.actor.office_id, clock_.Now(), offices_));
    CourierDayClosure couriers = CloseCourierDayInTx(tx, clock_.Now(), office, m.actor.office_id,
                                                     day, reason, encode_notification_, policy_);
    out.stops_moved = couriers.stops_moved;
    out.stops_moved_to = couriers.moved_to;
    if (f.slots.empty()) return encode(out);  // no visiting hours that day: only the couriers
    // The rest of what the rule needs (domain::DecideDayClosure).
    for (const auto& row : tx.Exec(kOpenRequestIds, m.actor.office_id, d)) {
      f.open_requests.push_back(row[0].as<int64_t>());
    }
    pqxx::result next = tx.Exec(kNextOpenDay, m.actor.office_id, d);
    if (!next[0][0].is_null()) f.next_open = ParseDay(next[0][0].as<std::string>());
    const domain::DayClosurePlan plan = domain::DecideDayClosure(f);
    // Write what it decided.
    auto tell = TellDisplaced(tx, m.actor, clock_.Now());
    for (const domain::SlotClosure& sc : plan.slots) {
      Displace(tx, sc.displaced, tell);
      tx.Exec(kCloseSlot, sc.slot_id, static_cast<int>(sc.displaced.size()),
              sc.PriorityDisplaced());
    }
    out.displaced = plan.Displaced();
    if (!plan.move_to) {
      // Nowhere to go yet: they wait, and GenerateSlots plus a reschedule brings them back.
      for (int64_t id : plan.requests) tx.Exec(kSetRequestState, id, std::string("waitlisted"));
      return encode(out);
    }
    out.realloc_day = FormatDay(*plan.move_to);
    for (int64_t id : plan.requests) {
      tx.Exec(kShiftWindows, id, plan.shift_days);
      tx.Exec(kMoveRequest, id, out.realloc_day);
    }
    EnqueueAllocation(tx, m.actor.office_id, out.realloc_day);
    return encode(out);
  });
}

absl::StatusOr<AllocationInput> AppointmentRepository::LoadAllocationInput(
    const std::string& office_id, const std::string& dedupe_key) {
  LOKET_ASSIGN_OR_RETURN(const std::string d, domain::AllocationDay(dedupe_key));
  AllocationInput in;
  in.day = d;
  in.priority_release_before = options_.priority_release_before;
  in.seed = domain::AllocationSeed(office_id, d);
  absl::Status s = RunTxRetrying(db_.impl(), [&](Tx& tx) -> absl::Status {
    in.slots.clear();
    in.requests.clear();
    in.now = clock_.Now();
    // Seats of visitors who never came go back before the day is allocated again.
    tx.Exec(kReleaseNoShows, office_id, d, FormatTimestamp(in.now - options_.no_show_grace));
    std::vector<domain::SlotTimes> times;
    for (const auto& row : tx.Exec(kOpenSlotsOfDay, office_id, d)) {
      const SlotRecord s = SlotFromRow(row);
      in.slots.push_back({s.id, s.starts_at, s.capacity, s.booked, s.ReservedLeft()});
      times.push_back(TimesOf(s));
    }
    std::vector<AppointmentRequestRecord> reqs;
    constexpr const auto& q = kOpenRequestColumns;
    for (const auto& row : tx.Exec(kOpenRequestsOfDay, office_id, d)) {
      AppointmentRequestRecord r;
      r.id = row[q["id"]].as<int64_t>();
      r.applicant.priority =
          domain::PriorityClassFromName(row[q["priority_class"]].as<std::string>())
              .value_or(PriorityClass::kNone);
      r.flexible = row[q["flexible"]].as<bool>();
      r.created_at = ParseTimestamp(row[q["created_at"]].as<std::string>());
      reqs.push_back(std::move(r));
    }
    LoadWindows(tx, reqs);
    for (const auto& r : reqs) {
      in.requests.push_back({r.id, r.applicant.priority,
                             domain::PreferredSlots(r.windows, times, r.flexible), r.created_at});
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return in;
}

absl::Status AppointmentRepository::ApplyAllocation(const std::string& office_id, int64_t task_id,
                                                    int attempt, const AllocationOutcome& outcome) {
  LOKET_RETURN_IF_ERROR(domain::CheckAllocationDay(outcome.day));
  return RunTxRetrying(db_.impl(), [&](Tx& tx) -> absl::Status {
    LOKET_RETURN_IF_ERROR(FinishLeasedInTx(tx, office_id, task_id, attempt, kSlotsAllocateQueue));
    absl::Time now = clock_.Now();
    LOKET_ASSIGN_OR_RETURN(OfficeContext office, LoadOffice(tx, office_id, now, offices_));
    OutboxOffice outbox = OutboxOf(office_id, office);
    std::mt19937_64 rng(
        domain::AllocationSeed(office_id, absl::StrCat(outcome.day, "#", task_id, "#", attempt)));
    const std::vector<domain::SlotTimes> times =
        MapRows(tx.Exec(kSlotsOfDay, office_id, outcome.day), TimesFromRow);
    // Load and lock what the rule needs: each assigned request still open, in the round's order.
    std::vector<AppointmentRequestRecord> windows_of;
    for (const auto& a : outcome.assigned) windows_of.emplace_back().id = a.first;
    LoadWindows(tx, windows_of);
    std::set<int64_t> locked;
    std::map<int64_t, domain::OpenRequest> open;
    std::map<int64_t, std::string> class_of;
    std::map<int64_t, domain::AppointmentContact> recipient;
    for (size_t i = 0; i < outcome.assigned.size(); ++i) {
      const int64_t request_id = outcome.assigned[i].first;
      if (!locked.insert(request_id).second) continue;
      pqxx::result req = tx.Exec(kLockOpenRequest, request_id, office_id, outcome.day);
      if (req.empty()) continue;  // cancelled or moved while the scheduler worked
      constexpr const auto& k = kLockOpenRequestColumns;
      const auto& row = req[0];
      class_of[request_id] = row[k["priority_class"]].as<std::string>();
      open[request_id] = {class_of[request_id] != "NONE", row[k["flexible"]].as<bool>(),
                          windows_of[i].windows};
      recipient[request_id] = {row[k["name"]].as<std::string>(), row[k["phone"]].as<std::string>(),
                               row[k["email"]].as<std::string>(),
                               row[k["language"]].as<std::string>()};
    }
    const domain::AllocationApply apply =
        domain::DecideAllocation(outcome.assigned, outcome.waitlisted, open, times);
    for (const domain::SeatToTake& seat : apply.seats) {
      pqxx::result slot = tx.Exec(kLockSeat, seat.slot_id, office_id, outcome.day);
      if (slot.empty()) continue;
      const SlotRecord seats = SlotFromRow(slot[0]);
      // The rule decides; the UPDATE's own guard refuses a full slot all the same.
      if (!domain::SeatOpenTo(seats, seat.priority, now, options_.priority_release_before) ||
          !TakeSeatInTx(tx, seat.slot_id, seat.priority)) {
        continue;  // the seat went meanwhile: stays pending for the next round
      }
      const absl::Time starts_at = seats.starts_at;
      std::string code;
      int64_t appointment_id = 0;
      for (int tries = 0; code.empty(); ++tries) {
        if (tries == domain::kAppointmentCodeTries) {
          return absl::InternalError(
              absl::StrCat("no free appointment code after ", tries, " tries"));
        }
        std::string candidate = domain::AppointmentCode(rng());
        pqxx::result ins = tx.Exec(kInsertAppointment, office_id, seat.request_id, seat.slot_id,
                                   candidate, class_of[seat.request_id], seat.rank);
        if (!ins.empty()) {
          code = candidate;
          appointment_id = ins[0][0].as<int64_t>();
        }
      }
      tx.Exec(kSetRequestState, seat.request_id, std::string("allocated"));
      for (domain::ScheduledNotice& n : domain::AllocatedNotices(
               recipient[seat.request_id], now, starts_at, office.utc_offset_minutes, code)) {
        const bool reminder = n.reminder;
        int64_t id = EnqueueNotificationInTx(tx, encode_notification_, policy_, outbox, now,
                                             std::move(n.notification), n.at);
        if (id > 0 && reminder) tx.Exec(kAddReminder, office_id, appointment_id, id);
      }
      // A sweep at the slot's grace time releases the seats of those who do not come.
      const domain::RoundToEnqueue sweep = domain::NoShowSweep(
          outcome.day, starts_at, office.utc_offset_minutes, options_.no_show_grace);
      EnqueueAllocation(tx, office_id, sweep.key, sweep.at);
    }
    bool waitlisted = false;
    for (int64_t id : apply.waitlist) {
      waitlisted |= tx.Exec(kWaitlist, id, office_id).affected_rows() > 0;
    }
    if (waitlisted) {
      // At each cut-off, unused reserved seats open to the waitlist (domain::ReleaseRounds).
      std::vector<domain::SlotSeats> slots =
          MapRows(tx.Exec(kSlotsOfDay, office_id, outcome.day), SeatsFromRow);
      std::set<std::string> enqueued;
      for (const auto& row : tx.Exec(kReleaseKeysOfDay, office_id, std::string(kSlotsAllocateQueue),
                                     domain::ReleaseKeysOf(outcome.day))) {
        enqueued.insert(row[0].as<std::string>());
      }
      for (const domain::RoundToEnqueue& round :
           domain::ReleaseRounds(outcome.day, std::move(slots), enqueued, now,
                                 office.utc_offset_minutes, options_.priority_release_before)) {
        EnqueueAllocation(tx, office_id, round.key, round.at);
      }
    }
    // Requests that came in meanwhile, or lost their seat to a concurrent round, get a round.
    if (!tx.Exec(kAnyPending, office_id, outcome.day).empty()) {
      EnqueueAllocation(tx, office_id, outcome.day);
    }
    return absl::OkStatus();
  });
}

bool TakeSeatInTx(Tx& tx, int64_t slot_id, bool priority) {
  return tx.Exec(kTakeSeat, slot_id, priority ? 1 : 0).affected_rows() > 0;
}

std::optional<std::string> EndBookedAppointmentInTx(Tx& tx, const std::string& office_id,
                                                    int64_t appointment_id,
                                                    const std::string& new_state) {
  pqxx::result r = tx.Exec(kEndAppointment, appointment_id, office_id, new_state,
                           std::string("booked"), std::string("-infinity"));
  if (r.empty()) return std::nullopt;
  tx.Exec(kDropReminders, appointment_id);
  std::string day = r[0][0].as<std::string>();
  EnqueueAllocation(tx, office_id, day);  // the freed seat goes to the day's waitlist
  return day;
}

void EndCheckedInAppointmentInTx(Tx& tx, const std::string& office_id, int64_t appointment_id,
                                 const std::string& new_state, absl::Time now) {
  pqxx::result r = tx.Exec(kEndAppointment, appointment_id, office_id, new_state,
                           std::string("checked_in"), FormatTimestamp(now));
  if (!r.empty()) EnqueueAllocation(tx, office_id, r[0][0].as<std::string>());
}

}  // namespace loket::store
