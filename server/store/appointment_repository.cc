#include "server/store/appointment_repository.h"

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/status_macros.h"
#include "server/domain/validation.h"
#include "server/store/appointment_seats.h"
#include "server/store/columns.h"
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
// A slot's start and end, as text (a request's window, a seat taken).
constexpr auto kWindowColumns =
    MakeColumns({{"starts_at", "starts_at::text"}, {"ends_at", "ends_at::text"}});
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
constexpr auto kOpenSlotColumns =
    MakeColumns({{"id"},
                 {"starts_at", "starts_at::text"},
                 {"ends_at", "ends_at::text"},
                 {"capacity"},
                 {"booked"},
                 {"reserved_left", "greatest(reserved_priority - booked_priority, 0)"}});
constexpr Statement kOpenSlotsOfDay{
    "appt_open_slots_of_day",
    kSelectSql<"SELECT ", kOpenSlotColumns,
               " FROM slots"
               " WHERE office_id = $1 AND day = $2::date AND NOT closed ORDER BY starts_at">};
// A live request, for the per-NIK limit: pending or waitlisted for today (TODAY, a date
// parameter) or later, or allocated with a booked slot that has not ended by NOW (a timestamp).
#define LOKET_LIVE_REQUEST(TODAY, NOW)                                                           \
  "   AND ((q.state IN ('pending', 'waitlisted') AND q.day >= " TODAY                            \
  "::date)"                                                                                      \
  "     OR (q.state = 'allocated' AND EXISTS ("                                                  \
  "     SELECT 1 FROM appointments a JOIN slots s ON s.id = a.slot_id WHERE a.request_id = q.id" \
  "     AND a.state = 'booked' AND s.ends_at > " NOW "::timestamptz)))"
constexpr Statement kNikLock{
    "appt_nik_lock", "SELECT pg_advisory_xact_lock(hashtextextended($1 || '/nik/' || $2, 7406))"};
// The per-NIK limit is decided by this one statement under the NIK's lock: live requests are
// pending or waitlisted ones for today or later, and allocated ones whose booked slot has not
// ended.
constexpr Statement kInsertRequest{
    "appt_insert_request",
    "INSERT INTO appointment_requests (office_id, nik, name, phone, email, language, service,"
    " priority_class, accessibility_needs, case_id, clinic_id, day, created_by, created_at,"
    " updated_at)"
    " SELECT $1, $2, $3, $4, $5, $6, $7, $8, string_to_array($9, ',')::text[], $10, $11,"
    " $12::date, $13, $14::timestamptz, $14::timestamptz"
    " WHERE (SELECT count(*) FROM appointment_requests q WHERE q.office_id = $1 AND q.nik = $2"
    LOKET_LIVE_REQUEST("$16", "$14") ") < $15"
    " RETURNING id"};
// The same count for a reschedule: the NIK's other live requests.
constexpr Statement kOtherLiveOfNik{
    "appt_other_live_of_nik",
    "SELECT count(*) FROM appointment_requests q WHERE q.office_id = $1"
    " AND q.nik = (SELECT nik FROM appointment_requests WHERE id = $2) AND q.id <> "
    "$2" LOKET_LIVE_REQUEST("$3", "$4")};
// The per-phone limit of public bookings, decided under the phone's lock like the NIK's.
constexpr Statement kPhoneLock{
    "appt_phone_lock",
    "SELECT pg_advisory_xact_lock(hashtextextended($1 || '/phone/' || $2, 7406))"};
constexpr Statement kLiveOfPhone{
    "appt_live_of_phone",
    "SELECT count(*) FROM appointment_requests q WHERE q.office_id = $1 AND q.phone = $2"
    " AND q.id <> $5" LOKET_LIVE_REQUEST("$3", "$4")};
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
constexpr Statement kEndBooked{
    "appt_end_booked",
    "WITH a AS (UPDATE appointments SET state = $3, updated_at = now(), version = version + 1"
    "   WHERE id = $1 AND office_id = $2 AND state = 'booked' RETURNING slot_id, priority_class)"
    " UPDATE slots s SET booked = s.booked - 1,"
    "   booked_priority = s.booked_priority - (a.priority_class <> 'NONE')::int"
    " FROM a WHERE s.id = a.slot_id RETURNING s.day::text"};
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
    " UPDATE notifications SET status = 'failed', detail = 'withdrawn: appointment not booked'"
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
// Takes one seat: never past capacity, never a closed or started slot, and before the cut-off a
// non-priority request only where a general (unreserved) seat is left.
constexpr Statement kTakeSeat{
    "appt_take_seat",
    kSelectSql<"UPDATE slots SET booked = booked + 1, booked_priority = booked_priority + $3"
               " WHERE id = $1 AND office_id = $2 AND day = $4::date AND NOT closed"
               " AND starts_at > $5::timestamptz AND booked < capacity"
               " AND ($3 = 1 OR starts_at < $6::timestamptz"
               "      OR capacity - booked > greatest(reserved_priority - booked_priority, 0))"
               " RETURNING ",
               kWindowColumns, "">};
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
constexpr Statement kTaskEver{
    "appt_task_ever",
    "SELECT 1 FROM tasks WHERE office_id = $1 AND queue = $2 AND dedupe_key = $3 LIMIT 1"};
