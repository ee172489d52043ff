#include "server/store/public_repository.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "server/domain/public_booking.h"
#include "server/domain/validation.h"
#include "server/store/appointment_seats.h"
#include "server/store/columns.h"
#include "server/store/fetch.h"
#include "server/store/idempotency.h"
#include "server/store/pg.h"

namespace loket::store {
namespace {

constexpr Statement kPublicPrincipal{
    "pub_principal", "SELECT id FROM principals WHERE office_id = $1 AND role = 'public'"};
constexpr Statement kMakePublicPrincipal{
    "pub_make_principal",
    "INSERT INTO principals (office_id, name, role) SELECT id, 'Layanan publik', 'public'"
    " FROM offices WHERE id = $1 ON CONFLICT DO NOTHING"};
// Each record's columns (server/store/columns.h): its statements select them, its reads name them.
constexpr auto kServiceColumns = MakeColumns({{"code"}, {"name"}});
constexpr Statement kServices{
    "pub_services", kSelectSql<"SELECT ", kServiceColumns,
                               " FROM permit_types WHERE office_id = $1 ORDER BY name, code">};
// A slot's seats as they are; what the public may take of them is domain::PublicAvailability's.
constexpr Statement kOpenSlots{
    "pub_open_slots",
    kSelectSql<
        "SELECT ", kSlotColumns,
        " FROM slots WHERE office_id = $1 AND day BETWEEN $2::date AND $3::date AND NOT closed"
        " AND starts_at > $4::timestamptz ORDER BY starts_at">};
constexpr Statement kInsertHold{
    "pub_insert_hold",
    "INSERT INTO public_bookings (booking_code, office_id, request, create_request_id, phone,"
    " code_sha256, code_expires_at, tries_left)"
    " VALUES ($1, $2, $3, $4::uuid, $5, $6, $7::timestamptz, $8)"};
// A held booking (HoldFromRow) and the digest of the code it waits for.
constexpr auto kHoldColumns =
    MakeColumns({{"booking_code"},
                 {"office_id"},
                 {"request"},
                 {"create_request_id", "create_request_id::text"},
                 {"phone"},
                 {"code_expires_at", "code_expires_at::text"},
                 {"tries_left"},
                 {"state"},
                 {"appointment_request_id", "coalesce(appointment_request_id, 0)"},
                 {"code_sha256"}});
constexpr Statement kFindHold{
    "pub_find_hold",
    kSelectSql<"SELECT ", kHoldColumns, " FROM public_bookings WHERE booking_code = $1">};
constexpr Statement kLockHold{
    "pub_lock_hold", kSelectSql<"SELECT ", kHoldColumns,
                                " FROM public_bookings WHERE booking_code = $1 FOR UPDATE">};
constexpr Statement kReplaceCode{
    "pub_replace_code",
    "UPDATE public_bookings SET code_sha256 = $2, code_expires_at = $3::timestamptz,"
    " tries_left = $4 WHERE booking_code = $1 AND state = 'awaiting_code'"};
// What domain::CheckPhoneCode decided for a wrong code (the row is locked: kLockHold).
constexpr Statement kUseTry{
    "pub_use_try",
    "UPDATE public_bookings SET tries_left = $2, state = $3 WHERE booking_code = $1"};
constexpr Statement kConfirm{
    "pub_confirm",
    "UPDATE public_bookings SET state = 'confirmed', appointment_request_id = $2"
    " WHERE booking_code = $1"};
// By booking code, else by visit code; the phone must end in the given four digits.
// Where a request or a case is: its office and id.
constexpr auto kRequestPlaceColumns = MakeColumns({{"office_id", "r.office_id"}, {"id", "r.id"}});
constexpr Statement kRequestByBooking{
    "pub_request_by_booking",
    kSelectSql<"SELECT ", kRequestPlaceColumns,
               " FROM public_bookings b JOIN appointment_requests r"
               " ON r.id = b.appointment_request_id WHERE b.booking_code = $1"
               " AND right(r.phone, 4) = $2">};
constexpr Statement kRequestByVisitCode{
    "pub_request_by_visit",
    kSelectSql<"SELECT ", kRequestPlaceColumns,
               " FROM appointments a JOIN appointment_requests r ON r.id = a.request_id"
               " WHERE translate(a.code, '- ', '') = $1 AND right(r.phone, 4) = $2"
               " ORDER BY a.id DESC LIMIT 1">};
constexpr Statement kBookingCodeOf{
    "pub_booking_code_of",
    "SELECT booking_code FROM public_bookings WHERE appointment_request_id = $1"};
constexpr auto kCasePlaceColumns = MakeColumns({{"office_id"}, {"id"}});
constexpr Statement kCaseByTracking{
    "pub_case_by_tracking",
    kSelectSql<"SELECT ", kCasePlaceColumns, " FROM cases WHERE tracking_code = $1">};

// A row of kHoldColumns.
HeldBooking HoldFromRow(const pqxx::row& row) {
  constexpr const auto& k = kHoldColumns;
  HeldBooking b;
  b.booking_code = row[k["booking_code"]].as<std::string>();
  b.office_id = row[k["office_id"]].as<std::string>();
  b.request = BytesOf(row[k["request"]]);
  b.create_request_id = row[k["create_request_id"]].as<std::string>();
  b.phone = row[k["phone"]].as<std::string>();
  b.code_expires_at = ParseTimestamp(row[k["code_expires_at"]].as<std::string>());
  b.tries_left = row[k["tries_left"]].as<int>();
  b.state = row[k["state"]].as<std::string>();
  b.appointment_request_id = row[k["appointment_request_id"]].as<int64_t>();
  return b;
}

// A row of kRequestPlaceColumns or kCasePlaceColumns: (office, id).
template <const auto& k>
std::pair<std::string, int64_t> PlaceFromRow(const pqxx::row& row) {
  return {row[k["office_id"]].template as<std::string>(), row[k["id"]].template as<int64_t>()};
}

absl::Status NoOffice(const std::string& office_id) {
  return absl::NotFoundError(absl::StrCat("office_id: no office ", domain::QuoteValue(office_id)));
}

absl::Status NoBooking() { return absl::NotFoundError("booking_code: no such booking"); }

}  // namespace

absl::StatusOr<domain::Principal> PublicRepository::PublicPrincipal(const std::string& office_id) {
  if (auto hit = principals_.Get(office_id)) return *hit;
  LOKET_ASSIGN_OR_RETURN(
      domain::Principal p,
      FetchAutocommit(db_.impl(), [&](Tx& tx) -> absl::StatusOr<domain::Principal> {
        pqxx::result r = tx.Exec(kPublicPrincipal, office_id);
        if (r.empty()) {
          tx.Exec(kMakePublicPrincipal, office_id);
          r = tx.Exec(kPublicPrincipal, office_id);
        }
        if (r.empty()) return NoOffice(office_id);
        return domain::Principal{r[0][0].as<int64_t>(), office_id, "Layanan publik",
                                 domain::Role::kPublic, "",        ""};
      }));
  principals_.Put(office_id, p);
  return p;
}

absl::StatusOr<PublicOfficeRecord> PublicRepository::Office(const std::string& office_id) {
  return Fetch(db_.impl(), [&](Tx& tx) -> absl::StatusOr<PublicOfficeRecord> {
    absl::StatusOr<OfficeContext> office = LoadOffice(tx, office_id, clock_.Now(), offices_);
    if (!office.ok()) return NoOffice(office_id);
    PublicOfficeRecord out{office_id, office->name, office->utc_offset_minutes, office->today, {}};
    for (const auto& row : tx.Exec(kServices, office_id)) {
      out.services.emplace_back(row[kServiceColumns["code"]].as<std::string>(),
                                row[kServiceColumns["name"]].as<std::string>());
    }
    return out;
  });
}

absl::StatusOr<std::vector<SlotRecord>> PublicRepository::OpenSlots(const std::string& office_id,
                                                                    absl::CivilDay from,
                                                                    absl::CivilDay to) {
  return FetchAutocommit(db_.impl(), [&](Tx& tx) {
    return MapRows(tx.Exec(kOpenSlots, office_id, FormatDay(from), FormatDay(to),
                           FormatTimestamp(clock_.Now())),
                   SlotFromRow);
  });
}

absl::StatusOr<OutboxOffice> PublicRepository::LoadOutboxOffice(const std::string& office_id) {
  LOKET_ASSIGN_OR_RETURN(PublicOfficeRecord office, Office(office_id));
  return OutboxOffice{office.id, office.name, office.utc_offset_minutes};
}

absl::StatusOr<std::string> PublicRepository::Hold(const Mutation& m, const HeldBooking& b,
                                                   const std::string& code_sha256,
                                                   domain::Notification code_message,
                                                   const std::function<absl::Status(Tx&)>& admit,
                                                   const std::function<std::string()>& encode) {
  LOKET_ASSIGN_OR_RETURN(OutboxOffice office, LoadOutboxOffice(b.office_id));
  return RunIdempotent(db_.impl(), m, [&](Tx& tx) -> absl::StatusOr<std::string> {
    LOKET_RETURN_IF_ERROR(admit(tx));
    tx.Exec(kInsertHold, b.booking_code, b.office_id, pqxx::binarystring(b.request),
            b.create_request_id, b.phone, pqxx::binarystring(code_sha256),
            FormatTimestamp(b.code_expires_at), b.tries_left);
    EnqueueNotificationInTx(tx, encode_notification_, policy_, office, clock_.Now(),
                            std::move(code_message));
    return encode();
  });
}

absl::StatusOr<HeldBooking> PublicRepository::Find(const std::string& booking_code) {
  return FetchAutocommit(db_.impl(), [&](Tx& tx) -> absl::StatusOr<HeldBooking> {
    std::optional<HeldBooking> b = FirstRow(tx.Exec(kFindHold, booking_code), HoldFromRow);
    if (!b) return NoBooking();
    return *std::move(b);
  });
}

absl::Status PublicRepository::ReplaceCode(const HeldBooking& held, const std::string& code_sha256,
                                           absl::Time expires_at,
                                           domain::Notification code_message) {
  LOKET_ASSIGN_OR_RETURN(OutboxOffice office, LoadOutboxOffice(held.office_id));
  return db_.impl().RunTx([&](Tx& tx) -> absl::Status {
    if (tx.Exec(kReplaceCode, held.booking_code, pqxx::binarystring(code_sha256),
                FormatTimestamp(expires_at), domain::kPhoneCodeTries)
            .affected_rows() == 0) {
      return absl::FailedPreconditionError(
          "booking_code: this booking no longer waits for a code; book again");
    }
    EnqueueNotificationInTx(tx, encode_notification_, policy_, office, clock_.Now(),
                            std::move(code_message));
    return absl::OkStatus();
  });
}

absl::StatusOr<std::pair<CodeCheck, HeldBooking>> PublicRepository::CheckCode(
    const std::string& booking_code, const std::string& code_sha256) {
  return Fetch(db_.impl(), [&](Tx& tx) -> absl::StatusOr<std::pair<CodeCheck, HeldBooking>> {
    pqxx::result r = tx.Exec(kLockHold, booking_code);
    if (r.empty()) return NoBooking();
    HeldBooking b = HoldFromRow(r[0]);
    const domain::PhoneCodeAttempt a = domain::CheckPhoneCode(
        b.state == "awaiting_code", b.code_expires_at, clock_.Now(), b.tries_left,
        BytesOf(r[0][kHoldColumns["code_sha256"]]) == code_sha256);
    if (a.uses_try) {
      b.tries_left = a.tries_left;
      if (a.ends_booking) b.state = "expired";
      tx.Exec(kUseTry, booking_code, b.tries_left, b.state);
    }
    return std::make_pair(a.check, std::move(b));
  });
}

absl::Status PublicRepository::MarkConfirmed(const std::string& booking_code,
                                             int64_t appointment_request_id) {
  return db_.impl().RunAutocommit([&](Tx& tx) {
    tx.Exec(kConfirm, booking_code, appointment_request_id);
    return absl::OkStatus();
  });
}

absl::StatusOr<std::pair<std::string, int64_t>> PublicRepository::FindRequest(
    const std::string& code, const std::string& last4) {
  return FetchAutocommit(
      db_.impl(), [&](Tx& tx) -> absl::StatusOr<std::pair<std::string, int64_t>> {
        pqxx::result r = tx.Exec(kRequestByBooking, code, last4);
        if (r.empty()) r = tx.Exec(kRequestByVisitCode, code, last4);
        if (r.empty()) return absl::NotFoundError("no booking with this code and phone number");
        return PlaceFromRow<kRequestPlaceColumns>(r[0]);
      });
}

absl::StatusOr<std::string> PublicRepository::BookingCodeOf(int64_t appointment_request_id) {
  return FetchAutocommit(db_.impl(), [&](Tx& tx) {
    pqxx::result r = tx.Exec(kBookingCodeOf, appointment_request_id);
    return r.empty() ? std::string() : r[0][0].as<std::string>();
  });
}

absl::StatusOr<std::pair<std::string, int64_t>> PublicRepository::CaseByTrackingCode(
    const std::string& code) {
  return FetchAutocommit(db_.impl(),
                         [&](Tx& tx) -> absl::StatusOr<std::pair<std::string, int64_t>> {
                           pqxx::result r = tx.Exec(kCaseByTracking, code);
                           if (r.empty())
                             return absl::NotFoundError("tracking_code: no case with this code");
                           return PlaceFromRow<kCasePlaceColumns>(r[0]);
                         });
}

}  // namespace loket::store
