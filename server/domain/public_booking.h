// The rules of applicants' self-service (issue 10): the priority a public booking gets, how full a
// slot looks to the public, the phone code's life, and the per-address limits of public calls.
// Pure functions; thread-safe.
#ifndef LOKET_SERVER_DOMAIN_PUBLIC_BOOKING_H_
#define LOKET_SERVER_DOMAIN_PUBLIC_BOOKING_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "server/domain/appointment.h"
#include "server/domain/case.h"
#include "server/domain/notification.h"
#include "server/domain/principal.h"

namespace loket::domain {

inline constexpr absl::Duration kPhoneCodeLifetime = absl::Minutes(10);
inline constexpr int kPhoneCodeTries = 5;

// Disability is declared (and checked at the door); elderly follows from the NIK: 60 or older on
// the visit day. Otherwise none. Health-worker priority is for clinics' bookings only.
PriorityClass PublicPriority(std::string_view nik, absl::CivilDay visit_day, bool disability);

// The age in whole years on `on` of someone born on `born`.
int AgeOn(absl::CivilDay born, absl::CivilDay on);

// How full a slot looks to the public: words, never counts (counts help seat brokers). The
// public are counted as applicants without priority: before the cut-off (`release_before` ahead
// of the start) the reserved seats no priority request has taken are not theirs, after it they
// are (SeatOpenTo's rule). "Full" exactly when SeatOpenTo refuses a request without priority.
enum class Availability { kOpen, kFewLeft, kFull };
Availability PublicAvailability(const SlotSeats& s, absl::Time now, absl::Duration release_before);

// OK for exactly 6 digits; INVALID_ARGUMENT naming "code".
absl::Status ValidatePhoneCode(std::string_view code);
// OK for exactly 4 digits; INVALID_ARGUMENT naming "phone_last4".
absl::Status ValidatePhoneLast4(std::string_view last4);
// Upper case without spaces and dashes: "k7m-4qx" -> "K7M4QX". Empty when anything else than
// letters and digits remains or it is longer than `max_len`.
std::string NormalizePublicCode(std::string_view code, size_t max_len);

// The SMS that carries a booking's phone code (the gateway channel: a code goes to the phone),
// urgent: a code does not wait for quiet hours, the applicant is waiting for it.
Notification PhoneCodeMessage(const std::string& phone, const std::string& name,
                              const std::string& language, const std::string& code);

// A typed phone code against the booking that waits for it. A wrong code uses up a try, and the
// last try ends the booking; an expired code is refused without using one (a new code can be
// sent); a booking no longer awaiting a code (confirmed, expired) takes none.
enum class PhoneCodeCheck { kMatch, kWrong, kExpired, kNoTriesLeft, kNotAwaiting };
struct PhoneCodeAttempt {
  PhoneCodeCheck check = PhoneCodeCheck::kNotAwaiting;
  bool uses_try = false;  // the booking is written back with the two fields below
  int tries_left = 0;
  bool ends_booking = false;  // its state becomes expired
};
PhoneCodeAttempt CheckPhoneCode(bool awaiting_code, absl::Time code_expires_at, absl::Time now,
                                int tries_left, bool code_matches);

// The per-phone limit holds for public bookings only: one phone cannot hold seats for many NIKs.
bool PhoneLimitApplies(Role booker);
// `held`: the phone's live bookings besides the one being made or rescheduled. RESOURCE_EXHAUSTED
// naming applicant.phone at `limit`.
absl::Status CheckPhoneLimit(int64_t held, int limit);

// The per-address limits of public calls: a burst of `burst` calls, refilled at `per_minute`.
struct PublicLimit {
  double per_minute = 60;
  double burst = 30;
};
enum class PublicCallKind {
  kRead,   // office, open days, queue position
  kGuess,  // anything that tries a secret: a phone code, a tracking code, a visit code, a permit
  kWrite,  // a booking (sends an SMS)
};
PublicLimit LimitFor(PublicCallKind kind);

}  // namespace loket::domain

#endif  // LOKET_SERVER_DOMAIN_PUBLIC_BOOKING_H_