// Slots still holding reserved seats nobody with priority took, whose cut-off lies ahead.
constexpr Statement kReservedAhead{
    "appt_reserved_ahead",
    "SELECT starts_at::text FROM slots WHERE office_id = $1 AND day = $2::date AND NOT closed"
    " AND reserved_priority > booked_priority AND booked < capacity"
    " AND starts_at > $3::timestamptz ORDER BY starts_at"};
constexpr auto kSlotColumns = MakeColumns({{"id"},
                                           {"day", "day::text"},
                                           {"starts_at", "starts_at::text"},
                                           {"ends_at", "ends_at::text"},
                                           {"capacity"},
                                           {"reserved_priority"},
                                           {"booked"},
                                           {"booked_priority"},
                                           {"closed"}});
constexpr Statement kSlotsOfDay{"appt_slots_of_day",
                                kSelectSql<"SELECT ", kSlotColumns,
                                           " FROM slots WHERE office_id = $1 AND day = $2::date"
                                           " ORDER BY starts_at">};
constexpr auto kLockSlotColumns = MakeColumns({{"id"},
                                               {"capacity"},
                                               {"reserved_priority"},
                                               {"booked"},
                                               {"booked_priority"},
                                               {"closed"},
                                               {"starts_at", "starts_at::text"}});
constexpr Statement kLockSlotsOfDay{
    "appt_lock_slots_of_day",
    kSelectSql<"SELECT ", kLockSlotColumns,
               " FROM slots WHERE office_id = $1 AND day = $2::date ORDER BY id FOR UPDATE">};
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
constexpr Statement kCloseCounter{
    "appt_close_counter",
    "INSERT INTO counter_closures (office_id, counter_id, day, reason) VALUES ($1, $2, $3::date,"
    " $4) ON CONFLICT DO NOTHING RETURNING 1"};
constexpr Statement kOpenCounters{
    "appt_open_counters",
    "SELECT count(*)::int FROM counters c WHERE c.office_id = $1 AND c.open AND NOT EXISTS ("
    " SELECT 1 FROM counter_closures x WHERE x.office_id = c.office_id AND x.counter_id = c.id"
    " AND x.day = $2::date)"};
// The booked appointments of a slot to move first: non-priority before priority, the latest
// booked first.
constexpr auto kDisplaceableColumns = MakeColumns({{"id"}, {"request_id"}, {"priority_class"}});
constexpr Statement kDisplaceable{
    "appt_displaceable",
    kSelectSql<"SELECT ", kDisplaceableColumns,
               " FROM appointments WHERE slot_id = $1"
               " AND state = 'booked' ORDER BY (priority_class <> 'NONE'), created_at DESC, id DESC"
               " LIMIT $2">};
constexpr Statement kCancelAppointment{
    "appt_cancel_appointment",
    "UPDATE appointments SET state = 'cancelled', updated_at = now(), version = version + 1"
    " WHERE id = $1"};
constexpr Statement kRepend{
    "appt_repend",
    "UPDATE appointment_requests SET state = 'pending', flexible = true, version = version + 1,"
    " updated_at = now() WHERE id = $1"};
