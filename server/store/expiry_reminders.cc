#include "server/store/expiry_reminders.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/domain/case.h"
#include "server/store/columns.h"
#include "server/store/database.h"
#include "server/store/pg.h"

namespace loket::store {
namespace {

// Candidates on the office's today ($1 is the clock's now), soonest end first. The case rows are
// locked (SKIP LOCKED: another sweeper takes the next ones); index cases_valid_until (migration
// 0015). A permit already inside 30 days skips the 90-day reminder: one message, the right one.
constexpr auto kDueColumns = MakeColumns({{"case_id", "c.id"},
                                          {"days", "d.days"},
                                          {"office_id", "c.office_id"},
                                          {"office_name", "t.office_name"},
                                          {"utc_offset_minutes", "t.utc_offset_minutes"},
                                          {"applicant_name", "c.applicant_name"},
                                          {"applicant_phone", "c.applicant_phone"},
                                          {"applicant_email", "c.applicant_email"},
                                          {"applicant_language", "c.applicant_language"},
                                          {"permit_type", "c.permit_type"},
                                          {"permit_type_name", "pt.name"},
                                          {"permit_number", "coalesce(c.permit_number, '')"},
                                          {"valid_until", "c.valid_until::text"}});
constexpr Statement kDueReminders{
    "expiry_due",
    kSelectSql<
        "WITH t AS (SELECT o.id AS office_id, o.name AS office_name, o.utc_offset_minutes,"
        " ((($1::timestamptz) AT TIME ZONE 'UTC') + make_interval(mins => "
        "o.utc_offset_minutes))::date"
        " AS today FROM offices o)"
        " SELECT ",
        kDueColumns,
        " FROM cases c JOIN t ON t.office_id = c.office_id"
        " JOIN permit_types pt ON pt.office_id = c.office_id AND pt.code = c.permit_type"
        " CROSS JOIN (VALUES (90), (30)) AS d(days)"
        " WHERE c.state IN ('ISSUED', 'DELIVERED', 'COLLECTED') AND c.valid_until IS NOT NULL"
        " AND c.valid_until >= t.today AND c.valid_until <= t.today + d.days"
        " AND (d.days = 30 OR c.valid_until - 30 > t.today)"
        " AND NOT EXISTS (SELECT 1 FROM expiry_reminders r WHERE r.case_id = c.id"
        " AND r.days_before = d.days)"
        " ORDER BY c.valid_until, c.id LIMIT $2::int FOR UPDATE OF c SKIP LOCKED">};
constexpr Statement kRecordReminder{
    "expiry_record",
    "INSERT INTO expiry_reminders (office_id, case_id, days_before, valid_until)"
    " VALUES ($1, $2, $3, $4::date) ON CONFLICT DO NOTHING RETURNING case_id"};
constexpr Statement kLinkReminder{
    "expiry_link",
    "UPDATE expiry_reminders SET notification_id = $3 WHERE case_id = $1 AND days_before = $2"};

}  // namespace

absl::StatusOr<int64_t> ExpiryReminders::SweepOnce(const std::function<bool()>& stop) {
  int64_t total = 0;
  for (;;) {
    if (stop && stop()) return total;
    int picked = 0;
    int64_t recorded = 0;
    absl::Status s = db_.impl().RunTx([&](Tx& tx) -> absl::Status {
      picked = 0;
      recorded = 0;
      const absl::Time now = clock_.Now();
      pqxx::result due = tx.Exec(kDueReminders, FormatTimestamp(now), batch_);
      picked = static_cast<int>(due.size());
      constexpr const auto& k = kDueColumns;
      for (const auto& row : due) {
        const int64_t case_id = row[k["case_id"]].as<int64_t>();
        const int days = row[k["days"]].as<int>();
        domain::Case c;
        c.id = case_id;
        c.office_id = row[k["office_id"]].as<std::string>();
        c.applicant.name = row[k["applicant_name"]].as<std::string>();
        c.applicant.phone = row[k["applicant_phone"]].as<std::string>();
        c.applicant.email = row[k["applicant_email"]].as<std::string>();
        c.applicant.language = row[k["applicant_language"]].as<std::string>();
        c.permit_type = row[k["permit_type"]].as<std::string>();
        c.permit_number = row[k["permit_number"]].as<std::string>();
        c.valid_until = OptionalDay(row[k["valid_until"]]);
        if (tx.Exec(kRecordReminder, c.office_id, case_id, days,
                    row[k["valid_until"]].as<std::string>())
                .empty()) {
          continue;  // another sweeper recorded it first
        }
        ++recorded;
        const OutboxOffice office{c.office_id, row[k["office_name"]].as<std::string>(),
                                  row[k["utc_offset_minutes"]].as<int>()};
        int64_t first_id = 0;
        for (domain::Notification& n : domain::ExpiryReminderNotifications(
                 c, row[k["permit_type_name"]].as<std::string>(), days)) {
          int64_t id = EnqueueNotificationInTx(tx, encode_, policy_, office, now, std::move(n));
          if (first_id == 0) first_id = id;
        }
        if (first_id != 0) tx.Exec(kLinkReminder, case_id, days, first_id);
      }
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
    total += recorded;
    if (picked < batch_) return total;
  }
}

}  // namespace loket::store
