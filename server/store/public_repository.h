// The store of applicants' self-service (issue 10): bookings held until the phone code is typed,
// the office's 'public' principal that public actions are recorded as, the public view of slots,
// and lookups by the codes people hold (booking, visit, tracking). The rules are
// domain/public_booking.h's; appointment requests themselves stay AppointmentRepository's.
// Thread-safe (holds references; the caches lock themselves).
#ifndef LOKET_SERVER_STORE_PUBLIC_REPOSITORY_H_
#define LOKET_SERVER_STORE_PUBLIC_REPOSITORY_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/ttl_cache.h"
#include "server/domain/notification.h"
#include "server/domain/principal.h"
#include "server/domain/public_booking.h"
#include "server/store/appointment_repository.h"
#include "server/store/database.h"
#include "server/store/mutation.h"
#include "server/store/notification_outbox.h"
#include "server/store/office_context.h"

namespace loket::store {

struct PublicOfficeRecord {
  std::string id;
  std::string name;
  int utc_offset_minutes = 480;
  absl::CivilDay today;
  std::vector<std::pair<std::string, std::string>> services;  // (code, name)
};

struct HeldBooking {
  std::string booking_code;
  std::string office_id;
  std::string request;            // the BookVisitRequest bytes (the api layer's format)
  std::string create_request_id;  // the appointment request is made with this request_id
  std::string phone;
  absl::Time code_expires_at;
  int tries_left = 0;
  std::string state;  // awaiting_code | confirmed | expired
  int64_t appointment_request_id = 0;
};

using CodeCheck = domain::PhoneCodeCheck;  // decided by domain::CheckPhoneCode

class PublicRepository {
 public:
  PublicRepository(Database& db, const Clock& clock, NotificationEncoder encode_notification,
                   domain::NotificationPolicy policy)
      : db_(db),
        clock_(clock),
        encode_notification_(std::move(encode_notification)),
        policy_(policy) {}

  // The office's 'public' principal (created on first use). NOT_FOUND for an unknown office.
  absl::StatusOr<domain::Principal> PublicPrincipal(const std::string& office_id);
  // Name, today and the bookable services. NOT_FOUND for an unknown office.
  absl::StatusOr<PublicOfficeRecord> Office(const std::string& office_id);
  // Open (not closed, not yet started) slots of [from, to], in time order.
  absl::StatusOr<std::vector<SlotRecord>> OpenSlots(const std::string& office_id,
                                                    absl::CivilDay from, absl::CivilDay to);

  // Stores `b` with the SHA-256 of its code and sends `code_message`
  // (domain::PhoneCodeMessage), idempotently by m.request_id, once `admit` (run first, in the same
  // transaction, and not on a replay) allows it. Returns `encode()`'s bytes (replayed).
  absl::StatusOr<std::string> Hold(const Mutation& m, const HeldBooking& b,
                                   const std::string& code_sha256,
                                   domain::Notification code_message,
                                   const std::function<absl::Status(Tx&)>& admit,
                                   const std::function<std::string()>& encode);
  // NOT_FOUND when there is no such booking.
  absl::StatusOr<HeldBooking> Find(const std::string& booking_code);
  // A fresh code for a booking still awaiting one: the old code stops working, tries start again.
  // FAILED_PRECONDITION when it is no longer awaiting a code.
  absl::Status ReplaceCode(const HeldBooking& held, const std::string& code_sha256,
                           absl::Time expires_at, domain::Notification code_message);
  // Compares a typed code: a wrong one uses up a try, and the last try ends the booking (state
  // expired); an expired code is refused without a try used. Returns the outcome and the booking
  // as it is now.
  absl::StatusOr<std::pair<CodeCheck, HeldBooking>> CheckCode(const std::string& booking_code,
                                                              const std::string& code_sha256);
  absl::Status MarkConfirmed(const std::string& booking_code, int64_t appointment_request_id);

  // The appointment request named by a booking code or a visit (appointment) code whose phone
  // ends in `last4`, and its office. NOT_FOUND otherwise (the same answer for a wrong phone).
  absl::StatusOr<std::pair<std::string, int64_t>> FindRequest(const std::string& code,
                                                              const std::string& last4);
  // The booking code of an appointment request, "" when it was not booked publicly.
  absl::StatusOr<std::string> BookingCodeOf(int64_t appointment_request_id);
  // The case with this tracking code: (office, case id). NOT_FOUND otherwise.
  absl::StatusOr<std::pair<std::string, int64_t>> CaseByTrackingCode(const std::string& code);

 private:
  absl::StatusOr<OutboxOffice> LoadOutboxOffice(const std::string& office_id);

  Database& db_;
  const Clock& clock_;
  NotificationEncoder encode_notification_;
  domain::NotificationPolicy policy_;
  OfficeCache offices_{clock_, absl::Seconds(10)};
  TtlCache<std::string, domain::Principal> principals_{clock_, absl::Minutes(10)};
};

}  // namespace loket::store

#endif  // LOKET_SERVER_STORE_PUBLIC_REPOSITORY_H_