constexpr Statement kShrinkSlot{
    "appt_shrink_slot",
    "UPDATE slots SET capacity = $2::int, reserved_priority = least($5::int, $2::int),"
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

std::string Ts(absl::Time t) { return FormatTimestamp(t); }

std::string Local(absl::Time t, int offset_minutes, const char* fmt) {
  return absl::FormatTime(fmt, t, absl::FixedTimeZone(offset_minutes * 60));
}

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

std::string IdArray(const std::vector<int64_t>& ids) {
  return absl::StrCat("{", absl::StrJoin(ids, ","), "}");
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
  for (const auto& row : tx.Exec(kWindowsOf, IdArray(ids))) {
    by_id[row[k["request_id"]].as<int64_t>()]->windows.push_back(
        {ParseTimestamp(row[k["starts_at"]].as<std::string>()),
         ParseTimestamp(row[k["ends_at"]].as<std::string>())});
  }
}

absl::StatusOr<AppointmentRequestRecord> LoadRequest(Tx& tx, const domain::Principal& viewer,
                                                     int64_t id, const std::string& code) {
  std::string scope = viewer.role == domain::Role::kClinic ? viewer.clinic_id : "";
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

std::string ScopeOf(const domain::Principal& p) {
  return p.role == domain::Role::kClinic ? p.clinic_id : "";
}

// A public booking (actor role public) must also fit the per-phone limit: one phone cannot hold
// seats for many NIKs. `except` is the request being rescheduled (0 for a new one).
absl::Status CheckPhoneLimit(Tx& tx, const domain::Principal& actor, const std::string& phone,
                             int64_t except, int limit, const std::string& today, absl::Time now) {
  if (actor.role != domain::Role::kPublic) return absl::OkStatus();
  tx.Exec(kPhoneLock, actor.office_id, phone);
  if (tx.Exec(kLiveOfPhone, actor.office_id, phone, today, Ts(now), except)[0][0].as<int64_t>() >=
      limit) {
    return absl::ResourceExhaustedError(
        absl::StrCat("applicant.phone: already holds ", limit,
                     " live bookings (the limit per phone); cancel one first"));
  }
  return absl::OkStatus();
}

void EnqueueAllocation(Tx& tx, const std::string& office_id, const std::string& day) {
  EnqueueInTx(tx, NewTask{office_id, kSlotsAllocateQueue, day, "", absl::InfinitePast(), 8});
}

struct Recipient {
  std::string name, phone, email, language;
};

// The confirmation at once, reminders the day before and an hour before (those still ahead).
void NotifyAllocated(Tx& tx, const NotificationEncoder& encode,
                     const domain::NotificationPolicy& policy, const OutboxOffice& office,
                     absl::Time now, const Recipient& to, absl::Time starts_at,
                     const std::string& code, int64_t appointment_id) {
  auto send = [&](const char* template_id, absl::Time at) {
    for (int email = 0; email < 2; ++email) {
      if (email && to.email.empty()) continue;
      domain::Notification n;
      n.channel =
          email ? domain::NotificationChannel::kEmail : domain::NotificationChannel::kWebhook;
      n.address = email ? to.email : to.phone;
      n.recipient_name = to.name;
      n.language = to.language;
      n.template_id = template_id;
      n.params = {{"name", to.name},
                  {"date", Local(starts_at, office.utc_offset_minutes, "%Y-%m-%d")},
                  {"time", Local(starts_at, office.utc_offset_minutes, "%H:%M")},
                  {"code", code}};
      int64_t id = EnqueueNotificationInTx(tx, encode, policy, office, now, std::move(n), at);
      if (id > 0 && at > now) tx.Exec(kAddReminder, office.id, appointment_id, id);
    }
  };
  send("appointment.confirmed", now);
  for (absl::Duration before : {absl::Hours(24), absl::Hours(1)}) {
    if (starts_at - before > now) send("appointment.reminder", starts_at - before);
  }
}

void NotifyCancelled(Tx& tx, const NotificationEncoder& encode,
                     const domain::NotificationPolicy& policy, const OutboxOffice& office,
                     absl::Time now, const AppointmentRequestRecord& r) {
  if (!r.appointment) return;
  domain::Notification n;
  n.address = r.applicant.phone;
  n.recipient_name = r.applicant.name;
  n.language = r.applicant.language;
  n.template_id = "appointment.cancelled";
  n.params = {{"name", r.applicant.name},
              {"date", Local(r.appointment->starts_at, office.utc_offset_minutes, "%Y-%m-%d")},
              {"time", Local(r.appointment->starts_at, office.utc_offset_minutes, "%H:%M")},
              {"code", r.appointment->code}};
  EnqueueNotificationInTx(tx, encode, policy, office, now, std::move(n));
}

int CountOf(const pqxx::result& r) {
  int n = 0;
  for (const auto& row : r) n += row[0].as<int>();
  return n;
}

absl::Status CheckVersion(int64_t id, std::optional<int64_t> expected, int64_t now) {
  if (expected && *expected != now) {
    return absl::AbortedError(absl::StrCat("appointment request ", id, " has changed (etag ",
                                           *expected, ", now ", now, "); re-read and retry"));
  }
  return absl::OkStatus();
}

// Takes displaced appointments off their slots: their requests go back to pending, free to take
// any slot of the day. Returns how many were moved.
// `told` hears of each request before its appointment goes (to tell the applicant).
int Displace(Tx& tx, int64_t slot_id, int how_many, int* priority_moved,
             std::vector<int64_t>* requests, const std::function<void(int64_t)>& told) {
  int moved = 0;
  constexpr const auto& k = kDisplaceableColumns;
  for (const auto& row : tx.Exec(kDisplaceable, slot_id, how_many)) {
    const int64_t appointment_id = row[k["id"]].as<int64_t>();
    const int64_t request_id = row[k["request_id"]].as<int64_t>();
    told(request_id);
    tx.Exec(kCancelAppointment, appointment_id);
    tx.Exec(kDropReminders, appointment_id);
    tx.Exec(kRepend, request_id);
    if (row[k["priority_class"]].as<std::string>() != "NONE") ++*priority_moved;
    if (requests) requests->push_back(request_id);
    ++moved;
  }
  return moved;
}

uint64_t DaySeed(const std::string& office_id, const std::string& day) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a: stable across builds and replicas
  for (char c : office_id + "/" + day) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return h;
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

absl::StatusOr<std::string> AppointmentRepository::Create(const Mutation& m,
                                                          NewAppointmentRequest r,
                                                          const RequestEncoder& encode) {
  return RunIdempotentRetrying(db_.impl(), m, [&](Tx& tx) -> absl::StatusOr<std::string> {
    absl::Time now = clock_.Now();
    LOKET_ASSIGN_OR_RETURN(OfficeContext office, LoadOffice(tx, m.actor.office_id, now, offices_));
    std::string clinic_id;
    if (m.actor.role == domain::Role::kClinic) {
      // Clinics book for their health workers (the reserved seats' third class).
      if (r.applicant.priority == PriorityClass::kNone) {
        r.applicant.priority = PriorityClass::kHealthWorker;
      }
      if (r.applicant.priority != PriorityClass::kHealthWorker) {
        return absl::InvalidArgumentError(
            "applicant.priority_class: a clinic books for health workers only (HEALTH_WORKER)");
      }
      clinic_id = m.actor.clinic_id;
    }
    LOKET_RETURN_IF_ERROR(domain::ValidateApplicant(r.applicant, office.today));
    LOKET_ASSIGN_OR_RETURN(r.applicant.language,
                           domain::LanguageOrDefault(r.applicant.language, "applicant.language"));
    if (r.service.empty()) return absl::InvalidArgumentError("service: required (permit type)");
    if (tx.Exec(kPermitType, m.actor.office_id, r.service).empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("service: unknown permit type ", domain::QuoteValue(r.service)));
    }
    if (r.case_id < 0 ||
        (r.case_id > 0 &&
         tx.Exec(kCaseExists, r.case_id, m.actor.office_id,
                 m.actor.role == domain::Role::kClinic ? m.actor.clinic_id : std::string())
             .empty())) {
      return absl::InvalidArgumentError(absl::StrCat("case_id: no case ", r.case_id));
    }
    LOKET_ASSIGN_OR_RETURN(absl::CivilDay day,
                           domain::ValidateWindows(r.windows, now, office.utc_offset_minutes));
    std::string day_text = FormatDay(day);
    if (tx.Exec(kOpenSlotsOfDay, m.actor.office_id, day_text).empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("windows: the office has no open slots on ", day_text));
    }
    std::vector<std::string> needs;
    for (auto n : r.applicant.needs) needs.emplace_back(domain::AccessibilityNeedName(n));
    if (absl::Status phone =
            CheckPhoneLimit(tx, m.actor, r.applicant.phone, 0, options_.max_live_per_phone,
                            FormatDay(office.today), now);
        !phone.ok()) {
      return phone;
    }
    tx.Exec(kNikLock, m.actor.office_id, r.applicant.nik);
    pqxx::result ins = tx.Exec(
        kInsertRequest, m.actor.office_id, r.applicant.nik, r.applicant.name, r.applicant.phone,
        r.applicant.email, r.applicant.language, r.service, PriorityName(r.applicant.priority),
        absl::StrJoin(needs, ","), r.case_id > 0 ? std::optional<int64_t>(r.case_id) : std::nullopt,
        clinic_id.empty() ? std::nullopt : std::optional<std::string>(clinic_id), day_text,
        m.actor.id, Ts(now), options_.max_live_per_nik, FormatDay(office.today));
    if (ins.empty()) {
      return absl::ResourceExhaustedError(
          absl::StrCat("applicant.nik: already holds ", options_.max_live_per_nik,
                       " live appointment requests (the limit per NIK); cancel one first"));
    }
    int64_t id = ins[0][0].as<int64_t>();
    for (size_t i = 0; i < r.windows.size(); ++i) {
      tx.Exec(kInsertWindow, m.actor.office_id, id, static_cast<int>(i), Ts(r.windows[i].starts_at),
              Ts(r.windows[i].ends_at));
    }
    EnqueueAllocation(tx, m.actor.office_id, day_text);
    LOKET_ASSIGN_OR_RETURN(AppointmentRequestRecord rec, LoadRequest(tx, m.actor, id, ""));
    return encode(rec);
  });
}

