#include "server/store/queue_repository.h"

#include <algorithm>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/status_macros.h"
#include "server/domain/queue_checkin.h"
#include "server/domain/queue_counter.h"
#include "server/domain/queue_forecast.h"
#include "server/domain/queue_redirect.h"
#include "server/domain/queue_rules.h"
#include "server/domain/validation.h"
#include "server/store/appointment_seats.h"
#include "server/store/columns.h"
#include "server/store/fetch.h"
#include "server/store/idempotency.h"
#include "server/store/pg.h"
#include "server/store/siber_stops.h"

namespace loket::store {
namespace {

using domain::Lane;

// Locks the office's feed row for the rest of the transaction (see the header).
constexpr Statement kLockFeed{
    "queue_lock_feed",
    "INSERT INTO queue_feeds (office_id) VALUES ($1)"
    " ON CONFLICT (office_id) DO UPDATE SET seq = queue_feeds.seq RETURNING seq"};
constexpr Statement kNextSeq{
    "queue_next_seq", "UPDATE queue_feeds SET seq = seq + 1 WHERE office_id = $1 RETURNING seq"};
constexpr Statement kInsertEvent{
    "queue_insert_event",
    "INSERT INTO queue_events (office_id, seq, day, kind, ticket_id, label, counter_id, at)"
    " VALUES ($1, $2, $3::date, $4, $5, $6, nullif($7, ''), $8::timestamptz)"};
// Share lock: no queue change can start while a board is read, so the board matches its seq.
constexpr Statement kFeedSeqShared{"queue_feed_seq_shared",
                                   "SELECT seq FROM queue_feeds WHERE office_id = $1 FOR SHARE"};
constexpr Statement kFeedSeq{"queue_feed_seq", "SELECT seq FROM queue_feeds WHERE office_id = $1"};
// A feed event (QueueEventRecord).
constexpr auto kEventColumns = MakeColumns({{"seq"},
                                            {"kind"},
                                            {"ticket_id"},
                                            {"label"},
                                            {"counter_id", "coalesce(counter_id, '')"},
                                            {"at", "at::text"}});
constexpr Statement kEventsAfter{
    "queue_events_after",
    kSelectSql<"SELECT ", kEventColumns,
               " FROM queue_events WHERE office_id = $1 AND seq > $2 ORDER BY seq LIMIT $3">};

constexpr Statement kEnsureDay{
    "queue_ensure_day",
    "INSERT INTO queue_days (office_id, day) VALUES ($1, $2::date) ON CONFLICT DO NOTHING"};
constexpr Statement kDayState{
    "queue_day_state",
    "SELECT credits[1], credits[2], credits[3] FROM queue_days WHERE office_id = $1"
    " AND day = $2::date"};
constexpr Statement kSetCredits{
    "queue_set_credits",
    "UPDATE queue_days SET credits = ARRAY[$3::bigint, $4::bigint, $5::bigint]"
    " WHERE office_id = $1 AND day = $2::date"};
constexpr Statement kNextNumber{
    "queue_next_number",
    "UPDATE queue_days SET last_numbers[$3] = last_numbers[$3] + 1"
    " WHERE office_id = $1 AND day = $2::date RETURNING last_numbers[$3]"};

// The appointment behind a code shown at the door (domain::AppointmentAtDoor).
constexpr auto kAtDoorColumns = MakeColumns(
    {{"id", "a.id"},
     {"state", "a.state"},
     {"starts_at", "s.starts_at::text"},
     {"name", "r.name"},
     {"phone", "r.phone"},
     {"language", "r.language"},
     {"service", "r.service"},
     {"priority_class", "r.priority_class"},
     {"seated", "'SEATED_SERVICE' = ANY(r.accessibility_needs)"},
     {"case_id", "coalesce(r.case_id, 0)"},
     {"queued_visit",
      "EXISTS (SELECT 1 FROM visits v WHERE v.appointment_id = a.id AND v.outcome = 'queued')"},
     {"case_state", "k.state"}});
constexpr Statement kAppointmentByCode{
    "queue_appointment_by_code",
    kSelectSql<"SELECT ", kAtDoorColumns,
               " FROM appointments a JOIN appointment_requests r ON r.id = a.request_id"
               " JOIN slots s ON s.id = a.slot_id"
               " LEFT JOIN cases k ON k.id = r.case_id AND k.office_id = a.office_id"
               " WHERE a.office_id = $1 AND translate(a.code, '- ', '') = $2 FOR UPDATE OF a">};
constexpr Statement kAppointmentCheckedIn{
    "queue_appointment_checked_in",
    "UPDATE appointments SET state = 'checked_in', version = version + 1, updated_at = now()"
    " WHERE id = $1 AND state = 'booked'"};
constexpr Statement kPermitType{"queue_permit_type",
                                "SELECT 1 FROM permit_types WHERE office_id = $1 AND code = $2"};
constexpr Statement kCaseOfOffice{
    "queue_case_of_office",
    "SELECT state, applicant_nik FROM cases WHERE id = $1 AND office_id = $2"};

constexpr Statement kInsertVisit{
    "queue_insert_visit",
    "INSERT INTO visits (office_id, day, appointment_id, case_id, name, phone, language, service,"
    " priority_class, seated, temperature_c, mask, screening_passed, screening_note, arrival,"
    " outcome, created_by, created_at, outside_hours)"
    " VALUES ($1, $2::date, nullif($3::bigint, 0), nullif($4::bigint, 0), $5, $6, $7, $8, $9, $10, "
    "$11, $12,"
    " $13, $14, $15, $16, $17, $18::timestamptz, $19) RETURNING id"};
// Whether the office has opening hours at all, and today's (weekday $2, ISO) in minutes.
constexpr auto kHoursColumns =
    MakeColumns({{"any", "EXISTS (SELECT 1 FROM office_hours WHERE office_id = $1)"},
                 {"opens",
                  "(SELECT (extract(epoch FROM opens) / 60)::int FROM office_hours"
                  " WHERE office_id = $1 AND weekday = $2)"},
                 {"closes",
                  "(SELECT (extract(epoch FROM closes) / 60)::int FROM office_hours"
                  " WHERE office_id = $1 AND weekday = $2)"},
                 {"closed",  // the day was closed (CloseDay: a flood)
                  "EXISTS (SELECT 1 FROM siber_days WHERE office_id = $1 AND day = $3::date"
                  " AND closed_reason IS NOT NULL)"}});
constexpr Statement kHoursOfWeekday{"queue_hours_of_weekday",
                                    kSelectSql<"SELECT ", kHoursColumns, "">};
// A visit (VisitFromRow).
constexpr auto kVisitColumns = MakeColumns({{"id", "v.id"},
                                            {"day", "v.day::text"},
                                            {"appointment_id", "coalesce(v.appointment_id, 0)"},
                                            {"appointment_code", "coalesce(a.code, '')"},
                                            {"case_id", "coalesce(v.case_id, 0)"},
                                            {"name", "v.name"},
                                            {"service", "v.service"},
                                            {"priority_class", "v.priority_class"},
                                            {"seated", "v.seated"},
                                            {"temperature_c", "v.temperature_c::float8"},
                                            {"mask", "v.mask"},
                                            {"screening_passed", "v.screening_passed"},
                                            {"screening_note", "v.screening_note"},
                                            {"arrival", "v.arrival"},
                                            {"outcome", "v.outcome"},
                                            {"pickup_stop_id", "coalesce(v.pickup_stop_id, 0)"},
                                            {"created_at", "v.created_at::text"},
                                            {"phone", "v.phone"},
                                            {"language", "v.language"},
                                            {"outside_hours", "v.outside_hours"}});
constexpr Statement kVisit{
    "queue_visit", kSelectSql<"SELECT ", kVisitColumns,
                              " FROM visits v LEFT JOIN appointments a ON a.id = v.appointment_id"
                              " WHERE v.id = $1 AND v.office_id = $2 FOR UPDATE OF v">};
constexpr Statement kVisitsOfDay{
    "queue_visits_of_day",
    kSelectSql<"SELECT ", kVisitColumns,
               " FROM visits v LEFT JOIN appointments a ON a.id = v.appointment_id"
               " WHERE v.office_id = $1 AND v.day = $2::date AND ($3 = '' OR v.outcome = $3)"
               " ORDER BY v.id LIMIT 2000">};
constexpr Statement kVisitOfCode{
    "queue_visit_of_code",
    "SELECT v.id FROM visits v JOIN appointments a ON a.id = v.appointment_id"
    " WHERE v.office_id = $1 AND v.day = $2::date AND translate(upper(a.code), '- ', '') = $3"
    " ORDER BY v.outcome = 'redirect_pending' DESC, v.id DESC LIMIT 1"};
constexpr Statement kVisitOutcome{
    "queue_visit_outcome",
    "UPDATE visits SET outcome = $2, pickup_stop_id = nullif($3::bigint, 0), updated_at = now()"
    " WHERE id = $1 AND outcome = 'redirect_pending'"};

constexpr Statement kInsertTicket{
    "queue_insert_ticket",
    "INSERT INTO tickets (office_id, day, visit_id, lane, number, label, service, seated,"
    " slot_starts_at, queued_at, created_at)"
    " VALUES ($1, $2::date, $3, $4, $5, $6, $7, $8, nullif($9, '')::timestamptz,"
    " $10::timestamptz, $10::timestamptz) RETURNING id"};

// A ticket (TicketFromRow), with its visitor's name and needs and its counter's name.
constexpr auto kTicketColumns = MakeColumns(
    {{"id", "t.id"},
     {"day", "t.day::text"},
     {"lane", "t.lane"},
     {"number", "t.number"},
     {"label", "t.label"},
     {"service", "t.service"},
     {"name", "v.name"},
     {"seated", "t.seated"},
     {"state", "t.state"},
     {"counter_id", "coalesce(t.counter_id, '')"},
     {"counter_name", "coalesce(c.name, '')"},
     {"calls", "t.calls"},
     {"skips", "t.skips"},
     {"visit_id", "t.visit_id"},
     {"appointment_id", "coalesce(v.appointment_id, 0)"},
     {"queued_at", "t.queued_at::text"},
     {"created_at", "t.created_at::text"},
     {"called_at", "t.called_at::text"},
     {"finished_at", "t.finished_at::text"},
     {"version", "t.version"},
     {"needs",
      "array_to_string(ARRAY(SELECT DISTINCT n FROM unnest(coalesce(ar.accessibility_needs, '{}')"
      " || coalesce(cs.accessibility_needs, '{}')) n ORDER BY n), ',')"}});
// The visitor's needs come from the booking (the appointment request) and the case the visit is
// about (its applicant's).
#define LOKET_TICKET_FROM                                                      \
  " FROM tickets t JOIN visits v ON v.id = t.visit_id"                         \
  " LEFT JOIN counters c ON c.office_id = t.office_id AND c.id = t.counter_id" \
  " LEFT JOIN appointments ap ON ap.id = v.appointment_id"                     \
  " LEFT JOIN appointment_requests ar ON ar.id = ap.request_id"                \
  " LEFT JOIN cases cs ON cs.id = v.case_id"
constexpr Statement kTicket{"queue_ticket",
                            kSelectSql<"SELECT ", kTicketColumns,
                                       LOKET_TICKET_FROM " WHERE t.id = $1 AND t.office_id = $2">};
constexpr Statement kTicketForUpdate{
    "queue_ticket_for_update",
    kSelectSql<"SELECT ", kTicketColumns,
               LOKET_TICKET_FROM " WHERE t.id = $1 AND t.office_id = $2 FOR UPDATE OF t">};
constexpr Statement kTicketsOfDay{
    "queue_tickets_of_day",
    kSelectSql<"SELECT ", kTicketColumns,
               LOKET_TICKET_FROM " WHERE t.office_id = $1 AND t.day = $2::date"
                                 " AND ($3 = '' OR t.state = $3) ORDER BY t.id">};
// Waiting tickets in each lane's own order: appointments by slot, everyone by when they queued.
constexpr Statement kWaiting{
    "queue_waiting",
    kSelectSql<"SELECT ", kTicketColumns,
               LOKET_TICKET_FROM " WHERE t.office_id = $1 AND t.day = $2::date"
                                 " AND t.state = 'waiting'"
                                 " ORDER BY t.lane, t.slot_starts_at NULLS LAST, t.position">};
// The ticket a counter is serving on day $3. A ticket left called on an earlier day (the counter
// closed without ending it) is not: it would hold the counter and show on today's board.
constexpr Statement kCalledAt{
    "queue_called_at",
    kSelectSql<"SELECT ", kTicketColumns,
               LOKET_TICKET_FROM " WHERE t.office_id = $1 AND t.counter_id = $2"
                                 " AND t.state = 'called' AND t.day = $3::date">};

#define LOKET_COUNTER_OPEN(c, d)                           \
  " " c                                                    \
  ".open AND NOT EXISTS (SELECT 1 FROM counter_closures x" \
  "   WHERE x.office_id = " c ".office_id AND x.counter_id = " c ".id AND x.day = " d ")"
// A counter (CounterFromRow) and whether it is open on day $2.
constexpr auto kCounterColumns = MakeColumns({{"id", "c.id"},
                                              {"name", "c.name"},
                                              {"seated", "c.seated"},
                                              {"open", LOKET_COUNTER_OPEN("c", "$2::date")}});
constexpr Statement kCounter{"queue_counter",
                             kSelectSql<"SELECT ", kCounterColumns,
                                        " FROM counters c WHERE c.office_id = $1 AND c.id = $3">};
constexpr Statement kCounters{"queue_counters",
                              kSelectSql<"SELECT ", kCounterColumns,
                                         " FROM counters c WHERE c.office_id = $1 ORDER BY c.id">};
// What calling decides on (domain::ChooseNextTicket): the day's waiting tickets and every counter
// with whether it is open on day $2 and the services it serves (empty: all), read under the
// office's queue lock that every change to tickets takes. The forecast reads the counters too.
constexpr auto kCallableColumns = MakeColumns({{"id"},
                                               {"lane"},
                                               {"service"},
                                               {"seated"},
                                               {"queued_at", "queued_at::text"},
                                               {"slot_starts_at", "slot_starts_at::text"},
                                               {"position"},
                                               {"transferred_to", "coalesce(counter_id, '')"}});
constexpr Statement kCallable{
    "queue_callable",
    kSelectSql<"SELECT ", kCallableColumns,
               " FROM tickets WHERE office_id = $1 AND day = $2::date AND state = 'waiting'">};
constexpr auto kCallingCounterColumns =
    MakeColumns({{"id", "c.id"},
                 {"seated", "c.seated"},
                 {"open", LOKET_COUNTER_OPEN("c", "$2::date")},
                 {"services", "array_to_string(c.services, ',')"}});
constexpr Statement kCallingCounters{
    "queue_calling_counters", kSelectSql<"SELECT ", kCallingCounterColumns,
                                         " FROM counters c WHERE c.office_id = $1 ORDER BY c.id">};
constexpr Statement kClaim{
    "queue_claim",
    "UPDATE tickets SET state = 'called', counter_id = $3, calls = calls + 1,"
    " called_at = $4::timestamptz, version = version + 1"
    " WHERE id = $1 AND office_id = $2 AND state = 'waiting' RETURNING id, label"};

constexpr Statement kRecall{"queue_recall",
                            "UPDATE tickets SET calls = calls + 1, called_at = $2::timestamptz,"
                            " version = version + 1 WHERE id = $1 AND state = 'called'"};
constexpr Statement kSkip{
    "queue_skip",
    "UPDATE tickets SET state = 'waiting', counter_id = NULL, skips = skips + 1,"
    " slot_starts_at = NULL,"  // to the back of its lane, also in the slot-ordered one
    " queued_at = $2::timestamptz, position = nextval('ticket_positions'), version = version + 1"
    " WHERE id = $1 AND state = 'called'"};
constexpr Statement kFinishAs{
    "queue_finish_as",
    "UPDATE tickets SET state = $3, finished_at = $2::timestamptz, version = version + 1"
    " WHERE id = $1 AND state = 'called'"};
constexpr Statement kTransfer{
    "queue_transfer",
    "UPDATE tickets SET state = 'waiting', counter_id = $2, version = version + 1"
    " WHERE id = $1 AND state = 'called'"};
// Measured service times: each counter's last $3 finished tickets per service over the last $4
// days up to $2 (called to finished, in seconds); domain::MedianService makes them medians.
constexpr auto kServiceSampleColumns = MakeColumns({{"counter_id"}, {"service"}, {"secs"}});
constexpr Statement kServiceSamples{
    "queue_service_samples",
    kSelectSql<
        "SELECT ", kServiceSampleColumns,
        " FROM ("
        " SELECT counter_id, service, extract(epoch FROM finished_at - called_at)::float8 AS secs,"
        "  row_number() OVER (PARTITION BY counter_id, service ORDER BY finished_at DESC) AS n"
        " FROM tickets WHERE office_id = $1 AND state = 'done' AND counter_id IS NOT NULL"
        " AND called_at IS NOT NULL AND finished_at > called_at"
        " AND day > $2::date - $4::int AND day <= $2::date) d WHERE n <= $3">};
TicketRecord TicketFromRow(const pqxx::row& r) {
  constexpr const auto& k = kTicketColumns;
  TicketRecord t;
  t.id = r[k["id"]].as<int64_t>();
  t.day = r[k["day"]].as<std::string>();
  t.lane = domain::LaneFromName(r[k["lane"]].as<std::string>()).value_or(Lane::kWalkIn);
  t.number = r[k["number"]].as<int>();
  t.label = r[k["label"]].as<std::string>();
  t.service = r[k["service"]].as<std::string>();
  t.name = domain::MaskName(r[k["name"]].as<std::string>());
  t.seated = r[k["seated"]].as<bool>();
  t.state = r[k["state"]].as<std::string>();
  t.counter_id = r[k["counter_id"]].as<std::string>();
  t.counter_name = r[k["counter_name"]].as<std::string>();
  t.calls = r[k["calls"]].as<int>();
  t.skips = r[k["skips"]].as<int>();
  t.visit_id = r[k["visit_id"]].as<int64_t>();
  t.appointment_id = r[k["appointment_id"]].as<int64_t>();
  t.queued_at = ParseTimestamp(r[k["queued_at"]].as<std::string>());
  t.created_at = ParseTimestamp(r[k["created_at"]].as<std::string>());
  t.called_at = OptionalTs(r[k["called_at"]]);
  t.finished_at = OptionalTs(r[k["finished_at"]]);
  t.version = r[k["version"]].as<int64_t>();
  if (std::string needs = r[k["needs"]].as<std::string>(); !needs.empty()) {
    t.needs = absl::StrSplit(needs, ',');
  }
  return t;
}

struct VisitRow {
  VisitRecord v;
  std::string phone;
  std::string language;
};

VisitRow VisitFromRow(const pqxx::row& r) {
  constexpr const auto& k = kVisitColumns;
  VisitRow out;
  VisitRecord& v = out.v;
  v.id = r[k["id"]].as<int64_t>();
  v.day = r[k["day"]].as<std::string>();
  v.appointment_id = r[k["appointment_id"]].as<int64_t>();
  v.appointment_code = r[k["appointment_code"]].as<std::string>();
  v.case_id = r[k["case_id"]].as<int64_t>();
  v.name = r[k["name"]].as<std::string>();
  v.service = r[k["service"]].as<std::string>();
  v.priority = domain::PriorityClassFromName(r[k["priority_class"]].as<std::string>())
                   .value_or(domain::PriorityClass::kNone);
  v.seated = r[k["seated"]].as<bool>();
  v.screening.temperature_c = r[k["temperature_c"]].as<double>();
  v.screening.mask = r[k["mask"]].as<bool>();
  v.screening_passed = r[k["screening_passed"]].as<bool>();
  v.screening_note = r[k["screening_note"]].as<std::string>();
  v.arrival = r[k["arrival"]].as<std::string>();
  v.outcome = r[k["outcome"]].as<std::string>();
  v.pickup_stop_id = r[k["pickup_stop_id"]].as<int64_t>();
  v.created_at = ParseTimestamp(r[k["created_at"]].as<std::string>());
  out.phone = r[k["phone"]].as<std::string>();
  out.language = r[k["language"]].as<std::string>();
  v.outside_hours = r[k["outside_hours"]].as<bool>();
  return out;
}

void LockFeed(Tx& tx, const std::string& office_id) { tx.Exec(kLockFeed, office_id); }

void AppendEvent(Tx& tx, const std::string& office_id, const std::string& day,
                 const std::string& kind, int64_t ticket_id, const std::string& label,
                 const std::string& counter_id, absl::Time now) {
  int64_t seq = tx.Exec(kNextSeq, office_id)[0][0].as<int64_t>();
  tx.Exec(kInsertEvent, office_id, seq, day, kind, ticket_id, label, counter_id, Ts(now));
}

// The day's lane credits (kDayState); zero before the day's first ticket.
domain::LaneCredits CreditsOf(const pqxx::result& r) {
  domain::LaneCredits c;
  if (r.empty()) return c;
  for (int i = 0; i < domain::kLaneCount; ++i) c.c[i] = r[0][i].as<int64_t>();
  return c;
}

domain::LaneCredits LoadCredits(Tx& tx, const std::string& office_id, const std::string& day) {
  tx.Exec(kEnsureDay, office_id, day);
  return CreditsOf(tx.Exec(kDayState, office_id, day));
}

absl::StatusOr<TicketRecord> LoadTicketForUpdate(Tx& tx, const std::string& office_id,
                                                 int64_t ticket_id) {
  LOKET_RETURN_IF_ERROR(domain::ValidateId(ticket_id, "ticket_id"));
  pqxx::result r = tx.Exec(kTicketForUpdate, ticket_id, office_id);
  if (r.empty()) return absl::NotFoundError(absl::StrCat("ticket ", ticket_id, " not found"));
  return TicketFromRow(r[0]);
}

TicketRecord ReloadTicket(Tx& tx, const std::string& office_id, int64_t id) {
  return TicketFromRow(tx.Exec(kTicket, id, office_id)[0]);
}

CounterBoard CounterFromRow(const pqxx::row& row) {
  constexpr const auto& k = kCounterColumns;
  CounterBoard c;
  c.id = row[k["id"]].as<std::string>();
  c.name = row[k["name"]].as<std::string>();
  c.seated = row[k["seated"]].as<bool>();
  c.open = row[k["open"]].as<bool>();
  return c;
}

absl::Status CounterNotFound(const std::string& id) {
  return absl::NotFoundError(absl::StrCat("counter ", id, " not found"));
}

absl::StatusOr<CounterBoard> LoadCounter(Tx& tx, const std::string& office_id,
                                         const std::string& id, const std::string& day) {
  pqxx::result r = tx.Exec(kCounter, office_id, day, id);
  if (r.empty()) return CounterNotFound(id);
  return CounterFromRow(r[0]);
}

std::vector<domain::CallableTicket> LoadCallable(Tx& tx, const std::string& office_id,
                                                 const std::string& day) {
  constexpr const auto& k = kCallableColumns;
  std::vector<domain::CallableTicket> out;
  for (const auto& row : tx.Exec(kCallable, office_id, day)) {
    std::optional<domain::Lane> lane = domain::LaneFromName(row[k["lane"]].as<std::string>());
    if (!lane) continue;  // no lane the rotation knows (the table's CHECK allows none)
    domain::CallableTicket t;
    t.id = row[k["id"]].as<int64_t>();
    t.lane = *lane;
    t.service = row[k["service"]].as<std::string>();
    t.seated = row[k["seated"]].as<bool>();
    t.queued_at = ParseTimestamp(row[k["queued_at"]].as<std::string>());
    t.slot_starts_at = OptionalTs(row[k["slot_starts_at"]]);
    t.position = row[k["position"]].as<int64_t>();
    t.transferred_to = row[k["transferred_to"]].as<std::string>();
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<domain::CallingCounter> LoadCallingCounters(Tx& tx, const std::string& office_id,
                                                        const std::string& day) {
  constexpr const auto& k = kCallingCounterColumns;
  std::vector<domain::CallingCounter> out;
  for (const auto& row : tx.Exec(kCallingCounters, office_id, day)) {
    domain::CallingCounter& c = out.emplace_back();
    c.id = row[k["id"]].as<std::string>();
    c.seated = row[k["seated"]].as<bool>();
    c.open = row[k["open"]].as<bool>();
    if (std::string services = row[k["services"]].as<std::string>(); !services.empty()) {
      c.services = absl::StrSplit(services, ',');
    }
  }
  return out;
}

// Waiting tickets in the order they are expected to be called, with calls ahead and wait filled,
// and the open counters' count; shared by the board, GetTicket and ListTickets.
struct Forecast {
  std::vector<TicketRecord> order;
  std::array<int, domain::kLaneCount> waiting = {0, 0, 0};
  absl::Duration mean_service = absl::ZeroDuration();  // the office's median; zero: no history
  int open_counters = 0;
};

// Loads the waiting tickets, the lane credits, the recent service times and the open counters;
// domain::ForecastQueue orders the tickets and estimates each one's wait.
Forecast LoadForecast(Tx& tx, const std::string& office_id, const std::string& day,
                      const domain::LaneWeights& weights) {
  std::vector<TicketRecord> tickets;
  std::vector<domain::WaitingTicket> waiting;
  for (const auto& row : tx.Exec(kWaiting, office_id, day)) {
    TicketRecord t = TicketFromRow(row);
    waiting.push_back({t.lane, t.service, t.counter_id});  // a waiting ticket's: its transfer
    tickets.push_back(std::move(t));
  }
  const domain::LaneCredits credits = CreditsOf(tx.Exec(kDayState, office_id, day));
  std::vector<domain::ServiceSample> samples;
  for (const auto& row : tx.Exec(kServiceSamples, office_id, day, domain::kServiceSamples,
                                 domain::kServiceHistoryDays)) {
    constexpr const auto& k = kServiceSampleColumns;
    samples.push_back({row[k["counter_id"]].as<std::string>(), row[k["service"]].as<std::string>(),
                       absl::Seconds(row[k["secs"]].as<double>())});
  }
  std::vector<domain::OpenCounter> counters;
  for (domain::CallingCounter& c : LoadCallingCounters(tx, office_id, day)) {
    if (c.open) counters.push_back({std::move(c.id), std::move(c.services)});
  }
  domain::QueueForecast q = domain::ForecastQueue(waiting, credits, weights, samples, counters);
  Forecast f;
  f.waiting = q.waiting;
  f.mean_service = q.mean_service;
  f.open_counters = q.open_counters;
  for (const domain::ForecastEntry& e : q.order) {
    TicketRecord t = tickets[e.ticket];
    t.calls_ahead = e.calls_ahead;
    t.estimated_wait = e.wait;
    f.order.push_back(std::move(t));
  }
  return f;
}

void FillEstimate(const Forecast& f, TicketRecord& t) {
  for (const auto& w : f.order) {
    if (w.id == t.id) {
      t.calls_ahead = w.calls_ahead;
      t.estimated_wait = w.estimated_wait;
      return;
    }
  }
}

}  // namespace

absl::StatusOr<std::string> QueueRepository::CheckIn(const Mutation& m, const CheckInInput& in,
                                                     const CheckInEncoder& encode) {
  LOKET_ASSIGN_OR_RETURN(
      const domain::CheckInRequest req,
      domain::NormalizeCheckInRequest(in.appointment_code, in.walk_in, in.screening));
  const std::string& code = req.code;
  const WalkInDetails& walk = req.walk;
  return RunIdempotent(db_.impl(), m, [&](Tx& tx) -> absl::StatusOr<std::string> {
    const std::string& office_id = m.actor.office_id;
    absl::Time now = clock_.Now();
    LOKET_ASSIGN_OR_RETURN(OfficeContext office, LoadOffice(tx, office_id, now, offices_));
    const std::string day = absl::FormatCivilTime(office.today);
    LockFeed(tx, office_id);

    // Load what the check-in rule needs (domain::DecideCheckIn), under the office's queue lock.
    domain::CheckInFacts facts;
    facts.now = now;
    facts.utc_offset_minutes = office.utc_offset_minutes;
    facts.screening = in.screening;
    facts.seated = in.seated;
    if (req.by_code) {
      pqxx::result r = tx.Exec(kAppointmentByCode, office_id, code);
      if (r.empty()) return absl::NotFoundError(absl::StrCat("appointment ", code, " not found"));
      domain::AppointmentAtDoor& a = facts.appointment.emplace();
      constexpr const auto& k = kAtDoorColumns;
      const pqxx::row& row = r[0];
      a.code = code;
      a.id = row[k["id"]].as<int64_t>();
      a.state = row[k["state"]].as<std::string>();
      a.starts_at = ParseTimestamp(row[k["starts_at"]].as<std::string>());
      a.name = row[k["name"]].as<std::string>();
      a.phone = row[k["phone"]].as<std::string>();
      a.language = row[k["language"]].as<std::string>();
      a.service = row[k["service"]].as<std::string>();
      a.priority = domain::PriorityClassFromName(row[k["priority_class"]].as<std::string>())
                       .value_or(domain::PriorityClass::kNone);
      a.seated = row[k["seated"]].as<bool>();
      a.case_id = row[k["case_id"]].as<int64_t>();
      a.queued_visit = row[k["queued_visit"]].as<bool>();
      if (!row[k["case_state"]].is_null()) a.case_state = row[k["case_state"]].as<std::string>();
    } else {
      domain::WalkInAtDoor& w = facts.walk_in.emplace();
      w.details = walk;
      w.outside_hours_override = in.outside_hours_override;
      if (walk_in_hours_) {
        pqxx::result h = tx.Exec(kHoursOfWeekday, office_id,
                                 static_cast<int>(absl::GetWeekday(office.today)) + 1, day);
        constexpr const auto& k = kHoursColumns;
        if (h[0][k["any"]].as<bool>()) {
          domain::WalkInAtDoor::Hours& hours = w.hours.emplace();
          if (!h[0][k["opens"]].is_null()) {
            hours.today =
                domain::OpeningHours{h[0][k["opens"]].as<int>(), h[0][k["closes"]].as<int>()};
          }
          // The office's own hours decide the weekdays (a Saturday with hours is open); the
          // SLA clock's calendar would close every weekend. A day closed for a flood is closed
          // at the door too.
          hours.working_day =
              office.snapshot->holidays.count(office.today) == 0 && !h[0][k["closed"]].as<bool>();
        }
      }
      w.service_known = !tx.Exec(kPermitType, office_id, walk.service).empty();
      if (walk.case_id > 0) {
        pqxx::result c = tx.Exec(kCaseOfOffice, walk.case_id, office_id);
        if (!c.empty()) {
          w.linked_case = {c[0]["state"].as<std::string>(),
                           c[0]["applicant_nik"].as<std::string>()};
        }
      }
    }
    LOKET_ASSIGN_OR_RETURN(domain::CheckInDecision d, domain::DecideCheckIn(facts, arrival_));

    // Write what it decided.
    const domain::VisitToRecord& v = d.visit;
    int64_t visit_id =
        tx.Exec(kInsertVisit, office_id, day, v.appointment_id, v.case_id, v.name, v.phone,
                v.language, v.service, std::string(domain::PriorityClassName(v.priority)), v.seated,
                in.screening.temperature_c, in.screening.mask, v.screening_passed, v.screening_note,
                v.arrival, std::string(d.Outcome()), m.actor.id, Ts(now), v.outside_hours)[0][0]
            .as<int64_t>();
    CheckInOutcome out;
    if (d.ticket) {
      const domain::TicketToIssue& issue = *d.ticket;
      if (issue.check_in_appointment &&
          tx.Exec(kAppointmentCheckedIn, v.appointment_id).affected_rows() != 1) {
        return absl::AbortedError("the appointment changed meanwhile; retry");
      }
      tx.Exec(kEnsureDay, office_id, day);
      int number =
          tx.Exec(kNextNumber, office_id, day, static_cast<int>(issue.lane) + 1)[0][0].as<int>();
      std::string label = domain::TicketLabel(issue.lane, number);
      int64_t ticket_id =
          tx.Exec(kInsertTicket, office_id, day, visit_id,
                  std::string(domain::LaneName(issue.lane)), number, label, v.service, v.seated,
                  issue.slot_start ? Ts(*issue.slot_start) : std::string(), Ts(now))[0][0]
              .as<int64_t>();
      AppendEvent(tx, office_id, day, "issued", ticket_id, label, "", now);
      TicketRecord t = ReloadTicket(tx, office_id, ticket_id);
      FillEstimate(LoadForecast(tx, office_id, day, weights_), t);
      out.ticket = std::move(t);
    } else {
      out.alternatives.push_back(Redirect::kOnline);
      if (d.offer_siber_pickup) out.alternatives.push_back(Redirect::kSiberPickup);
    }
    out.visit = VisitFromRow(tx.Exec(kVisit, visit_id, office_id)[0]).v;
    return encode(out);
  });
}

absl::StatusOr<std::string> QueueRepository::RedirectVisit(const Mutation& m,
                                                           const RedirectInput& in,
                                                           const VisitEncoder& encode) {
  LOKET_RETURN_IF_ERROR(
      domain::ValidateRedirect(in.visit_id, in.handling, in.address, in.latitude, in.longitude));
  return RunIdempotent(db_.impl(), m, [&](Tx& tx) -> absl::StatusOr<std::string> {
    const std::string& office_id = m.actor.office_id;
    absl::Time now = clock_.Now();
    pqxx::result r = tx.Exec(kVisit, in.visit_id, office_id);
    if (r.empty()) return absl::NotFoundError(absl::StrCat("visit ", in.visit_id, " not found"));
    VisitRow visit = VisitFromRow(r[0]);
    LOKET_ASSIGN_OR_RETURN(OfficeContext office, LoadOffice(tx, office_id, now, offices_));
    domain::VisitToRedirect facts;
    facts.id = visit.v.id;
    facts.outcome = visit.v.outcome;
    facts.case_id = visit.v.case_id;
    facts.has_appointment = visit.v.appointment_id != 0;
    facts.name = visit.v.name;
    facts.phone = visit.phone;
    facts.language = visit.language;
    if (in.handling == Redirect::kSiberPickup && visit.v.case_id != 0) {
      pqxx::result k = tx.Exec(kCaseOfOffice, visit.v.case_id, office_id);
      if (!k.empty()) facts.case_state = k[0]["state"].as<std::string>();
    }
    LOKET_ASSIGN_OR_RETURN(domain::RedirectDecision d, domain::DecideRedirect(in.handling, facts));

    int64_t stop_id = 0;
    if (d.request_pickup) {
      PickupRequest p;
      p.office_id = office_id;
      p.case_id = visit.v.case_id;
      p.place = visit.v.name;
      p.address = in.address;
      p.latitude = in.latitude;
      p.longitude = in.longitude;
      LOKET_ASSIGN_OR_RETURN(stop_id, RequestPickupInTx(tx, now, office, p));
    }
    if (d.end_appointment) {
      // Spontan frees the seat, withdraws unsent reminders and offers the seat to the day's
      // waitlist. A seat the no-show sweep released already stays as it is.
      EndBookedAppointmentInTx(tx, office_id, visit.v.appointment_id, "redirected");
    }
    if (tx.Exec(kVisitOutcome, in.visit_id, std::string(domain::RedirectName(in.handling)), stop_id)
            .affected_rows() != 1) {
      return absl::AbortedError("the visit changed meanwhile; retry");
    }
    if (d.tell_online) {
      EnqueueNotificationInTx(tx, encode_notification_, policy_, OutboxOf(office_id, office), now,
                              *std::move(d.tell_online));
    }
    return encode(VisitFromRow(tx.Exec(kVisit, in.visit_id, office_id)[0]).v);
  });
}

absl::StatusOr<std::string> QueueRepository::CallNext(const Mutation& m,
                                                      const std::string& counter_id,
                                                      const CallEncoder& encode) {
  LOKET_RETURN_IF_ERROR(domain::ValidateCounterId(counter_id, "counter_id"));
  return RunIdempotent(db_.impl(), m, [&](Tx& tx) -> absl::StatusOr<std::string> {
    const std::string& office_id = m.actor.office_id;
    absl::Time now = clock_.Now();
    LOKET_ASSIGN_OR_RETURN(OfficeContext office, LoadOffice(tx, office_id, now, offices_));
    const std::string day = absl::FormatCivilTime(office.today);
    LockFeed(tx, office_id);
    // Every counter, read once: this one's open state, and who the others may take.
    const std::vector<domain::CallingCounter> counters = LoadCallingCounters(tx, office_id, day);
    auto here = std::find_if(counters.begin(), counters.end(),
                             [&](const domain::CallingCounter& c) { return c.id == counter_id; });
    if (here == counters.end()) return CounterNotFound(counter_id);
    pqxx::result current = tx.Exec(kCalledAt, office_id, counter_id, day);
    std::optional<std::string> called;
    if (!current.empty()) called = current[0][kTicketColumns["label"]].as<std::string>();
    LOKET_RETURN_IF_ERROR(domain::CheckCounterMayCall(counter_id, here->open, called));
    std::optional<domain::NextCall> next =
        domain::ChooseNextTicket(counter_id, counters, LoadCallable(tx, office_id, day),
                                 LoadCredits(tx, office_id, day), weights_, now);
    if (!next) return encode(std::nullopt);
    if (const auto& c = next->credits) {
      tx.Exec(kSetCredits, office_id, day, c->c[0], c->c[1], c->c[2]);
    }
    pqxx::result claimed = tx.Exec(kClaim, next->ticket_id, office_id, counter_id, Ts(now));
    if (claimed.empty()) return absl::AbortedError("the queue changed meanwhile; retry");
    int64_t id = claimed[0]["id"].as<int64_t>();
    AppendEvent(tx, office_id, day, "called", id, claimed[0]["label"].as<std::string>(), counter_id,
                now);
    return encode(ReloadTicket(tx, office_id, id));
  });
}

absl::StatusOr<std::string> QueueRepository::Act(const Mutation& m, int64_t ticket_id,
                                                 TicketAction action, const TicketEncoder& encode) {
  return RunIdempotent(db_.impl(), m, [&](Tx& tx) -> absl::StatusOr<std::string> {
    const std::string& office_id = m.actor.office_id;
    absl::Time now = clock_.Now();
    LockFeed(tx, office_id);
    LOKET_ASSIGN_OR_RETURN(TicketRecord t, LoadTicketForUpdate(tx, office_id, ticket_id));
    LOKET_ASSIGN_OR_RETURN(
        domain::TicketActionEdit edit,
        domain::DecideTicketAction(action, t.state, t.label, t.appointment_id != 0));
    switch (edit.write) {
      case domain::TicketActionEdit::Write::kRecall:
        tx.Exec(kRecall, t.id, Ts(now));
        break;
      case domain::TicketActionEdit::Write::kSkip:
        tx.Exec(kSkip, t.id, Ts(now));
        break;
      case domain::TicketActionEdit::Write::kFinish:
        tx.Exec(kFinishAs, t.id, Ts(now), edit.finished_as);
        break;
    }
    if (edit.appointment_to) {
      EndCheckedInAppointmentInTx(tx, office_id, t.appointment_id, *edit.appointment_to, now);
    }
    AppendEvent(tx, office_id, t.day, edit.event, t.id, t.label, t.counter_id, now);
    return encode(ReloadTicket(tx, office_id, t.id));
  });
}

absl::StatusOr<std::string> QueueRepository::Transfer(const Mutation& m, int64_t ticket_id,
                                                      const std::string& to_counter,
                                                      const TicketEncoder& encode) {
  LOKET_RETURN_IF_ERROR(domain::ValidateCounterId(to_counter, "to_counter_id"));
  return RunIdempotent(db_.impl(), m, [&](Tx& tx) -> absl::StatusOr<std::string> {
    const std::string& office_id = m.actor.office_id;
    absl::Time now = clock_.Now();
    LockFeed(tx, office_id);
    LOKET_ASSIGN_OR_RETURN(TicketRecord t, LoadTicketForUpdate(tx, office_id, ticket_id));
    absl::StatusOr<CounterBoard> to = LoadCounter(tx, office_id, to_counter, t.day);
    LOKET_RETURN_IF_ERROR(
        domain::CheckTransfer(t.state, t.label, t.counter_id, to_counter,
                              to.ok() ? std::optional<bool>(to->open) : std::nullopt));
    tx.Exec(kTransfer, t.id, to_counter);
    AppendEvent(tx, office_id, t.day, "transferred", t.id, t.label, to_counter, now);
    return encode(ReloadTicket(tx, office_id, t.id));
  });
}

absl::StatusOr<int64_t> QueueRepository::VisitIdByAppointmentCode(const std::string& office_id,
                                                                  const std::string& code) {
  LOKET_ASSIGN_OR_RETURN(const std::string c, domain::RequireAppointmentCode(code));
  return Fetch(db_.impl(), [&](Tx& tx) -> absl::StatusOr<int64_t> {
    LOKET_ASSIGN_OR_RETURN(OfficeContext office, LoadOffice(tx, office_id, clock_.Now(), offices_));
    pqxx::result r = tx.Exec(kVisitOfCode, office_id, absl::FormatCivilTime(office.today), c);
    if (r.empty()) {
      return absl::NotFoundError(
          absl::StrCat("appointment_code: no visit today with appointment ", code));
    }
    return r[0][0].as<int64_t>();
  });
}

absl::StatusOr<TicketRecord> QueueRepository::GetTicket(const domain::Principal& viewer,
                                                        int64_t ticket_id) {
  LOKET_RETURN_IF_ERROR(domain::ValidateId(ticket_id, "ticket_id"));
  return Fetch(db_.impl(), [&](Tx& tx) -> absl::StatusOr<TicketRecord> {
    pqxx::result r = tx.Exec(kTicket, ticket_id, viewer.office_id);
    if (r.empty()) return absl::NotFoundError(absl::StrCat("ticket ", ticket_id, " not found"));
    TicketRecord out = TicketFromRow(r[0]);
    if (domain::ShowsWaitEstimate(out.state)) {
      FillEstimate(LoadForecast(tx, viewer.office_id, out.day, weights_), out);
    }
    return out;
  });
}

absl::StatusOr<std::vector<TicketRecord>> QueueRepository::ListTickets(
    const domain::Principal& viewer, std::optional<absl::CivilDay> day, const std::string& state) {
  LOKET_RETURN_IF_ERROR(domain::ValidateTicketStateFilter(state));
  return Fetch(db_.impl(), [&](Tx& tx) -> absl::StatusOr<std::vector<TicketRecord>> {
    LOKET_ASSIGN_OR_RETURN(OfficeContext office,
                           LoadOffice(tx, viewer.office_id, clock_.Now(), offices_));
    std::string d = absl::FormatCivilTime(day.value_or(office.today));
    Forecast f = LoadForecast(tx, viewer.office_id, d, weights_);
    return MapRows(tx.Exec(kTicketsOfDay, viewer.office_id, d, state), [&](const pqxx::row& row) {
      TicketRecord t = TicketFromRow(row);
      if (domain::ShowsWaitEstimate(t.state)) FillEstimate(f, t);
      return t;
    });
  });
}

absl::StatusOr<std::vector<VisitRecord>> QueueRepository::ListVisits(
    const domain::Principal& viewer, std::optional<absl::CivilDay> day,
    const std::string& outcome) {
  LOKET_RETURN_IF_ERROR(domain::ValidateVisitOutcomeFilter(outcome));
  return Fetch(db_.impl(), [&](Tx& tx) -> absl::StatusOr<std::vector<VisitRecord>> {
    LOKET_ASSIGN_OR_RETURN(OfficeContext office,
                           LoadOffice(tx, viewer.office_id, clock_.Now(), offices_));
    const std::string d = absl::FormatCivilTime(day.value_or(office.today));
    return MapRows(tx.Exec(kVisitsOfDay, viewer.office_id, d, outcome),
                   [](const pqxx::row& row) { return VisitFromRow(row).v; });
  });
}

absl::StatusOr<BoardRecord> QueueRepository::Board(const std::string& office_id) {
  return Fetch(db_.impl(), [&](Tx& tx) -> absl::StatusOr<BoardRecord> {
    LOKET_ASSIGN_OR_RETURN(OfficeContext office, LoadOffice(tx, office_id, clock_.Now(), offices_));
    BoardRecord b;
    b.day = absl::FormatCivilTime(office.today);
    pqxx::result seq = tx.Exec(kFeedSeqShared, office_id);
    b.seq = seq.empty() ? 0 : seq[0][0].as<int64_t>();
    Forecast f = LoadForecast(tx, office_id, b.day, weights_);
    b.waiting = f.waiting;
    b.mean_service = f.mean_service;
    b.next.assign(f.order.begin(), f.order.begin() + domain::BoardNextCount(f.order.size()));
    for (const auto& row : tx.Exec(kCounters, office_id, b.day)) {
      CounterBoard c = CounterFromRow(row);
      pqxx::result called = tx.Exec(kCalledAt, office_id, c.id, b.day);
      if (!called.empty()) c.serving = TicketFromRow(called[0]);
      b.counters.push_back(std::move(c));
    }
    return b;
  });
}

absl::StatusOr<int64_t> QueueRepository::FeedSeq(const std::string& office_id) {
  return FetchAutocommit(db_.impl(), [&](Tx& tx) -> int64_t {
    pqxx::result seq = tx.Exec(kFeedSeq, office_id);
    return seq.empty() ? 0 : seq[0][0].as<int64_t>();
  });
}

absl::StatusOr<std::vector<QueueEventRecord>> QueueRepository::EventsAfter(
    const std::string& office_id, int64_t after_seq, int limit) {
  return FetchAutocommit(db_.impl(), [&](Tx& tx) {
    return MapRows(tx.Exec(kEventsAfter, office_id, after_seq, limit), [](const pqxx::row& row) {
      constexpr const auto& k = kEventColumns;
      return QueueEventRecord{row[k["seq"]].as<int64_t>(),
                              row[k["kind"]].as<std::string>(),
                              row[k["ticket_id"]].as<int64_t>(),
                              row[k["label"]].as<std::string>(),
                              row[k["counter_id"]].as<std::string>(),
                              ParseTimestamp(row[k["at"]].as<std::string>())};
    });
  });
}

}  // namespace loket::store