absl::StatusOr<AppointmentRequestRecord> AppointmentRepository::Get(const domain::Principal& viewer,
                                                                    int64_t id,
                                                                    const std::string& code) {
  if (id <= 0 && code.empty()) {
    return absl::InvalidArgumentError("id: required (or code)");
  }
  AppointmentRequestRecord out;
  absl::Status s = db_.impl().RunTx([&](Tx& tx) -> absl::Status {
    LOKET_ASSIGN_OR_RETURN(AppointmentRequestRecord r, LoadRequest(tx, viewer, id, code));
    out = std::move(r);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<std::pair<std::vector<AppointmentRequestRecord>, std::string>>
AppointmentRepository::List(const domain::Principal& viewer, absl::CivilDay day,
                            const std::string& state, int page_size,
                            const std::string& page_token) {
  int64_t after = 0;
  if (!page_token.empty() && (!absl::SimpleAtoi(page_token, &after) || after < 0)) {
    return absl::InvalidArgumentError("page_token: not one this service gave");
  }
  if (page_size <= 0) page_size = 50;
  if (page_size > 500) return absl::InvalidArgumentError("page_size: at most 500");
  std::vector<AppointmentRequestRecord> out;
  absl::Status s = db_.impl().RunTx([&](Tx& tx) -> absl::Status {
    for (const auto& row : tx.Exec(kRequestsOfDay, viewer.office_id, FormatDay(day), state,
                                   ScopeOf(viewer), after, page_size + 1)) {
      out.push_back(RequestFromRow(row));
    }
    LoadWindows(tx, out);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  std::string next;
  if (static_cast<int>(out.size()) > page_size) {
    out.pop_back();
    next = absl::StrCat(out.back().id);
  }
  return std::make_pair(std::move(out), next);
}

namespace {

// Locks a request that a cancel or reschedule may still change: in the caller's scope, at the
// expected version, not cancelled, the visitor not checked in.
absl::Status LockChangeableRequest(Tx& tx, const domain::Principal& actor, int64_t id,
                                   std::optional<int64_t> expected_version) {
  pqxx::result lock = tx.Exec(kLockRequest, id, actor.office_id, ScopeOf(actor));
  if (lock.empty()) {
    return absl::NotFoundError(absl::StrCat("appointment request ", id, " not found"));
  }
  constexpr const auto& k = kLockRequestColumns;
  LOKET_RETURN_IF_ERROR(CheckVersion(id, expected_version, lock[0][k["version"]].as<int64_t>()));
  if (lock[0][k["state"]].as<std::string>() == "cancelled") {
    return absl::FailedPreconditionError(
        absl::StrCat("appointment request ", id, " is already cancelled"));
  }
  if (!tx.Exec(kLiveNotBooked, id).empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("appointment request ", id, ": the visitor has already checked in"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> AppointmentRepository::Cancel(const Mutation& m, int64_t id,
                                                          std::optional<int64_t> expected_version,
                                                          const RequestEncoder& encode) {
  if (id <= 0) return absl::InvalidArgumentError("id: required (a positive number)");
  return RunIdempotentRetrying(db_.impl(), m, [&](Tx& tx) -> absl::StatusOr<std::string> {
    absl::Time now = clock_.Now();
    LOKET_RETURN_IF_ERROR(LockChangeableRequest(tx, m.actor, id, expected_version));
    LOKET_ASSIGN_OR_RETURN(AppointmentRequestRecord before, LoadRequest(tx, m.actor, id, ""));
    std::optional<std::string> freed = EndBookingOf(tx, m.actor.office_id, id);
    tx.Exec(kSetRequestState, id, std::string("cancelled"));
    LOKET_ASSIGN_OR_RETURN(OfficeContext office, LoadOffice(tx, m.actor.office_id, now, offices_));
    if (freed) {
      NotifyCancelled(tx, encode_notification_, policy_,
                      {m.actor.office_id, office.name, office.utc_offset_minutes}, now, before);
    }
    LOKET_ASSIGN_OR_RETURN(AppointmentRequestRecord rec, LoadRequest(tx, m.actor, id, ""));
    return encode(rec);
  });
}

absl::StatusOr<std::string> AppointmentRepository::Reschedule(
    const Mutation& m, int64_t id, std::vector<domain::TimeWindow> windows,
    std::optional<int64_t> expected_version, const RequestEncoder& encode) {
  if (id <= 0) return absl::InvalidArgumentError("id: required (a positive number)");
  return RunIdempotentRetrying(db_.impl(), m, [&](Tx& tx) -> absl::StatusOr<std::string> {
    absl::Time now = clock_.Now();
    LOKET_ASSIGN_OR_RETURN(OfficeContext office, LoadOffice(tx, m.actor.office_id, now, offices_));
    LOKET_ASSIGN_OR_RETURN(absl::CivilDay day,
                           domain::ValidateWindows(windows, now, office.utc_offset_minutes));
    std::string day_text = FormatDay(day);
    if (tx.Exec(kOpenSlotsOfDay, m.actor.office_id, day_text).empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("windows: the office has no open slots on ", day_text));
    }
    LOKET_RETURN_IF_ERROR(LockChangeableRequest(tx, m.actor, id, expected_version));
    // A reschedule revives a request: it must fit the per-NIK limit like a new one.
    tx.Exec(kNikLock, m.actor.office_id, tx.Exec(kNikOf, id)[0][0].as<std::string>());
    if (tx.Exec(kOtherLiveOfNik, m.actor.office_id, id, FormatDay(office.today), Ts(now))[0][0]
            .as<int64_t>() >= options_.max_live_per_nik) {
      return absl::ResourceExhaustedError(
          absl::StrCat("applicant.nik: already holds ", options_.max_live_per_nik,
                       " other live appointment requests (the limit per NIK); cancel one first"));
    }
    if (absl::Status phone =
            CheckPhoneLimit(tx, m.actor, tx.Exec(kPhoneOf, id)[0][0].as<std::string>(), id,
                            options_.max_live_per_phone, FormatDay(office.today), now);
        !phone.ok()) {
      return phone;
    }
    EndBookingOf(tx, m.actor.office_id, id);
    tx.Exec(kDeleteWindows, id);
    for (size_t i = 0; i < windows.size(); ++i) {
      tx.Exec(kInsertWindow, m.actor.office_id, id, static_cast<int>(i), Ts(windows[i].starts_at),
              Ts(windows[i].ends_at));
    }
    tx.Exec(kRescheduleRequest, id, day_text);
    EnqueueAllocation(tx, m.actor.office_id, day_text);
    LOKET_ASSIGN_OR_RETURN(AppointmentRequestRecord rec, LoadRequest(tx, m.actor, id, ""));
    return encode(rec);
  });
}

absl::StatusOr<std::string> AppointmentRepository::ReleaseNoShows(const Mutation& m,
                                                                  absl::CivilDay day,
                                                                  const CountEncoder& encode) {
  return RunIdempotentRetrying(db_.impl(), m, [&](Tx& tx) -> absl::StatusOr<std::string> {
    std::string d = FormatDay(day);
    int n = CountOf(
        tx.Exec(kReleaseNoShows, m.actor.office_id, d, Ts(clock_.Now() - options_.no_show_grace)));
    if (n > 0) EnqueueAllocation(tx, m.actor.office_id, d);
    return encode(n);
  });
}

absl::StatusOr<std::vector<SlotRecord>> AppointmentRepository::ListSlots(
    const domain::Principal& viewer, absl::CivilDay day) {
  std::vector<SlotRecord> out;
  absl::Status s = db_.impl().RunTx([&](Tx& tx) -> absl::Status {
    for (const auto& row : tx.Exec(kSlotsOfDay, viewer.office_id, FormatDay(day))) {
      constexpr const auto& k = kSlotColumns;
      SlotRecord r;
      r.id = row[k["id"]].as<int64_t>();
      r.day = row[k["day"]].as<std::string>();
      r.starts_at = ParseTimestamp(row[k["starts_at"]].as<std::string>());
      r.ends_at = ParseTimestamp(row[k["ends_at"]].as<std::string>());
      r.capacity = row[k["capacity"]].as<int>();
      r.reserved_priority = row[k["reserved_priority"]].as<int>();
      r.booked = row[k["booked"]].as<int>();
      r.booked_priority = row[k["booked_priority"]].as<int>();
      r.closed = row[k["closed"]].as<bool>();
      out.push_back(r);
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<std::string> AppointmentRepository::SetOfficeHours(
    const Mutation& m, std::vector<OfficeHoursRecord> hours, const HoursEncoder& encode) {
  std::set<int> seen;
  for (size_t i = 0; i < hours.size(); ++i) {
    const OfficeHoursRecord& h = hours[i];
    std::string f = absl::StrCat("hours[", i, "]");
    if (h.weekday < 1 || h.weekday > 7) {
      return absl::InvalidArgumentError(absl::StrCat(f, ".weekday: 1 (Monday) .. 7 (Sunday)"));
    }
    if (!seen.insert(h.weekday).second) {
      return absl::InvalidArgumentError(absl::StrCat(f, ".weekday: listed twice"));
    }
    if (h.opens_minute >= h.closes_minute) {
      return absl::InvalidArgumentError(absl::StrCat(f, ".closes: must be after opens"));
    }
    if (h.slot_minutes < 5 || h.slot_minutes > 240) {
      return absl::InvalidArgumentError(absl::StrCat(f, ".slot_minutes: 5..240"));
    }
    if (h.closes_minute - h.opens_minute < h.slot_minutes) {
      return absl::InvalidArgumentError(absl::StrCat(f, ".slot_minutes: longer than the day"));
    }
    if (h.capacity < 1 || h.capacity > 1000) {
      return absl::InvalidArgumentError(absl::StrCat(f, ".capacity: 1..1000"));
    }
    if (h.reserved_priority < 0 || h.reserved_priority > h.capacity) {
      return absl::InvalidArgumentError(absl::StrCat(f, ".reserved_priority: 0..capacity"));
    }
  }
  std::sort(hours.begin(), hours.end(),
            [](const auto& a, const auto& b) { return a.weekday < b.weekday; });
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
  if (to < from) return absl::InvalidArgumentError("to: before from");
  if (to - from > 92) return absl::InvalidArgumentError("to: at most 92 days after from");
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
    NotifyCancelled(tx, encode_notification_, policy_,
                    {actor.office_id, office->name, office->utc_offset_minutes}, now, *r);
  };
}

absl::StatusOr<std::string> AppointmentRepository::CloseCounter(const Mutation& m,
                                                                const std::string& counter_id,
                                                                absl::CivilDay day,
                                                                const std::string& reason,
                                                                const ClosureEncoder& encode) {
  if (counter_id.empty()) return absl::InvalidArgumentError("counter_id: required");
  LOKET_RETURN_IF_ERROR(domain::ValidateText(reason, "reason", 500, false));
  return RunIdempotentRetrying(db_.impl(), m, [&](Tx& tx) -> absl::StatusOr<std::string> {
    std::string d = FormatDay(day);
    absl::Time now = clock_.Now();
    pqxx::result c = tx.Exec(kLockCounter, m.actor.office_id, counter_id);
    if (c.empty()) {
      return absl::NotFoundError(
          absl::StrCat("counter_id: no counter ", domain::QuoteValue(counter_id)));
    }
    if (!c[0][0].as<bool>()) {
      return absl::FailedPreconditionError(
          absl::StrCat("counter_id: ", counter_id, " is out of service"));
    }
    int before = tx.Exec(kOpenCounters, m.actor.office_id, d)[0][0].as<int>();
    if (tx.Exec(kCloseCounter, m.actor.office_id, counter_id, d, reason).empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat("counter_id: ", counter_id, " is already closed on ", d));
    }
    int after = before - 1;
    if (after <= 0) {
      return absl::FailedPreconditionError(absl::StrCat("counter_id: ", counter_id,
                                                        " is the last open counter on ", d,
                                                        "; close the day instead"));
    }
    ClosureOutcome out{0, d};
    auto tell = TellDisplaced(tx, m.actor, now);
    constexpr const auto& k = kLockSlotColumns;
    for (const auto& row : tx.Exec(kLockSlotsOfDay, m.actor.office_id, d)) {
      if (row[k["closed"]].as<bool>() ||
          ParseTimestamp(row[k["starts_at"]].as<std::string>()) <= now) {
        continue;
      }
      int64_t slot = row[k["id"]].as<int64_t>();
      int capacity = row[k["capacity"]].as<int>(), booked = row[k["booked"]].as<int>();
      // The closed counter's share of the people the room may hold.
      int new_capacity = capacity * after / before;
      int excess = std::max(0, booked - new_capacity);
      int priority_moved = 0;
      int moved = excess > 0 ? Displace(tx, slot, excess, &priority_moved, nullptr, tell) : 0;
      // Checked-in visitors stay: the slot keeps room for them.
      new_capacity = std::max(new_capacity, booked - moved);
      // The reserved seats shrink in proportion, so the day keeps general seats to re-allocate.
      tx.Exec(kShrinkSlot, slot, new_capacity, moved, priority_moved,
              row[k["reserved_priority"]].as<int>() * after / before);
      out.displaced += moved;
    }
    EnqueueAllocation(tx, m.actor.office_id, d);
    return encode(out);
  });
}

absl::StatusOr<std::string> AppointmentRepository::CloseDay(const Mutation& m, absl::CivilDay day,
                                                            const std::string& reason,
                                                            const ClosureEncoder& encode) {
  absl::Status r = domain::ValidateText(reason, "reason", 500, false);
  if (!r.ok()) return r;
  return RunIdempotentRetrying(db_.impl(), m, [&](Tx& tx) -> absl::StatusOr<std::string> {
    std::string d = FormatDay(day);
    pqxx::result slots = tx.Exec(kLockSlotsOfDay, m.actor.office_id, d);
    ClosureOutcome out;
    // Couriers stay home too: the day's SIBER stops move to the next working day.
    LOKET_ASSIGN_OR_RETURN(OfficeContext office,
                           LoadOffice(tx, m.actor.office_id, clock_.Now(), offices_));
    CourierDayClosure couriers = CloseCourierDayInTx(tx, clock_.Now(), office, m.actor.office_id,
                                                     day, reason, encode_notification_, policy_);
    out.stops_moved = couriers.stops_moved;
    out.stops_moved_to = couriers.moved_to;
    if (slots.empty()) return encode(out);  // no visiting hours that day: only the couriers
    std::vector<int64_t> moved_requests;
    auto tell = TellDisplaced(tx, m.actor, clock_.Now());
    constexpr const auto& k = kLockSlotColumns;
    for (const auto& row : slots) {
      if (row[k["closed"]].as<bool>()) continue;
      const int64_t slot = row[k["id"]].as<int64_t>();
      int priority_moved = 0;
      int moved =
          Displace(tx, slot, row[k["booked"]].as<int>(), &priority_moved, &moved_requests, tell);
      tx.Exec(kCloseSlot, slot, moved, priority_moved);
      out.displaced += moved;
    }
    // Requests still waiting for that day move with the displaced ones.
    for (const auto& row : tx.Exec(kOpenRequestIds, m.actor.office_id, d)) {
      int64_t id = row[0].as<int64_t>();
      if (std::find(moved_requests.begin(), moved_requests.end(), id) == moved_requests.end()) {
        moved_requests.push_back(id);
      }
    }
    pqxx::result next = tx.Exec(kNextOpenDay, m.actor.office_id, d);
    if (next[0][0].is_null()) {
      // Nowhere to go yet: they wait, and GenerateSlots plus a reschedule brings them back.
      for (int64_t id : moved_requests) tx.Exec(kSetRequestState, id, std::string("waitlisted"));
      return encode(out);
    }
    out.realloc_day = next[0][0].as<std::string>();
    int shift = static_cast<int>(ParseDay(out.realloc_day) - day);
    for (int64_t id : moved_requests) {
      tx.Exec(kShiftWindows, id, shift);
      tx.Exec(kMoveRequest, id, out.realloc_day);
    }
    EnqueueAllocation(tx, m.actor.office_id, out.realloc_day);
    return encode(out);
  });
}

absl::StatusOr<AllocationInput> AppointmentRepository::LoadAllocationInput(
    const std::string& office_id, const std::string& dedupe_key) {
  std::string d = dedupe_key.substr(0, 10);
  absl::CivilDay parsed;
  if (!absl::ParseCivilTime(d, &parsed)) {
    return absl::InvalidArgumentError(absl::StrCat("slots.allocate: bad scope ", dedupe_key));
  }
  AllocationInput in;
  in.day = d;
  in.priority_release_before = options_.priority_release_before;
  in.seed = DaySeed(office_id, d);
  absl::Status s = RunTxRetrying(db_.impl(), [&](Tx& tx) -> absl::Status {
    in.slots.clear();
    in.requests.clear();
    in.now = clock_.Now();
    // Seats of visitors who never came go back before the day is allocated again.
    tx.Exec(kReleaseNoShows, office_id, d, Ts(in.now - options_.no_show_grace));
    std::vector<domain::SlotTimes> times;
    constexpr const auto& k = kOpenSlotColumns;
    for (const auto& row : tx.Exec(kOpenSlotsOfDay, office_id, d)) {
      AllocationInput::Slot sl;
      sl.id = row[k["id"]].as<int64_t>();
      sl.starts_at = ParseTimestamp(row[k["starts_at"]].as<std::string>());
      sl.capacity = row[k["capacity"]].as<int>();
      sl.booked = row[k["booked"]].as<int>();
      sl.reserved_priority = row[k["reserved_left"]].as<int>();
      in.slots.push_back(sl);
      times.push_back({sl.id, sl.starts_at, ParseTimestamp(row[k["ends_at"]].as<std::string>())});
    }
    std::vector<AppointmentRequestRecord> reqs;
    std::vector<bool> flexible;
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
  absl::CivilDay parsed;
  if (!absl::ParseCivilTime(outcome.day, &parsed)) {
    return absl::InvalidArgumentError("allocation.day: YYYY-MM-DD");
  }
  return RunTxRetrying(db_.impl(), [&](Tx& tx) -> absl::Status {
    LOKET_RETURN_IF_ERROR(FinishLeasedInTx(tx, office_id, task_id, attempt, kSlotsAllocateQueue));
    absl::Time now = clock_.Now();
    LOKET_ASSIGN_OR_RETURN(OfficeContext office, LoadOffice(tx, office_id, now, offices_));
    OutboxOffice outbox{office_id, office.name, office.utc_offset_minutes};
    std::mt19937_64 rng(DaySeed(office_id, absl::StrCat(outcome.day, "#", task_id, "#", attempt)));
    std::vector<domain::SlotTimes> times;
    for (const auto& row : tx.Exec(kSlotsOfDay, office_id, outcome.day)) {
      times.push_back({row[kSlotColumns["id"]].as<int64_t>(),
                       ParseTimestamp(row[kSlotColumns["starts_at"]].as<std::string>()),
                       ParseTimestamp(row[kSlotColumns["ends_at"]].as<std::string>())});
    }
    // Load and lock what the rule needs: each assigned request still open, in the round's order.
    std::vector<AppointmentRequestRecord> windows_of;
    for (const auto& a : outcome.assigned) windows_of.emplace_back().id = a.first;
    LoadWindows(tx, windows_of);
    std::set<int64_t> locked;
    std::map<int64_t, domain::OpenRequest> open;
    std::map<int64_t, std::string> class_of;
    std::map<int64_t, Recipient> recipient;
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
      pqxx::result took = tx.Exec(kTakeSeat, seat.slot_id, office_id, seat.priority ? 1 : 0,
                                  outcome.day, Ts(now), Ts(now + options_.priority_release_before));
      if (took.empty()) continue;  // the seat went meanwhile: stays pending for the next round
      absl::Time starts_at = ParseTimestamp(took[0][kWindowColumns["starts_at"]].as<std::string>());
      std::string code;
      int64_t appointment_id = 0;
      for (int tries = 0; code.empty(); ++tries) {
        if (tries == 8) return absl::InternalError("no free appointment code after 8 tries");
        std::string candidate = domain::AppointmentCode(rng());
        pqxx::result ins = tx.Exec(kInsertAppointment, office_id, seat.request_id, seat.slot_id,
                                   candidate, class_of[seat.request_id], seat.rank);
        if (!ins.empty()) {
          code = candidate;
          appointment_id = ins[0][0].as<int64_t>();
        }
      }
      tx.Exec(kSetRequestState, seat.request_id, std::string("allocated"));
      NotifyAllocated(tx, encode_notification_, policy_, outbox, now, recipient[seat.request_id],
                      starts_at, code, appointment_id);
      // A sweep at the slot's grace time releases the seats of those who do not come.
      EnqueueInTx(tx, NewTask{office_id, kSlotsAllocateQueue,
                              absl::StrCat(outcome.day, "T",
                                           Local(starts_at, office.utc_offset_minutes, "%H:%M")),
                              "", starts_at + options_.no_show_grace, 8});
    }
    bool waitlisted = false;
    for (int64_t id : apply.waitlist) {
      waitlisted |= tx.Exec(kWaitlist, id, office_id).affected_rows() > 0;
    }
    if (waitlisted) {
      // At each cut-off, unused reserved seats open to the waitlist: one round per slot time,
      // enqueued once (so a round before the cut-off does not keep re-enqueueing it).
      for (const auto& row : tx.Exec(kReservedAhead, office_id, outcome.day,
                                     Ts(now + options_.priority_release_before))) {
        absl::Time start = ParseTimestamp(row[0].as<std::string>());
        std::string key = absl::StrCat(
            outcome.day, "T", Local(start, office.utc_offset_minutes, "%H:%M"), "/release");
        if (!tx.Exec(kTaskEver, office_id, std::string(kSlotsAllocateQueue), key).empty()) continue;
        EnqueueInTx(tx, NewTask{office_id, kSlotsAllocateQueue, key, "",
                                // just past the cut-off, where the allocator and the seat
                                // update both see the reserved seats open
                                start - options_.priority_release_before + absl::Seconds(1), 8});
      }
    }
    // Requests that came in meanwhile, or lost their seat to a concurrent round, get a round.
    if (!tx.Exec(kAnyPending, office_id, outcome.day).empty()) {
      EnqueueAllocation(tx, office_id, outcome.day);
    }
    return absl::OkStatus();
  });
}

std::optional<std::string> EndBookedAppointmentInTx(Tx& tx, const std::string& office_id,
                                                    int64_t appointment_id,
                                                    const std::string& new_state) {
  pqxx::result r = tx.Exec(kEndBooked, appointment_id, office_id, new_state);
  if (r.empty()) return std::nullopt;
  tx.Exec(kDropReminders, appointment_id);
  std::string day = r[0][0].as<std::string>();
  EnqueueAllocation(tx, office_id, day);  // the freed seat goes to the day's waitlist
  return day;
}

}  // namespace loket::store
